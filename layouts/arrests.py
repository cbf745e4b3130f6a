"""The Arrests page: over time, by charge category and area, per 1,000 residents, the most common
charges, and the clearance view for homicides and shootings. Pure builders, no I/O."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from app import ids
from data_access.filters import Filters, span_label
from data_access.vocabulary import ARREST_LINKS, CHARGE_CATEGORIES
from layouts.common import COLORS, empty_figure, figure, fmt_int, graph, scroll_region, section, style_figure

CATEGORY_COLORS = {
    "violent": "#b23b3b", "weapons": "#7b2d8b", "drugs": "#c8553d", "property": "#1f4e79",
    "warrant": "#6c757d", "traffic": "#2e7d32", "public_order": "#d4a017", "other": "#9aa5b1",
}  # fmt: skip
OFFENSE_TITLES = {"homicide": "Homicides", "shooting": "Non-fatal shootings"}

CLEARANCE_DEFINITION = (
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


def category_label(code: str) -> str:
    return CHARGE_CATEGORIES.label(code)


def rate_per_1000(n: int, population: int | None) -> float | None:
    return None if not population else 1000.0 * n / population


def cards(total: int, population: int | None, f: Filters) -> html.Div:
    rate = rate_per_1000(total, population)
    items = [
        ("arrests-total", "Arrests", fmt_int(total), span_label(f)),
        ("arrests-rate", "Per 1,000 residents", "—" if rate is None else f"{rate:.1f}",
         "No population figures for this area" if rate is None
         else f"in this span; {fmt_int(population)} residents"),
    ]
    return html.Div([html.Div([html.Div(t, className="card-title"), html.Div(v, className="card-value"),
                               html.Div(note, className="card-note")], className="stat-card", id=i)
                     for i, t, v, note in items], className="stat-cards")


def trend_figure(df: pd.DataFrame, grain: str) -> dict:
    if df.empty or df.n.sum() == 0:
        return empty_figure("No arrests recorded for these filters")
    data = []
    for cat in CHARGE_CATEGORIES.codes:
        rows = df[df.charge_category == cat]
        if rows.empty:
            continue
        data.append({"type": "bar", "name": category_label(cat), "x": [d.isoformat() for d in rows.period],
                     "y": [int(n) for n in rows.n], "marker": {"color": CATEGORY_COLORS.get(cat, COLORS["muted"])},
                     "hovertemplate": f"{category_label(cat)}: %{{y:,}}<extra>%{{x}}</extra>"})
    return style_figure(figure(data, {"barmode": "stack", "yaxis": {"title": {"text": f"Arrests per {grain}"}},
                                      "xaxis": {"type": "date"}}), height=360, legend=True)


def category_figure(df: pd.DataFrame) -> dict:
    if df.empty or df.n.sum() == 0:
        return empty_figure("No arrests recorded for these filters")
    df = df.sort_values("n", ascending=True)
    total = int(df.n.sum())
    return style_figure(figure([{
        "type": "bar", "orientation": "h", "y": [category_label(c) for c in df.charge_category],
        "x": [int(n) for n in df.n], "marker": {"color": [CATEGORY_COLORS.get(c, COLORS["muted"]) for c in df.charge_category]},
        "text": [f"{int(n):,} ({100 * n / total:.0f}%)" for n in df.n], "textposition": "auto",
        "hovertemplate": "%{y}: %{x:,}<extra></extra>"}], {"margin": {"l": 100}}), height=340)


def area_figure(df: pd.DataFrame, field: str) -> dict:
    if df.empty:
        return empty_figure("No arrests recorded for these filters")
    df = df.head(25).copy()
    df["rate"] = [rate_per_1000(n, p) if pd.notna(p) else None for n, p in zip(df.n, df.population)]
    has_rate = df.rate.notna().any()
    df = df.sort_values("rate" if has_rate else "n", ascending=True, na_position="first")
    x = [round(r, 2) if r is not None and pd.notna(r) else 0 for r in df.rate] if has_rate else [int(n) for n in df.n]
    text = [f"{int(n):,} arrests" + (f", {r:.1f} per 1,000" if r is not None and pd.notna(r) else "")
            for n, r in zip(df.n, df.rate)]
    return style_figure(figure([{
        "type": "bar", "orientation": "h", "y": list(df.area), "x": x, "text": text, "textposition": "auto",
        "marker": {"color": COLORS["primary"]}, "hovertemplate": "%{y}: %{text}<extra></extra>"}],
        {"margin": {"l": 130}, "xaxis": {"title": {"text": "Arrests per 1,000 residents" if has_rate else "Arrests"}}}),
        height=max(260, 60 + 24 * len(df)))


def charges_table(df: pd.DataFrame) -> html.Div:
    if df.empty:
        return html.P("No arrests recorded for these filters.")
    return scroll_region(html.Table([
        html.Thead(html.Tr([html.Th("Category"), html.Th("Statute"), html.Th("Charge as recorded"),
                            html.Th("Arrests", className="num")])),
        html.Tbody([html.Tr([html.Td(category_label(r.charge_category)), html.Td(r.charge or "—"),
                             html.Td(r.charge_description), html.Td(f"{int(r.n):,}", className="num")])
                    for r in df.itertuples(index=False)]),
    ], className="table table-sm charges-table"), "Top charges (table)")


def clearance_figure(df: pd.DataFrame) -> dict:
    if df.empty or df[["same_year", "earlier_year", "unlinked", "incidents"]].to_numpy().sum() == 0:
        return empty_figure("No homicides or shootings for these filters")
    x = [[str(y) for y in df.year], [OFFENSE_TITLES[o] for o in df.offense]]
    colors = {"same_year": COLORS["primary"], "earlier_year": COLORS["accent"], "unlinked": "#b8c4d4"}
    data = [{"type": "bar", "name": ARREST_LINKS.labels[k], "x": x, "y": [int(v) for v in df[k]],
             "marker": {"color": colors[k]}, "hovertemplate": f"{ARREST_LINKS.labels[k]}: %{{y:,}}<extra></extra>"}
            for k in ("same_year", "earlier_year", "unlinked")]
    return style_figure(figure(data, {"barmode": "stack", "yaxis": {"title": {"text": "Arrests"}}}),
                        height=360, legend=True)


def clearance_table(df: pd.DataFrame) -> html.Div:
    head = ["Year", "Offense", "Incidents", "Cleared the same year", "Same-year arrests",
            "Arrests for earlier years", "Not linked"]
    body = []
    for r in df.itertuples(index=False):
        share = f"{int(r.cleared_same_year):,} ({100 * r.cleared_same_year / r.incidents:.0f}%)" if r.incidents else "—"
        body.append(html.Tr([html.Td(str(r.year)), html.Td(OFFENSE_TITLES[r.offense]),
                             html.Td(f"{int(r.incidents):,}", className="num"), html.Td(share, className="num"),
                             html.Td(f"{int(r.same_year):,}", className="num"),
                             html.Td(f"{int(r.earlier_year):,}", className="num"),
                             html.Td(f"{int(r.unlinked):,}", className="num")]))
    return scroll_region(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                                    className="table table-sm clearance-table"), "Clearance by year (table)")


def arrests_page() -> html.Div:
    return html.Div([
        html.Div(id=ids.ARRESTS_ERROR),
        dcc.Loading(html.Div(id=ids.ARRESTS_CARDS, className="cards-holder"), type="dot"),
        html.P("The offense filter does not apply to arrests; dates are arrest dates.", className="section-note"),
        html.Div([
            section("Arrests over time, by charge category", graph(ids.ARRESTS_TREND, 360), width_class="span-8"),
            section("By charge category", graph(ids.ARRESTS_CATEGORY, 340),
                    "Charges are grouped into categories when data is loaded.", width_class="span-4"),
        ], className="panel-row"),
        html.Div([
            section("By area, per 1,000 residents", graph(ids.ARRESTS_AREA, 320),
                    "Police districts (under the map in force on each arrest's date; residents under the 2023 "
                    "map), or neighborhoods once an area is chosen. Top 25.", width_class="span-6"),
            section("Most common charges", html.Div(id=ids.ARRESTS_CHARGES),
                    "Raw charge text as recorded, with its category.", width_class="span-6"),
        ], className="panel-row"),
        section("Clearance: homicides and shootings", html.Div([
            graph(ids.ARRESTS_CLEARANCE, 360), html.Div(id=ids.ARRESTS_CLEARANCE_TABLE)]),
            CLEARANCE_DEFINITION),
    ])
