"""Which JavaScript bundles the browser loads (issue 12: a first view under 1.5 MB on the wire)."""

from __future__ import annotations


def install(app) -> None:
    """Adjust the app's script bundles; today Dash's defaults are kept."""
