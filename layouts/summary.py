"""The Summary page: headline cards, trend, offense breakdown, hour x weekday, the Plan's goal.

Pure functions only: each takes small DataFrames from ``data_access.summary`` and returns Dash
components or Plotly figures, so every number on screen can be checked without a browser.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd
from dash import dcc, html

from app import ids
from data_access.filters import Filters, span_label
from data_access.vocabulary import OFFENSE_BY_CODE, offense_label
from layouts.common import (
    COLORS,
    describe_filters,
    empty_figure,
    figure,
    fmt_int,
    fmt_pct,
    fmt_signed,
    graph,
    pct_change,
    section,
    style_figure,
)

DOW_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TOP_ROW_HEIGHT = 480  # trend and offense breakdown: room for all 14 offense labels


# --- headline cards ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    key: str
    title: str
    current: int | None  # None: the card's offenses are outside the offense filter
    prior: int | None  # None: no data for the comparison span
    change: int | None
    pct: float | None  # None: too few to compare (or no comparison)
    note: str


CARD_DEFS = (
    ("homicide", "Homicides", lambda o: o == "homicide"),
    ("shooting", "Non-fatal shootings", lambda o: o == "shooting"),
    ("violent", "Violent crime", lambda o: OFFENSE_BY_CODE[o].group == "violent"),
    ("property", "Property crime", lambda o: OFFENSE_BY_CODE[o].group == "property"),
    ("all", "All Part 1 crime", lambda o: True),
)


def headline_cards(counts: pd.DataFrame, f: Filters, *, min_compare: int,
                   first_date: date | None) -> list[Card]:
    """Cards from ``data_access.summary.offense_counts`` (columns offense, current, prior; further columns,
    such as a gun flag, are ignored).

    The comparison is the same span one year earlier (``Filters.prior``). Percent change is
    shown only when the earlier count reaches ``min_compare``; below it a percentage of a
    handful of events says more about chance than about safety.
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
            cards.append(Card(key, title, None, None, None, None, "Not in the selected offenses"))
            continue
        cur = sum(totals[o][0] for o in offenses if o in totals)
        if prior_missing:
            cards.append(Card(key, title, cur, None, None, None, "No data for the same span a year earlier"))
            continue
        pri = sum(totals[o][1] for o in offenses if o in totals)
        change = cur - pri
        pct = pct_change(cur, pri, min_compare)
        note = "" if pct is not None else "Too few to compare"
        if prior_partial:
            note = "Earlier span only partly covered by the data"
            pct = None
        cards.append(Card(key, title, cur, pri, change, pct, note))
    return cards


def _by_offense(counts: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """offense -> (current, prior), gun and other rows added together."""
    out: dict[str, tuple[int, int]] = {}
    if len(counts):
        for o, c, p in zip(counts.offense.tolist(), counts.current.tolist(), counts.prior.tolist()):
            c0, p0 = out.get(o, (0, 0))
            out[o] = (c0 + int(c), p0 + int(p))
    return out


def cards_component(cards: list[Card], f: Filters) -> html.Div:
    p = f.prior()
    items = []
    for c in cards:
        if c.current is None:
            body = [html.Div("—", className="card-value muted"), html.Div(c.note, className="card-note")]
        else:
            body = [html.Div(fmt_int(c.current), className="card-value")]
            if c.change is not None:
                # Fewer victims is the good direction for every card.
                tone = "down" if c.change < 0 else ("up" if c.change > 0 else "flat")
                arrow = {"down": "▼", "up": "▲", "flat": "■"}[tone]
                pct = f" ({fmt_pct(c.pct)})" if c.pct is not None else ""
                body.append(html.Div(f"{arrow} {fmt_signed(c.change)}{pct} vs {fmt_int(c.prior)}",
                                     className=f"card-change {tone}"))
            if c.note:
                body.append(html.Div(c.note, className="card-note"))
        items.append(html.Div([html.Div(c.title, className="card-title")] + body,
                              className="stat-card", id=f"card-{c.key}", **{"data-key": c.key}))
    caption = f"{describe_filters(f)}: {span_label(f)} compared with {span_label(p)}"
    return html.Div([html.Div(items, className="stat-cards"), html.P(caption, className="caption")])


# --- trend ------------------------------------------------------------------------------------

def rolling_window(grain: str, n_periods: int) -> tuple[int, str]:
    if grain == "week":
        return 4, "4-week average"
    return (12, "12-month average") if n_periods >= 24 else (3, "3-month average")


def complete_periods(df: pd.DataFrame, grain: str) -> list[bool]:
    """Per period of ``data_access.summary.trend``: whether the span covers all of it (the first
    and last week or month may be cut short by the dates chosen)."""
    full = ([7] * len(df) if grain == "week"
            else [calendar.monthrange(d.year, d.month)[1] for d in df.period_start.tolist()])
    return [d >= n for d, n in zip(df.days.tolist(), full)]


def trend_figure(df: pd.DataFrame, grain: str) -> dict:
    """Counts per week (counted back from the end date) or month, with a rolling average.

    Periods cut short by the span's edges are drawn hollow and left out of the average, so a
    partial month never looks like a drop.
    """
    counts = [int(n) for n in df.n.tolist()]
    if not any(counts):
        return empty_figure("No victims recorded for these filters")
    starts, ends = df.period_start.tolist(), df.period_end.tolist()
    complete = complete_periods(df, grain)
    window, label = rolling_window(grain, len(counts))
    kept = [n if c else None for n, c in zip(counts, complete)]
    avg = [None] * len(kept)
    for i in range(window - 1, len(kept)):
        part = kept[i - window + 1:i + 1]
        if None not in part:
            avg[i] = sum(part) / window
    x = [d.isoformat() for d in starts]
    fmt = "%d %b %Y"
    hover = [f"{s:{fmt}} – {e:{fmt}}: {n:,}" + ("" if c else " (partial)")
             for s, e, n, c in zip(starts, ends, counts, complete)]
    data = [
        {"type": "scatter", "x": x, "y": counts, "mode": "lines+markers",
         "name": "Victims per " + grain, "line": {"color": COLORS["muted"], "width": 1},
         "marker": {"color": [COLORS["primary"] if c else "white" for c in complete],
                    "line": {"color": COLORS["primary"], "width": 1.5}, "size": 6},
         "hovertext": hover, "hoverinfo": "text"},
        {"type": "scatter", "x": x, "y": avg,
         "mode": "lines", "name": label, "line": {"color": COLORS["accent"], "width": 3},
         "hoverinfo": "skip"},
    ]
    layout = {"yaxis": {"title": {"text": f"Victims per {grain}"}, "rangemode": "tozero"},
              "xaxis": {"type": "date"}}
    return style_figure(figure(data, layout), height=TOP_ROW_HEIGHT, legend=True)


# --- offense breakdown ------------------------------------------------------------------------

def _breakdown_rows(counts: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(offense, current, prior) per offense, largest first."""
    return sorted(((o, c, p) for o, (c, p) in _by_offense(counts).items()), key=lambda r: (-r[1], r[0]))


def offense_figure(counts: pd.DataFrame, selected: tuple[str, ...]) -> dict:
    rows = [r for r in _breakdown_rows(counts) if r[1] + r[2] > 0]
    if not rows:
        return empty_figure("No victims recorded for these filters")
    rows.reverse()  # largest at the top of a horizontal bar chart
    codes = [r[0] for r in rows]
    current = [r[1] for r in rows]
    labels = [offense_label(o) for o in codes]
    colors = [COLORS[OFFENSE_BY_CODE[o].group] for o in codes]
    if selected:
        colors = [c if o in selected else COLORS["muted"] for o, c in zip(codes, colors)]
    data = [
        {"type": "bar", "x": current, "y": labels, "orientation": "h", "name": "This span",
         "marker": {"color": colors}, "customdata": codes,
         "text": [f"{n:,}" for n in current], "textposition": "auto",
         "hovertemplate": "%{y}: %{x:,}<extra>Click to filter</extra>"},
        {"type": "scatter", "x": [r[2] for r in rows], "y": labels, "mode": "markers",
         "name": "Same span a year earlier", "customdata": codes,
         "marker": {"symbol": "line-ns-open", "size": 16, "color": "#222", "line": {"width": 2}},
         "hovertemplate": "A year earlier: %{x:,}<extra></extra>"},
    ]
    layout = {"clickmode": "event", "bargap": 0.25, "xaxis": {"rangemode": "tozero"},
              # every label, never skipped
              "yaxis": {"tickmode": "array", "tickvals": labels, "automargin": True}}
    return style_figure(figure(data, layout), height=TOP_ROW_HEIGHT, legend=True)


def clicked_offense(click_data: dict | None) -> str | None:
    """The offense code of a clicked bar, or None for anything else."""
    try:
        code = click_data["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    return code if code in OFFENSE_BY_CODE else None


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


def heatmap_figure(df: pd.DataFrame) -> dict:
    grid = _grid(df)
    if not any(any(row) for row in grid):
        return empty_figure("No victims with a recorded time for these filters")
    hours = [f"{h:02d}:00" for h in range(24)]
    data = [{"type": "heatmap", "z": grid, "x": hours, "y": DOW_LABELS,
             "colorscale": "Reds", "colorbar": {"title": {"text": "Victims"}}, "xgap": 1, "ygap": 1,
             "hovertemplate": "%{y} %{x}: %{z:,} victims<extra></extra>"}]
    layout = {"yaxis": {"autorange": "reversed"}, "xaxis": {"tickvals": hours[::3]}}
    return style_figure(figure(data, layout), height=300)


# --- the Plan's goal --------------------------------------------------------------------------

def goal_rows(df: pd.DataFrame, *, baseline_year: int, reduction: float, through: date) -> pd.DataFrame:
    """Actual gun violence per year against a path of ``reduction`` fewer each year.

    The baseline year's actual count anchors the path: target(y) = base * (1 - reduction)^(y - b).
    The current, partial year is compared through the same day of year: its target is prorated
    by the share of the baseline year's gun violence that had happened by that day.
    Columns: year, actual, target, partial, vs_target_pct.
    """
    by_year = {int(y): (int(n), int(t)) for y, n, t in zip(df.year.tolist(), df.n.tolist(), df.ytd.tolist())}
    if not by_year.get(baseline_year, (0, 0))[0]:
        return pd.DataFrame(columns=["year", "actual", "target", "partial", "vs_target_pct"])
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
        rows.append({"year": int(year), "actual": actual, "target": round(target, 1), "partial": partial,
                     "vs_target_pct": (100.0 * (actual - target) / target) if target else None})
    return pd.DataFrame(rows)


def goal_figure(rows: pd.DataFrame, *, baseline_year: int, reduction: float) -> dict:
    if rows.empty:
        return empty_figure(f"No gun violence recorded in {baseline_year}, the goal's baseline year")
    labels = [f"{y} (to date)" if p else str(y) for y, p in zip(rows.year, rows.partial)]
    met = rows.actual <= rows.target
    actual = [int(a) for a in rows.actual]
    data = [
        {"type": "bar", "x": labels, "y": actual, "name": "Actual", "text": [f"{a:,}" for a in actual],
         "textposition": "auto", "marker": {"color": [COLORS["good"] if m else COLORS["bad"] for m in met]},
         "hovertemplate": "%{x}: %{y:,} victims of gun violence<extra></extra>"},
        {"type": "scatter", "x": labels, "y": [float(t) for t in rows.target], "mode": "lines+markers",
         "name": f"Target ({reduction:.0%} fewer each year)", "line": {"color": "#222", "dash": "dash"},
         "hovertemplate": "%{x}: target %{y:,.0f}<extra></extra>"},
    ]
    layout = {"yaxis": {"title": {"text": "Victims of gun violence"}, "rangemode": "tozero"},
              "xaxis": {"type": "category"}}
    return style_figure(figure(data, layout), height=320, legend=True)


def goal_status(rows: pd.DataFrame) -> str:
    if rows.empty:
        return ""
    last = rows.iloc[-1]
    word = "below" if last.actual <= last.target else "above"
    span = f"{last.year} to date" if last.partial else str(last.year)
    pct = abs(last.vs_target_pct) if last.vs_target_pct is not None else 0
    return (f"{span}: {int(last.actual):,} victims of gun violence against a target of "
            f"{last.target:,.0f} — {pct:.0f}% {word} the path.")


# --- page -------------------------------------------------------------------------------------

def summary_page(reduction: float) -> html.Div:
    return html.Div([
        html.Div(id=ids.SUMMARY_ERROR),
        dcc.Loading(html.Div(id=ids.SUMMARY_CARDS, className="cards-holder"), type="dot",
                    delay_show=150),
        html.Div([
            section("Trend", dcc.Loading(graph(ids.SUMMARY_TREND, TOP_ROW_HEIGHT), type="circle",
                                         delay_show=150),
                    "Victims of Part 1 crime per period, with a rolling average. Hollow points are "
                    "periods cut short by the date range.", width_class="span-7"),
            section("By offense", dcc.Loading(graph(ids.SUMMARY_OFFENSES, TOP_ROW_HEIGHT), type="circle",
                                              delay_show=150),
                    "Bars: this span. Ticks: the same span a year earlier. Click a bar to filter "
                    "every view to that offense.", width_class="span-5"),
        ], className="panel-row"),
        html.Div([
            section("When it happens", dcc.Loading(graph(ids.SUMMARY_HEATMAP, 300), type="circle",
                                                   delay_show=150),
                    "Victims by hour of day and day of week (local time).", width_class="span-6"),
            section(f"The Plan's goal: gun violence down {reduction:.0%} a year",
                    html.Div([html.P(id=ids.SUMMARY_CAPTION, className="goal-status"),
                              dcc.Loading(graph(ids.SUMMARY_GOAL), type="circle", delay_show=150)]),
                    "Homicides by firearm plus non-fatal shootings per year, against the "
                    "Comprehensive Violence Prevention Plan's path. Geography filters apply; date "
                    "and offense filters do not.", width_class="span-6"),
        ], className="panel-row"),
    ])

