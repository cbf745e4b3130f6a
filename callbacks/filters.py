"""The global filter state: URL <-> filter controls <-> the FILTER_STATE store, and the page shown.

One callback, ``update_view``, owns the synchronisation (Dash's pattern for components that update
each other): a changed URL (a shared link, back/forward: ``ids.URL_CHANGE``) sets the controls; a
changed control writes the canonical query string into the URL. In the same request it sends the
page shown its new outputs (``callbacks.common.refresh``): one round trip per change (issue 12).
The first view gets all of this from the layout itself (``shell_values``).

Callbacks are registered on the app passed to ``register`` (not via the global ``dash.callback``
registry) because the factory builds a fresh app per test and Dash hands the global registry to
the first app only.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from app import i18n, ids
from app.context import load_choices, services
from app.i18n import _
from app.pageparams import kept_pairs, with_page_params
from app.pages import PAGE_PARAMS, SITE_PARAMS, Page, shown_page
from app.urlstate import (
    DEFAULT_RANGE,
    Choices,
    default_filters,
    normalize_range,
    parse_view,
    quick_value,
    range_dates,
    range_in,
    range_label,
    state_query,
    to_query,
)
from callbacks.common import as_dict
from data_access.db import DataError
from data_access.filters import GEO_FIELDS, MULTI_FIELDS, Filters
from data_access.vocabulary import offense_label
from layouts.common import geo_phrases
from layouts.shell import filter_summary, option_list

FIELDS = MULTI_FIELDS


def narrow_neighborhoods(options: dict, f: Filters) -> list[tuple[str, str]]:
    """Neighborhoods inside every chosen district (police district under either map)."""
    links = options.get("links", {})
    chosen = {k: set(getattr(f, k)) for k in GEO_FIELDS if k != "neighborhood" and getattr(f, k)}
    return [(code, name) for code, name in options.get("neighborhood", [])
            if all(set(links.get(code, {}).get(k, [])) & want for k, want in chosen.items())]


def control_range(trigger: str | None, quick, state, choices: Choices) -> str | None:
    """The relative range the view follows after the control ``trigger`` changed: the quick pick
    just chosen; none after the dates were edited (fixed dates); otherwise the one it followed
    (the filter state's, or the quick pick shown when there is no state), so choosing a district
    in a "year to date" view keeps it year to date (issue 14)."""
    if trigger == ids.CLEAR_FILTERS:
        return DEFAULT_RANGE
    if trigger == ids.DATE_RANGE:
        return None
    rng = normalize_range(quick) if trigger == ids.QUICK_RANGE or not isinstance(state, str) else range_in(state)
    if rng is None:
        return None
    start, end = range_dates(rng, choices)
    return rng if start <= end else None  # a calendar year after the data: keep the dates shown


def filters_from_controls(trigger: str | None, quick: str | None, start: str | None, end: str | None,
                          values: dict[str, list[str] | None], choices: Choices,
                          state: str | None = None) -> tuple[Filters, str | None, list[str]]:
    """(filters, the range they follow or None, notices) the controls describe, after the control
    named ``trigger`` changed; ``state``: the filter state before (its range is kept)."""
    default = default_filters(choices)
    rng = control_range(trigger, quick, state, choices)
    notices = []
    if rng is not None:
        s, e = range_dates(rng, choices)
    else:
        try:
            s = date.fromisoformat(start[:10]) if start else default.start
            e = date.fromisoformat(end[:10]) if end else default.end
        except (ValueError, TypeError):  # TypeError: not text at all (a hand-made callback request)
            s, e = default.start, default.end
            notices.append(_("That date could not be read; showing the default range."))
    if s > e:
        s, e = e, s
    chosen = {}
    for field in FIELDS:
        codes = [choices.canonical(field, v) for v in (values.get(field) or [])]
        chosen[field] = tuple(c for c in codes if c)
    if trigger == ids.CLEAR_FILTERS:
        chosen = {}
    return Filters(start=s, end=e, **chosen), rng, notices


def notice_alerts(notices: list[str]) -> list:
    if not notices:
        return []
    return [dbc.Alert([html.Strong(_("Some of the link was not understood.") + " "),
                       html.Ul([html.Li(n) for n in notices], className="mb-0")],
                      color="info", dismissable=True, className="py-2 notice")]


def active_filters(f: Filters, options: dict, rng: str | None = None, choices: Choices | None = None) -> str:
    """What the folded panel's button says: the dates (the range's name when the view follows
    one), how many filters are on and which, in words."""
    names = {k: dict(v) for k, v in options.items() if k in GEO_FIELDS and isinstance(v, list)}
    phrases = geo_phrases(f, names)
    if f.offense:
        phrases.append(", ".join(_(offense_label(o)) for o in f.offense))
    count = sum(1 for name in FIELDS if getattr(f, name))
    if rng is not None and choices is not None:
        dates = range_label(rng, choices)
    else:
        dates = f"{i18n.date_short(f.start)} – {i18n.date_short(f.end)}"
    return filter_summary(count, phrases, dates)


def sync(trigger: str | None, search: str | None, quick, start, end, values: dict, state: str | None,
         choices: Choices, options: dict, page: Page | None = None):
    """Pure core of the synchronising callback. Returns a dict of output values. ``page``: the page
    shown, which chooses the page parameters a filter change keeps (``Page.page_params_for``), so
    the change writes the URL once."""
    if trigger in (None, ids.URL):
        f, rng, notices = parse_view(search or "", choices, extra=PAGE_PARAMS)
        canonical = to_query(f, rng)
        if trigger == ids.URL and canonical == state:
            raise PreventUpdate  # our own URL write coming back: nothing changed
        url = no_update  # never rewrite a URL the user gave us: back/forward must keep working
    else:
        f, rng, notices = filters_from_controls(trigger, quick, start, end, values, choices, state)
        nbhd_ok = {c for c, _name in narrow_neighborhoods(options, f)}
        dropped = [n for n in f.neighborhood if n not in nbhd_ok]
        if dropped:
            f = f.replace(neighborhood=tuple(n for n in f.neighborhood if n in nbhd_ok))
            notices.append(_("Removed {names}: not in the chosen district.").format(names=", ".join(dropped)))
        canonical = to_query(f, rng)
        # a filter change keeps the page's own parameters, those the page keeps for the new filters
        pairs = kept_pairs(search)
        full = with_page_params(canonical, search, page.page_params_for(f, pairs) if page is not None else pairs)
        url = full if full != (search or "") else no_update
    nb_options = narrow_neighborhoods(options, f)
    return {
        "url": url,
        "state": canonical,
        "quick": quick_value(f, rng, choices),
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "values": {field: list(getattr(f, field)) for field in FIELDS},
        "notices": notice_alerts(notices),
        "neighborhood_options": option_list(nb_options),
        "summary": active_filters(f, options, rng, choices),
    }


# The shell's outputs of a filter update, by name (``update_view``'s, and the first view's).
SHELL_OUTPUTS = {
    "url": (ids.URL, "search"),
    "state": (ids.FILTER_STATE, "data"),
    "quick": (ids.QUICK_RANGE, "value"),
    "start": (ids.DATE_RANGE, "start_date"),
    "end": (ids.DATE_RANGE, "end_date"),
    "notices": (ids.NOTICES, "children"),
    "neighborhood_options": (ids.NEIGHBORHOOD, "options"),
    "summary": (ids.FILTER_SUMMARY, "children"),
}


def shell_values(search: str, choices: Choices, options: dict) -> dict[tuple[str, str], object]:
    """(id, property) -> value of the shell for a page opened at ``search`` (the first view)."""
    out = sync(None, search, None, None, None, {}, None, choices, options)
    values = {SHELL_OUTPUTS[k]: v for k, v in out.items() if k in SHELL_OUTPUTS and k != "url"}
    values.update({(ids.FILTER_CONTROLS[f], "value"): out["values"][f] for f in FIELDS})
    return values


def page_params(search: str | None, names) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return [(k, v) for k, v in parse_qsl((search if isinstance(search, str) else "").lstrip("?"), keep_blank_values=True) if k in names]


def view_update(trigger: str | None, change: dict | None, quick, start, end, values: dict, state: str | None,
                view: dict | None, search: str | None, pathname: str | None, choices: Choices, options: dict,
                refresh_page) -> dict:
    """Pure-ish core of ``update_view``: the shell's outputs; ``refresh_page(filter_state, previous,
    search, pathname)`` sends the page's (``previous``: the filters before, when they changed).
    ``trigger`` is ``ids.URL_CHANGE`` for a URL the browser moved to (``change``)."""
    if trigger == ids.URL_CHANGE:
        search = as_dict(change).get("search", search)
        pathname = as_dict(change).get("path", pathname)
        out = sync(ids.URL, search, quick, start, end, values, None, choices, options)
    else:
        out = sync(trigger, search, quick, start, end, values, state, choices, options, shown_page(pathname))
    new_search = (search or "") if out["url"] is no_update else out["url"]
    changed = out["state"] != state
    if not changed and trigger == ids.URL_CHANGE:  # the controls already say this: only the notices
        for k in ("state", "quick", "start", "end", "neighborhood_options", "summary"):
            out[k] = no_update
        out["values"] = {f: no_update for f in FIELDS}
    page = shown_page(pathname)
    # a new path is being shown by callbacks.shell.show_page, filled for this query string already
    same_page = not as_dict(change).get("path_changed") if trigger == ids.URL_CHANGE else True
    names = {q.name for q in page.params if not q.client_side} | {q.name for q in SITE_PARAMS}
    params_changed = same_page and page_params(as_dict(view).get("search"), names) != page_params(new_search, names)
    if same_page and (changed or params_changed):
        refresh_page(state_query(new_search, choices, PAGE_PARAMS), state if changed else None,
                     new_search, pathname)
    out["view"] = {"path": pathname or "/", "search": new_search}
    return out


def register(app) -> None:
    from callbacks.common import refresh

    outputs = {k: Output(cid, prop, allow_duplicate=True) for k, (cid, prop) in SHELL_OUTPUTS.items()}
    outputs["values"] = {f: Output(ids.FILTER_CONTROLS[f], "value", allow_duplicate=True) for f in FIELDS}
    outputs["view"] = Output(ids.VIEW, "data", allow_duplicate=True)

    @app.callback(
        output=outputs,
        inputs={
            "change": Input(ids.URL_CHANGE, "data"),
            "quick": Input(ids.QUICK_RANGE, "value"),
            "start": Input(ids.DATE_RANGE, "start_date"),
            "end": Input(ids.DATE_RANGE, "end_date"),
            "values": {f: Input(ids.FILTER_CONTROLS[f], "value") for f in FIELDS},
            "clear": Input(ids.CLEAR_FILTERS, "n_clicks"),
            "state": State(ids.FILTER_STATE, "data"),
            "view": State(ids.VIEW, "data"),
            "search": State(ids.URL, "search"),
            "pathname": State(ids.URL, "pathname"),
        },
        prevent_initial_call=True,  # the first view arrives filled (app.factory.serve_layout)
    )
    def update_view(change, quick, start, end, values, clear, state, view, search, pathname):
        try:
            choices, options, _state = load_choices(services().db)
        except DataError as exc:
            out = {k: no_update for k in SHELL_OUTPUTS} | {"values": {f: no_update for f in FIELDS}, "view": no_update}
            return out | {"notices": notice_alerts([i18n.error_text(exc)])}

        def refresh_page(filter_state, previous, new_search, path):
            refresh(app, shown_page(path), filter_state, previous, new_search, path)

        out = view_update(ctx.triggered_id, change, quick, start, end, values, state, view, search, pathname,
                          choices, options, refresh_page)
        out["values"] = {f: out["values"][f] for f in FIELDS}
        return out
