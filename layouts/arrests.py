"""The Arrests page: over time, by charge category and area, per 1,000 residents, the most common
charges, and the clearance view for homicides and shootings. Pure builders, no I/O.

Each chart is a ``layouts.common.chart``: a name that says what it shows (with the span and area,
updated with the filters) and the same numbers as a table under "Show as table". Charge
categories have Okabe-Ito colours and a pattern each, so a stacked bar does not need colour to be
read; category names label their bars where a chart has room for them.

A week or month that the dates (or the data, which ends at its as-of date) cover only in part is
drawn pale, outlined and labelled with the days it holds ("to 24 Nov"), never as a full period:
a month of 24 days is not a fall. The same goes for the year the data is still filling in on the
clearance chart. Which periods are whole is decided as on the Summary
(``layouts.summary.complete_periods``). Every section has a "Download CSV" link to its API path
(``/api/v1/arrests/...``, see the README's API table).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.i18n import N_, _, ngettext, pgettext
from data_access.arrests import NO_CHARGE_TEXT
from data_access.filters import Filters
from data_access.vocabulary import ARREST_LINKS, CHARGE_CATEGORIES
from layouts.cases import OKABE_ITO, clear_modebar, figure_id, pct_text, wrap_label
from layouts.common import (
    chart,
    data_table,
    empty_figure,
    figure,
    fmt_dec,
    fmt_int,
    geo_phrases,
    scroll_region,
    section,
    span_text,
    stat_cards,
    style_figure,
    time_cell,
)
from layouts.summary import complete_periods

# Ids this page adds (app/ids.py is the shell's; used here and in callbacks/arrests.py).
ARRESTS_TREND_TABLE = "arrests-trend-table"
ARRESTS_CATEGORY_TABLE = "arrests-category-table"
ARRESTS_AREA_TABLE = "arrests-area-table"
ARRESTS_CLEARANCE_CHART_TABLE = "arrests-clearance-chart-table"
ARRESTS_TREND_FIGURE = "arrests-trend-figure"  # the <figure>s: their names follow the filters
ARRESTS_CATEGORY_FIGURE = "arrests-category-figure"
ARRESTS_AREA_FIGURE = "arrests-area-figure"
ARRESTS_CLEARANCE_FIGURE = "arrests-clearance-figure"

CATEGORY_COLORS = {
    "violent": OKABE_ITO["vermillion"], "weapons": OKABE_ITO["purple"], "drugs": OKABE_ITO["orange"],
    "property": OKABE_ITO["blue"], "warrant": OKABE_ITO["sky"], "traffic": OKABE_ITO["green"],
    "public_order": OKABE_ITO["yellow"], "other": "#999999",
}  # fmt: skip
CATEGORY_PATTERNS = {"violent": "", "weapons": "/", "drugs": "\\", "property": "", "warrant": "x",
                     "traffic": ".", "public_order": "-", "other": "+"}
LINK_STYLE = {"same_year": {"color": OKABE_ITO["blue"]},
              "earlier_year": {"color": OKABE_ITO["orange"], "pattern": {"shape": "/", "fgcolor": "#7a4f00", "solidity": 0.3, "fillmode": "overlay"}},
              "unlinked": {"color": "#b8c4d4", "pattern": {"shape": "x", "fgcolor": "#5c6b80", "solidity": 0.25, "fillmode": "overlay"}}}
OFFENSE_TITLES = {"homicide": N_("Homicides"), "shooting": N_("Non-fatal shootings")}
# API paths of each section's numbers (the issue 14 contract); the links are built in arrests_page.
CSV_PATHS = {"trend": "/arrests/trend", "category": "/arrests/categories", "area": "/arrests/areas",
             "charges": "/arrests/charges", "clearance": "/arrests/clearance"}
# On a phone the legend of eight categories takes a column of its own: the chart is tall enough to
# keep a readable plot under it.
TREND_HEIGHT = 400
PARTIAL_ALPHA = 0.3  # a partial period's fill: the category's colour, pale, with its outline kept
GRAIN_TITLES = {"month": N_("Arrests per month"), "week": N_("Arrests per week"), "day": N_("Arrests per day")}
AREA_TITLES = {"police_district": N_("Police district"), "neighborhood": N_("Neighborhood")}

CLEARANCE_DEFINITION = N_(
    "How this is measured: an arrest counts for a homicide or shooting when its recorded incident "
    "offense is a homicide or shooting; it is linked to an incident through the incident's CC "
    "number. For each calendar year, “same-year” arrests are arrests made that year for incidents "
    "that happened that year; “earlier years” are arrests made that year for incidents from any "
    "earlier year; “not linked” arrests carry no CC number that matches a recorded incident. "
    "“Incidents cleared the same year” is the share of that year's incidents (distinct CC numbers) "
    "with at least one linked arrest made in the same year. This counts arrests, not people or "
    "convictions, and is not the FBI clearance rate (which also counts exceptional clearances and "
    "credits earlier-year incidents to the current year). Geography: the incident's place for "
    "incidents, the arrest's recorded place for arrests.")


CHARGES_SHOWN = 15  # rows of "Most common charges" (the page's table and /api/v1/arrests/charges)


def category_label(code: str) -> str:
    return _(CHARGE_CATEGORIES.label(code))


def rate_per_1000(n: int, population: int | None) -> float | None:
    return None if not population else 1000.0 * n / population


def area_text(f: Filters, options: dict | None = None) -> str:
    """The filters' areas in words ("Western police district"), or "citywide"."""
    names = {k: dict(v) for k, v in (options or {}).items() if isinstance(v, list)}
    return "; ".join(geo_phrases(f, names)) or _("citywide")


def where_text(f: Filters, options: dict | None = None, span: str | None = None) -> str:
    """Span and area in words, for chart names: "2025, Western police district" / "2025, citywide"."""
    return _("{span}, {area}").format(span=span or span_text(f), area=area_text(f, options))


def chart_names(where: str) -> dict[str, str]:
    return {
        "trend": _("Stacked bar chart: arrests over time by charge category, {where}").format(where=where),
        "category": _("Bar chart: arrests by charge category, {where}").format(where=where),
        "area": _("Bar chart: arrests by area, per 1,000 residents where residents are known, {where}").format(where=where),
        "clearance": _("Stacked bar chart: arrests for homicides and non-fatal shootings by year, split by when the "
                       "incident happened, {where}").format(where=where),
    }


def cards(total: int, population: int | None, f: Filters) -> Component:
    rate = rate_per_1000(total, population)
    items = [
        ("arrests-total", _("Arrests"), fmt_int(total), span_text(f)),
        ("arrests-rate", _("Per 1,000 residents"), "—" if rate is None else fmt_dec(rate),
         _("No population figures for this area") if rate is None
         else ngettext("in this span; {n} resident", "in this span; {n} residents", population).format(n=fmt_int(population))),
    ]
    return stat_cards(items)


def period_text(d, grain: str) -> str:
    d = pd.Timestamp(d).date()
    if grain == "month":
        return i18n.month_year(d, wide=False)
    if grain == "week":
        return _("Week of {date}").format(date=i18n.date_short(d))
    return i18n.date_short(d)


def _present(df: pd.DataFrame) -> list[str]:
    return [c for c in CHARGE_CATEGORIES.codes if c in set(df.charge_category)]


def _period_start(d: date, grain: str) -> date:
    """The first day of ``d``'s period, as PostgreSQL's ``date_trunc`` makes it (weeks start on Monday)."""
    if grain == "month":
        return d.replace(day=1)
    if grain == "week":
        return d - timedelta(days=d.weekday())
    return d


@lru_cache(maxsize=4096)
def _period_end(s: date, grain: str) -> date:
    if grain == "month":
        return (s.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if grain == "week":
        return s + timedelta(days=6)
    return s


def trend_rows(df: pd.DataFrame, grain: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """The numbers behind "Arrests over time" (its figure, its table and its API rows): every
    period from ``start`` to ``end`` (a period without arrests is a 0, not a gap) and every charge
    category present, with the period's first and last day, its days inside the span and whether
    the span covers it whole (as the Summary decides: ``layouts.summary.complete_periods``).
    ``end`` is the last day counted: the filters' end, or the data's as-of date when that is
    earlier. Without ``start`` and ``end`` the periods of ``df`` are taken as whole.

    ``df``: ``data_access.arrests.over_time`` (period, charge_category, n). Columns: period_start,
    period_end, days, complete, charge_category, n; ordered by period, then category."""
    cols = ["period_start", "period_end", "days", "complete", "charge_category", "n"]
    if df.empty:
        return pd.DataFrame({c: [] for c in cols})
    got = {(pd.Timestamp(p).date(), c): int(n) for p, c, n in zip(df.period, df.charge_category, df.n)}
    starts = sorted({p for p, _c in got})
    if start is not None and end is not None:
        s, last = _period_start(start, grain), _period_start(end, grain)
        while s <= last:
            starts.append(s)
            s = _period_end(s, grain) + timedelta(days=1)
        starts = sorted(set(starts))
    ends = [_period_end(s, grain) for s in starts]
    if start is not None and end is not None:
        days = [max(0, (min(e, end) - max(s, start)).days + 1) for s, e in zip(starts, ends)]
    else:
        days = [(e - s).days + 1 for s, e in zip(starts, ends)]
    periods = pd.DataFrame({"period_start": starts, "period_end": ends, "days": days})
    periods["complete"] = (complete_periods(periods, grain) if grain in ("week", "month")
                           else [d >= 1 for d in days])
    cats = _present(df)
    rows = [(s, e, d, bool(c), cat, got.get((s, cat), 0))
            for s, e, d, c in periods.itertuples(index=False, name=None) for cat in cats]
    return pd.DataFrame(rows, columns=cols)


def period_label(s: date, e: date, grain: str, start: date | None = None, end: date | None = None,
                 complete: bool = True) -> str:
    """A period's name, and for one the dates cut short, the days it holds: "Nov 2026 (to 24 Nov)",
    "Week of 30 Dec 2024 (from 1 Jan)"."""
    text = period_text(s, grain)
    if complete or start is None or end is None:
        return text
    return pgettext("partial period", "{period} ({days})").format(period=text, days=partial_text(s, e, start, end))


def partial_text(s: date, e: date, start: date, end: date) -> str:
    """The part of a period the span covers, in words: "to 24 Nov", "from 5 Mar", "5–9 Mar"."""
    cut_start, cut_end = start > s, end < e
    if cut_start and cut_end:
        return pgettext("partial period", "{first} to {last}").format(first=i18n.day_month(start),
                                                                      last=i18n.day_month(end))
    if cut_start:
        return pgettext("partial period", "from {date}").format(date=i18n.day_month(start))
    return pgettext("partial period", "to {date}").format(date=i18n.day_month(end))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha})"


def trend_figure(df: pd.DataFrame, grain: str, start: date | None = None, end: date | None = None) -> dict:
    """Stacked bars of arrests per period by charge category (a legend names each colour). A
    period the span covers only in part (``start``/``end``, see ``trend_rows``) is drawn pale and
    outlined and labelled with the days it holds ("to 24 Nov"), so it never reads as a fall."""
    rows = trend_rows(df, grain, start, end)
    if rows.empty or rows.n.sum() == 0:
        return empty_figure(_("No arrests recorded for these filters"), height=TREND_HEIGHT)
    # Whole periods first in each trace's arrays (a date axis places each bar by its date, not by
    # its order): the legend draws a trace's swatch in the style of its first bar, never the pale one.
    rows = rows.sort_values(["complete", "period_start"], ascending=[False, True], kind="stable")
    periods = rows.drop_duplicates("period_start")
    x = [s.isoformat() for s in periods.period_start]
    complete = list(periods.complete)
    names = [period_label(s, e, grain, start, end, c)
             for s, e, c in zip(periods.period_start, periods.period_end, periods.complete)]
    data = []
    for cat in _present(df):
        part = rows[rows.charge_category == cat]
        label = category_label(cat)
        colour = CATEGORY_COLORS.get(cat, "#999999")
        data.append({"type": "bar", "name": label, "x": x, "y": [int(n) for n in part.n], "customdata": names,
                     "marker": {"color": [colour if c else _rgba(colour, PARTIAL_ALPHA) for c in complete],
                                "line": {"color": colour, "width": [0 if c else 1.5 for c in complete]},
                                "pattern": {"shape": CATEGORY_PATTERNS.get(cat, ""), "solidity": 0.25,
                                            "fgcolor": ["#222" if c else _rgba("#222222", PARTIAL_ALPHA) for c in complete],
                                            "fillmode": "overlay"}},
                     "hovertemplate": f"{label}: %{{y:,}}<extra>%{{customdata}}</extra>"})
    totals = rows.groupby("period_start", sort=True).n.sum()
    top = int(totals.max()) or 1
    notes = []
    for s, e, c in zip(periods.period_start, periods.period_end, complete):
        if c or start is None or end is None:
            continue
        total = int(totals[s])
        # Written upright, so it stays within the bar's width however narrow the chart. Above a
        # short bar there is at least half the plot's height free; a tall one holds it inside,
        # from its base (on a backing, over the pale fill): it never reaches the legend.
        inside = total > top / 2
        notes.append({"x": s.isoformat(), "y": 0 if inside else total, "text": partial_text(s, e, start, end),
                      "textangle": -90, "showarrow": False, "xanchor": "center", "yanchor": "bottom", "yshift": 3,
                      "font": {"size": 10, "color": "#222"},
                      **({"bgcolor": "rgba(255, 255, 255, 0.8)"} if inside else {})})
    title = _(GRAIN_TITLES.get(grain, GRAIN_TITLES["month"]))
    return clear_modebar(style_figure(figure(data, {"barmode": "stack", "yaxis": {"title": {"text": title}, "rangemode": "tozero"},
                                      "xaxis": {"type": "date"}, "legend": {"traceorder": "normal"},
                                      "annotations": notes}),
                        height=TREND_HEIGHT, legend=True))


def trend_table(df: pd.DataFrame, grain: str, start: date | None = None, end: date | None = None) -> html.Div:
    rows = trend_rows(df, grain, start, end)
    if rows.empty or rows.n.sum() == 0:
        return html.P(_("No arrests recorded for these filters"))
    cats = _present(df)
    body = []
    for s, part in rows.groupby("period_start", sort=True):
        first = part.iloc[0]
        by = dict(zip(part.charge_category, part.n))
        body.append([time_cell(period_label(s, first.period_end, grain, start, end, bool(first.complete)), s),
                     *[fmt_int(int(by.get(c, 0))) for c in cats], fmt_int(int(part.n.sum()))])
    cols = [_("Period"), *[category_label(c) for c in cats], _("Total")]
    return data_table(cols, body, _(GRAIN_TITLES.get(grain, GRAIN_TITLES["month"])) + " — " + _("by charge category"),
                      numeric=tuple(range(1, len(cols))))


def category_figure(df: pd.DataFrame) -> dict:
    if df.empty or df.n.sum() == 0:
        return empty_figure(_("No arrests recorded for these filters"), height=340)
    df = df.sort_values("n", ascending=True)
    total = int(df.n.sum())
    top = int(df.n.max())
    return clear_modebar(style_figure(figure([{
        "type": "bar", "orientation": "h", "y": [wrap_label(category_label(c), 12) for c in df.charge_category],
        "x": [int(n) for n in df.n],
        "marker": {"color": [CATEGORY_COLORS.get(c, "#999999") for c in df.charge_category],
                   "pattern": {"shape": [CATEGORY_PATTERNS.get(c, "") for c in df.charge_category],
                               "fgcolor": "#222", "solidity": 0.25, "fillmode": "overlay"}},
        # the count beside each bar (its share is in the hover text and the table: a phone has no room for both)
        "text": [fmt_int(n) for n in df.n], "customdata": [pct_text(n / total, 0) for n in df.n],
        "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y}: %{x:,} (%{customdata})<extra></extra>"}],
        {"margin": {"l": 8, "r": 12}, "xaxis": {"range": [0, top * 1.4], "title": {"text": _("Arrests")}}}),
        height=340))


def category_table(df: pd.DataFrame) -> html.Div:
    if df.empty or df.n.sum() == 0:
        return html.P(_("No arrests recorded for these filters"))
    total = int(df.n.sum())
    rows = [[category_label(c), fmt_int(n), pct_text(n / total, 0)]
            for c, n in sorted(zip(df.charge_category, df.n), key=lambda t: -t[1])]
    return data_table([_("Charge category"), _("Arrests"), _("Share")], rows, _("Arrests by charge category"),
                      numeric=(1, 2))


def _area_rows(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    df = df.head(25).copy()
    df["rate"] = [rate_per_1000(n, p) if pd.notna(p) else None for n, p in zip(df.n, df.population)]
    has_rate = df.rate.notna().any()
    return df.sort_values("rate" if has_rate else "n", ascending=True, na_position="first"), bool(has_rate)


def area_figure(df: pd.DataFrame, field: str) -> dict:
    if df.empty:
        return empty_figure(_("No arrests recorded for these filters"))
    df, has_rate = _area_rows(df)
    x = [round(r, 2) if r is not None and pd.notna(r) else None for r in df.rate] if has_rate else [int(n) for n in df.n]
    # beside each bar the number it draws; the hover text and the table have both
    text = [fmt_dec(v) if has_rate else fmt_int(v) if v is not None else "" for v in x]
    detail = [ngettext("{n} arrest", "{n} arrests", int(n)).format(n=fmt_int(n))
              + (_(", {rate} per 1,000").format(rate=fmt_dec(r)) if r is not None and pd.notna(r) else "")
              for n, r in zip(df.n, df.rate)]
    top = max((v for v in x if v is not None), default=1) or 1
    title = _("Arrests per 1,000 residents") if has_rate else _("Arrests")
    return clear_modebar(style_figure(figure([{
        "type": "bar", "orientation": "h", "y": list(df.area), "x": x, "text": text, "customdata": detail,
        "textposition": "outside", "cliponaxis": False, "marker": {"color": OKABE_ITO["blue"]},
        "hovertemplate": "%{y}: %{customdata}<extra></extra>"}],
        {"margin": {"l": 8, "r": 12}, "xaxis": {"range": [0, top * 1.3], "title": {"text": wrap_label(title, 20)}}}),
        height=max(260, 60 + 24 * len(df))))


def area_table(df: pd.DataFrame, field: str) -> html.Div:
    if df.empty:
        return html.P(_("No arrests recorded for these filters"))
    df, _has_rate = _area_rows(df)
    rows = [[a, fmt_int(n), fmt_int(p) if p is not None and pd.notna(p) else "—",
             fmt_dec(r) if r is not None and pd.notna(r) else "—"]
            for a, n, p, r in zip(df.area[::-1], df.n[::-1], df.population[::-1], df.rate[::-1])]
    return data_table([_(AREA_TITLES.get(field, N_("Area"))), _("Arrests"), _("Residents"), _("Per 1,000 residents")],
                      rows, _("Arrests by area"), numeric=(1, 2, 3))


def charges_table(df: pd.DataFrame) -> html.Div:
    if df.empty:
        return html.P(_("No arrests recorded for these filters."))
    return scroll_region(html.Table([
        html.Caption(_("The most common charges, as recorded")),
        html.Thead(html.Tr([html.Th(_("Category"), scope="col"), html.Th(_("Statute"), scope="col"),
                            html.Th(_("Charge as recorded"), scope="col"), html.Th(_("Arrests"), scope="col", className="num")])),
        html.Tbody([html.Tr([html.Td(category_label(r.charge_category)), html.Td(r.charge or "—"),
                             html.Td(_(r.charge_description) if r.charge_description == NO_CHARGE_TEXT
                                     else html.Span(r.charge_description, lang="en")),  # data, as recorded
                             html.Td(fmt_int(r.n), className="num")])
                    for r in df.itertuples(index=False)]),
    ], className="table table-sm charges-table"), _("Top charges (table)"))


def _clearance_empty(df: pd.DataFrame) -> bool:
    return df.empty or df[["same_year", "earlier_year", "unlinked", "incidents"]].to_numpy().sum() == 0


def partial_year(through: date | None) -> int | None:
    """The year the data is still filling in (``through``: its last day), or None when it ends on 31 Dec."""
    return through.year if through is not None and (through.month, through.day) != (12, 31) else None


def year_text(year: int, through: date | None, sep: str = " ") -> str:
    """A clearance year, and for the year the data ends in, how far it goes: "2026 (to 24 Nov)"."""
    if year != partial_year(through):
        return str(year)
    return str(year) + sep + pgettext("partial period", "({days})").format(
        days=pgettext("partial period", "to {date}").format(date=i18n.day_month(through)))


def clearance_figure(df: pd.DataFrame, through: date | None = None) -> dict:
    """Arrests for homicides and shootings per year, stacked by how each links to an incident (a
    legend names the three series). ``through``: the data's last day; the year it falls in is
    drawn pale and labelled "to 24 Nov", as a year still filling in, not a fall."""
    if _clearance_empty(df):
        return empty_figure(_("No homicides or shootings for these filters"), height=360)
    x = [[year_text(int(y), through, "<br>") for y in df.year], [wrap_label(_(OFFENSE_TITLES[o]), 10) for o in df.offense]]
    partial = [int(y) == partial_year(through) for y in df.year]
    data = []
    for k in ("same_year", "earlier_year", "unlinked"):
        style = LINK_STYLE[k]
        marker = {**style, "color": [_rgba(style["color"], PARTIAL_ALPHA) if p else style["color"] for p in partial],
                  "line": {"color": style["color"], "width": [1.5 if p else 0 for p in partial]}}
        data.append({"type": "bar", "name": _(ARREST_LINKS.labels[k]), "x": x, "y": [int(v) for v in df[k]],
                     "marker": marker, "hovertemplate": _(ARREST_LINKS.labels[k]) + ": %{y:,}<extra></extra>"})
    return clear_modebar(style_figure(figure(data, {"barmode": "stack", "yaxis": {"title": {"text": _("Arrests")}},
                                      "legend": {"traceorder": "normal"}}),
                        height=360, legend=True))


def clearance_chart_table(df: pd.DataFrame, through: date | None = None) -> html.Div:
    """The clearance chart's own numbers (the table under it has the incidents as well)."""
    if _clearance_empty(df):
        return html.P(_("No homicides or shootings for these filters"))
    rows = [[year_text(int(r.year), through), _(OFFENSE_TITLES[r.offense]), fmt_int(r.same_year), fmt_int(r.earlier_year),
             fmt_int(r.unlinked)]
            for r in df.itertuples(index=False)]
    cols = [_("Year"), _("Offense"), *[_(ARREST_LINKS.labels[k]) for k in ("same_year", "earlier_year", "unlinked")]]
    return data_table(cols, rows, _("Arrests for homicides and non-fatal shootings by year"), numeric=(2, 3, 4))


def clearance_table(df: pd.DataFrame, through: date | None = None) -> html.Div:
    head = [_("Year"), _("Offense"), _("Incidents"), _("Cleared the same year"), _("Same-year arrests"),
            _("Arrests for earlier years"), _("Not linked")]
    body = []
    for r in df.itertuples(index=False):
        share = (f"{fmt_int(r.cleared_same_year)} ({pct_text(r.cleared_same_year / r.incidents, 0)})"
                 if r.incidents else "—")
        body.append(html.Tr([html.Th(year_text(int(r.year), through), scope="row"), html.Td(_(OFFENSE_TITLES[r.offense])),
                             html.Td(fmt_int(r.incidents), className="num"), html.Td(share, className="num"),
                             html.Td(fmt_int(r.same_year), className="num"),
                             html.Td(fmt_int(r.earlier_year), className="num"),
                             html.Td(fmt_int(r.unlinked), className="num")]))
    return scroll_region(html.Table([html.Caption(_("Clearance of homicides and non-fatal shootings by year")),
                                     html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i >= 2 else None)
                                                         for i, h in enumerate(head)])),
                                     html.Tbody(body)],
                                    className="table table-sm clearance-table"), _("Clearance by year (table)"))


CLEARANCE_PARTIAL = N_("The year the data ends in is drawn pale and marked with its last day: it is not over, and "
                       "its incidents have had less time to be cleared.")
PARTIAL_NOTE = N_("A week or month the dates cover only in part is drawn pale and outlined, and labelled with "
                  "the days it holds (“to 24 Nov”): fewer days, not fewer arrests a day.")


def arrests_page() -> html.Div:
    names = chart_names(_("the chosen filters"))
    # every CSV link leaves the offense filter out: the arrests endpoints declare it never applies
    return html.Div([
        html.Div(id=ids.ARRESTS_ERROR),
        dcc.Loading(html.Div(id=ids.ARRESTS_CARDS, className="cards-holder"), type="dot"),
        html.P(_("The offense filter does not apply to arrests; dates are arrest dates."), className="section-note"),
        html.Div([
            section(_("Arrests over time, by charge category"),
                    figure_id(chart(ids.ARRESTS_TREND, ARRESTS_TREND_TABLE, names["trend"], TREND_HEIGHT),
                              ARRESTS_TREND_FIGURE),
                    _(PARTIAL_NOTE), width_class="span-8", csv=CSV_PATHS["trend"]),
            section(_("By charge category"),
                    figure_id(chart(ids.ARRESTS_CATEGORY, ARRESTS_CATEGORY_TABLE, names["category"], 340),
                              ARRESTS_CATEGORY_FIGURE),
                    _("Charges are grouped into categories when data is loaded. Each bar is named beside it, in "
                      "the colour and pattern of its category over time."), width_class="span-4",
                    csv=CSV_PATHS["category"]),
        ], className="panel-row"),
        html.Div([
            section(_("By area, per 1,000 residents"),
                    figure_id(chart(ids.ARRESTS_AREA, ARRESTS_AREA_TABLE, names["area"], 320), ARRESTS_AREA_FIGURE),
                    _("Police districts (under the map in force on each arrest's date; residents under the 2023 "
                      "map), or neighborhoods once an area is chosen. Top 25."), width_class="span-6",
                    csv=CSV_PATHS["area"]),
            section(_("Most common charges"), html.Div(id=ids.ARRESTS_CHARGES),
                    _("Raw charge text as recorded, with its category."), width_class="span-6",
                    csv=CSV_PATHS["charges"]),
        ], className="panel-row"),
        section(_("Clearance: homicides and shootings"), html.Div([
            figure_id(chart(ids.ARRESTS_CLEARANCE, ARRESTS_CLEARANCE_CHART_TABLE, names["clearance"], 360),
                      ARRESTS_CLEARANCE_FIGURE),
            html.Div(id=ids.ARRESTS_CLEARANCE_TABLE)]),
            _(CLEARANCE_DEFINITION) + " " + _(CLEARANCE_PARTIAL), csv=CSV_PATHS["clearance"]),
    ])


__all__ = ["arrests_page", "cards", "trend_figure", "trend_table", "category_figure", "category_table", "area_figure",
           "area_table", "charges_table", "clearance_figure", "clearance_chart_table", "clearance_table", "chart_names",
           "where_text", "span_text", "rate_per_1000", "trend_rows", "period_label", "partial_text", "year_text",
           "partial_year", "CSV_PATHS"]
