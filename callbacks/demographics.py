"""Demographics page callback: filter state -> suppressed tables -> figures and tables."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices, services
from app.urlstate import PAGE_PARAMS, parse, to_query
from data_access import demographics as D
from data_access.db import Database, DataError
from data_access.filters import Filters
from layouts import demographics as L
from layouts.shell import PAGE_BY_PATH


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
        if state is None or PAGE_BY_PATH.get(pathname or "/") != "demographics":
            raise PreventUpdate
        svc = services()
        try:
            choices, _, data = load_choices(svc.db)
            if not data["version"]:
                out = error_outputs("No data is loaded yet. Run `psad demo load` or load real data.")
            else:
                f, _ = parse(state, choices, extra=PAGE_PARAMS)
                out = demographics_outputs(svc.db, f)
        except DataError as exc:
            out = error_outputs(exc.user_message)
        return tuple(out[k] for k in KEYS)
