"""The Plan KPIs page: every measure of the Comprehensive Violence Prevention Plan as one row.

Pure builders. ``tracker_rows`` turns what ``callbacks.plan.plan_data`` read (the Summary's goal rows,
yearly counts, MONSE's values) into one row per measure of ``data_access.plan_measures``, the rows the
page, its table and ``/api/v1/plan/kpis`` all show; ``plan_body`` draws them grouped by pillar and
result: a table per result (caption, ``scope`` headers) that becomes one card per measure on a
phone (``assets/plan.css``). The trend is the last values in words, beside a small bar strip that
is decoration only (``aria-hidden``). Nothing here is invented: a measure with no data says whether
its data is not loaded or not yet published, and who owes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from dash import html

from app import ids
from app.chance import TOO_FEW, UNUSUAL, judge
from app.i18n import N_, _
from data_access import plan_measures as P
from data_access.filters import Filters
from layouts.common import describe_filters, fmt_dec, fmt_int, geo_phrases, scroll_region, section

ABOUT_METHODOLOGY: tuple[tuple[str, str], ...] = (
    (N_("Plan KPIs"), N_(
        "The Plan KPIs page lists every measure the Comprehensive Violence Prevention Plan (MONSE, 2021) names "
        "under “How We Will Measure Progress and Success”, grouped by the Plan's three pillars. The wording of "
        "the measures and results is paraphrased from the Plan, not quoted. Five measures are computed by the "
        "dashboard from the records it holds: gun violence against the Plan's path (as on the Summary), arrests "
        "of people under 18 (as on the Demographics page), rapes per 100,000 residents (victims over the "
        "residents the Map's rates use), the share of domestic-violence incidents in Part 1 crime (from the "
        "intimate-partner-violence data) and 911 calls answered without police (from the calls for service). "
        "They count whole calendar years, the current one to date, under the geography filters. The other "
        "measures come from a CSV that MONSE maintains (`psad ingest kpi FILE`); they are citywide, and a "
        "measure with no value says “not yet published” and who owes it. Only the gun-violence goal has a "
        "target in the Plan; a year is above or below its path only when the difference is more than normal "
        "variation.")),
)
LOAD_DATASETS: dict[str, str] = {"kpi": N_("Plan KPIs (MONSE's values)")}

TREND_SHOWN = 4  # the last values written in the trend column
SPARK_SHOWN = 8  # bars in the decorative strip
YEARS_BACK = 4  # computed measures show at least the five years up to the range's end
IPV_MIN = 11  # the IPV page's rule: a count under 11 is withheld (and so is the share made from it)

# row status codes (the API's ``status``)
OK, NOT_LOADED, NOT_PUBLISHED, NOT_BUILT = "ok", "not_loaded", "not_published", "not_built"

UNIT_WORDS = {P.COUNT: N_("count"), P.PERCENT: N_("percent"), P.RATE: N_("per 100,000 residents"),
              P.DOLLARS: N_("dollars")}
NO_TARGET = N_("No target stated in the Plan")
WITHHELD_IPV = N_("withheld (fewer than 11)")
CITYWIDE = N_("Citywide (MONSE's figures)")


@dataclass
class PlanData:
    """What the page reads, gathered by ``callbacks.plan.plan_data``. A frame is None when the
    function behind it does not exist yet (another engineer's), empty when nothing is loaded."""

    through: date  # the data's date
    first_year: int  # the first year of records
    goal: pd.DataFrame  # layouts.summary.goal_rows
    youth: pd.DataFrame  # year, n (None when withheld), label, reason: data_access.kpi.youth_arrests
    rapes: pd.DataFrame  # year, n
    population: int | None
    dv: pd.DataFrame | None  # year, dv_incidents, part1_incidents
    calls: pd.DataFrame | None  # year, calls, without_police
    monse: pd.DataFrame  # data_access.kpi.monse_values
    arrests_loaded: bool = True
    victims_loaded: bool = True


def years_shown(f: Filters, first_year: int, through: date) -> list[int]:
    """The calendar years a computed measure shows: those the date range touches, and at least the
    five up to its end, never before the records begin nor after the data's date."""
    last = min(f.end.year, through.year)
    first = max(min(f.start.year, last - YEARS_BACK), first_year)
    return list(range(first, last + 1))


def is_partial(year: int, through: date) -> bool:
    return year == through.year and through != date(year, 12, 31)


def period_label(period: str, partial: bool = False) -> str:
    return _("{year} (to date)").format(year=period) if partial else period


def format_value(value: float | None, unit: str, label: str | None = None) -> str:
    """A value in the reader's language: 1,234 / 12.5% / 12.5 (per 100,000) / $1,234; ``label``
    (a withheld count's "<5") when given."""
    if label:
        return _(label)  # "<5", "withheld", "withheld (fewer than 11)"
    if value is None or pd.isna(value):
        return "—"
    if unit == P.PERCENT:
        return _("{value}%").format(value=fmt_dec(value, 1))
    if unit == P.RATE:
        return fmt_dec(value, 1)
    if unit == P.DOLLARS:
        return _("${value}").format(value=fmt_int(round(value)))
    return fmt_int(round(value)) if float(value).is_integer() else fmt_dec(value, 1)


def _row(m: P.Measure, f: Filters) -> dict:
    geo_applies = m.geo and any(geo_phrases(f))
    return {"pillar": P.RESULT_BY_CODE[m.result].pillar, "result": m.result, "code": m.code, "measure": m.text,
            "wording": m.wording, "agency": m.agency, "owner": m.owner, "method": m.method, "unit": m.unit,
            "geography": "filtered" if geo_applies else "citywide", "target": m.target,
            "status": OK, "period": None, "period_end": None, "value": None, "value_label": None,
            "source": None, "standing": None, "verdict": None, "change": None, "trend": []}


def _yearly(row: dict, years: list[int], values: dict, through: date, source: str, *,
            labels: dict | None = None, counts: dict | None = None) -> dict:
    """Fill a computed row from {year: value}: the latest year shown, its trend, and (``counts``)
    the latest complete year against the one before, judged against chance."""
    shown = [y for y in years if y in values]
    if not shown:
        row["status"] = NOT_LOADED
        return row
    trend = [(period_label(str(y), is_partial(y, through)), values[y], (labels or {}).get(y)) for y in shown]
    last = shown[-1]
    row.update(period=period_label(str(last), is_partial(last, through)),
               period_end=min(date(last, 12, 31), through), value=values[last],
               value_label=(labels or {}).get(last), source=source, trend=trend)
    complete = [y for y in shown if not is_partial(y, through)]
    if (counts is not None and len(complete) >= 2 and complete[-2] == complete[-1] - 1
            and complete[-1] in counts and complete[-2] in counts):
        a, b = complete[-1], complete[-2]
        j = judge(int(counts.get(a, 0)), int(counts.get(b, 0)))
        row["change"] = (a, b, j.verdict, int(counts.get(a, 0)) - int(counts.get(b, 0)))
    return row


def tracker_rows(data: PlanData, f: Filters) -> list[dict]:
    """One row per measure of the catalog, in its order (see the module docstring)."""
    years = years_shown(f, data.first_year, data.through)
    monse = _by_measure(data.monse)
    rows = []
    for m in P.MEASURES:
        row = _row(m, f)
        if m.code == P.GUN_VIOLENCE:
            g = data.goal[data.goal.year <= years[-1]] if len(data.goal) and years else data.goal.iloc[0:0]
            if not data.victims_loaded or g.empty:
                row["status"] = NOT_LOADED
            else:
                last = g.iloc[-1]
                trend = [(period_label(str(int(r.year)), bool(r.partial)), int(r.actual), None)
                         for r in g.itertuples(index=False)]
                row.update(period=period_label(str(int(last.year)), bool(last.partial)),
                           period_end=min(date(int(last.year), 12, 31), data.through), value=int(last.actual),
                           source=N_("BPD Part 1 crime (the Summary's goal chart)"), standing=last.standing,
                           verdict=last.verdict, target_value=float(last.target), trend=trend)
        elif m.code == P.YOUTH_ARRESTS:
            # the Demographics page's cell, withheld as it withholds it
            youth = data.youth if data.arrests_loaded else data.youth.iloc[0:0]
            values = {int(y): (None if pd.isna(n) else int(n)) for y, n in zip(youth.year, youth.n)}
            labels = {int(y): lab for y, lab in zip(youth.year, youth.label) if isinstance(lab, str)}
            counts = {y: n for y, n in values.items() if n is not None}
            _yearly(row, years, values, data.through, N_("BPD arrests (as on the Demographics page)"),
                    labels=labels, counts=counts)
        elif m.code == P.RAPE_RATE:
            counts = dict(zip(data.rapes.year.tolist(), data.rapes.n.tolist())) if data.victims_loaded else {}
            if counts:
                counts = {y: counts.get(y, 0) for y in years if y >= min(counts)}
            if counts and not data.population:
                row["status"] = NOT_LOADED
                row["owner"] = N_("the city's population table (psad ingest population)")
            else:
                values = {y: n / data.population * 100_000 for y, n in counts.items()} if counts else {}
                _yearly(row, years, values, data.through, N_("BPD Part 1 crime; residents as on the Map"),
                        counts=counts)
        elif m.code == P.DV_SHARE:
            if data.dv is None:
                row["status"] = NOT_BUILT
            else:
                values, labels = {}, {}
                for y, dv, part1 in data.dv[["year", "dv_incidents", "part1_incidents"]].itertuples(index=False, name=None):
                    if pd.isna(dv) or 0 < dv < IPV_MIN:  # withheld by the IPV data's own rule, or here
                        values[int(y)], labels[int(y)] = None, WITHHELD_IPV
                    elif not pd.isna(part1) and part1:
                        values[int(y)] = 100.0 * int(dv) / int(part1)
                _yearly(row, years, values, data.through, N_("BPD intimate-partner-violence data"), labels=labels)
        elif m.code == P.CALLS_WITHOUT_POLICE:
            if data.calls is None:
                row["status"] = NOT_BUILT
            else:
                values = {int(y): 100.0 * int(w) / int(c) for y, c, w in
                          data.calls[["year", "calls", "without_police"]].itertuples(index=False, name=None)
                          if not pd.isna(c) and not pd.isna(w) and c}
                _yearly(row, years, values, data.through, N_("911 calls for service (Open Baltimore)"))
        else:
            _monse(row, monse.get(m.code, []), f)
        rows.append(row)
    return rows


def _day(value) -> date:
    return pd.Timestamp(value).date()


def _by_measure(monse: pd.DataFrame) -> dict[str, list[dict]]:
    """MONSE's values (``data_access.kpi.monse_values``) per measure, as plain records in their order:
    a few dozen rows, read in Python rather than filtered and sorted as a frame per measure."""
    out: dict[str, list[dict]] = {}
    for r in monse.to_dict("records") if len(monse) else ():
        out.setdefault(r["measure"], []).append(r)
    return out


def _monse(row: dict, mine: list[dict], f: Filters) -> None:
    """A MONSE measure (``mine``: its values): its periods that began by the range's end; the
    latest, and the trend."""
    mine = sorted((r for r in mine if _day(r["period_start"]) <= f.end),
                  key=lambda r: (_day(r["period_end"]), _day(r["period_start"])))
    if not mine:
        row["status"] = NOT_PUBLISHED
        return
    last = mine[-1]
    source = last["source"]
    row.update(period=str(last["period"]), period_end=_day(last["period_end"]), value=float(last["value"]),
               source=source if isinstance(source, str) and source else N_("MONSE"), origin=last["origin"],
               trend=[(str(r["period"]), float(r["value"]), None) for r in mine])


# --- words -----------------------------------------------------------------------------------------

def status_text(row: dict) -> str:
    """Against the Plan's target (gun violence: the Summary's words), else that none is stated;
    for a count, the latest complete year against the one before, judged against chance."""
    if row["status"] != OK:
        return ""
    if row["standing"] is not None:
        from layouts.summary import _standing_words

        return _standing_words(row["standing"], row["verdict"])
    text = _(NO_TARGET)
    if row["value"] is None and row["value_label"]:
        why = (_("Withheld as on the Intimate-partner violence page: fewer than 11 incidents.")
               if row["code"] == P.DV_SHARE else
               _("Withheld as on the Demographics page, so that no group of 1–4 people can be worked out."))
        text = f"{text}. {why}"
    change = row.get("change")
    if change:
        a, b, verdict, diff = change
        if verdict == UNUSUAL:
            words = (_("Fewer in {year} than in {prior}: more than normal variation.") if diff < 0 else
                     _("More in {year} than in {prior}: more than normal variation."))
        elif verdict == TOO_FEW:
            words = _("{year} against {prior}: too few to tell.")
        else:
            words = _("{year} against {prior}: within normal variation.")
        text = f"{text}. {words.format(year=a, prior=b)}"
    return text


def missing_text(row: dict) -> str:
    if row["status"] == NOT_PUBLISHED:
        return _("Not yet published. Owed by {owner}.").format(owner=_(row["owner"]))
    if row["status"] == NOT_BUILT:
        return _("No data loaded: this dataset is not in the dashboard yet. Owed by {owner}.").format(
            owner=_(row["owner"]))
    return _("No data loaded for this measure. Owed by {owner}.").format(owner=_(row["owner"]))


def value_text(row: dict) -> str:
    if row["status"] != OK:
        return "—"
    return format_value(row["value"], row["unit"], row["value_label"])


def trend_text(row: dict) -> str:
    """The last values in words: "2023: 480 · 2024: 450 · 2025 (to date): 310"."""
    return " · ".join(f"{p}: {format_value(v, row['unit'], lab)}" for p, v, lab in row["trend"][-TREND_SHOWN:])


def api_trend(row: dict) -> str:
    """The whole trend for the API: "2023=480; 2024=450" (withheld values as their label)."""
    def one(v, lab):
        if lab:
            return lab
        return "" if v is None else (str(int(v)) if float(v).is_integer() else f"{v:.4f}".rstrip("0"))
    return "; ".join(f"{p}={one(v, lab)}" for p, v, lab in row["trend"])


def spark(row: dict) -> html.Span | None:
    """A strip of small bars for the last values: decoration (the text beside it says the numbers)."""
    vals = [v for _p, v, _lab in row["trend"][-SPARK_SHOWN:] if v is not None]
    if len(vals) < 2:
        return None
    top = max(vals) or 1
    bars = [html.Span(className="kpi-bar", style={"height": f"{max(8, round(100 * v / top))}%"}) for v in vals]
    return html.Span(bars, className="kpi-spark", **{"aria-hidden": "true"})


# --- components ------------------------------------------------------------------------------------

COLUMNS = (N_("Measure"), N_("Responsible agency"), N_("Latest value"), N_("Period"), N_("Source"), N_("Trend"),
           N_("Status"))


def _cell(label: str, children, cls: str | None = None) -> html.Td:
    return html.Td(children, className=cls, **{"data-label": _(label)})


def measure_row(row: dict) -> html.Tr:
    wording = _("paraphrased") if row["wording"] == P.PARAPHRASED else _("quoted")
    measure = html.Th([html.Span(_(row["measure"]), className="kpi-measure"),
                       html.Span(f" ({wording})", className="kpi-wording")], scope="row")
    where = _("Filtered area") if row["geography"] == "filtered" else (
        _(CITYWIDE) if row["method"] == P.MONSE else _("Citywide"))
    if row["status"] != OK:
        missing = html.Span(missing_text(row), className="kpi-missing")
        return html.Tr([measure, _cell(COLUMNS[1], _(row["agency"])),
                        _cell(COLUMNS[2], "—", "num"), _cell(COLUMNS[3], "—"), _cell(COLUMNS[4], missing),
                        _cell(COLUMNS[5], "—"), _cell(COLUMNS[6], _(row["target"]) if row["target"] else _(NO_TARGET))],
                       className="kpi-row kpi-row-missing")
    demo = row.get("origin") == "demo"
    # computed sources are ours (marked); MONSE's is its own text, but the demo's is ours too
    source = [_(row["source"]) if row["method"] == P.COMPUTED or demo else row["source"]]
    if demo:
        source.append(html.Span(" " + _("(demo value)"), className="kpi-demo"))
    latest = [html.Span(value_text(row), className="kpi-value")]
    if row["unit"] == P.RATE and row["value"] is not None:  # "%" and "$" say their unit themselves
        latest.append(html.Span(" " + _(UNIT_WORDS[row["unit"]]), className="kpi-unit"))
    trend = [spark(row), html.Span(trend_text(row), className="kpi-trend-text")]
    status = [html.Span(status_text(row))]
    if row["target"]:
        status.insert(0, html.Span(_("Target: {target}.").format(target=_(row["target"])) + " ", className="kpi-target"))
    return html.Tr([measure, _cell(COLUMNS[1], _(row["agency"])), _cell(COLUMNS[2], latest, "num"),
                    _cell(COLUMNS[3], [row["period"], html.Br(), html.Span(where, className="kpi-where")]),
                    _cell(COLUMNS[4], source), _cell(COLUMNS[5], [t for t in trend if t is not None]),
                    _cell(COLUMNS[6], status)], className="kpi-row")


def result_table(result: P.Result, rows: list[dict]) -> html.Div:
    table = html.Table([
        html.Caption(_(result.title)),
        html.Thead(html.Tr([html.Th(_(c), scope="col") for c in COLUMNS])),
        html.Tbody([measure_row(r) for r in rows]),
    ], className="table table-sm kpi-table")
    return scroll_region(table, _(result.title), class_name="kpi-scroll")


def plan_body(rows: list[dict]) -> list:
    """The pillars (headings), each with a table per result."""
    by_result: dict[str, list[dict]] = {}
    for r in rows:
        by_result.setdefault(r["result"], []).append(r)
    out = []
    for p in P.PILLARS:
        out.append(html.H3(_(p.title), className="h6 kpi-pillar"))
        for res in P.results_of(p.code):
            if by_result.get(res.code):
                out.append(result_table(res, by_result[res.code]))
    return out


def notes(f: Filters) -> list:
    """What the filters do here, in plain sentences (never a filter silently ignored)."""
    out = [_("Computed measures count whole calendar years (the current one to date): the years your date range "
             "touches, and at least the five up to its end. MONSE's measures show the periods that began by the "
             "range's end.")]
    geo = geo_phrases(f)
    if geo:
        out.append(_("Computed measures are for {where}; MONSE's measures are citywide figures, the same whatever "
                     "the area filters.").format(where=describe_filters(f.geo_only())))
    else:
        out.append(_("Area filters narrow the computed measures; MONSE's measures are citywide figures."))
    if f.offense:
        out.append(_("The offense filter does not apply here: each measure counts its own offenses."))
    return [html.P(t) for t in out]


def plan_page() -> html.Div:
    """The page's frame; the tracker is filled by ``callbacks.plan``."""
    intro = html.P(_("Every measure the Comprehensive Violence Prevention Plan (2021–2026) lists under “How We Will "
                     "Measure Progress and Success”, with its latest value, its source, its trend and the agency "
                     "responsible. The measures are worded as in the Plan (2021) but paraphrased, not quoted: check "
                     "the Plan before citing a wording. Nothing is estimated: a measure without data says so, and "
                     "who owes it."), className="section-note")
    body = html.Div([html.Div(id=ids.KPI_NOTES, className="kpi-notes"), html.Div(id=ids.KPI_BODY)])
    return html.Div([
        html.Div(id=ids.KPI_ERROR),
        section(_("The Plan's measures"), html.Div([intro, body]), csv="/plan/kpis"),
    ], className="plan-page")
