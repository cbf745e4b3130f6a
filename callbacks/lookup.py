"""Case lookup page.

It keeps its state in the URL (``case``, ``charge``, ``page``, ``open``; see the
README): the search form writes the URL, links in the results change it, and one callback reads
it and renders the results page and the opened case. So a search, a page or an opened case can
be bookmarked and shared, and back/forward work.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.i18n import _, error_text
from app.pageparams import whole_number
from app.pages import PAGE_PARAMS, LayoutInputs, Page
from app.urlstate import Choices, extra_values, parse, range_in, to_query
from callbacks.common import PageRequest, acted, page_callback, relay, shell_write
from data_access import cases as C
from data_access.db import Database
from layouts import cases as L


def lookup_state(search: str | None, choices: Choices) -> dict:
    """The lookup's parameters from the URL, validated. Bad values become messages."""
    f, _notices = parse(search or "", choices, extra=PAGE_PARAMS)
    raw = extra_values(search or "", PAGE_PARAMS)
    messages = []
    case = charge = open_case = None
    try:
        case = C.normalize_case_number((raw.get("case") or [None])[0])
    except C.BadCaseQuery as exc:
        messages.append(error_text(exc))
    try:
        open_case = C.normalize_case_number((raw.get("open") or [None])[0])
    except C.BadCaseQuery as exc:
        messages.append(error_text(exc))
    charge = ((raw.get("charge") or [""])[0] or "").strip()[:200] or None
    page = 1
    page_raw = (raw.get("page") or ["1"])[0]
    number = whole_number(page_raw)
    if number is None or not 1 <= number <= C.MAX_PAGE:
        messages.append(_("Page “{value}” is not a page number from 1 to {last}; showing page 1.")
                        .format(value=page_raw[:20], last=C.MAX_PAGE))
    else:
        page = number
    return {"filters": f, "case": case, "charge": charge, "page": page, "open": open_case, "messages": messages}


def lookup_outputs(db: Database, search: str | None, choices: Choices) -> dict:
    st = lookup_state(search, choices)
    f = st["filters"]
    fq = to_query(f, range_in(search))
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


def lookup_error(message: str, color: str = "danger") -> dict:
    return {"results": None, "detail": None, "detail_style": {"display": "none"},
            "error": dbc.Alert(message, color=color), "case": no_update, "charge": no_update}


def compute(r: PageRequest) -> dict:
    try:
        return lookup_outputs(r.svc.db, r.values["search"], r.choices)
    except C.BadCaseQuery as exc:
        return lookup_error(error_text(exc), color="info")


def layout(inputs: LayoutInputs):
    return L.lookup_page(C.charge_options(inputs.db) if inputs.db else [])


# Opening a case draws it above the results, away from the link that opened it: focus goes to the
# case's heading, so a keyboard or screen-reader user lands on it (and hears it named). Closing it
# sends focus back to that case's link in the results. A redraw of the same case (another page of
# results) leaves focus where it is.
FOCUS_CASE = """
function (children) {
    const prev = window.psadCaseShown;
    let tries = 0;
    const settle = () => {
        const d = document.getElementById('case-detail');
        const num = d ? d.getAttribute('data-case') : null;
        if (children && !num && tries++ < 20) { setTimeout(settle, 50); return; }
        window.psadCaseShown = num;
        if (num && num !== prev) {
            const h = document.getElementById('%(heading)s');
            if (h) { h.focus(); }
        } else if (!num && prev) {
            const link = document.querySelector('.case-link[href*="open=' + encodeURIComponent(prev) + '"]');
            if (link && (!document.activeElement || document.activeElement === document.body)) { link.focus(); }
        }
    };
    setTimeout(settle, 0);
    return dash_clientside.no_update;
}
""" % {"heading": L.CASE_HEADING}


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"results": Output(ids.LOOKUP_RESULTS, "children"),
                "detail": Output(ids.LOOKUP_DETAIL, "children"),
                "detail_style": Output(ids.LOOKUP_DETAIL, "style"),
                "error": Output(ids.LOOKUP_ERROR, "children"),
                "case": Output(ids.LOOKUP_CASE, "value"),
                "charge": Output(ids.LOOKUP_CHARGE, "value")},
        inputs={"search": Input(ids.URL, "search")},
        compute=compute, error=lookup_error)

    app.clientside_callback(FOCUS_CASE, Output(ids.LOOKUP_DETAIL, "data-focus"), Input(ids.LOOKUP_DETAIL, "children"),
                            prevent_initial_call=True)

    @app.callback(
        shell_write(app, page),  # the URL, through the page; the new URL cues the page's update
        Input(ids.LOOKUP_SEARCH, "n_clicks"),
        Input(ids.LOOKUP_CLEAR, "n_clicks"),
        Input(ids.LOOKUP_CASE, "n_submit"),
        State(ids.LOOKUP_CASE, "value"),
        State(ids.LOOKUP_CHARGE, "value"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )
    def submit_lookup(search_clicks, clear_clicks, submits, case, charge, state):
        acted(search_clicks, clear_clicks, submits)  # not the page opening
        if state is None:
            raise PreventUpdate
        if ctx.triggered_id == ids.LOOKUP_CLEAR:
            case, charge = None, None
        case, charge = (v if isinstance(v, str) else None for v in (case, charge))  # text, or nothing
        href = L.lookup_href(state, case=(case or "").strip() or None, charge=charge or None)
        return relay(search=href[len(page.path):])
