"""Demographics page: filter state -> suppressed tables -> figures (with their names) and tables."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.pages import LayoutInputs, Page
from app.urlstate import to_query
from callbacks.common import page_callback
from data_access import demographics as D
from data_access.db import Database
from data_access.filters import Filters
from layouts import demographics as L
from layouts.arrests import where_text


def demographics_outputs(db: Database, f: Filters, options: dict | None = None) -> dict:
    victims = D.demographics(db, f, "victims")
    arrestees = D.demographics(db, f.replace(offense=()), "arrests")
    population = D.population(db, f.geo_only())
    where = where_text(f, options, span=L.years_text(victims))
    # a dataset's Download CSV link is its section's (layouts.demographics.dataset_section), which
    # follows the address bar; one without a path of its own yet gets it here, filters written in
    return {"victims": L.dataset_panel(victims, population, "victims", L.callback_csv(to_query(f), "victims"), where),
            "arrestees": L.dataset_panel(arrestees, population, "arrestees",
                                         L.callback_csv(to_query(f.replace(offense=())), "arrestees"),
                                         where_text(f, options, span=L.years_text(arrestees))),
            "caption": L.caption_text(victims, population), "error": None}


def error_outputs(message: str) -> dict:
    return {"victims": None, "arrestees": None, "caption": "", "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.demographics_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"victims": Output(ids.DEMO_VICTIMS, "children"),
                "arrestees": Output(ids.DEMO_ARRESTEES, "children"),
                "caption": Output(ids.DEMO_CAPTION, "children"),
                "error": Output(ids.DEMO_ERROR, "children")},
        compute=lambda r: demographics_outputs(r.svc.db, r.filters, r.options),
        error=error_outputs)
