"""Map page callbacks: filter state and view -> map_queries -> layouts.map builders -> the map.

Four adapters:
* ``sync_page_params``: the Map and CVI pages' own URL parameters <-> their controls (the same
  two-way pattern as the global filters in callbacks/filters.py);
* ``send_geometry``: the chosen layer's simplified boundaries, sent once per layer;
* ``update_map``: colours and tooltips (``hideout``), points or density, CVI sites, legend, view;
* ``area_clicked``: a click on an area sets (or removes) the matching global filter.

``map_outputs`` is the update as a plain function, so the benchmark and the tests run exactly what
the browser runs.
"""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices, services
from app.pageparams import MAP_PARAMS, page_pairs, parse_cvi, parse_map, replace_page_params
from app.settings import Settings
from app.urlstate import parse
from data_access import map_queries as Q
from data_access.db import Database, DataError
from data_access.filters import Filters
from data_access.vocabulary import OFFENSE_BY_CODE
from layouts import map as L
from layouts.cvi import program_codes

EMPTY = {"type": "FeatureCollection", "features": []}
BOUNDS_LAYERS = {"neighborhood": "neighborhood", "police_district": "police_district_2023",
                 "council_district": "council_district", "legislative_district": "legislative_district"}


def visible(style) -> bool:
    return isinstance(style, dict) and style.get("display") != "none"


def geo_key(f: Filters) -> str:
    return repr([list(getattr(f, k)) for k in BOUNDS_LAYERS])


def bounds_for(db: Database, f: Filters) -> list | None:
    """Where to zoom for the geography filters; the whole city when there are none."""
    if any(getattr(f, k) for k in BOUNDS_LAYERS):
        by_field = {k: Q.area_shapes(db, layer)["bounds"] for k, layer in BOUNDS_LAYERS.items() if getattr(f, k)}
        box = L.view_bounds(by_field, f)
        if box:
            return box
    city = Q.area_shapes(db, "city")["bounds"]
    return next(iter(city.values()), None)


def map_outputs(db: Database, settings: Settings, f: Filters, view: dict, *, programs=()) -> dict:
    """Everything a filter or view change sends to the map (not the geometry)."""
    layer, measure = view["layer"], view["measure"]
    shapes = Q.area_shapes(db, layer)
    counts = Q.area_counts(db, f, layer)
    field = L.LAYER_FILTER[layer]
    selected = tuple(getattr(f, field))
    if layer == "csa":  # a CSA is chosen when exactly its neighborhoods are
        members = Q.csa_neighborhoods(db)
        selected = tuple(c for c, nbs in members.items() if f.neighborhood and set(nbs) <= set(f.neighborhood))
    geo_filtered = any(getattr(f, k) for k in BOUNDS_LAYERS)
    chor = L.choropleth(shapes, counts, measure=measure, min_population=settings.map_min_population,
                        min_compare=settings.min_compare, selected=selected, geo_filtered=geo_filtered)
    notes: list = []
    points, dens = EMPTY, EMPTY
    if view["points"]:
        n = Q.point_count(db, f)
        if n == 0:
            notes.append(html.P("No incidents to draw as points for these filters.", className="note"))
        elif n <= settings.map_point_cap:
            points = L.points_geojson(Q.points(db, f, settings.map_point_cap))
            notes.append(html.P(f"{n:,} incidents drawn as points, grouped where they overlap; click a group to "
                                f"zoom in, a point for its details.", className="note", id="map-points-note"))
        else:
            dens = L.density_geojson(Q.density(db, f))
            notes.append(html.P([html.Strong("Too many incidents to draw one by one "),
                                 f"({n:,}; the limit is {settings.map_point_cap:,}). Circles show how many "
                                 f"happened in each square of about 400 m. Choose an area or a shorter span "
                                 f"to see individual incidents."], className="note density-note",
                                id="map-density-note"))
    if any(OFFENSE_BY_CODE.get(o) and OFFENSE_BY_CODE[o].sexual for o in f.offense) or not f.offense:
        notes.append(html.P("Rape and other sexual offenses are never drawn as points or in the density "
                            "grid; they are counted in the area totals.", className="note"))
    if measure == "rate":
        notes.append(html.P(f"Rates are victims per 1,000 residents over the whole span (2020 population). "
                            f"Areas with fewer than {settings.map_min_population:,} residents are greyed "
                            f"and dashed instead of shaded: a few incidents there would look like an "
                            f"extreme rate.", className="note"))
    sites = EMPTY
    if view["cvi"]:
        sites = L.sites_geojson(Q.filter_sites(Q.cvi_sites(db), f, tuple(programs)))
    return {
        "hideout": chor["hideout"],
        "legend": L.legend_component(chor["legend"], measure),
        "points": points,
        "density": dens,
        "sites": sites,
        "notes": notes,
        "caption": L.caption(f, layer, Q.MAP_LAYERS[layer], measure),
        "values": chor["values"],
    }


def register(app) -> None:
    @app.callback(
        output={
            "layer": Output(ids.MAP_LAYER, "value"),
            "measure": Output(ids.MAP_MEASURE, "value"),
            "points": Output(ids.MAP_SHOW_POINTS, "value"),
            "cvi": Output(ids.MAP_SHOW_CVI, "value"),
            "program": Output(ids.CVI_PROGRAM, "value"),
            "url": Output(ids.URL, "search", allow_duplicate=True),
            "map_notices": Output(ids.MAP_NOTICES, "children"),
            "cvi_notices": Output(ids.CVI_NOTICES, "children"),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "layer": Input(ids.MAP_LAYER, "value"),
            "measure": Input(ids.MAP_MEASURE, "value"),
            "points": Input(ids.MAP_SHOW_POINTS, "value"),
            "cvi": Input(ids.MAP_SHOW_CVI, "value"),
            "program": Input(ids.CVI_PROGRAM, "value"),
        },
        prevent_initial_call="initial_duplicate",
    )
    def sync_page_params(search, layer, measure, points, cvi, program):
        out = page_params_sync(ctx.triggered_id, search, {"layer": layer, "measure": measure, "points": points,
                                                          "cvi": cvi}, program)
        return out

    @app.callback(
        Output(ids.MAP_AREAS, "data"),
        Output(ids.MAP_SHAPES_KEY, "data"),
        Input(ids.MAP_LAYER, "value"),
        Input(ids.page_id("map"), "style"),
        State(ids.MAP_SHAPES_KEY, "data"),
        prevent_initial_call=True,
    )
    def send_geometry(layer, style, sent):
        if not visible(style) or layer not in Q.MAP_LAYERS:
            raise PreventUpdate
        key = layer
        if sent == key:
            raise PreventUpdate  # the browser already holds this layer
        try:
            return Q.area_shapes(services().db, layer)["geojson"], key
        except DataError:
            raise PreventUpdate  # update_map reports the problem

    @app.callback(
        output={
            "hideout": Output(ids.MAP_AREAS, "hideout"),
            "legend": Output(ids.MAP_LEGEND, "children"),
            "points": Output(ids.MAP_POINTS, "data"),
            "density": Output(ids.MAP_DENSITY, "data"),
            "sites": Output(ids.MAP_CVI, "data"),
            "notes": Output(ids.MAP_NOTES, "children"),
            "caption": Output(ids.MAP_CAPTION, "children"),
            "error": Output(ids.MAP_ERROR, "children"),
            "viewport": Output(ids.MAP, "viewport"),
            "invalidate": Output(ids.MAP, "invalidateSize"),
            "view_key": Output(ids.MAP_VIEW_KEY, "data"),
        },
        inputs={
            "state": Input(ids.FILTER_STATE, "data"),
            "style": Input(ids.page_id("map"), "style"),
            "layer": Input(ids.MAP_LAYER, "value"),
            "measure": Input(ids.MAP_MEASURE, "value"),
            "points": Input(ids.MAP_SHOW_POINTS, "value"),
            "cvi": Input(ids.MAP_SHOW_CVI, "value"),
            "program": Input(ids.CVI_PROGRAM, "value"),
            "view_key": State(ids.MAP_VIEW_KEY, "data"),
        },
        prevent_initial_call=True,
    )
    def update_map(state, style, layer, measure, points, cvi, program, view_key):
        if state is None or not visible(style) or layer not in Q.MAP_LAYERS:
            raise PreventUpdate
        svc = services()
        view = {"layer": layer, "measure": measure if measure in ("count", "rate") else "count",
                "points": bool(points), "cvi": bool(cvi)}
        try:
            choices, _, data = load_choices(svc.db)
            if not data["version"]:
                raise DataError("No data is loaded yet. Run `psad demo load` or load real data.")
            f, _ = parse(state, choices)
            out = map_outputs(svc.db, svc.settings, f, view, programs=tuple(program or ()))
            key = geo_key(f)
            viewport = no_update
            if key != view_key:  # zoom only when the chosen areas change, not on every filter change
                box = bounds_for(svc.db, f)
                # first view: jump (an animation would race the size check); later: fly, so people
                # see where the area is
                move = {"transition": "flyToBounds"} if view_key is not None else {}
                viewport = {"bounds": box, **move} if box else no_update
        except DataError as exc:
            message = exc.args[0] if type(exc) is DataError and exc.args else exc.user_message
            return {"hideout": no_update, "legend": None, "points": EMPTY, "density": EMPTY, "sites": EMPTY,
                    "notes": None, "caption": "", "error": dbc.Alert(message, color="danger"),
                    "viewport": no_update, "invalidate": no_update, "view_key": no_update}
        out.pop("values")
        return {**out, "error": None, "viewport": viewport, "invalidate": str(time.monotonic()),
                "view_key": key}

    @app.callback(
        output={f: Output(ids.FILTER_CONTROLS[f], "value", allow_duplicate=True) for f in BOUNDS_LAYERS},
        inputs={"click": Input(ids.MAP_AREAS, "clickData"), "clear": Input(ids.MAP_CLEAR_AREA, "n_clicks"),
                "layer": State(ids.MAP_LAYER, "value"),
                "current": {f: State(ids.FILTER_CONTROLS[f], "value") for f in BOUNDS_LAYERS}},
        prevent_initial_call=True,
    )
    def area_clicked(click, clear, layer, current):
        if layer not in L.LAYER_FILTER:
            raise PreventUpdate
        field = L.LAYER_FILTER[layer]
        out = {f: no_update for f in BOUNDS_LAYERS}
        if ctx.triggered_id == ids.MAP_CLEAR_AREA:
            if not current.get(field):
                raise PreventUpdate
            out[field] = []
            return out
        code = L.clicked_area(click, layer)
        if code is None:
            raise PreventUpdate
        codes = [code]
        if layer == "csa":
            try:
                codes = Q.csa_neighborhoods(services().db).get(code, [])
            except DataError:
                raise PreventUpdate
            if not codes:
                raise PreventUpdate
        out[field] = L.toggle_area(current.get(field), codes)
        return out


def page_params_sync(trigger, search: str | None, controls: dict, program) -> dict:
    """Pure core of ``sync_page_params``: a URL sets the controls; a control writes the URL."""
    keep = {"layer": no_update, "measure": no_update, "points": no_update, "cvi": no_update,
            "program": no_update, "url": no_update, "map_notices": no_update, "cvi_notices": no_update}
    if trigger in (None, ids.URL):
        view, map_notes = parse_map(search)
        programs, cvi_notes = parse_cvi(search, program_codes())
        out = dict(keep)
        for k in MAP_PARAMS:
            if controls.get(k) != view[k]:
                out[k] = view[k]
        if sorted(program or []) != list(programs):
            out["program"] = list(programs)
        out["map_notices"] = _notice(map_notes)
        out["cvi_notices"] = _notice(cvi_notes)
        return out
    view = {k: controls.get(k) for k in MAP_PARAMS}
    url = replace_page_params(search, page_pairs(view, program or ()))
    out = dict(keep)
    if url != (search or ""):
        out["url"] = url
    else:
        raise PreventUpdate
    return out


def _notice(notes: list[str]):
    if not notes:
        return []
    return [dbc.Alert([html.Strong("Some of the link was not understood. "),
                       html.Ul([html.Li(n) for n in notes], className="mb-0")],
                      color="info", dismissable=True, className="py-2 notice")]
