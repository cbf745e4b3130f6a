"""Per-app services (database, settings) and the values every request derives from them.

``create_app`` stores a ``Services`` on the Flask server; callbacks and API views reach it with
``services()`` inside a request, so no module holds global state.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.settings import Settings
from app.urlstate import Choices
from data_access import options as opts
from data_access import status
from data_access.db import Database
from data_access.filters import MULTI_FIELDS

EXTENSION = "psad"


@dataclass(frozen=True)
class Services:
    db: Database
    settings: Settings


def services() -> Services:
    return current_app.extensions[EXTENSION]


def load_choices(db: Database) -> tuple[Choices, dict, dict]:
    """(choices for URL parsing, filter options, data state) — all cached by data version, and
    made once per request (kept on ``flask.g``, as ``status.state`` keeps the state): a page's
    request asks in its outage gate, its layout key and its layout."""
    return status.once_per_request("psad_choices", db, _load_choices)


def _load_choices(db: Database) -> tuple[Choices, dict, dict]:
    state = status.state(db)
    options = opts.filter_options(db) if state["version"] else {}
    values = {k: [code for code, _ in options.get(k, [])] for k in MULTI_FIELDS}
    choices = Choices(values=values, data_as_of=state["data_as_of"], first_date=state["first_date"])
    return choices, options, state
