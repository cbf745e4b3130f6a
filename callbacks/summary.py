"""Summary page: filter state -> queries -> figure builders -> components; a bar click filters
every page by that offense.

``summary_outputs`` is the whole adapter as a plain function, so the benchmark and the callback
tests run exactly what the browser runs.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from app import ids
from app.pages import LayoutInputs, Page
from app.settings import Settings
from app.urlstate import Choices
from callbacks.common import page_callback
from data_access import summary as Q
from data_access.concurrent import gather
from data_access.db import Database
from data_access.filters import Filters
from layouts import summary as L
from layouts.common import empty_figure


def summary_outputs(db: Database, settings: Settings, f: Filters, choices: Choices) -> dict:
    grain = Q.trend_grain(f)
    through = choices.today
    counts, trend, hours, gun = gather(
        lambda: Q.offense_counts(db, f),
        lambda: Q.trend(db, f, grain),
        lambda: Q.hour_by_weekday(db, f),
        lambda: Q.gun_violence_by_year(db, f.geo_only(), settings.goal_baseline_year, through))
    goal = L.goal_rows(gun, baseline_year=settings.goal_baseline_year,
                       reduction=settings.goal_annual_reduction, through=through)
    cards = L.headline_cards(counts, f, min_compare=settings.min_compare, first_date=choices.first_date)
    return {
        "cards": L.cards_component(cards, f),
        "trend": L.trend_figure(trend, grain),
        "offenses": L.offense_figure(counts, f.offense),
        "heatmap": L.heatmap_figure(hours),
        "goal": L.goal_figure(goal, baseline_year=settings.goal_baseline_year,
                              reduction=settings.goal_annual_reduction),
        "goal_status": L.goal_status(goal),
        "error": None,
    }


def error_outputs(message: str) -> dict:
    fig = empty_figure("Not available")
    return {"cards": None, "trend": fig, "offenses": fig, "heatmap": fig, "goal": fig, "goal_status": "",
            "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.summary_page(inputs.settings.goal_annual_reduction)


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"cards": Output(ids.SUMMARY_CARDS, "children"),
                "trend": Output(ids.SUMMARY_TREND, "figure"),
                "offenses": Output(ids.SUMMARY_OFFENSES, "figure"),
                "heatmap": Output(ids.SUMMARY_HEATMAP, "figure"),
                "goal": Output(ids.SUMMARY_GOAL, "figure"),
                "goal_status": Output(ids.SUMMARY_CAPTION, "children"),
                "error": Output(ids.SUMMARY_ERROR, "children")},
        compute=lambda r: summary_outputs(r.svc.db, r.svc.settings, r.filters, r.choices),
        error=error_outputs)

    @app.callback(
        Output(ids.OFFENSE, "value", allow_duplicate=True),
        Input(ids.SUMMARY_OFFENSES, "clickData"),
        State(ids.OFFENSE, "value"),
        prevent_initial_call=True,
    )
    def offense_clicked(click_data, current):
        code = L.clicked_offense(click_data)  # None when the page opens
        if code is None:
            raise PreventUpdate
        return [] if current == [code] else [code]
