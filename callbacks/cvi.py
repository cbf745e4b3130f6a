"""CVI ecosystem page: filter state and program types -> sites, shootings nearby -> map
and list. ``cvi_outputs`` is the whole adapter as a plain function (tests and benchmarks)."""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.pageparams import page_pairs, parse_cvi, parse_map, replace_page_params
from app.pages import LayoutInputs, Page
from app.settings import Settings
from callbacks.common import PageRequest, page_callback
from callbacks.filters import notice_alerts
from callbacks.map import EMPTY, bounds_for
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
    return L.cvi_page(tile_url=s.tile_url, tile_attribution=s.tile_attribution)


def cvi_error(message: str) -> dict:
    return {"sites": EMPTY, "list": [], "caption": "", "error": dbc.Alert(message, color="danger"),
            "areas": no_update, "key": no_update, "viewport": no_update, "invalidate": no_update}


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
    return {**out, "error": None, "areas": areas, "key": new_key, "viewport": viewport,
            "invalidate": str(time.monotonic())}


def register(app, page: Page) -> None:
    @app.callback(
        output={"program": Output(ids.CVI_PROGRAM, "value"),
                "url": Output(ids.URL, "search", allow_duplicate=True),
                "notices": Output(ids.CVI_NOTICES, "children")},
        inputs={"search": Input(ids.URL, "search"), "program": Input(ids.CVI_PROGRAM, "value")},
        prevent_initial_call="initial_duplicate",
    )
    def sync_page_params(search, program):
        return program_sync(ctx.triggered_id, search, program)

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
        },
        inputs={"program": Input(ids.CVI_PROGRAM, "value")},
        state={"key": State(ids.CVI_SHAPES_KEY, "data")},
        compute=compute, error=cvi_error)


def program_sync(trigger, search: str | None, program) -> dict:
    """Pure core of the CVI page's ``sync_page_params``: a URL sets the program picker; the picker
    writes the URL (the Map page's parameters kept)."""
    keep = {"program": no_update, "url": no_update, "notices": no_update}
    if trigger in (None, ids.URL):
        programs, notes = parse_cvi(search, L.program_codes())
        out = dict(keep, notices=notice_alerts(notes))
        if sorted(program or []) != list(programs):
            out["program"] = list(programs)
        return out
    view, _ = parse_map(search)
    url = replace_page_params(search, page_pairs(view, program or ()))
    if url == (search or ""):
        raise PreventUpdate
    return keep | {"url": url}
