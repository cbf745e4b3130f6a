"""CVI ecosystem page: filter state and program types -> sites, shootings nearby -> map
and list. ``cvi_outputs`` is the whole adapter as a plain function (tests and benchmarks).

One request per change (issue 12), as on the Map (``callbacks.map``): the program picker asks the
server only when a person changed it (``psad_map.js`` ``askPrograms`` compares it with the URL),
and that one answer carries the page and the new URL; back/forward or a link that changes
``program=`` sets the picker in the filter update's own request (``programs_compute``)."""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.pageparams import page_pairs, parse_cvi, parse_map, replace_page_params
from app.pages import LayoutInputs, Page
from app.response_cache import nonce
from app.settings import Settings
from callbacks.common import PageRequest, page_callback, relay, shell_write
from callbacks.filters import notice_alerts
from callbacks.map import EMPTY, bounds_for, url_moved
from data_access import map_queries as Q
from data_access.db import Database
from data_access.filters import GEO_FIELDS, Filters
from layouts import cvi as L
from layouts.map import sites_geojson


def cvi_outputs(db: Database, settings: Settings, f: Filters, programs: tuple[str, ...]) -> dict:
    all_sites = Q.cvi_sites(db)
    sites = Q.filter_sites(all_sites, f, programs)
    near_df = Q.shootings_near_sites(db, f.start, f.end, settings.cvi_radius_m)
    near = dict(zip(near_df.id.astype(int), near_df.n.astype(int)))
    return {
        "sites": sites_geojson(sites, near),
        "list": L.site_list(sites, near, settings.cvi_radius_m, f),
        "caption": L.caption(f, settings.cvi_radius_m, len(sites), len(all_sites)),
        "near": {int(i): near.get(int(i), 0) for i in sites.id},
    }


def layout(inputs: LayoutInputs):
    s = inputs.settings
    programs, notes = parse_cvi(inputs.search, L.program_codes())
    return L.cvi_page(programs=programs, notices=notice_alerts(notes), tile_url=s.tile_url,
                      tile_attribution=s.tile_attribution)


def cvi_error(message: str) -> dict:
    return {"sites": EMPTY, "list": [], "caption": "", "error": dbc.Alert(message, color="danger"),
            "areas": no_update, "key": no_update, "viewport": no_update, "invalidate": no_update,
            "relay": no_update}


def compute(r: PageRequest) -> dict:
    db, f, version = r.svc.db, r.filters, r.data["version"]
    codes = set(L.program_codes())
    programs = tuple(sorted(p for p in (r.values["program"] or []) if p in codes))
    out = cvi_outputs(db, r.svc.settings, f, programs)
    areas, new_key, viewport = no_update, no_update, no_update
    if r.values["key"] != version:  # outlines once per data version; the view starts on the city
        areas, new_key = Q.area_shapes(db, "neighborhood")["geojson"], version
        box = bounds_for(db, f.replace(**{k: () for k in GEO_FIELDS}))
        viewport = {"bounds": box} if box else no_update
    out.pop("near")
    url = no_update
    if r.values.get("ask") is not None:  # a person changed the picker: the URL follows, in this answer
        try:
            url = relay(search=url_from_programs(r.values["search"], list(programs)), keep_view=True)
        except PreventUpdate:
            pass
    return {**out, "error": None, "areas": areas, "key": new_key, "viewport": viewport,
            "invalidate": nonce(), "relay": url}


def programs_compute(r: PageRequest) -> dict:
    """The picker and the page's notices from the URL, when it moved while the page is shown."""
    if not r.values.get("moved"):
        return {"program": no_update, "notices": no_update}
    programs, notes = parse_cvi(r.values["search"], L.program_codes())
    return {"program": list(programs), "notices": notice_alerts(notes)}


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={
            "sites": Output(ids.CVI_SITES, "data"),
            "list": Output(ids.CVI_LIST, "children"),
            "caption": Output(ids.CVI_CAPTION, "children"),
            "error": Output(ids.CVI_ERROR, "children"),
            "areas": Output(ids.CVI_AREAS, "data"),
            "key": Output(ids.CVI_SHAPES_KEY, "data"),
            "viewport": Output(ids.CVI_MAP, "viewport"),
            "invalidate": Output(ids.CVI_MAP, "invalidateSize"),
            "relay": shell_write(app, page),
        },
        # only a person's change of the picker asks (the browser compares it with the URL)
        inputs={"ask": Input(ids.refresh_id(page.name), "data")},
        state={"program": State(ids.CVI_PROGRAM, "value"), "key": State(ids.CVI_SHAPES_KEY, "data"),
               "search": State(ids.URL, "search")},
        compute=compute, error=cvi_error,
        refresh=lambda r, previous: {"key": r.data["version"]})  # the browser holds this version's outlines

    # back/forward or a link that changes program=: the picker follows in the same request
    page_callback(
        app, page,
        output={"program": Output(ids.CVI_PROGRAM, "value"), "notices": Output(ids.CVI_NOTICES, "children")},
        inputs={"search": Input(ids.URL, "search")},
        compute=programs_compute, error=lambda message: {"program": no_update, "notices": no_update},
        refresh=lambda r, previous: {"moved": url_moved()[0]})

    app.clientside_callback(
        "function (program, search) { return window.psad.map.askPrograms(%s, program, search); }"
        % json.dumps(list(L.program_codes())),
        Output(ids.refresh_id(page.name), "data"),
        Input(ids.CVI_PROGRAM, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )


def programs_from_url(search: str | None, program) -> tuple:
    """The program picker's value from the URL (back/forward, a link), and the notices (always: a
    link without mistakes clears those of the one before)."""
    programs, notes = parse_cvi(search, L.program_codes())
    program = [p for p in program if isinstance(p, str)] if isinstance(program, list) else []
    return (list(programs) if sorted(program or []) != list(programs) else no_update), notice_alerts(notes)


def url_from_programs(search: str | None, program) -> str:
    """The URL with the chosen program types (the filters and the Map page's parameters kept);
    nothing when the picker says what the URL says (the page opening, or our own write)."""
    program = [p for p in program if isinstance(p, str)] if isinstance(program, list) else []
    if sorted(program) == list(parse_cvi(search, L.program_codes())[0]):
        raise PreventUpdate
    view, _ = parse_map(search)
    url = replace_page_params(search, page_pairs(view, program or ()))
    if url == (search or ""):
        raise PreventUpdate
    return url
