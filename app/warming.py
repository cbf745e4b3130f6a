"""Work done in the background when the server first sees a new data version (issue 12: after
each load, the common views are computed before the crowd asks for them)."""

from __future__ import annotations


def install(app) -> None:
    """Start the warmers: today the presentation decks' (``callbacks.present``)."""
    from callbacks.present import install_warmer

    install_warmer(app)
