"""The Plan KPIs page's endpoints under ``/api/v1`` (issue 15): ``/plan/kpis``, the tracker's rows.

Computed as the page computes them (``callbacks.plan.tracker``, the rows ``layouts.plan`` draws), so
the download is the table: the same values, the same withheld counts. Layouts are imported inside the
view. Nothing here knows SQL.
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, number, rows_of
from app.api.params import Endpoint, endpoint, filters, meta, read
from app.context import load_choices, services

KPIS = Endpoint(
    "/plan/kpis",
    "The Plan KPI tracker: one row per measure of the Comprehensive Violence Prevention Plan, in the page's "
    "order: `pillar`, `result`, `code` (the measure's code, as in `psad ingest kpi`), `measure` (paraphrased from "
    "the Plan: `wording`), `agency`, `method` (`computed` by the dashboard or `monse`, from MONSE's CSV), `unit` "
    "(`count`, `percent`, `rate_100k`, `dollars`), `geography` (`filtered`: the geography filters apply; "
    "`citywide`), `status` (`ok`, `not_loaded`, `not_published`, `not_built`), `owner` (who owes the data), "
    "`period` and `period_end` of the latest value, `value` (null when withheld or missing), `value_label` "
    "(why a value is withheld: `<5` or `withheld`, youth arrests as the Demographics page withholds them; "
    "`withheld (fewer than 11)`, the IPV page's rule), `source`, `demo` (a demo value), `target`, `standing` and `verdict` (gun "
    "violence against the Plan's path, as the Summary judges it) and `trend` (every period shown, "
    "`period=value; ...`). Computed measures count whole calendar years: those the dates touch and at least the "
    "five up to the end; geography filters apply to them, offense filters to none.",
    params=(FORMAT,),
    offense="never",
)

KPI_COLUMNS = rows_of(KPIS, ["pillar", "result", "code", "measure", "wording", "agency", "method", "unit", "geography",
                             "status", "owner", "period", "period_end", "value", "value_label", "source", "demo",
                             "target", "standing", "verdict", "trend"])


@endpoint(KPIS)
def plan_kpis():
    import callbacks.plan as page
    from layouts.plan import OK, api_trend

    svc = services()
    args = read(KPIS)
    choices, _options, state = load_choices(svc.db)
    f, state = filters(KPIS, offense_ok=False, loaded=(choices, state))
    rows = []
    for r in page.tracker(svc.db, svc.settings, f, choices):
        ok = r["status"] == OK
        rows.append({**{k: r.get(k) for k in KPI_COLUMNS},
                     "value": number(r["value"], 4) if ok else None,
                     "owner": None if ok else r["owner"],
                     "demo": r.get("origin") == "demo",
                     "trend": api_trend(r) if ok else None})
    return answer(args["format"], KPI_COLUMNS, rows, file_name("plan-kpis", f), **meta(f, state))
