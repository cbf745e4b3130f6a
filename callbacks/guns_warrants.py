"""Guns and warrants page: filter state -> gun-seizure and warrant queries -> figures, their
tables and names, the cards and the caption. The offense filter does not apply (dropped here; the
page says so)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.i18n import _
from app.pages import LayoutInputs, Page
from callbacks.common import page_callback
from data_access import guns_warrants as G
from data_access.concurrent import gather
from data_access.db import Database
from data_access.filters import Filters
from layouts import guns_warrants as L
from layouts.common import empty_figure


def numbers(db: Database, f: Filters) -> dict:
    """Every number of the page (the API's endpoints read the same), for filters without offense."""
    f = f.replace(offense=())
    at = G.outstanding_day(db, f)
    grain = G.grain(f)
    field = G.area_field(f)
    through = min(f.end, at)
    # independent questions, asked at the same time (data_access.concurrent): the slowest sets the pace
    (s_trend, types, recovery, status, s_area, w_trend, age, cats, w_area) = gather(
        lambda: G.seizures_over_time(db, f, grain), lambda: G.seizures_by(db, f, "firearm_type"),
        lambda: G.seizures_by(db, f, "recovery_type"), lambda: G.seizures_by(db, f, "status"),
        lambda: G.seizures_by_area(db, f, field),
        lambda: G.warrants_over_time(db, f, grain), lambda: G.outstanding_by_age(db, f, at),
        lambda: G.warrants_by_category(db, f, at), lambda: G.warrants_by_area(db, f, at, field))
    return page_rows(f, at, grain, field, through, s_trend, types, recovery, status, s_area, w_trend, age, cats,
                     w_area)


def page_rows(f, at, grain, field, through, s_trend, types, recovery, status, s_area, w_trend, age, cats,
              w_area) -> dict:
    """The page's rows from its nine counts (the queries' frames, or the bench's pandas baseline)."""
    return {
        "f": f, "at": at, "grain": grain, "field": field, "through": through,
        "seizure_trend": L.period_rows(s_trend, "firearm_type", G.FIREARM_TYPES.codes, grain, f.start, through),
        "types": L.share_rows(types, G.FIREARM_TYPES),
        "recovery": L.share_rows(recovery, G.RECOVERY_TYPES),
        "status": L.share_rows(status, G.SEIZURE_STATUSES),
        "seizure_area": L.area_rows(s_area),
        "warrant_trend": L.period_rows(w_trend, "flow", G.FLOWS, grain, f.start, through),
        "age": L.age_rows(age),
        "categories": L.category_rows(cats),
        "warrant_area": L.area_rows(w_area, "outstanding"),
    }


def guns_warrants_outputs(db: Database, f: Filters, options: dict | None = None) -> dict:
    n = numbers(db, f)
    f, at, grain, field, through = n["f"], n["at"], n["grain"], n["field"], n["through"]
    names = L.chart_names(L.where_text(f, options), L.day_text(at))
    seized = sum(r["n"] for r in n["types"])
    ghost = sum(r["n"] for r in n["types"] if r["code"] == "ghost_gun")
    cats = n["categories"]
    out = {
        "cards": L.cards(seized, ghost, sum(r["issued"] for r in cats), sum(r["served"] for r in cats),
                         sum(r["n"] for r in n["age"]), at, f),
        "caption": L.caption_text(f, at, options),
        ids.GW_SEIZURE_TREND: L.seizure_trend_figure(n["seizure_trend"], grain, f.start, through),
        ids.GW_SEIZURE_TREND + "-table": L.seizure_trend_table(n["seizure_trend"], grain, f.start, through),
        ids.GW_SEIZURE_TYPES: L.share_figure(n["types"], ids.GW_SEIZURE_TYPES, L.FIREARM_COLORS, L.FIREARM_PATTERNS),
        ids.GW_SEIZURE_TYPES + "-table": L.share_table(n["types"], _("Firearm type"), _("Guns seized by firearm type")),
        ids.GW_SEIZURE_RECOVERY: L.share_figure(n["recovery"], ids.GW_SEIZURE_RECOVERY),
        ids.GW_SEIZURE_RECOVERY + "-table": L.share_table(n["recovery"], _("Recovered"),
                                                          _("Guns seized by how they were recovered")),
        ids.GW_SEIZURE_STATUS: L.share_figure(n["status"], ids.GW_SEIZURE_STATUS, L.STATUS_COLORS, L.STATUS_PATTERNS),
        ids.GW_SEIZURE_STATUS + "-table": L.share_table(n["status"], _("Status"), _("Seized guns by status")),
        ids.GW_SEIZURE_AREA: L.area_figure(n["seizure_area"], ids.GW_SEIZURE_AREA, "n", _("Guns seized"), L.NO_GUNS),
        ids.GW_SEIZURE_AREA + "-table": L.seizure_area_table(n["seizure_area"], field),
        ids.GW_WARRANT_TREND: L.warrant_trend_figure(n["warrant_trend"], grain, f.start, through),
        ids.GW_WARRANT_TREND + "-table": L.warrant_trend_table(n["warrant_trend"], grain, f.start, through),
        ids.GW_WARRANT_AGE: L.age_figure(n["age"]),
        ids.GW_WARRANT_AGE + "-table": L.age_table(n["age"]),
        ids.GW_WARRANT_CATEGORY: L.category_figure(cats),
        ids.GW_WARRANT_CATEGORY + "-table": L.category_table(cats, at),
        ids.GW_WARRANT_AREA: L.area_figure(n["warrant_area"], ids.GW_WARRANT_AREA, "outstanding",
                                           _("Outstanding warrants"), L.NO_WARRANTS),
        ids.GW_WARRANT_AREA + "-table": L.warrant_area_table(n["warrant_area"], field, at),
        "error": None,
    }
    out.update({g + "-figure": names[g] for g in ids.GW_CHARTS})
    out.update(heights(out))
    return out


def heights(out: dict) -> dict:
    """Each graph's box as tall as its figure (a chart of 25 neighborhoods is taller than one of 9 districts)."""
    return {g + "-style": {"height": f"{out[g]['layout'].get('height', 320)}px"} for g in ids.GW_CHARTS}


def error_outputs(message: str) -> dict:
    fig = empty_figure(_("Not available"))
    names = L.chart_names(_("the chosen filters"))
    out = {"cards": None, "caption": "", "error": dbc.Alert(message, color="danger")}
    for g in ids.GW_CHARTS:
        out.update({g: fig, g + "-table": None, g + "-figure": names[g]})
    out.update(heights(out))
    return out


def layout(inputs: LayoutInputs):
    return L.guns_warrants_page()


def register(app, page: Page) -> None:
    output = {"cards": Output(ids.GW_CARDS, "children"), "caption": Output(ids.GW_CAPTION, "children"),
              "error": Output(ids.GW_ERROR, "children")}
    for g in ids.GW_CHARTS:
        output[g] = Output(g, "figure")
        output[g + "-table"] = Output(g + "-table", "children")
        output[g + "-figure"] = Output(g + "-figure", "aria-label")
        output[g + "-style"] = Output(g, "style")
    page_callback(app, page, output=output, compute=lambda r: guns_warrants_outputs(r.svc.db, r.filters, r.options),
                  error=error_outputs)


__all__ = ["numbers", "guns_warrants_outputs", "error_outputs", "layout", "register"]
