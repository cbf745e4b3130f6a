"""The Intimate-partner violence page: incidents flagged as domestic, over time (months), by area,
offense category, relationship, and the victims' age band and sex, with victim-services
resources beside the numbers and a plain note on what the data cannot show.

Pure builders over ``data_access.ipv.IpvView`` (already suppressed: any count of 1-10 is "<11",
and further cells are withheld so none can be worked out from the total). Withheld cells never
get a bar; the table under each chart says "<11" or "withheld" in their place. Incidents are
counted only in area totals: this page has no map and no point.

A month the dates (or the data, which ends at its as-of date) cover only in part is drawn pale,
outlined and labelled with the days it holds ("to 24 Nov"), as on the Arrests page.
"""

from __future__ import annotations

import calendar
from datetime import date

from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.i18n import N_, _, ngettext
from data_access import ipv as Q
from data_access.filters import Filters
from data_access.suppression import Table
from data_access.vocabulary import OFFENSE_BY_CODE
from layouts.arrests import PARTIAL_ALPHA, _period_end, _rgba, partial_text, period_label
from layouts.cases import OKABE_ITO, clear_modebar, figure_id, wrap_label
from layouts.common import (
    chart,
    data_table,
    empty_figure,
    figure,
    fmt_int,
    geo_phrases,
    section,
    span_text,
    stat_cards,
    style_figure,
    time_cell,
)

RULE_TEXT = N_("Privacy: this page is stricter than the others. Any number of 1–10 incidents is shown as “<11” "
               "(other pages hide groups of 1–4 people as “<5”), and further numbers are withheld, smallest "
               "first, so that no hidden number can be worked out from the total or the numbers shown. Hidden "
               "numbers have no bar. The page counts whole calendar months: a range that starts or ends "
               "mid-month shows those months whole. Incidents are counted only in area totals: never as points "
               "on a map, and no name, address or block is stored.")
LIMITS_TITLE = N_("What these numbers cannot show")
LIMITS_TEXT = (
    N_("Most intimate-partner violence is never reported to the police. These are incidents the police recorded "
       "and flagged as domestic, so they show what was reported, not how much violence happens: a rise can mean "
       "more people felt able to call, and a fall can mean fewer did."),
    N_("The flag depends on what the officer learned and wrote down; the relationship is as recorded and may be "
       "unknown. Stalking, threats, harassment and violations of protective orders that are not Part 1 offenses "
       "are not counted here."),
    N_("Numbers for small areas and short spans are mostly hidden: that protects the people behind them."),
)
DEFINITION = N_("Incidents the police flagged as domestic: violence between current or former spouses or dating "
                "partners (intimate partners), and between other family members. Each incident counts once, with "
                "its victim's age band and sex.")
OFFENSE_NOTE = N_("The offense filter applies: each incident carries its Part 1 offense category. Incidents recorded "
                  "without one count only when no offense is chosen.")
PARTIAL_NOTE = N_("The month the data ends in is drawn pale and outlined, and labelled with the days it holds "
                  "(“to 24 Nov”): fewer days, not fewer incidents a day.")
RESOURCES_TITLE = N_("Help is available")
AREA_TITLES = {"police_district": N_("Police district"), "neighborhood": N_("Neighborhood")}
DIMENSION_TITLES = {"age_band": N_("Age"), "sex": N_("Sex")}
UNKNOWN_AREA = N_("Unknown area")
UNKNOWN_OFFENSE = N_("No offense category")
TREND_HEIGHT = 360
HIDDEN_ALL = N_("Every number here is under 11 or withheld: see the table")
# Each chart's "Download CSV" path under /api/v1 (app/api/ipv.py)
CSV_PATHS = {"trend": "/ipv/trend", "areas": "/ipv/areas", "offenses": "/ipv/offenses",
             "relationships": "/ipv/relationships", "demographics": "/ipv/demographics"}

# What the About page adds for this page's datasets (layouts.about reads these):
ABOUT_METHODOLOGY: tuple[tuple[str, str], ...] = (
    (N_("Intimate-partner violence"),
     N_("Incidents the police flagged as domestic, loaded from a documented CSV (`psad ingest ipv FILE`): an "
        "incident id, the date, the areas (police district, neighborhood, Council and legislative district), the "
        "Part 1 offense category, the relationship (current or former spouse, current or former dating partner, "
        "other family, other) and, optionally, the victim's age band and sex. No name, address, block or point is "
        "ever stored: a row that carries a location finer than an area is refused. Any count of 1–10 is shown "
        "as “<11” (a stricter rule than the “<5” of other pages), and further numbers are withheld so that none "
        "can be worked out from the totals; the page counts whole calendar months. Police record only what is "
        "reported: most intimate-partner violence is not.")),
)
LOAD_DATASETS: dict[str, str] = {"ipv": N_("Intimate-partner violence incidents")}  # load_log.dataset -> label


# --- resources ------------------------------------------------------------------------------------

def resources() -> html.Section:
    """Hotlines and services beside the numbers: only ones whose numbers and sites are certain."""
    def item(name, lines):
        return html.Li([html.Strong(name), html.Br(), *[x for line in lines for x in (line, html.Br())][:-1]])

    def tel(number, shown):
        return html.A(shown, href=f"tel:{number}")

    def site(url):
        return html.A(url.removeprefix("https://"), href=url)

    return html.Section([
        html.H2(_(RESOURCES_TITLE), className="h6 section-title"),
        html.P(_("If you are in danger now, call 911."), className="ipv-urgent"),
        html.Ul([
            item(_("House of Ruth Maryland: 24-hour hotline"),
                 [tel("+14108897884", "410-889-7884"),
                  _("Shelter, counseling and legal help for people experiencing intimate-partner violence in "
                    "Baltimore."), site("https://hruth.org")]),
            item(_("National Domestic Violence Hotline: 24 hours"),
                 [tel("+18007997233", "1-800-799-7233"), _("Advocates speak English and Spanish."),
                  site("https://www.thehotline.org")]),
            item(_("Maryland Network Against Domestic Violence"),
                 [_("Finds the domestic violence program in each Maryland county and Baltimore City."),
                  site("https://www.mnadv.org")]),
        ], className="ipv-resources-list"),
    ], className="panel ipv-resources", id=ids.IPV_RESOURCES)


def limits() -> html.Section:
    return html.Section([html.H2(_(LIMITS_TITLE), className="h6 section-title"),
                         *[html.P(_(t)) for t in LIMITS_TEXT]], className="panel ipv-limits")


# --- rows -----------------------------------------------------------------------------------------

def category_name(kind: str, code: str, area_names: dict | None = None) -> str:
    """A table's category in words, translated."""
    if kind == "areas":
        return _(UNKNOWN_AREA) if code == Q.UNKNOWN_CODE else (area_names or {}).get(code, code)
    if kind == "offense":
        o = OFFENSE_BY_CODE.get(code)
        return _(UNKNOWN_OFFENSE) if code == Q.UNKNOWN_CODE else (_(o.label) if o else code)
    if kind == "relationship":
        return _(Q.RELATIONSHIPS.label(code))
    return _(code)  # age bands and sexes are stored as their (English) labels


def cell_text(cell) -> str:
    return fmt_int(cell.value) if cell.shown else _(cell.label)


def cell_rows(table: Table, kind: str, area_names: dict | None = None) -> list[dict]:
    """One row per category: code, name (translated), value (None when withheld), text, reason."""
    return [{"category": c.category, "name": category_name(kind, c.category, area_names), "value": c.value,
             "text": cell_text(c), "label": c.label, "reason": c.reason} for c in table.cells]


def month_rows(table: Table, start: date, through: date) -> list[dict]:
    """The months of the span up to the data's last day (``through``), each with its first and last day,
    the days the span covers and whether it covers all of them."""
    out = []
    for c in table.cells:
        s = date.fromisoformat(c.category)
        if s > through:
            continue
        e = _period_end(s, "month")
        days = (min(e, through) - max(s, start)).days + 1
        out.append({"period_start": s, "period_end": e, "days": days,
                    "complete": days >= calendar.monthrange(s.year, s.month)[1], "value": c.value,
                    "text": cell_text(c), "label": c.label, "reason": c.reason})
    return out


# --- figures --------------------------------------------------------------------------------------

def _withheld_note(rows: list[dict]) -> str | None:
    small = sum(1 for r in rows if r["reason"] == "small")
    other = sum(1 for r in rows if r["reason"] in ("complement", "neighbour", "table"))
    if not small and not other:
        return None
    parts = []
    if small:
        parts.append(ngettext("{n} group of 1–10 incidents is shown as “<11”",
                              "{n} groups of 1–10 incidents are shown as “<11”", small).format(n=fmt_int(small)))
    if other:
        parts.append(ngettext("{n} more is withheld so that none can be worked out",
                              "{n} more are withheld so that none can be worked out", other).format(n=fmt_int(other)))
    return "; ".join(parts) + "."


def bar_figure(rows: list[dict], axis_title: str) -> dict:
    """Horizontal bars of the shown cells (withheld ones have none), each with its number beside it."""
    shown = [r for r in rows if r["value"] is not None and r["value"] > 0]
    if not shown:
        return empty_figure(_(HIDDEN_ALL) if any(r["reason"] for r in rows)
                            else _("No incidents to show for these filters"), height=260)
    top = max(r["value"] for r in shown)
    return clear_modebar(style_figure(figure([{
        "type": "bar", "orientation": "h", "y": [wrap_label(r["name"], 16) for r in shown],
        "x": [r["value"] for r in shown], "text": [r["text"] for r in shown], "textposition": "outside",
        "cliponaxis": False, "marker": {"color": OKABE_ITO["blue"]},
        "hovertemplate": "%{y}: %{text}<extra></extra>"}],
        {"margin": {"l": 8, "r": 12, "t": 30}, "yaxis": {"autorange": "reversed"},
         "xaxis": {"range": [0, top * 1.35], "title": {"text": axis_title}}}),
        height=max(220, 80 + 34 * len(shown))))


def bar_table(rows: list[dict], head: str, caption: str) -> html.Div:
    if not rows:
        return html.P(_("No incidents to show for these filters"))
    body = [[r["name"], r["text"]] for r in rows]
    note = _withheld_note(rows)
    return html.Div([data_table([head, _("Incidents")], body, caption, numeric=(1,)),
                     html.P(note, className="section-note withheld-note") if note else None])


def trend_figure(rows: list[dict], start: date, through: date) -> dict:
    """Bars of incidents per month; a partial month pale, outlined and labelled; withheld months no bar."""
    if not rows or not any(r["value"] for r in rows if r["value"] is not None):
        return empty_figure(_(HIDDEN_ALL) if any(r["reason"] for r in rows)
                            else _("No incidents to show for these filters"), height=TREND_HEIGHT)
    colour = OKABE_ITO["blue"]
    shown = [r for r in rows if r["value"] is not None]
    names = [period_label(r["period_start"], r["period_end"], "month", start, through, r["complete"]) for r in shown]
    data = [{"type": "bar", "name": _("Incidents"), "x": [r["period_start"].isoformat() for r in shown],
             "y": [r["value"] for r in shown], "customdata": names,
             "marker": {"color": [colour if r["complete"] else _rgba(colour, PARTIAL_ALPHA) for r in shown],
                        "line": {"color": colour, "width": [0 if r["complete"] else 1.5 for r in shown]}},
             "hovertemplate": "%{customdata}: %{y:,}<extra></extra>"}]
    top = max(r["value"] for r in shown) or 1
    notes = [{"x": r["period_start"].isoformat(), "y": r["value"] if r["value"] <= top / 2 else 0,
              "text": partial_text(r["period_start"], r["period_end"], start, through), "textangle": -90,
              "showarrow": False, "xanchor": "center", "yanchor": "bottom", "yshift": 3,
              "font": {"size": 10, "color": "#222"}, "bgcolor": "rgba(255, 255, 255, 0.8)"}
             for r in shown if not r["complete"]]
    return clear_modebar(style_figure(figure(data, {
        "yaxis": {"title": {"text": _("Incidents per month")}, "rangemode": "tozero"},
        "xaxis": {"type": "date"}, "annotations": notes, "margin": {"t": 30}}), height=TREND_HEIGHT))


def trend_table(rows: list[dict], start: date, through: date) -> html.Div:
    if not rows:
        return html.P(_("No incidents to show for these filters"))
    body = [[time_cell(period_label(r["period_start"], r["period_end"], "month", start, through, r["complete"]),
                      r["period_start"]), r["text"]] for r in rows]
    note = _withheld_note(rows)
    return html.Div([data_table([_("Month"), _("Incidents")], body, _("Incidents per month"), numeric=(1,)),
                     html.P(note, className="section-note withheld-note") if note else None])


def demographics_tables(view: Q.IpvView) -> html.Div:
    blocks = []
    for dim in ("age_band", "sex"):
        rows = cell_rows(view.tables[dim], dim)
        title = _(DIMENSION_TITLES[dim])
        blocks.append(html.Div([html.H3(title, className="h6 section-title"),
                                bar_table(rows, title, _("Victims by {dimension}").format(dimension=title.lower()))],
                               className="ipv-demo-block"))
    return html.Div(blocks, className="ipv-demo")


# --- words ----------------------------------------------------------------------------------------

def area_names(options: dict | None) -> dict:
    """code -> name of every area the filter bar offers (``options``: field -> [(code, name), ...])."""
    out: dict = {}
    for v in (options or {}).values():
        if isinstance(v, list):
            for pair in v:
                if isinstance(pair, (list, tuple)) and len(pair) == 2:
                    out.setdefault(pair[0], pair[1])
    return out


def where_text(f: Filters, options: dict | None = None) -> str:
    names = {k: dict(v) for k, v in (options or {}).items() if isinstance(v, list)}
    area = "; ".join(geo_phrases(f, names)) or _("citywide")
    return _("{span}, {area}").format(span=span_text(f), area=area)


def chart_names(where: str) -> dict[str, str]:
    return {
        "trend": _("Bar chart: domestic incidents per month, {where}").format(where=where),
        "area": _("Bar chart: domestic incidents by area, {where}").format(where=where),
        "offense": _("Bar chart: domestic incidents by offense category, {where}").format(where=where),
        "relationship": _("Bar chart: domestic incidents by relationship, {where}").format(where=where),
    }


def cards(view: Q.IpvView, f: Filters) -> Component:
    rel = {c.category: c for c in view.tables["relationship"].cells}
    partner = [rel[k] for k in Q.PARTNER if k in rel]
    if view.total is not None and partner and all(c.shown for c in partner):
        value = sum(c.value for c in partner)
        partner_text = fmt_int(value)
        partner_note = _("by a current or former spouse or dating partner")
    else:
        partner_text = _("withheld")
        partner_note = _("not shown: a part of it is hidden")
    items = [
        ("ipv-total", _("Incidents flagged as domestic"), fmt_int(view.total) if view.total is not None
         else _(Q.SMALL_LABEL), span_text(f)),
        ("ipv-partner", _("Intimate-partner incidents"), partner_text, partner_note),
    ]
    # a word in place of a number ("withheld") is set smaller, so it fits a phone's half-width card
    return stat_cards(items, lambda v: "card-value" + ("" if v[:1].isdigit() or v[:1] == "<" else " ipv-card-word"))


def caption_text(f: Filters, options: dict | None, through: date) -> str:
    """The whole months counted, the area, and where the data ends."""
    span = Q.month_span(f)
    text = _("Whole months: {span}.").format(span=where_text(span, options))
    if through < span.end:
        text += " " + _("The data runs to {date}.").format(date=i18n.date_short(through))
    return text


# --- the page -------------------------------------------------------------------------------------

def ipv_page() -> html.Div:
    names = chart_names(_("the chosen filters"))
    return html.Div([
        html.Div(id=ids.IPV_ERROR),
        html.P(id=ids.IPV_CAPTION, className="caption"),
        html.P(_(DEFINITION), className="section-note"),
        html.P(_(RULE_TEXT), className="section-note privacy-rule"),
        html.Div([
            html.Div([dcc.Loading(html.Div(id=ids.IPV_CARDS, className="cards-holder"), type="dot"),
                      html.P(_(OFFENSE_NOTE), className="section-note")], className="span-8"),
            html.Div(resources(), className="span-4"),
        ], className="panel-row"),
        section(_("Incidents over time"),
                figure_id(chart(ids.IPV_TREND, ids.IPV_TREND_TABLE, names["trend"], TREND_HEIGHT), ids.IPV_TREND_FIGURE),
                _(PARTIAL_NOTE), csv=CSV_PATHS["trend"]),
        html.Div([
            section(_("By area"),
                    figure_id(chart(ids.IPV_AREA, ids.IPV_AREA_TABLE, names["area"], 320), ids.IPV_AREA_FIGURE),
                    _("Police districts (under the map in force on each incident's date), or neighborhoods once an "
                      "area is chosen."), width_class="span-6", csv=CSV_PATHS["areas"]),
            section(_("By offense category"),
                    figure_id(chart(ids.IPV_OFFENSE, ids.IPV_OFFENSE_TABLE, names["offense"], 320),
                              ids.IPV_OFFENSE_FIGURE),
                    _("The Part 1 offense category of each incident."), width_class="span-6",
                    csv=CSV_PATHS["offenses"]),
        ], className="panel-row"),
        html.Div([
            section(_("By relationship"),
                    figure_id(chart(ids.IPV_RELATIONSHIP, ids.IPV_RELATIONSHIP_TABLE, names["relationship"], 300),
                              ids.IPV_RELATIONSHIP_FIGURE),
                    _("How the victim and the suspect were related, as recorded."), width_class="span-6",
                    csv=CSV_PATHS["relationships"]),
            section(_("Victims by age and sex"), dcc.Loading(html.Div(id=ids.IPV_DEMOGRAPHICS), type="dot"),
                    _("Each incident's victim, by age band and by sex."), width_class="span-6",
                    csv=CSV_PATHS["demographics"]),
        ], className="panel-row"),
        limits(),
    ], className="ipv-page")


__all__ = ["ipv_page", "ABOUT_METHODOLOGY", "LOAD_DATASETS", "cards", "trend_figure", "trend_table", "bar_figure",
           "bar_table", "cell_rows", "month_rows", "demographics_tables", "chart_names", "where_text", "area_names",
           "caption_text", "resources", "CSV_PATHS", "AREA_TITLES"]
