"""Intimate-partner violence page: filter state -> suppressed tables -> figures, their tables and names."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.i18n import _
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import ipv as Q
from data_access.db import Database
from data_access.filters import Filters
from layouts import ipv as L
from layouts.common import empty_figure


def through_of(f: Filters, as_of: date | None) -> date:
    """The last day counted: the end of the last whole month, or the data's last day when that is
    earlier."""
    end = Q.month_span(f).end
    return max(f.start.replace(day=1), min(end, as_of)) if as_of else end


def ipv_outputs(db: Database, f: Filters, options: dict | None = None, as_of: date | None = None) -> dict:
    view = Q.view(db, f)
    span = Q.month_span(f)
    through = through_of(f, as_of)
    names = L.chart_names(L.where_text(span, options))
    months = L.month_rows(view.tables["months"], span.start, through)
    areas = L.cell_rows(view.tables["areas"], "areas", L.area_names(options))
    offense = L.cell_rows(view.tables["offense"], "offense")
    rel = L.cell_rows(view.tables["relationship"], "relationship")
    area_head = _(L.AREA_TITLES[view.area_field])
    return {
        "caption": L.caption_text(f, options, through),
        "cards": L.cards(view, span),
        "trend": L.trend_figure(months, span.start, through), "trend_table": L.trend_table(months, span.start, through),
        "trend_name": names["trend"],
        "area": L.bar_figure(areas, _("Incidents")),
        "area_table": L.bar_table(areas, area_head, _("Domestic incidents by area")),
        "area_name": names["area"],
        "offense": L.bar_figure(offense, _("Incidents")),
        "offense_table": L.bar_table(offense, _("Offense category"), _("Domestic incidents by offense category")),
        "offense_name": names["offense"],
        "relationship": L.bar_figure(rel, _("Incidents")),
        "relationship_table": L.bar_table(rel, _("Relationship"), _("Domestic incidents by relationship")),
        "relationship_name": names["relationship"],
        "demographics": L.demographics_tables(view),
        "error": None,
    }


def error_outputs(message: str) -> dict:
    fig = empty_figure(_("Not available"))
    names = L.chart_names(_("the chosen filters"))
    return {"caption": "", "cards": None, "trend": fig, "trend_table": None, "trend_name": names["trend"],
            "area": fig, "area_table": None, "area_name": names["area"],
            "offense": fig, "offense_table": None, "offense_name": names["offense"],
            "relationship": fig, "relationship_table": None, "relationship_name": names["relationship"],
            "demographics": None, "error": dbc.Alert(message, color="danger")}


def layout(inputs: LayoutInputs):
    return L.ipv_page()


def register(app, page: Page) -> None:
    page_callback(
        app, page,
        output={"caption": Output(ids.IPV_CAPTION, "children"),
                "cards": Output(ids.IPV_CARDS, "children"),
                "trend": Output(ids.IPV_TREND, "figure"),
                "trend_table": Output(ids.IPV_TREND_TABLE, "children"),
                "trend_name": Output(ids.IPV_TREND_FIGURE, "aria-label"),
                "area": Output(ids.IPV_AREA, "figure"),
                "area_table": Output(ids.IPV_AREA_TABLE, "children"),
                "area_name": Output(ids.IPV_AREA_FIGURE, "aria-label"),
                "offense": Output(ids.IPV_OFFENSE, "figure"),
                "offense_table": Output(ids.IPV_OFFENSE_TABLE, "children"),
                "offense_name": Output(ids.IPV_OFFENSE_FIGURE, "aria-label"),
                "relationship": Output(ids.IPV_RELATIONSHIP, "figure"),
                "relationship_table": Output(ids.IPV_RELATIONSHIP_TABLE, "children"),
                "relationship_name": Output(ids.IPV_RELATIONSHIP_FIGURE, "aria-label"),
                "demographics": Output(ids.IPV_DEMOGRAPHICS, "children"),
                "error": Output(ids.IPV_ERROR, "children")},
        compute=lambda r: ipv_outputs(r.svc.db, r.filters, r.options, r.choices.data_as_of),
        error=error_outputs)
