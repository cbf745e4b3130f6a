"""Case outcomes page: filter state -> State's Attorney case queries -> cards and figures."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import cases as C
from data_access.db import Database
from data_access.filters import Filters
from layouts import cases as L
from layouts.common import empty_figure


def outcomes_outputs(db: Database, f: Filters) -> dict:
    f = f.replace(offense=())
    status = C.case_status(db, f)
    return {"cards": L.outcome_cards(L.outcome_summary(status)), "mix": L.mix_figure(C.disposition_mix(db, f)),
            "time": L.time_figure(status), "error": None}


def error_outputs(message: str) -> dict:
    fig = empty_figure("Not available")
    return {"cards": None, "mix": fig, "time": fig, "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.outcomes_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"cards": Output(ids.OUTCOMES_CARDS, "children"),
                "mix": Output(ids.OUTCOMES_MIX, "figure"),
                "time": Output(ids.OUTCOMES_TIME, "figure"),
                "error": Output(ids.OUTCOMES_ERROR, "children")},
        compute=lambda r: outcomes_outputs(r.svc.db, r.filters),
        error=error_outputs)
