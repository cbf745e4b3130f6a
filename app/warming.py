"""Work done in the background when the server first sees a new data version (issue 12: after
each load, the common views are computed before the crowd asks for them).

``register(server, name, job)`` adds a job: ``job()`` runs inside an app context, returns how many
views it warmed. ``install(app)`` starts the runner."""

from __future__ import annotations

from typing import Callable

JOBS = "psad_warm_jobs"


def register(server, name: str, job: Callable[[], int]) -> None:
    server.extensions.setdefault(JOBS, []).append((name, job))


def install(app) -> None:
    """Start the warmers: today the presentation decks' (``callbacks.present``)."""
    from callbacks.present import install_warmer

    install_warmer(app)
