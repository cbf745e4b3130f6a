"""Demographics page callback: filter state -> suppressed tables -> figures and tables."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output

from app import ids
from app.urlstate import to_query
from callbacks.common import page_update
from data_access import demographics as D
from data_access.db import Database
from data_access.filters import Filters
from layouts import demographics as L


def demographics_outputs(db: Database, f: Filters) -> dict:
    victims = D.demographics(db, f, "victims")
    arrestees = D.demographics(db, f.replace(offense=()), "arrests")
    population = D.population(db, f.geo_only())
    years = (str(victims.first_year) if victims.first_year == victims.last_year
             else f"{victims.first_year}–{victims.last_year}")
    caption = (f"Whole calendar years: {years} (through the data-as-of date). "
               + L.population_note(population))
    q = to_query(f)
    return {"victims": L.dataset_panel(victims, population, "victims", L.csv_href(q, "victims")),
            "arrestees": L.dataset_panel(arrestees, population, "arrestees",
                                         L.csv_href(to_query(f.replace(offense=())), "arrests")),
            "caption": caption, "error": None}


def error_outputs(message: str) -> dict:
    return {"victims": None, "arrestees": None, "caption": "", "error": dbc.Alert(message, color="danger")}


KEYS = ("victims", "arrestees", "caption", "error")


def register(app) -> None:
    @app.callback(
        Output(ids.DEMO_VICTIMS, "children"),
        Output(ids.DEMO_ARRESTEES, "children"),
        Output(ids.DEMO_CAPTION, "children"),
        Output(ids.DEMO_ERROR, "children"),
        Input(ids.FILTER_STATE, "data"),
        Input(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    def update_demographics(state, pathname):
        return page_update("demographics", state, pathname, lambda svc, f, _: demographics_outputs(svc.db, f), error_outputs, KEYS)
