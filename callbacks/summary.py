"""Summary page callback: filter state -> queries -> figure builders -> components.

``summary_outputs`` is the whole adapter as a plain function, so the benchmark and the callback
tests run exactly what the browser runs.
"""

from __future__ import annotations

from dash import Input, Output

import dash_bootstrap_components as dbc

from app import ids
from app.settings import Settings
from app.urlstate import Choices
from callbacks.common import page_update
from data_access import queries
from data_access.concurrent import gather
from data_access.db import Database
from data_access.filters import Filters
from layouts import summary as L
from layouts.common import empty_figure


def summary_outputs(db: Database, settings: Settings, f: Filters, choices: Choices) -> dict:
    grain = queries.trend_grain(f)
    through = choices.today
    counts, trend, hours, gun = gather(
        lambda: queries.offense_counts(db, f),
        lambda: queries.trend(db, f, grain),
        lambda: queries.hour_by_weekday(db, f),
        lambda: queries.gun_violence_by_year(db, f.geo_only(), settings.goal_baseline_year, through))
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


KEYS = ("cards", "trend", "offenses", "heatmap", "goal", "goal_status", "error")


def register(app) -> None:
    @app.callback(
        Output(ids.SUMMARY_CARDS, "children"),
        Output(ids.SUMMARY_TREND, "figure"),
        Output(ids.SUMMARY_OFFENSES, "figure"),
        Output(ids.SUMMARY_HEATMAP, "figure"),
        Output(ids.SUMMARY_GOAL, "figure"),
        Output(ids.SUMMARY_CAPTION, "children"),
        Output(ids.SUMMARY_ERROR, "children"),
        Input(ids.FILTER_STATE, "data"),
        Input(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    def update_summary(state, pathname):
        return page_update("summary", state, pathname, lambda svc, f, choices: summary_outputs(svc.db, svc.settings, f, choices), error_outputs, KEYS)
