"""The Demographics page: victims and arrestees by age band, sex, race and ethnicity.

Pure builders over ``data_access.demographics.Demographics`` (already suppressed) and the
population table. Withheld cells never get a bar: chart heights and shares use shown cells only,
and a note under each chart says what was withheld and why.

Each chart is a <figure> with a name that says what it shows (people, dimension, years, area),
and the table under it holds the same numbers (counts, "<5" where withheld, shares, residents'
shares): the table is the chart's text alternative. People and residents differ by pattern as
well as colour, and each bar has its number written beside it.
"""

from __future__ import annotations

from dash import dcc, html

from app import ids
from app.i18n import N_, _, ngettext
from data_access.demographics import Demographics
from data_access.suppression import Table
from data_access.vocabulary import DEMOGRAPHIC_DIMENSIONS
from layouts.cases import MODEBAR_ROOM, OKABE_ITO, clear_modebar, pct_text, wrap_label
from layouts.common import empty_figure, figure, fmt_int, graph_config, scroll_region, section, style_figure

RULE_TEXT = N_("Privacy: groups of 1–4 people are shown as “<5”. A group is also withheld when "
               "comparing this view with one a single step away (one more or one fewer area or "
               "offense, or one calendar year more or less) would reveal 1–4 people, and further groups are "
               "withheld, smallest first, so that no withheld number can be worked out from the total. "
               "Withheld groups have no bar and no share. Demographic tables count whole calendar "
               "years: a shorter date range shows the years it falls in.")
DATASET_TITLES = {"victims": N_("Victims of Part 1 crime"), "arrestees": N_("People arrested")}
PEOPLE = {"victims": N_("Victims"), "arrestees": N_("Arrestees")}
# Each table's "Download CSV" path: /demographics with its dataset fixed, one path per dataset
# (assets/psad_csv.js rebuilds a link's query from the address bar, so a fixed dataset= cannot ride
# along). A dataset without a path (None) would get the callback's link instead (``callback_csv``).
CSV_PATHS: dict[str, str | None] = {"victims": "/demographics/victims", "arrestees": "/demographics/arrests"}
RESIDENTS_STYLE = {"color": "#c9d3df", "pattern": {"shape": "/", "fgcolor": "#5c6b80", "solidity": 0.3, "fillmode": "overlay"}}


def share_rows(table: Table, population: dict[str, int] | None) -> list[dict]:
    """One row per category: label (English, as the API gives it), text (the count or "<5" in
    the reader's language), share of all people (None when withheld) and the residents' share
    (None when unknown)."""
    pop_total = sum(population.values()) if population else 0
    rows = []
    for c in table.cells:
        share = (c.value / table.total) if (c.shown and table.total) else None
        pop_share = (population[c.category] / pop_total) if population and c.category in population and pop_total else None
        text = fmt_int(c.value) if c.shown else _(c.label)
        rows.append({"category": c.category, "label": c.label, "text": text, "value": c.value, "share": share,
                     "pop_share": pop_share, "reason": c.reason})
    return rows


def _pct(p: float | None) -> str:
    return pct_text(p)


def dimension_figure(rows: list[dict], title: str, people: str) -> dict:
    """``title`` and ``people`` are shown as given (already translated)."""
    shown = [r for r in rows if r["share"] is not None]
    if not shown:
        return empty_figure(_("Every group is withheld or empty"), height=260)
    cats = [_(r["category"]) for r in shown]
    data = [{"type": "bar", "orientation": "h", "name": people, "y": cats,
             "x": [round(100 * r["share"], 2) for r in shown], "marker": {"color": OKABE_ITO["blue"]},
             # the share beside the bar (what it draws); the count in the hover text and the table
             "text": [_pct(r["share"]) for r in shown], "customdata": [r["text"] for r in shown],
             "textposition": "outside", "cliponaxis": False,
             "hovertemplate": "%{y}: %{customdata} (%{text})<extra></extra>"}]
    with_pop = [r for r in shown if r["pop_share"] is not None]
    if with_pop:
        data.append({"type": "bar", "orientation": "h", "name": _("Residents"), "y": [_(r["category"]) for r in with_pop],
                     "x": [round(100 * r["pop_share"], 2) for r in with_pop], "marker": RESIDENTS_STYLE,
                     "text": [_pct(r["pop_share"]) for r in with_pop], "textposition": "outside", "cliponaxis": False,
                     "hovertemplate": _("%{y}: %{x:.1f}% of residents") + "<extra></extra>"})
    # the strip over the legend is the mode bar's (clear_modebar): the bars keep their room
    height = MODEBAR_ROOM + 70 + len(cats) * (52 if with_pop else 30)
    top = max(100 * max(r["share"] for r in shown), max((100 * r["pop_share"] for r in with_pop), default=0))
    return clear_modebar(style_figure(figure(data, {
        "barmode": "group", "yaxis": {"autorange": "reversed", "categoryorder": "array", "categoryarray": cats},
        "xaxis": {"title": {"text": wrap_label(_("% of all people counted"), 20)}, "ticksuffix": "%", "range": [0, top * 1.45 + 1],
                  # ticks only up to the longest bar: the room beyond it is for the labels, not a scale past 100%
                  "tickmode": "array", "tickvals": [v for v in range(0, 101, 10 if top <= 50 else 20) if v <= top + 5]},
        "margin": {"l": 8, "t": 8, "r": 12}, "title": {"text": ""},
    }), height=max(180, height), legend=True))  # a legend even for one series: every colour is named


def withheld_note(rows: list[dict]) -> str:
    small = [_(r["category"]) for r in rows if r["reason"] == "small"]
    other = [_(r["category"]) for r in rows if r["reason"] in ("neighbour", "complement")]
    table = any(r["reason"] == "table" for r in rows)
    if table:
        return _("Too few people to show this breakdown without revealing a small group.")
    if small and other:
        return _("Not drawn — fewer than 5 people: {small}; withheld so small groups cannot be worked out: {other}.").format(
            small=", ".join(small), other=", ".join(other))
    if small:
        return _("Not drawn — fewer than 5 people: {small}.").format(small=", ".join(small))
    if other:
        return _("Not drawn — withheld so small groups cannot be worked out: {other}.").format(other=", ".join(other))
    return ""


def dimension_table(rows: list[dict], dim: str, has_pop: bool, caption: str = "") -> html.Div:
    head = [_("Group"), _("People"), _("Share")] + ([_("Residents")] if has_pop else [])
    body = []
    for r in rows:
        cells = [html.Th(_(r["category"]), scope="row"), html.Td(r["text"], className="num"),
                 html.Td(_pct(r["share"]), className="num")]
        if has_pop:
            cells.append(html.Td(_pct(r["pop_share"]), className="num"))
        body.append(html.Tr(cells, **{"data-category": r["category"]}))
    table = html.Table([html.Caption(caption) if caption else None,
                        html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i else None)
                                            for i, h in enumerate(head)])),
                        html.Tbody(body)],
                       className="table table-sm demo-table chart-data", **{"data-dimension": dim})
    return scroll_region(table, caption or _("Table"))


def csv_href(filter_query: str, dataset: str) -> str:
    """The suppressed CSV of a table (the same rule as the page: see data_access.suppression)."""
    return f"/api/v1/demographics?{filter_query.lstrip('?')}&dataset={dataset}&format=csv"


def chart_name(people: str, dimension: str, has_pop: bool, where: str) -> str:
    if has_pop:
        return _("Bar chart: {people} by {dimension}, each group's share beside its share of residents, {where}").format(
            people=people, dimension=dimension, where=where)
    return _("Bar chart: {people} by {dimension}, each group's share, {where}").format(
        people=people, dimension=dimension, where=where)


def total_line(demo: Demographics, key: str, download: str | None) -> html.P:
    if key == "victims":
        text = ngettext("{n} victim in these years.", "{n} victims in these years.", demo.total)
        link = _("Download the victims tables (CSV)")
    else:
        text = ngettext("{n} arrest in these years.", "{n} arrests in these years.", demo.total)
        link = _("Download the arrests tables (CSV)")
    n, rest = text.split("{n}", 1) if "{n}" in text else ("", text)
    return html.P([n, html.Strong(fmt_int(demo.total)), rest + " ",
                   html.A(link, href=download, id=f"{key}-csv", download="") if download else None], className="caption")


def dataset_panel(demo: Demographics, population: dict, key: str, download: str | None = None,
                  where: str = "") -> html.Div:
    people = _(PEOPLE["victims" if key == "victims" else "arrestees"])
    blocks = []
    for dim, title in DEMOGRAPHIC_DIMENSIONS:
        pop = population.get(dim) if population else None
        rows = share_rows(demo.tables[dim], pop)
        note = withheld_note(rows)
        dimension = _(title)
        fig = dimension_figure(rows, dimension, people)
        name = chart_name(people.lower(), dimension.lower(), pop is not None, where)
        caption = _("{people} by {dimension}").format(people=people, dimension=dimension.lower())
        blocks.append(html.Div([
            html.H3(dimension, className="h6 section-title"),
            html.Figure([
                dcc.Graph(figure=fig, config=graph_config(), id=f"{key}-{dim}-graph",
                          style={"height": f"{fig['layout']['height']}px"}),
                html.P(note, className="section-note withheld-note") if note else None,
                dimension_table(rows, dim, pop is not None, caption),
            ], className="chart", role="figure", **{"aria-label": name}),
        ], className="panel span-6 demo-block", id=f"{key}-{dim}"))
    return html.Div([total_line(demo, key, download), html.Div(blocks, className="panel-row")])


def dataset_section(key: str):
    """A dataset's panel with its "Download CSV" link (the page's filters, as the page counts them:
    the offense filter does not apply to arrests)."""
    body = dcc.Loading(html.Div(id=ids.DEMO_VICTIMS if key == "victims" else ids.DEMO_ARRESTEES), type="dot")
    if key == "victims":
        return section(_(DATASET_TITLES["victims"]), body, _("Each victim counts once; the offense filter applies."),
                       csv=CSV_PATHS["victims"])
    return section(
        _(DATASET_TITLES["arrestees"]), body,
        _("Each arrest counts once, so a person arrested twice counts twice; the offense filter does not apply to "
          "arrests."), csv=CSV_PATHS["arrestees"])


def callback_csv(filter_query: str, key: str) -> str | None:
    """The link the callback writes under a dataset's total, for a dataset whose section has no
    "Download CSV" of its own (``CSV_PATHS``)."""
    return csv_href(filter_query, "arrests" if key == "arrestees" else key) if CSV_PATHS[key] is None else None


def population_note(population: dict) -> str:
    if not population:
        return _("No population figures are loaded for this area, so residents' shares are not shown.")
    return _("Residents' shares come from population figures for the chosen area (neighborhoods "
             "inside every chosen district). Race shares of residents do not add to 100%: people of "
             "another or several races have no matching group in police records.")


def years_text(demo: Demographics) -> str:
    return str(demo.first_year) if demo.first_year == demo.last_year else f"{demo.first_year}–{demo.last_year}"


def caption_text(demo: Demographics, population: dict) -> str:
    return (_("Whole calendar years: {years} (through the data-as-of date).").format(years=years_text(demo))
            + " " + population_note(population))


def demographics_page() -> html.Div:
    return html.Div([
        html.Div(id=ids.DEMO_ERROR),
        html.P(id=ids.DEMO_CAPTION, className="caption"),
        html.P(_(RULE_TEXT), className="section-note privacy-rule"),
        dataset_section("victims"),
        dataset_section("arrestees"),
    ])
