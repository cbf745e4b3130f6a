"""Case outcomes page: filter state -> State's Attorney case queries -> cards, figures, their tables
and names."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.i18n import _
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import cases as C
from data_access.db import Database
from data_access.filters import Filters
from layouts import cases as L
from layouts.arrests import where_text
from layouts.common import empty_figure


def outcomes_outputs(db: Database, f: Filters, options: dict | None = None) -> dict:
    f = f.replace(offense=())
    status = C.case_status(db, f)
    mix = C.disposition_mix(db, f)
    names = L.outcomes_names(where_text(f, options))
    return {"cards": L.outcome_cards(L.outcome_summary(status)),
            "mix": L.mix_figure(mix), "mix_table": L.mix_table(mix), "mix_name": names["mix"],
            "time": L.time_figure(status), "time_table": L.time_table(status), "time_name": names["time"],
            "error": None}


def error_outputs(message: str) -> dict:
    fig = empty_figure(_("Not available"))
    names = L.outcomes_names(_("the chosen filters"))
    return {"cards": None, "mix": fig, "time": fig, "mix_table": None, "time_table": None,
            "mix_name": names["mix"], "time_name": names["time"], "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.outcomes_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"cards": Output(ids.OUTCOMES_CARDS, "children"),
                "mix": Output(ids.OUTCOMES_MIX, "figure"),
                "mix_table": Output(L.OUTCOMES_MIX_TABLE, "children"),
                "mix_name": Output(L.OUTCOMES_MIX_FIGURE, "aria-label"),
                "time": Output(ids.OUTCOMES_TIME, "figure"),
                "time_table": Output(L.OUTCOMES_TIME_TABLE, "children"),
                "time_name": Output(L.OUTCOMES_TIME_FIGURE, "aria-label"),
                "error": Output(ids.OUTCOMES_ERROR, "children")},
        compute=lambda r: outcomes_outputs(r.svc.db, r.filters, r.options),
        error=error_outputs)
