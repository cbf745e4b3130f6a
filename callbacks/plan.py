"""Plan KPIs page: filter state -> the measures' values (``plan_data``) -> the tracker's rows and tables."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.i18n import get_lang
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import kpi as K
from data_access import summary as Q
from data_access.cache import cached_value, data_version
from data_access.concurrent import gather
from data_access.db import Database
from data_access.filters import Filters
from layouts import plan as L


def plan_data(db: Database, settings, f: Filters, through, first_date=None) -> L.PlanData:
    """Everything the tracker reads for ``f``; ``through`` is the data's date (``Choices.today``).
    The reads are independent: they run at the same time (``data_access.concurrent.gather``)."""
    from layouts.summary import goal_rows

    geo = f.geo_only()
    first_year = first_date.year if first_date is not None else settings.goal_baseline_year
    years = L.years_shown(f, first_year, through)
    # the promised functions count the dates they are given: the whole years shown
    span = geo.replace(start=date(years[0], 1, 1), end=through) if years else geo
    # the slowest reads first: gather runs four at a time, and the quick ones fill in behind them
    youth, dv, calls, gun, rapes, population, monse = gather(
        lambda: K.youth_arrests(db, geo, years),
        lambda: K.external(db, span, K.DV_SHARE, ("year", "dv_incidents", "part1_incidents")),
        lambda: K.external(db, span, K.WITHOUT_POLICE, ("year", "calls", "without_police")),
        lambda: Q.gun_violence_by_year(db, geo, settings.goal_baseline_year, through),
        lambda: K.rapes_by_year(db, geo),
        lambda: K.residents(db, geo),
        lambda: K.monse_values(db))
    goal = goal_rows(gun, baseline_year=settings.goal_baseline_year, reduction=settings.goal_annual_reduction,
                     through=through)
    return L.PlanData(through=through, first_year=first_year, goal=goal, youth=youth, rapes=rapes,
                      population=population, dv=dv, calls=calls, monse=monse)


def tracker(db: Database, settings, f: Filters, choices) -> list[dict]:
    """The tracker's rows for ``f``: what the page draws and ``/api/v1/plan/kpis`` answers. Cached per
    data version, filters and language: the rows judge changes against chance (the Summary's goal,
    each count's last two years), pure arithmetic that costs more than the cached reads."""
    key = (data_version(db), f, choices.today, choices.first_date, settings.goal_baseline_year,
           settings.goal_annual_reduction, get_lang())
    return cached_value("plan-tracker", key, lambda: L.tracker_rows(
        plan_data(db, settings, f, choices.today, choices.first_date), f))


def plan_outputs(db: Database, settings, f: Filters, choices) -> dict:
    rows = tracker(db, settings, f, choices)
    return {"body": L.plan_body(rows), "notes": L.notes(f), "error": None}


def error_outputs(message: str) -> dict:
    return {"body": None, "notes": None, "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.plan_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"body": Output(ids.KPI_BODY, "children"),
                "notes": Output(ids.KPI_NOTES, "children"),
                "error": Output(ids.KPI_ERROR, "children")},
        compute=lambda r: plan_outputs(r.svc.db, r.svc.settings, r.filters, r.choices),
        error=error_outputs)
