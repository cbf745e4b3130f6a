"""Summary page: filter state -> queries -> figure builders -> components; a bar click, or the
offense's button in the chart's table (the same by keyboard), filters every page by that offense.

``summary_outputs`` is the whole adapter as a plain function, so the benchmark and the callback
tests run exactly what the browser runs.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from app import i18n, ids
from app.i18n import _
from app.pages import LayoutInputs, Page
from app.settings import Settings
from app.urlstate import Choices
from callbacks.common import page_callback, relay, shell_write
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
        "trend_table": L.trend_table(trend, grain, f),
        "trend_name": L.trend_name(trend, grain, f),
        "offenses": L.offense_figure(counts, f.offense),
        "offenses_table": L.offense_table(counts, f.offense, f),
        "offenses_name": L.offense_name(f),
        "heatmap": L.heatmap_figure(hours),
        "heatmap_table": L.heatmap_table(hours, f),
        "heatmap_name": L.heatmap_name(f),
        "goal": L.goal_figure(goal, baseline_year=settings.goal_baseline_year,
                              reduction=settings.goal_annual_reduction),
        "goal_table": L.goal_table(goal, f),
        "goal_name": L.goal_name(f),
        "goal_status": L.goal_status(goal),
        "error": None,
    }


def error_outputs(message: str) -> dict:
    """Every output in its "not available" state, and the message (translated where it has a
    Spanish msgid; an already translated message comes back unchanged)."""
    fig = empty_figure(_("Not available"))
    none = html.P(_("Not available"), className="chart-table-empty")
    return {"cards": None, "trend": fig, "offenses": fig, "heatmap": fig, "goal": fig, "goal_status": "",
            "trend_table": none, "offenses_table": none, "heatmap_table": none, "goal_table": none,
            "trend_name": _("Line chart: victims of Part 1 crime per period (not available)"),
            "offenses_name": _("Bar chart: victims by offense (not available)"),
            "heatmap_name": _("Heat map: victims by hour of day and day of week (not available)"),
            "goal_name": _("Bar chart: victims of gun violence per year against the Plan's target path "
                           "(not available)"),
            "error": dbc.Alert(i18n.gettext(message), color="danger")}


def layout(inputs: LayoutInputs):
    return L.summary_page(inputs.settings.goal_annual_reduction)


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"cards": Output(ids.SUMMARY_CARDS, "children"),
                "trend": Output(ids.SUMMARY_TREND, "figure"),
                "trend_table": Output(L.TREND_TABLE, "children"),
                "trend_name": Output(L.TREND_FIGURE, "aria-label"),
                "offenses": Output(ids.SUMMARY_OFFENSES, "figure"),
                "offenses_table": Output(L.OFFENSES_TABLE, "children"),
                "offenses_name": Output(L.OFFENSES_FIGURE, "aria-label"),
                "heatmap": Output(ids.SUMMARY_HEATMAP, "figure"),
                "heatmap_table": Output(L.HEATMAP_TABLE, "children"),
                "heatmap_name": Output(L.HEATMAP_FIGURE, "aria-label"),
                "goal": Output(ids.SUMMARY_GOAL, "figure"),
                "goal_table": Output(L.GOAL_TABLE, "children"),
                "goal_name": Output(L.GOAL_FIGURE, "aria-label"),
                "goal_status": Output(ids.SUMMARY_CAPTION, "children"),
                "error": Output(ids.SUMMARY_ERROR, "children")},
        compute=lambda r: summary_outputs(r.svc.db, r.svc.settings, r.filters, r.choices),
        error=error_outputs)

    # the offense table's buttons write ids.pressed_id (layouts.static: press), and focus returns to
    # the pressed one when the table is drawn again
    @app.callback(
        shell_write(app, page),  # the offense filter, through the page (callbacks.common.shell_write)
        Input(ids.SUMMARY_OFFENSES, "clickData"),
        Input(ids.pressed_id(page.name), "data"),
        State(ids.OFFENSE, "value"),
        prevent_initial_call=True,
    )
    def offense_clicked(click_data, pressed, current):
        code = None
        if ctx.triggered_id == ids.SUMMARY_OFFENSES:
            code = L.clicked_offense(click_data)
        elif isinstance(pressed, dict) and isinstance(pressed.get("id"), dict):
            code = pressed["id"].get("code")  # a button of the chart's table
        if not isinstance(code, str):
            raise PreventUpdate
        return relay(controls={"offense": L.toggle_offense(code, current)})
