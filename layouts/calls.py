"""The 911 calls page: calls over time by response type, the response-type split by year, calls by
category and priority, and by area (police district or neighborhood, and City Council district),
per 1,000 residents. Pure builders, no I/O.

Each chart is a ``layouts.common.chart`` (a name that follows the filters, and the same numbers
under "Show as table") with a "Download CSV" link to its API path (``/api/v1/calls/...``). A week
or month the dates (or the data's end) cover only in part is drawn pale, outlined and labelled with
the days it holds, as on the Arrests page. Areas only: a call is never drawn as a point, and no
address or caller is shown anywhere.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.i18n import N_, _, ngettext
from data_access.calls import CATEGORIES, PRIORITIES, RESPONSE_TYPES, WITHOUT_POLICE
from data_access.filters import Filters
from layouts.arrests import PARTIAL_ALPHA, _period_end, _period_start, _rgba, partial_text, period_label, where_text
from layouts.cases import OKABE_ITO, clear_modebar, figure_id, pct_text, wrap_label
from layouts.common import (
    chart,
    data_table,
    empty_figure,
    figure,
    fmt_dec,
    fmt_int,
    section,
    span_text,
    stat_cards,
    style_figure,
    time_cell,
)
from layouts.summary import complete_periods

ABOUT_METHODOLOGY: tuple[tuple[str, str], ...] = (
    (N_("911 calls for service"), N_(
        "The 911 calls page counts BPD calls for service as Open Baltimore publishes them (one row per call: "
        "`callKey`, `callDateTime`, `priority`, `description`, the areas it falls in), loaded with "
        "`psad ingest calls FILE` or `psad refresh --dataset calls`. Each call type (`description`) is put "
        "in a category and a response type by a published table (`calls_categories.csv`): behavioral-health "
        "diversion for the call types the city routes to its crisis line, other (no police dispatch) for "
        "hang-ups, noise, parking, lost property and medical calls, police for every other type, and for "
        "a call type the table does not list. This classifies the call type; it does not record who went. "
        "No caller, no address and no point is kept: only the block and the areas, and the page shows "
        "areas only. The offense filter does not apply to calls. In the demo, calls cover the recent years "
        "only (from 1 January of the year before the demo's last day).")),
)
LOAD_DATASETS: dict[str, str] = {"calls": N_("911 calls for service")}

# Ids this page adds inside its own components (ids.py holds the ones callbacks write)
CSV_PATHS = {"trend": "/calls/trend", "response": "/calls/response", "categories": "/calls/categories",
             "areas": "/calls/areas", "council": "/calls/council"}
RESPONSE_COLORS = {"police": OKABE_ITO["blue"], "behavioral_health": OKABE_ITO["orange"], "other": OKABE_ITO["sky"]}
RESPONSE_PATTERNS = {"police": "", "behavioral_health": "/", "other": "."}
PRIORITY_COLORS = {"emergency": OKABE_ITO["vermillion"], "high": OKABE_ITO["orange"], "medium": OKABE_ITO["yellow"],
                   "low": OKABE_ITO["sky"], "non_emergency": OKABE_ITO["blue"], "out_of_service": "#999999",
                   "unknown": "#cccccc"}
PRIORITY_PATTERNS = {"emergency": "", "high": "/", "medium": "", "low": "\\", "non_emergency": "x",
                     "out_of_service": ".", "unknown": "+"}
GRAIN_TITLES = {"month": N_("Calls per month"), "week": N_("Calls per week")}
AREA_TITLES = {"police_district": N_("Police district"), "neighborhood": N_("Neighborhood"),
               "council_district": N_("City Council district")}
TREND_HEIGHT = 380
NO_CALLS = N_("No 911 calls recorded for these filters")
OFFENSE_NOTE = N_("The offense filter does not apply to 911 calls (a call's type is not a Part 1 offense); "
                  "dates are the dates of the calls, and the area filters apply.")
PARTIAL_NOTE = N_("A week or month the dates cover only in part is drawn pale and outlined, and labelled with "
                  "the days it holds (“to 24 Nov”): fewer days, not fewer calls a day.")
RESPONSE_NOTE = N_("Response type comes from the call type: behavioral-health diversion for the types routed "
                   "to the crisis line (behavioral crisis, mental health, suicide threat), other for types "
                   "handled without a police dispatch (hang-ups, noise, parking, lost property, medical calls), "
                   "police for every other type. The About page explains the mapping.")


def response_label(code: str) -> str:
    return _(RESPONSE_TYPES.label(code))


def category_label(code: str) -> str:
    return _(CATEGORIES.label(code))


def priority_label(code: str) -> str:
    return _(PRIORITIES.label(code))


def chart_names(where: str) -> dict[str, str]:
    return {
        "trend": _("Stacked bar chart: 911 calls over time by response type, {where}").format(where=where),
        "response": _("Stacked bar chart: share of 911 calls by response type and year, {where}").format(where=where),
        "categories": _("Stacked bar chart: 911 calls by category and priority, {where}").format(where=where),
        "areas": _("Bar chart: 911 calls by area, per 1,000 residents where residents are known, {where}").format(
            where=where),
        "council": _("Bar chart: 911 calls by City Council district, per 1,000 residents, {where}").format(where=where),
    }


def coverage_text(span: tuple | None, f: Filters) -> str:
    """Which days have calls loaded, and whether the filters' dates reach outside them."""
    if span is None:
        return _("No 911 calls are loaded yet.")
    first, last = span
    text = _("Calls are loaded from {first} to {last}.").format(first=i18n.date_short(first), last=i18n.date_short(last))
    if f.start < first or f.end > last:
        text += " " + _("The chosen dates reach outside them: only the days with calls loaded are counted.")
    return text


# --- cards ---------------------------------------------------------------------------------------

def card_numbers(kinds: pd.DataFrame) -> dict:
    total = without = urgent = 0
    for p, r, n in zip(kinds.priority.tolist(), kinds.response_type.tolist(), kinds.n.tolist()):
        total += n
        without += n if r in WITHOUT_POLICE else 0
        urgent += n if p in ("emergency", "high") else 0
    return {"total": int(total), "without_police": int(without), "urgent": int(urgent)}


def cards(kinds: pd.DataFrame, population: int | None, f: Filters) -> Component:
    c = card_numbers(kinds)
    total = c["total"]
    per_day = total / f.days if f.days else 0
    items = [
        ("calls-total", _("911 calls"), fmt_int(total),
         _("in {span}; about {n} a day").format(span=span_text(f), n=fmt_int(round(per_day)))),
        ("calls-without-police", _("Answered without police"),
         pct_text(c["without_police"] / total, 1) if total else "—",
         ngettext("{n} call: behavioral-health diversion or no police dispatch",
                  "{n} calls: behavioral-health diversion or no police dispatch",
                  c["without_police"]).format(n=fmt_int(c["without_police"]))),
        ("calls-urgent", _("Emergency or high priority"), pct_text(c["urgent"] / total, 1) if total else "—",
         ngettext("{n} call", "{n} calls", c["urgent"]).format(n=fmt_int(c["urgent"]))),
        ("calls-rate", _("Per 1,000 residents"), fmt_dec(1000 * total / population) if population else "—",
         _("No population figures for this area") if not population
         else ngettext("in this span; {n} resident", "in this span; {n} residents", population).format(
             n=fmt_int(population))),
    ]
    return stat_cards(items)


# --- over time -----------------------------------------------------------------------------------

def trend_rows(df: pd.DataFrame, grain: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Every period from ``start`` to ``end`` (a period without calls is a 0) and every response
    type, with the period's first and last day, its days inside the span and whether the span
    covers it whole. ``df``: ``data_access.calls.over_time``. Columns: period_start, period_end,
    days, complete, response_type, n."""
    cols = ["period_start", "period_end", "days", "complete", "response_type", "n"]
    if df.empty:
        return pd.DataFrame({c: [] for c in cols})
    got = {(pd.Timestamp(p).date(), r): int(n) for p, r, n in zip(df.period, df.response_type, df.n)}
    starts = {p for p, _r in got}
    if start is not None and end is not None:
        s, last = _period_start(start, grain), _period_start(end, grain)
        while s <= last:
            starts.add(s)
            s = _period_end(s, grain) + timedelta(days=1)
    starts = sorted(starts)
    ends = [_period_end(s, grain) for s in starts]
    if start is not None and end is not None:
        days = [max(0, (min(e, end) - max(s, start)).days + 1) for s, e in zip(starts, ends)]
    else:
        days = [(e - s).days + 1 for s, e in zip(starts, ends)]
    periods = pd.DataFrame({"period_start": starts, "period_end": ends, "days": days})
    periods["complete"] = complete_periods(periods, grain)
    present = [r for r in RESPONSE_TYPES.codes if r in set(df.response_type)]
    rows = [(s, e, d, bool(c), r, got.get((s, r), 0))
            for s, e, d, c in periods.itertuples(index=False, name=None) for r in present]
    return pd.DataFrame(rows, columns=cols)


def _periods(rows: pd.DataFrame):
    """(periods as (start, end, complete), whole ones first; counts by (start, response type);
    response types present), from ``trend_rows`` in plain Python."""
    counts, seen = {}, {}
    for s, e, c, r, n in zip(rows.period_start.tolist(), rows.period_end.tolist(), rows.complete.tolist(),
                             rows.response_type.tolist(), rows.n.tolist()):
        counts[(s, r)] = int(n)
        seen[s] = (s, e, bool(c))
    periods = sorted(seen.values(), key=lambda p: (not p[2], p[0]))
    present = [r for r in RESPONSE_TYPES.codes if any(k[1] == r for k in counts)]
    return periods, counts, present


def trend_figure(df: pd.DataFrame, grain: str, start: date | None = None, end: date | None = None,
                 rows: pd.DataFrame | None = None) -> dict:
    """``rows``: ``trend_rows(df, grain, start, end)`` when the caller has it already."""
    rows = trend_rows(df, grain, start, end) if rows is None else rows
    if rows.empty or rows.n.sum() == 0:
        return empty_figure(_(NO_CALLS), height=TREND_HEIGHT)
    periods, counts, present = _periods(rows)
    x = [s.isoformat() for s, _e, _c in periods]
    complete = [c for _s, _e, c in periods]
    names = [period_label(s, e, grain, start, end, c) for s, e, c in periods]
    data = []
    for r in present:
        label, colour = response_label(r), RESPONSE_COLORS[r]
        data.append({"type": "bar", "name": label, "x": x, "y": [counts.get((s, r), 0) for s, _e, _c in periods],
                     "customdata": names,
                     "marker": {"color": [colour if c else _rgba(colour, PARTIAL_ALPHA) for c in complete],
                                "line": {"color": colour, "width": [0 if c else 1.5 for c in complete]},
                                "pattern": {"shape": RESPONSE_PATTERNS[r], "solidity": 0.25, "fillmode": "overlay",
                                            "fgcolor": ["#222" if c else _rgba("#222222", PARTIAL_ALPHA)
                                                        for c in complete]}},
                     "hovertemplate": f"{label}: %{{y:,}}<extra>%{{customdata}}</extra>"})
    totals = {s: sum(counts.get((s, r), 0) for r in present) for s, _e, _c in periods}
    top = max(totals.values()) or 1
    notes = []
    for s, e, c in periods:
        if c or start is None or end is None:
            continue
        total = totals[s]
        inside = total > top / 2
        notes.append({"x": s.isoformat(), "y": 0 if inside else total, "text": partial_text(s, e, start, end),
                      "textangle": -90, "showarrow": False, "xanchor": "center", "yanchor": "bottom", "yshift": 3,
                      "font": {"size": 10, "color": "#222"},
                      **({"bgcolor": "rgba(255, 255, 255, 0.8)"} if inside else {})})
    return clear_modebar(style_figure(figure(data, {
        "barmode": "stack", "yaxis": {"title": {"text": _(GRAIN_TITLES[grain])}, "rangemode": "tozero"},
        "xaxis": {"type": "date"}, "legend": {"traceorder": "normal"}, "annotations": notes}),
        height=TREND_HEIGHT, legend=True))


def trend_table(df: pd.DataFrame, grain: str, start: date | None = None, end: date | None = None,
                rows: pd.DataFrame | None = None) -> html.Div:
    rows = trend_rows(df, grain, start, end) if rows is None else rows
    if rows.empty or rows.n.sum() == 0:
        return html.P(_(NO_CALLS))
    periods, counts, present = _periods(rows)
    body = []
    for s, e, c in sorted(periods):
        by = [counts.get((s, r), 0) for r in present]
        body.append([time_cell(period_label(s, e, grain, start, end, c), s),
                     *[fmt_int(n) for n in by], fmt_int(sum(by))])
    cols = [_("Period"), *[response_label(r) for r in present], _("Total")]
    return data_table(cols, body, _(GRAIN_TITLES[grain]) + " — " + _("by response type"),
                      numeric=tuple(range(1, len(cols))))


# --- response type by year -----------------------------------------------------------------------

def response_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``data_access.calls.by_year`` with each year's share, in year then response-type order.
    Columns: year, response_type, n, share. (Plain Python: a few rows, and pandas costs a
    millisecond an operation.)"""
    cols = ["year", "response_type", "n", "share"]
    got: dict = {}
    for y, r, n in zip(df.year.tolist(), df.response_type.tolist(), df.n.tolist()):
        got[(int(y), r)] = got.get((int(y), r), 0) + int(n)
    totals: dict = {}
    for (y, _r), n in got.items():
        totals[y] = totals.get(y, 0) + n
    order = {c: i for i, c in enumerate(RESPONSE_TYPES.codes)}
    keys = sorted(got, key=lambda k: (k[0], order.get(k[1], 99)))
    return pd.DataFrame([(y, r, got[(y, r)], got[(y, r)] / totals[y] if totals[y] else 0.0) for y, r in keys],
                        columns=cols)


def response_figure(df: pd.DataFrame, f: Filters, rows: pd.DataFrame | None = None) -> dict:
    rows = response_rows(df) if rows is None else rows
    if rows.empty or rows.n.sum() == 0:
        return empty_figure(_(NO_CALLS), height=TREND_HEIGHT)
    years = sorted(set(int(y) for y in rows.year.tolist()))
    x = [_year_label(y, f) for y in years]
    shares = {(int(y), r): (float(sh), int(n)) for y, r, sh, n in zip(rows.year.tolist(), rows.response_type.tolist(),
                                                                      rows.share.tolist(), rows.n.tolist())}
    data = []
    for r in [c for c in RESPONSE_TYPES.codes if any(k[1] == c for k in shares)]:
        share = [round(100 * shares.get((y, r), (0.0, 0))[0], 1) for y in years]
        label = response_label(r)
        data.append({"type": "bar", "name": label, "x": x, "y": share,
                     "text": [pct_text(s / 100, 0) if s >= 8 else "" for s in share], "textposition": "inside",
                     "insidetextanchor": "middle",
                     "textfont": {"color": "#ffffff" if r == "police" else "#000000", "size": 13},
                     "customdata": [fmt_int(shares.get((y, r), (0.0, 0))[1]) for y in years],
                     "marker": {"color": RESPONSE_COLORS[r],
                                "pattern": {"shape": RESPONSE_PATTERNS[r], "solidity": 0.25, "fgcolor": "#222",
                                            "fillmode": "overlay"}},
                     "hovertemplate": f"{label}: %{{y}}% (%{{customdata}})<extra>%{{x}}</extra>"})
    return clear_modebar(style_figure(figure(data, {
        "barmode": "stack", "yaxis": {"title": {"text": _("Share of calls (%)")}, "range": [0, 100]},
        "xaxis": {"type": "category"}, "legend": {"traceorder": "normal"}}), height=TREND_HEIGHT, legend=True))


def _year_label(year: int, f: Filters) -> str:
    """A year, and for one the dates cut, the part counted ("2026 (to 31 Oct)")."""
    s, e = max(f.start, date(year, 1, 1)), min(f.end, date(year, 12, 31))
    if (s, e) == (date(year, 1, 1), date(year, 12, 31)):
        return str(year)
    return f"{year} ({partial_text(date(year, 1, 1), date(year, 12, 31), s, e)})"


def response_table(df: pd.DataFrame, f: Filters, rows: pd.DataFrame | None = None) -> html.Div:
    rows = response_rows(df) if rows is None else rows
    if rows.empty or rows.n.sum() == 0:
        return html.P(_(NO_CALLS))
    body = [[_year_label(int(y), f), response_label(r), fmt_int(int(n)), pct_text(sh, 1)]
            for y, r, n, sh in zip(rows.year.tolist(), rows.response_type.tolist(), rows.n.tolist(), rows.share.tolist())]
    return data_table([_("Year"), _("Response type"), _("Calls"), _("Share")], body,
                      _("911 calls by response type and year"), numeric=(2, 3))


# --- category and priority -----------------------------------------------------------------------

def category_rows(kinds: pd.DataFrame) -> pd.DataFrame:
    """Calls per category and priority. Columns: category, priority, n; categories most calls
    first (then by name), priorities in their order."""
    by: dict = {}
    totals: dict = {}
    for c, p, n in zip(kinds.category.tolist(), kinds.priority.tolist(), kinds.n.tolist()):
        by[(c, p)] = by.get((c, p), 0) + int(n)
        totals[c] = totals.get(c, 0) + int(n)
    cats = sorted(totals, key=lambda c: (-totals[c], c))
    prank = {p: i for i, p in enumerate(PRIORITIES.codes)}
    rows = [(c, p, by[(c, p)]) for c in cats for p in sorted({p for (cc, p) in by if cc == c},
                                                             key=lambda p: prank.get(p, 99))]
    return pd.DataFrame(rows, columns=["category", "priority", "n"])


def category_height(n: int) -> int:
    """Room for ``n`` categories of up to three lines each, under a legend of up to four rows."""
    return 200 + 46 * n


def category_figure(kinds: pd.DataFrame, rows: pd.DataFrame | None = None) -> dict:
    rows = category_rows(kinds) if rows is None else rows
    if rows.empty or rows.n.sum() == 0:
        return empty_figure(_(NO_CALLS), height=420)
    cats = list(dict.fromkeys(rows.category.tolist()))[::-1]  # most calls at the top
    y = [wrap_label(category_label(c), 18) for c in cats]
    by = {(c, p): int(n) for c, p, n in zip(rows.category.tolist(), rows.priority.tolist(), rows.n.tolist())}
    data = []
    for p in [c for c in PRIORITIES.codes if any(k[1] == c for k in by)]:
        label = priority_label(p)
        data.append({"type": "bar", "orientation": "h", "name": label, "y": y,
                     "x": [by.get((c, p), 0) for c in cats],
                     "marker": {"color": PRIORITY_COLORS.get(p, "#999999"),
                                "pattern": {"shape": PRIORITY_PATTERNS.get(p, ""), "solidity": 0.25,
                                            "fgcolor": "#222", "fillmode": "overlay"}},
                     "hovertemplate": f"{label}: %{{x:,}}<extra>%{{y}}</extra>"})
    return clear_modebar(style_figure(figure(data, {
        "barmode": "stack", "margin": {"l": 8, "r": 12}, "xaxis": {"title": {"text": _("Calls")}},
        "legend": {"traceorder": "normal"}}), height=category_height(len(cats)), legend=True))


def category_table(kinds: pd.DataFrame, rows: pd.DataFrame | None = None) -> html.Div:
    rows = category_rows(kinds) if rows is None else rows
    if rows.empty or rows.n.sum() == 0:
        return html.P(_(NO_CALLS))
    by = {(c, p): int(n) for c, p, n in zip(rows.category.tolist(), rows.priority.tolist(), rows.n.tolist())}
    prios = [p for p in PRIORITIES.codes if any(k[1] == p for k in by)]
    total = sum(by.values())
    body = []
    for c in dict.fromkeys(rows.category.tolist()):
        counts = [by.get((c, p), 0) for p in prios]
        n = sum(counts)
        body.append([category_label(c), *[fmt_int(x) for x in counts], fmt_int(n), pct_text(n / total, 1)])
    cols = [_("Category"), *[priority_label(p) for p in prios], _("Total"), _("Share")]
    return data_table(cols, body, _("911 calls by category and priority"), numeric=tuple(range(1, len(cols))))


# --- areas ---------------------------------------------------------------------------------------

AREAS_SHOWN = 25


def area_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The chart's areas (the 25 with most calls), with their rate per 1,000 residents and share
    without police; highest rate (or count) first. Columns: area, n, without_police, population,
    rate, share_without_police."""
    cols = ["area", "n", "without_police", "population", "rate", "share_without_police"]
    recs = []
    for a, n, w, p in list(zip(df.area.tolist(), df.n.tolist(), df.without_police.tolist(),
                               df.population.tolist()))[:AREAS_SHOWN]:
        p = None if p is None or p != p else int(p)
        recs.append((a, int(n), int(w), p, 1000.0 * n / p if p else None, w / n if n else None))
    if any(r[4] is not None for r in recs):
        recs.sort(key=lambda r: (r[4] is None, -(r[4] or 0)))
    else:
        recs.sort(key=lambda r: -r[1])
    return pd.DataFrame(recs, columns=cols)


def area_name(area, field: str) -> str:
    """An area as the page names it: a council district by its number in words ("Council District 7")."""
    if field == "council_district":
        from data_access.filters import FIELD_BY_NAME
        from layouts.common import caption_of

        return caption_of(FIELD_BY_NAME[field], 1).format(area)
    return str(area)


def area_height(n: int) -> int:
    return max(260, 70 + 26 * n)


def area_figure(df: pd.DataFrame, field: str = "police_district", rows: pd.DataFrame | None = None) -> dict:
    rows = area_rows(df) if rows is None else rows
    if rows.empty:
        return empty_figure(_(NO_CALLS))
    rows = rows.iloc[::-1]  # highest at the top
    has_rate = rows.rate.notna().any()
    x = [round(r, 1) if r is not None and pd.notna(r) else None for r in rows.rate] if has_rate else [
        int(n) for n in rows.n]
    text = [(fmt_dec(v) if has_rate else fmt_int(v)) if v is not None else "" for v in x]
    detail = [ngettext("{n} call", "{n} calls", int(n)).format(n=fmt_int(n))
              + _(", {share} without police").format(share=pct_text(s, 0))
              for n, s in zip(rows.n, rows.share_without_police)]
    top = max((v for v in x if v is not None), default=1) or 1
    title = _("Calls per 1,000 residents") if has_rate else _("Calls")
    return clear_modebar(style_figure(figure([{
        "type": "bar", "orientation": "h", "y": [area_name(a, field) for a in rows.area], "x": x, "text": text,
        "customdata": detail, "textposition": "outside", "cliponaxis": False,
        "marker": {"color": OKABE_ITO["blue"]}, "hovertemplate": "%{y}: %{customdata}<extra></extra>"}],
        {"margin": {"l": 8, "r": 12}, "xaxis": {"range": [0, top * 1.3], "title": {"text": wrap_label(title, 22)}},
         "yaxis": {"type": "category"}}),
        height=area_height(len(rows))))


def area_table(df: pd.DataFrame, field: str, caption: str, rows: pd.DataFrame | None = None) -> html.Div:
    rows = area_rows(df) if rows is None else rows
    if rows.empty:
        return html.P(_(NO_CALLS))
    body = [[area_name(r.area, field), fmt_int(r.n), pct_text(r.share_without_police, 1),
             fmt_int(r.population) if pd.notna(r.population) else "—",
             fmt_dec(r.rate) if r.rate is not None and pd.notna(r.rate) else "—"] for r in rows.itertuples(index=False)]
    return data_table([_(AREA_TITLES.get(field, N_("Area"))), _("Calls"), _("Without police"), _("Residents"),
                       _("Per 1,000 residents")], body, caption, numeric=(1, 2, 3, 4))


# --- the page ------------------------------------------------------------------------------------

def calls_page() -> html.Div:
    names = chart_names(_("the chosen filters"))
    return html.Div([
        html.Div(id=ids.CALLS_ERROR),
        dcc.Loading(html.Div(id=ids.CALLS_CARDS, className="cards-holder"), type="dot"),
        html.P(_(OFFENSE_NOTE), className="section-note"),
        html.P(id=ids.CALLS_COVERAGE, className="section-note"),
        html.Div([
            section(_("911 calls over time, by response type"),
                    figure_id(chart(ids.CALLS_TREND, ids.CALLS_TREND_TABLE, names["trend"], TREND_HEIGHT),
                              ids.CALLS_TREND_FIGURE),
                    _(PARTIAL_NOTE), width_class="span-8", csv=CSV_PATHS["trend"]),
            section(_("Response type by year"),
                    figure_id(chart(ids.CALLS_RESPONSE, ids.CALLS_RESPONSE_TABLE, names["response"], TREND_HEIGHT),
                              ids.CALLS_RESPONSE_FIGURE),
                    _(RESPONSE_NOTE), width_class="span-4", csv=CSV_PATHS["response"]),
        ], className="panel-row"),
        html.Div([
            section(_("By category and priority"),
                    figure_id(chart(ids.CALLS_CATEGORIES, ids.CALLS_CATEGORIES_TABLE, names["categories"], category_height(len(CATEGORIES))),
                              ids.CALLS_CATEGORIES_FIGURE),
                    _("Each call type is put in a category when data is loaded (the About page explains how); "
                      "priority is the dispatcher's."), width_class="span-6", csv=CSV_PATHS["categories"]),
            section(_("By area, per 1,000 residents"),
                    figure_id(chart(ids.CALLS_AREAS, ids.CALLS_AREAS_TABLE, names["areas"], 320),
                              ids.CALLS_AREAS_FIGURE),
                    _("Police districts (as each call records them; residents under the 2023 map), or "
                      "neighborhoods once an area is chosen. Top 25."), width_class="span-6",
                    csv=CSV_PATHS["areas"]),
        ], className="panel-row"),
        section(_("By City Council district, per 1,000 residents"),
                figure_id(chart(ids.CALLS_COUNCIL, ids.CALLS_COUNCIL_TABLE, names["council"], area_height(14)),
                          ids.CALLS_COUNCIL_FIGURE),
                _("Within the chosen areas (per 1,000 residents citywide; counts once an area is chosen, as a council "
                  "district may lie only partly inside it). Areas only: a call is never shown as a point, and no caller or "
                  "address is kept."), csv=CSV_PATHS["council"]),
    ])


__all__ = ["calls_page", "cards", "trend_figure", "trend_table", "trend_rows", "response_figure", "response_table",
           "response_rows", "category_figure", "category_table", "category_rows", "area_figure", "area_table",
           "area_rows", "chart_names", "coverage_text", "card_numbers", "where_text", "ABOUT_METHODOLOGY",
           "LOAD_DATASETS", "CSV_PATHS"]
