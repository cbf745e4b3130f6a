"""The Case outcomes and Case lookup pages. Pure builders, no I/O.

Case lookup shows public court-record facts only: case number, dates, court, area, charges and
their dispositions. There is no name anywhere to show.

Every chart is a ``layouts.common.chart`` (an accessible name that says what it shows, and its
numbers as an HTML table under "Show as table"); colours are the Okabe-Ito set, safe for the
common colour-vision deficiencies, and never the only cue: disposition names label the bars,
groups differ by pattern as well as colour, the timeline's events by marker shape. Every string
is English in the code and translated where shown (``app.i18n``). The small helpers at the top
(shares, dates, filled charts) are shared with the Demographics and Arrests builders.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from app import i18n, ids
from app.i18n import N_, _, ngettext
from data_access.cases import PAGE_SIZE, ChargeOptions, SearchPage
from data_access.vocabulary import DISPOSITIONS
from layouts.common import (
    chart,
    csv_link,
    data_table,
    empty_figure,
    figure,
    fmt_int,
    graph_config,
    scroll_region,
    section,
    stat_cards,
    style_figure,
)

# Ids this module's pages add (app/ids.py is the shell's; these are used only here and in
# callbacks/outcomes.py and callbacks/lookup.py).
OUTCOMES_MIX_TABLE = "outcomes-mix-table"
OUTCOMES_TIME_TABLE = "outcomes-time-table"
OUTCOMES_MIX_FIGURE = "outcomes-mix-figure"  # the <figure>: its name follows the filters
OUTCOMES_TIME_FIGURE = "outcomes-time-figure"
CASE_HEADING = "case-heading"  # takes focus when a case is opened (callbacks/lookup.py)
CASE_TIMELINE = "case-timeline"
CASE_TIMELINE_TABLE = "case-timeline-table"

# Okabe & Ito's palette: told apart under the common colour-vision deficiencies.
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#6c757d"}
DISPOSITION_COLORS = {
    "guilty": OKABE_ITO["blue"], "guilty_lesser": OKABE_ITO["sky"], "nolle_prosequi": OKABE_ITO["vermillion"],
    "stet": OKABE_ITO["orange"], "dismissed": OKABE_ITO["grey"], "acquitted": OKABE_ITO["green"],
    "pending": OKABE_ITO["purple"],
}  # fmt: skip
# The timeline tells events apart by shape too (a legend of colours alone fails WCAG 1.4.1).
DISPOSITION_SYMBOLS = {
    "guilty": "diamond", "guilty_lesser": "diamond-open", "nolle_prosequi": "triangle-down", "stet": "star",
    "dismissed": "x", "acquitted": "circle-open", "pending": "hourglass",
}  # fmt: skip
GROUPS = (("gun", N_("Gun charges")), ("other", N_("Other charges")))
# The time chart counts cases, not charges: its series are named for cases.
CASE_GROUP_LABELS = {"gun": N_("Cases with a gun charge"), "other": N_("Other cases")}
# API paths of the Case outcomes page's numbers (the issue 14 contract).
OUTCOMES_CSV = {"cards": "/outcomes/summary", "mix": "/outcomes/mix", "time": "/outcomes/time"}
LOOKUP_CSV, LOOKUP_CSV_PARAMS = "/cases", ("case", "charge", "page")
GROUP_STYLE = {"gun": {"color": OKABE_ITO["blue"]},
               "other": {"color": OKABE_ITO["orange"], "pattern": {"shape": "/", "fgcolor": "#7a4f00", "solidity": 0.3, "fillmode": "overlay"}}}
COURTS = {"district": N_("District Court"), "circuit": N_("Circuit Court")}
SEVERITIES = {"felony": N_("Felony"), "misdemeanor": N_("Misdemeanor")}
STATUSES = (N_("Pending"), N_("Decided"))  # data_access.cases.search's status values

OUTCOME_DEFINITIONS = N_(
    "Cases are counted by filing date and the case's place; the offense filter does not apply. "
    "The disposition mix counts charges (a case with three charges counts three times); gun "
    "charges are firearm possession and use charges. A case is pending while any of its charges "
    "is. Time to disposition runs from the arrest date (the arrest linked by arrest number) to the "
    "last charge's disposition date, for decided cases with a linked arrest.")
# The court words a reader meets on these pages, explained (in both languages: the Spanish
# keeps the Latin term and says what it means).
GLOSSARY = (
    (N_("Nolle prosequi"), N_("the prosecutor drops the charge. It is not a finding of guilt or innocence.")),
    (N_("Stet"), N_("the charge is set aside: the case is put on hold and can be reopened, usually within a year.")),
    (N_("Guilty of a lesser charge"), N_("convicted of a less serious offense than the one charged.")),
    (N_("Probation before judgment (PBJ)"),
     N_("the judge places the person on probation without entering a conviction; a sentence, not a disposition.")),
)


# --- shared small helpers ----------------------------------------------------------------------

def pct_text(p: float | None, digits: int = 1) -> str:
    """A share (0-1) as a percentage in the reader's language: 12.3% / 12,3 %; None -> "—"."""
    if p is None:
        return "—"
    s = i18n.decimal(100 * p, digits)
    return f"{s}\u00a0%" if i18n.babel_locale() == "es" else f"{s}%"


def days_text(d: float | None) -> str:
    if d is None:
        return "—"
    n = int(round(d))
    return ngettext("{n} day", "{n} days", n).format(n=fmt_int(n))


def date_cell(d) -> html.Time | str:
    """A date as the reader writes it ("2 Mar 2025" / "2 mar 2025"), machine-readable too."""
    if d is None or (not isinstance(d, date) and pd.isna(d)):
        return "—"
    d = pd.Timestamp(d).date() if not isinstance(d, date) else d
    return html.Time(i18n.date_short(d), dateTime=d.isoformat())


def wrap_label(text: str, width: int = 18) -> str:
    """A long axis label over several lines (Plotly's <br>), so phones keep room for the bars."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def filled_chart(graph_id: str, table_id: str, name: str, fig: dict, table) -> html.Figure:
    """``layouts.common.chart`` for a chart built inside a callback's output: its figure and its
    table are given now, not filled later."""
    out = chart(graph_id, table_id, name, fig["layout"].get("height", 320))
    g, details = out.children
    g.figure = fig
    details.children[1].children = table
    return out


MODEBAR_ROOM = 30  # px: the chart's "Download plot" button sits in its top right corner, always shown


def clear_modebar(fig: dict) -> dict:
    """``fig`` with its top strip left to the mode bar's button, so no legend entry or bar label is
    drawn under it: a legend starts below the strip (placed in the figure's own pixels, the plot
    pushed down under it), a chart without one starts its plot below it."""
    layout = fig["layout"]
    height = layout.get("height", 320)
    if layout.get("showlegend"):
        layout["legend"] = {**layout.get("legend", {}), "yref": "container", "yanchor": "top",
                            "y": round(1 - MODEBAR_ROOM / height, 4)}
    else:
        layout["margin"] = {**layout.get("margin", {}), "t": max(layout.get("margin", {}).get("t", 0), MODEBAR_ROOM)}
    return fig


def figure_id(component, id_: str):
    """Give a ``chart(...)`` <figure> an id, so a callback can update its accessible name."""
    component.id = id_
    return component


# --- outcomes ---------------------------------------------------------------------------------

def weighted_quantile(values: list[float], weights: list[int], q: float) -> float | None:
    """The smallest value with at least share ``q`` of the weight at or below it."""
    pairs = sorted((v, w) for v, w in zip(values, weights) if w > 0)
    total = sum(w for _, w in pairs)
    if not total:
        return None
    acc = 0
    for v, w in pairs:
        acc += w
        if acc >= q * total:
            return float(v)
    return float(pairs[-1][0])


def outcome_summary(status: pd.DataFrame) -> dict[str, dict]:
    """Per group (all, gun, other): cases, pending, pending share, median and 75th-percentile days
    from arrest to disposition and how many decided cases that is measured on."""
    out = {}
    for key, mask in (("all", None), ("gun", True), ("other", False)):
        rows = status if mask is None or status.empty else status[status.gun == mask]
        cases = int(rows.n.sum()) if len(rows) else 0
        pending = int(rows[rows.pending.astype(bool)].n.sum()) if len(rows) else 0
        timed = rows[rows.days.notna()] if len(rows) else rows
        out[key] = {
            "cases": cases, "pending": pending, "pending_share": (pending / cases) if cases else None,
            "median_days": weighted_quantile(list(timed.days), list(timed.n), 0.5) if len(timed) else None,
            "p75_days": weighted_quantile(list(timed.days), list(timed.n), 0.75) if len(timed) else None,
            "timed": int(timed.n.sum()) if len(timed) else 0,
        }
    return out


def outcome_cards(summary: dict) -> Component:
    a, g = summary["all"], summary["gun"]
    items = [
        ("outcomes-cases", _("Cases filed"), fmt_int(a["cases"]),
         ngettext("{n} with a gun charge", "{n} with a gun charge", g["cases"]).format(n=fmt_int(g["cases"]))),
        ("outcomes-pending", _("Still pending"), pct_text(a["pending_share"], 0),
         ngettext("{n} case; gun cases {pct}", "{n} cases; gun cases {pct}", a["pending"])
         .format(n=fmt_int(a["pending"]), pct=pct_text(g["pending_share"], 0))),
        ("outcomes-days", _("Arrest to disposition (median)"), days_text(a["median_days"]),
         ngettext("gun cases {days}; measured on {n} decided case", "gun cases {days}; measured on {n} decided cases",
                  a["timed"]).format(days=days_text(g["median_days"]), n=fmt_int(a["timed"]))),
    ]
    return stat_cards(items)


def mix_rows(mix: pd.DataFrame) -> pd.DataFrame:
    """Charges per group and disposition with shares. Columns: group, disposition, n, share."""
    rows = []
    for key, _label in GROUPS:
        part = mix[mix.gun == (key == "gun")] if len(mix) else mix
        total = int(part.n.sum()) if len(part) else 0
        for d in DISPOSITIONS.codes:
            n = int(part[part.disposition == d].n.sum()) if len(part) else 0
            rows.append((key, d, n, n / total if total else 0.0))
    return pd.DataFrame(rows, columns=["group", "disposition", "n", "share"])


def mix_figure(mix: pd.DataFrame) -> dict:
    """One row per disposition, its name beside the bars (no legend to decode); a bar for gun
    charges and a patterned one for the rest, each with its share written at its end."""
    rows = mix_rows(mix)
    if rows.n.sum() == 0:
        return empty_figure(_("No cases filed for these filters"), height=420)
    names = [wrap_label(_(DISPOSITIONS.label(d))) for d in DISPOSITIONS.codes]
    data = []
    for key, label in GROUPS:
        part = rows[rows.group == key].set_index("disposition").reindex(list(DISPOSITIONS.codes))
        data.append({"type": "bar", "orientation": "h", "name": _(label), "y": names,
                     "x": [round(100 * s, 2) for s in part.share], "marker": GROUP_STYLE[key],
                     "customdata": [ngettext("{n} charge", "{n} charges", int(n)).format(n=fmt_int(n)) for n in part.n],
                     "text": [pct_text(s) for s in part.share], "textposition": "outside", "cliponaxis": False,
                     "hovertemplate": "%{y}: %{text} (%{customdata})" + f"<extra>{_(label)}</extra>"})
    top = max(100 * rows.share.max(), 1)
    return clear_modebar(style_figure(figure(data, {"barmode": "group", "bargap": 0.25,
                                      "xaxis": {"ticksuffix": "%", "range": [0, min(100, top * 1.3) + 2],
                                                "title": {"text": wrap_label(_("Share of the group's charges"), 20)}},
                                      "yaxis": {"autorange": "reversed"}, "margin": {"l": 8, "r": 12}}),
                        height=420, legend=True))


def mix_table(mix: pd.DataFrame) -> html.Div:
    rows = mix_rows(mix)
    if rows.n.sum() == 0:
        return html.P(_("No cases filed for these filters"))
    by = rows.set_index(["group", "disposition"])
    body = []
    for d in DISPOSITIONS.codes:
        cells = [_(DISPOSITIONS.label(d))]
        for key, _label in GROUPS:
            cells += [fmt_int(by.n[(key, d)]), pct_text(by.share[(key, d)])]
        body.append(cells)
    g, o = (_(label) for _k, label in GROUPS)
    cols = [_("Disposition"), _("{group}: charges").format(group=g), _("{group}: share").format(group=g),
            _("{group}: charges").format(group=o), _("{group}: share").format(group=o)]
    return data_table(cols, body, _("What happened to the charges, by disposition"), numeric=(1, 2, 3, 4))


def time_bins(status: pd.DataFrame) -> list[dict]:
    """Per group: bin labels, counts and shares of decided cases by 30-day step (540+ last)."""
    timed = status[status.days.notna()] if len(status) else status
    out = []
    if timed.empty:
        return out
    for key, label in GROUPS:
        part = timed[timed.gun == (key == "gun")]
        if part.empty:
            continue
        bins = (part.days // 30).astype(int).clip(upper=18)
        counts = part.groupby(bins).n.sum().reindex(range(19), fill_value=0)
        total = int(counts.sum())
        out.append({"key": key, "label": label, "bins": [f"{30 * b}–{30 * b + 29}" if b < 18 else "540+" for b in counts.index],
                    "counts": [int(c) for c in counts], "shares": [c / total for c in counts]})
    return out


def time_figure(status: pd.DataFrame) -> dict:
    """Decided cases by 30-day step, cases with a gun charge beside the rest (a legend names each;
    the second is patterned too)."""
    groups = time_bins(status)
    if not groups:
        return empty_figure(_("No decided cases with a linked arrest for these filters"))
    data = []
    for g in groups:
        label = _(CASE_GROUP_LABELS[g["key"]])
        data.append({"type": "bar", "name": label, "x": g["bins"], "y": [round(100 * s, 2) for s in g["shares"]],
                     "customdata": [ngettext("{n} case", "{n} cases", c).format(n=fmt_int(c)) for c in g["counts"]],
                     "marker": GROUP_STYLE[g["key"]],
                     "hovertemplate": _("%{x} days: %{y:.1f}% (%{customdata})") + f"<extra>{label}</extra>"})
    return clear_modebar(style_figure(figure(data, {"barmode": "group", "xaxis": {"title": {"text": wrap_label(_("Days from arrest to disposition"), 20)},
                                                                    "type": "category"},
                                      "yaxis": {"ticksuffix": "%", "title": {"text": _("Share of decided cases")}}}),
                        height=320, legend=True))


def time_table(status: pd.DataFrame) -> html.Div:
    groups = time_bins(status)
    if not groups:
        return html.P(_("No decided cases with a linked arrest for these filters"))
    cols = [_("Days from arrest to disposition")]
    for g in groups:
        label = _(CASE_GROUP_LABELS[g["key"]])
        cols += [_("{group}: cases").format(group=label), _("{group}: share").format(group=label)]
    body = []
    for i, b in enumerate(groups[0]["bins"]):
        cells = [b]
        for g in groups:
            cells += [fmt_int(g["counts"][i]), pct_text(g["shares"][i])]
        body.append(cells)
    return data_table(cols, body, _("Decided cases by days from arrest to disposition"),
                      numeric=tuple(range(1, len(cols))))


def outcomes_names(where: str) -> dict[str, str]:
    """The charts' accessible names for the filters in words (``where``: span and area)."""
    return {"mix": _("Bar chart: share of gun charges and of other charges by disposition, {where}").format(where=where),
            "time": _("Bar chart: decided cases by days from arrest to disposition, gun cases and other cases, "
                      "{where}").format(where=where)}


def glossary() -> html.Dl:
    return html.Dl([x for term, meaning in GLOSSARY for x in (html.Dt(_(term)), html.Dd(_(meaning)))],
                   className="glossary")


def outcomes_page() -> html.Div:
    names = outcomes_names(_("the chosen filters"))
    return html.Div([
        html.Div(id=ids.OUTCOMES_ERROR),
        dcc.Loading(html.Div(id=ids.OUTCOMES_CARDS, className="cards-holder"), type="dot"),
        html.P(csv_link(OUTCOMES_CSV["cards"], _("Cases filed, still pending, arrest to disposition")),
               className="cards-csv"),
        html.P(_(OUTCOME_DEFINITIONS), className="section-note"),
        section(_("Court terms"), glossary()),
        section(
            _("What happened to the charges"),
            figure_id(chart(ids.OUTCOMES_MIX, OUTCOMES_MIX_TABLE, names["mix"], 420), OUTCOMES_MIX_FIGURE),
            _("Share of charges by disposition, gun charges apart from the rest."), csv=OUTCOMES_CSV["mix"]),
        section(_("Time from arrest to disposition"),
                figure_id(chart(ids.OUTCOMES_TIME, OUTCOMES_TIME_TABLE, names["time"], 320), OUTCOMES_TIME_FIGURE),
                _("Decided cases, in 30-day steps. Cases still pending are not counted: among recent filings only "
                  "the quickest are decided yet, so a recent span leans towards short times."),
                csv=OUTCOMES_CSV["time"]),
        html.P([dcc.Link(_("Look up individual cases →"), href="/lookup")], className="caption"),
    ])


# --- lookup -----------------------------------------------------------------------------------

def lookup_href(filter_query: str, *, case: str | None = None, charge: str | None = None,
                page: int = 1, open_case: str | None = None) -> str:
    """The Case lookup address for a search (the URL is the state: see the README)."""
    params = [(k, v) for k, v in (("case", case), ("charge", charge)) if v]
    if page and page > 1:
        params.append(("page", str(page)))
    if open_case:
        params.append(("open", open_case))
    base = filter_query.lstrip("?") if isinstance(filter_query, str) else ""
    extra = urlencode(params)
    return "/lookup?" + "&".join(p for p in (base, extra) if p)


def charges_cut_note(shown: int) -> html.P:
    """Says the charge picker does not hold every charge, and how to reach the others."""
    return html.P(ngettext("The charge list shows the first {n} charge description in alphabetical order; "
                           "charges later in the alphabet are not in it. To find a case with one of those, "
                           "search by its case number.",
                           "The charge list shows the first {n} charge descriptions in alphabetical order; "
                           "charges later in the alphabet are not in it. To find a case with one of those, "
                           "search by its case number.", shown).format(n=fmt_int(shown)),
                  className="note charges-cut-note")


def lookup_form(charges: Sequence[str], truncated: bool = False) -> html.Div:
    return html.Div([
        html.Div([html.Label(_("Case number (exact)"), htmlFor=ids.LOOKUP_CASE, className="form-label"),
                  dcc.Input(id=ids.LOOKUP_CASE, type="text", placeholder=_("e.g. 826000123"), debounce=True,
                            className="form-control", autoComplete="off", maxLength=40)], className="filter"),
        html.Div([html.Label(_("Charge"), htmlFor=ids.LOOKUP_CHARGE, className="form-label"),
                  dcc.Dropdown(id=ids.LOOKUP_CHARGE, options=[{"label": c.title(), "value": c} for c in charges],
                               placeholder=_("Any charge"), searchable=True),
                  charges_cut_note(len(charges)) if truncated else None], className="filter lookup-charge"),
        html.Div([dbc.Button(_("Search"), id=ids.LOOKUP_SEARCH, color="primary", className="me-2"),
                  dbc.Button(_("Clear"), id=ids.LOOKUP_CLEAR, color="secondary", outline=True)],
                 className="filter filter-clear"),
    ], className="filter-bar lookup-form")


def court_text(court: str | None) -> str:
    return _(COURTS[court]) if court in COURTS else (court or "—").capitalize()


def results_table(page: SearchPage, filter_query: str, case: str | None, charge: str | None) -> html.Div:
    if page.rows.empty:
        return html.P(_("No cases match this search.") if page.page == 1 else _("No more cases."), className="no-results")
    header = [_("Case number"), _("Filed"), _("Court"), _("Area"), _("Charges"), _("First charge"), _("Status")]
    body = []
    for r in page.rows.itertuples(index=False):
        href = lookup_href(filter_query, case=case, charge=charge, page=page.page, open_case=r.case_number)
        area = r.neighborhood or r.police_district or "—"
        body.append(html.Tr([
            html.Th(dcc.Link(r.case_number, href=href, className="case-link"), scope="row"),
            html.Td(date_cell(r.filed_date)), html.Td(court_text(r.court)), html.Td(area),
            html.Td([fmt_int(int(r.charges)),
                     html.Span(_("gun"), className="badge bg-secondary ms-1", title=_("At least one gun charge"))
                     if r.gun else None], className="num"),
            html.Td(charge_text(r.first_charge)),
            html.Td(_(r.status)),
        ], className="result-row"))
    first = (page.page - 1) * PAGE_SIZE + 1
    last = first + len(page.rows) - 1
    total = f"{fmt_int(page.total)}+" if page.total_capped else fmt_int(page.total)
    info = _("Cases {first}–{last} of {total}").format(first=fmt_int(first), last=fmt_int(last), total=total)

    def pager(top: bool) -> html.Nav:
        # Two copies (above and under the table): ids only on the first, a name of its own each.
        own = (lambda base: {"id": base}) if top else (lambda base: {})
        return html.Nav([
            dcc.Link(_("← Previous"), href=lookup_href(filter_query, case=case, charge=charge, page=page.page - 1),
                     className="btn btn-outline-secondary btn-sm", **own("lookup-prev")) if page.page > 1 else None,
            html.Span(info, className="lookup-page-info", **own("lookup-page-info")),
            dcc.Link(_("Next →"), href=lookup_href(filter_query, case=case, charge=charge, page=page.page + 1),
                     className="btn btn-outline-secondary btn-sm", **own("lookup-next")) if page.has_next else None,
        ], className="lookup-pager",
            **{"aria-label": _("Pages of results, above the table") if top else _("Pages of results, under the table")})

    table = html.Table([html.Caption(info, className="visually-hidden"),
                        html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i == 4 else None)
                                            for i, h in enumerate(header)])),
                        html.Tbody(body)], className="table table-sm table-hover results-table")
    return html.Div([pager(True), scroll_region(table, _("Matching cases (table)")), pager(False)])


def charge_text(description: str | None):
    """A charge as the court wrote it: data, in English on a Spanish page too, so it is marked
    as English (WCAG 3.1.2, language of parts; a browser's translator leaves it alone)."""
    return html.Span(description.title(), lang="en") if description else "—"


def _charge_label(r) -> str:
    """A charge's row on the timeline: "Charge 1" (short, for phones; its description is in the
    hover text and in the charges table, by the same number)."""
    return _("Charge {n}").format(n=r.seq)


def timeline_events(detail: dict) -> list[tuple[str, date | None, str, str]]:
    """(row label, date, event kind shown, disposition code or "arrest"/"filed") in the order drawn.
    A charge with no disposition date (pending) has date None."""
    events = []
    if detail.get("arrest_date"):
        events.append((_("Arrest"), detail["arrest_date"], _("Arrest"), "arrest"))
    events.append((_("Case filed"), detail["filed_date"], _("Filed"), "filed"))
    for r in detail["charges"].itertuples(index=False):
        dated = r.disposition_date is not None and pd.notna(r.disposition_date)
        code = r.disposition if dated or r.disposition else "pending"
        events.append((_charge_label(r), r.disposition_date if dated else None, _(DISPOSITIONS.label(code)), code))
    return events


def timeline_figure(detail: dict) -> dict:
    """Arrest, filing and each charge's disposition on one time axis."""
    charges = detail["charges"]
    rows_y = [_charge_label(r) for r in charges.itertuples(index=False)]
    descriptions = {label: f"{label}: {(r.description or r.statute or '').title()}"
                    for r, label in zip(charges.itertuples(index=False), rows_y)}
    events = timeline_events(detail)
    y_order = ([_("Arrest")] if detail.get("arrest_date") else []) + [_("Case filed")] + rows_y
    data = []
    # A line from filing to each charge's disposition (open-ended when pending).
    for r, label in zip(charges.itertuples(index=False), rows_y):
        end = r.disposition_date if r.disposition_date is not None and pd.notna(r.disposition_date) else None
        if end is not None:
            data.append({"type": "scatter", "mode": "lines", "x": [detail["filed_date"].isoformat(), end.isoformat()],
                         "y": [label, label], "line": {"color": "#c9d3df", "width": 3}, "hoverinfo": "skip",
                         "showlegend": False})
    symbols = {"arrest": "circle", "filed": "square", **DISPOSITION_SYMBOLS}
    colors = {"arrest": "#495057", "filed": "#495057", **DISPOSITION_COLORS}
    dates = [e[1] for e in events if e[1] is not None]
    lo, hi = min(dates), max(dates)
    for kind in dict.fromkeys(e[2] for e in events):
        ev = [e for e in events if e[2] == kind]
        code = ev[0][3]
        undated = ev[0][1] is None  # still pending: drawn at the latest date, as "not decided by then"
        data.append({"type": "scatter", "mode": "markers", "name": kind,
                     "x": [(e[1] or hi).isoformat() for e in ev], "y": [e[0] for e in ev],
                     "customdata": [descriptions.get(e[0], e[0]) for e in ev],
                     "marker": {"size": 13, "color": colors.get(code, "#495057"), "symbol": symbols.get(code, "circle"),
                                "line": {"width": 2, "color": colors.get(code, "#495057")}},
                     "hovertemplate": (f"{kind}: " + _("no disposition yet") if undated
                                       else f"{kind}: %{{x|%-d %b %Y}}") + "<extra>%{customdata}</extra>"})
    pad = max(7, (hi - lo).days // 12)
    return style_figure(figure(data, {"yaxis": {"categoryorder": "array", "categoryarray": list(reversed(y_order)),
                                                "type": "category"},
                                      "xaxis": {"type": "date", "nticks": 3, "tickformat": "%-d %b<br>%Y", "tickangle": 0,
                                                "range": [(lo - timedelta(days=pad)).isoformat(),
                                                          (hi + timedelta(days=pad)).isoformat()]},
                                      "margin": {"l": 8, "r": 8, "t": 16, "b": 48}}),
                        height=190 + 34 * len(y_order), legend=True)


def timeline_table(detail: dict) -> html.Div:
    rows = [[label, kind, date_cell(when)] for label, when, kind, _code in timeline_events(detail)]
    return data_table([_("Charge or step"), _("Event"), _("Date")], rows,
                      _("Case {number}: timeline").format(number=detail["case_number"]))


def case_detail_view(detail: dict | None, number: str, back_href: str) -> html.Div:
    if detail is None:
        return dbc.Alert(_("There is no case numbered “{number}”.").format(number=number), color="warning",
                         id="case-missing")
    from data_access.vocabulary import sentence_text

    charges = detail["charges"]
    pending = any(charges.disposition == "pending") if len(charges) else False
    facts = [(_("Case number"), detail["case_number"]), (_("Court"), court_text(detail["court"])),
             (_("Filed"), date_cell(detail["filed_date"])),
             (_("Arrest"), date_cell(detail["arrest_date"]) if detail.get("arrest_date") else _("No linked arrest")),
             (_("Area"), detail.get("neighborhood") or detail.get("police_district") or "—"),
             (_("Status"), _("Pending") if pending else _("Decided"))]
    rows = []
    for r in charges.itertuples(index=False):
        when = date_cell(r.disposition_date) if r.disposition_date is not None and pd.notna(r.disposition_date) else "—"
        rows.append(html.Tr([html.Th(str(r.seq), scope="row"), html.Td(r.statute or "—"),
                             html.Td(charge_text(r.description)),
                             html.Td(_(SEVERITIES[r.severity]) if r.severity in SEVERITIES else (r.severity or "—").capitalize()),
                             html.Td(_("Yes") if r.is_gun_charge else ""),
                             html.Td(_(DISPOSITIONS.label(r.disposition))), html.Td(when),
                             html.Td(sentence_text(r.sentence_summary if isinstance(r.sentence_summary, str) else None, _, ngettext,
                                                   i18n.number))]))
    head = ("#", _("Statute"), _("Charge"), _("Severity"), _("Gun"), _("Disposition"), _("Date"), _("Sentence"))
    timeline_name = ngettext("Timeline of case {number}: arrest, filing and the disposition of its {n} charge",
                             "Timeline of case {number}: arrest, filing and the dispositions of its {n} charges",
                             len(charges)).format(number=detail["case_number"], n=fmt_int(len(charges)))
    return html.Div([
        html.Div([html.H2(_("Case {number}").format(number=detail["case_number"]), className="h5 d-inline me-3",
                          id=CASE_HEADING, tabIndex="-1"),
                  dcc.Link(_("Close"), href=back_href, className="btn btn-sm btn-outline-secondary", id="case-close")],
                 className="case-head"),
        html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="case-facts"),
        filled_chart(CASE_TIMELINE, CASE_TIMELINE_TABLE, timeline_name, timeline_figure(detail), timeline_table(detail)),
        scroll_region(html.Table([html.Caption(_("Charges in case {number}").format(number=detail["case_number"])),
                                  html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                                  html.Tbody(rows)], className="table table-sm charges-detail"),
                      _("Charges in this case (table)")),
        html.Details([html.Summary(_("What the court terms mean"), className="chart-table-toggle"), glossary()],
                     className="chart-details case-glossary"),
        html.P(_("Public court-record facts only: no names or other details of the people involved are stored or shown."),
               className="section-note"),
    ], className="case-detail", id="case-detail", **{"data-case": detail["case_number"]})


def lookup_page(charges: ChargeOptions | Sequence[str], truncated: bool = False) -> html.Div:
    """The Case lookup page. ``charges``: ``charge_options``' result (its ``truncated`` shows the
    note under the picker), or a plain list with ``truncated`` given."""
    if isinstance(charges, ChargeOptions):
        charges, truncated = charges.options, charges.truncated
    return html.Div([
        lookup_form(charges, truncated),
        html.P(_("Search by exact case number (other filters are then ignored), or by charge within the date "
                 "range (filing date) and areas chosen above. Results come 25 at a time, newest filing first."),
               className="section-note"),
        html.Div(id=ids.LOOKUP_ERROR),
        html.Div(id=ids.LOOKUP_DETAIL, className="panel", style={}),
        # the results' page as CSV: the same search (case, charge, page) and filters, offense aside
        section(_("Cases"), dcc.Loading(html.Div(id=ids.LOOKUP_RESULTS), type="dot"),
                csv=LOOKUP_CSV, csv_params=LOOKUP_CSV_PARAMS),
    ])


__all__ = ["outcomes_page", "lookup_page", "outcome_summary", "mix_rows", "mix_figure", "mix_table", "time_figure",
           "time_table", "timeline_figure", "timeline_table", "case_detail_view", "results_table", "lookup_href",
           "weighted_quantile", "pct_text", "date_cell", "filled_chart", "figure_id", "wrap_label", "OKABE_ITO",
           "graph_config", "time_bins", "OUTCOMES_CSV", "clear_modebar"]
