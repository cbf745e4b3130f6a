"""Summary page callback: filter state -> queries -> figure builders -> components.

``summary_outputs`` is the whole adapter as a plain function, so the benchmark and the callback
tests run exactly what the browser runs.
"""

from __future__ import annotations

from dash import Input, Output
from dash.exceptions import PreventUpdate

import dash_bootstrap_components as dbc

from app import ids
from app.context import load_choices, services
from app.settings import Settings
from app.urlstate import Choices, parse
from data_access import queries
from data_access.concurrent import gather
from data_access.db import Database, DataError
from data_access.filters import Filters
from layouts import summary as L
from layouts.common import empty_figure
from layouts.shell import PAGE_BY_PATH


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
        if state is None or PAGE_BY_PATH.get(pathname or "/", "summary") != "summary":
            raise PreventUpdate
        svc = services()
        try:
            choices, _, data = load_choices(svc.db)
            if not data["version"]:
                out = error_outputs("No data is loaded yet. Run `psad demo load` or load real data.")
            else:
                f, _ = parse(state, choices)
                out = summary_outputs(svc.db, svc.settings, f, choices)
        except DataError as exc:
            out = error_outputs(exc.user_message)
        return tuple(out[k] for k in KEYS)
