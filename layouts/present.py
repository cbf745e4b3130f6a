"""The town-hall deck: the same numbers as the dashboard, one slide per screen, legible from the
back of a room.

Pure builders over what ``callbacks.present`` fetched (``DeckData``): every slide is designed on a
fixed 1280 x 720 canvas, which the browser scales to the screen (``assets/psad_deck.js``), so the
sizes below are the sizes on a 1280 x 720 projector and grow with a 1920 x 1080 one. Body text is
28 px and more, chart labels 20 px and more. Colours are chosen for both themes: text is set by the
theme's stylesheet (``assets/deck.css``, at least 7:1), marks are mid-tones with at least 3:1
against both the light and the dark background. Nothing is only on hover: charts are static and
carry their numbers as labels, and the map comes with its numbers in words.

Words: every sentence is one translated template (``app.i18n``), filled with numbers and dates in
the reader's language; ``DeckData`` itself holds no words but area names, so the cached data it is
built from serves every language.
"""

from __future__ import annotations

import base64
import functools
import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from dash import dcc, html

from app import i18n, ids
from app.chance import NORMAL
from app.i18n import N_, Nn_, _, ngettext
from data_access.demographics import Demographics
from data_access.filters import Filters
from data_access.suppression import Cell
from data_access.vocabulary import CHARGE_CATEGORIES, CVI_PROGRAM_TYPES, DISPOSITIONS, offense_label
from layouts.common import FONT, fmt_int, fmt_pct, fmt_signed, geo_phrases, graph_config, join_words
from layouts.summary import GOAL_VERDICT_WORDS, Card, change_tone, complete_periods, verdict_text

PALETTE = {  # >= 3:1 against #ffffff and #121212 both
    "primary": "#3b7dd8", "good": "#3a8a3f", "bad": "#d1495b", "target": "#b86e00", "muted": "#808080",
}
MAP_CLASSES = ("#dbe7f6", "#a9c6ea", "#6f9fd8", "#3b6fb6", "#1d4580")  # light to dark, five classes
STATIC = {"staticPlot": True, "displayModeBar": False, "responsive": False}
MIN_RECORDS = 10  # fewer victims than this in an area: the charts say so instead of drawing noise

# The areas a map layer is made of: counted ("of 278 neighborhoods"), and one of them in the map's key.
LAYER_WORDS = {
    "neighborhood": (Nn_("{n} neighborhood", "{n} neighborhoods"), N_("Victims per neighborhood:")),
    "police_district_2023": (Nn_("{n} police district", "{n} police districts"), N_("Victims per police district:")),
    "police_district_pre2023": (Nn_("{n} police district", "{n} police districts"),
                                N_("Victims per police district:")),
    "council_district": (Nn_("{n} Council district", "{n} Council districts"), N_("Victims per Council district:")),
    "legislative_district": (Nn_("{n} State legislative district", "{n} State legislative districts"),
                             N_("Victims per State legislative district:")),
    "csa": (Nn_("{n} Community Statistical Area", "{n} Community Statistical Areas"),
            N_("Victims per Community Statistical Area:")),
}
# "the 5th": English picks the suffix by its own rule; other languages translate all four alike.
ORDINALS = {"st": N_("the {n}st"), "nd": N_("the {n}nd"), "rd": N_("the {n}rd"), "th": N_("the {n}th")}


# --- what the deck is built from ---------------------------------------------------------------

@dataclass(frozen=True)
class AreaData:
    """One side of the deck: an area (or the city) under the deck's dates and offenses."""

    label: str  # "Council District 7", "Baltimore City" (in the request's language)
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
    layer: str  # the shaded layer's code ("neighborhood"): its noun is put in words when shown
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
    phrases = geo_phrases(f, names, conj="and")
    if not phrases:
        return _("Baltimore City")
    out = phrases[-1]
    for p in reversed(phrases[:-1]):  # "A in B in C"
        out = _("{area} in {larger}").format(area=p, larger=out)
    return out


def _day_month_wide(d: date) -> str:
    """"1 January" / "1 de enero"."""
    from babel.dates import format_date

    loc = i18n.babel_locale()
    return format_date(d, "d MMMM" if loc == "en" else "d 'de' MMMM", locale=loc)


def period_words(f: Filters) -> str:
    """"1 January – 30 November 2026" (the year once when both ends share it)."""
    if f.start.year == f.end.year:
        if f.start == date(f.start.year, 1, 1) and f.end == date(f.end.year, 12, 31):
            return _("the whole of {year}").format(year=f.start.year)
        return _("{start} – {end} {year}").format(start=_day_month_wide(f.start), end=_day_month_wide(f.end),
                                                    year=f.end.year)
    return _("{start} – {end}").format(start=i18n.date_long(f.start), end=i18n.date_long(f.end))


def offense_names(f: Filters) -> str:
    return ", ".join(_(offense_label(o)) for o in f.offense)


def offense_words(f: Filters) -> str:
    return offense_names(f) if f.offense else _("All Part 1 crime")


def as_of_words(d: date | None) -> str:
    return _("Data as of {date}").format(date=i18n.date_long(d)) if d else _("No data loaded")


def as_of_short(d: date | None) -> str:
    """The footer's "Data as of 26 Nov 2026" (the title slide spells the month out)."""
    return _("Data as of {date}").format(date=i18n.date_short(d)) if d else _("No data loaded")


def capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def share_text(percent: float | None) -> str:
    """A share in percent, unsigned: "12%" / "12 %" ("—" when there is none)."""
    return "—" if percent is None else fmt_pct(percent).lstrip("+")


def ordinal(n: int) -> str:
    """"the 5th" (a rank of 1 reads "the most" in the sentences: see ``most_words``)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return _(ORDINALS[suffix]).format(n=n)


def layer_count(layer: str, n: int) -> str:
    """"278 neighborhoods", "1 police district"."""
    one, many = LAYER_WORDS.get(layer, LAYER_WORDS["neighborhood"])[0]
    return ngettext(one, many, n).format(n=fmt_int(n))


def most_words(rank: int, tied: bool) -> str:
    """An area's place among the others: "the most", "tied for the 5th most"."""
    if rank == 1:
        return _("tied for the most") if tied else _("the most")
    return (_("tied for {rank} most") if tied else _("{rank} most")).format(rank=ordinal(rank))


# --- the pieces of a slide -------------------------------------------------------------------------

def _sides(deck: DeckData, build, *, heading=None) -> html.Div:
    """One column per area, each headed by the area's name in a comparison deck (followed by
    ``heading(area)`` when given)."""
    two = len(deck.areas) > 1
    cols = []
    for a in deck.areas:
        body = build(a, two)
        title = _("{area} · {what}").format(area=a.label, what=heading(a)) if heading else a.label
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
    top = max([v for _c, v, _t in rows if v is not None] or [1]) or 1
    items = []
    for cat, value, text in rows:
        width = f"{100 * value / top:.1f}%" if value else "0"
        items.append(html.Div([
            html.Span(cat, className="bar-cat", title=cat),
            html.Span(html.Span(className="bar-fill", style={"width": width}), className="bar-track"),
            html.Span(text, className="bar-num"),
        ], className="bar-row", role="listitem"))
    return html.Div(items, className="bar-rows", role="list", **{"aria-label": label})


def chart(fig: dict, label: str, *, width: int, height: int) -> html.Figure:
    """A static Plotly chart (no hover, no mode bar) with its text alternative; its dates and
    numbers in the reader's language (Plotly's locale, as ``layouts.common.graph`` sets it)."""
    locale = {k: v for k, v in graph_config().items() if k in ("locale", "locales")}
    return html.Figure([
        dcc.Graph(figure=fig, config={**STATIC, **locale}, style={"width": f"{width}px", "height": f"{height}px"},
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
    names = deck.areas[0].label if len(deck.areas) == 1 else _("{area} compared with {other}").format(
        area=deck.areas[0].label, other=deck.areas[1].label)
    body = [
        html.P(_("Public safety in"), className="title-kicker"),
        html.H2(names, className="title-area"),
        html.P([html.Span(capital(period_words(a.filters)), className="title-period"), " · ",
                offense_words(a.filters)], className="title-when"),
        html.P(as_of_words(deck.data_as_of), className="title-asof"),
    ]
    if deck.notices:
        body.append(html.Ul([html.Li(n) for n in deck.notices], className="deck-notices"))
    return Slide("title", "", body, _("Counts are victims of Part 1 crime reported to the Baltimore Police "
                                      "Department, by the date the crime happened. Source: Open Baltimore."))


COMPARED_CARDS = ("homicide", "shooting", "violent", "all")  # four rows fit beside a second area


def card_change(c: Card, min_compare: int, *, verdict: bool = True) -> tuple[str, str]:
    """(the change in words, its tone: "down", "up", "flat" or "") of a headline card. The change
    is judged against chance (``layouts.summary.verdict_text``, appended unless ``verdict`` is
    False: a comparison deck shows it beside the count, ``short_verdict``), and coloured good or bad
    only when it is unusual for chance (``change_tone``): "" otherwise, the theme's text colour."""
    if c.current is None or c.change is None:
        return _(c.note), ""
    if c.change == 0:
        return (_("none, as a year earlier") if not c.prior else _("■ the same as a year earlier")), "flat"
    arrow = "▼" if c.change < 0 else "▲"
    if c.pct is not None:
        change = _("{arrow} {change}, {pct} from {prior}").format(
            arrow=arrow, change=fmt_signed(c.change), pct=fmt_pct(c.pct), prior=fmt_int(c.prior))
    else:
        change = _("{arrow} {change} from {prior}").format(arrow=arrow, change=fmt_signed(c.change),
                                                            prior=fmt_int(c.prior))
    if c.note and c.pct is None and c.prior is not None and c.prior >= min_compare:
        change = _("{change} · {note}").format(change=change, note=_(c.note))  # the earlier span only partly covered
    words = verdict_text(c) if verdict else ""
    if words:
        change = _("{change} · {verdict}").format(change=change, verdict=words)
    tone = change_tone(c)
    return change, ("" if tone == "neutral" else tone)


def short_verdict(c: Card) -> str:
    """The change against chance in a few words, beside the count of a comparison deck (where a
    third line per measure would not fit): "normal variation", "too few to tell", "an unusual drop"."""
    if c.judgement is not None and c.judgement.verdict == NORMAL and c.change is not None:
        return _("normal variation")
    return verdict_text(c)


def headline_slide(deck: DeckData, min_compare: int) -> Slide:
    """One row per measure, one column per area: the count, and its change in words beside (one
    area) or under it (two)."""
    two = len(deck.areas) > 1
    keys = [c.key for c in deck.areas[0].cards if not two or c.key in COMPARED_CARDS]
    by_key = [{c.key: c for c in a.cards} for a in deck.areas]

    def cell(c: Card):
        value = "—" if c.current is None else fmt_int(c.current)
        if not two:
            change, tone = card_change(c, min_compare)
            return [html.Td(value, className="big-value"), html.Td(change, className=f"big-change {tone}".strip())]
        # two areas: the verdict beside the count, the change under both (no third line per measure)
        change, tone = card_change(c, min_compare, verdict=False)
        verdict = short_verdict(c)
        line = [html.Span(value, className="big-value")] + ([html.Span(verdict, className="big-verdict")]
                                                            if verdict else [])
        return [html.Td([html.Div(line, className="big-value-line"),
                         html.Div(change, className=f"big-change {tone}".strip())])]

    head = [html.Th(html.Span(_("Measure"), className="visually-hidden"), scope="col")]
    if two:
        head += [html.Th(a.label, scope="col", className="side-title") for a in deck.areas]
    else:
        head += [html.Th(_("Victims"), scope="col", className="visually-hidden"),
                 html.Th(_("Against a year earlier"), scope="col", className="visually-hidden")]
    rows = [html.Tr([html.Th(_(by_key[0][k].title), scope="row", className="big-title"),
                     *[td for cards in by_key for td in cell(cards[k])]], **{"data-key": k}) for k in keys]
    f = deck.areas[0].filters
    prior = f.prior()
    if f.offense:
        words = _("Victims of {offenses}, {period}, against the same days a year earlier.").format(
            offenses=offense_names(f), period=period_words(f))
    else:
        words = _("{period}, against the same days a year earlier.").format(period=period_words(f))
    lead = html.P(capital(words), className="slide-lead")
    return Slide("headline", _("The headline numbers"),
                 [lead, html.Table([html.Thead(html.Tr(head)), html.Tbody(rows)],
                                   className="big-table two" if two else "big-table")],
                 _("Victims of Part 1 crime, {period}; change against {prior}. No percentage when the earlier "
                   "count is under {min}. “Unusual”: a change chance alone rarely makes (see About). Violent "
                   "crime: homicide, shooting, rape, robbery, aggravated assault.").format(
                     period=period_words(f), prior=period_words(prior), min=fmt_int(min_compare)))


def goal_figure(rows: pd.DataFrame, *, width: int, height: int, reduction: float) -> dict:
    labels = [_("{year}<br>to date").format(year=y) if p else str(y) for y, p in zip(rows.year, rows.partial)]
    actual = [int(x) for x in rows.actual]
    # below / above the path only when the difference is more than chance (layouts.summary.goal_standing)
    colours = {"below": PALETTE["good"], "above": PALETTE["bad"], "near": PALETTE["muted"]}
    target = [float(t) for t in rows.target]
    lift = 0.03 * max(actual + target + [1])  # clear of the path's marker
    data = [
        {"type": "bar", "x": labels, "y": actual,
         "marker": {"color": [colours[s] for s in rows.standing]}},
        {"type": "scatter", "x": labels, "y": target, "mode": "lines+markers",
         "line": {"color": PALETTE["target"], "dash": "dash", "width": 4}, "marker": {"size": 12}},
        # each bar's number above both the bar and the path's marker, so neither covers it
        {"type": "scatter", "x": labels, "y": [max(a, t) + lift for a, t in zip(actual, target)], "mode": "text",
         "text": [fmt_int(n) for n in actual], "textposition": "top center", "cliponaxis": False,
         "textfont": {"size": 22}},
    ]
    return {"data": data, "layout": _fig_layout(width, height, xaxis={"type": "category"},
                                                   margin={"t": 40})}


def goal_status(last, reduction: float) -> str:
    """Where the latest year stands against the path, in one sentence."""
    n = int(last.actual)
    below = last.actual <= last.target
    pct = share_text(abs(last.vs_target_pct) if last.vs_target_pct is not None else 0)
    span = _("{year} to date").format(year=int(last.year)) if last.partial else str(int(last.year))
    if below:
        text = ngettext("{span}: {n} victim of gun violence; the path of {reduction} fewer a year allows "
                        "{target}. {pct} below the path.",
                        "{span}: {n} victims of gun violence; the path of {reduction} fewer a year allows "
                        "{target}. {pct} below the path.", n)
    else:
        text = ngettext("{span}: {n} victim of gun violence; the path of {reduction} fewer a year allows "
                        "{target}. {pct} above the path.",
                        "{span}: {n} victims of gun violence; the path of {reduction} fewer a year allows "
                        "{target}. {pct} above the path.", n)
    text = text.format(span=span, n=fmt_int(n), reduction=share_text(100 * reduction), target=fmt_int(last.target),
                       pct=pct)
    return f"{text} {_(GOAL_VERDICT_WORDS[last.verdict])}"


def goal_slide(deck: DeckData) -> Slide:
    two = len(deck.areas) > 1
    w = 560 if two else 760
    h = 240 if two else 430  # two: room for the status sentence's verdict above the chart

    def build(a: AreaData, two: bool):
        rows = a.gun_goal
        if rows.empty:
            return plain(_("No gun violence was recorded here in {year}, the goal's baseline year, so there is no "
                           "path to measure against.").format(year=deck.baseline_year))
        status = goal_status(rows.iloc[-1], deck.settings_reduction)
        fig = goal_figure(rows, width=w, height=h, reduction=deck.settings_reduction)
        key = html.Ul([html.Li([html.Span(className="key-swatch good"), _("below the path")]),
                       html.Li([html.Span(className="key-swatch bad"), _("above the path")]),
                       html.Li([html.Span(className="key-swatch near"), _("near the path")]),
                       html.Li([html.Span(className="key-swatch target"), _("the path")])], className="chart-key")
        parts = [chart(fig, _("Victims of gun violence per year against the goal's path. {status}").format(
            status=status), width=w, height=h)]
        side = [html.P(status, className="slide-lead"), key]
        if two:
            return side[:1] + parts
        return html.Div([html.Div(parts), html.Div(side, className="goal-side")], className="goal-row")

    return Slide("goal", _("Gun violence against the Plan's goal"),
                 [_sides(deck, build)],
                 _("Gun violence: homicides by firearm and non-fatal shootings, all dates of each year. The path: the "
                   "{year} count, {reduction} fewer each year (Comprehensive Violence Prevention Plan); this year's "
                   "target is prorated to date. Date and offense filters do not apply.").format(
                     year=deck.baseline_year, reduction=share_text(100 * deck.settings_reduction)))


GRAIN_WORDS = {  # (per, title, definitions) for each grain a trend is drawn by
    "week": (N_("Victims per week"), N_("The trend, week by week"),
             N_("Victims of {offenses} per week. A week the dates cut short (first or last) is a hollow dot on a "
                "dotted line, and is left out of most and fewest.")),
    "month": (N_("Victims per month"), N_("The trend, month by month"),
              N_("Victims of {offenses} per month. A month the dates cut short (first or last) is a hollow dot on "
                 "a dotted line, and is left out of most and fewest.")),
}


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
    per = _(GRAIN_WORDS.get(grain, GRAIN_WORDS["week"])[0])
    return {"data": data, "layout": _fig_layout(width, height, xaxis={"type": "date", "nticks": ticks},
                                                   yaxis={"title": {"text": per, "font": {"size": 20}}})}


def period_name(d: date, grain: str) -> str:
    """"Nov 2026" / "nov 2026"; "week of 24 Nov" / "semana del 24 nov"."""
    if grain == "month":
        return i18n.month_year(d, wide=False)
    return _("week of {date}").format(date=i18n.day_month(d))


def trend_slide(deck: DeckData) -> Slide:
    def build(a: AreaData, two: bool):
        if too_few(a):
            return plain(_("Too few victims to draw a trend: {n} in this period.").format(n=fmt_int(a.victims)))
        df = a.trend
        complete = complete_periods(df, a.grain)
        whole = [(int(n), s) for n, s, c in zip(df.n, df.period_start, complete) if c] or \
            [(int(n), s) for n, s in zip(df.n, df.period_start)]
        (hi_n, hi_s), (lo_n, lo_s) = max(whole, key=lambda r: r[0]), min(whole, key=lambda r: r[0])
        lead = _("Most: {high_when}, {high}. Fewest: {low_when}, {low}.").format(
            high_when=period_name(hi_s, a.grain), high=fmt_int(hi_n), low_when=period_name(lo_s, a.grain),
            low=fmt_int(lo_n))
        w = 560 if two else 1160
        h = 370 if two else 400
        fig = trend_figure(df, a.grain, width=w, height=h, ticks=4 if two else 7)
        per = _(GRAIN_WORDS.get(a.grain, GRAIN_WORDS["week"])[0])
        return [html.P(lead, className="slide-lead"),
                chart(fig, _("{per}, {period}. {lead}").format(per=per, period=period_words(a.filters), lead=lead),
                      width=w, height=h)]

    _per, title, defs = GRAIN_WORDS.get(deck.areas[0].grain, GRAIN_WORDS["week"])
    f = deck.areas[0].filters
    return Slide("trend", _(title), [_sides(deck, build)],
                 _(defs).format(offenses=offense_names(f) if f.offense else _("all Part 1 crime")))
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
    for i, (_label, geoms) in enumerate(m.outlines):
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
    nouns = layer_count(m.layer, len(m.counts))
    outlined = join_words([label for label, _g in m.outlines]) if m.outlines else ""
    if outlined:
        alt = _("Map of Baltimore's {areas}, shaded by victims in the period, with {outlined} outlined. "
                "{ranks}").format(areas=nouns, outlined=outlined, ranks=" ".join(m.ranks))
    else:
        alt = _("Map of Baltimore's {areas}, shaded by victims in the period. {ranks}").format(
            areas=nouns, ranks=" ".join(m.ranks))
    breaks = class_breaks(list(m.counts.values()))
    lows = [0] + [b + 1 for b in breaks[:-1]]
    offset = 5 - len(breaks)
    legend = [html.Li([html.Span(className="key-swatch", style={"background": MAP_CLASSES[i + offset]}),
                       _("{low}–{high}").format(low=fmt_int(lo), high=fmt_int(hi)) if hi > lo else fmt_int(hi)])
              for i, (lo, hi) in enumerate(zip(lows, breaks))]
    keys = []
    if m.outlines:
        keys.append(html.Li([html.Span(className="key-line"), m.outlines[0][0]]))
    if len(m.outlines) > 1:
        keys.append(html.Li([html.Span(className="key-line dashed"), m.outlines[1][0]]))
    side = [*[html.P(r, className="slide-lead") for r in m.ranks],
            html.P(_(LAYER_WORDS.get(m.layer, LAYER_WORDS["neighborhood"])[1]), className="chart-label"),
            html.Ul(legend + keys, className="chart-key map-key")]
    f = deck.areas[0].filters
    return Slide("map", _("Where, against the city"),
                 [html.Div([html.Img(src=src, alt=alt, className="deck-map", width=640, height=470),
                            html.Div(side, className="map-side-text")], className="map-row-deck")],
                 _("Shading: victims of {offenses} per area in the period, in five classes of about as many areas "
                   "each. Outlines: the area of this deck.").format(
                     offenses=offense_names(f) if f.offense else _("all Part 1 crime")))


WHO_DIMENSIONS = (  # (dimension, heading, the bars' name for a screen reader)
    ("age_band", N_("By age"), N_("Victims by age, {years}")),
    ("race", N_("By race"), N_("Victims by race, {years}")),
    ("sex", N_("By sex"), N_("Victims by sex, {years}")),
)


def cell_text(c: Cell, total: int) -> str:
    """A demographic cell as printed: its count and share, "<5", or "withheld" (the privacy rule's
    words, in the reader's language and number format)."""
    if not c.shown:
        return "<5" if c.reason == "small" else _("withheld")
    share = (c.value / total) if total else None
    return fmt_int(c.value) if share is None else _("{n} · {share}").format(n=fmt_int(c.value),
                                                                           share=share_text(100 * share))


def years_words(d: Demographics) -> str:
    return str(d.first_year) if d.first_year == d.last_year else f"{d.first_year}–{d.last_year}"


def total_words(d: Demographics) -> str:
    """"1,234 victims, 2024–2025" ("fewer than 5 victims", "no victims": the privacy rule)."""
    years = years_words(d)
    if d.total == 0:
        return _("no victims, {years}").format(years=years)
    if d.total < 5:
        return _("fewer than 5 victims, {years}").format(years=years)
    return ngettext("{n} victim, {years}", "{n} victims, {years}", d.total).format(n=fmt_int(d.total), years=years)


def who_slide(deck: DeckData) -> Slide:
    def rows(table) -> list[tuple[str, float | None, str]]:
        return [(c.category, c.value if c.shown else None, cell_text(c, table.total)) for c in table.cells]

    def build(a: AreaData, two: bool):
        d = a.demographics
        years = years_words(d)
        if d.total < MIN_RECORDS:
            return plain(_("Too few victims in {years} to show who was harmed without revealing small groups.").format(
                years=years))
        blocks = []
        for dim, name, label in WHO_DIMENSIONS:
            t = d.tables[dim]
            if t.withheld_all:
                blocks.append(html.Div([html.H3(_(name), className="chart-label"),
                                        plain(_("Too few people to show without revealing a small group."))]))
                continue
            cells = [(_(cat), v, text) for cat, v, text in rows(t) if cat != "Unknown" or v]
            blocks.append(html.Div([html.H3(_(name), className="chart-label"),
                                    bar_rows(cells, label=_(label).format(years=years))], className="who-block"))
        if two:  # the side's heading carries the total
            return [blocks[0], blocks[1]]
        return [html.P(capital(total_words(d)), className="slide-lead"),
                html.Div([blocks[0], html.Div(blocks[1:])], className="who-grid")]

    return Slide("who", _("Who is harmed"), [_sides(deck, build, heading=lambda a: total_words(a.demographics))],
                 _("Victims of Part 1 crime in the whole calendar years of the period. Groups of 1–4 people show as "
                   "“<5”, and some groups are withheld so a small group cannot be worked out; withheld groups "
                   "have no bar."))


def pending_words(o: dict, few: bool) -> str:
    if o["pending_share"] is None:
        return _("{share} still pending").format(share="—")
    if few:
        return ngettext("{n} of {cases} still pending", "{n} of {cases} still pending", o["pending"]).format(
            n=fmt_int(o["pending"]), cases=fmt_int(o["cases"]))
    return _("{share} still pending").format(share=share_text(100 * o["pending_share"]))


def justice_slide(deck: DeckData) -> Slide:
    def build(a: AreaData, two: bool):
        top = 3 if two else 4
        cats = a.arrest_categories.sort_values("n", ascending=False).head(top)
        cat_rows = [(_(CHARGE_CATEGORIES.label(c)), int(n), fmt_int(n)) for c, n in zip(cats.category, cats.n)]
        o = a.outcomes["all"]
        arrests = html.Div([
            html.Div(_("Arrests"), className="big-title"), html.Div(fmt_int(a.arrests), className="big-value"),
            bar_rows(cat_rows, label=_("Arrests by top charge category")) if cat_rows else plain(_("No arrests.")),
        ], className="justice-col")
        if not o["cases"]:
            cases = html.Div([html.Div(_("Cases filed"), className="big-title"), html.Div(fmt_int(0), className="big-value"),
                              plain(_("No State's Attorney cases filed in this period."))], className="justice-col")
        else:
            mix = a.dispositions[a.dispositions.group == "all"] if len(a.dispositions) else a.dispositions
            mix = mix.sort_values("n", ascending=False).head(top) if len(mix) else mix
            charges = int(a.dispositions.n.sum()) if len(a.dispositions) else 0
            # a share of a handful says more about chance than about the courts: counts below MIN_RECORDS
            few = o["cases"] < MIN_RECORDS or charges < MIN_RECORDS
            mix_rows = [(_(DISPOSITIONS.label(d)), float(s), fmt_int(n) if few else share_text(100 * s))
                        for d, s, n in zip(mix.disposition, mix.share, mix.n) if s > 0] if len(mix) else []
            if o["median_days"] is None:
                days = "—"
            else:
                n_days = int(round(o["median_days"]))
                days = ngettext("{n} day", "{n} days", n_days).format(n=fmt_int(n_days))
            cases = html.Div([
                html.Div(_("Cases filed"), className="big-title"), html.Div(fmt_int(o["cases"]), className="big-value"),
                html.P(_("{pending} · median {days} from arrest to decision").format(
                    pending=pending_words(o, few), days=days), className="chart-label"),
                bar_rows(mix_rows, label=_("How decided charges ended (charges)") if few
                         else _("How decided charges ended (share of charges)"))
                if mix_rows else plain(_("None decided yet.")),
            ], className="justice-col")
        return html.Div([arrests, cases], className="justice-row")

    return Slide("justice", _("Arrests and case outcomes"), [_sides(deck, build)],
                 _("Arrests: BPD arrest records by the most serious charge, by arrest date. Cases: the State's "
                   "Attorney's cases filed in the period, and how their decided charges ended (share of charges; "
                   "counts when under {min}). The offense filter does not apply.").format(min=fmt_int(MIN_RECORDS)))


def programs_slide(deck: DeckData) -> Slide:
    def build(a: AreaData, two: bool):
        sites = a.sites
        if not len(sites):
            return plain(_("No violence-intervention site is in this area. Programs citywide are listed on the "
                           "dashboard's CVI page."))
        limit = 3 if two else 5
        ranked = sites.assign(near=[a.near.get(int(i), 0) for i in sites.id]).sort_values(
            ["near", "name"], ascending=[False, True])
        items = []
        for s in ranked.head(limit).itertuples(index=False):
            phone = str(s.phone or "").strip()
            contact = [html.A(phone, href="tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+"))] \
                if phone else [_("no public phone listed")]
            items.append(html.Li([html.Div(s.name, className="site-name"),
                                  html.Div([_(CVI_PROGRAM_TYPES.label(s.program_type)), " · ", *contact],
                                           className="site-meta")]))
        more = len(sites) - limit
        out = [html.Ul(items, className="site-list")]
        if more > 0:
            out.append(html.P(ngettext("and {n} more on the dashboard's CVI page",
                                       "and {n} more on the dashboard's CVI page", more).format(n=fmt_int(more)),
                              className="chart-label"))
        return out

    return Slide("programs", _("Violence-intervention programs here"), [_sides(deck, build)],
                 _("Sites in the area from the city's violence-intervention directory, those with the most gun "
                   "violence within {radius} m first. That count describes the place a program works in, not "
                   "whether the program works.").format(radius=fmt_int(deck.radius_m)))


@functools.lru_cache(maxsize=256)  # pure, ~15 ms to make, and a deck's URL repeats
def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI, made here (no service, no network)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=10, dark="#000000", light="#ffffff", border=4)


def phone_slide(deck: DeckData) -> Slide:
    src = qr_data_uri(deck.phone_url)
    return Slide("phone", _("Take this view with you"), [html.Div([
        html.Img(src=src, alt=_("QR code: opens {url}").format(url=deck.phone_url), className="qr", width=400,
                 height=400),
        html.Div([html.P(_("Scan with a phone camera: it opens the dashboard with these same filters, "
                           "to explore at your own pace."), className="slide-lead"),
                  html.P(deck.phone_url, className="qr-url")], className="qr-side"),
    ], className="qr-row")], _("The link opens the dashboard, not these slides. Nothing about you is recorded."))


# --- the deck ----------------------------------------------------------------------------------------

def slides(deck: DeckData, *, min_compare: int = 10) -> list[Slide]:
    return [title_slide(deck), headline_slide(deck, min_compare), goal_slide(deck), trend_slide(deck),
            map_slide(deck), who_slide(deck), justice_slide(deck), programs_slide(deck), phone_slide(deck)]


def slide_component(s: Slide, n: int, count: int, deck: DeckData, current: int, advance: int = 0) -> html.Section:
    meta = [html.Span(_("{as_of} · {n} / {count}").format(as_of=as_of_short(deck.data_as_of), n=n, count=count))]
    if advance:  # a lobby loop says so, and how to stop it: the room is never surprised by a moving slide
        meta.insert(0, html.Span([
            html.Span(_("Moves on every {n} s · P pauses").format(n=fmt_int(advance)), className="advance-on"),
            html.Span(_("Paused · P plays"), className="advance-off")], className="advance-mark"))
    if deck.is_demo:
        meta.insert(0, html.Span(_("Demo data"), className="demo-mark"))
    head = [html.H2(s.title, className="slide-title")] if s.title else []
    return html.Section([
        html.Div(head + s.body, className="slide-body"),
        html.Footer([html.P(s.definitions, className="slide-defs"), html.P(meta, className="slide-meta")],
                    className="slide-footer"),
    ], className=f"slide slide--{s.key}" + (" current" if n == current else ""), id=f"slide-{n}",
        role="group", **{"aria-roledescription": _("slide"), "aria-label": slide_name(n, count, s.title or _("Title")),
                         "data-n": str(n), "aria-hidden": "false" if n == current else "true"})


def slide_name(n: int, count: int, title: str) -> str:
    return _("Slide {n} of {count}: {title}").format(n=n, count=count, title=title)


def deck_component(deck: DeckData, *, theme: str, current: int, advance: int, key: str,
                   min_compare: int = 10) -> html.Div:
    """The whole deck: every slide (one shown), the controls, and what the script needs to drive
    it (slide count, where Escape goes, the timed advance)."""
    all_slides = slides(deck, min_compare=min_compare)
    count = len(all_slides)
    current = min(max(current, 1), count)
    return _deck_root([slide_component(s, i + 1, count, deck, current, advance) for i, s in enumerate(all_slides)],
                      theme=theme, exit_href=deck.exit_href, advance=advance, key=key, start=current)


def _deck_root(sections: list, *, theme: str, exit_href: str, advance: int, key: str, start: int) -> html.Div:
    """The deck element: the slides on their stage, the controls, the keys' help, and what the
    script reads (its words too, in the page's language: the script holds none of its own)."""
    return html.Div([html.Div(sections, className="deck-stage"), controls(advance), key_help(advance)],
                    className=f"deck theme-{theme}",
                    id=ids.PRESENT_DECK_ROOT, lang=i18n.babel_locale(),
                    **{"data-count": str(len(sections)), "data-exit": exit_href, "data-advance": str(advance),
                       "data-key": key, "data-start": str(start),
                       "data-text-paused": _("Paused: the slides stay until you move on or press P."),
                       "data-text-resumed": _("Playing: the slides move on by themselves.")})


def message_deck(title: str, message: str, *, exit_href: str, theme: str, key: str) -> html.Div:
    """A one-slide deck that says plainly why there are no slides (no data, the database failed)."""
    slide = html.Section([
        html.Div([html.H2(title, className="slide-title"), plain(message)], className="slide-body"),
        html.Footer(html.P(_("Press Escape to return to the dashboard."), className="slide-defs"),
                    className="slide-footer"),
    ], className="slide current", id="slide-1", role="group",
        **{"aria-roledescription": _("slide"), "aria-label": slide_name(1, 1, title), "data-n": "1"})
    return _deck_root([slide], theme=theme, exit_href=exit_href, advance=0, key=key, start=1)


def controls(advance: int = 0) -> html.Nav:
    """Buttons for a mouse, a touch screen or a screen reader; the keys do the same. A lobby loop
    (``advance``) has a pause button, whose other state's words the script reads from it."""
    def button(action: str, text: str, label: str, **extra):
        return html.Button(text, type="button", className="deck-btn", title=label,
                           **{"data-deck-action": action, "aria-label": label, **extra})
    buttons = [
        button("prev", _("Previous"), _("Previous slide (Left, Page Up)")),
        button("next", _("Next"), _("Next slide (Right, Page Down, Space)")),
    ]
    if advance:
        buttons.append(button("pause", _("Pause"), _("Pause the slides (P)"), **{
            "aria-pressed": "false", "data-text-pause": _("Pause"), "data-label-pause": _("Pause the slides (P)"),
            "data-text-play": _("Play"), "data-label-play": _("Play the slides again (P)")}))
    buttons += [
        button("fullscreen", _("Full screen"), _("Full screen (F)")),
        button("help", _("Keys"), _("The keys that drive the slides (?)"), **{"aria-haspopup": "dialog",
                                                                             "aria-controls": HELP_ID}),
        button("exit", _("Exit"), _("Back to the dashboard (Escape)")),
    ]
    return html.Nav(buttons, className="deck-controls", **{"aria-label": _("Slide controls")})


HELP_ID = "deck-help"  # the keys' help dialog (an id of this page only: app.ids holds the shared ones)
HELP_TITLE_ID = "deck-help-title"


def key_help(advance: int = 0) -> html.Div:
    """The keys, for a presenter who presses "?" (or the Keys button): a dialog over the slides,
    closed by Escape, "?" or its Close button."""
    rows = [
        (_("Right, Down, Page Down, Space"), _("Next slide (a clicker's forward button)")),
        (_("Left, Up, Page Up"), _("Previous slide")),
        (_("Home, End"), _("First slide, last slide")),
        ("1 … 9", _("That slide")),
        ("F", _("Full screen on and off")),
    ]
    if advance:
        rows.append(("P", _("Pause the slides, or play them again")))
    rows += [("?", _("Show or hide these keys")), (_("Escape"), _("Close this; then back to the dashboard"))]
    return html.Div(html.Div([
        html.H2(_("Keys"), id=HELP_TITLE_ID, className="deck-help-title"),
        html.Table([
            html.Thead(html.Tr([html.Th(_("Key"), scope="col"), html.Th(_("Does"), scope="col")])),
            html.Tbody([html.Tr([html.Th(html.Kbd(k), scope="row"), html.Td(d)]) for k, d in rows]),
        ], className="deck-help-keys"),
        html.Button(_("Close"), type="button", className="deck-btn", **{"data-deck-action": "help"}),
    ], className="deck-help-box"), id=HELP_ID, className="deck-help", hidden=True, role="dialog",
        **{"aria-modal": "true", "aria-labelledby": HELP_TITLE_ID})


def present_page(theme: str) -> html.Div:
    """The page's layout: the deck arrives from the page's callback, all slides in one response."""
    return html.Div([
        html.Div(html.Div(html.P(_("Preparing the slides…"), className="slide-plain"), className="deck-wait"),
                 id=ids.PRESENT_DECK, className=f"deck-holder theme-{theme}"),
        html.Div(id=ids.PRESENT_LIVE, className="visually-hidden", role="status", **{"aria-live": "polite"}),
    ])
