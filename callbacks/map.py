"""Map page: filter state and view -> map_queries -> layouts.map builders -> the map.

One request per change (issue 12):

* a filter change, back/forward or a link: ``callbacks.filters.update_view`` sends the map's new
  outputs (``compute``) and, when the URL moved, the controls' values (``controls_compute``) in
  its own request;
* a control (layer, measure, incidents, CVI sites): the browser compares the controls with the URL
  (``psad_map.js`` ``ask``) and only a person's change asks the server (``ids.refresh_id``), whose
  one answer is the map and the new URL (the page's relay);
* a click or tap on an area: its numbers are drawn in the browser from the ``hideout`` the map
  already holds (``psad_map.js`` ``pick`` and ``details``): no request;
* "Filter by this area" (under the numbers, or on the area's row of the table) and "Clear chosen
  area": the browser writes the filter control (``psad_map.js`` ``areaFilter``), and the filter
  change is the one request.

``map_outputs`` is the update as a plain function, so the benchmark and the tests run exactly what
the browser runs; ``area_choropleth`` is the areas' numbers as the map shades them (the API's
``/map/areas`` reads the same).
"""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback_context, html, no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.i18n import _, ngettext
from app.pageparams import MAP_DEFAULTS, MAP_PARAMS, page_pairs, parse_cvi, parse_map, replace_page_params
from app.pages import LayoutInputs, Page
from app.response_cache import nonce
from app.settings import Settings
from callbacks.common import NO_CHANGE, RELAY_TARGETS, PageRequest, page_callback, relay, shell_write
from callbacks.filters import notice_alerts
from data_access import map_queries as Q
from data_access.db import Database
from data_access.filters import FIELD_BY_NAME, GEO_FIELDS, LAYER_FIELD, Filters
from data_access.options import filter_options
from data_access.vocabulary import OFFENSE_BY_CODE
from layouts import map as L
from layouts.common import csv_link, fmt_int
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


def inside_areas(db: Database, f: Filters, layer: str, counts) -> frozenset[str] | None:
    """The areas of ``layer`` inside the geography filters (``layouts.map.areas_in_filter``), from
    the filter bar's neighborhood -> district links; None without a geography filter."""
    if not any(getattr(f, k) for k in GEO_FIELDS):
        return None
    options = filter_options(db)
    shapes = Q.area_shapes(db, layer)
    counted = [c for c, a, b in zip(counts.code, counts.current, counts.prior) if a or b] if len(counts) else []
    return L.areas_in_filter(f, layer, shapes["names"], options.get("links", {}),
                             [c for c, _name in options.get("neighborhood", [])],
                             Q.csa_neighborhoods(db) if layer == "csa" else None, counted)


def area_choropleth(db: Database, settings: Settings, f: Filters, layer: str, measure: str = "count") -> dict:
    """The areas of ``layer`` as the map shades them: ``layouts.map.choropleth``'s answer (hideout,
    legend, ``values`` per area with ``outside``), for the page and ``/api/v1/map/areas`` alike."""
    shapes = Q.area_shapes(db, layer)
    counts = Q.area_counts(db, f, layer)
    return L.choropleth(shapes, counts, measure=measure, min_population=settings.map_min_population,
                        min_compare=settings.min_compare, selected=selected_areas(db, f, layer),
                        geo_filtered=any(getattr(f, k) for k in GEO_FIELDS),
                        inside=inside_areas(db, f, layer, counts), layer=layer)


def map_outputs(db: Database, settings: Settings, f: Filters, view: dict, *, programs=()) -> dict:
    """Everything a filter or view change sends to the map (not the geometry)."""
    layer, measure = view["layer"], view["measure"]
    chor = area_choropleth(db, settings, f, layer, measure)
    selected = selected_areas(db, f, layer)
    notes: list = []
    points, dens = EMPTY, EMPTY
    cap = min(settings.map_point_cap, settings.row_cap)  # a query never returns more than the cap
    if view["points"]:
        n = Q.point_count(db, f)
        if n == 0:
            notes.append(html.P(_("No incidents to draw as points for these filters."), className="note"))
        elif n <= cap:
            points = L.points_geojson(Q.points(db, f, settings.map_point_cap))
            notes.append(html.P([ngettext(
                "{n} incident drawn as a point; click it for its details.",
                "{n} incidents drawn as points, grouped where they overlap; click a group to zoom in, a point "
                "for its details.", n).format(n=fmt_int(n)), " ",
                csv_link("/map/points", _("the incidents drawn as points"))], className="note", id="map-points-note"))
        else:
            dens = L.density_geojson(Q.density(db, f))
            notes.append(html.P([html.Strong(_("Too many incidents to draw one by one.")), " ",
                                 _("{n} incidents; the limit is {cap}. Circles show how many happened in each "
                                   "square of about 400 m: the bigger the circle, the more incidents. Choose an "
                                   "area or a shorter span to see individual incidents.")
                                 .format(n=fmt_int(n), cap=fmt_int(cap)), " ",
                                 csv_link("/map/density", _("the incidents per square"))],
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
    marks = L.legend_marks(view, points_shown=points is not EMPTY, density_shown=dens is not EMPTY,
                           programs=tuple(programs))
    return {
        "hideout": chor["hideout"],
        "legend": L.legend_component(chor["legend"], measure, marks, selected=bool(selected)),
        "points": points,
        "density": dens,
        "sites": sites,
        "notes": notes,
        "caption": L.caption(f, layer, layer_label, measure, chor["values"], settings.min_compare),
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
    return {"hideout": no_update, "areas": no_update, "shapes_key": no_update, "members": no_update, "legend": None,
            "points": EMPTY, "density": EMPTY, "sites": EMPTY, "notes": None, "caption": "", "table": None,
            "error": dbc.Alert(message, color="danger"), "viewport": no_update, "invalidate": no_update,
            "view_key": no_update, "relay": no_update}


def view_of(values: dict) -> dict | None:
    """The controls' values as the map's view, or None for a layer that does not exist."""
    if not isinstance(values.get("layer"), str) or values["layer"] not in Q.MAP_LAYERS:
        return None
    return {"layer": values["layer"], "measure": values["measure"] if values.get("measure") in ("count", "rate") else "count",
            "points": bool(values.get("points")), "cvi": bool(values.get("cvi"))}


def compute(r: PageRequest) -> dict:
    v = r.values
    view = view_of(v)
    if view is None:
        raise PreventUpdate
    db, f = r.svc.db, r.filters
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
    areas, shapes_key, members = no_update, no_update, no_update
    if v.get("shapes_key") != view["layer"]:  # the outlines once per layer: the browser keeps them
        areas, shapes_key = Q.area_shapes(db, view["layer"])["geojson"], view["layer"]
        members = Q.csa_neighborhoods(db) if view["layer"] == "csa" else {}
    # a person changed a control (the browser asked: ``ids.refresh_id``): the URL follows, in this answer
    url = no_update
    if v.get("ask") is not None:
        try:
            url = relay(search=url_from_controls(v["search"], view), keep_view=True)
        except PreventUpdate:
            pass
    return {**out, "error": None, "viewport": viewport, "invalidate": nonce(), "view_key": key,
            "areas": areas, "shapes_key": shapes_key, "members": members, "relay": url}


def url_moved() -> tuple[bool, str | None]:
    """Inside ``update_view``'s request: whether the URL moved (back/forward, a link: its trigger is
    ``ids.URL_CHANGE``), and the query string of the view the browser showed before."""
    try:
        trigger = callback_context.triggered_id
        before = callback_context.states.get(f"{ids.VIEW}.data")
    except Exception:  # no callback context (a test calling ``refresh`` directly): assume the worst
        return True, None
    search = before.get("search") if isinstance(before, dict) else None
    return trigger == ids.URL_CHANGE, search if isinstance(search, str) else None


def refresh_values(r: PageRequest, previous: Filters | None) -> dict:
    """On a filter change the browser holds the outlines of the layer it showed and the view of the
    areas chosen before (what ``compute`` last sent). Back/forward may change the layer: the
    outlines the browser holds are then those of the URL it showed before."""
    moved, before = url_moved()
    layer = r.values["layer"]
    if moved:
        layer = parse_map(before)[0]["layer"] if before is not None else None
    return {"shapes_key": layer, "view_key": geo_key(previous if previous is not None else r.filters)}


def controls_compute(r: PageRequest) -> dict:
    """The controls and the page's notices from the URL, when it moved (back/forward, a link)
    while the page is shown; otherwise what the browser shows is right already."""
    if not r.values.get("moved"):
        return {k: no_update for k in (*CONTROLS, "notices")}
    return controls_from_url(r.values["search"], {})


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={
            "hideout": Output(ids.MAP_AREAS, "hideout"),
            "areas": Output(ids.MAP_AREAS, "data"),
            "shapes_key": Output(ids.MAP_SHAPES_KEY, "data"),
            "members": Output(L.MEMBERS, "data"),
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
            "relay": shell_write(app, page),
        },
        # only a person's change of a control asks (the browser compares the controls with the URL)
        inputs={"ask": Input(ids.refresh_id(page.name), "data")},
        state={**{k: State(i, "value") for k, i in CONTROLS.items()},
               "view_key": State(ids.MAP_VIEW_KEY, "data"), "search": State(ids.URL, "search"),
               "shapes_key": State(ids.MAP_SHAPES_KEY, "data")},
        compute=compute, error=map_error, refresh=refresh_values)

    # back/forward or a link that changes the page's own parameters: the controls follow in the
    # same request (no callback of their own: ``fill`` and ``refresh`` only)
    page_callback(
        app, page,
        output={**{k: Output(i, "value") for k, i in CONTROLS.items()}, "notices": Output(ids.MAP_NOTICES, "children")},
        inputs={"search": Input(ids.URL, "search")},
        compute=controls_compute, error=lambda message: {k: no_update for k in (*CONTROLS, "notices")},
        refresh=lambda r, previous: {"moved": url_moved()[0]})

    ask = {"layers": list(Q.MAP_LAYERS), "defaults": MAP_DEFAULTS, "names": list(CONTROLS)}
    app.clientside_callback(
        "function () { return window.psad.map.ask(%s, Array.prototype.slice.call(arguments)); }" % json.dumps(ask),
        Output(ids.refresh_id(page.name), "data"),
        *[Input(i, "value") for i in CONTROLS.values()],
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )

    # a click or tap on an area shows its numbers (drawn in the browser from the hideout), never a filter
    app.clientside_callback(
        "function (click, closes, layer) { return window.psad.map.pick(click, closes, layer); }",
        Output(L.AREA_PICKED, "data"),
        Input(ids.MAP_AREAS, "clickData"),
        Input({"type": L.AREA_CLOSE, "i": ALL}, "n_clicks"),
        Input(ids.MAP_LAYER, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function (picked, hideout) { return window.psad.map.details(picked, hideout); }",
        Output(L.AREA_DETAILS, "children"),
        Input(L.AREA_PICKED, "data"),
        Input(ids.MAP_AREAS, "hideout"),
        prevent_initial_call=True,
    )

    # "Filter by this area" and "Clear chosen area" write the filter control in the browser; the
    # table's buttons (drawn by layouts.static) through the page's store of pressed buttons
    conf = {"fields": LAYER_FIELD, "geo": list(GEO_FIELDS), "n": len(RELAY_TARGETS), "noChange": NO_CHANGE,
            "clear": ids.MAP_CLEAR_AREA, "pressed": ids.pressed_id(page.name),
            "index": {f: RELAY_TARGETS.index((ids.FILTER_CONTROLS[f], "value")) for f in GEO_FIELDS}}
    app.clientside_callback(
        "function () { return window.psad.map.areaFilter(%s, Array.prototype.slice.call(arguments)); }"
        % json.dumps(conf),
        shell_write(app, page),
        Input({"type": L.AREA_BUTTON, "code": ALL, "where": ALL}, "n_clicks"),
        Input(ids.MAP_CLEAR_AREA, "n_clicks"),
        Input(ids.pressed_id(page.name), "data"),
        State(ids.MAP_LAYER, "value"),
        State(L.MEMBERS, "data"),
        *[State(ids.FILTER_CONTROLS[f], "value") for f in GEO_FIELDS],
        prevent_initial_call=True,
    )


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
