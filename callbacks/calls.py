"""911 calls page: filter state -> call queries -> figures, their tables and names, and cards."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.i18n import _
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import calls as C
from data_access.arrests import residents
from data_access.concurrent import gather
from data_access.conditions import has_geo
from data_access.db import Database
from data_access.filters import Filters
from layouts import calls as L
from layouts.common import empty_figure


def calls_outputs(db: Database, f: Filters, options: dict | None = None, as_of: date | None = None) -> dict:
    """``as_of``: the last day with calls; a period after it has no data yet, one it cuts is partial."""
    f = f.replace(offense=())  # the offense filter does not apply to calls
    grain = C.calls_grain(f)
    field = C.area_field(f)
    # independent reads: at the same time, each on its own pooled connection
    span, kinds, areas, council, trend, years, population = gather(
        lambda: C.date_span(db), lambda: C.by_kind(db, f), lambda: C.by_area(db, f, field),
        lambda: C.by_area(db, f, "council_district"), lambda: C.over_time(db, f, grain), lambda: C.by_year(db, f),
        lambda: residents(db, f))
    last = span[1] if span else as_of
    through = max(f.start, min(f.end, last)) if last else f.end
    if has_geo(f):  # a council district only partly inside the chosen areas: its residents are not this count's
        council = council.assign(population=None)
    names = L.chart_names(L.where_text(f, options))
    # each chart's rows once, for its figure and its table
    trend_r = L.trend_rows(trend, grain, f.start, through)
    years_r, kinds_r = L.response_rows(years), L.category_rows(kinds)
    areas_r, council_r = L.area_rows(areas), L.area_rows(council)
    return {
        "cards": L.cards(kinds, population, f),
        "coverage": L.coverage_text(span, f),
        "trend": L.trend_figure(trend, grain, f.start, through, rows=trend_r),
        "trend_table": L.trend_table(trend, grain, f.start, through, rows=trend_r),
        "response": L.response_figure(years, f, rows=years_r), "response_table": L.response_table(years, f, rows=years_r),
        "categories": L.category_figure(kinds, rows=kinds_r), "categories_table": L.category_table(kinds, rows=kinds_r),
        "areas": L.area_figure(areas, field, rows=areas_r),
        "areas_table": L.area_table(areas, field, _("911 calls by area"), rows=areas_r),
        "council": L.area_figure(council, "council_district", rows=council_r),
        "council_table": L.area_table(council, "council_district", _("911 calls by City Council district"),
                                      rows=council_r),
        "areas_style": {"height": f"{L.area_height(len(areas_r))}px"},
        **{f"{k}_name": v for k, v in names.items()},
        "error": None,
    }


def error_outputs(message: str) -> dict:
    fig = empty_figure(_("Not available"))
    names = L.chart_names(_("the chosen filters"))
    return {"cards": None, "coverage": "", "trend": fig, "trend_table": None, "response": fig,
            "response_table": None, "categories": fig, "categories_table": None, "areas": fig, "areas_table": None,
            "council": fig, "council_table": None, "areas_style": {"height": "320px"}, **{f"{k}_name": v for k, v in names.items()},
            "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.calls_page()


CHARTS = {"trend": (ids.CALLS_TREND, ids.CALLS_TREND_TABLE, ids.CALLS_TREND_FIGURE),
          "response": (ids.CALLS_RESPONSE, ids.CALLS_RESPONSE_TABLE, ids.CALLS_RESPONSE_FIGURE),
          "categories": (ids.CALLS_CATEGORIES, ids.CALLS_CATEGORIES_TABLE, ids.CALLS_CATEGORIES_FIGURE),
          "areas": (ids.CALLS_AREAS, ids.CALLS_AREAS_TABLE, ids.CALLS_AREAS_FIGURE),
          "council": (ids.CALLS_COUNCIL, ids.CALLS_COUNCIL_TABLE, ids.CALLS_COUNCIL_FIGURE)}


def register(app, page: Page) -> None:
    output = {"cards": Output(ids.CALLS_CARDS, "children"), "coverage": Output(ids.CALLS_COVERAGE, "children"),
              "error": Output(ids.CALLS_ERROR, "children"),
              "areas_style": Output(ids.CALLS_AREAS, "style")}
    for k, (graph, table, fig) in CHARTS.items():
        output[k] = Output(graph, "figure")
        output[f"{k}_table"] = Output(table, "children")
        output[f"{k}_name"] = Output(fig, "aria-label")
    page_callback(app, page, output=output,
                  compute=lambda r: calls_outputs(r.svc.db, r.filters, r.options, r.choices.data_as_of),
                  error=error_outputs)
