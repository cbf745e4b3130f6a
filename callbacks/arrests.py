"""Arrests page: filter state -> arrest queries -> figures and tables."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import arrests as A
from data_access.db import Database
from data_access.filters import Filters
from layouts import arrests as L
from layouts.common import empty_figure


def arrests_outputs(db: Database, f: Filters) -> dict:
    f = f.replace(offense=())  # the offense filter does not apply to arrests
    grain = A.arrest_grain(f)
    cats = A.by_category(db, f)
    field = A.area_field(f)
    clear = A.clearance(db, f)
    return {
        "cards": L.cards(int(cats.n.sum()) if len(cats) else 0, A.residents(db, f), f),
        "trend": L.trend_figure(A.over_time(db, f, grain), grain),
        "category": L.category_figure(cats),
        "area": L.area_figure(A.by_area(db, f, field), field),
        "charges": L.charges_table(A.top_charges(db, f, 15)),
        "clearance": L.clearance_figure(clear),
        "clearance_table": L.clearance_table(clear),
        "error": None,
    }


def error_outputs(message: str) -> dict:
    fig = empty_figure("Not available")
    return {"cards": None, "trend": fig, "category": fig, "area": fig, "charges": None, "clearance": fig,
            "clearance_table": None, "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.arrests_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"cards": Output(ids.ARRESTS_CARDS, "children"),
                "trend": Output(ids.ARRESTS_TREND, "figure"),
                "category": Output(ids.ARRESTS_CATEGORY, "figure"),
                "area": Output(ids.ARRESTS_AREA, "figure"),
                "charges": Output(ids.ARRESTS_CHARGES, "children"),
                "clearance": Output(ids.ARRESTS_CLEARANCE, "figure"),
                "clearance_table": Output(ids.ARRESTS_CLEARANCE_TABLE, "children"),
                "error": Output(ids.ARRESTS_ERROR, "children")},
        compute=lambda r: arrests_outputs(r.svc.db, r.filters),
        error=error_outputs)
