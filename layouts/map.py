"""The Map page: pure builders for the choropleth style (``hideout``), the legend, the table of
areas, the numbers of one area, point and density layers, CVI site features, the view bounds, and
the page layout. No I/O here.

The area geometry is sent to the browser once per layer; a filter change sends only the
``hideout`` (a colour and a tooltip per area) that the style function in ``assets/psad_map.js``
reads, so an update stays small however detailed the boundaries are.

Keyboard and touch (WCAG 2.1.1, issue 11): the map's shapes and markers are out of the Tab order
(``psad_map.js``); what they show is also in a table of every area under the map (the map's "Show
as table"), each row with a button that filters as choosing the area on the map does. A click or
tap on an area only shows its numbers (``area_details``); its "Filter by this area" button sets
the filter. Every string is English here and translated where shown (``app.i18n``; Spanish in
``app/locale/es/LC_MESSAGES/map.po``).
"""

from __future__ import annotations

import math
from html import escape

import dash_bootstrap_components as dbc
import dash_leaflet as dl
import pandas as pd
from dash import dcc, html

from app import i18n, ids
from app.i18n import N_, _, ngettext
from data_access.filters import LAYER_FIELD, Filters
from data_access.map_queries import MAP_LAYERS
from data_access.vocabulary import CVI_PROGRAM_TYPES, WEAPON_TYPES, offense_label
from layouts.common import data_table, fmt_dec, fmt_int, fmt_pct, pct_change, span_text

# Component ids of this page that app/ids.py does not hold (the callbacks import them from here).
AREA_TABLE = "map-area-table"  # the table of areas (the map's "Show as table")
AREA_DETAILS = "map-area-details"  # the numbers of the area last clicked or tapped
AREA_PICKED = "map-area-picked"  # dcc.Store: {"layer", "code"} of that area, or None
AREA_BUTTON = "map-area-filter"  # pattern-matching type: {"type", "code", "where": "table" | "panel"}
AREA_CLOSE = "map-area-close"  # pattern-matching type: the details' close button

# Sequential reds (ColorBrewer "Reds", 5 classes): readable in print and for common colour-vision
# deficiencies, because the classes differ in lightness.
PALETTE = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
ZERO_COLOR = "#f4f5f7"
FLAG_COLOR = "#c9ced6"
NO_DATA = "none"  # outside the chosen areas: drawn as an outline only
MEASURES = {"count": N_("Count"), "rate": N_("Rate per 1,000 residents")}
BALTIMORE = (39.2992, -76.6094)
# What choosing an area of a layer does to the filters.
SETS_FILTER = {
    "neighborhood": N_("Filtering by an area sets the neighborhood filter."),
    "police_district_2023": N_("Filtering by an area sets the police district filter."),
    "police_district_pre2023": N_("Filtering by an area sets the police district filter."),
    "council_district": N_("Filtering by an area sets the City Council district filter."),
    "legislative_district": N_("Filtering by an area sets the State legislative district filter."),
    "csa": N_("Filtering by an area sets the neighborhood filter to the CSA's neighborhoods."),
}


def layer_name(layer: str, label: str | None = None) -> str:
    """A layer's name in the reader's language."""
    return _(label or MAP_LAYERS.get(layer, layer))


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
    """A count, or a rate with two decimals under 10 and one above (12.5 / 12,5 in Spanish)."""
    return fmt_int(v) if integer else fmt_dec(v, 2 if v < 10 else 1)


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
            label = (_("up to {value}").format(value=fmt_value(b, False)) if low == 0
                     else f"{fmt_value(low, False)}–{fmt_value(b, False)}")
        items.append({"label": label, "color": c, "kind": "class"})
        low = b
    if flagged:
        items.append({"label": _("Fewer than {n} residents: rate not shown").format(n=fmt_int(min_population)),
                      "color": FLAG_COLOR, "kind": "flag"})
    return items


def change_text(current: int, prior: int, min_compare: int) -> str:
    pct = pct_change(current, prior, min_compare)
    if pct is not None:
        return _("{pct} vs a year earlier ({prior})").format(pct=fmt_pct(pct), prior=fmt_int(prior))
    if current < min_compare:
        return _("too few to compare")
    # no percentage of a handful
    return _("{current} vs {prior} a year earlier").format(current=fmt_int(current), prior=fmt_int(prior))


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
        values[code] = area_value(name, int(cur.get(code, 0)), int(pri.get(code, 0)),
                                  shapes["population"].get(code), min_population)
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


def victims_text(n: int) -> str:
    return ngettext("{n} victim", "{n} victims", n).format(n=fmt_int(n))


def rate_text(v: dict) -> str:
    """The rate line of an area: its rate and population, or why there is none."""
    if v["population"] is None:
        return _("Population unknown: no rate")
    if v["small"]:
        return _("{population} residents: too few for a rate").format(population=fmt_int(v["population"]))
    return _("{rate} per 1,000 residents ({population} residents)").format(
        rate=fmt_value(v["rate"], False), population=fmt_int(v["population"]))


def tooltip_html(v: dict, *, min_population: int, min_compare: int, outside: bool = False) -> str:
    lines = [f"<strong>{escape(v['name'])}</strong>"]
    if outside:
        lines.append(escape(_("No victims under the chosen filters")))
        return "<br>".join(lines)
    lines += [escape(victims_text(v["current"])), escape(rate_text(v)),
              escape(change_text(v["current"], v["prior"], min_compare))]
    return "<br>".join(lines)


def area_value(name: str, current: int, prior: int, population: int | None, min_population: int) -> dict:
    """The numbers behind an area's colour, tooltip, table row and details."""
    rate = rate_per_1000(current, population)
    return {"name": name, "current": current, "prior": prior, "population": population, "rate": rate,
            "small": population is None or population < min_population}


# --- points, density, sites --------------------------------------------------------------------

def points_geojson(df: pd.DataFrame) -> dict:
    """Incident points with only what the popup shows. Never call with sexual offenses: the query
    excludes them, and ``assert_no_sexual`` in the callback checks again."""
    feats = []
    for lon, lat, offense, d, block, weapon in df[["lon", "lat", "offense", "occurred_date", "block",
                                                   "weapon"]].itertuples(index=False):
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(lon), 5),
                                                                                        round(float(lat), 5)]},
                      "properties": {"o": _(offense_label(offense)), "d": i18n.date_short(d),
                                     "b": block if isinstance(block, str) else _("Block not recorded"),
                                     "w": _(WEAPON_TYPES.labels[weapon]) if weapon in WEAPON_TYPES.labels
                                     else _("Not recorded")}})
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
        props = {"id": int(r.id), "t": r.program_type, "name": r.name, "type": _(program_label(r.program_type)),
                 "address": r.address if isinstance(r.address, str) else ""}
        if near is not None:
            props["near"] = int(near.get(int(r.id), 0))
            props["nearText"] = fmt_int(props["near"])  # as the reader writes numbers (1.234 in Spanish)
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
    title = _("Victims") if measure == "count" else _("Victims per 1,000 residents")
    rows = [html.Li([html.Span(className=f"swatch swatch-{it['kind']}", style={"background": it["color"]}),
                     html.Span(it["label"])]) for it in items]
    rows.append(html.Li([html.Span(className="swatch swatch-sel"), html.Span(_("Area in the filter"))]))
    return html.Div([html.Div(title, className="legend-title"), html.Ul(rows, className="legend-list")],
                    className="map-legend-box")


def area_button(code: str, name: str, chosen: bool, where: str) -> dbc.Button:
    """The button that sets (or, for the area already chosen, removes) the filter, as choosing the
    area on the map does. Its visible words start its accessible name (WCAG 2.5.3)."""
    if where == "panel":
        text = _("Remove this area from the filter") if chosen else _("Filter by this area")
        label = text
    else:
        text = _("Remove filter") if chosen else _("Filter")
        label = (_("Remove filter: {area}") if chosen else _("Filter by {area}")).format(area=name)
    style = "btn-outline-secondary" if chosen else ("btn-outline-primary" if where == "table" else "btn-primary")
    extra = {} if label == text else {"aria-label": label}
    return html.Button(text, id={"type": AREA_BUTTON, "code": code, "where": where}, n_clicks=0, type="button",
                       className=f"btn btn-sm {style} area-filter", **extra)


def change_cell(current: int, prior: int, min_compare: int) -> str:
    """The table's change column: a percentage, or why there is none."""
    pct = pct_change(current, prior, min_compare)
    if pct is not None:
        return _("{pct} ({prior} a year earlier)").format(pct=fmt_pct(pct), prior=fmt_int(prior))
    if current < min_compare:
        return _("too few to compare")
    return _("{prior} a year earlier").format(prior=fmt_int(prior))


def rate_cell(v: dict) -> str:
    if v["population"] is None:
        return _("population unknown")
    if v["small"]:
        return _("too few residents")
    return fmt_value(v["rate"], False)


def area_table(values: dict[str, dict], *, layer: str, layer_label: str, measure: str, span: str,
               selected: tuple[str, ...], min_compare: int) -> html.Div:
    """Every area of the shown layer with the numbers the map shades and shows (the map's "Show
    as table"), alphabetical, each with a button that filters by it."""
    rate = measure == "rate"
    # the button beside the name: on a phone it stays on screen while the numbers scroll sideways
    columns = [_("Area"), _("Filter"), _("Victims")] + ([_("Rate per 1,000 residents")] if rate else []) + \
              [_("Change from a year earlier")]
    rows = []
    for code, v in sorted(values.items(), key=lambda kv: (str(kv[1]["name"]).lower(), kv[0])):
        row = [v["name"], area_button(code, v["name"], code in selected, "table"), fmt_int(v["current"])] + \
              ([rate_cell(v)] if rate else []) + [change_cell(v["current"], v["prior"], min_compare)]
        rows.append(row)
    what = (_("{layer}: victims per 1,000 residents, {span}") if rate else _("{layer}: victims, {span}"))
    numeric = (2, 3) if rate else (2,)
    return data_table(columns, rows, what.format(layer=layer_label, span=span), numeric=numeric)


def area_details(v: dict | None, code: str, *, chosen: bool, min_compare: int, outside: bool = False):
    """The numbers of the area last clicked or tapped, and the button that makes it the filter.
    A click alone never changes the filter (a tap to read a number must not re-filter every page)."""
    if v is None:
        return None
    lines = [html.Li(_("No victims under the chosen filters"))] if outside else [
        html.Li(victims_text(v["current"])), html.Li(rate_text(v)),
        html.Li(change_text(v["current"], v["prior"], min_compare))]
    return html.Div([
        html.Div([html.H2(v["name"], className="h6 area-details-name"),
                  html.Button(id={"type": AREA_CLOSE, "i": 0}, n_clicks=0, className="btn-close",
                              **{"aria-label": _("Close")})], className="area-details-head"),
        html.Ul(lines, className="area-details-numbers"),
        area_button(code, v["name"], chosen, "panel"),
    ], className="area-details-box", role="group", **{"aria-label": _("Numbers for {area}").format(area=v["name"])})


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
    # the popup's words, in the reader's language ({n}: a number, filled in the browser)
    words = {"near": _("{n} shooting victims nearby (context, not effect)")}
    return dl.GeoJSON(id=layer_id, data={"type": "FeatureCollection", "features": []},
                      pointToLayer={"variable": "psad.map.siteToLayer"}, hideout={"words": words})


def map_words() -> dict:
    """Leaflet's own words (its zoom buttons' names), in the reader's language, as data attributes
    of the element around a map; ``psad_map.js`` puts them on the buttons."""
    return {"data-zoom-in": _("Zoom in"), "data-zoom-out": _("Zoom out")}


def map_page(layer_options: dict[str, str], *, view: dict | None = None, notices=None, tile_url: str = "",
             tile_attribution: str = "") -> html.Div:
    """``view``: the controls' values (layer, measure, points, cvi) read from the URL."""
    view = view or {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False}
    controls = html.Div([
        html.Div([html.Label(_("Areas"), htmlFor=ids.MAP_LAYER, className="form-label"),
                  dcc.Dropdown(id=ids.MAP_LAYER, options=[{"label": layer_name(k, v), "value": k}
                                                          for k, v in layer_options.items()],
                               value=view["layer"], clearable=False, searchable=False)], className="filter"),
        html.Fieldset([html.Legend(_("Shade by"), className="form-label"),
                       dbc.RadioItems(id=ids.MAP_MEASURE, options=[{"label": _(v), "value": k}
                                                                   for k, v in MEASURES.items()],
                                      value=view["measure"], inline=True)], className="filter"),
        html.Fieldset([html.Legend(_("Layers"), className="form-label"),
                       dbc.Switch(id=ids.MAP_SHOW_POINTS, label=_("Incidents"), value=view["points"]),
                       dbc.Switch(id=ids.MAP_SHOW_CVI, label=_("CVI sites"), value=view["cvi"])],
                      className="filter map-switches"),
        html.Div(dbc.Button(_("Clear chosen area"), id=ids.MAP_CLEAR_AREA, color="secondary", outline=True,
                            size="sm"), className="filter map-clear"),
    ], className="map-controls")
    the_map = base_map(ids.MAP, [
        area_layer(ids.MAP_AREAS),
        # not interactive: a click on a circle reaches the area under it, and no circle is a Tab stop
        dl.GeoJSON(id=ids.MAP_DENSITY, data={"type": "FeatureCollection", "features": []},
                   pointToLayer={"variable": "psad.map.densityToLayer"}, interactive=False),
        dl.GeoJSON(id=ids.MAP_POINTS, data={"type": "FeatureCollection", "features": []}, cluster=True,
                   superClusterOptions={"radius": 80, "maxZoom": 17},
                   pointToLayer={"variable": "psad.map.pointToLayer"}, zoomToBoundsOnClick=True,
                   hideout={"words": {"weapon": _("Weapon")}}),
        sites_layer(ids.MAP_CVI),
    ], tile_url=tile_url, attribution=tile_attribution, height="100%")
    return html.Div([
        dcc.Store(id=ids.MAP_SHAPES_KEY),
        dcc.Store(id=ids.MAP_VIEW_KEY),
        dcc.Store(id=AREA_PICKED),
        html.Div(notices, id=ids.MAP_NOTICES),
        html.Div(id=ids.MAP_ERROR),
        controls,
        html.P(id=ids.MAP_CAPTION, className="caption"),
        html.Div([
            html.Div([
                the_map,
                # the numbers of the area clicked or tapped, over the map's corner; read out when shown
                html.Div(id=AREA_DETAILS, className="area-details", **{"aria-live": "polite"}),
            ], className="map-frame", role="region", **map_words(),
                **{"aria-label": _("Map of the areas; the table under the map has the same numbers")}),
            # a scrolling box beside the map: a Tab stop with a name, so the keyboard can scroll it
            html.Aside([html.Div(id=ids.MAP_LEGEND), html.Div(id=ids.MAP_NOTES, className="map-notes")],
                       className="map-side", tabIndex="0", **{"aria-label": _("Map key and notes")}),
        ], className="map-row"),
        html.Details([html.Summary(_("Show as table"), className="chart-table-toggle"),
                      html.Div(id=AREA_TABLE, className="chart-table map-area-table")],
                     className="chart-details map-table-details"),
    ])


def caption(f: Filters, layer: str, layer_label: str, measure: str) -> str:
    shaded = (_("{layer} shaded by victims, {span}.") if measure == "count"
              else _("{layer} shaded by victims per 1,000 residents, {span}."))
    how = _("Click or tap an area for its numbers and the change from the same span a year earlier; its "
            "“Filter by this area” button makes it the filter for every page. The table under the map "
            "lists every area with the same numbers.")
    return " ".join([shaded.format(layer=layer_name(layer, layer_label), span=span_text(f)), how,
                     _(SETS_FILTER[layer])])
