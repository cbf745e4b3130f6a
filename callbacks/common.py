"""The adapter every filtered page's update shares: the filter state -> its outputs, or a plain
message in place of them when no data is loaded or the database fails."""

from __future__ import annotations

from typing import Callable

from dash.exceptions import PreventUpdate

from app.context import load_choices, services
from app.pageparams import PAGE_PARAMS
from app.urlstate import parse
from layouts.shell import PAGE_BY_PATH

NO_DATA = "No data is loaded yet. Run `psad demo load` or load real data."


def page_update(page: str, state: str | None, pathname: str | None, compute: Callable,
                error_outputs: Callable[[str], dict], keys: tuple[str, ...]) -> tuple:
    """``compute(services, filters, choices) -> dict`` for ``page`` when it is the page shown
    (an unknown path shows the Summary); ``keys`` orders the dict into the callback's outputs."""
    from data_access.db import DataError

    if state is None or PAGE_BY_PATH.get(pathname or "/", "summary") != page:
        raise PreventUpdate
    svc = services()
    try:
        choices, _, data = load_choices(svc.db)
        if not data["version"]:
            out = error_outputs(NO_DATA)
        else:
            f, _ = parse(state, choices, extra=PAGE_PARAMS)
            out = compute(svc, f, choices)
    except DataError as exc:
        out = error_outputs(exc.user_message)
    return tuple(out[k] for k in keys)
