"""The town-hall deck: the same numbers as the dashboard, one slide per screen, legible from the
back of a room.

Pure builders over what ``callbacks.present`` fetched (``DeckData``): every slide is designed on a
fixed 1280 x 720 canvas, which the browser scales to the screen (``assets/psad_deck.js``), so the
sizes below are the sizes on a 1280 x 720 projector and grow with a 1920 x 1080 one. Body text is
28 px and more, chart labels 20 px and more. Colours are chosen for both themes: text is set by the
theme's stylesheet (``assets/deck.css``, at least 7:1), marks are mid-tones with at least 3:1
against both the light and the dark background. Nothing is only on hover: charts are static and
carry their numbers as labels, and the map comes with its numbers in words.
"""

from __future__ import annotations

import base64
import functools
import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from dash import dcc, html

from app import ids
from data_access.demographics import Demographics
from data_access.filters import Filters
from data_access.vocabulary import CHARGE_CATEGORIES, CVI_PROGRAM_TYPES, DISPOSITIONS, offense_label
from layouts.common import FONT, fmt_int, fmt_pct, fmt_signed, geo_phrases
from layouts.summary import Card, complete_periods

PALETTE = {  # >= 3:1 against #ffffff and #121212 both
    "primary": "#3b7dd8", "good": "#3a8a3f", "bad": "#d1495b", "target": "#b86e00", "muted": "#808080",
}
MAP_CLASSES = ("#dbe7f6", "#a9c6ea", "#6f9fd8", "#3b6fb6", "#1d4580")  # light to dark, five classes
STATIC = {"staticPlot": True, "displayModeBar": False, "responsive": False}
MIN_RECORDS = 10  # fewer victims than this in an area: the charts say so instead of drawing noise


# --- what the deck is built from ---------------------------------------------------------------

@dataclass(frozen=True)
class AreaData:
    """One side of the deck: an area (or the city) under the deck's dates and offenses."""

    label: str  # "Council District 7", "Baltimore City"
    filters: Filters
    cards: list[Card]
    victims: int  # victims in the span (all offenses the filters allow)
    gun_goal: pd.DataFrame  # layouts.summary.goal_rows
    trend: pd.DataFrame  # data_access.summary.trend
    grain: str
    demographics: Demographics
    arrests: int
    arrest_categories: pd.DataFrame  # category, n
    outcomes: dict  # layouts.cases.outcome_summary
    dispositions: pd.DataFrame  # layouts.cases.mix_rows (group, disposition, n, share)
    sites: pd.DataFrame  # CVI sites in the area (map_queries.CVI_COLUMNS)
    near: dict = field(default_factory=dict)  # site id -> victims of gun violence nearby


@dataclass(frozen=True)
class MapData:
    layer_noun: str  # "neighborhoods"
    shapes: dict  # map_queries.area_shapes of the shaded layer (needed only to draw: may be {} with src)
    counts: dict  # code -> victims in the span, citywide
    outlines: list[tuple[str, list[dict]]]  # (area label, geometries) per side, to draw on top
    ranks: list[str]  # sentences: where each area stands among the others
    src: str = ""  # the drawn map (``map_data_uri``) when the caller has it already (cached); else drawn here


@dataclass(frozen=True)
class DeckData:
    areas: list[AreaData]  # one, or two for a comparison deck
    map: MapData
    data_as_of: date | None
    is_demo: bool
    settings_reduction: float
    baseline_year: int
    radius_m: int
    phone_url: str  # the dashboard view of the same filters, absolute, for the QR code
    exit_href: str  # where Escape goes (same filters)
    notices: tuple[str, ...] = ()


# --- words ----------------------------------------------------------------------------------------

def area_label(f: Filters, names: dict[str, dict[str, str]]) -> str:
    """The area the filters choose, in words: "Council District 7", "Oak Hill and Roland Park",
    "Baltimore City" when no area is chosen. ``names``: field -> code -> name."""
    return " in ".join(geo_phrases(f, names, conj="and")) or "Baltimore City"


def period_words(f: Filters) -> str:
    """"1 January – 30 November 2026" (the year once when both ends share it)."""
    if f.start.year == f.end.year:
        if f.start == date(f.start.year, 1, 1) and f.end == date(f.end.year, 12, 31):
            return f"the whole of {f.start.year}"
        return f"{f.start.day} {f.start:%B} – {f.end.day} {f.end:%B} {f.end.year}"
    return f"{f.start.day} {f.start:%B} {f.start.year} – {f.end.day} {f.end:%B} {f.end.year}"


def offense_words(f: Filters) -> str:
    return ", ".join(offense_label(o) for o in f.offense) if f.offense else "All Part 1 crime"


def offense_phrase(f: Filters) -> str:
    """Inside a sentence: "all Part 1 crime", "homicide, shooting"."""
    return ", ".join(offense_label(o) for o in f.offense) if f.offense else "all Part 1 crime"


def as_of_words(d: date | None) -> str:
    return f"Data as of {d.day} {d:%B %Y}" if d else "No data loaded"


# --- the pieces of a slide -------------------------------------------------------------------------

def _sides(deck: DeckData, build, *, heading=None) -> html.Div:
    """One column per area, each headed by the area's name in a comparison deck (followed by
    ``heading(area)`` when given)."""
    two = len(deck.areas) > 1
    cols = []
    for a in deck.areas:
        body = build(a, two)
        title = a.label + (f" · {heading(a)}" if heading else "")
        cols.append(html.Div(([html.H3(title, className="side-title")] if two else []) + _list(body),
                             className="side"))
    return html.Div(cols, className="sides two" if two else "sides")


def _list(x) -> list:
    return x if isinstance(x, list) else [x]


def too_few(a: AreaData) -> bool:
    return a.victims < MIN_RECORDS


def plain(message: str) -> html.P:
    """What a slide says instead of a chart it cannot honestly draw."""
    return html.P(message, className="slide-plain")


def bar_rows(rows: list[tuple[str, float | None, str]], *, label: str) -> html.Div:
    """A bar chart in HTML: (category, value or None when withheld, the number as printed). A
    withheld row has its label and no bar. ``label`` names the chart for screen readers."""
    top = max([v for _, v, _ in rows if v is not None] or [1]) or 1
    items = []
    for cat, value, text in rows:
        width = f"{100 * value / top:.1f}%" if value else "0"
        items.append(html.Div([
            html.Span(cat, className="bar-cat"),
            html.Span(html.Span(className="bar-fill", style={"width": width}), className="bar-track"),
            html.Span(text, className="bar-num"),
        ], className="bar-row", role="listitem"))
    return html.Div(items, className="bar-rows", role="list", **{"aria-label": label})


def chart(fig: dict, label: str, *, width: int, height: int) -> html.Figure:
    """A static Plotly chart (no hover, no mode bar) with its text alternative."""
    return html.Figure([
        dcc.Graph(figure=fig, config=STATIC, style={"width": f"{width}px", "height": f"{height}px"},
                  className="deck-graph"),
        html.Figcaption(label, className="visually-hidden"),
    ], className="deck-chart", role="img", **{"aria-label": label})


def _fig_layout(width: int, height: int, **extra) -> dict:
    base = {
        "width": width, "height": height, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "size": 20, "color": "#111111"},
        "margin": {"l": 70, "r": 20, "t": 16, "b": 56}, "showlegend": False,
        "xaxis": {"gridcolor": "rgba(128,128,128,0.35)", "zerolinecolor": "rgba(128,128,128,0.5)",
                  "tickfont": {"size": 20}, "automargin": True},
        "yaxis": {"gridcolor": "rgba(128,128,128,0.35)", "zerolinecolor": "rgba(128,128,128,0.5)",
                  "tickfont": {"size": 20}, "automargin": True, "rangemode": "tozero"},
    }
    for k, v in extra.items():
        base[k] = {**base[k], **v} if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return base


# --- slides ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    body: list
    definitions: str


def title_slide(deck: DeckData) -> Slide:
    a = deck.areas[0]
    names = " compared with ".join(x.label for x in deck.areas)
    body = [
        html.P("Public safety in", className="title-kicker"),
        html.H2(names, className="title-area"),
        html.P([html.Span(period_words(a.filters), className="title-period"), " · ", offense_words(a.filters)],
               className="title-when"),
        html.P(as_of_words(deck.data_as_of), className="title-asof"),
    ]
    if deck.notices:
        body.append(html.Ul([html.Li(n) for n in deck.notices], className="deck-notices"))
    return Slide("title", "", body, "Counts are victims of Part 1 crime reported to the Baltimore Police "
                 "Department, by the date the crime happened. Source: Open Baltimore.")


COMPARED_CARDS = ("homicide", "shooting", "violent", "all")  # four rows fit beside a second area


def card_change(c: Card, min_compare: int) -> tuple[str, str]:
    """(the change in words, its tone: "down", "up", "flat" or "") of a headline card."""
    if c.current is None or c.change is None:
        return c.note, ""
    if c.change == 0:
        return ("none, as a year earlier" if not c.prior else "■ the same as a year earlier"), "flat"
    arrow = "▼" if c.change < 0 else "▲"
    pct = f", {fmt_pct(c.pct)}" if c.pct is not None else ""
    change = f"{arrow} {fmt_signed(c.change)}{pct} from {fmt_int(c.prior)}"
    if c.note and c.pct is None and c.prior is not None and c.prior >= min_compare:
        change += f" · {c.note}"  # the earlier span only partly covered
    return change, ("down" if c.change < 0 else "up" if c.change > 0 else "flat")


def headline_slide(deck: DeckData, min_compare: int) -> Slide:
    """One row per measure, one column per area: the count, and its change in words beside (one
    area) or under it (two)."""
    two = len(deck.areas) > 1
    keys = [c.key for c in deck.areas[0].cards if not two or c.key in COMPARED_CARDS]
    by_key = [{c.key: c for c in a.cards} for a in deck.areas]

    def cell(c: Card):
        value = "—" if c.current is None else fmt_int(c.current)
        change, tone = card_change(c, min_compare)
        return [html.Td(value, className="big-value"), html.Td(change, className=f"big-change {tone}".strip())] \
            if not two else [html.Td([html.Div(value, className="big-value"),
                                      html.Div(change, className=f"big-change {tone}".strip())])]

    head = [html.Th(html.Span("Measure", className="visually-hidden"), scope="col")]
    if two:
        head += [html.Th(a.label, scope="col", className="side-title") for a in deck.areas]
    else:
        head += [html.Th("Victims", scope="col", className="visually-hidden"),
                 html.Th("Against a year earlier", scope="col", className="visually-hidden")]
    rows = [html.Tr([html.Th(by_key[0][k].title, scope="row", className="big-title"),
                     *[td for cards in by_key for td in cell(cards[k])]], **{"data-key": k}) for k in keys]
    f = deck.areas[0].filters
    prior = f.prior()
    what = "" if not f.offense else f"Victims of {offense_phrase(f)}, "
    words = f"{what}{period_words(f)}, against the same days a year earlier."
    lead = html.P(words[0].upper() + words[1:], className="slide-lead")
    return Slide("headline", "The headline numbers",
                 [lead, html.Table([html.Thead(html.Tr(head)), html.Tbody(rows)],
                                   className="big-table two" if two else "big-table")],
                 f"Victims of Part 1 crime, {period_words(f)}; change against {period_words(prior)}. "
                 f"No percentage when the earlier count is under {min_compare}. Violent crime: homicide, "
                 "shooting, rape, robbery, aggravated assault.")


def goal_figure(rows: pd.DataFrame, *, width: int, height: int, reduction: float) -> dict:
    labels = [f"{y}<br>to date" if p else str(y) for y, p in zip(rows.year, rows.partial)]
    actual = [int(x) for x in rows.actual]
    met = [a <= t for a, t in zip(rows.actual, rows.target)]
    target = [float(t) for t in rows.target]
    lift = 0.03 * max(actual + target + [1])  # clear of the path's marker
    data = [
        {"type": "bar", "x": labels, "y": actual,
         "marker": {"color": [PALETTE["good"] if m else PALETTE["bad"] for m in met]}},
        {"type": "scatter", "x": labels, "y": target, "mode": "lines+markers",
         "line": {"color": PALETTE["target"], "dash": "dash", "width": 4}, "marker": {"size": 12}},
        # each bar's number above both the bar and the path's marker, so neither covers it
        {"type": "scatter", "x": labels, "y": [max(a, t) + lift for a, t in zip(actual, target)], "mode": "text",
         "text": [f"{n:,}" for n in actual], "textposition": "top center", "cliponaxis": False,
         "textfont": {"size": 22}},
    ]
    return {"data": data, "layout": _fig_layout(width, height, xaxis={"type": "category"},
                                                   margin={"t": 40})}


def goal_slide(deck: DeckData) -> Slide:
    two = len(deck.areas) > 1
    w = 560 if two else 760
    h = 270 if two else 430

    def build(a: AreaData, two: bool):
        rows = a.gun_goal
        if rows.empty:
            return plain(f"No gun violence was recorded here in {deck.baseline_year}, the goal's baseline "
                         "year, so there is no path to measure against.")
        last = rows.iloc[-1]
        word = "below" if last.actual <= last.target else "above"
        span = f"{int(last.year)} to date" if last.partial else str(int(last.year))
        pct = abs(last.vs_target_pct) if last.vs_target_pct is not None else 0
        status = (f"{span}: {int(last.actual):,} victims of gun violence; the path of "
                  f"{deck.settings_reduction:.0%} fewer a year allows "
                  f"{last.target:,.0f}. {pct:.0f}% {word} the path.")
        fig = goal_figure(rows, width=w, height=h, reduction=deck.settings_reduction)
        key = html.Ul([html.Li([html.Span(className="key-swatch good"), "at or below the path"]),
                       html.Li([html.Span(className="key-swatch bad"), "above the path"]),
                       html.Li([html.Span(className="key-swatch target"), "the path"])], className="chart-key")
        parts = [chart(fig, "Victims of gun violence per year against the goal's path. " + status,
                       width=w, height=h)]
        side = [html.P(status, className="slide-lead"), key]
        if two:
            return side[:1] + parts
        return html.Div([html.Div(parts), html.Div(side, className="goal-side")], className="goal-row")

    return Slide("goal", "Gun violence against the Plan's goal",
                 [_sides(deck, build)],
                 f"Gun violence: homicides by firearm and non-fatal shootings, all dates of each year. The path: the "
                 f"{deck.baseline_year} count, {deck.settings_reduction:.0%} fewer each year (Comprehensive Violence "
                 "Prevention Plan); this year's target is prorated to date. Date and offense filters do not apply.")


def trend_figure(df: pd.DataFrame, grain: str, *, width: int, height: int, ticks: int = 7) -> dict:
    """Victims per period: whole periods as filled dots on a solid line; a period the dates cut
    short (the first or last) as a hollow dot on a dotted line, so it never reads as a fall."""
    x = [d.isoformat() for d in df.period_start]
    y = [int(n) for n in df.n]
    complete = complete_periods(df, grain)
    whole = [n if c else None for n, c in zip(y, complete)]
    # the dotted line joins each cut-short period to its whole neighbour
    joins = [n if (not c or (i > 0 and not complete[i - 1]) or (i + 1 < len(y) and not complete[i + 1])) else None
             for i, (n, c) in enumerate(zip(y, complete))]
    data = [
        {"type": "scatter", "x": x, "y": joins, "mode": "lines", "connectgaps": False,
         "line": {"color": PALETTE["primary"], "width": 3, "dash": "dot"}},
        {"type": "scatter", "x": x, "y": whole, "mode": "lines+markers", "connectgaps": False,
         "line": {"color": PALETTE["primary"], "width": 4}, "marker": {"size": 10}},
        {"type": "scatter", "x": [v for v, c in zip(x, complete) if not c],
         "y": [n for n, c in zip(y, complete) if not c], "mode": "markers",
         "marker": {"size": 14, "color": "rgba(0,0,0,0)", "line": {"color": PALETTE["primary"], "width": 3}}},
    ]
    return {"data": data, "layout": _fig_layout(width, height, xaxis={"type": "date", "nticks": ticks},
                                                   yaxis={"title": {"text": f"Victims per {grain}",
                                                                    "font": {"size": 20}}})}


def trend_slide(deck: DeckData) -> Slide:
    def build(a: AreaData, two: bool):
        if too_few(a):
            return plain(f"Too few victims to draw a trend: {a.victims:,} in this period.")
        df = a.trend
        complete = complete_periods(df, a.grain)
        whole = [(int(n), s) for n, s, c in zip(df.n, df.period_start, complete) if c] or \
            [(int(n), s) for n, s in zip(df.n, df.period_start)]
        (hi_n, hi_s), (lo_n, lo_s) = max(whole, key=lambda r: r[0]), min(whole, key=lambda r: r[0])
        fmt = "%b %Y" if a.grain == "month" else "week of %-d %b"
        lead = f"Most: {hi_s:{fmt}}, {hi_n:,}. Fewest: {lo_s:{fmt}}, {lo_n:,}."
        w = 560 if two else 1160
        h = 400
        fig = trend_figure(df, a.grain, width=w, height=h, ticks=4 if two else 7)
        return [html.P(lead, className="slide-lead"),
                chart(fig, f"Victims per {a.grain}, {period_words(a.filters)}. {lead}", width=w, height=h)]

    grain = deck.areas[0].grain
    return Slide("trend", f"The trend, {grain} by {grain}", [_sides(deck, build)],
                 f"Victims of {offense_phrase(deck.areas[0].filters)} per {grain}. A {grain} the dates cut short "
                 "(first or last) is a hollow dot on a dotted line, and is left out of most and fewest.")


# --- the map (an SVG drawn here: no tiles, no network, prints as it shows) ---------------------------

def _rings(geom: dict) -> list[list]:
    if geom["type"] == "Polygon":
        return list(geom["coordinates"])
    if geom["type"] == "MultiPolygon":
        return [ring for poly in geom["coordinates"] for ring in poly]
    return []


def map_svg(m: MapData, *, width: int = 640, height: int = 470) -> str:
    """The shaded layer, with each side's area outlined (a dark line on a white halo: visible on
    both themes), as an SVG document."""
    feats = m.shapes["geojson"]["features"]
    pts = [p for ft in feats for ring in _rings(ft["geometry"]) for p in ring]
    if not pts:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>'
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    west, north = min(lons), max(lats)  # once: per point, they made drawing the 278 neighborhoods ~150 ms
    kx = math.cos(math.radians((min(lats) + north) / 2))
    span_x, span_y = (max(lons) - west) * kx, north - min(lats)
    pad = 12
    s = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    ox = (width - span_x * s) / 2
    oy = (height - span_y * s) / 2

    def path(geom: dict) -> str:
        out = []
        for ring in _rings(geom):
            xy = [f"{ox + (lon - west) * kx * s:.1f},{oy + (north - lat) * s:.1f}" for lon, lat in ring]
            out.append("M" + "L".join(xy) + "Z")
        return "".join(out)

    breaks = class_breaks(list(m.counts.values()))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}">']
    for ft in feats:
        n = m.counts.get(ft["id"], 0)
        parts.append(f'<path d="{path(ft["geometry"])}" fill="{MAP_CLASSES[class_of(n, breaks)]}" '
                     'stroke="#ffffff" stroke-width="0.8"/>')
    for i, (_, geoms) in enumerate(m.outlines):
        dash = "" if i == 0 else ' stroke-dasharray="10 6"'
        for g in geoms:
            d = path(g)
            parts.append(f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="9" stroke-linejoin="round"/>')
            parts.append(f'<path d="{d}" fill="none" stroke="#111111" stroke-width="4.5" '
                         f'stroke-linejoin="round"{dash}/>')
    parts.append("</svg>")
    return "".join(parts)


def class_breaks(values: list[int]) -> list[int]:
    """Upper bounds of five classes of about equal numbers of areas (fewer when values repeat)."""
    vals = sorted(v for v in values if v > 0)
    if not vals:
        return [0]
    cuts = sorted({vals[min(len(vals) - 1, math.ceil(len(vals) * k / 5) - 1)] for k in range(1, 6)})
    return cuts


def class_of(n: int, breaks: list[int]) -> int:
    if n <= 0:
        return 0
    for i, b in enumerate(breaks):
        if n <= b:
            return min(i + (5 - len(breaks)), 4)
    return 4


def map_data_uri(m: MapData) -> str:
    """``map_svg`` as the data URI the slide's image shows."""
    return "data:image/svg+xml;base64," + base64.b64encode(map_svg(m).encode()).decode()


def map_slide(deck: DeckData) -> Slide:
    m = deck.map
    src = m.src or map_data_uri(m)
    outlined = " and ".join(label for label, _ in m.outlines)
    alt = (f"Map of Baltimore's {m.layer_noun}, shaded by victims in the period"
           + (f", with {outlined} outlined" if outlined else "") + ". " + " ".join(m.ranks))
    breaks = class_breaks(list(m.counts.values()))
    lows = [0] + [b + 1 for b in breaks[:-1]]
    offset = 5 - len(breaks)
    legend = [html.Li([html.Span(className="key-swatch", style={"background": MAP_CLASSES[i + offset]}),
                       f"{lo:,}–{hi:,}" if hi > lo else f"{hi:,}"]) for i, (lo, hi) in enumerate(zip(lows, breaks))]
    keys = []
    if m.outlines:
        keys.append(html.Li([html.Span(className="key-line"), m.outlines[0][0]]))
    if len(m.outlines) > 1:
        keys.append(html.Li([html.Span(className="key-line dashed"), m.outlines[1][0]]))
    side = [*[html.P(r, className="slide-lead") for r in m.ranks],
            html.P(f"Victims per area of {m.layer_noun}:", className="chart-label"),
            html.Ul(legend + keys, className="chart-key map-key")]
    return Slide("map", "Where, against the city",
                 [html.Div([html.Img(src=src, alt=alt, className="deck-map", width=640, height=470),
                            html.Div(side, className="map-side-text")], className="map-row-deck")],
                 f"Shading: victims of {offense_phrase(deck.areas[0].filters)} per area in the period, in "
                 "five classes of about as many areas each. Outlines: the area of this deck.")


def who_slide(deck: DeckData) -> Slide:
    def rows(table) -> list[tuple[str, float | None, str]]:
        out = []
        for c in table.cells:
            share = (c.value / table.total) if (c.shown and table.total) else None
            text = c.label if share is None else f"{c.label} · {100 * share:.0f}%"
            out.append((c.category, c.value if c.shown else None, text))
        return out

    def years_words(d: Demographics) -> str:
        return str(d.first_year) if d.first_year == d.last_year else f"{d.first_year}–{d.last_year}"

    def total_words(d: Demographics) -> str:
        n = "no" if d.total == 0 else "fewer than 5" if d.total < 5 else f"{d.total:,}"
        return f"{n} victims, {years_words(d)}"

    def build(a: AreaData, two: bool):
        d = a.demographics
        years = years_words(d)
        if d.total < MIN_RECORDS:
            return plain(f"Too few victims in {years} to show who was harmed without revealing small groups.")
        blocks = []
        for dim, name in (("age_band", "By age"), ("race", "By race"), ("sex", "By sex")):
            t = d.tables[dim]
            if t.withheld_all:
                blocks.append(html.Div([html.H3(name, className="chart-label"),
                                        plain("Too few people to show without revealing a small group.")]))
                continue
            cells = [r for r in rows(t) if r[0] != "Unknown" or r[1]]
            blocks.append(html.Div([html.H3(name, className="chart-label"),
                                    bar_rows(cells, label=f"Victims {name.lower()}, {years}")], className="who-block"))
        if two:  # the side's heading carries the total
            return [blocks[0], blocks[1]]
        words = total_words(d)
        return [html.P(words[0].upper() + words[1:], className="slide-lead"),
                html.Div([blocks[0], html.Div(blocks[1:])], className="who-grid")]

    return Slide("who", "Who is harmed", [_sides(deck, build, heading=lambda a: total_words(a.demographics))],
                 "Victims of Part 1 crime in the whole calendar years of the period. Groups of 1–4 people show as "
                 "“<5”, and some groups are withheld so a small group cannot be worked out; withheld groups "
                 "have no bar.")


def justice_slide(deck: DeckData) -> Slide:
    def build(a: AreaData, two: bool):
        top = 3 if two else 4
        cats = a.arrest_categories.sort_values("n", ascending=False).head(top)
        cat_rows = [(CHARGE_CATEGORIES.labels.get(c, c), int(n), f"{int(n):,}") for c, n in zip(cats.category, cats.n)]
        o = a.outcomes["all"]
        arrests = html.Div([
            html.Div("Arrests", className="big-title"), html.Div(fmt_int(a.arrests), className="big-value"),
            bar_rows(cat_rows, label="Arrests by top charge category") if cat_rows else plain("No arrests."),
        ], className="justice-col")
        if not o["cases"]:
            cases = html.Div([html.Div("Cases filed", className="big-title"), html.Div("0", className="big-value"),
                              plain("No State's Attorney cases filed in this period.")], className="justice-col")
        else:
            mix = a.dispositions[a.dispositions.group == "all"] if len(a.dispositions) else a.dispositions
            mix = mix.sort_values("n", ascending=False).head(top) if len(mix) else mix
            charges = int(a.dispositions.n.sum()) if len(a.dispositions) else 0
            # a share of a handful says more about chance than about the courts: counts below MIN_RECORDS
            few = o["cases"] < MIN_RECORDS or charges < MIN_RECORDS
            mix_rows = [(DISPOSITIONS.labels.get(d, d), float(s), f"{int(n):,}" if few else f"{100 * s:.0f}%")
                        for d, s, n in zip(mix.disposition, mix.share, mix.n) if s > 0] if len(mix) else []
            if o["pending_share"] is None:
                pend = "— still pending"
            elif few:
                pend = f"{o['pending']:,} of {o['cases']:,} still pending"
            else:
                pend = f"{100 * o['pending_share']:.0f}% still pending"
            days = "—" if o["median_days"] is None else f"{o['median_days']:.0f} days"
            cases = html.Div([
                html.Div("Cases filed", className="big-title"), html.Div(fmt_int(o["cases"]), className="big-value"),
                html.P(f"{pend} · median {days} from arrest to decision", className="chart-label"),
                bar_rows(mix_rows, label="How decided charges ended" + (" (charges)" if few else " (share of charges)"))
                if mix_rows else plain("None decided yet."),
            ], className="justice-col")
        return html.Div([arrests, cases], className="justice-row")

    return Slide("justice", "Arrests and case outcomes", [_sides(deck, build)],
                 "Arrests: BPD arrest records by the most serious charge, by arrest date. Cases: the State's "
                 "Attorney's cases filed in the period, and how their decided charges ended (share of charges; "
                 f"counts when under {MIN_RECORDS}). "
                 "The offense filter does not apply.")


def programs_slide(deck: DeckData) -> Slide:
    labels = dict(CVI_PROGRAM_TYPES)

    def build(a: AreaData, two: bool):
        sites = a.sites
        if not len(sites):
            return plain("No violence-intervention site is in this area. Programs citywide are listed on the "
                         "dashboard's CVI page.")
        limit = 3 if two else 5
        ranked = sites.assign(near=[a.near.get(int(i), 0) for i in sites.id]).sort_values(
            ["near", "name"], ascending=[False, True])
        items = []
        for s in ranked.head(limit).itertuples(index=False):
            phone = str(s.phone or "").strip()
            contact = [html.A(phone, href="tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+"))] \
                if phone else ["no public phone listed"]
            items.append(html.Li([html.Div(s.name, className="site-name"),
                                  html.Div([labels.get(s.program_type, s.program_type), " · ", *contact],
                                           className="site-meta")]))
        more = len(sites) - limit
        out = [html.Ul(items, className="site-list")]
        if more > 0:
            out.append(html.P(f"and {more} more on the dashboard's CVI page", className="chart-label"))
        return out

    return Slide("programs", "Violence-intervention programs here", [_sides(deck, build)],
                 "Sites in the area from the city's violence-intervention directory, those with the most gun "
                 f"violence within {deck.radius_m} m first. That count describes the place a program works in, "
                 "not whether the program works.")


@functools.lru_cache(maxsize=256)  # pure, ~15 ms to make, and a deck's URL repeats
def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI, made here (no service, no network)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=10, dark="#000000", light="#ffffff", border=4)


def phone_slide(deck: DeckData) -> Slide:
    src = qr_data_uri(deck.phone_url)
    return Slide("phone", "Take this view with you", [html.Div([
        html.Img(src=src, alt=f"QR code: opens {deck.phone_url}", className="qr", width=400, height=400),
        html.Div([html.P("Scan with a phone camera: it opens the dashboard with these same filters, "
                         "to explore at your own pace.", className="slide-lead"),
                  html.P(deck.phone_url, className="qr-url")], className="qr-side"),
    ], className="qr-row")], "The link opens the dashboard, not these slides. Nothing about you is recorded.")


# --- the deck ----------------------------------------------------------------------------------------

def slides(deck: DeckData, *, min_compare: int = 10) -> list[Slide]:
    return [title_slide(deck), headline_slide(deck, min_compare), goal_slide(deck), trend_slide(deck),
            map_slide(deck), who_slide(deck), justice_slide(deck), programs_slide(deck), phone_slide(deck)]


def slide_component(s: Slide, n: int, count: int, deck: DeckData, current: int) -> html.Section:
    meta = [html.Span(f"{as_of_words(deck.data_as_of)} · {n} / {count}")]
    if deck.is_demo:
        meta.insert(0, html.Span("Demo data", className="demo-mark"))
    head = [html.H2(s.title, className="slide-title")] if s.title else []
    return html.Section([
        html.Div(head + s.body, className="slide-body"),
        html.Footer([html.P(s.definitions, className="slide-defs"), html.P(meta, className="slide-meta")],
                    className="slide-footer"),
    ], className=f"slide slide--{s.key}" + (" current" if n == current else ""), id=f"slide-{n}",
        role="group", **{"aria-roledescription": "slide", "aria-label": f"Slide {n} of {count}: "
                         + (s.title or "Title"), "data-n": str(n), "aria-hidden": "false" if n == current else "true"})


def deck_component(deck: DeckData, *, theme: str, current: int, advance: int, key: str,
                   min_compare: int = 10) -> html.Div:
    """The whole deck: every slide (one shown), the controls, and what the script needs to drive
    it (slide count, where Escape goes, the timed advance)."""
    all_slides = slides(deck, min_compare=min_compare)
    count = len(all_slides)
    current = min(max(current, 1), count)
    return _deck_root([slide_component(s, i + 1, count, deck, current) for i, s in enumerate(all_slides)],
                      theme=theme, exit_href=deck.exit_href, advance=advance, key=key, start=current)


def _deck_root(sections: list, *, theme: str, exit_href: str, advance: int, key: str, start: int) -> html.Div:
    """The deck element: the slides on their stage, the controls, and what the script reads."""
    return html.Div([html.Div(sections, className="deck-stage"), controls()], className=f"deck theme-{theme}",
                    id=ids.PRESENT_DECK_ROOT,
                    **{"data-count": str(len(sections)), "data-exit": exit_href, "data-advance": str(advance),
                       "data-key": key, "data-start": str(start)})


def message_deck(title: str, message: str, *, exit_href: str, theme: str, key: str) -> html.Div:
    """A one-slide deck that says plainly why there are no slides (no data, the database failed)."""
    slide = html.Section([
        html.Div([html.H2(title, className="slide-title"), plain(message)], className="slide-body"),
        html.Footer(html.P("Press Escape to return to the dashboard.", className="slide-defs"),
                    className="slide-footer"),
    ], className="slide current", id="slide-1", role="group",
        **{"aria-roledescription": "slide", "aria-label": f"Slide 1 of 1: {title}", "data-n": "1"})
    return _deck_root([slide], theme=theme, exit_href=exit_href, advance=0, key=key, start=1)


def controls() -> html.Nav:
    """Buttons for a mouse, a touch screen or a screen reader; the keys do the same."""
    def button(action: str, text: str, label: str):
        return html.Button(text, type="button", className="deck-btn", title=label,
                           **{"data-deck-action": action, "aria-label": label})
    return html.Nav([
        button("prev", "Previous", "Previous slide (Left, Page Up)"),
        button("next", "Next", "Next slide (Right, Page Down, Space)"),
        button("fullscreen", "Full screen", "Full screen (F)"),
        button("exit", "Exit", "Back to the dashboard (Escape)"),
    ], className="deck-controls", **{"aria-label": "Slide controls"})


def present_page(theme: str) -> html.Div:
    """The page's layout: the deck arrives from the page's callback, all slides in one response."""
    return html.Div([
        html.Div(html.Div(html.P("Preparing the slides…", className="slide-plain"), className="deck-wait"),
                 id=ids.PRESENT_DECK, className=f"deck-holder theme-{theme}"),
        html.Div(id=ids.PRESENT_LIVE, className="visually-hidden", role="status", **{"aria-live": "polite"}),
    ])
