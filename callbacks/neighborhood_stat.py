"""Neighborhood Stat page: filter state and the page's pickers -> the CSA's profile, BNIA's crime
rates beside the dashboard's, the ranking and the scatter. ``ns_outputs`` is the whole adapter
as a plain function (tests and benchmarks).

The pickers are the page's own controls (not in the URL): a filter change recomputes the page
for the layout's pickers (the defaults, or what the URL says once ``csa``, ``indicator``, ``x``
and ``y`` are page parameters) and sets the pickers to match, so what is shown is always what the
pickers say.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import Input, Output

from app import ids
from app.i18n import _, get_lang, ngettext
from app.pages import LayoutInputs, Page
from app.urlstate import to_query
from callbacks.common import PageRequest, page_callback
from data_access import vital_signs as V
from data_access.cache import cached_value, data_version
from data_access.concurrent import gather
from data_access.db import Database
from data_access.filters import Filters
from layouts import neighborhood_stat as L
from layouts.arrests import area_text

CHART_PARTS = ("figure", "style", "name", "table")
OUTPUTS = ("error", "caption", "notes", "area", "area_options", "rank_value", "rank_options", "x", "x_options",
           "y", "y_options", "profile_head", "profile", "crime_head", "crime", "rank_head", "scatter_head",
           "dictionary_href", *(f"rank_{k}" for k in CHART_PARTS), *(f"scatter_{k}" for k in CHART_PARTS))


def pick(value, allowed, default):
    return value if isinstance(value, str) and value in allowed else default


def ns_outputs(db: Database, f: Filters, options: dict | None = None, *, area: str | None = None,
               rank: str | None = None, x: str | None = None, y: str | None = None) -> dict:
    dictionary, names, chosen, covered = gather(lambda: V.indicators(db), lambda: V.csa_names(db),
                                                lambda: V.filter_csas(db, f), lambda: V.victim_years(db))
    if dictionary.empty:
        message = _("No BNIA Vital Signs are loaded. Run `psad ingest vital-signs FILE` (or `psad demo load`).")
        return {**error_outputs(message), "error": dbc.Alert(message, color="info")}
    csa = V.area_of(chosen, area, names)
    end_year = V.end_year_of(f)
    known = set(dictionary["indicator"])
    labels = dict(zip(dictionary["indicator"], dictionary["label"]))
    rank = pick(rank, known, V.DEFAULT_RANK if V.DEFAULT_RANK in known else dictionary["indicator"].iloc[0])
    x = pick(x, known, V.DEFAULT_X if V.DEFAULT_X in known else dictionary["indicator"].iloc[0])
    y = pick(y, known, V.DEFAULT_Y if V.DEFAULT_Y in known else dictionary["indicator"].iloc[-1])
    name = L.area_name(csa, names)
    highlight = chosen or ((csa,) if csa != V.CITY else ())
    q = to_query(f)

    values, victims, population, rank_values, x_values, y_values = gather(
        lambda: V.area_values(db, csa), lambda: V.victims_by_year(db, csa), lambda: V.area_population(db, csa),
        lambda: V.indicator_values(db, rank), lambda: V.indicator_values(db, x), lambda: V.indicator_values(db, y))
    sections = list(dict.fromkeys(dictionary["section"]))

    def profile_view():  # a few thousand components with BNIA's whole file: drawn once per area, year, language
        return L.profile_view(V.profile_rows(values, dictionary, csa, end_year), name, sections)

    profile = cached_value("ns-profile", (data_version(db), csa, end_year, get_lang()), profile_view)
    crime = V.crime_rate_rows(values, csa, victims, population, covered, end_year)
    r_year, r_city, r_rows = V.ranking_rows(rank_values, names, end_year, highlight)
    s_year, s_rows = V.scatter_rows(x_values, y_values, names, end_year, highlight)
    where = ", ".join(names.get(c, c) for c in highlight) if highlight else _("no CSA")
    api_area = {"csa": csa}
    choices = L.indicator_options(dictionary)
    return {
        "error": None,
        "caption": caption_text(f, options, chosen, csa, names, V.years_span(dictionary)),
        "notes": notes(f),
        "area": csa, "area_options": L.area_options(chosen, names),
        "rank_value": rank, "rank_options": choices,
        "x": x, "x_options": choices, "y": y, "y_options": choices,
        "profile_head": L.head(_("Profile: {area} against the city").format(area=name),
                               L.api_href("/vital-signs/profile", q, **api_area)),
        "profile": profile,
        "crime_head": L.head(_("BNIA's crime rates beside this dashboard's: {area}").format(area=name),
                             L.api_href("/vital-signs/crime-rates", q, **api_area)),
        "crime": L.crime_view(crime, name),
        "rank_head": L.head(_("Equity view: the CSAs ranked"), L.api_href("/vital-signs/ranking", q, indicator=rank)),
        **{f"rank_{k}": v for k, v in L.ranking_view(r_rows, r_city, labels[rank], r_year, where).items()},
        "scatter_head": L.head(_("Equity view: two indicators together"),
                               L.api_href("/vital-signs/scatter", q, x=x, y=y)),
        **{f"scatter_{k}": v for k, v in L.scatter_view(s_rows, labels[x], labels[y], s_year, where).items()},
        "dictionary_href": L.api_href("/vital-signs/indicators", ""),
    }


def caption_text(f: Filters, options, chosen: tuple[str, ...], csa: str, names: dict, span) -> str:
    years = f"{span[0]}–{span[1]}" if span else "—"
    if chosen:
        text = ngettext("{where} lies in {n} Community Statistical Area: {csas}. The profile shows {area}.",
                        "{where} lies in {n} Community Statistical Areas: {csas}. The profile shows {area}; pick "
                        "another below.", len(chosen)).format(where=area_text(f, options), n=len(chosen),
                                  csas=", ".join(names.get(c, c) for c in chosen), area=L.area_name(csa, names))
    else:
        text = _("No area is chosen in the filters: pick a Community Statistical Area below, or choose a "
                 "neighborhood or district in the filters.")
    return text + " " + _("BNIA's Vital Signs cover {years}; each indicator's latest year up to {end} is shown.").format(
        years=years, end=f.end.year)


def notes(f: Filters):
    if not f.offense:
        return None
    return html_note(_(L.NOT_OFFENSE))


def html_note(text: str):
    from dash import html

    return html.P(text, className="section-note notice")


def error_outputs(message: str) -> dict:
    from dash import no_update

    out = {k: None for k in OUTPUTS}
    out.update({"rank_figure": no_update, "rank_style": no_update, "rank_name": no_update,
                "scatter_figure": no_update, "scatter_style": no_update, "scatter_name": no_update})
    out.update({"error": dbc.Alert(message, color="danger"), "caption": "", "area": no_update,
                "area_options": [], "rank_value": no_update, "rank_options": [], "x": no_update, "x_options": [],
                "y": no_update, "y_options": [], "dictionary_href": no_update})
    return out


def compute(r: PageRequest) -> dict:
    v = r.values
    return ns_outputs(r.svc.db, r.filters, r.options, area=v.get("area"), rank=v.get("rank"), x=v.get("x"),
                      y=v.get("y"))


def picks_from(search: str | None) -> dict:
    """The pickers' first values from the URL (``csa``, ``indicator``, ``x``, ``y``), when given."""
    q = parse_qs((search or "").lstrip("?"))
    first = {k: (q.get(k) or [None])[0] for k in ("csa", "indicator", "x", "y")}
    return {"area": first["csa"], "rank": first["indicator"], "x": first["x"], "y": first["y"]}


def layout(inputs: LayoutInputs):
    return L.neighborhood_stat_page(**picks_from(inputs.search))


def chart_outputs(key: str, figure_id: str, graph_id: str, table_id: str) -> dict:
    return {f"{key}_figure": Output(graph_id, "figure"), f"{key}_style": Output(graph_id, "style"),
            f"{key}_name": Output(figure_id, "aria-label"), f"{key}_table": Output(table_id, "children")}


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={
            "error": Output(ids.NS_ERROR, "children"),
            "caption": Output(ids.NS_CAPTION, "children"),
            "notes": Output(ids.NS_NOTES, "children"),
            "area": Output(ids.NS_AREA, "value"),
            "area_options": Output(ids.NS_AREA, "options"),
            "rank_value": Output(ids.NS_RANK_INDICATOR, "value"),
            "rank_options": Output(ids.NS_RANK_INDICATOR, "options"),
            "x": Output(ids.NS_X, "value"),
            "x_options": Output(ids.NS_X, "options"),
            "y": Output(ids.NS_Y, "value"),
            "y_options": Output(ids.NS_Y, "options"),
            "profile_head": Output(ids.NS_PROFILE_HEAD, "children"),
            "profile": Output(ids.NS_PROFILE, "children"),
            "crime_head": Output(ids.NS_CRIME_HEAD, "children"),
            "crime": Output(ids.NS_CRIME, "children"),
            "rank_head": Output(ids.NS_RANK_HEAD, "children"),
            "scatter_head": Output(ids.NS_SCATTER_HEAD, "children"),
            **chart_outputs("rank", ids.NS_RANK, ids.NS_RANK_GRAPH, ids.NS_RANK_TABLE),
            **chart_outputs("scatter", ids.NS_SCATTER, ids.NS_SCATTER_GRAPH, ids.NS_SCATTER_TABLE),
            "dictionary_href": Output(ids.NS_DICTIONARY_CSV, "href"),
        },
        inputs={"area": Input(ids.NS_AREA, "value"), "rank": Input(ids.NS_RANK_INDICATOR, "value"),
                "x": Input(ids.NS_X, "value"), "y": Input(ids.NS_Y, "value")},
        compute=compute, error=error_outputs)
