"""The one adapter every filtered page's update goes through: the filter state -> the page's named
outputs, or a plain message in their place when no data is loaded or the database fails.

``page_callback`` registers it: the filter state as the first input, the page's own inputs and
states by name, and the path as a state, so an update meant for a page that is no longer shown
(a response racing a page switch) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from dash import Input, State
from dash.exceptions import PreventUpdate

from app import i18n, ids
from app.context import Services, load_choices, services
from app.pages import PAGE_PARAMS, Page, shown_page
from app.urlstate import Choices, parse
from data_access.db import DataError
from data_access.filters import Filters

NO_DATA = i18n.N_("No data is loaded yet. Run `psad demo load` or load real data.")


@dataclass(frozen=True)
class PageRequest:
    """What a page's ``compute`` gets: services, the parsed filters, and its other inputs by name."""

    svc: Services
    filters: Filters
    choices: Choices
    data: dict  # the data state (version, demo flag, data as of)
    options: dict = field(default_factory=dict)  # the filter bar's choices (area names, offense labels)
    values: dict[str, Any] = field(default_factory=dict)


def acted(*values) -> None:
    """Stop unless a person acted (a click, a submit, a chosen value).

    When a page's layout is inserted, the browser fires every callback that has an input inside
    it and an output outside it (the URL, the filter bar), ``prevent_initial_call`` or not, with
    the inputs' first values: for a button, ``n_clicks`` None. Such a callback must not act then,
    or opening a page would rewrite the link it was opened with."""
    if not any(values):
        raise PreventUpdate


def page_update(page: Page, filter_state: str | None, pathname: str | None, values: dict,
                compute: Callable[[PageRequest], dict], error: Callable[[str], dict]) -> dict:
    """``compute(request) -> outputs`` when ``page`` is the page shown, ``error(message)`` when
    there is no data or the database fails."""
    if filter_state is None or shown_page(pathname).name != page.name:
        raise PreventUpdate
    svc = services()
    try:
        choices, options, data = load_choices(svc.db)
        if not data["version"]:
            return error(i18n.gettext(NO_DATA))
        f, _ = parse(filter_state, choices, extra=PAGE_PARAMS)
        return compute(PageRequest(svc, f, choices, data, options, values))
    except DataError as exc:
        return error(i18n.error_text(exc))


def page_callback(app, page: Page, *, output: dict, compute: Callable[[PageRequest], dict],
                  error: Callable[[str], dict], inputs: dict | None = None, state: dict | None = None) -> None:
    """Register ``page``'s update: named ``output``s from ``compute``. It runs when the page's
    layout is inserted (the page is shown) and on every filter change while it is shown."""
    extra_inputs, extra_state = dict(inputs or {}), dict(state or {})

    @app.callback(
        output=output,
        inputs={"filter_state": Input(ids.FILTER_STATE, "data"), **extra_inputs},
        state={**extra_state, "pathname": State(ids.URL, "pathname")},
        prevent_initial_call=False,
    )
    def update(filter_state, pathname, **values):
        return page_update(page, filter_state, pathname, values, compute, error)

    update.__name__ = f"update_{page.name}"
