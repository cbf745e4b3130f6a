"""Shared pieces for pure layout builders: number formats, figure styling, empty states, charts
with their accessible name and their numbers as a table.

Every string here is English in the code and translated where it is shown (``app.i18n``); numbers
go through the reader's language (1,234 / 1.234)."""

from __future__ import annotations

import functools
import inspect

from dash import dcc, html

from app import i18n
from app.i18n import _
from layouts.static import HTML, Wired, static

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
COLORS = {
    "primary": "#1f4e79",
    "accent": "#c8553d",
    "muted": "#8a94a6",
    "good": "#2e7d32",
    "bad": "#b23b3b",
    "violent": "#b23b3b",
    "property": "#1f4e79",
    "other": "#6c757d",
}
# Residents need the picture, not zoom tools: the mode bar offers only "download as PNG".
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtons": [["toImage"]]}


def fmt_int(n: int | float | None) -> str:
    return "—" if n is None else i18n.number(n)


def fmt_dec(x: float | None, digits: int = 1) -> str:
    """12.5 / 12,5."""
    return "—" if x is None else i18n.decimal(x, digits)


def fmt_signed(n: int) -> str:
    return f"+{i18n.number(n)}" if n > 0 else ("−" + i18n.number(-n) if n < 0 else "0")


def fmt_pct(p: float) -> str:
    s = i18n.decimal(abs(p), 1) if 0 < abs(p) < 1 else i18n.number(abs(p))  # never a misleading "−0%"
    s = f"{s}\u00a0%" if i18n.babel_locale() == "es" else f"{s}%"  # "12 %" is how Spanish writes it
    return f"+{s}" if p > 0 else (f"−{s}" if p < 0 else s)


def pct_change(current: int, prior: int, min_compare: int) -> float | None:
    """The change in percent, or None when the earlier span has fewer than ``min_compare``
    (``PSAD_MIN_COMPARE``): a percentage of a handful says more about chance than about change.
    Every page that shows a change asks this one function."""
    if prior < max(min_compare, 1):
        return None
    return (current - prior) / prior * 100.0


def join_words(words: list[str], conj: str = "and") -> str:
    """"A", "A and B", "A, B and C" ("y" / "o" in Spanish). ``conj`` is "and" or "or"."""
    word = _("and") if conj == "and" else _("or")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {word} " + words[-1]


def geo_phrases(f, names: dict[str, dict[str, str]] | None = None, conj: str = "or") -> list[str]:
    """Each geography filter of ``f`` in words, in the filter-field table's order: "Western
    police district", "Oak Hill and Roland Park", "Council District 12 or 7". ``names``: field ->
    code -> name, used where the value leads the caption (a district's name, a neighborhood);
    numbered districts keep their numbers ("Council District 7")."""
    from data_access.filters import FILTER_FIELDS

    parts = []
    for field in FILTER_FIELDS:
        values = getattr(f, field.name)
        if not field.geo or not values:
            continue
        named = field.caption[0].startswith("{}")
        spelled = [(names or {}).get(field.name, {}).get(v, v) if named else v for v in values]
        # "Western police district", "Western and Eastern police districts"
        parts.append(caption_of(field, len(values)).format(join_words(spelled, conj)))
    return parts


def caption_of(field, n: int) -> str:
    """A filter field's caption for ``n`` chosen values, translated ("{} police district(s)")."""
    return i18n.ngettext(field.caption[0], field.caption[1], n)


def span_text(f) -> str:
    """The filters' dates in words, in the reader's language: "2025", "2020–2025", "1 Jan – 14 Nov
    2026", "5 mar 2024 – 1 feb 2025". Every caption, name and sentence that states a span uses it."""
    from datetime import date

    start, end = f.start, f.end
    if start == date(start.year, 1, 1) and end == date(end.year, 12, 31):  # whole years
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    first = i18n.day_month(start) if start.year == end.year else i18n.date_short(start)
    return f"{first} – {i18n.date_short(end)}"


def describe_filters(f) -> str:
    """The non-date filters in plain words, for captions and shared screenshots."""
    from data_access.vocabulary import offense_label

    parts = geo_phrases(f)
    if f.offense:
        parts.append(", ".join(_(offense_label(o)) for o in f.offense))
    return " · ".join(parts) if parts else _("Citywide, all Part 1 offenses")


def figure(data: list[dict], layout: dict | None = None) -> dict:
    """A Plotly figure as a plain dict. dcc.Graph takes it as is; building it costs microseconds,
    where ``plotly.graph_objects`` validation costs 30-50 ms per figure on every callback."""
    return {"data": data, "layout": layout or {}}


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def style_figure(fig: dict, *, height: int = 320, legend: bool = False) -> dict:
    """The house style, applied under whatever layout the builder already set."""
    house = {
        "template": {"layout": {"paper_bgcolor": "white", "plot_bgcolor": "white",
                                "xaxis": {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8",
                                          "automargin": True},
                                "yaxis": {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8",
                                          "automargin": True}}},
        "font": {"family": FONT, "size": 13},
        "height": height,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
    }
    return {"data": fig["data"], "layout": _merge(house, fig.get("layout", {}))}


def empty_figure(message: str, height: int = 320) -> dict:
    return style_figure(figure([], {
        "annotations": [{"text": message, "showarrow": False, "xref": "paper", "yref": "paper",
                         "x": 0.5, "y": 0.5, "font": {"size": 15, "color": COLORS["muted"]}}],
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
    }), height=height)


def graph_config() -> dict:
    """``GRAPH_CONFIG`` in the reader's language: Plotly's month and day names and number
    separators (from Babel's data), and its few words, translated."""
    lang = i18n.babel_locale()
    if lang == "en":
        return GRAPH_CONFIG
    return {**GRAPH_CONFIG, "locale": lang, "locales": {lang: plotly_locale(lang)}}


def plotly_locale(lang: str) -> dict:
    with i18n.use(lang):
        words = {w: _(w) for w in (PLOTLY_WORDS)}
    base = i18n.plotly_locale(lang)
    return {**base, "dictionary": words}


# Plotly's own words a reader can meet with our mode bar (the PNG button's tooltip)
PLOTLY_WORDS = (i18n.N_("Download plot as a png"), i18n.N_("Download plot"), i18n.N_("Double-click to zoom back out"))


def graph(id_: str, height: int = 320, **kw) -> dcc.Graph:
    return dcc.Graph(id=id_, config=graph_config(), style={"height": f"{height}px"},
                     figure=empty_figure(_("Loading…"), height), **kw)


def dropdown_labels() -> dict:
    """The words Dash's dropdown writes itself ("2 selected", "Search", "Select All"), in the
    reader's language: pass as ``dcc.Dropdown(labels=dropdown_labels())``."""
    return {"select_all": _("Select all"), "deselect_all": _("Deselect all"),
            "selected_count": _("{num_selected} selected"), "search": _("Search"),
            "clear_search": _("Clear search"), "clear_selection": _("Clear selection"),
            "no_options_found": _("No options found")}


def chart(graph_id: str, table_id: str, name: str, height: int = 320, **kw) -> html.Figure:
    """A chart with its accessible name and its numbers: ``name`` says what it shows (a screen
    reader announces the figure by it), and a "Show as table" disclosure under it holds an HTML
    table (``table_id``, filled by the page's callback with ``data_table``) of the same numbers.
    <details> opens with the keyboard and needs no callback."""
    return html.Figure([
        graph(graph_id, height, **kw),
        html.Details([html.Summary(_("Show as table"), className="chart-table-toggle"),
                      html.Div(id=table_id, className="chart-table")], className="chart-details"),
    ], className="chart", role="figure", **{"aria-label": name})


@functools.cache
def _prop_names(component: type) -> frozenset[str]:
    return frozenset(inspect.signature(component.__init__).parameters) - {"self", "kwargs"}


def _plain(children) -> bool:
    if children is None or isinstance(children, (str, int, float, Wired)):
        return True
    return isinstance(children, (list, tuple)) and all(
        c is None or isinstance(c, (str, int, float, Wired)) for c in children)


def wire(component: type, children=None, **props) -> dict:
    """``component(children, **props)`` as Dash sends it to the browser (``to_plotly_json``: type,
    namespace, props), made directly. Constructing a Dash component costs some 25 times a dict (its
    arguments are inspected and validated one by one), and a page's tables are hundreds of cells:
    the Guns and warrants and Neighborhood Stat updates spent more on them than on their queries.
    The props are still checked against the component's (a typo fails here, as in the constructor);
    ``tests/test_neighborhood_stat_layout.py`` checks the result against the components themselves."""
    names = _prop_names(component)
    for k in props:
        if k not in names and not k.startswith(("data-", "aria-")):
            raise TypeError(f"{component.__name__} takes no {k!r}")
    return _node(component._type, component._namespace, children, props)


def _node(kind: str, namespace: str, children, props: dict) -> dict:
    """A wire-form node, props already checked; ``Wired`` when it is plain ``html.*`` without an id."""
    node = {"props": {"children": children, **props},  # children always, as the constructor
            "type": kind, "namespace": namespace}
    return Wired(node) if namespace == HTML and "id" not in props and _plain(children) else node


def time_cell(text: str, d) -> dict:
    """A table cell's period or day: ``text`` as the reader reads it, ``d`` (a date) for machines, as
    an ``html.Time`` in the wire form (a fifteen-year table has 180 of them; the component's
    constructor and ``to_plotly_json`` cost 25 times the dict)."""
    return wire(html.Time, text, dateTime=d.isoformat())


# a body cell's props in data_table, known good: a big table is thousands of cells, and ``wire``
# checks each one's props
_ROW_HEAD, _NUM, _TEXT = {"scope": "row"}, {"className": "num"}, {"className": None}


def data_table(columns: list[str], rows: list[list], caption: str, *, numeric: tuple[int, ...] = (),
               press: str | None = None) -> html.Div:
    """An HTML table of a chart's numbers (``rows`` already formatted as text): a caption, column
    headers, numbers right-aligned (``numeric``: their column indexes), in a keyboard-scrollable box.
    The rows are built in the wire form (``wire``): a page holds several tables of 15 years by month.
    The browser draws it as one ``Static`` component (``layouts.static``); cells may hold buttons
    with a pattern-matching id when ``press`` names the page's store of pressed buttons."""
    table = html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(c, scope="col", className="num" if i in numeric else None)
                            for i, c in enumerate(columns)])),
        html.Tbody([wire(html.Tr, [_node("Th", HTML, r[0], _ROW_HEAD)] + [
            _node("Td", HTML, v, _NUM if i in numeric else _TEXT) for i, v in enumerate(r[1:], 1)])
            for r in rows]),
    ], className="table table-sm chart-data")
    return scroll_region(static(table, press), caption)


def csv_link(api_path: str, what: str, params: tuple[str, ...] = ()) -> html.A:
    """A "Download CSV" link for one chart or table: ``/api/v1{api_path}`` with the page's filters
    (every filter parameter of the address bar, plus the page's own ``params`` the endpoint takes),
    the page's language and ``format=csv``, written into the link as it is followed by
    ``assets/psad_csv.js``. ``what`` (the section's title) completes its accessible name, so each
    link on a page says which numbers it downloads. The server names the file after the dataset,
    the area and the dates. A filter the endpoint does not take (``offense`` where it declares
    ``offense="never"``: arrests and cases) is left out, read from the endpoint's own declaration,
    so a link never asks for what the API would refuse with a 400."""
    from app.urlstate import FILTER_PARAMS

    path = "/api/v1" + api_path
    skip = {"offense"} if _endpoint_refuses_offense(path) else set()
    return html.A([_("Download CSV"), html.Span(": " + what, className="visually-hidden")],
                  href=path + "?format=csv", className="csv-link",
                  **{"data-psad-csv": path,
                     "data-psad-params": ",".join(p for p in (*FILTER_PARAMS, *params) if p not in skip)})


def _endpoint_refuses_offense(path: str) -> bool:
    """Whether the API endpoint at ``path`` declares that the offense filter never applies."""
    import app.api  # noqa: F401  (its modules declare the endpoints as they are imported)
    from app.api.params import ENDPOINTS, PREFIX

    spec = next((e for e in ENDPOINTS if PREFIX + e.path == path), None)
    if spec is None:
        raise ValueError(f"no API endpoint {path} for a Download CSV link")
    return spec.offense == "never"


def stat_cards(items, value_class=lambda value: "card-value"):
    """Headline cards: ``items`` of (id, title, value, note), one card each; ``value_class`` gives
    a value's class. Drawn as one ``Static`` (no callback names a card: they are redrawn whole), the
    cards keeping their ids for links and tests."""
    return static(html.Div([html.Div([html.Div(t, className="card-title"), html.Div(v, className=value_class(v)),
                                      html.Div(note, className="card-note")], className="stat-card", id=i)
                            for i, t, v, note in items], className="stat-cards"), named=True)


def section(title: str, body, note: str | None = None, *, width_class: str = "", csv: str | None = None,
            csv_params: tuple[str, ...] = ()) -> html.Section:
    """A titled panel; ``csv`` (an API path such as ``/summary/trend``) adds a "Download CSV" link
    for its numbers beside the title (``csv_params``: the page parameters that endpoint takes)."""
    heading = html.H2(title, className="h6 section-title")
    children = [static(html.Div([heading, csv_link(csv, title, csv_params)], className="section-head")) if csv
                else heading]
    if note:
        children.append(html.P(note, className="section-note"))
    children.append(body)
    return html.Section(children, className=f"panel {width_class}".strip())


def scroll_region(child, label: str, class_name: str = "table-scroll") -> html.Div:
    """A box that may scroll sideways (a wide table on a phone), reachable by keyboard: a Tab stop,
    a region with a name, so arrow keys can scroll it (WCAG 2.1.1; axe scrollable-region-focusable)."""
    return html.Div(child, className=class_name, tabIndex="0", role="region", **{"aria-label": label})
