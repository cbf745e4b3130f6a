"""The Demographics page: victims and arrestees by age band, sex, race and ethnicity.

Pure builders over ``data_access.demographics.Demographics`` (already suppressed) and the
population table. Withheld cells never get a bar: chart heights and shares use shown cells only,
and a note under each chart says what was withheld and why.
"""

from __future__ import annotations

from dash import dcc, html

from app import ids
from data_access.demographics import Demographics
from data_access.suppression import Table
from data_access.vocabulary import DEMOGRAPHIC_DIMENSIONS
from layouts.common import COLORS, GRAPH_CONFIG, empty_figure, figure, fmt_int, section, style_figure

RULE_TEXT = ("Privacy: groups of 1–4 people are shown as “<5”. A group is also withheld when "
             "comparing this view with one a single step away (one more or one fewer area or "
             "offense, or one calendar year more or less) would reveal 1–4 people, and further groups are "
             "withheld, smallest first, so that no withheld number can be worked out from the total. "
             "Withheld groups have no bar and no share. Demographic tables count whole calendar "
             "years: a shorter date range shows the years it falls in.")
DATASET_TITLES = {"victims": "Victims of Part 1 crime", "arrestees": "People arrested"}


def share_rows(table: Table, population: dict[str, int] | None) -> list[dict]:
    """One row per category: label, count label, share of all people (None when withheld) and
    the residents' share (None when unknown)."""
    pop_total = sum(population.values()) if population else 0
    rows = []
    for c in table.cells:
        share = (c.value / table.total) if (c.shown and table.total) else None
        pop_share = (population[c.category] / pop_total) if population and c.category in population and pop_total else None
        rows.append({"category": c.category, "label": c.label, "value": c.value, "share": share,
                     "pop_share": pop_share, "reason": c.reason})
    return rows


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{100 * p:.1f}%"


def dimension_figure(rows: list[dict], title: str, people: str) -> dict:
    shown = [r for r in rows if r["share"] is not None]
    if not shown:
        return empty_figure("Every group is withheld or empty", height=260)
    cats = [r["category"] for r in shown]
    data = [{"type": "bar", "orientation": "h", "name": people, "y": cats,
             "x": [round(100 * r["share"], 2) for r in shown], "marker": {"color": COLORS["primary"]},
             "text": [f"{r['label']} ({_pct(r['share'])})" for r in shown], "textposition": "outside",
             "cliponaxis": False,
             "hovertemplate": "%{y}: %{text}<extra></extra>"}]
    with_pop = [r for r in shown if r["pop_share"] is not None]
    if with_pop:
        data.append({"type": "bar", "orientation": "h", "name": "Residents", "y": [r["category"] for r in with_pop],
                     "x": [round(100 * r["pop_share"], 2) for r in with_pop], "marker": {"color": "#b8c4d4"},
                     "hovertemplate": "%{y}: %{x:.1f}% of residents<extra></extra>"})
    height = 70 + len(cats) * (44 if with_pop else 28)
    return style_figure(figure(data, {
        "barmode": "group", "yaxis": {"autorange": "reversed", "categoryorder": "array", "categoryarray": cats},
        "xaxis": {"title": {"text": "% of all people counted"}, "ticksuffix": "%"},
        "margin": {"l": 110, "t": 8, "r": 90}, "title": {"text": ""},
    }), height=max(180, height), legend=bool(with_pop))


def withheld_note(rows: list[dict]) -> str:
    small = [r["category"] for r in rows if r["reason"] == "small"]
    other = [r["category"] for r in rows if r["reason"] in ("neighbour", "complement")]
    table = any(r["reason"] == "table" for r in rows)
    if table:
        return "Too few people to show this breakdown without revealing a small group."
    parts = []
    if small:
        parts.append("fewer than 5 people: " + ", ".join(small))
    if other:
        parts.append("withheld so small groups cannot be worked out: " + ", ".join(other))
    return ("Not drawn — " + "; ".join(parts) + ".") if parts else ""


def dimension_table(rows: list[dict], dim: str, has_pop: bool) -> html.Table:
    head = ["Group", "People", "Share"] + (["Residents"] if has_pop else [])
    body = []
    for r in rows:
        cells = [html.Td(r["category"]), html.Td(r["label"], className="num"), html.Td(_pct(r["share"]), className="num")]
        if has_pop:
            cells.append(html.Td(_pct(r["pop_share"]), className="num"))
        body.append(html.Tr(cells, **{"data-category": r["category"]}))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                      className="table table-sm demo-table", **{"data-dimension": dim})


def csv_href(filter_query: str, dataset: str) -> str:
    """The suppressed CSV of a table (the same rule as the page: see data_access.suppression)."""
    return f"/api/v1/demographics?{filter_query.lstrip('?')}&dataset={dataset}&format=csv"


def dataset_panel(demo: Demographics, population: dict, key: str, download: str | None = None) -> html.Div:
    people = "Victims" if key == "victims" else "Arrestees"
    blocks = []
    for dim, title in DEMOGRAPHIC_DIMENSIONS:
        pop = population.get(dim) if population else None
        rows = share_rows(demo.tables[dim], pop)
        note = withheld_note(rows)
        fig = dimension_figure(rows, title, people)
        blocks.append(html.Div([
            html.H3(title, className="h6 section-title"),
            dcc.Graph(figure=fig, config=GRAPH_CONFIG, id=f"{key}-{dim}-graph",
                      style={"height": f"{fig['layout']['height']}px"}),
            html.P(note, className="section-note withheld-note") if note else None,
            dimension_table(rows, dim, pop is not None),
        ], className="panel span-6 demo-block", id=f"{key}-{dim}"))
    total = html.P([html.Strong(fmt_int(demo.total)), f" {people.lower()} in these years. ",
                    html.A("Download CSV", href=download, id=f"{key}-csv", download="") if download else None],
                   className="caption")
    return html.Div([total, html.Div(blocks, className="panel-row")])


def population_note(population: dict) -> str:
    if not population:
        return "No population figures are loaded for this area, so residents' shares are not shown."
    return ("Residents' shares come from population figures for the chosen area (neighborhoods "
            "inside every chosen district). Race shares of residents do not add to 100%: people of "
            "another or several races have no matching group in police records.")


def demographics_page() -> html.Div:
    return html.Div([
        html.Div(id=ids.DEMO_ERROR),
        html.P(id=ids.DEMO_CAPTION, className="caption"),
        html.P(RULE_TEXT, className="section-note privacy-rule"),
        section(DATASET_TITLES["victims"], dcc.Loading(html.Div(id=ids.DEMO_VICTIMS), type="dot"),
                "Each victim counts once; the offense filter applies."),
        section(DATASET_TITLES["arrestees"], dcc.Loading(html.Div(id=ids.DEMO_ARRESTEES), type="dot"),
                "Each arrest counts once, so a person arrested twice counts twice; the offense filter "
                "does not apply to arrests."),
    ])
