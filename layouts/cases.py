"""The Case outcomes and Case lookup pages. Pure builders, no I/O.

Case lookup shows public court-record facts only: case number, dates, court, area, charges and
their dispositions. There is no name anywhere to show.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Sequence
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from app import ids
from data_access.cases import PAGE_SIZE, ChargeOptions, SearchPage
from data_access.vocabulary import DISPOSITIONS
from layouts.common import COLORS, empty_figure, figure, fmt_int, graph, scroll_region, section, style_figure

DISPOSITION_COLORS = {
    "guilty": "#1f4e79", "guilty_lesser": "#4f7fb0", "nolle_prosequi": "#c8553d", "stet": "#e39b6d",
    "dismissed": "#8a94a6", "acquitted": "#2e7d32", "pending": "#d4a017",
}  # fmt: skip
GROUPS = (("gun", "Gun charges"), ("other", "Other charges"))
OUTCOME_DEFINITIONS = (
    "Cases are counted by filing date and the case's place; the offense filter does not apply. "
    "The disposition mix counts charges (a case with three charges counts three times); gun "
    "charges are firearm possession and use charges. A case is pending while any of its charges "
    "is. Time to disposition runs from the arrest date (the arrest linked by arrest number) to the "
    "last charge's disposition date, for decided cases with a linked arrest.")


# --- outcomes ---------------------------------------------------------------------------------

def weighted_quantile(values: list[float], weights: list[int], q: float) -> float | None:
    """The smallest value with at least share ``q`` of the weight at or below it."""
    pairs = sorted((v, w) for v, w in zip(values, weights) if w > 0)
    total = sum(w for _, w in pairs)
    if not total:
        return None
    acc = 0
    for v, w in pairs:
        acc += w
        if acc >= q * total:
            return float(v)
    return float(pairs[-1][0])


def outcome_summary(status: pd.DataFrame) -> dict[str, dict]:
    """Per group (all, gun, other): cases, pending, pending share, median and 75th-percentile days
    from arrest to disposition and how many decided cases that is measured on."""
    out = {}
    for key, mask in (("all", None), ("gun", True), ("other", False)):
        rows = status if mask is None or status.empty else status[status.gun == mask]
        cases = int(rows.n.sum()) if len(rows) else 0
        pending = int(rows[rows.pending.astype(bool)].n.sum()) if len(rows) else 0
        timed = rows[rows.days.notna()] if len(rows) else rows
        out[key] = {
            "cases": cases, "pending": pending, "pending_share": (pending / cases) if cases else None,
            "median_days": weighted_quantile(list(timed.days), list(timed.n), 0.5) if len(timed) else None,
            "p75_days": weighted_quantile(list(timed.days), list(timed.n), 0.75) if len(timed) else None,
            "timed": int(timed.n.sum()) if len(timed) else 0,
        }
    return out


def outcome_cards(summary: dict) -> html.Div:
    def pct(p):
        return "—" if p is None else f"{100 * p:.0f}%"

    def days(d):
        return "—" if d is None else f"{d:.0f} days"

    a, g = summary["all"], summary["gun"]
    items = [
        ("outcomes-cases", "Cases filed", fmt_int(a["cases"]), f"{fmt_int(g['cases'])} with a gun charge"),
        ("outcomes-pending", "Still pending", pct(a["pending_share"]),
         f"{fmt_int(a['pending'])} cases; gun cases {pct(g['pending_share'])}"),
        ("outcomes-days", "Arrest to disposition (median)", days(a["median_days"]),
         f"gun cases {days(g['median_days'])}; measured on {fmt_int(a['timed'])} decided cases"),
    ]
    return html.Div([html.Div([html.Div(t, className="card-title"), html.Div(v, className="card-value"),
                               html.Div(n, className="card-note")], className="stat-card", id=i)
                     for i, t, v, n in items], className="stat-cards")


def mix_rows(mix: pd.DataFrame) -> pd.DataFrame:
    """Charges per group and disposition with shares. Columns: group, disposition, n, share."""
    rows = []
    for key, _ in GROUPS:
        part = mix[mix.gun == (key == "gun")] if len(mix) else mix
        total = int(part.n.sum()) if len(part) else 0
        for d in DISPOSITIONS.codes:
            n = int(part[part.disposition == d].n.sum()) if len(part) else 0
            rows.append((key, d, n, n / total if total else 0.0))
    return pd.DataFrame(rows, columns=["group", "disposition", "n", "share"])


def mix_figure(mix: pd.DataFrame) -> dict:
    rows = mix_rows(mix)
    if rows.n.sum() == 0:
        return empty_figure("No cases filed for these filters")
    labels = [label for _, label in GROUPS]
    data = []
    for d in DISPOSITIONS.codes:
        part = rows[rows.disposition == d]
        data.append({"type": "bar", "orientation": "h", "name": DISPOSITIONS.labels[d], "y": labels,
                     "x": [round(100 * s, 2) for s in part.share], "marker": {"color": DISPOSITION_COLORS[d]},
                     "customdata": [int(n) for n in part.n],
                     "hovertemplate": f"{DISPOSITIONS.labels[d]}: %{{x:.1f}}%% (%{{customdata:,}} charges)<extra>%{{y}}</extra>"})
    return style_figure(figure(data, {"barmode": "stack", "xaxis": {"ticksuffix": "%", "range": [0, 100]},
                                      "yaxis": {"autorange": "reversed"}, "margin": {"l": 110}}),
                        height=260, legend=True)


def time_figure(status: pd.DataFrame) -> dict:
    timed = status[status.days.notna()] if len(status) else status
    if timed.empty:
        return empty_figure("No decided cases with a linked arrest for these filters")
    data = []
    for key, label in GROUPS:
        part = timed[timed.gun == (key == "gun")]
        if part.empty:
            continue
        bins = (part.days // 30).astype(int).clip(upper=18)
        counts = part.groupby(bins).n.sum().reindex(range(19), fill_value=0)
        total = counts.sum()
        data.append({"type": "bar", "name": label, "x": [f"{30 * b}–{30 * b + 29}" if b < 18 else "540+" for b in counts.index],
                     "y": [round(100 * c / total, 2) for c in counts], "customdata": [int(c) for c in counts],
                     "marker": {"color": COLORS["accent"] if key == "gun" else COLORS["primary"]},
                     "hovertemplate": "%{x} days: %{y:.1f}% (%{customdata:,} cases)<extra>" + label + "</extra>"})
    return style_figure(figure(data, {"barmode": "group", "xaxis": {"title": {"text": "Days from arrest to disposition"}},
                                      "yaxis": {"ticksuffix": "%", "title": {"text": "Share of decided cases"}}}),
                        height=320, legend=True)


def outcomes_page() -> html.Div:
    return html.Div([
        html.Div(id=ids.OUTCOMES_ERROR),
        dcc.Loading(html.Div(id=ids.OUTCOMES_CARDS, className="cards-holder"), type="dot"),
        html.P(OUTCOME_DEFINITIONS, className="section-note"),
        section("What happened to the charges", graph(ids.OUTCOMES_MIX, 260),
                "Share of charges by disposition, gun charges apart from the rest."),
        section("Time from arrest to disposition", graph(ids.OUTCOMES_TIME, 320),
                "Decided cases, in 30-day steps."),
        html.P([dcc.Link("Look up individual cases →", href="/lookup")], className="caption"),
    ])


# --- lookup -----------------------------------------------------------------------------------

def lookup_href(filter_query: str, *, case: str | None = None, charge: str | None = None,
                page: int = 1, open_case: str | None = None) -> str:
    """The Case lookup address for a search (the URL is the state: see the README)."""
    params = [(k, v) for k, v in (("case", case), ("charge", charge)) if v]
    if page and page > 1:
        params.append(("page", str(page)))
    if open_case:
        params.append(("open", open_case))
    base = filter_query.lstrip("?")
    extra = urlencode(params)
    return "/lookup?" + "&".join(p for p in (base, extra) if p)


def charges_cut_note(shown: int) -> html.P:
    """Says the charge picker does not hold every charge, and how to reach the others."""
    return html.P(f"The charge list shows the first {shown:,} charge descriptions in alphabetical order; "
                  "charges later in the alphabet are not in it. To find a case with one of those, "
                  "search by its case number.", className="note charges-cut-note")


def lookup_form(charges: Sequence[str], truncated: bool = False) -> html.Div:
    return html.Div([
        html.Div([html.Label("Case number (exact)", htmlFor=ids.LOOKUP_CASE, className="form-label"),
                  dcc.Input(id=ids.LOOKUP_CASE, type="text", placeholder="e.g. 826000123", debounce=True,
                            className="form-control", autoComplete="off", maxLength=40)], className="filter"),
        html.Div([html.Label("Charge", htmlFor=ids.LOOKUP_CHARGE, className="form-label"),
                  dcc.Dropdown(id=ids.LOOKUP_CHARGE, options=[{"label": c.title(), "value": c} for c in charges],
                               placeholder="Any charge", searchable=True),
                  charges_cut_note(len(charges)) if truncated else None], className="filter lookup-charge"),
        html.Div([dbc.Button("Search", id=ids.LOOKUP_SEARCH, color="primary", className="me-2"),
                  dbc.Button("Clear", id=ids.LOOKUP_CLEAR, color="secondary", outline=True)],
                 className="filter filter-clear"),
    ], className="filter-bar lookup-form")


def results_table(page: SearchPage, filter_query: str, case: str | None, charge: str | None) -> html.Div:
    if page.rows.empty:
        return html.P("No cases match this search." if page.page == 1 else "No more cases.", className="no-results")
    header = ["Case number", "Filed", "Court", "Area", "Charges", "First charge", "Status"]
    body = []
    for r in page.rows.itertuples(index=False):
        href = lookup_href(filter_query, case=case, charge=charge, page=page.page, open_case=r.case_number)
        area = r.neighborhood or r.police_district or "—"
        body.append(html.Tr([
            html.Td(dcc.Link(r.case_number, href=href, className="case-link")),
            html.Td(r.filed_date.isoformat()), html.Td((r.court or "—").capitalize()), html.Td(area),
            html.Td([str(int(r.charges)), html.Span("gun", className="badge bg-secondary ms-1",
                                                    title="At least one gun charge") if r.gun else None],
                    className="num"),
            html.Td((r.first_charge or "—").title()),
            html.Td(r.status),
        ], className="result-row"))
    first = (page.page - 1) * PAGE_SIZE + 1
    last = first + len(page.rows) - 1
    total = f"{fmt_int(page.total)}+" if page.total_capped else fmt_int(page.total)
    nav = html.Div([
        dcc.Link("← Previous", href=lookup_href(filter_query, case=case, charge=charge, page=page.page - 1),
                 id="lookup-prev", className="btn btn-outline-secondary btn-sm me-2") if page.page > 1 else None,
        html.Span(f"Cases {first:,}–{last:,} of {total}", id="lookup-page-info", className="me-2"),
        dcc.Link("Next →", href=lookup_href(filter_query, case=case, charge=charge, page=page.page + 1),
                 id="lookup-next", className="btn btn-outline-secondary btn-sm") if page.has_next else None,
    ], className="lookup-pager")
    return html.Div([nav, scroll_region(html.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)],
                                                   className="table table-sm table-hover results-table"),
                                        "Matching cases (table)"), nav])


def timeline_figure(detail: dict) -> dict:
    """Arrest, filing and each charge's disposition on one time axis."""
    charges = detail["charges"]
    rows_y, events = [], []
    if detail.get("arrest_date"):
        events.append(("Arrest", detail["arrest_date"], "Arrest", COLORS["muted"]))
    events.append(("Case filed", detail["filed_date"], "Filed", COLORS["muted"]))
    for r in charges.itertuples(index=False):
        label = f"{r.seq}. {(r.description or r.statute or 'charge').title()}"
        label = label if len(label) <= 30 else label[:29] + "…"
        rows_y.append(label)
        if r.disposition_date is not None and pd.notna(r.disposition_date):
            events.append((label, r.disposition_date, DISPOSITIONS.label(r.disposition),
                           DISPOSITION_COLORS.get(r.disposition, COLORS["muted"])))
    y_order = (["Arrest"] if detail.get("arrest_date") else []) + ["Case filed"] + rows_y
    data = []
    # A line from filing to each charge's disposition (open-ended when pending).
    for r, label in zip(charges.itertuples(index=False), rows_y):
        end = r.disposition_date if r.disposition_date is not None and pd.notna(r.disposition_date) else None
        if end is not None:
            data.append({"type": "scatter", "mode": "lines", "x": [detail["filed_date"].isoformat(), end.isoformat()],
                         "y": [label, label], "line": {"color": "#c9d3df", "width": 3}, "hoverinfo": "skip",
                         "showlegend": False})
    seen = set()
    for kind in dict.fromkeys(e[2] for e in events):
        ev = [e for e in events if e[2] == kind]
        data.append({"type": "scatter", "mode": "markers", "name": kind, "x": [e[1].isoformat() for e in ev],
                     "y": [e[0] for e in ev], "marker": {"size": 13, "color": ev[0][3]},
                     "hovertemplate": f"{kind}: %{{x|%d %b %Y}}<extra>%{{y}}</extra>",
                     "showlegend": kind not in seen})
        seen.add(kind)
    dates = [e[1] for e in events]
    lo, hi = min(dates), max(dates)
    pad = max(7, (hi - lo).days // 12)
    return style_figure(figure(data, {"yaxis": {"categoryorder": "array", "categoryarray": list(reversed(y_order)),
                                                "type": "category"},
                                      "xaxis": {"type": "date", "nticks": 5, "tickformat": "%-d %b %Y",
                                                "range": [(lo - timedelta(days=pad)).isoformat(),
                                                          (hi + timedelta(days=pad)).isoformat()]},
                                      "margin": {"l": 8, "r": 8}}),
                        height=150 + 34 * len(y_order), legend=True)


def _timeline_graph(fig: dict) -> dcc.Graph:
    return dcc.Graph(figure=fig, config={"displaylogo": False, "responsive": True, "modeBarButtons": [["toImage"]]},
                     id="case-timeline", style={"height": f"{fig['layout']['height']}px"})


def case_detail_view(detail: dict | None, number: str, back_href: str) -> html.Div:
    if detail is None:
        return dbc.Alert(f"There is no case numbered “{number}”.", color="warning", id="case-missing")
    charges = detail["charges"]
    pending = any(charges.disposition == "pending") if len(charges) else False
    facts = [("Case number", detail["case_number"]), ("Court", (detail["court"] or "—").capitalize()),
             ("Filed", detail["filed_date"].isoformat()),
             ("Arrest", detail["arrest_date"].isoformat() if detail.get("arrest_date") else "Not linked"),
             ("Area", detail.get("neighborhood") or detail.get("police_district") or "—"),
             ("Status", "Pending" if pending else "Decided")]
    rows = []
    for r in charges.itertuples(index=False):
        when = r.disposition_date.isoformat() if r.disposition_date is not None and pd.notna(r.disposition_date) else "—"
        rows.append(html.Tr([html.Td(str(r.seq)), html.Td(r.statute or "—"), html.Td((r.description or "—").title()),
                             html.Td((r.severity or "—").capitalize()), html.Td("Yes" if r.is_gun_charge else ""),
                             html.Td(DISPOSITIONS.label(r.disposition)), html.Td(when),
                             html.Td(r.sentence_summary or "")]))
    return html.Div([
        html.Div([html.H2(f"Case {detail['case_number']}", className="h5 d-inline me-3"),
                  dcc.Link("Close", href=back_href, className="btn btn-sm btn-outline-secondary", id="case-close")]),
        html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="case-facts"),
        _timeline_graph(timeline_figure(detail)),
        scroll_region(html.Table([html.Thead(html.Tr([html.Th(h) for h in ("#", "Statute", "Charge", "Severity",
                                                                           "Gun", "Disposition", "Date", "Sentence")])),
                                  html.Tbody(rows)], className="table table-sm charges-detail"), "Charges in this case (table)"),
        html.P("Public court-record facts only: no names or other details of the people involved are stored or shown.",
               className="section-note"),
    ], className="case-detail", id="case-detail")


def lookup_page(charges: ChargeOptions | Sequence[str], truncated: bool = False) -> html.Div:
    """The Case lookup page. ``charges``: ``charge_options``' result (its ``truncated`` shows the
    note under the picker), or a plain list with ``truncated`` given."""
    if isinstance(charges, ChargeOptions):
        charges, truncated = charges.options, charges.truncated
    return html.Div([
        lookup_form(charges, truncated),
        html.P("Search by exact case number (other filters are then ignored), or by charge within the date "
               "range (filing date) and areas chosen above. Results come 25 at a time, newest filing first.",
               className="section-note"),
        html.Div(id=ids.LOOKUP_ERROR),
        html.Div(id=ids.LOOKUP_DETAIL, className="panel", style={}),
        section("Cases", dcc.Loading(html.Div(id=ids.LOOKUP_RESULTS), type="dot")),
    ])


__all__ = ["outcomes_page", "lookup_page", "outcome_summary", "mix_rows", "mix_figure", "time_figure",
           "timeline_figure", "case_detail_view", "results_table", "lookup_href", "weighted_quantile"]
