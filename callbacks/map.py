"""Map page: filter state and view -> map_queries -> layouts.map builders -> the map.

The adapters:
* ``url_to_controls`` / ``controls_to_url``: the Map page's own URL parameters <-> its controls
  (the same two-way pattern as the global filters in callbacks/filters.py);
* ``send_geometry``: the chosen layer's simplified boundaries, sent once per layer;
* ``update_map``: colours and tooltips (``hideout``), points or density, CVI sites, legend, the
  table of areas, view;
* ``pick_area`` and ``update_map_details``: a click or tap on an area shows its numbers, and
  nothing else (``AREA_PICKED``);
* ``area_filter``: "Filter by this area" (under the numbers, or on the area's row of the table)
  sets or removes the matching global filter; "Clear chosen area" removes it.

``map_outputs`` is the update as a plain function, so the benchmark and the tests run exactly what
the browser runs.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.context import services
from app.i18n import _, ngettext
from app.pageparams import MAP_PARAMS, page_pairs, parse_cvi, parse_map, replace_page_params
from app.pages import LayoutInputs, Page
from app.response_cache import nonce
from app.settings import Settings
from callbacks.common import PRESSED, PageRequest, acted, as_dict, page_callback, relay, shell_write
from callbacks.filters import notice_alerts
from data_access import map_queries as Q
from data_access.db import Database, DataError
from data_access.filters import FIELD_BY_NAME, GEO_FIELDS, LAYER_FIELD, Filters
from data_access.vocabulary import OFFENSE_BY_CODE
from layouts import map as L
from layouts.common import fmt_int
from layouts.cvi import program_codes

EMPTY = {"type": "FeatureCollection", "features": []}


def geo_key(f: Filters) -> str:
    return repr([list(getattr(f, k)) for k in GEO_FIELDS])


def bounds_for(db: Database, f: Filters) -> list | None:
    """Where to zoom for the geography filters; the whole city when there are none."""
    if any(getattr(f, k) for k in GEO_FIELDS):
        by_field = {k: Q.area_shapes(db, FIELD_BY_NAME[k].options_layer)["bounds"]
                    for k in GEO_FIELDS if getattr(f, k)}
        box = L.view_bounds(by_field, f)
        if box:
            return box
    city = Q.area_shapes(db, "city")["bounds"]
    return next(iter(city.values()), None)


def selected_areas(db: Database, f: Filters, layer: str) -> tuple[str, ...]:
    """The areas of ``layer`` the filters choose (a CSA when exactly its neighborhoods are)."""
    if layer == "csa":
        members = Q.csa_neighborhoods(db)
        return tuple(c for c, nbs in members.items() if f.neighborhood and set(nbs) <= set(f.neighborhood))
    return tuple(getattr(f, LAYER_FIELD[layer]))


def map_outputs(db: Database, settings: Settings, f: Filters, view: dict, *, programs=()) -> dict:
    """Everything a filter or view change sends to the map (not the geometry)."""
    layer, measure = view["layer"], view["measure"]
    shapes = Q.area_shapes(db, layer)
    counts = Q.area_counts(db, f, layer)
    selected = selected_areas(db, f, layer)
    geo_filtered = any(getattr(f, k) for k in GEO_FIELDS)
    chor = L.choropleth(shapes, counts, measure=measure, min_population=settings.map_min_population,
                        min_compare=settings.min_compare, selected=selected, geo_filtered=geo_filtered)
    notes: list = []
    points, dens = EMPTY, EMPTY
    cap = min(settings.map_point_cap, settings.row_cap)  # a query never returns more than the cap
    if view["points"]:
        n = Q.point_count(db, f)
        if n == 0:
            notes.append(html.P(_("No incidents to draw as points for these filters."), className="note"))
        elif n <= cap:
            points = L.points_geojson(Q.points(db, f, settings.map_point_cap))
            notes.append(html.P(ngettext(
                "{n} incident drawn as a point; click it for its details.",
                "{n} incidents drawn as points, grouped where they overlap; click a group to zoom in, a point "
                "for its details.", n).format(n=fmt_int(n)), className="note", id="map-points-note"))
        else:
            dens = L.density_geojson(Q.density(db, f))
            notes.append(html.P([html.Strong(_("Too many incidents to draw one by one.")), " ",
                                 _("{n} incidents; the limit is {cap}. Circles show how many happened in each "
                                   "square of about 400 m: the bigger the circle, the more incidents. Choose an "
                                   "area or a shorter span to see individual incidents.")
                                 .format(n=fmt_int(n), cap=fmt_int(cap))],
                                className="note density-note", id="map-density-note"))
    if any(OFFENSE_BY_CODE.get(o) and OFFENSE_BY_CODE[o].sexual for o in f.offense) or not f.offense:
        notes.append(html.P(_("Rape and other sexual offenses are never drawn as points or in the density "
                              "grid; they are counted in the area totals."), className="note"))
    if measure == "rate":
        notes.append(html.P(_("Rates are victims per 1,000 residents over the whole span (2020 population). "
                              "Areas with fewer than {n} residents are greyed and dashed instead of shaded: a "
                              "few incidents there would look like an extreme rate.")
                            .format(n=fmt_int(settings.map_min_population)), className="note"))
    sites = EMPTY
    if view["cvi"]:
        sites = L.sites_geojson(Q.filter_sites(Q.cvi_sites(db), f, tuple(programs)))
    layer_label = Q.MAP_LAYERS[layer]
    return {
        "hideout": chor["hideout"],
        "legend": L.legend_component(chor["legend"], measure),
        "points": points,
        "density": dens,
        "sites": sites,
        "notes": notes,
        "caption": L.caption(f, layer, layer_label, measure),
        "table": L.area_table(chor["values"], layer=layer, layer_label=L.layer_name(layer, layer_label),
                              measure=measure, span=L.span_text(f), selected=selected,
                              min_compare=settings.min_compare),
        "values": chor["values"],
    }


def layout(inputs: LayoutInputs):
    s = inputs.settings
    view, notes = parse_map(inputs.search)
    return L.map_page(Q.MAP_LAYERS, view=view, notices=notice_alerts(notes), tile_url=s.tile_url,
                      tile_attribution=s.tile_attribution)


def map_error(message: str) -> dict:
    return {"hideout": no_update, "areas": no_update, "shapes_key": no_update, "legend": None, "points": EMPTY, "density": EMPTY, "sites": EMPTY,
            "notes": None, "caption": "", "table": None, "error": dbc.Alert(message, color="danger"),
            "viewport": no_update, "invalidate": no_update, "view_key": no_update}


def details_outputs(db: Database, settings: Settings, f: Filters, picked) -> dict:
    """The numbers of the area clicked or tapped (``picked``: {"layer", "code"}), or nothing."""
    if not isinstance(picked, dict) or picked.get("layer") not in Q.MAP_LAYERS or not isinstance(picked.get("code"), str):
        return {"details": None}
    layer, code = picked["layer"], picked["code"]
    shapes = Q.area_shapes(db, layer)
    if code not in shapes["names"]:
        return {"details": None}
    counts = Q.area_counts(db, f, layer)
    row = counts[counts.code == code]
    current, prior = (int(row.current.iloc[0]), int(row.prior.iloc[0])) if len(row) else (0, 0)
    v = L.area_value(shapes["names"][code], current, prior, shapes["population"].get(code),
                     settings.map_min_population)
    outside = any(getattr(f, k) for k in GEO_FIELDS) and current == 0 and prior == 0
    return {"details": L.area_details(v, code, chosen=code in selected_areas(db, f, layer),
                                      min_compare=settings.min_compare, outside=outside)}


def compute_details(r: PageRequest) -> dict:
    return details_outputs(r.svc.db, r.svc.settings, r.filters, r.values["picked"])


def compute(r: PageRequest) -> dict:
    v = r.values
    if not isinstance(v["layer"], str) or v["layer"] not in Q.MAP_LAYERS:
        raise PreventUpdate
    db, f = r.svc.db, r.filters
    view = {"layer": v["layer"], "measure": v["measure"] if v["measure"] in ("count", "rate") else "count",
            "points": bool(v["points"]), "cvi": bool(v["cvi"])}
    programs, _notes = parse_cvi(v["search"], program_codes())
    out = map_outputs(db, r.svc.settings, f, view, programs=programs)
    key = geo_key(f)
    viewport = no_update
    if key != v["view_key"]:  # zoom only when the chosen areas change, not on every filter change
        box = bounds_for(db, f)
        # first view: jump (an animation would race the size check); later: fly, so people see
        # where the area is
        move = {"transition": "flyToBounds"} if v["view_key"] is not None else {}
        viewport = {"bounds": box, **move} if box else no_update
    out.pop("values")
    areas, shapes_key = no_update, no_update
    if v.get("shapes_key") != view["layer"]:  # the outlines once per layer: the browser keeps them
        areas, shapes_key = Q.area_shapes(db, view["layer"])["geojson"], view["layer"]
    return {**out, "error": None, "viewport": viewport, "invalidate": nonce(), "view_key": key,
            "areas": areas, "shapes_key": shapes_key}


def refresh_values(r: PageRequest, previous: Filters | None) -> dict:
    """On a filter change the browser holds the layer's outlines and the view of the areas chosen
    before (what ``compute`` last sent)."""
    return {"shapes_key": r.values["layer"], "view_key": geo_key(previous if previous is not None else r.filters)}


# In the browser: the numbers of an area shown follow a filter change (a request only then).
DETAILS_FOLLOW = """
function (state, picked) { return picked ? Date.now() : dash_clientside.no_update; }
"""


def register(app, page: Page) -> None:
    # The controls and the URL follow each other in two callbacks, not one. A URL the browser moved
    # to (back/forward) sets the controls; their change writes the URL through the page's relay.
    @app.callback(
        output={k: Output(i, "value") for k, i in CONTROLS.items()} | {"notices": Output(ids.MAP_NOTICES, "children")},
        inputs={"change": Input(ids.URL_CHANGE, "data")},
        state={k: State(i, "value") for k, i in CONTROLS.items()},
        prevent_initial_call=True,  # the layout starts with the link's values
    )
    def url_to_controls(change, **controls):
        return controls_from_url(as_dict(change).get("search"), controls)

    @app.callback(
        shell_write(app, page),
        inputs={k: Input(i, "value") for k, i in CONTROLS.items()},
        state={"search": State(ids.URL, "search")},
        prevent_initial_call=True,
    )
    def controls_to_url(search, **controls):
        # the map's own update follows the controls, so the new URL is no cue for the server
        return relay(search=url_from_controls(search, controls), keep_view=True)

    page_callback(
        app, page,
        output={
            "hideout": Output(ids.MAP_AREAS, "hideout"),
            "areas": Output(ids.MAP_AREAS, "data"),
            "shapes_key": Output(ids.MAP_SHAPES_KEY, "data"),
            "legend": Output(ids.MAP_LEGEND, "children"),
            "points": Output(ids.MAP_POINTS, "data"),
            "density": Output(ids.MAP_DENSITY, "data"),
            "sites": Output(ids.MAP_CVI, "data"),
            "notes": Output(ids.MAP_NOTES, "children"),
            "caption": Output(ids.MAP_CAPTION, "children"),
            "table": Output(L.AREA_TABLE, "children"),
            "error": Output(ids.MAP_ERROR, "children"),
            "viewport": Output(ids.MAP, "viewport"),
            "invalidate": Output(ids.MAP, "invalidateSize"),
            "view_key": Output(ids.MAP_VIEW_KEY, "data"),
        },
        inputs={
            "layer": Input(ids.MAP_LAYER, "value"),
            "measure": Input(ids.MAP_MEASURE, "value"),
            "points": Input(ids.MAP_SHOW_POINTS, "value"),
            "cvi": Input(ids.MAP_SHOW_CVI, "value"),
        },
        state={"view_key": State(ids.MAP_VIEW_KEY, "data"), "search": State(ids.URL, "search"),
               "shapes_key": State(ids.MAP_SHAPES_KEY, "data")},
        compute=compute, error=map_error, refresh=refresh_values)

    @app.callback(
        Output(L.AREA_PICKED, "data"),
        Input(ids.MAP_AREAS, "clickData"),
        Input({"type": L.AREA_CLOSE, "i": ALL}, "n_clicks"),
        Input(ids.MAP_LAYER, "value"),
        prevent_initial_call=True,
    )
    def pick_area(click, closes, layer):
        """A click or tap on an area shows its numbers; it never changes the filter by itself."""
        if ctx.triggered_id == ids.MAP_AREAS:
            code = L.clicked_area(click, layer)
            if code is None:
                raise PreventUpdate
            return {"layer": layer, "code": code}
        if isinstance(ctx.triggered_id, dict):
            acted(*(closes or []))
        return None  # closed, or another layer shown

    app.clientside_callback(DETAILS_FOLLOW, Output(ids.refresh_id(page.name), "data"),
                            Input(ids.FILTER_STATE, "data"), State(L.AREA_PICKED, "data"), prevent_initial_call=True)
    page_callback(
        app, page,
        output={"details": Output(L.AREA_DETAILS, "children")},
        inputs={"picked": Input(L.AREA_PICKED, "data"), "follow": Input(ids.refresh_id(page.name), "data")},
        compute=compute_details, error=lambda message: {"details": None}, on_filters=False)

    # a redrawn table's new buttons would fire a server callback with nothing pressed: a press only
    app.clientside_callback(PRESSED, Output(ids.pressed_id(page.name), "data"),
                            Input({"type": L.AREA_BUTTON, "code": ALL, "where": ALL}, "n_clicks"),
                            Input(ids.MAP_CLEAR_AREA, "n_clicks"), prevent_initial_call=True)

    @app.callback(
        shell_write(app, page),
        inputs={"pressed": Input(ids.pressed_id(page.name), "data"),
                "layer": State(ids.MAP_LAYER, "value"),
                "current": {f: State(ids.FILTER_CONTROLS[f], "value") for f in GEO_FIELDS}},
        prevent_initial_call=True,
    )
    def area_filter(pressed, layer, current):
        """"Filter by this area" (the numbers' button or a table row's) sets the filter; on the area
        already chosen it removes it, as "Clear chosen area" does."""
        trigger = as_dict(pressed).get("id")
        out = filter_change(trigger, [{"value": 1}], layer, current, 1 if trigger == ids.MAP_CLEAR_AREA else None)
        return relay(controls={f: v for f, v in out.items() if v is not no_update})


def filter_change(triggered_id, triggered: list, layer: str | None, current: dict, clear) -> dict:
    """The geography filters after a press of an area's button (``triggered_id`` its id) or of
    "Clear chosen area"."""
    if not isinstance(layer, str) or layer not in LAYER_FIELD:
        raise PreventUpdate
    field = LAYER_FIELD[layer]
    out = {f: no_update for f in GEO_FIELDS}
    if triggered_id == ids.MAP_CLEAR_AREA:
        acted(clear)  # not the page opening
        if not current.get(field):
            raise PreventUpdate
        out[field] = []
        return out
    # a table drawn anew (its buttons at n_clicks 0) is not a press
    acted(*(t.get("value") for t in triggered or []))
    code = triggered_id.get("code") if isinstance(triggered_id, dict) else None
    if not isinstance(code, str):
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


CONTROLS = {"layer": ids.MAP_LAYER, "measure": ids.MAP_MEASURE, "points": ids.MAP_SHOW_POINTS,
            "cvi": ids.MAP_SHOW_CVI}


def controls_from_url(search: str | None, controls: dict) -> dict:
    """The controls' values from the URL (back/forward, a link): only those that differ change; the
    notices always (a link without mistakes clears those of the one before)."""
    view, notes = parse_map(search)
    out = {k: (view[k] if controls.get(k) != view[k] else no_update) for k in MAP_PARAMS}
    return out | {"notices": notice_alerts(notes)}


def url_from_controls(search: str | None, controls: dict) -> str:
    """The URL with the controls' values (the filters and the other pages' parameters kept);
    nothing when the controls say what the URL says (the page opening, or our own write)."""
    view = {k: controls.get(k) for k in MAP_PARAMS}
    if view == parse_map(search)[0]:
        raise PreventUpdate
    url = replace_page_params(search, page_pairs(view, parse_cvi(search, program_codes())[0]))
    if url == (search or ""):
        raise PreventUpdate
    return url
