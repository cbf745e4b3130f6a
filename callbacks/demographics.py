"""Demographics page: filter state -> suppressed tables -> figures and tables."""

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


def layout(inputs: LayoutInputs):
    return L.demographics_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"victims": Output(ids.DEMO_VICTIMS, "children"),
                "arrestees": Output(ids.DEMO_ARRESTEES, "children"),
                "caption": Output(ids.DEMO_CAPTION, "children"),
                "error": Output(ids.DEMO_ERROR, "children")},
        compute=lambda r: demographics_outputs(r.svc.db, r.filters),
        error=error_outputs)
