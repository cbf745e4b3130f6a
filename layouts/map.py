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
from decimal import ROUND_HALF_EVEN, Decimal
from html import escape

import dash_bootstrap_components as dbc
import dash_leaflet as dl
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.i18n import N_, _, ngettext
from data_access.filters import GEO_FIELDS, LAYER_FIELD, Filters
from data_access.map_queries import MAP_LAYERS
from data_access.vocabulary import CVI_PROGRAM_TYPES, WEAPON_TYPES, offense_label
from layouts.common import csv_link, data_table, fmt_dec, fmt_int, fmt_pct, pct_change, span_text
from layouts.static import static

# Component ids of this page that app/ids.py does not hold (the callbacks import them from here).
AREA_TABLE = "map-area-table"  # the table of areas (the map's "Show as table")
AREA_DETAILS = "map-area-details"  # the numbers of the area last clicked or tapped
AREA_PICKED = "map-area-picked"  # dcc.Store: {"layer", "code"} of that area, or None
AREA_BUTTON = "map-area-filter"  # pattern-matching type: {"type", "code", "where": "table" | "panel"}
AREA_CLOSE = "map-area-close"  # pattern-matching type: the details' close button
MEMBERS = "map-csa-members"  # dcc.Store: CSA code -> its neighborhoods (with the CSA outlines; a CSA's button sets them)

# Sequential reds (ColorBrewer "Reds", 5 classes): readable in print and for common colour-vision
# deficiencies, because the classes differ in lightness.
PALETTE = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
ZERO_COLOR = "#f4f5f7"
FLAG_COLOR = "#c9ced6"
NO_DATA = "none"  # outside the geography filters: drawn hatched (psad_map.js), never as the 0 class
OUTSIDE_COLOR = "#8a929c"  # the hatching's lines
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

def rate_digits(values) -> int:
    """Decimals for every rate of one map (legend, tooltips, table): one when the highest rate is
    10 or more, two below. One precision per map, so a rate in a tooltip reads like the legend's."""
    top = max((v for v in values if v is not None and not math.isnan(v) and v > 0), default=0.0)
    return 1 if top >= 10 else 2


def _on_grid(x: float, digits: int) -> float:
    """``x`` rounded up to the grid of ``digits`` decimals (0: whole numbers)."""
    scale = 10**digits
    return round(math.ceil(round(x * scale, 6)) / scale, digits)


def _nice(x: float, integer: bool, digits: int = 2) -> float:
    """``x`` rounded up to two significant figures, then to the grid the legend prints."""
    if integer:
        return float(math.ceil(x))
    if x <= 0:
        return 0.0
    sig = 1 - int(math.floor(math.log10(x)))  # two significant figures
    return _on_grid(math.ceil(round(x * 10**sig, 6)) / 10**sig, digits)


def shown_value(value: float, integer: bool, digits: int | None = None) -> float:
    """The value as the map prints it, which is the value it is classed by: a reader who sees
    "3.4" in a tooltip finds 3.4 inside one legend class, never on the edge of two."""
    if integer:
        return float(round(value))
    digits = rate_digits([value]) if digits is None else digits
    # as Babel rounds what it prints: the decimal written, half to even (0.165 -> 0.16)
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))


def legend_bins(values, k: int = len(PALETTE), *, integer: bool = True, digits: int | None = None) -> list[float]:
    """Upper bounds (inclusive) of up to ``k`` classes of the positive values: quantiles rounded up
    to nice numbers on the printed grid (whole numbers for counts, ``digits`` decimals for rates),
    strictly increasing, the last one at least the maximum. Zero is a class of its own."""
    vals = [v for v in values if v is not None and not math.isnan(v) and v > 0]
    if not vals:
        return []
    if not integer and digits is None:
        digits = rate_digits(vals)
    vals = sorted(shown_value(v, integer, digits) for v in vals)
    s = pd.Series(vals, dtype="float64")
    bounds: list[float] = []
    for q in [(i + 1) / k for i in range(k)]:
        b = _nice(float(s.quantile(q, interpolation="higher")), integer, digits or 0)
        if not integer and b <= 0:
            b = 10.0 ** -digits  # a positive rate printed as 0.0: the first class still holds it
        if not bounds or b > bounds[-1]:
            bounds.append(b)
    top = _nice(vals[-1], integer, digits or 0)
    if bounds[-1] < top:
        bounds[-1] = top
    return bounds


def class_of(value: float, bounds: list[float], digits: int | None = None) -> int:
    """Index of the class ``value`` falls in (-1 for zero). ``digits``: a rate, classed as printed
    with that many decimals (``shown_value``); None: a count."""
    if value <= 0 or not bounds:
        return -1
    shown = shown_value(value, digits is None, digits)
    for i, b in enumerate(bounds):
        if shown <= b + 1e-9:
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


def fmt_value(v: float, integer: bool, digits: int | None = None) -> str:
    """A count, or a rate with ``digits`` decimals (by default two under 10 and one above: 12.5 /
    12,5 in Spanish). A positive rate too small to print ("0.0") is "<0.1"."""
    if integer:
        return fmt_int(v)
    digits = (2 if v < 10 else 1) if digits is None else digits
    if v > 0 and shown_value(v, False, digits) == 0:
        return "<" + fmt_dec(10.0 ** -digits, digits)
    return fmt_dec(v, digits)


def class_labels(bounds: list[float], *, integer: bool, digits: int | None = None) -> list[str]:
    """The legend's words for each class, lowest first; the classes never overlap and each starts
    one printed step above the one before: counts "1–33", "34–45", "46" (one value); rates "up to
    3.3", "3.4–4.5" (the first rate class holds every rate above 0, however small)."""
    if not integer and digits is None:
        digits = rate_digits(bounds)
    step = 1 if integer else 10.0 ** -digits
    labels, low = [], None
    for b in bounds:
        top = fmt_value(b, integer, digits)
        if low is None and not integer:
            labels.append(_("up to {value}").format(value=top))
        else:
            lo = 1.0 if low is None else round(low + step, 6)
            labels.append(top if lo >= b else f"{fmt_value(lo, integer, digits)}–{top}")
        low = b
    return labels


def legend_items(bounds: list[float], *, integer: bool, flagged: bool, min_population: int,
                 outside: bool = False, digits: int | None = None, zero: bool = True) -> list[dict]:
    """(label, colour, kind) rows for the legend, lowest first: zero (when an area is drawn so),
    the classes, then the areas not shaded (too few residents for a rate; outside the filters)."""
    colors = palette_for(bounds)
    items = [{"label": "0", "color": ZERO_COLOR, "kind": "zero"}] if zero or not bounds else []
    for label, c in zip(class_labels(bounds, integer=integer, digits=digits), colors):
        items.append({"label": label, "color": c, "kind": "class"})
    if flagged:
        items.append({"label": _("Fewer than {n} residents: rate not shown").format(n=fmt_int(min_population)),
                      "color": FLAG_COLOR, "kind": "flag"})
    if outside:
        items.append({"label": _("Not in the chosen filters"), "color": OUTSIDE_COLOR, "kind": "outside"})
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


def areas_in_filter(f: Filters, layer: str, codes, links: dict, neighborhoods, csa_members: dict | None = None,
                    counted=()) -> frozenset[str] | None:
    """The areas of ``layer`` inside the geography filters of ``f`` (None: no geography filter).

    Filters combine with "and": a neighborhood is inside when it is chosen (if neighborhoods are)
    and lies in a chosen district of every other geography filter (``links``: neighborhood ->
    {filter field: codes}, the filter bar's). An area of another layer is inside when an inside
    neighborhood lies in it (a CSA: is one of its neighborhoods), and, for the filter's own layer,
    when it is chosen. An area with victims under the filters (``counted``) is inside whatever
    the links say: boundaries do not nest exactly, and the records are placed by their points."""
    chosen = {k: set(getattr(f, k)) for k in GEO_FIELDS if getattr(f, k)}
    if not chosen:
        return None
    inside_nb = {nb for nb in neighborhoods
                 if all((nb in want) if k == "neighborhood" else bool(set(links.get(nb, {}).get(k, ())) & want)
                        for k, want in chosen.items())}
    field = LAYER_FIELD.get(layer)
    if layer == "neighborhood":
        inside = inside_nb
    elif layer == "csa":
        inside = {c for c, members in (csa_members or {}).items() if inside_nb & set(members)}
    else:
        inside = {c for nb in inside_nb for c in links.get(nb, {}).get(field, ())}
        if field in chosen:
            inside &= chosen[field]
    return frozenset((inside & set(codes)) | set(counted))


def choropleth(shapes: dict, counts: pd.DataFrame, *, measure: str, min_population: int, min_compare: int,
               selected: tuple[str, ...] = (), geo_filtered: bool = False,
               inside: frozenset[str] | set[str] | None = None, layer: str | None = None) -> dict:
    """The hideout for the area layer and its legend.

    Returns {"hideout": {"fill": {code: colour}, "flag": [codes], "out": [codes], "info": {code:
    [name, line, ...]}, "sel": [codes], "layer": layer}, "legend": [...], "values": {code: {...}},
    "bounds": [...], "digits": n}. ``values`` holds the numbers behind every colour, tooltip and
    table row (tests and ``/api/v1/map/areas`` read them; each has ``outside``).

    An area outside the geography filters is not a zero: its fill is ``NO_DATA`` (drawn hatched,
    "Not in the chosen filters" in the legend). ``inside`` (``areas_in_filter``) says which areas
    are inside; without it, with a geography filter, an area without victims in either span
    counts as outside.
    """
    cur = dict(zip(counts.code, counts.current)) if len(counts) else {}
    pri = dict(zip(counts.code, counts.prior)) if len(counts) else {}
    integer = measure == "count"
    values: dict[str, dict] = {}
    for code, name in shapes["names"].items():
        v = area_value(name, int(cur.get(code, 0)), int(pri.get(code, 0)), shapes["population"].get(code),
                       min_population)
        if inside is not None:
            v["outside"] = code not in inside and v["current"] == 0 and v["prior"] == 0
        else:
            v["outside"] = geo_filtered and v["current"] == 0 and v["prior"] == 0
        values[code] = v
    shaded = {code: (v["current"] if integer else v["rate"]) for code, v in values.items()
              if not v["outside"] and (integer or not v["small"])}
    digits = None if integer else rate_digits(shaded.values())
    bounds = legend_bins(shaded.values(), integer=integer, digits=digits)
    colors = palette_for(bounds)
    fill, info, flag, out = {}, {}, [], []
    for code, v in values.items():
        v["digits"] = digits
        if v["outside"]:
            fill[code] = NO_DATA
            out.append(code)
        elif code in shaded:
            i = class_of(shaded[code], bounds, digits)
            fill[code] = ZERO_COLOR if i < 0 else colors[i]
        else:
            fill[code] = FLAG_COLOR
            flag.append(code)
        info[code] = area_lines(v, min_compare=min_compare)
    return {
        "hideout": {"fill": fill, "flag": sorted(flag), "out": sorted(out), "info": info, "sel": sorted(selected),
                    "layer": layer},
        "legend": legend_items(bounds, integer=integer, flagged=bool(flag), min_population=min_population,
                               outside=bool(out), digits=digits, zero=ZERO_COLOR in fill.values()),
        "values": values,
        "bounds": bounds,
        "digits": digits,
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
        rate=fmt_value(v["rate"], False, v.get("digits")), population=fmt_int(v["population"]))


def area_lines(v: dict, *, min_compare: int) -> list[str]:
    """An area's name and its numbers, one line each (tooltip and the numbers of a clicked area;
    ``psad_map.js`` escapes them)."""
    if v.get("outside"):
        return [v["name"], _("Not in the chosen filters")]
    return [v["name"], victims_text(v["current"]), rate_text(v), change_text(v["current"], v["prior"], min_compare)]


def tooltip_html(v: dict, *, min_population: int, min_compare: int, outside: bool = False) -> str:
    """The lines of ``area_lines`` as HTML (the name in bold), escaped."""
    lines = area_lines({**v, "outside": outside or v.get("outside", False)}, min_compare=min_compare)
    return "<br>".join([f"<strong>{escape(lines[0])}</strong>", *(escape(t) for t in lines[1:])])


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
                                                   "weapon"]].itertuples(index=False, name=None):
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
        for lon, lat, n in df[["lon", "lat", "n"]].itertuples(index=False, name=None)]}


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


# --- components ---------------------------------------------------------------------------------

def legend_marks(view: dict, *, points_shown: bool = False, density_shown: bool = False,
                 programs: tuple[str, ...] = ()) -> list[dict]:
    """The legend's rows for what is drawn over the areas: incident points (and their groups), the
    density grid's circles, the CVI sites' icons (one per program type shown)."""
    marks = []
    if points_shown:
        marks.append({"kind": "point", "label": _("One incident (block level)")})
        marks.append({"kind": "cluster", "label": _("A group of incidents: the number says how many")})
    if density_shown:
        marks.append({"kind": "density", "label": _("Incidents in a square of about 400 m: the bigger, the more")})
    if view.get("cvi"):
        for code in programs or CVI_PROGRAM_TYPES.codes:
            marks.append({"kind": "site", "type": code, "label": _(program_label(code))})
    return marks


def legend_component(items: list[dict], measure: str, marks: list[dict] = (), *, selected: bool = True) -> Component:
    """The map's key: every colour, hatching and mark drawn, in words (one ``Static``: plain HTML
    the map's callback redraws whole)."""
    title = _("Victims") if measure == "count" else _("Victims per 1,000 residents")
    rows = [html.Li([html.Span(className=f"swatch swatch-{it['kind']}", style={"background": it["color"]}
                               if it["kind"] not in ("outside",) else None),
                     html.Span(it["label"])]) for it in items]
    if selected:
        rows.append(html.Li([html.Span(className="swatch swatch-sel"), html.Span(_("Area in the filter"))]))
    parts = [html.Div(title, className="legend-title"), html.Ul(rows, className="legend-list")]
    if marks:
        mark_rows = [html.Li([html.Span(className=(f"cvi-dot cvi-dot-{m['type']}" if m["kind"] == "site"
                                                   else f"mark mark-{m['kind']}")),
                              html.Span(m["label"])]) for m in marks]
        parts += [html.Div(_("On the map"), className="legend-title"), html.Ul(mark_rows, className="legend-list")]
    return static(html.Div(parts, className="map-legend-box"))


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
    return fmt_value(v["rate"], False, v.get("digits"))


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
        if v.get("outside"):  # not a zero: the filters leave it out
            row = [v["name"], area_button(code, v["name"], code in selected, "table"), _("not in the filters")] + \
                  (["—"] if rate else []) + ["—"]
        else:
            row = [v["name"], area_button(code, v["name"], code in selected, "table"), fmt_int(v["current"])] + \
                  ([rate_cell(v)] if rate else []) + [change_cell(v["current"], v["prior"], min_compare)]
        rows.append(row)
    what = (_("{layer}: victims per 1,000 residents, {span}") if rate else _("{layer}: victims, {span}"))
    numeric = (2, 3) if rate else (2,)
    return data_table(columns, rows, what.format(layer=layer_label, span=span), numeric=numeric,
                      press=ids.pressed_id("map"))


def details_words() -> dict:
    """The words of the numbers of a clicked or tapped area, drawn in the browser from the map's
    ``hideout`` (``psad_map.js`` ``details``): data attributes of the element that holds them."""
    return {"data-filter": _("Filter by this area"), "data-remove": _("Remove this area from the filter"),
            "data-close": _("Close"), "data-numbers": _("Numbers for {area}")}


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
                      hideout={"fill": {}, "flag": [], "out": [], "info": {}, "sel": []}, interactive=interactive,
                      zoomToBoundsOnClick=False)


def sites_layer(layer_id: str) -> dl.GeoJSON:
    # the popup's words, in the reader's language ({n}: a number, filled in the browser)
    words = {"near1": ngettext("{n} shooting victim nearby (context, not effect)",
                               "{n} shooting victims nearby (context, not effect)", 1),
             "near": ngettext("{n} shooting victim nearby (context, not effect)",
                              "{n} shooting victims nearby (context, not effect)", 2)}
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
                   # with clustering on, dash-leaflet would restyle each single point grey (#222): the
                   # key's white-ringed blue dot instead
                   style={"weight": 1, "color": "#fff", "opacity": 1, "fillColor": "#1f4e79", "fillOpacity": 0.9},
                   hideout={"words": {"weapon": _("Weapon")}}),
        sites_layer(ids.MAP_CVI),
    ], tile_url=tile_url, attribution=tile_attribution, height="100%")
    return html.Div([
        dcc.Store(id=ids.MAP_SHAPES_KEY),
        dcc.Store(id=ids.MAP_VIEW_KEY),
        dcc.Store(id=AREA_PICKED),
        dcc.Store(id=MEMBERS),
        html.Div(notices, id=ids.MAP_NOTICES),
        html.Div(id=ids.MAP_ERROR),
        controls,
        html.P(id=ids.MAP_CAPTION, className="caption"),
        html.Div([
            html.Div([
                the_map,
                # the numbers of the area clicked or tapped, over the map's corner; read out when shown
                html.Div(id=AREA_DETAILS, className="area-details", **{"aria-live": "polite"}, **details_words()),
            ], className="map-frame", role="region", **map_words(),
                **{"aria-label": _("Map of the areas; the table under the map has the same numbers")}),
            # a scrolling box beside the map: a Tab stop with a name, so the keyboard can scroll it
            html.Aside([html.Div(id=ids.MAP_LEGEND), html.Div(id=ids.MAP_NOTES, className="map-notes"),
                        html.P([_("Areas") + ": ", csv_link("/map/areas", _("the areas and their numbers"),
                                                            ("layer",))], className="note map-csv")],
                       className="map-side", tabIndex="0", **{"aria-label": _("Map key and notes")}),
        ], className="map-row"),
        html.Details([html.Summary(_("Show as table"), className="chart-table-toggle"),
                      html.Div(id=AREA_TABLE, className="chart-table map-area-table")],
                     className="chart-details map-table-details"),
    ])


def small_numbers_note(values: dict[str, dict], measure: str, min_compare: int) -> str | None:
    """What the caption says when the areas' numbers are small: most areas inside the filters with
    fewer than ``min_compare`` victims, where a difference of a few victims (between two areas, or
    from a year earlier) is mostly chance."""
    inside = [v["current"] for v in values.values() if not v.get("outside")]
    if not inside:
        return None
    if sum(inside) == 0:
        return _("No victims in these areas under the chosen filters.")
    few = sum(1 for n in inside if n < min_compare)
    if few * 2 <= len(inside):
        return None
    text = ngettext("Most areas had fewer than {n} victim in this span: a difference of a few victims between "
                    "two areas, or from a year earlier, is mostly chance.",
                    "Most areas had fewer than {n} victims in this span: a difference of a few victims between "
                    "two areas, or from a year earlier, is mostly chance.", min_compare).format(n=fmt_int(min_compare))
    if measure == "rate":
        text += " " + _("Rates built on a few victims swing widely.")
    return text


def caption(f: Filters, layer: str, layer_label: str, measure: str, values: dict[str, dict] | None = None,
            min_compare: int = 10) -> str:
    shaded = (_("{layer} shaded by victims, {span}.") if measure == "count"
              else _("{layer} shaded by victims per 1,000 residents, {span}."))
    how = _("Click or tap an area for its numbers and the change from the same span a year earlier; its "
            "“Filter by this area” button makes it the filter for every page. The table under the map "
            "lists every area with the same numbers.")
    parts = [shaded.format(layer=layer_name(layer, layer_label), span=span_text(f))]
    small = small_numbers_note(values, measure, min_compare) if values else None
    if small:
        parts.append(small)
    if values and any(v.get("outside") for v in values.values()):
        parts.append(_("Hatched areas are outside the chosen filters: they are not zeros."))
    return " ".join(parts + [how, _(SETS_FILTER[layer])])
