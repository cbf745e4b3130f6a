"""The Summary page: headline cards, trend, offense breakdown, hour x weekday, the Plan's goal.

Pure functions only: each takes small DataFrames from ``data_access.summary`` and returns Dash
components or Plotly figures, so every number on screen can be checked without a browser.

Every chart has an accessible name that says what it shows (``*_name``) and a "Show as table"
table of the same numbers (``*_table``), built from the same series as the figure so the two
cannot disagree. Text is English in the code and translated where it is shown (``app.i18n``).
Colours are from the Okabe-Ito palette (safe for the common colour-vision deficiencies) and
never the only difference: offense groups and the goal's met/missed bars also differ by fill
pattern and legend, the offense filter's choice by a check mark.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.chance import NORMAL, TOO_FEW, UNUSUAL, Judgement, judge
from app.i18n import N_, _, ngettext
from data_access.filters import Filters
from data_access.vocabulary import GROUP_LABELS, OFFENSE_BY_CODE, offense_label
from layouts.common import (
    chart,
    csv_link,
    data_table,
    describe_filters,
    empty_figure,
    figure,
    fmt_dec,
    fmt_int,
    fmt_pct,
    fmt_signed,
    geo_phrases,
    pct_change,
    section,
    span_text,
    style_figure,
)
from layouts.static import static

HEATMAP_HEIGHT = 360
TOP_ROW_HEIGHT = 520  # trend and offense breakdown: room for all 14 offense labels, two lines on a phone

# Ids of this page's own parts (the chart figures, whose names follow the filters, their tables,
# and the offense filter's buttons); app/ids.py holds the ids other modules share.
TREND_FIGURE = "summary-trend-figure"
TREND_TABLE = "summary-trend-table"
OFFENSES_FIGURE = "summary-offenses-figure"
OFFENSES_TABLE = "summary-offenses-table"
HEATMAP_FIGURE = "summary-heatmap-figure"
HEATMAP_TABLE = "summary-heatmap-table"
GOAL_FIGURE = "summary-goal-figure"
GOAL_TABLE = "summary-goal-table"
OFFENSE_BUTTON = "summary-offense-button"  # pattern-matching type: {"type": OFFENSE_BUTTON, "code": ...}

# Okabe & Ito's palette: told apart with every common colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "grey": "#8a94a6",
    "ink": "#222222",
    "navy": "#1f4e79",
}
GROUP_STYLE = {  # offense group -> (colour, fill pattern): pattern and legend, not colour alone
    "violent": (PALETTE["vermillion"], ""),
    "property": (PALETTE["blue"], "/"),
    "other": (PALETTE["purple"], "."),
}
SELECTED_MARK = "✓"
ABOUT_CHANCE = "chance"  # the About page's section on changes against chance (layouts.about)


def _pct_abs(p: float) -> str:
    """A percentage without its sign ("13%", "13 %")."""
    return fmt_pct(abs(p)).lstrip("+")


def where_text(f: Filters) -> str:
    """The geography filters in words, or "citywide" (for the goal, which ignores the rest)."""
    parts = geo_phrases(f)
    return " · ".join(parts) if parts else _("Citywide")


# --- headline cards ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    key: str
    title: str  # an English msgid: shown as _(title)
    current: int | None  # None: the card's offenses are outside the offense filter
    prior: int | None  # None: no data for the comparison span
    change: int | None
    pct: float | None  # None: too few to compare (or no comparison)
    note: str  # an English msgid ("" for none): shown as _(note)
    # the change judged against chance (app.chance): None when there is no whole earlier span
    judgement: Judgement | None = None


CARD_DEFS = (
    ("homicide", N_("Homicides"), lambda o: o == "homicide"),
    ("shooting", N_("Non-fatal shootings"), lambda o: o == "shooting"),
    ("violent", N_("Violent crime"), lambda o: OFFENSE_BY_CODE[o].group == "violent"),
    ("property", N_("Property crime"), lambda o: OFFENSE_BY_CODE[o].group == "property"),
    ("all", N_("All Part 1 crime"), lambda o: True),
)
NOTE_NOT_SELECTED = N_("Not in the selected offenses")
NOTE_NO_PRIOR = N_("No data for the same span a year earlier")
NOTE_TOO_FEW = N_("Too few to compare")
NOTE_PARTIAL_PRIOR = N_("Earlier span only partly covered by the data")


def headline_cards(counts: pd.DataFrame, f: Filters, *, min_compare: int,
                   first_date: date | None) -> list[Card]:
    """Cards from ``data_access.summary.offense_counts`` (columns offense, current, prior; further columns,
    such as a gun flag, are ignored).

    The comparison is the same span one year earlier (``Filters.prior``). Percent change is
    shown only when the earlier count reaches ``min_compare``; below it a percentage of a
    handful of events says more about chance than about safety. Each change is judged against
    chance (``app.chance.judge`` over the two spans' days): too few to tell, within normal
    variation, or unusual; not when the data covers only part of the earlier span.
    """
    p = f.prior()
    prior_missing = first_date is None or p.end < first_date
    prior_partial = not prior_missing and p.start < first_date
    # Plain Python over a few dozen rows: pandas' per-call overhead would be most of the time.
    totals = _by_offense(counts)
    cards = []
    for key, title, member in CARD_DEFS:
        offenses = [o for o in OFFENSE_BY_CODE if member(o)]
        if f.offense and not set(offenses) & set(f.offense):
            cards.append(Card(key, title, None, None, None, None, NOTE_NOT_SELECTED))
            continue
        cur = sum(totals[o][0] for o in offenses if o in totals)
        if prior_missing:
            cards.append(Card(key, title, cur, None, None, None, NOTE_NO_PRIOR))
            continue
        pri = sum(totals[o][1] for o in offenses if o in totals)
        change = cur - pri
        pct = pct_change(cur, pri, min_compare)
        note = "" if pct is not None else NOTE_TOO_FEW
        judgement = None
        if prior_partial:
            note = NOTE_PARTIAL_PRIOR
            pct = None
        else:
            judgement = judge(cur, pri, f.days, p.days)
        cards.append(Card(key, title, cur, pri, change, pct, note, judgement))
    return cards


def _by_offense(counts: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """offense -> (current, prior), gun and other rows added together."""
    out: dict[str, tuple[int, int]] = {}
    if len(counts):
        for o, c, p in zip(counts.offense.tolist(), counts.current.tolist(), counts.prior.tolist()):
            c0, p0 = out.get(o, (0, 0))
            out[o] = (c0 + int(c), p0 + int(p))
    return out


VERDICT_WORDS = {TOO_FEW: N_("too few to tell"), NORMAL: N_("within normal variation")}


def verdict_text(c: Card) -> str:
    """The change against chance in plain words ("" when it was not judged): "too few to tell",
    "within normal variation", "an unusual rise" / "an unusual drop"."""
    j = c.judgement
    if j is None or c.change is None:
        return ""
    if j.verdict == UNUSUAL:
        return _("an unusual rise") if c.change > 0 else _("an unusual drop")
    return _(VERDICT_WORDS[j.verdict])


def change_tone(c: Card) -> str:
    """The change's colour class: "up" (worse) or "down" (better) only for a change unusual for
    chance; "neutral" for one within normal variation, too few to tell or not judged; "flat" for
    none. The colour never says more than the test does."""
    if not c.change:
        return "flat"
    if c.judgement is not None and c.judgement.verdict == UNUSUAL:
        return "up" if c.change > 0 else "down"
    return "neutral"


def card_change_text(c: Card) -> str:
    """"−14 (−11%) vs 125 · within normal variation": the change, its percentage when there are
    enough to compare, the earlier count, and the change judged against chance."""
    if c.pct is not None:
        text = _("{change} ({pct}) vs {prior}").format(change=fmt_signed(c.change), pct=fmt_pct(c.pct),
                                                        prior=fmt_int(c.prior))
    else:
        text = _("{change} vs {prior}").format(change=fmt_signed(c.change), prior=fmt_int(c.prior))
    verdict = verdict_text(c)
    return _("{change} · {verdict}").format(change=text, verdict=verdict) if verdict else text


def cards_component(cards: list[Card], f: Filters) -> Component:
    p = f.prior()
    items = []
    for c in cards:
        if c.current is None:
            body = [html.Div("—", className="card-value muted"), html.Div(_(c.note), className="card-note")]
        else:
            body = [html.Div(fmt_int(c.current), className="card-value")]
            if c.change is not None:
                # Fewer victims is the good direction for every card, but green or red only when the
                # change is unusual for chance (change_tone). The arrow repeats the sign (+/−) of the
                # text, so it is hidden from screen readers and colour is never alone.
                tone = change_tone(c)
                arrow = "■" if tone == "flat" else ("▲" if c.change > 0 else "▼")
                body.append(html.Div([html.Span(arrow, **{"aria-hidden": "true"}), " ", card_change_text(c)],
                                     className=f"card-change {tone}"))
            if c.note and not (c.note == NOTE_TOO_FEW and c.judgement is not None):  # the verdict says it
                body.append(html.Div(_(c.note), className="card-note"))
        items.append(html.Div([html.Div(_(c.title), className="card-title")] + body,
                              className="stat-card", id=f"card-{c.key}", **{"data-key": c.key}))
    caption = _("{filters}: {span} compared with {prior_span}").format(
        filters=describe_filters(f), span=span_text(f), prior_span=span_text(p))
    how = html.A(_("How a change is judged against chance"), href="/about#" + ABOUT_CHANCE)
    # one Static (no callback names a card: the callback redraws them whole), the cards' ids kept
    return static(html.Div([html.Div(items, className="stat-cards"),
                            html.P([caption, ". ", how, " · ", csv_link("/summary/headline", _("Headline numbers"))],
                                   className="caption")]), named=True)


# --- trend ------------------------------------------------------------------------------------

AVERAGE_LABELS = {4: N_("4-week average"), 12: N_("12-month average"), 3: N_("3-month average")}
TREND_NAMES = {  # (grain, window) -> the chart's accessible name
    ("week", 4): N_("Line chart: victims of Part 1 crime per week, with a 4-week average, {span}. {filters}."),
    ("month", 12): N_("Line chart: victims of Part 1 crime per month, with a 12-month average, {span}. {filters}."),
    ("month", 3): N_("Line chart: victims of Part 1 crime per month, with a 3-month average, {span}. {filters}."),
}
PER_GRAIN = {"week": N_("Victims per week"), "month": N_("Victims per month")}
PARTIAL_LABEL = N_("Partial period")


def rolling_window(grain: str, n_periods: int) -> tuple[int, str]:
    """(periods averaged, the average's English label)."""
    if grain == "week":
        return 4, AVERAGE_LABELS[4]
    return (12, AVERAGE_LABELS[12]) if n_periods >= 24 else (3, AVERAGE_LABELS[3])


def complete_periods(df: pd.DataFrame, grain: str) -> list[bool]:
    """Per period of ``data_access.summary.trend``: whether the span covers all of it (the first
    and last week or month may be cut short by the dates chosen)."""
    full = ([7] * len(df) if grain == "week"
            else [calendar.monthrange(d.year, d.month)[1] for d in df.period_start.tolist()])
    return [d >= n for d, n in zip(df.days.tolist(), full)]


@dataclass(frozen=True)
class TrendSeries:
    starts: list[date]
    ends: list[date]
    counts: list[int]
    complete: list[bool]
    average: list[float | None]
    window: int
    label: str  # English msgid of the average


def trend_series(df: pd.DataFrame, grain: str) -> TrendSeries:
    """The trend's numbers, shared by its figure and its table. Periods cut short by the span's
    edges are left out of the rolling average, so a partial month never looks like a drop."""
    counts = [int(n) for n in df.n.tolist()]
    complete = complete_periods(df, grain)
    window, label = rolling_window(grain, len(counts))
    kept = [n if c else None for n, c in zip(counts, complete)]
    avg: list[float | None] = [None] * len(kept)
    for i in range(window - 1, len(kept)):
        part = kept[i - window + 1:i + 1]
        if None not in part:
            avg[i] = sum(part) / window
    return TrendSeries(df.period_start.tolist(), df.period_end.tolist(), counts, complete, avg, window, label)


def _period_text(s: date, e: date, complete: bool) -> str:
    text = i18n.date_short(s) if s == e else f"{i18n.date_short(s)} – {i18n.date_short(e)}"
    return text if complete else _("{period} (partial)").format(period=text)


def trend_figure(df: pd.DataFrame, grain: str) -> dict:
    """Counts per week (counted back from the end date) or month, with a rolling average.

    Periods cut short by the span's edges are drawn hollow and left out of the average.
    """
    t = trend_series(df, grain)
    if not any(t.counts):
        return empty_figure(_("No victims recorded for these filters"))
    x = [d.isoformat() for d in t.starts]
    hover = [f"{_period_text(s, e, c)}: {fmt_int(n)}" for s, e, n, c in zip(t.starts, t.ends, t.counts, t.complete)]
    per = _(PER_GRAIN.get(grain, PER_GRAIN["month"]))
    data = [
        {"type": "scatter", "x": x, "y": t.counts, "mode": "lines+markers",
         "name": per, "line": {"color": PALETTE["grey"], "width": 1},
         "marker": {"color": [PALETTE["navy"] if c else "white" for c in t.complete],
                    "line": {"color": PALETTE["navy"], "width": 1.5}, "size": 6},
         "hovertext": hover, "hoverinfo": "text"},
        {"type": "scatter", "x": x, "y": t.average,
         "mode": "lines", "name": _(t.label), "line": {"color": PALETTE["vermillion"], "width": 3},
         "hoverinfo": "skip"},
    ]
    cut = [i for i, c in enumerate(t.complete) if not c]
    if cut:  # the hollow points, drawn again as their own legend entry: what hollow means
        data.append({"type": "scatter", "x": [x[i] for i in cut], "y": [t.counts[i] for i in cut], "mode": "markers",
                     "name": _(PARTIAL_LABEL), "hoverinfo": "skip",
                     "marker": {"color": "white", "line": {"color": PALETTE["navy"], "width": 1.5}, "size": 6}})
    layout = {"yaxis": {"title": {"text": per, "standoff": 6}, "rangemode": "tozero"},
              "xaxis": {"type": "date"}}
    return style_figure(figure(data, layout), height=TOP_ROW_HEIGHT, legend=True)


def trend_table(df: pd.DataFrame, grain: str, f: Filters) -> html.Div:
    t = trend_series(df, grain)
    rows = [[_period_text(s, e, c), fmt_int(n), "—" if a is None else fmt_dec(a, 1)]
            for s, e, n, c, a in zip(t.starts, t.ends, t.counts, t.complete, t.average)]
    caption = _("Victims of Part 1 crime per period, {span}. {filters}.").format(
        span=span_text(f), filters=describe_filters(f))
    return data_table([_("Period"), _(PER_GRAIN.get(grain, PER_GRAIN["month"])), _(t.label)], rows, caption,
                      numeric=(1, 2))


def trend_name(df: pd.DataFrame, grain: str, f: Filters) -> str:
    window, _label = rolling_window(grain, len(df))
    template = TREND_NAMES.get((grain, window), TREND_NAMES[("month", 12)])
    return _(template).format(span=span_text(f), filters=describe_filters(f))


# --- offense breakdown ------------------------------------------------------------------------

def _breakdown_rows(counts: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(offense, current, prior) per offense, largest first."""
    return sorted(((o, c, p) for o, (c, p) in _by_offense(counts).items()), key=lambda r: (-r[1], r[0]))


def offense_rows(counts: pd.DataFrame) -> list[tuple[str, int, int]]:
    """The offenses the chart and its table show, largest first."""
    return [r for r in _breakdown_rows(counts) if r[1] + r[2] > 0]


def wrap_label(label: str, width: int = 22) -> str:
    """A long axis label on two lines (at the space nearest its middle), so the bars keep their
    room on a phone: "Robo (de vehículo<br>con violencia)"."""
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, ch in enumerate(label) if ch == " "), key=lambda i: abs(i - middle))
    return f"{label[:cut]}<br>{label[cut + 1:]}"


def offense_tick(code: str, selected: tuple[str, ...]) -> str:
    """An offense's label on the chart's axis; a check mark in front when it is in the offense
    filter (so the choice does not show by colour alone)."""
    label = _(offense_label(code))
    return wrap_label(f"{SELECTED_MARK} {label}" if code in selected else label)


def offense_figure(counts: pd.DataFrame, selected: tuple[str, ...]) -> dict:
    """Bars for this span by offense, a tick for the same span a year earlier, and each bar's
    number past the end of both (``label_x``), so no tick is ever drawn over a number. Every
    colour has its legend entry: the three offense groups and, with an offense filter, the grey of
    the offenses outside it."""
    rows = offense_rows(counts)
    if not rows:
        return empty_figure(_("No victims recorded for these filters"))
    rows.reverse()  # largest at the top of a horizontal bar chart
    codes = [r[0] for r in rows]
    labels = [offense_tick(o, selected) for o in codes]
    chosen = [not selected or o in selected for o in codes]
    data = []
    # One bar trace per offense group (a legend entry, a colour and a fill pattern each); the
    # offenses outside the filter's choice are one grey trace of their own, keeping their patterns.
    pattern = {"fillmode": "overlay", "fgcolor": "white", "size": 6, "solidity": 0.3}
    groups = [(_(GROUP_LABELS[g]), colour, shape, [i for i, o in enumerate(codes)
                                                   if chosen[i] and OFFENSE_BY_CODE[o].group == g])
              for g, (colour, shape) in GROUP_STYLE.items()]
    others = [i for i in range(len(codes)) if not chosen[i]]
    groups.append((_("Not in the offense filter"), PALETTE["grey"],
                   [GROUP_STYLE[OFFENSE_BY_CODE[codes[i]].group][1] for i in others], others))
    for name, colour, shape, idx in groups:
        if not idx:
            continue
        data.append({
            "type": "bar", "orientation": "h", "name": name,
            "x": [rows[i][1] for i in idx], "y": [labels[i] for i in idx], "customdata": [codes[i] for i in idx],
            "marker": {"color": [colour] * len(idx), "pattern": {**pattern, "shape": shape},
                       "line": {"color": PALETTE["ink"], "width": 0.5}},
            "text": [fmt_int(rows[i][1]) for i in idx], "textposition": "none",  # drawn by the labels below
            "hovertemplate": "%{y}: %{x:,}<extra>" + _("Click to filter") + "</extra>"})
    data.append({  # each bar's number, just past the end of its bar and of its tick
        "type": "scatter", "mode": "markers+text", "x": [label_x(r[1], r[2]) for r in rows], "y": labels,
        # an invisible 12 px marker: the text starts 6 px right of the bar's end or the tick
        "marker": {"size": 12, "color": "rgba(0,0,0,0)"},
        "text": [fmt_int(r[1]) for r in rows], "textposition": "middle right", "cliponaxis": False,
        "textfont": {"color": PALETTE["ink"]}, "showlegend": False, "hoverinfo": "skip"})
    data.append({
        "type": "scatter", "x": [r[2] for r in rows], "y": labels, "mode": "markers",
        "name": _("Same span a year earlier"), "customdata": codes,
        "marker": {"symbol": "line-ns-open", "size": 16, "color": PALETTE["ink"], "line": {"width": 2}},
        "hovertemplate": _("A year earlier: %{x:,}") + "<extra></extra>"})
    top = max(max(r[1], r[2]) for r in rows)
    layout = {"clickmode": "event", "bargap": 0.2 if len(rows) > 4 else 0.6, "barmode": "stack",
              "xaxis": {"rangemode": "tozero", "range": [0, top * 1.12]},
              # every label, never skipped, in the order of the rows (largest at the top)
              "yaxis": {"tickmode": "array", "tickvals": labels, "automargin": True, "tickfont": {"size": 12},
                        "categoryorder": "array", "categoryarray": labels},
              "margin": {"r": 56},  # the numbers past the longest bar or tick (cliponaxis off)
              "legend": {"traceorder": "normal"}}
    return style_figure(figure(data, layout), height=TOP_ROW_HEIGHT, legend=True)


def label_x(current: int, prior: int) -> int:
    """Where a bar's number starts: past the end of the bar and past the year-earlier tick (a tick
    is 2 px wide; the label's text starts a few pixels to the right of this point)."""
    return max(current, prior)


def offense_table(counts: pd.DataFrame, selected: tuple[str, ...], f: Filters) -> html.Div:
    """The offense chart's numbers; each offense's name is a button that does what a click on
    its bar does (choose it as the offense filter, or clear it when it is the only one chosen):
    the chart's filter, by keyboard."""
    rows = []
    for code, cur, pri in offense_rows(counts):
        chosen = code in selected
        label = _(offense_label(code))
        button = html.Button(
            [html.Span(SELECTED_MARK + " " if chosen else "", **{"aria-hidden": "true"}), label],
            id={"type": OFFENSE_BUTTON, "code": code}, className="offense-filter-button", n_clicks=0,
            title=_("Filter every view to {offense}").format(offense=label) if not chosen
            else _("In the offense filter: choose again to clear it"),
            **{"aria-pressed": "true" if chosen else "false"})
        rows.append([button, _(GROUP_LABELS[OFFENSE_BY_CODE[code].group]), fmt_int(cur), fmt_int(pri),
                     fmt_signed(cur - pri)])
    if not rows:
        return html.P(_("No victims recorded for these filters"), className="chart-table-empty")
    caption = _("Victims by offense, {span} and the same span a year earlier. {filters}.").format(
        span=span_text(f), filters=describe_filters(f))
    hint = html.P(_("Choose an offense to filter every view to it; choose it again to clear the filter."),
                  className="offense-filter-hint")
    return html.Div([hint, data_table([_("Offense"), _("Group"), _("This span"), _("A year earlier"), _("Change")],
                                      rows, caption, numeric=(2, 3, 4), press=ids.pressed_id("summary"))])


def offense_name(f: Filters) -> str:
    return _("Bar chart: victims by offense, {span}, against the same span a year earlier. {filters}.").format(
        span=span_text(f), filters=describe_filters(f))


def clicked_offense(click_data: dict | None) -> str | None:
    """The offense code of a clicked bar, or None for anything else."""
    try:
        code = click_data["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    return code if isinstance(code, str) and code in OFFENSE_BY_CODE else None


def toggle_offense(code: str, current: list[str] | None) -> list[str]:
    """The offense filter after a bar click or its button: that offense alone, or none when it was
    already the only one."""
    return [] if list(current or []) == [code] else [code]


# --- hour x weekday ---------------------------------------------------------------------------

def heatmap_grid(df: pd.DataFrame) -> pd.DataFrame:
    """A 7 x 24 grid (rows Monday..Sunday, columns hours 0..23) of victim counts."""
    return pd.DataFrame(_grid(df), index=range(1, 8), columns=range(24), dtype="int64")


def _grid(df: pd.DataFrame) -> list[list[int]]:
    grid = [[0] * 24 for _ in range(7)]
    if len(df):
        for d, h, n in zip(df.dow.tolist(), df.hour.tolist(), df.n.tolist()):
            grid[int(d) - 1][int(h)] += int(n)
    return grid


HOURS = [f"{h:02d}:00" for h in range(24)]
# ColorBrewer's YlOrRd: lightness falls steadily from least to most, so it reads without hue.
HEAT_SCALE = [[0, "#ffffcc"], [0.25, "#fed976"], [0.5, "#fd8d3c"], [0.75, "#e31a1c"], [1, "#800026"]]


def weekday_labels() -> list[str]:
    """Monday..Sunday, abbreviated in the reader's language."""
    return [i18n.weekday_name(i).rstrip(".") for i in range(7)]


def heatmap_figure(df: pd.DataFrame) -> dict:
    grid = _grid(df)
    if not any(any(row) for row in grid):
        return empty_figure(_("No victims with a recorded time for these filters"))
    # Darker is more (HEAT_SCALE), legible by lightness alone; each cell's count is in its tooltip and the table.
    data = [{"type": "heatmap", "z": grid, "x": HOURS, "y": weekday_labels(),
             "colorscale": HEAT_SCALE, "colorbar": {"title": {"text": _("Victims"), "side": "top"}, "orientation": "h", "thickness": 10,
                                                  "x": 0, "xanchor": "left", "len": 1, "y": -0.32, "yanchor": "top"}, "xgap": 1, "ygap": 1,
             "hovertemplate": "%{y} %{x}<br>" + _("Victims: %{z:,}") + "<extra></extra>"}]
    # short hour ticks (0, 3, … 21) under an axis title: level and legible at 320 px
    layout = {"yaxis": {"autorange": "reversed"},
              "xaxis": {"tickvals": HOURS[::3], "ticktext": [str(h) for h in range(0, 24, 3)], "tickangle": 0,
                        "title": {"text": _("Hour of day"), "standoff": 4}},
              "margin": {"b": 100}}  # the colour scale lies under the hours: the cells keep the width
    return style_figure(figure(data, layout), height=HEATMAP_HEIGHT)


def heatmap_table(df: pd.DataFrame, f: Filters) -> html.Div:
    """One row per hour, one column per day (7 columns: narrower than 24 on a phone)."""
    grid = _grid(df)
    rows = [[HOURS[h]] + [fmt_int(grid[d][h]) for d in range(7)] for h in range(24)]
    caption = _("Victims by hour of day and day of week, {span}. {filters}.").format(
        span=span_text(f), filters=describe_filters(f))
    return data_table([_("Hour")] + weekday_labels(), rows, caption, numeric=tuple(range(1, 8)))


def heatmap_name(f: Filters) -> str:
    return _("Heat map: victims by hour of day and day of week, {span}. {filters}.").format(
        span=span_text(f), filters=describe_filters(f))


# --- the Plan's goal --------------------------------------------------------------------------

def goal_rows(df: pd.DataFrame, *, baseline_year: int, reduction: float, through: date) -> pd.DataFrame:
    """Actual gun violence per year against a path of ``reduction`` fewer each year.

    The baseline year's actual count anchors the path: target(y) = base * (1 - reduction)^(y - b).
    The current, partial year is compared through the same day of year: its target is prorated
    by the share of the baseline year's gun violence that had happened by that day. Whether a year
    is really above or below the path is ``goal_standing``.
    Columns: year, actual, target, partial, vs_target_pct, standing ("below", "above" or "near"),
    verdict (``app.chance``: "unusual", "normal" or "too_few").
    """
    by_year = {int(y): (int(n), int(t)) for y, n, t in zip(df.year.tolist(), df.n.tolist(), df.ytd.tolist())}
    if not by_year.get(baseline_year, (0, 0))[0]:
        return pd.DataFrame(columns=["year", "actual", "target", "partial", "vs_target_pct", "standing", "verdict"])
    base = float(by_year[baseline_year][0])
    share = by_year[baseline_year][1] / base
    year_complete = through == date(through.year, 12, 31)
    rows = []
    for year, (n, ytd) in by_year.items():
        partial = year == through.year and not year_complete
        target = base * (1 - reduction) ** (year - baseline_year)
        if partial:
            target *= share
        actual = ytd if partial else n
        standing, verdict = goal_standing(actual, target)
        rows.append({"year": int(year), "actual": actual, "target": round(target, 1), "partial": partial,
                     "vs_target_pct": (100.0 * (actual - target) / target) if target else None,
                     "standing": standing, "verdict": verdict})
    return pd.DataFrame(rows)


def goal_standing(actual: int, target: float) -> tuple[str, str]:
    """(standing, verdict) of a year against the path. The stated rule: the year's count is
    compared with the target (rounded) by the headline cards' test (``app.chance.judge``), as if
    the target were a count over the same span; the year is "below" or "above" the path only
    when that difference is unusual for chance, else "near" (2 against a target of 3 is neither).
    Treating the target as a count is cautious: the path's own count (the baseline year's) varies
    by chance too."""
    j = judge(int(actual), int(round(target)))
    if j.verdict == UNUSUAL:
        return ("below" if actual < target else "above"), j.verdict
    return "near", j.verdict


# standing -> (legend and table words, colour, fill pattern): colour and pattern both differ
GOAL_STYLE = {
    "below": (N_("Below the target path"), PALETTE["blue"], ""),
    "above": (N_("Above the target path"), PALETTE["vermillion"], "x"),
    "near": (N_("Near the path"), PALETTE["grey"], "."),
}
GOAL_VERDICT_WORDS = {UNUSUAL: N_("More than normal variation."), NORMAL: N_("Within normal variation."),
                      TOO_FEW: N_("Too few to tell.")}


def _standing_words(standing: str, verdict: str) -> str:
    """A year's status in the goal's table: above, below, within normal variation, too few to tell."""
    if standing != "near":
        return _(GOAL_STYLE[standing][0])
    return _("Too few to tell") if verdict == TOO_FEW else _("Within normal variation of the path")


def _year_label(year: int, partial: bool) -> str:
    return _("{year} (to date)").format(year=year) if partial else str(year)


def _year_tick(label: str) -> str:
    """A year's label on the chart's axis: "(to date)" on a second line, so it never collides."""
    return label.replace(" (", "<br>(", 1)


def goal_figure(rows: pd.DataFrame, *, baseline_year: int, reduction: float) -> dict:
    """Each year's gun violence against the path: blue below it, vermillion above it, grey when
    the difference is within normal variation or too few to tell (``goal_standing``), each with
    its own legend entry and fill pattern."""
    if rows.empty:
        return empty_figure(_("No gun violence recorded in {year}, the goal's baseline year").format(year=baseline_year))
    labels = [_year_tick(_year_label(int(y), bool(p))) for y, p in zip(rows.year, rows.partial)]
    standing = rows.standing.tolist()
    actual = [int(a) for a in rows.actual]
    data = []
    for key, (name, colour, shape) in GOAL_STYLE.items():
        idx = [i for i, s in enumerate(standing) if s == key]
        if not idx:
            continue
        data.append({
            "type": "bar", "x": [labels[i] for i in idx], "y": [actual[i] for i in idx], "name": _(name),
            "marker": {"color": colour,
                       "pattern": {"shape": shape, "fillmode": "overlay", "fgcolor": "white", "size": 7, "solidity": 0.3},
                       "line": {"color": PALETTE["ink"], "width": 0.5}},
            "hovertext": [_victims_of_gun_violence(labels[i], actual[i]) for i in idx], "hoverinfo": "text+name"})
    data.append({
        "type": "scatter", "x": labels, "y": [float(t) for t in rows.target], "mode": "lines+markers",
        "name": _("Target ({pct} fewer each year)").format(pct=_pct_abs(reduction * 100)),
        "line": {"color": PALETTE["ink"], "dash": "dash"}, "marker": {"symbol": "diamond", "size": 8},
        "hovertemplate": "%{x}: " + _("target %{y:,.0f}") + "<extra></extra>"})
    top = max(max(actual), float(rows.target.max()))
    # Each year's count above its bar and above the path's marker (which it would otherwise cover), on
    # a white label so the target line never runs through it. (x by the category's position: a year's
    # label "2021" would be read as the number 2021)
    numbers = [{"x": i, "y": max(a, float(t)), "text": fmt_int(a), "showarrow": False, "yanchor": "bottom",
                "yshift": 6, "bgcolor": "rgba(255,255,255,0.9)", "font": {"color": PALETTE["ink"], "size": 12}}
               for i, (a, t) in enumerate(zip(actual, rows.target))]
    # A short axis title: the legend and the section say whose victims (room for bars on a phone).
    layout = {"yaxis": {"title": {"text": _("Victims")}, "rangemode": "tozero",
                        "range": [0, top * 1.15]},
              "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": labels},
              "barmode": "overlay", "annotations": numbers}
    return style_figure(figure(data, layout), height=340, legend=True)


def _victims_of_gun_violence(label: str, n: int) -> str:
    """A bar's tooltip: "2024: 1 victim of gun violence" (one plural rule per language)."""
    return f"{label.replace('<br>', ' ')}: " + ngettext("{n} victim of gun violence", "{n} victims of gun violence",
                                                        n).format(n=fmt_int(n))


def goal_table(rows: pd.DataFrame, f: Filters) -> html.Div:
    if rows.empty:
        return html.P(_("No data for the goal's baseline year."), className="chart-table-empty")
    body = []
    for y, p, a, t, v, st, vd in zip(rows.year, rows.partial, rows.actual, rows.target, rows.vs_target_pct,
                                     rows.standing, rows.verdict):
        status = _standing_words(st, vd)
        body.append([_year_label(int(y), bool(p)), fmt_int(a), fmt_int(t),
                     "—" if v is None or pd.isna(v) else fmt_pct(float(v)), status])
    caption = _("Victims of gun violence per year against the Plan's target path. {where}.").format(where=where_text(f))
    return data_table([_("Year"), _("Victims of gun violence"), _("Target"), _("Against the target"), _("Status")],
                      body, caption, numeric=(1, 2, 3))


def goal_name(f: Filters) -> str:
    return _("Bar chart: victims of gun violence per year against the Plan's target path. {where}.").format(
        where=where_text(f))


def goal_status(rows: pd.DataFrame) -> str:
    if rows.empty:
        return ""
    last = rows.iloc[-1]
    n = int(last.actual)
    span = _("{year} to date").format(year=int(last.year)) if last.partial else str(int(last.year))
    pct = _pct_abs(last.vs_target_pct) if pd.notna(last.vs_target_pct) else _pct_abs(0)  # no target: None -> NaN
    values = {"span": span, "actual": fmt_int(n), "target": fmt_int(last.target), "pct": pct}
    if last.actual <= last.target:
        text = ngettext("{span}: {actual} victim of gun violence against a target of {target} — {pct} below the path.",
                        "{span}: {actual} victims of gun violence against a target of {target} — {pct} below the path.",
                        n).format(**values)
    else:
        text = ngettext("{span}: {actual} victim of gun violence against a target of {target} — {pct} above the path.",
                        "{span}: {actual} victims of gun violence against a target of {target} — {pct} above the path.",
                        n).format(**values)
    return f"{text} {_(GOAL_VERDICT_WORDS[last.verdict])}"


# --- page -------------------------------------------------------------------------------------

def _loading(child) -> dcc.Loading:
    return dcc.Loading(child, type="circle", delay_show=150)


def _chart(graph_id: str, table_id: str, figure_id: str, name: str, height: int = 320) -> html.Figure:
    out = chart(graph_id, table_id, name, height)
    out.id = figure_id  # the callback renames the figure as the filters change
    # Only the graph shows the loading spinner: the table (and a focused offense button in it)
    # stays in place while the page updates.
    out.children[0] = _loading(out.children[0])
    return out


def summary_page(reduction: float) -> html.Div:
    """The page's frame; every number, name and table is filled by ``callbacks.summary``."""
    trend = _chart(ids.SUMMARY_TREND, TREND_TABLE, TREND_FIGURE,
                   _("Line chart: victims of Part 1 crime per period, with a rolling average"), TOP_ROW_HEIGHT)
    offenses = _chart(ids.SUMMARY_OFFENSES, OFFENSES_TABLE, OFFENSES_FIGURE, _("Bar chart: victims by offense"),
                      TOP_ROW_HEIGHT)
    heatmap = _chart(ids.SUMMARY_HEATMAP, HEATMAP_TABLE, HEATMAP_FIGURE,
                     _("Heat map: victims by hour of day and day of week"), HEATMAP_HEIGHT)
    goal = _chart(ids.SUMMARY_GOAL, GOAL_TABLE, GOAL_FIGURE,
                  _("Bar chart: victims of gun violence per year against the Plan's target path"), 340)
    return html.Div([
        html.Div(id=ids.SUMMARY_ERROR),
        dcc.Loading(html.Div(id=ids.SUMMARY_CARDS, className="cards-holder"), type="dot",
                    delay_show=150),
        html.Div([
            section(_("Trend"), trend,
                    _("Victims of Part 1 crime per period, with a rolling average. Hollow points are "
                      "periods cut short by the date range."), width_class="span-7", csv="/summary/trend"),
            section(_("By offense"), offenses,
                    _("Bars: this span, by offense group (color and pattern). Ticks: the same span a year "
                      "earlier. Click or tap a bar, or choose an offense under “Show as table”, to filter every "
                      "view to that offense; ✓ marks the offenses chosen."), width_class="span-5",
                    csv="/summary/offenses"),
        ], className="panel-row"),
        html.Div([
            section(_("When it happens"), heatmap,
                    _("Victims by hour of day and day of week (local time). Darker is more."),
                    width_class="span-6", csv="/summary/hour-weekday"),
            section(_("The Plan's goal: gun violence down {pct} a year").format(pct=_pct_abs(reduction * 100)),
                    html.Div([html.P(id=ids.SUMMARY_CAPTION, className="goal-status"), goal]),
                    _("Homicides by firearm plus non-fatal shootings per year, against the Comprehensive "
                      "Violence Prevention Plan's path. A year is colored above or below the path only when the "
                      "difference is more than normal variation; grey bars are near the path. Geography "
                      "filters apply; date and offense filters do not."), width_class="span-6", csv="/summary/goal"),
        ], className="panel-row"),
    ], className="summary-page")
