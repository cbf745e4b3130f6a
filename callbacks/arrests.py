"""Arrests page callback: filter state -> arrest queries -> figures and tables."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices, services
from app.urlstate import parse
from data_access import arrests as A
from data_access.db import Database, DataError
from data_access.filters import Filters
from layouts import arrests as L
from layouts.common import empty_figure
from layouts.shell import PAGE_BY_PATH


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


KEYS = ("cards", "trend", "category", "area", "charges", "clearance", "clearance_table", "error")


def register(app) -> None:
    @app.callback(
        Output(ids.ARRESTS_CARDS, "children"),
        Output(ids.ARRESTS_TREND, "figure"),
        Output(ids.ARRESTS_CATEGORY, "figure"),
        Output(ids.ARRESTS_AREA, "figure"),
        Output(ids.ARRESTS_CHARGES, "children"),
        Output(ids.ARRESTS_CLEARANCE, "figure"),
        Output(ids.ARRESTS_CLEARANCE_TABLE, "children"),
        Output(ids.ARRESTS_ERROR, "children"),
        Input(ids.FILTER_STATE, "data"),
        Input(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    def update_arrests(state, pathname):
        if state is None or PAGE_BY_PATH.get(pathname or "/") != "arrests":
            raise PreventUpdate
        svc = services()
        try:
            choices, _, data = load_choices(svc.db)
            if not data["version"]:
                out = error_outputs("No data is loaded yet. Run `psad demo load` or load real data.")
            else:
                f, _ = parse(state, choices)
                out = arrests_outputs(svc.db, f)
        except DataError as exc:
            out = error_outputs(exc.user_message)
        return tuple(out[k] for k in KEYS)
