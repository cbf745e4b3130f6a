"""Case outcomes and Case lookup callbacks.

Case lookup keeps its state in the URL (``case``, ``charge``, ``page``, ``open``; see the
README): the search form writes the URL, links in the results change it, and one callback reads
it and renders the results page and the opened case. So a search, a page or an opened case can
be bookmarked and shared, and back/forward work.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices, services
from app.urlstate import PAGE_PARAMS, Choices, extra_values, parse, to_query
from callbacks.common import page_update
from data_access import cases as C
from data_access.db import Database, DataError
from data_access.filters import Filters
from layouts import cases as L
from layouts.common import empty_figure
from layouts.shell import PAGE_BY_PATH


def outcomes_outputs(db: Database, f: Filters) -> dict:
    f = f.replace(offense=())
    status = C.case_status(db, f)
    return {"cards": L.outcome_cards(L.outcome_summary(status)), "mix": L.mix_figure(C.disposition_mix(db, f)),
            "time": L.time_figure(status), "error": None}


def outcomes_error(message: str) -> dict:
    fig = empty_figure("Not available")
    return {"cards": None, "mix": fig, "time": fig, "error": dbc.Alert(message, color="danger")}


OUTCOME_KEYS = ("cards", "mix", "time", "error")


def lookup_state(search: str | None, choices: Choices) -> dict:
    """The lookup's parameters from the URL, validated. Bad values become messages."""
    f, _ = parse(search or "", choices, extra=PAGE_PARAMS)
    raw = extra_values(search or "", PAGE_PARAMS)
    messages = []
    case = charge = open_case = None
    try:
        case = C.normalize_case_number((raw.get("case") or [None])[0])
    except C.BadCaseQuery as exc:
        messages.append(str(exc))
    try:
        open_case = C.normalize_case_number((raw.get("open") or [None])[0])
    except C.BadCaseQuery as exc:
        messages.append(str(exc))
    charge = ((raw.get("charge") or [""])[0] or "").strip()[:200] or None
    page = 1
    page_raw = (raw.get("page") or ["1"])[0]
    if not page_raw.isdigit() or not 1 <= int(page_raw) <= C.MAX_PAGE:
        messages.append(f"Page “{page_raw[:20]}” is not a page number from 1 to {C.MAX_PAGE}; showing page 1.")
    else:
        page = int(page_raw)
    return {"filters": f, "case": case, "charge": charge, "page": page, "open": open_case, "messages": messages}


def lookup_outputs(db: Database, search: str | None, choices: Choices) -> dict:
    st = lookup_state(search, choices)
    f = st["filters"]
    fq = to_query(f)
    page = C.search(db, f, st["case"], st["charge"], st["page"])
    results = L.results_table(page, fq, st["case"], st["charge"])
    if st["open"]:
        back = L.lookup_href(fq, case=st["case"], charge=st["charge"], page=st["page"])
        detail = L.case_detail_view(C.case_detail(db, st["open"]), st["open"], back)
        detail_style = {}
    else:
        detail, detail_style = None, {"display": "none"}
    error = dbc.Alert(" ".join(st["messages"]), color="info", className="py-2") if st["messages"] else None
    return {"results": results, "detail": detail, "detail_style": detail_style, "error": error,
            "case": st["case"] or "", "charge": st["charge"]}


LOOKUP_KEYS = ("results", "detail", "detail_style", "error", "case", "charge")


def register(app) -> None:
    @app.callback(
        Output(ids.OUTCOMES_CARDS, "children"),
        Output(ids.OUTCOMES_MIX, "figure"),
        Output(ids.OUTCOMES_TIME, "figure"),
        Output(ids.OUTCOMES_ERROR, "children"),
        Input(ids.FILTER_STATE, "data"),
        Input(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    def update_outcomes(state, pathname):
        return page_update("outcomes", state, pathname, lambda svc, f, _: outcomes_outputs(svc.db, f), outcomes_error, OUTCOME_KEYS)

    @app.callback(
        Output(ids.LOOKUP_RESULTS, "children"),
        Output(ids.LOOKUP_DETAIL, "children"),
        Output(ids.LOOKUP_DETAIL, "style"),
        Output(ids.LOOKUP_ERROR, "children"),
        Output(ids.LOOKUP_CASE, "value"),
        Output(ids.LOOKUP_CHARGE, "value"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        prevent_initial_call=False,
    )
    def update_lookup(pathname, search):
        if PAGE_BY_PATH.get(pathname or "/") != "lookup":
            raise PreventUpdate
        svc = services()
        try:
            choices, _, data = load_choices(svc.db)
            if not data["version"]:
                raise DataError("No data is loaded yet. Run `psad demo load` or load real data.")
            out = lookup_outputs(svc.db, search, choices)
        except C.BadCaseQuery as exc:
            out = {"results": None, "detail": None, "detail_style": {"display": "none"},
                   "error": dbc.Alert(str(exc), color="info"), "case": no_update, "charge": no_update}
        except DataError as exc:
            message = exc.user_message if type(exc) is not DataError else str(exc)
            out = {"results": None, "detail": None, "detail_style": {"display": "none"},
                   "error": dbc.Alert(message, color="danger"), "case": no_update, "charge": no_update}
        return tuple(out[k] for k in LOOKUP_KEYS)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.LOOKUP_SEARCH, "n_clicks"),
        Input(ids.LOOKUP_CLEAR, "n_clicks"),
        Input(ids.LOOKUP_CASE, "n_submit"),
        State(ids.LOOKUP_CASE, "value"),
        State(ids.LOOKUP_CHARGE, "value"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )
    def submit_lookup(_search, _clear, _submit, case, charge, state):
        if state is None:
            raise PreventUpdate
        if ctx.triggered_id == ids.LOOKUP_CLEAR:
            case, charge = None, None
        href = L.lookup_href(state, case=(case or "").strip() or None, charge=charge or None)
        return href[len("/lookup"):]
