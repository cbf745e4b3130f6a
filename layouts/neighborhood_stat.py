"""The Neighborhood Stat page: BNIA-JFI's Vital Signs by Community Statistical Area (CSA), the
Plan's "Neighborhood Stat, focused on equity".

Pure builders over the rows of ``data_access.vital_signs`` (``profile_rows``, ``ranking_rows``,
``scatter_rows``, ``crime_rate_rows``): the chosen CSA's profile by BNIA section (each indicator's
latest value against the city's, its trend, definition and source), BNIA's crime rates beside the
dashboard's own for the same CSA and year, and the equity view (the CSAs ranked by one indicator,
and a scatter of two), the CSAs under the filters highlighted.

Indicator labels, definitions and sources are BNIA's and stay as published (English, marked
``lang="en"``); section names and every word of the page are translated.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from app import i18n, ids
from app.i18n import N_, _
from data_access.vital_signs import CITY, CRIME_PAIRS
from layouts.common import (
    COLORS,
    data_table,
    dropdown_labels,
    empty_figure,
    figure,
    fmt_dec,
    fmt_int,
    graph_config,
    scroll_region,
    style_figure,
    wire,
)

ABOUT_METHODOLOGY: tuple[tuple[str, str], ...] = (
    (N_("Neighborhood Stat: BNIA Vital Signs"),
     N_("The Neighborhood Stat page shows the Baltimore Neighborhood Indicators Alliance's (BNIA-JFI) Vital Signs "
        "for each Community Statistical Area (CSA) and the city: about 150 indicators in eight sections, by year, "
        "loaded with `psad ingest vital-signs` from BNIA's published file and its indicator dictionary. CSA names are "
        "matched to the boundary layer's CSAs without regard to case or punctuation, plus a short list of BNIA's "
        "other spellings; a row whose CSA cannot be matched, or that has no value, is kept aside with its reason. "
        "The geography filters choose CSAs: a neighborhood's CSA, or the CSAs of a district's neighborhoods. "
        "Indicators are yearly: the page shows each indicator's latest year up to the end of the chosen dates.")),
    (N_("Neighborhood Stat: BNIA's crime rates and the dashboard's"),
     N_("Beside BNIA's published Part 1, violent and property crime rates, the page computes its own from the "
        "loaded police data: victims of Part 1 crime in the CSA that calendar year, per 1,000 residents (the "
        "boundary layer's population, or BNIA's total population when the boundaries carry none). They can "
        "differ: BNIA geocodes incidents itself, BPD revises records after BNIA took its copy, and BNIA counts "
        "incidents where the police data counts victims. Only whole years the loaded data covers are computed.")),
)
LOAD_DATASETS: dict[str, str] = {"vital_signs": N_("BNIA Vital Signs (Neighborhood Stat)")}

SECTION_LABELS = {
    "Crime and Safety": N_("Crime and safety"),
    "Housing and Community Development": N_("Housing and community development"),
    "Workforce and Economic Development": N_("Workforce and economic development"),
    "Children and Family Health": N_("Children and family health"),
    "Education and Youth": N_("Education and youth"),
    "Census Demographics": N_("Census demographics"),
    "Sustainability": N_("Sustainability"),
    "Arts and Culture": N_("Arts and culture"),
    "Other": N_("Other (not in BNIA's dictionary)"),
}
CRIME_LABELS = {
    "part_1_crime_rate_per_1_000_residents": N_("Part 1 crime"),
    "violent_crime_rate_per_1_000_residents": N_("Violent crime"),
    "property_crime_rate_per_1_000_residents": N_("Property crime"),
}
WHY_DIFFERENT = N_("Why the two can differ: BNIA geocodes each incident itself, so some land in another CSA or in "
                   "none; the police department revises its records after BNIA took its copy; and BNIA counts "
                   "incidents where the police data counts victims (an incident with two victims counts twice "
                   "here). The dashboard's rate counts only whole calendar years its data covers.")
BNIA_ENGLISH = N_("Indicator names, definitions and sources are BNIA's, as published (in English).")
NOT_OFFENSE = N_("The offense filter does not apply to BNIA's indicators.")
SPARK = "▁▂▃▄▅▆▇█"


def section_label(section: str) -> str:
    label = SECTION_LABELS.get(section)
    return _(label) if label else section


def area_name(csa: str, names: dict[str, str]) -> str:
    return _("Baltimore City") if csa == CITY else names.get(csa, csa)


def fmt_value(x: float | None) -> str:
    """A value with as many decimals as its size needs: 123,456 / 52.3 / 0.06."""
    if x is None:
        return "—"
    a = abs(x)
    if a >= 1000:
        return fmt_int(round(x))
    if a >= 100:
        return fmt_dec(x, 0)
    if a >= 1 or a == 0:
        return fmt_dec(x, 1)
    return fmt_dec(x, 2)


def sparkline(values: list[float]) -> str:
    """Block characters from the lowest to the highest value (shown, hidden from screen readers)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[3] * len(values)
    return "".join(SPARK[min(7, int((v - lo) / (hi - lo) * 8))] for v in values)


def api_href(path: str, f_query: str, **params) -> str:
    """An API link with the page's filters (``f_query``: ``app.urlstate.to_query``), its own picks,
    the reader's language and ``format=csv``."""
    pairs = [(k, v) for k, v in params.items() if v not in (None, "")]
    pairs += [("lang", i18n.get_lang()), ("format", "csv")]
    q = f_query.lstrip("?")
    return f"/api/v1{path}?" + (q + "&" if q else "") + urlencode(pairs)


def csv_anchor(href: str, what: str) -> html.A:
    """A "Download CSV" link (``layouts.common.csv_link``'s look and name) whose address the page's
    callback writes, with the page's own picks in it."""
    return html.A([_("Download CSV"), html.Span(": " + what, className="visually-hidden")], href=href,
                  className="csv-link", download="")


def head(title: str, href: str | None) -> html.Div:
    h = html.H2(title, className="h6 section-title")
    return html.Div([h, csv_anchor(href, title)], className="section-head") if href else h


# --- the profile ------------------------------------------------------------------------------------

def en(text) -> dict:
    """BNIA's words, in English on either page (WCAG 3.1.2: the language of parts)."""
    return wire(html.Span, text, lang="en")


def profile_table(rows: list[dict], area: str, caption: str) -> html.Div:
    """An area's indicators against the city's: each indicator's latest year, value, the city's value
    and trend. On a phone (``assets/neighborhood_stat.css``) the year and trend columns give way to a
    line under the indicator's name (its trend, which ends with the latest year), so the area's value
    and the city's stay side by side on the screen instead of past its right edge."""
    is_city = area == _("Baltimore City")
    cols = [_("Indicator"), _("Year"), area] + ([] if is_city else [_("City")]) + [_("Trend")]
    head_class = {1: "num ns-year", len(cols) - 1: "ns-trend"}
    body = []
    # the words every row repeats, translated once per table (a profile has a few hundred rows)
    trend_words, source_word, definition_word = _("{first}: {v0} → {last}: {v1}"), _("Source") + ": ", _("Definition")
    for r in rows:
        trend_text = trend_words.format(
            first=r["first_year"], v0=fmt_value(r["first_value"]), last=r["year"], v1=fmt_value(r["value"]))
        trend = [wire(html.Span, sparkline([v for _y, v in r["trend"]]), className="ns-spark", **{"aria-hidden": "true"}),
                 " ", wire(html.Span, trend_text, className="ns-trend-text")]
        label = [en(r["label"]), wire(html.Span, trend, className="ns-phone-trend"),
                 wire(html.Span, [source_word, en(r["source"] or "—")], className="ns-source")]
        if r.get("definition"):
            label.append(wire(html.Details, [wire(html.Summary, definition_word, className="ns-def-toggle"),
                                             wire(html.P, en(r["definition"]), className="ns-def")],
                              className="ns-def-box"))
        cells = [wire(html.Th, label, scope="row", className="ns-label"),
                 wire(html.Td, str(r["year"]), className="num ns-year"),
                 wire(html.Td, fmt_value(r["value"]), className="num")]
        if not is_city:
            cells.append(wire(html.Td, fmt_value(r["city_value"]), className="num"))
        cells.append(wire(html.Td, trend, className="ns-trend"))
        body.append(wire(html.Tr, cells, **{"data-indicator": r["indicator"]}))
    table = html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(slashed(c) if k == 2 else c, scope="col",
                                    className=head_class.get(k, "num" if k else None))
                            for k, c in enumerate(cols)])),
        html.Tbody(body)], className="table table-sm ns-table")
    return scroll_region(table, caption)


def slashed(name: str):
    """A CSA's name with a line-break opportunity after each "/" ("Allendale/Irvington/S. Hilton"):
    a browser breaks no line at a slash, so on a phone the name's column was as wide as its longest
    run of slashed words."""
    parts = name.split("/")
    if len(parts) == 1:
        return name
    out: list = []
    for part in parts[:-1]:
        out += [part + "/", html.Wbr()]
    return out + [parts[-1]]


def profile_view(rows: list[dict], area: str, sections_order: list[str]) -> html.Div:
    """One disclosure per BNIA section (crime and safety open), each with its table."""
    if not rows:
        return html.P(_("BNIA publishes no indicator for this area up to the end of the chosen dates."),
                      className="section-note")
    by_section: dict[str, list[dict]] = {}
    for r in rows:
        by_section.setdefault(r["section"], []).append(r)
    blocks = []
    for k, section in enumerate([s for s in sections_order if s in by_section]):
        name = section_label(section)
        n = len(by_section[section])
        caption = _("{section}: {area} against the city, latest year up to the chosen dates").format(
            section=name, area=area)
        blocks.append(html.Details([
            html.Summary([html.H3(name, className="h6 ns-section-title"),
                          html.Span(i18n.ngettext("{n} indicator", "{n} indicators", n).format(n=n),
                                    className="muted ns-count")], className="ns-summary"),
            profile_table(by_section[section], area, caption),
        ], open=k == 0, className="ns-section", **{"data-section": section}))
    return html.Div([html.P(_(BNIA_ENGLISH), className="section-note"), *blocks])


# --- BNIA's crime rates beside the dashboard's --------------------------------------------------------

def crime_view(rows: list[dict], area: str) -> html.Div:
    if not rows:
        return html.P(_("BNIA publishes no crime rate for this area up to the end of the chosen dates."),
                      className="section-note")
    years = sorted({r["year"] for r in rows})
    by = {(r["year"], r["indicator"]): r for r in rows}
    cols = [_("Year")]
    for ind in CRIME_PAIRS:
        cols += [_("{what}, BNIA").format(what=_(CRIME_LABELS[ind])),
                 _("{what}, this dashboard").format(what=_(CRIME_LABELS[ind]))]
    body = []
    for y in reversed(years):
        cells = [str(y)]
        for ind in CRIME_PAIRS:
            r = by.get((y, ind))
            cells += [fmt_value(r["bnia_rate"]) if r else "—",
                      fmt_value(r["own_rate"]) if r and r["own_rate"] is not None else "—"]
        body.append(cells)
    caption = _("Crimes per 1,000 residents, {area}: BNIA's published rate and this dashboard's, by year").format(area=area)
    sources = {r["population_source"] for r in rows if r["own_rate"] is not None}
    notes = [html.P(_(WHY_DIFFERENT), className="section-note ns-why")]
    if "bnia" in sources:
        notes.append(html.P(_("The boundaries carry no population for this area: the dashboard's rate divides by "
                              "BNIA's total population for the year (or the latest year before)."),
                            className="section-note"))
    if not any(r["own_rate"] is not None for r in rows):
        notes.append(html.P(_("The loaded police data covers none of BNIA's years in whole, so only BNIA's rates "
                              "are shown."), className="section-note"))
    return html.Div([*notes, data_table(cols, body, caption, numeric=tuple(range(1, len(cols))))])


# --- the equity view ----------------------------------------------------------------------------------

def _label_of(dictionary_labels: dict[str, str], indicator: str) -> str:
    return dictionary_labels.get(indicator, indicator)


def ranking_figure(rows: list[dict], city: float | None, label: str, year: int | None) -> dict:
    if not rows:
        return empty_figure(_("No CSA has a value for this indicator up to the chosen dates"), height=240)
    names = [r["name"] for r in rows]
    ticks = [short_name(n) for n in names]
    colors = [COLORS["accent"] if r["chosen"] else "#7f93ad" for r in rows]
    # the axis shows short names (a phone keeps room for the bars); the hover and table the whole one
    data = [{"type": "bar", "orientation": "h", "y": names, "x": [r["value"] for r in rows], "customdata": names,
             "marker": {"color": colors, "line": {"color": ["#222" if r["chosen"] else "rgba(0,0,0,0)" for r in rows],
                                                    "width": 1.5}},
             "hovertemplate": "%{customdata}: %{x}<extra></extra>", "name": label}]
    shapes, notes = [], []
    if city is not None:
        shapes.append({"type": "line", "x0": city, "x1": city, "yref": "paper", "y0": 0, "y1": 1,
                       "line": {"color": "#222", "dash": "dash", "width": 1.5}})
        notes.append({"x": city, "y": 1, "yref": "paper", "yanchor": "bottom", "showarrow": False,
                      "text": _("City: {value}").format(value=fmt_value(city)), "font": {"size": 12}})
    height = 90 + 17 * len(rows)
    return style_figure(figure(data, {
        "yaxis": {"autorange": "reversed", "tickfont": {"size": 11}, "automargin": True,
                  "tickmode": "array", "tickvals": names, "ticktext": ticks},
        "xaxis": {"title": {"text": str(year) if year else ""}, "rangemode": "tozero"},
        "shapes": shapes, "annotations": notes, "bargap": 0.25, "margin": {"l": 8, "r": 12, "t": 28, "b": 40},
    }), height=height)


TICK_CHARS = 16  # a ranking's axis label at most: a 320 px phone keeps over half its width for the bars


def short_name(name: str, limit: int = TICK_CHARS) -> str:
    """A CSA's name for the ranking's axis: whole when short, else its first part (BNIA joins
    neighborhoods with "/") cut at a word and ended with "…"."""
    if len(name) <= limit:
        return name
    first = name.split("/")[0].strip()
    if len(first) < limit:
        return first + "…"
    cut = first[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" -,.") + "…"


def ranking_view(rows: list[dict], city: float | None, label: str, year: int | None, where: str) -> dict:
    """The ranking's parts: its figure, the graph's height, the chart's name and its table."""
    fig = ranking_figure(rows, city, label, year)
    name = _("Bar chart: the CSAs ranked by “{indicator}”, {year}, highest first; {where} highlighted, the city's "
             "value as a dashed line").format(indicator=label, year=year or "—", where=where)
    table_rows = [[r["name"] + (" ★" if r["chosen"] else ""), fmt_int(r["rank"]), fmt_value(r["value"])] for r in rows]
    if city is not None:
        table_rows.append([_("Baltimore City"), "—", fmt_value(city)])
    caption = _("The CSAs ranked by “{indicator}”, {year} (★: under the filters)").format(indicator=label,
                                                                                       year=year or "—")
    return {"figure": fig, "style": {"height": f"{fig['layout']['height']}px"}, "name": name,
            "table": data_table([_("CSA"), _("Rank"), _("Value")], table_rows, caption, numeric=(1, 2))}


def scatter_figure(rows: list[dict], xlabel: str, ylabel: str) -> dict:
    if not rows:
        return empty_figure(_("No year in which CSAs have both indicators, up to the chosen dates"), height=300)
    other = [r for r in rows if not r["chosen"]]
    chosen = [r for r in rows if r["chosen"]]
    data = [{"type": "scatter", "mode": "markers", "name": _("Other CSAs"), "x": [r["x"] for r in other],
             "y": [r["y"] for r in other], "text": [r["name"] for r in other],
             "marker": {"color": "#7f93ad", "size": 8, "symbol": "circle"},
             "hovertemplate": "%{text}<br>%{x} · %{y}<extra></extra>"}]
    if chosen:
        data.append({"type": "scatter", "mode": "markers", "name": _("Under the filters"),
                     "x": [r["x"] for r in chosen], "y": [r["y"] for r in chosen], "text": [r["name"] for r in chosen],
                     "marker": {"color": COLORS["accent"], "size": 12, "symbol": "diamond",
                                "line": {"color": "#222", "width": 1}},
                     "hovertemplate": "%{text}<br>%{x} · %{y}<extra></extra>"})
    wrap = _wrap
    return style_figure(figure(data, {
        "xaxis": {"title": {"text": wrap(xlabel)}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": wrap(ylabel)}, "rangemode": "tozero"},
        "margin": {"l": 8, "r": 12, "t": 24, "b": 8},
    }), height=420, legend=bool(chosen))


def _wrap(text: str, width: int = 38) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def scatter_view(rows: list[dict], xlabel: str, ylabel: str, year: int | None, where: str) -> dict:
    """The scatter's parts: its figure, the graph's height, the chart's name and its table."""
    fig = scatter_figure(rows, xlabel, ylabel)
    name = _("Scatter chart: each CSA's “{x}” (across) against its “{y}” (up), {year}; {where} highlighted").format(
        x=xlabel, y=ylabel, year=year or "—", where=where)
    caption = _("Each CSA's “{x}” and “{y}”, {year} (★: under the filters)").format(x=xlabel, y=ylabel,
                                                                                      year=year or "—")
    table_rows = [[r["name"] + (" ★" if r["chosen"] else ""), fmt_value(r["x"]), fmt_value(r["y"])] for r in rows]
    return {"figure": fig, "style": {"height": f"{fig['layout']['height']}px"}, "name": name,
            "table": data_table([_("CSA"), xlabel, ylabel], table_rows, caption, numeric=(1, 2))}


def chart_box(figure_id: str, graph_id: str, table_id: str, height: int) -> html.Figure:
    """A chart in the layout from the start (so the page's first view loads plotly.js at once), its
    name and table filled by the callback."""
    return html.Figure([
        dcc.Graph(id=graph_id, config=graph_config(), style={"height": f"{height}px"},
                  figure=empty_figure(_("Loading…"), height)),
        html.Details([html.Summary(_("Show as table"), className="chart-table-toggle"),
                      html.Div(id=table_id, className="chart-table")], className="chart-details"),
    ], id=figure_id, className="chart", role="figure", **{"aria-label": _("Chart")})


# --- the page -----------------------------------------------------------------------------------------

def indicator_options(dictionary) -> list[dict]:
    """Every indicator as a picker option: "Section: label", in section order."""
    sections = {s: section_label(s) for s in dictionary["section"].unique().tolist()}
    return [{"label": f"{sections[s]}: {label}", "value": ind} for ind, s, label in
            zip(dictionary["indicator"].tolist(), dictionary["section"].tolist(), dictionary["label"].tolist())]


def area_options(chosen: tuple[str, ...], names: dict[str, str]) -> list[dict]:
    """The CSAs under the filters, or the city and every CSA when there is no geography filter."""
    if chosen:
        return [{"label": names.get(c, c), "value": c} for c in chosen]
    return [{"label": _("Baltimore City (all CSAs)"), "value": CITY}] + [
        {"label": n, "value": c} for c, n in sorted(names.items(), key=lambda kv: kv[1])]


def _picker(label: str, id_: str, value, options=None, help_text: str | None = None) -> html.Div:
    return html.Div([
        html.Label(label, htmlFor=id_, className="form-label"),
        dcc.Dropdown(id=id_, value=value, options=options or [], clearable=False, searchable=True,
                     labels=dropdown_labels(), optionHeight=52, maxHeight=320),
        html.P(help_text, className="section-note") if help_text else None,
    ], className="filter ns-picker")


def neighborhood_stat_page(*, area: str | None = None, rank: str | None = None, x: str | None = None,
                           y: str | None = None) -> html.Div:
    """The page's frame; the callback fills every part (``callbacks.neighborhood_stat``). The
    arguments are the pickers' first values (None: the defaults)."""
    from data_access.vital_signs import DEFAULT_RANK, DEFAULT_X, DEFAULT_Y

    return html.Div([
        html.Div(id=ids.NS_ERROR),
        html.P(id=ids.NS_CAPTION, className="caption"),
        html.Div(id=ids.NS_NOTES),
        html.Div(id=ids.NS_NOTICES),
        dcc.Store(id=ids.NS_SHOWN),
        html.Div([_picker(_("Community Statistical Area (CSA)"), ids.NS_AREA, area or CITY)],
                 className="ns-controls"),
        html.Section([html.Div(id=ids.NS_PROFILE_HEAD), dcc.Loading(html.Div(id=ids.NS_PROFILE), type="dot")],
                     className="panel ns-panel"),
        html.Section([html.Div(id=ids.NS_CRIME_HEAD), html.Div(id=ids.NS_CRIME)], className="panel ns-panel"),
        html.Section([
            html.Div(id=ids.NS_RANK_HEAD),
            html.Div([_picker(_("Indicator"), ids.NS_RANK_INDICATOR, rank or DEFAULT_RANK)], className="ns-controls"),
            chart_box(ids.NS_RANK, ids.NS_RANK_GRAPH, ids.NS_RANK_TABLE, 900),
        ], className="panel ns-panel"),
        html.Section([
            html.Div(id=ids.NS_SCATTER_HEAD),
            html.Div([_picker(_("Across (x)"), ids.NS_X, x or DEFAULT_X),
                      _picker(_("Up (y)"), ids.NS_Y, y or DEFAULT_Y)], className="ns-controls ns-pair"),
            chart_box(ids.NS_SCATTER, ids.NS_SCATTER_GRAPH, ids.NS_SCATTER_TABLE, 420),
        ], className="panel ns-panel"),
        html.P(html.A(_("Download BNIA's indicator dictionary (CSV)"), id=ids.NS_DICTIONARY_CSV,
                      href="/api/v1/vital-signs/indicators?format=csv", download=""), className="caption"),
    ], className="ns-page")
