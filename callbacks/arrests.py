"""Arrests page: filter state -> arrest queries -> figures, their tables and names, and tables."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.i18n import _
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import arrests as A
from data_access.db import Database
from data_access.filters import Filters
from layouts import arrests as L
from layouts.common import empty_figure


def arrests_outputs(db: Database, f: Filters, options: dict | None = None, as_of: date | None = None) -> dict:
    """``as_of``: the data's last day; a period after it has no data yet, one that it cuts is partial."""
    f = f.replace(offense=())  # the offense filter does not apply to arrests
    through = min(f.end, as_of) if as_of else f.end
    grain = A.arrest_grain(f)
    cats = A.by_category(db, f)
    field = A.area_field(f)
    clear = A.clearance(db, f)
    trend = A.over_time(db, f, grain)
    area = A.by_area(db, f, field)
    names = L.chart_names(L.where_text(f, options))
    return {
        "cards": L.cards(int(cats.n.sum()) if len(cats) else 0, A.residents(db, f), f),
        "trend": L.trend_figure(trend, grain, f.start, through),
        "trend_table": L.trend_table(trend, grain, f.start, through),
        "category": L.category_figure(cats), "category_table": L.category_table(cats),
        "area": L.area_figure(area, field), "area_table": L.area_table(area, field),
        "charges": L.charges_table(A.top_charges(db, f, L.CHARGES_SHOWN)),
        "clearance": L.clearance_figure(clear, as_of), "clearance_chart_table": L.clearance_chart_table(clear, as_of),
        "clearance_table": L.clearance_table(clear, as_of),
        "trend_name": names["trend"], "category_name": names["category"], "area_name": names["area"],
        "clearance_name": names["clearance"],
        "error": None,
    }


def error_outputs(message: str) -> dict:
    fig = empty_figure(_("Not available"))
    names = L.chart_names(_("the chosen filters"))
    return {"cards": None, "trend": fig, "category": fig, "area": fig, "charges": None, "clearance": fig,
            "trend_table": None, "category_table": None, "area_table": None, "clearance_chart_table": None,
            "clearance_table": None, "trend_name": names["trend"], "category_name": names["category"],
            "area_name": names["area"], "clearance_name": names["clearance"],
            "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.arrests_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"cards": Output(ids.ARRESTS_CARDS, "children"),
                "trend": Output(ids.ARRESTS_TREND, "figure"),
                "trend_table": Output(L.ARRESTS_TREND_TABLE, "children"),
                "trend_name": Output(L.ARRESTS_TREND_FIGURE, "aria-label"),
                "category": Output(ids.ARRESTS_CATEGORY, "figure"),
                "category_table": Output(L.ARRESTS_CATEGORY_TABLE, "children"),
                "category_name": Output(L.ARRESTS_CATEGORY_FIGURE, "aria-label"),
                "area": Output(ids.ARRESTS_AREA, "figure"),
                "area_table": Output(L.ARRESTS_AREA_TABLE, "children"),
                "area_name": Output(L.ARRESTS_AREA_FIGURE, "aria-label"),
                "charges": Output(ids.ARRESTS_CHARGES, "children"),
                "clearance": Output(ids.ARRESTS_CLEARANCE, "figure"),
                "clearance_chart_table": Output(L.ARRESTS_CLEARANCE_CHART_TABLE, "children"),
                "clearance_name": Output(L.ARRESTS_CLEARANCE_FIGURE, "aria-label"),
                "clearance_table": Output(ids.ARRESTS_CLEARANCE_TABLE, "children"),
                "error": Output(ids.ARRESTS_ERROR, "children")},
        compute=lambda r: arrests_outputs(r.svc.db, r.filters, r.options, r.choices.data_as_of),
        error=error_outputs)
