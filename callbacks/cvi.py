"""CVI ecosystem page callback: filter state and program types -> sites, shootings nearby -> map
and list. ``cvi_outputs`` is the whole adapter as a plain function (tests and benchmarks)."""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices, services
from app.settings import Settings
from app.urlstate import parse
from callbacks.map import EMPTY, bounds_for, visible
from data_access import map_queries as Q
from data_access.db import Database, DataError
from data_access.filters import Filters
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


def register(app) -> None:
    @app.callback(
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
        inputs={
            "state": Input(ids.FILTER_STATE, "data"),
            "style": Input(ids.page_id("cvi"), "style"),
            "program": Input(ids.CVI_PROGRAM, "value"),
            "key": State(ids.CVI_SHAPES_KEY, "data"),
        },
        prevent_initial_call=True,
    )
    def update_cvi(state, style, program, key):
        if state is None or not visible(style):
            raise PreventUpdate
        svc = services()
        try:
            choices, _, data = load_choices(svc.db)
            if not data["version"]:
                raise DataError("No data is loaded yet. Run `psad demo load` or load real data.")
            f, _ = parse(state, choices)
            codes = set(L.program_codes())
            programs = tuple(sorted(p for p in (program or []) if p in codes))
            out = cvi_outputs(svc.db, svc.settings, f, programs)
            areas, new_key, viewport = no_update, no_update, no_update
            if key != data["version"]:  # outlines once per data version; the view starts on the city
                areas, new_key = Q.area_shapes(svc.db, "neighborhood")["geojson"], data["version"]
                box = bounds_for(svc.db, f.replace(neighborhood=(), police_district=(), council_district=(),
                                                   legislative_district=()))
                viewport = {"bounds": box} if box else no_update
        except DataError as exc:
            message = exc.args[0] if type(exc) is DataError and exc.args else exc.user_message
            return {"sites": EMPTY, "list": [], "caption": "", "error": dbc.Alert(message, color="danger"),
                    "areas": no_update, "key": no_update, "viewport": no_update, "invalidate": no_update}
        out.pop("near")
        return {**out, "error": None, "areas": areas, "key": new_key, "viewport": viewport,
                "invalidate": str(time.monotonic())}
