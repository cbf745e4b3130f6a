"""The Map page: pure builders for the choropleth style (``hideout``), the legend, point and density
layers, CVI site features, the view bounds, and the page layout. No I/O here.

The area geometry is sent to the browser once per layer; a filter change sends only the
``hideout`` (a colour and a tooltip per area) that the style function in ``assets/psad_map.js``
reads, so an update stays small however detailed the boundaries are.
"""

from __future__ import annotations

import math
from html import escape

import dash_bootstrap_components as dbc
import dash_leaflet as dl
import pandas as pd
from dash import dcc, html

from app import ids
from data_access.filters import LAYER_FIELD, Filters, span_label
from data_access.vocabulary import CVI_PROGRAM_TYPES, WEAPON_TYPES, offense_label
from layouts.common import fmt_int, fmt_pct, pct_change

# Sequential reds (ColorBrewer "Reds", 5 classes): readable in print and for common colour-vision
# deficiencies, because the classes differ in lightness.
PALETTE = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
ZERO_COLOR = "#f4f5f7"
FLAG_COLOR = "#c9ced6"
NO_DATA = "none"  # outside the chosen areas: drawn as an outline only
MEASURES = {"count": "Count", "rate": "Rate per 1,000 residents"}
BALTIMORE = (39.2992, -76.6094)

def program_label(code: str) -> str:
    return CVI_PROGRAM_TYPES.label(code)


# --- legend and colours -------------------------------------------------------------------------

def _nice(x: float, integer: bool) -> float:
    if integer:
        return float(math.ceil(x))
    if x <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(x)))  # two significant figures
    return math.ceil(x * 10**digits) / 10**digits


def legend_bins(values, k: int = len(PALETTE), *, integer: bool = True) -> list[float]:
    """Upper bounds of up to ``k`` classes of the positive values (quantiles, rounded up to nice
    numbers, strictly increasing, the last one the maximum). Zero is a class of its own."""
    vals = sorted(v for v in values if v is not None and v > 0 and not math.isnan(v))
    if not vals:
        return []
    s = pd.Series(vals, dtype="float64")
    bounds: list[float] = []
    for q in [(i + 1) / k for i in range(k)]:
        b = _nice(float(s.quantile(q, interpolation="higher")), integer)
        if not bounds or b > bounds[-1]:
            bounds.append(b)
    top = _nice(vals[-1], integer)
    if bounds[-1] < top:
        bounds[-1] = top
    return bounds


def class_of(value: float, bounds: list[float]) -> int:
    """Index of the class ``value`` falls in (-1 for zero)."""
    if value <= 0 or not bounds:
        return -1
    for i, b in enumerate(bounds):
        if value <= b:
            return i
    return len(bounds) - 1


def palette_for(bounds: list[float]) -> list[str]:
    """Colours for ``len(bounds)`` classes spread over the palette (darkest always last)."""
    n = len(bounds)
    if n == 0:
        return []
    if n == 1:
        return [PALETTE[-1]]
    return [PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n)]


def fmt_value(v: float, integer: bool) -> str:
    return fmt_int(v) if integer else (f"{v:,.2f}" if v < 10 else f"{v:,.1f}")


def legend_items(bounds: list[float], *, integer: bool, flagged: bool, min_population: int) -> list[dict]:
    """(label, colour, kind) rows for the legend, lowest first."""
    colors = palette_for(bounds)
    items = [{"label": "0", "color": ZERO_COLOR, "kind": "zero"}]
    low = 0.0
    for b, c in zip(bounds, colors):
        if integer:
            lo = int(low) + 1
            label = fmt_int(b) if lo >= b else f"{fmt_int(lo)}–{fmt_int(b)}"
        else:
            label = f"up to {fmt_value(b, False)}" if low == 0 else f"{fmt_value(low, False)}–{fmt_value(b, False)}"
        items.append({"label": label, "color": c, "kind": "class"})
        low = b
    if flagged:
        items.append({"label": f"Fewer than {min_population:,} residents: rate not shown", "color": FLAG_COLOR,
                      "kind": "flag"})
    return items


def change_text(current: int, prior: int, min_compare: int) -> str:
    pct = pct_change(current, prior, min_compare)
    if pct is not None:
        return f"{fmt_pct(pct)} vs a year earlier ({fmt_int(prior)})"
    if current < min_compare:
        return "too few to compare"
    return f"{fmt_int(current)} vs {fmt_int(prior)} a year earlier"  # no percentage of a handful


def rate_per_1000(count: int, population: int | None) -> float | None:
    if not population:
        return None
    return count / population * 1000.0


def choropleth(shapes: dict, counts: pd.DataFrame, *, measure: str, min_population: int, min_compare: int,
               selected: tuple[str, ...] = (), geo_filtered: bool = False) -> dict:
    """The hideout for the area layer and its legend.

    Returns {"hideout": {"fill": {code: colour}, "flag": [codes], "tip": {code: html},
    "sel": [codes]}, "legend": [...], "values": {code: {...}}}. ``values`` holds the numbers
    behind every colour and tooltip (tests compare them with an independent computation).
    """
    cur = dict(zip(counts.code, counts.current)) if len(counts) else {}
    pri = dict(zip(counts.code, counts.prior)) if len(counts) else {}
    integer = measure == "count"
    values: dict[str, dict] = {}
    for code, name in shapes["names"].items():
        c, p = int(cur.get(code, 0)), int(pri.get(code, 0))
        pop = shapes["population"].get(code)
        rate = rate_per_1000(c, pop)
        small = pop is None or pop < min_population
        values[code] = {"name": name, "current": c, "prior": p, "population": pop, "rate": rate, "small": small}
    shaded = {code: (v["current"] if integer else v["rate"]) for code, v in values.items()
              if integer or not v["small"]}
    bounds = legend_bins(shaded.values(), integer=integer)
    colors = palette_for(bounds)
    fill, tip, flag = {}, {}, []
    for code, v in values.items():
        outside = geo_filtered and v["current"] == 0 and v["prior"] == 0
        if outside:
            fill[code] = NO_DATA
        elif code in shaded:
            i = class_of(shaded[code], bounds)
            fill[code] = ZERO_COLOR if i < 0 else colors[i]
        else:
            fill[code] = FLAG_COLOR
            flag.append(code)
        tip[code] = tooltip_html(v, min_population=min_population, min_compare=min_compare, outside=outside)
    return {
        "hideout": {"fill": fill, "flag": sorted(flag), "tip": tip, "sel": sorted(selected)},
        "legend": legend_items(bounds, integer=integer, flagged=bool(flag), min_population=min_population),
        "values": values,
    }


def tooltip_html(v: dict, *, min_population: int, min_compare: int, outside: bool = False) -> str:
    lines = [f"<strong>{escape(v['name'])}</strong>"]
    if outside:
        lines.append("No victims under the chosen filters")
        return "<br>".join(lines)
    lines.append(f"{fmt_int(v['current'])} victims")
    if v["population"] is None:
        lines.append("Population unknown: no rate")
    elif v["small"]:
        lines.append(f"{fmt_int(v['population'])} residents: too few for a rate")
    else:
        lines.append(f"{fmt_value(v['rate'], False)} per 1,000 residents ({fmt_int(v['population'])})")
    lines.append(change_text(v["current"], v["prior"], min_compare))
    return "<br>".join(lines)


# --- points, density, sites --------------------------------------------------------------------

def points_geojson(df: pd.DataFrame) -> dict:
    """Incident points with only what the popup shows. Never call with sexual offenses: the query
    excludes them, and ``assert_no_sexual`` in the callback checks again."""
    feats = []
    for lon, lat, offense, d, block, weapon in df[["lon", "lat", "offense", "occurred_date", "block",
                                                   "weapon"]].itertuples(index=False):
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(lon), 5),
                                                                                        round(float(lat), 5)]},
                      "properties": {"o": offense_label(offense), "d": d.isoformat(),
                                     "b": block if isinstance(block, str) else "Block not recorded",
                                     "w": WEAPON_TYPES.labels.get(weapon, "Not recorded") if isinstance(weapon, str)
                                     else "Not recorded"}})
    return {"type": "FeatureCollection", "features": feats}


def density_geojson(df: pd.DataFrame) -> dict:
    top = int(df.n.max()) if len(df) else 1
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
         "properties": {"n": int(n), "r": round(2 + 7 * math.sqrt(n / top), 1)}}
        for lon, lat, n in df[["lon", "lat", "n"]].itertuples(index=False)]}


def sites_geojson(sites: pd.DataFrame, near: dict[int, int] | None = None) -> dict:
    feats = []
    for r in sites.itertuples(index=False):
        if pd.isna(r.lon) or pd.isna(r.lat):
            continue
        props = {"id": int(r.id), "t": r.program_type, "name": r.name, "type": program_label(r.program_type),
                 "address": r.address if isinstance(r.address, str) else ""}
        if near is not None:
            props["near"] = int(near.get(int(r.id), 0))
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(r.lon), 5),
                                                                                        round(float(r.lat), 5)]},
                      "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def view_bounds(bounds_by_field: dict[str, dict[str, list]], f: Filters) -> list | None:
    """The box to zoom to for the geography filters: within each filter the union of the chosen
    areas' boxes, across filters their intersection (filters combine with "and"). None when no
    geography filter is set or the boxes do not meet."""
    box = None
    for field, boxes in bounds_by_field.items():
        chosen = [boxes[c] for c in getattr(f, field) if c in boxes]
        if not chosen:
            continue
        u = [[min(b[0][0] for b in chosen), min(b[0][1] for b in chosen)],
             [max(b[1][0] for b in chosen), max(b[1][1] for b in chosen)]]
        if box is None:
            box = u
        else:
            box = [[max(box[0][0], u[0][0]), max(box[0][1], u[0][1])],
                   [min(box[1][0], u[1][0]), min(box[1][1], u[1][1])]]
            if box[0][0] >= box[1][0] or box[0][1] >= box[1][1]:
                return None
    return box


def clicked_area(click_data, layer: str) -> str | None:
    """The code of the area a click landed on (GeoJSON clickData is the feature)."""
    if not isinstance(click_data, dict):
        return None
    props = click_data.get("properties")
    code = props.get("code") if isinstance(props, dict) else None
    return code if isinstance(code, str) and layer in LAYER_FIELD else None


def toggle_area(current: list | None, codes: list[str]) -> list[str]:
    """Clicking the area(s) already chosen removes them; otherwise they become the choice."""
    return [] if sorted(current or []) == sorted(codes) else list(codes)


# --- components ---------------------------------------------------------------------------------

def legend_component(items: list[dict], measure: str) -> html.Div:
    title = "Victims" if measure == "count" else "Victims per 1,000 residents"
    rows = [html.Li([html.Span(className=f"swatch swatch-{it['kind']}", style={"background": it["color"]}),
                     html.Span(it["label"])]) for it in items]
    rows.append(html.Li([html.Span(className="swatch swatch-sel"), html.Span("Chosen area (click again to remove)")]))
    return html.Div([html.Div(title, className="legend-title"), html.Ul(rows, className="legend-list")],
                    className="map-legend-box")


def tile_layer(tile_url: str, attribution: str) -> list:
    return [dl.TileLayer(url=tile_url, attribution=attribution or None)] if tile_url else []


def base_map(map_id: str, children: list, *, tile_url: str, attribution: str, height: str) -> dl.Map:
    return dl.Map(tile_layer(tile_url, attribution) + children, id=map_id, center=list(BALTIMORE), zoom=11,
                  zoomSnap=0.25, scrollWheelZoom=False,
                  className="psad-map" + ("" if tile_url else " no-tiles"),
                  attributionControl=bool(tile_url))


def area_layer(layer_id: str, *, interactive: bool = True) -> dl.GeoJSON:
    return dl.GeoJSON(id=layer_id, data={"type": "FeatureCollection", "features": []},
                      style={"variable": "psad.map.areaStyle"}, onEachFeature={"variable": "psad.map.areaEach"},
                      hideout={"fill": {}, "flag": [], "tip": {}, "sel": []}, interactive=interactive,
                      zoomToBoundsOnClick=False)


def sites_layer(layer_id: str) -> dl.GeoJSON:
    return dl.GeoJSON(id=layer_id, data={"type": "FeatureCollection", "features": []},
                      pointToLayer={"variable": "psad.map.siteToLayer"})


def map_page(layer_options: dict[str, str], *, view: dict | None = None, notices=None, tile_url: str = "",
             tile_attribution: str = "") -> html.Div:
    """``view``: the controls' values (layer, measure, points, cvi) read from the URL."""
    view = view or {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False}
    controls = html.Div([
        html.Div([html.Label("Areas", htmlFor=ids.MAP_LAYER, className="form-label"),
                  dcc.Dropdown(id=ids.MAP_LAYER, options=[{"label": v, "value": k} for k, v in layer_options.items()],
                               value=view["layer"], clearable=False, searchable=False)], className="filter"),
        html.Div([html.Label("Shade by", className="form-label"),
                  dbc.RadioItems(id=ids.MAP_MEASURE, options=[{"label": v, "value": k} for k, v in MEASURES.items()],
                                 value=view["measure"], inline=True)], className="filter"),
        html.Div([html.Label("Layers", className="form-label"),
                  dbc.Switch(id=ids.MAP_SHOW_POINTS, label="Incidents", value=view["points"]),
                  dbc.Switch(id=ids.MAP_SHOW_CVI, label="CVI sites", value=view["cvi"])], className="filter map-switches"),
        html.Div(dbc.Button("Clear chosen area", id=ids.MAP_CLEAR_AREA, color="secondary", outline=True, size="sm"),
                 className="filter filter-clear"),
    ], className="map-controls")
    the_map = base_map(ids.MAP, [
        area_layer(ids.MAP_AREAS),
        dl.GeoJSON(id=ids.MAP_DENSITY, data={"type": "FeatureCollection", "features": []},
                   pointToLayer={"variable": "psad.map.densityToLayer"}, interactive=True),
        dl.GeoJSON(id=ids.MAP_POINTS, data={"type": "FeatureCollection", "features": []}, cluster=True,
                   superClusterOptions={"radius": 80, "maxZoom": 17},
                   pointToLayer={"variable": "psad.map.pointToLayer"}, zoomToBoundsOnClick=True),
        sites_layer(ids.MAP_CVI),
    ], tile_url=tile_url, attribution=tile_attribution, height="100%")
    return html.Div([
        dcc.Store(id=ids.MAP_SHAPES_KEY),
        dcc.Store(id=ids.MAP_VIEW_KEY),
        html.Div(notices, id=ids.MAP_NOTICES),
        html.Div(id=ids.MAP_ERROR),
        controls,
        html.P(id=ids.MAP_CAPTION, className="caption"),
        html.Div([
            html.Div(the_map, className="map-frame"),
            # a scrolling box beside the map: a Tab stop with a name, so the keyboard can scroll it
            html.Aside([html.Div(id=ids.MAP_LEGEND), html.Div(id=ids.MAP_NOTES, className="map-notes")],
                       className="map-side", tabIndex="0", **{"aria-label": "Map key and notes"}),
        ], className="map-row"),
    ])


def caption(f: Filters, layer: str, layer_label: str, measure: str) -> str:
    what = "victims" if measure == "count" else "victims per 1,000 residents"
    noun = {"neighborhood": "the neighborhood filter", "police_district_2023": "the police district filter",
            "police_district_pre2023": "the police district filter", "council_district": "the Council district filter",
            "legislative_district": "the legislative district filter",
            "csa": "the neighborhood filter to the CSA's neighborhoods"}[layer]
    return (f"{layer_label} shaded by {what}, {span_label(f)}. Hover or tap an area for its numbers and the "
            f"change from the same span a year earlier; click it to make it the filter for every page "
            f"(sets {noun}).")
