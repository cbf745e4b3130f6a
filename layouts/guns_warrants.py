"""The Guns and warrants page: guns seized by BPD (over time, by firearm type, how they were
recovered, their status, by area) and warrants of the Sheriff's Office (issued, served and recalled over time,
outstanding by age, by charge category and by area). Pure builders, no I/O.

Each chart is a ``layouts.common.chart`` with a name that follows the filters and its numbers
under "Show as table"; each section has a "Download CSV" link to its API path
(``/api/v1/guns-warrants/...``), whose rows the row functions here make, so the page, the table
and the CSV agree. A week or month the dates cover only in part is drawn pale and labelled with
the days it holds, as on the Arrests page. No chart shows a place finer than an area, and no
warrant carries a person: the datasets have no such column.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.i18n import N_, _
from data_access import guns_warrants as G
from data_access.filters import Filters
from data_access.vocabulary import CHARGE_CATEGORIES
from layouts.arrests import (
    _period_end,
    _period_start,
    _rgba,
    area_text,
    partial_text,
    period_label,
    rate_per_1000,
)
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

# What the About page adds for this page's datasets (layouts.about reads these):
ABOUT_METHODOLOGY: tuple[tuple[str, str], ...] = (
    (N_("Gun seizures"), N_(
        "One row per firearm the Baltimore Police Department seized, from a documented CSV layout "
        "(`psad ingest gun-seizures`): its seizure date, firearm type (handgun, rifle, shotgun, ghost gun — a "
        "privately made firearm — or other), how it was recovered (at an arrest, by search warrant, found or "
        "recovered, surrendered, other), its status and its area. A place is kept at most to its block (the "
        "house number is cut off and coordinates are cut to about 100 m) and the page shows areas only. The "
        "date filter applies to the seizure date, the geography filters to the seizure's area; the offense "
        "filter does not apply.")),
    (N_("Warrants"), N_(
        "One row per warrant of the Baltimore City Sheriff's Office, from a documented CSV layout "
        "(`psad ingest warrants`): type (arrest, bench, violation of probation, body attachment, other), "
        "charge category (the arrests' categories), issue date, served date, recall date, status and the "
        "areas of its address. No name or address of anyone is read or stored. A warrant is issued on its "
        "issue date and served on its served date; it is outstanding on a day when it was issued on or "
        "before that day and neither served nor recalled by then. The page counts outstanding warrants on "
        "the end date of the filters (or the data's last day, when earlier), whatever their issue date, and "
        "groups them by age: under 30 days, 30–89 days, 90 days to 1 year, 1–3 years, 3 years or more. "
        "The offense filter does not apply.")),
)
LOAD_DATASETS: dict[str, str] = {"gun_seizures": N_("Gun seizures (BPD)"), "warrants": N_("Warrants (Sheriff's Office)")}

# API paths of each section's numbers (app/api/guns_warrants.py declares them)
CSV_PATHS = {
    ids.GW_SEIZURE_TREND: "/guns-warrants/seizures/trend",
    ids.GW_SEIZURE_TYPES: "/guns-warrants/seizures/types",
    ids.GW_SEIZURE_RECOVERY: "/guns-warrants/seizures/recovery",
    ids.GW_SEIZURE_STATUS: "/guns-warrants/seizures/status",
    ids.GW_SEIZURE_AREA: "/guns-warrants/seizures/areas",
    ids.GW_WARRANT_TREND: "/guns-warrants/warrants/trend",
    ids.GW_WARRANT_AGE: "/guns-warrants/warrants/outstanding",
    ids.GW_WARRANT_CATEGORY: "/guns-warrants/warrants/categories",
    ids.GW_WARRANT_AREA: "/guns-warrants/warrants/areas",
}
HEIGHTS = {ids.GW_SEIZURE_TREND: 380, ids.GW_SEIZURE_TYPES: 320, ids.GW_SEIZURE_RECOVERY: 320, ids.GW_SEIZURE_STATUS: 320,
           ids.GW_SEIZURE_AREA: 340, ids.GW_WARRANT_TREND: 380, ids.GW_WARRANT_AGE: 320,
           ids.GW_WARRANT_CATEGORY: 420, ids.GW_WARRANT_AREA: 340}
FIREARM_COLORS = {"handgun": OKABE_ITO["blue"], "rifle": OKABE_ITO["orange"], "shotgun": OKABE_ITO["green"],
                  "ghost_gun": OKABE_ITO["vermillion"], "other": "#999999"}
# a seized gun's status: still held, gone back to its owner, destroyed, handed on; "Not recorded" grey
STATUS_COLORS = {"held": OKABE_ITO["blue"], "returned": OKABE_ITO["green"], "destroyed": OKABE_ITO["vermillion"],
                 "transferred": OKABE_ITO["orange"], "unknown": "#999999"}
STATUS_PATTERNS = {"held": "", "returned": "/", "destroyed": "x", "transferred": "\\", "unknown": "."}
FIREARM_PATTERNS = {"handgun": "", "rifle": "/", "shotgun": "\\", "ghost_gun": "x", "other": "."}
FLOW_STYLE = {"issued": (OKABE_ITO["blue"], "solid", "circle"), "served": (OKABE_ITO["green"], "dash", "square"),
              "recalled": (OKABE_ITO["orange"], "dot", "diamond")}
FLOW_TITLES = {"issued": N_("Issued"), "served": N_("Served"), "recalled": N_("Recalled")}
AREA_TITLES = {"police_district": N_("Police district"), "neighborhood": N_("Neighborhood")}
GRAIN_WORDS = {"week": N_("per week"), "month": N_("per month")}
AREAS_SHOWN = 25
UNKNOWN = N_("Not recorded")

OFFENSE_NOTE = N_("The offense filter does not apply on this page: a seized gun or a warrant is not a Part 1 "
                  "offense. The dates and the geography filters apply.")
PARTIAL_NOTE = N_("A week or month the dates cover only in part is drawn pale and labelled with the days it "
                  "holds: fewer days, not fewer guns.")
OUTSTANDING_NOTE = N_("Counted on the end date of the filters, or on the data's last day when that is earlier: "
                      "warrants issued on or before that day and neither served nor recalled by then, however long "
                      "ago they were issued (the start date does not apply).")


@lru_cache(maxsize=8192)
def _period_label(s: date, e: date, grain: str, start: date, end: date, complete: bool, lang: str) -> str:
    with i18n.use(lang):
        return period_label(s, e, grain, start, end, complete)


def period_name(s: date, e: date, grain: str, start: date, end: date, complete: bool) -> str:
    """``layouts.arrests.period_label`` remembered per language: the two trends, their tables and
    each line of a trend name the same periods (a fifteen-year view: 180 months, each named six
    times), and Babel's formatting was a fifth of a page update."""
    return _period_label(s, e, grain, start, end, bool(complete), i18n.get_lang())


def label_of(vocab, code) -> str:
    return _(UNKNOWN) if code in (None, "unknown") else _(vocab.label(code))


def flow_label(flow: str) -> str:
    return _(FLOW_TITLES[flow])


# --- numbers shared with the API ----------------------------------------------------------------

def _day(p) -> date:
    """A period's first day as a ``date`` (the queries give dates, the pandas baseline Timestamps)."""
    return p if type(p) is date else pd.Timestamp(p).date()


def period_rows(df: pd.DataFrame, key: str, keys: tuple[str, ...], grain: str, start: date, end: date) -> pd.DataFrame:
    """Every period from ``start`` to ``end`` (``end``: the last day with data) times every ``key``
    value of ``keys`` present (in that order), with its first and last day, its days in the span,
    whether the span covers it whole and its count (0 where none). Columns: period_start,
    period_end, days, complete, <key>, n."""
    cols = ["period_start", "period_end", "days", "complete", key, "n"]
    if df.empty or end < start:
        return pd.DataFrame({c: [] for c in cols})
    got = {(_day(p), k): int(n) for p, k, n in zip(df.period.tolist(), df[key].tolist(), df.n.tolist())}
    starts = []
    s, last = _period_start(start, grain), _period_start(end, grain)
    while s <= last:
        starts.append(s)
        s = _period_end(s, grain) + timedelta(days=1)
    ends = [_period_end(s, grain) for s in starts]
    days = [max(0, (min(e, end) - max(s, start)).days + 1) for s, e in zip(starts, ends)]
    complete = complete_periods(pd.DataFrame({"period_start": starts, "days": days}), grain)
    have = set(df[key].tolist())  # a list first: iterating an Arrow column value by value is slow
    present = [k for k in keys if k in have]
    rows = [(s, e, d, bool(c), k, got.get((s, k), 0)) for s, e, d, c in zip(starts, ends, days, complete)
            for k in present]
    return pd.DataFrame(rows, columns=cols)


def share_rows(df: pd.DataFrame, vocab) -> list[dict]:
    """Counts by code in the vocabulary's order (codes outside it, "unknown" last) with shares."""
    if df.empty:
        return []
    got = dict(zip(df.code, (int(n) for n in df.n)))
    total = sum(got.values())
    order = [c for c in vocab.codes if c in got] + sorted(c for c in got if c not in vocab.codes)
    return [{"code": c, "label": label_of(vocab, c), "n": got[c], "share": got[c] / total if total else None}
            for c in order]


def area_rows(df: pd.DataFrame, count: str = "n") -> pd.DataFrame:
    """The ``AREAS_SHOWN`` areas with most of ``count``, with a rate per 1,000 residents where known."""
    if df.empty:
        return df.assign(rate=[])
    df = df.sort_values([count, "area"], ascending=[False, True]).head(AREAS_SHOWN).copy()
    df["rate"] = [rate_per_1000(int(n), p) if p is not None and pd.notna(p) else None
                  for n, p in zip(df[count], df.population)]
    return df.reset_index(drop=True)


def age_rows(df: pd.DataFrame) -> list[dict]:
    """Outstanding warrants per age bucket (every bucket, 0 where none), with each type's count."""
    got: dict = {}
    for a, t, n in (zip(df.age, df.warrant_type, df.n) if len(df) else ()):  # one pass, not 25 masks
        got[(a, t)] = got.get((a, t), 0) + int(n)
    rows = []
    for code, label, lo, hi in G.AGE_BUCKETS:
        by_type = {t: got.get((code, t), 0) for t in G.WARRANT_TYPES.codes}
        rows.append({"age": code, "label": _(label), "days_from": lo, "days_to": hi, "n": sum(by_type.values()),
                     **by_type})
    return rows


def category_rows(df: pd.DataFrame) -> list[dict]:
    """Per charge category (the vocabulary's order): issued, served, outstanding."""
    got = {r.charge_category: r for r in df.itertuples(index=False)} if len(df) else {}
    order = [c for c in CHARGE_CATEGORIES.codes if c in got] + sorted(c for c in got if c not in CHARGE_CATEGORIES.codes)
    return [{"charge_category": c, "label": _(CHARGE_CATEGORIES.label(c)), "issued": int(got[c].issued),
             "served": int(got[c].served), "outstanding": int(got[c].outstanding)} for c in order]


# --- words ----------------------------------------------------------------------------------------

def where_text(f: Filters, options: dict | None = None) -> str:
    return _("{span}, {area}").format(span=span_text(f), area=area_text(f, options))


def chart_names(where: str, at: str = "") -> dict[str, str]:
    at = at or _("the end date")
    return {
        ids.GW_SEIZURE_TREND: _("Stacked bar chart: guns seized over time by firearm type, {where}").format(where=where),
        ids.GW_SEIZURE_TYPES: _("Bar chart: guns seized by firearm type, {where}").format(where=where),
        ids.GW_SEIZURE_RECOVERY: _("Bar chart: guns seized by how they were recovered, {where}").format(where=where),
        ids.GW_SEIZURE_STATUS: _("Bar chart: seized guns by status, {where}").format(where=where),
        ids.GW_SEIZURE_AREA: _("Bar chart: guns seized by area, {where}").format(where=where),
        ids.GW_WARRANT_TREND: _("Line chart: warrants issued, served and recalled over time, {where}").format(where=where),
        ids.GW_WARRANT_AGE: _("Bar chart: warrants outstanding on {day} by time since issue, {where}").format(
            day=at, where=where),
        ids.GW_WARRANT_CATEGORY: _("Grouped bar chart: warrants issued, served and outstanding by charge category, "
                                   "{where}").format(where=where),
        ids.GW_WARRANT_AREA: _("Bar chart: warrants outstanding on {day} by area, {where}").format(day=at, where=where),
    }


def day_text(d: date) -> str:
    from app import i18n

    return i18n.date_short(d)


def cards(seized: int, ghost: int, issued: int, served: int, outstanding: int, at: date, f: Filters) -> Component:
    span = span_text(f)
    items = [
        ("gw-card-seized", _("Guns seized"), fmt_int(seized), span),
        ("gw-card-ghost", _("Ghost guns"), fmt_int(ghost),
         _("{share} of guns seized").format(share=pct_text(ghost / seized, 0)) if seized else span),
        ("gw-card-issued", _("Warrants issued"), fmt_int(issued), span),
        ("gw-card-served", _("Warrants served"), fmt_int(served), span),
        ("gw-card-outstanding", _("Warrants outstanding"), fmt_int(outstanding),
         _("on {day}").format(day=day_text(at))),
    ]
    return stat_cards(items)


def caption_text(f: Filters, at: date, options: dict | None = None) -> str:
    return _("Guns seized, warrants issued and served: {where}. Warrants outstanding: on {day}.").format(
        where=where_text(f, options), day=day_text(at))


# --- gun seizures -----------------------------------------------------------------------------------

NO_GUNS = N_("No gun seizures recorded for these filters")
NO_WARRANTS = N_("No warrants recorded for these filters")


def _partial_notes(periods, totals, start: date, end: date) -> list[dict]:
    """A label on each period the dates cut short; ``periods``: (first day, last day, complete)."""
    top = max([int(v) for v in totals.values()] or [1]) or 1
    notes = []
    for s, e, c in periods:
        if c:
            continue
        total = int(totals.get(s, 0))
        inside = total > top / 2
        notes.append({"x": s.isoformat(), "y": 0 if inside else total, "text": partial_text(s, e, start, end),
                      "textangle": -90, "showarrow": False, "xanchor": "center", "yanchor": "bottom", "yshift": 3,
                      "font": {"size": 10, "color": "#222"}, **({"bgcolor": "rgba(255, 255, 255, 0.8)"} if inside else {})})
    return notes


def seizure_trend_figure(rows: pd.DataFrame, grain: str, start: date, end: date) -> dict:
    height = HEIGHTS[ids.GW_SEIZURE_TREND]
    if rows.empty or rows.n.sum() == 0:
        return empty_figure(_(NO_GUNS), height=height)
    # whole periods first, then the ones the dates cut short (each in period order): one pass over the rows
    periods = sorted(_by_period(rows, "firearm_type"), key=lambda p: not p[1][1])
    starts = [s for s, _p in periods]
    ends = [e for _s, (e, _c, _by) in periods]
    complete = [c for _s, (_e, c, _by) in periods]
    x = [s.isoformat() for s in starts]
    names = [period_name(s, e, grain, start, end, c) for s, e, c in zip(starts, ends, complete)]
    data = []
    for code in [c for c in G.FIREARM_TYPES.codes if c in set(rows.firearm_type.tolist())]:
        label = label_of(G.FIREARM_TYPES, code)
        colour = FIREARM_COLORS.get(code, "#999999")
        y = [int(by.get(code, 0)) for _s, (_e, _c, by) in periods]
        data.append({"type": "bar", "name": label, "x": x, "y": y, "customdata": names,
                     "marker": {"color": [colour if c else _rgba(colour, 0.3) for c in complete],
                                "line": {"color": colour, "width": [0 if c else 1.5 for c in complete]},
                                "pattern": {"shape": FIREARM_PATTERNS.get(code, ""), "solidity": 0.25,
                                            "fgcolor": "#222", "fillmode": "overlay"}},
                     "hovertemplate": f"{label}: %{{y:,}}<extra>%{{customdata}}</extra>"})
    totals = {s: sum(by.values()) for s, (_e, _c, by) in periods}
    title = _("Guns seized") + " " + _(GRAIN_WORDS[grain])
    return clear_modebar(style_figure(figure(data, {
        "barmode": "stack", "yaxis": {"title": {"text": title}, "rangemode": "tozero"}, "xaxis": {"type": "date"},
        "legend": {"traceorder": "normal"},
        "annotations": _partial_notes(zip(starts, ends, complete), totals, start, end)}),
        height=height, legend=True))


def _by_period(rows: pd.DataFrame, key: str) -> list:
    """[(period_start, (period_end, complete, {key value: n})), ...] in period order: one pass over
    the rows (a pandas group per period costs more than the table's cells)."""
    out: dict = {}
    # lists first: iterating a pandas (Arrow) string column value by value costs more than the loop
    for s, e, c, k, n in zip(rows.period_start.tolist(), rows.period_end.tolist(), rows.complete.tolist(),
                             rows[key].tolist(), rows.n.tolist()):
        by = out.setdefault(s, (e, bool(c), {}))[2]
        by[k] = by.get(k, 0) + n
    return sorted(out.items())


def seizure_trend_table(rows: pd.DataFrame, grain: str, start: date, end: date) -> html.Div:
    if rows.empty or rows.n.sum() == 0:
        return html.P(_(NO_GUNS))
    codes = [c for c in G.FIREARM_TYPES.codes if c in set(rows.firearm_type.tolist())]
    body = []
    for s, (e, complete, by) in _by_period(rows, "firearm_type"):
        body.append([time_cell(period_name(s, e, grain, start, end, complete), s),
                     *[fmt_int(int(by.get(c, 0))) for c in codes], fmt_int(int(sum(by.values())))])
    cols = [_("Period"), *[label_of(G.FIREARM_TYPES, c) for c in codes], _("Total")]
    return data_table(cols, body, _("Guns seized by firearm type"), numeric=tuple(range(1, len(cols))))


def share_figure(rows: list[dict], graph: str, colours: dict | None = None, patterns: dict | None = None) -> dict:
    height = HEIGHTS[graph]
    if not rows or sum(r["n"] for r in rows) == 0:
        return empty_figure(_(NO_GUNS), height=height)
    rows = list(reversed(rows))  # the first on top
    top = max(r["n"] for r in rows) or 1
    trace = {"type": "bar", "orientation": "h", "y": [wrap_label(r["label"], 14) for r in rows],
             "x": [r["n"] for r in rows], "text": [fmt_int(r["n"]) for r in rows],
             "customdata": [pct_text(r["share"], 0) for r in rows], "textposition": "outside", "cliponaxis": False,
             "marker": {"color": [(colours or {}).get(r["code"], OKABE_ITO["blue"]) for r in rows]},
             "hovertemplate": "%{y}: %{x:,} (%{customdata})<extra></extra>"}
    if patterns:
        trace["marker"]["pattern"] = {"shape": [patterns.get(r["code"], "") for r in rows], "fgcolor": "#222",
                                      "solidity": 0.25, "fillmode": "overlay"}
    return clear_modebar(style_figure(figure([trace], {"margin": {"l": 8, "r": 12},
                                                       "xaxis": {"range": [0, top * 1.4],
                                                                 "title": {"text": _("Guns seized")}}}),
                                      height=height))


def share_table(rows: list[dict], head: str, caption: str) -> html.Div:
    if not rows:
        return html.P(_(NO_GUNS))
    return data_table([head, _("Guns seized"), _("Share")],
                      [[r["label"], fmt_int(r["n"]), pct_text(r["share"], 0)] for r in rows], caption, numeric=(1, 2))


def area_figure(rows: pd.DataFrame, graph: str, count: str, axis: str, empty: str) -> dict:
    """Horizontal bars of ``count`` per area (most on top), the rate per 1,000 residents in the hover."""
    if rows.empty:
        return empty_figure(_(empty), height=HEIGHTS[graph])
    rows = rows.iloc[::-1]
    detail = [(_(", {rate} per 1,000 residents").format(rate=fmt_dec(r)) if r is not None and pd.notna(r) else "")
              for r in rows.rate]
    top = int(rows[count].max()) or 1
    return clear_modebar(style_figure(figure([{
        "type": "bar", "orientation": "h", "y": list(rows.area), "x": [int(n) for n in rows[count]],
        "text": [fmt_int(n) for n in rows[count]], "customdata": detail, "textposition": "outside",
        "cliponaxis": False, "marker": {"color": OKABE_ITO["blue"]},
        "hovertemplate": "%{y}: %{x:,}%{customdata}<extra></extra>"}],
        {"margin": {"l": 8, "r": 12}, "xaxis": {"range": [0, top * 1.3], "title": {"text": wrap_label(axis, 24)}}}),
        height=max(HEIGHTS[graph], 60 + 24 * len(rows))))


def seizure_area_table(rows: pd.DataFrame, field: str) -> html.Div:
    if rows.empty:
        return html.P(_(NO_GUNS))
    body = [[a, fmt_int(n), fmt_int(p) if p is not None and pd.notna(p) else "—",
             fmt_dec(r) if r is not None and pd.notna(r) else "—"]
            for a, n, p, r in zip(rows.area, rows.n, rows.population, rows.rate)]
    return data_table([_(AREA_TITLES[field]), _("Guns seized"), _("Residents"), _("Per 1,000 residents")], body,
                      _("Guns seized by area"), numeric=(1, 2, 3))


# --- warrants -----------------------------------------------------------------------------------------

def warrant_trend_figure(rows: pd.DataFrame, grain: str, start: date, end: date) -> dict:
    height = HEIGHTS[ids.GW_WARRANT_TREND]
    if rows.empty or rows.n.sum() == 0:
        return empty_figure(_(NO_WARRANTS), height=height)
    data = []
    periods = _by_period(rows, "flow")  # one pass over the rows, in period order
    x = [s.isoformat() for s, _p in periods]
    complete = [c for _s, (_e, c, _by) in periods]
    names = [period_name(s, e, grain, start, end, c) for s, (e, c, _by) in periods]
    for flow in [f for f in G.FLOWS if f in set(rows.flow.tolist())]:
        colour, dash, symbol = FLOW_STYLE[flow]
        label = flow_label(flow)
        data.append({"type": "scatter", "mode": "lines+markers", "name": label,
                     "x": x, "y": [int(by.get(flow, 0)) for _s, (_e, _c, by) in periods],
                     "customdata": names, "line": {"color": colour, "dash": dash, "width": 2},
                     "marker": {"symbol": symbol, "size": [7 if c else 9 for c in complete],
                                "color": [colour if c else "white" for c in complete],
                                "line": {"color": colour, "width": 1.5}},
                     "hovertemplate": f"{label}: %{{y:,}}<extra>%{{customdata}}</extra>"})
    title = _("Warrants") + " " + _(GRAIN_WORDS[grain])
    return clear_modebar(style_figure(figure(data, {"yaxis": {"title": {"text": title}, "rangemode": "tozero"},
                                                    "xaxis": {"type": "date"}, "legend": {"traceorder": "normal"}}),
                                      height=height, legend=True))


def warrant_trend_table(rows: pd.DataFrame, grain: str, start: date, end: date) -> html.Div:
    if rows.empty or rows.n.sum() == 0:
        return html.P(_(NO_WARRANTS))
    flows = [f for f in G.FLOWS if f in set(rows.flow.tolist())]
    body = []
    for s, (e, complete, by) in _by_period(rows, "flow"):
        body.append([time_cell(period_name(s, e, grain, start, end, complete), s),
                     *[fmt_int(int(by.get(x, 0))) for x in flows]])
    cols = [_("Period"), *[flow_label(x) for x in flows]]
    return data_table(cols, body, _("Warrants issued, served and recalled"), numeric=tuple(range(1, len(cols))))


AGE_COLOURS = ("#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")


def age_figure(rows: list[dict]) -> dict:
    height = HEIGHTS[ids.GW_WARRANT_AGE]
    if sum(r["n"] for r in rows) == 0:
        return empty_figure(_("No outstanding warrants for these filters"), height=height)
    top = max(r["n"] for r in rows) or 1
    shown = list(reversed(rows))  # the youngest on top
    return clear_modebar(style_figure(figure([{
        "type": "bar", "orientation": "h", "y": [wrap_label(r["label"], 12) for r in shown], "x": [r["n"] for r in shown],
        "text": [fmt_int(r["n"]) for r in shown], "textposition": "outside", "cliponaxis": False,
        "marker": {"color": list(reversed(AGE_COLOURS)), "line": {"color": "#08306b", "width": 1}},
        "hovertemplate": "%{y}: %{x:,}<extra></extra>"}],
        {"xaxis": {"title": {"text": _("Outstanding warrants")}, "range": [0, top * 1.35]},
         "margin": {"l": 8, "r": 12}}), height=height))


def age_table(rows: list[dict]) -> html.Div:
    types = list(G.WARRANT_TYPES.codes)
    body = [[r["label"], *[fmt_int(r[t]) for t in types], fmt_int(r["n"])] for r in rows]
    total = {t: sum(r[t] for r in rows) for t in types}
    body.append([_("Total"), *[fmt_int(total[t]) for t in types], fmt_int(sum(r["n"] for r in rows))])
    cols = [_("Time since issue"), *[_(G.WARRANT_TYPES.label(t)) for t in types], _("All")]
    return data_table(cols, body, _("Outstanding warrants by time since issue and type"),
                      numeric=tuple(range(1, len(cols))))


def category_figure(rows: list[dict]) -> dict:
    height = HEIGHTS[ids.GW_WARRANT_CATEGORY]
    if not rows or sum(r["issued"] + r["served"] + r["outstanding"] for r in rows) == 0:
        return empty_figure(_(NO_WARRANTS), height=height)
    rows = list(reversed(rows))
    y = [wrap_label(r["label"], 12) for r in rows]
    data = []
    for key, pattern in (("issued", ""), ("served", "/"), ("outstanding", "x")):
        colour = FLOW_STYLE["issued"][0] if key == "issued" else (
            FLOW_STYLE["served"][0] if key == "served" else OKABE_ITO["vermillion"])
        label = _("Outstanding") if key == "outstanding" else flow_label(key)
        data.append({"type": "bar", "orientation": "h", "name": label, "y": y, "x": [r[key] for r in rows],
                     "marker": {"color": colour, "pattern": {"shape": pattern, "fgcolor": "#222", "solidity": 0.25,
                                                             "fillmode": "overlay"}},
                     "hovertemplate": f"{label}: %{{x:,}}<extra>%{{y}}</extra>"})
    return clear_modebar(style_figure(figure(data, {"barmode": "group", "margin": {"l": 8, "r": 12},
                                                    "legend": {"traceorder": "normal"},
                                                    "xaxis": {"title": {"text": _("Warrants")}}}),
                                      height=height, legend=True))


def category_table(rows: list[dict], at: date) -> html.Div:
    if not rows:
        return html.P(_(NO_WARRANTS))
    body = [[r["label"], fmt_int(r["issued"]), fmt_int(r["served"]), fmt_int(r["outstanding"])] for r in rows]
    return data_table([_("Charge category"), _("Issued"), _("Served"),
                       _("Outstanding on {day}").format(day=day_text(at))], body,
                      _("Warrants by charge category"), numeric=(1, 2, 3))


def warrant_area_table(rows: pd.DataFrame, field: str, at: date) -> html.Div:
    if rows.empty:
        return html.P(_(NO_WARRANTS))
    body = [[a, fmt_int(i), fmt_int(s), fmt_int(o), fmt_dec(r) if r is not None and pd.notna(r) else "—"]
            for a, i, s, o, r in zip(rows.area, rows.issued, rows.served, rows.outstanding, rows.rate)]
    return data_table([_(AREA_TITLES[field]), _("Issued"), _("Served"), _("Outstanding on {day}").format(day=day_text(at)),
                       _("Outstanding per 1,000 residents")], body, _("Warrants by area"), numeric=(1, 2, 3, 4))


# --- the page ----------------------------------------------------------------------------------------

def _chart(graph: str, name: str):
    return figure_id(chart(graph, f"{graph}-table", name, HEIGHTS[graph]), f"{graph}-figure")


def guns_warrants_page() -> html.Div:
    names = chart_names(_("the chosen filters"))
    sec = {
        ids.GW_SEIZURE_TREND: (_("Guns seized over time, by firearm type"), _(PARTIAL_NOTE), "span-8"),
        ids.GW_SEIZURE_TYPES: (_("By firearm type"),
                               _("Ghost guns are privately made firearms without a serial number."), "span-4"),
        ids.GW_SEIZURE_RECOVERY: (_("How the guns were recovered"),
                                  _("At an arrest, with a search warrant, found or recovered (no one arrested), or "
                                    "surrendered by their owner."), "span-4"),
        ids.GW_SEIZURE_STATUS: (_("Seized guns by status"),
                                _("Where the guns seized in the span are now: held as evidence or property, "
                                  "returned to their owner, destroyed or transferred to another agency, as the "
                                  "data's last load records it."), "span-4"),
        ids.GW_SEIZURE_AREA: (_("Guns seized by area"),
                              _("Police districts, or neighborhoods once an area is chosen; the 25 areas with most. "
                                "Guns without a recorded area count only in citywide totals."), "span-4"),
        ids.GW_WARRANT_TREND: (_("Warrants issued, served and recalled"),
                               _("Each warrant counts on the day it was issued, the day it was served and the day it "
                                 "was recalled; a hollow point is a week or month the dates cover only in part."),
                               "span-8"),
        ids.GW_WARRANT_AGE: (_("Outstanding warrants, by time since issue"), _(OUTSTANDING_NOTE), "span-4"),
        ids.GW_WARRANT_CATEGORY: (_("Warrants by charge category"),
                                  _("The arrests' charge categories; “Warrants” holds failures to appear and "
                                    "violations of probation."), "span-6"),
        ids.GW_WARRANT_AREA: (_("Outstanding warrants by area"),
                              _("The areas of each warrant's address (never the address); police districts, or "
                                "neighborhoods once an area is chosen; the 25 areas with most."), "span-6"),
    }

    def block(graph):
        title, note, width = sec[graph]
        return section(title, _chart(graph, names[graph]), note, width_class=width, csv=CSV_PATHS[graph])

    return html.Div([
        html.Div(id=ids.GW_ERROR),
        html.P(id=ids.GW_CAPTION, className="caption"),
        html.P(_(OFFENSE_NOTE), className="section-note gw-offense-note"),
        dcc.Loading(html.Div(id=ids.GW_CARDS, className="cards-holder"), type="dot"),
        html.H2(_("Gun seizures (Police Department)"), className="h5 gw-part"),
        html.Div([block(ids.GW_SEIZURE_TREND), block(ids.GW_SEIZURE_TYPES)], className="panel-row"),
        html.Div([block(ids.GW_SEIZURE_RECOVERY), block(ids.GW_SEIZURE_STATUS), block(ids.GW_SEIZURE_AREA)],
                 className="panel-row"),
        html.H2(_("Warrants (Sheriff's Office)"), className="h5 gw-part"),
        html.P(_("No name or address of anyone is read, stored or shown: a warrant carries its type, charge "
                 "category, dates, status and areas only."), className="section-note privacy-rule"),
        html.Div([block(ids.GW_WARRANT_TREND), block(ids.GW_WARRANT_AGE)], className="panel-row"),
        html.Div([block(ids.GW_WARRANT_CATEGORY), block(ids.GW_WARRANT_AREA)], className="panel-row"),
    ])


__all__ = ["ABOUT_METHODOLOGY", "LOAD_DATASETS", "CSV_PATHS", "guns_warrants_page", "period_rows", "share_rows",
           "area_rows", "age_rows", "category_rows", "chart_names", "cards", "caption_text", "seizure_trend_figure",
           "seizure_trend_table", "share_figure", "share_table", "area_figure", "seizure_area_table",
           "warrant_trend_figure", "warrant_trend_table", "age_figure", "age_table", "category_figure",
           "category_table", "warrant_area_table", "where_text"]
