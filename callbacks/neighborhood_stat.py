"""Neighborhood Stat page: filter state and the page's pickers -> the CSA's profile, BNIA's crime
rates beside the dashboard's, the ranking and the scatter. ``ns_outputs`` is the whole adapter
as a plain function (tests and benchmarks).

The URL is the state: the pickers are the page parameters ``csa``, ``indicator``, ``x`` and ``y``
(``app.pages``). One request per change (issue 12), as on the CVI page:

* a link, a reload, back/forward or a filter change: the page is drawn for the URL's picks
  (``fill``, ``refresh``), bad values ignored with a plain notice; a filter change keeps the
  indicators and, when the URL's CSA is no longer among the filters' CSAs, drops it from the URL
  in the same write (``params_for_filters``, the registry's hook: one history entry per change);
* a picker: the browser compares the pickers with the picks the page shows (``ids.NS_SHOWN``) and
  only a person's change asks the server, whose one answer is the page and the new URL (the
  page's relay).
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import Input, Output, State, no_update

from app import ids
from app.context import services
from app.i18n import _, get_lang, ngettext
from app.pages import LayoutInputs, Page
from app.urlstate import clean_pairs, to_query
from callbacks.common import PageRequest, page_callback, relay, shell_write
from callbacks.filters import notice_alerts
from data_access import vital_signs as V
from data_access.cache import cached_value, data_version
from data_access.concurrent import gather
from data_access.db import Database, DataError
from data_access.filters import Filters
from layouts import neighborhood_stat as L
from layouts.arrests import area_text

CHART_PARTS = ("figure", "style", "name", "table")
OUTPUTS = ("error", "caption", "notes", "notices", "shown", "relay", "area", "area_options", "rank_value", "rank_options", "x", "x_options",
           "y", "y_options", "profile_head", "profile", "crime_head", "crime", "rank_head", "scatter_head",
           "dictionary_href", *(f"rank_{k}" for k in CHART_PARTS), *(f"scatter_{k}" for k in CHART_PARTS))


def pick(value, allowed, default):
    return value if isinstance(value, str) and value in allowed else default


def ns_outputs(db: Database, f: Filters, options: dict | None = None, *, area: str | None = None,
               rank: str | None = None, x: str | None = None, y: str | None = None,
               given: dict | None = None) -> dict:
    """The page for the picks (None or an unknown value: the default); ``given``: the picks as the
    URL wrote them (``picks_from``), checked for the page's notices (``"notices"``)."""
    dictionary, names, chosen, covered = gather(lambda: V.indicators(db), lambda: V.csa_names(db),
                                                lambda: V.filter_csas(db, f), lambda: V.victim_years(db))
    if dictionary.empty:
        message = _("No BNIA Vital Signs are loaded. Run `psad ingest vital-signs FILE` (or `psad demo load`).")
        return {**error_outputs(message), "error": dbc.Alert(message, color="info")}
    if isinstance(area, str) and area.strip().lower() == "city":
        area = V.CITY
    csa = V.area_of(chosen, area, names)
    end_year = V.end_year_of(f)
    codes = dictionary["indicator"].tolist()  # lists: a pandas Series is slow to walk element by element
    known = set(codes)
    labels = dict(zip(codes, dictionary["label"].tolist()))
    rank = pick(rank, known, V.DEFAULT_RANK if V.DEFAULT_RANK in known else codes[0])
    x = pick(x, known, V.DEFAULT_X if V.DEFAULT_X in known else codes[0])
    y = pick(y, known, V.DEFAULT_Y if V.DEFAULT_Y in known else codes[-1])
    name = L.area_name(csa, names)
    highlight = V.highlight_of(chosen, csa)
    q = to_query(f)

    # one round trip for every value the page shows (the area's, the city's, the three indicators'),
    # beside the victims and the population: three queries at once instead of six
    read, victims, population = gather(
        lambda: V.page_values(db, csa, tuple(dict.fromkeys((rank, x, y)))), lambda: V.victims_by_year(db, csa),
        lambda: V.area_population(db, csa))
    values, by_indicator = read["area"], read["by_indicator"]
    rank_values, x_values, y_values = by_indicator[rank], by_indicator[x], by_indicator[y]
    sections = list(dict.fromkeys(dictionary["section"].tolist()))

    def profile_view():  # a few thousand components with BNIA's whole file: drawn once per area, year, language
        return L.profile_view(V.profile_rows(values, dictionary, csa, end_year), name, sections)

    profile = cached_value("ns-profile", (data_version(db), csa, end_year, get_lang()), profile_view)
    crime = V.crime_rate_rows(values, csa, victims, population, covered, end_year)
    r_year, r_city, r_rows = V.ranking_rows(rank_values, names, end_year, highlight)
    s_year, s_rows = V.scatter_rows(x_values, y_values, names, end_year, highlight)
    where = ", ".join(names.get(c, c) for c in highlight) if highlight else _("no CSA")
    api_area = {"csa": "city" if csa == V.CITY else csa}  # the API's and the URL's word for the city
    shown = {"area": csa, "rank": rank, "x": x, "y": y}
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
        "rank_head": L.head(_("Equity view: the CSAs ranked"),
                            L.api_href("/vital-signs/ranking", q, indicator=rank, **api_area)),
        **{f"rank_{k}": v for k, v in L.ranking_view(r_rows, r_city, labels[rank], r_year, where).items()},
        "scatter_head": L.head(_("Equity view: two indicators together"),
                               L.api_href("/vital-signs/scatter", q, x=x, y=y, **api_area)),
        **{f"scatter_{k}": v for k, v in L.scatter_view(s_rows, labels[x], labels[y], s_year, where).items()},
        "dictionary_href": L.api_href("/vital-signs/indicators", ""),
        "notices": notice_alerts(url_notices(given or {}, shown, names, known, labels)),
        "shown": {**shown, "default_area": V.area_of(chosen, None, names)},
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
    out = {k: None for k in OUTPUTS}
    out.update({"rank_figure": no_update, "rank_style": no_update, "rank_name": no_update,
                "scatter_figure": no_update, "scatter_style": no_update, "scatter_name": no_update})
    out.update({"error": dbc.Alert(message, color="danger"), "caption": "", "area": no_update,
                "notices": no_update, "shown": no_update, "relay": no_update,
                "area_options": [], "rank_value": no_update, "rank_options": [], "x": no_update, "x_options": [],
                "y": no_update, "y_options": [], "dictionary_href": no_update})
    return out


PARAMS = {"csa": "area", "indicator": "rank", "x": "x", "y": "y"}  # URL parameter -> pick
DEFAULTS = {"rank": V.DEFAULT_RANK, "x": V.DEFAULT_X, "y": V.DEFAULT_Y}


def picks_from(search: str | None) -> dict:
    """The picks as the URL gives them (``area``, ``rank``, ``x``, ``y``; None when absent or
    blank), and ``"repeated"``: the parameters given more than once (the first is used)."""
    out = {k: None for k in PARAMS.values()}
    seen, repeated = set(), []
    for key, raw in clean_pairs(search or ""):
        if key not in PARAMS:
            continue
        if key in seen:
            if key not in repeated:
                repeated.append(key)
            continue
        seen.add(key)
        out[PARAMS[key]] = raw.strip() or None
    return {**out, "repeated": repeated}


def url_notices(given: dict, used: dict, names: dict, known: set, labels: dict) -> list[str]:
    """Plain notices for the URL's picks the page could not use (``used``: what it shows instead)."""
    csa = used["area"]
    notes = [_("“{name}” was given more than once; used the first.").format(name=k) for k in given.get("repeated", ())]
    raw = given.get("area")
    if raw is not None:
        code = V.CITY if raw.lower() == "city" else raw
        if code != V.CITY and code not in names:
            notes.append(_("Ignored csa=“{value}”: there is no such Community Statistical Area; showing {area}.").format(
                value=raw[:60], area=L.area_name(csa, names)))
        elif code != csa:
            notes.append(_("Ignored csa=“{value}”: it is not among the CSAs under the filters; showing {area}.").format(
                value=raw[:60], area=L.area_name(csa, names)))
    for key in ("indicator", "x", "y"):
        raw = given.get(PARAMS[key])
        if raw is not None and raw not in known:
            notes.append(_("Ignored {name}=“{value}”: there is no such indicator; showing “{label}”.").format(
                name=key, value=raw[:60], label=labels.get(used[PARAMS[key]], used[PARAMS[key]])))
    return notes


def page_pairs(shown: dict) -> list[tuple[str, str]]:
    """The page parameters for what the page shows: only those that differ from the defaults."""
    pairs = []
    if shown["area"] != shown.get("default_area"):
        pairs.append(("csa", "city" if shown["area"] == V.CITY else shown["area"]))
    for key in ("indicator", "x", "y"):
        pick = PARAMS[key]
        if shown[pick] != DEFAULTS[pick]:
            pairs.append((key, shown[pick]))
    return pairs


def url_with(search: str | None, pairs: list[tuple[str, str]]) -> str:
    """``search`` with this page's parameters replaced by ``pairs`` (everything else kept)."""
    rest = [(k, v) for k, v in clean_pairs(search or "") if k not in PARAMS]
    return "?" + urlencode(rest + pairs)


def compute(r: PageRequest) -> dict:
    v = r.values
    search = v.get("search") if isinstance(v.get("search"), str) else ""
    ask = v.get("ask")
    if isinstance(ask, dict):  # a person changed a picker: the page for the pickers, the URL follows
        picks = {k: ask.get(k) if isinstance(ask.get(k), str) else None for k in PARAMS.values()}
        out = ns_outputs(r.svc.db, r.filters, r.options, **picks)
        if not isinstance(out.get("shown"), dict):
            return out
        for k, key in (("area", "area"), ("rank", "rank_value"), ("x", "x"), ("y", "y")):
            if picks[k] == out[key]:
                out[key] = no_update  # the picker says so already (a write would only redraw it)
        url = url_with(search, page_pairs(out["shown"]))
        out["relay"] = relay(search=url, keep_view=True) if url != "?" + search.lstrip("?") else no_update
        out["notices"] = []
        return out
    given = picks_from(search)
    out = ns_outputs(r.svc.db, r.filters, r.options, **{k: given[k] for k in PARAMS.values()}, given=given)
    out["relay"] = no_update  # a filter change wrote the URL already, for the new filters (params_for_filters)
    return out


def params_for_filters(f: Filters, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The registry's hook (``app.pages``): the page parameters a change to the filters ``f`` keeps.
    The URL's CSA stays only when the page shows it under the new filters (a CSA outside them, or
    one that is no CSA, is dropped); the indicators always stay. In the filter change's own URL
    write, so one change is one history entry."""
    raw = next((val.strip() for k, val in pairs if k == "csa"), None)  # the first one is used (picks_from)
    if not raw:
        return pairs
    db = services().db
    try:
        names, chosen = gather(lambda: V.csa_names(db), lambda: V.filter_csas(db, f))
    except DataError:  # the page says so when it draws; the URL keeps what it had
        return pairs
    shown = V.area_of(chosen, V.CITY if raw.lower() == "city" else raw, names)
    if raw == ("city" if shown == V.CITY else shown):
        return pairs
    return [(k, val) for k, val in pairs if k != "csa"]


def layout(inputs: LayoutInputs):
    given = picks_from(inputs.search)
    return L.neighborhood_stat_page(**{k: given[k] for k in PARAMS.values()})


# In the browser: ask the server only when a picker differs from what the page shows (a person's
# change), not when the server set the pickers itself.
ASK = """
function (area, rank, x, y, shown) {
    const now = {area: area, rank: rank, x: x, y: y};
    if (!shown || Object.keys(now).every(function (k) { return now[k] === shown[k]; })) {
        return window.dash_clientside.no_update;
    }
    return Object.assign(now, {t: Date.now()});
}
"""


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
            "notices": Output(ids.NS_NOTICES, "children"),
            "shown": Output(ids.NS_SHOWN, "data"),
            "relay": shell_write(app, page),
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
        # only a person's change of a picker asks (the browser compares the pickers with ids.NS_SHOWN)
        inputs={"ask": Input(ids.refresh_id(page.name), "data")},
        state={"search": State(ids.URL, "search")},
        compute=compute, error=error_outputs)
    app.clientside_callback(
        ASK, Output(ids.refresh_id(page.name), "data"),
        Input(ids.NS_AREA, "value"), Input(ids.NS_RANK_INDICATOR, "value"), Input(ids.NS_X, "value"),
        Input(ids.NS_Y, "value"), State(ids.NS_SHOWN, "data"), prevent_initial_call=True)
