"""The Guns and warrants page's numbers under ``/api/v1/guns-warrants/...``: one endpoint per chart,
JSON or CSV (``format=csv``), computed as the page computes them (``callbacks.guns_warrants.numbers``,
the same queries and row functions). The offense filter does not apply to gun seizures or
warrants: given, it is a 400.
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, number, rows_of
from app.api.params import Endpoint, endpoint, filters, meta, read
from app.context import services

_AREAS = ("by police district, or by neighborhood once a geography filter is set (`area_field`); the 25 areas "
          "with most")

SEIZURE_TREND = Endpoint(
    "/guns-warrants/seizures/trend",
    "Guns seized over time: one row per period (`week` or `month`, `grain`) and `firearm_type` (`handgun`, "
    "`rifle`, `shotgun`, `ghost_gun`, `other`): `period_start`, `period_end`, `days` (inside the span), "
    "`complete` (false for a period the dates or the data's end cut short) and `guns`.",
    params=(FORMAT,), offense="never")
SEIZURE_TYPES = Endpoint(
    "/guns-warrants/seizures/types",
    "Guns seized by firearm type: `firearm_type`, `label`, `guns` and `share` of all guns seized in the span.",
    params=(FORMAT,), offense="never")
SEIZURE_RECOVERY = Endpoint(
    "/guns-warrants/seizures/recovery",
    "Guns seized by how they were recovered (`arrest`, `search_warrant`, `found`, `surrendered`, `other`): "
    "`recovery_type`, `label`, `guns` and `share`.",
    params=(FORMAT,), offense="never")
SEIZURE_STATUS = Endpoint(
    "/guns-warrants/seizures/status",
    "Seized guns by status, as the data's last load records it (`held`, `returned`, `destroyed`, `transferred`; "
    "`unknown`: not recorded), of the guns seized in the span: `status`, `label`, `guns` and `share`.",
    params=(FORMAT,), offense="never")
SEIZURE_AREAS = Endpoint(
    "/guns-warrants/seizures/areas",
    f"Guns seized by area, {_AREAS}: `area`, `guns`, `population` and `rate_per_1000` (null without a "
    "population).",
    params=(FORMAT,), offense="never")
WARRANT_TREND = Endpoint(
    "/guns-warrants/warrants/trend",
    "Warrants over time: one row per period (`grain`) and `flow` (`issued` on its issue date, `served` on its "
    "served date, `recalled` on its recall date): `period_start`, `period_end`, `days`, `complete` and "
    "`warrants`.",
    params=(FORMAT,), offense="never")
WARRANT_OUTSTANDING = Endpoint(
    "/guns-warrants/warrants/outstanding",
    "Warrants outstanding on `as_of` (the end date, or the data's last day when earlier: issued on or before it, "
    "neither served nor recalled by then, whatever the start date) by days since issue: `age` (`lt30`, "
    "`d30_90`, `d90_365`, `y1_3`, `y3plus`), `label`, `days_from`, `days_to` (null: no limit), `warrants` and "
    "one count per warrant type (`arrest`, `bench`, `probation_violation`, `body_attachment`, `other`).",
    params=(FORMAT,), offense="never")
WARRANT_CATEGORIES = Endpoint(
    "/guns-warrants/warrants/categories",
    "Warrants by charge category (the arrests' categories): `charge_category`, `label`, `issued` and `served` "
    "in the span, `outstanding` on `as_of`.",
    params=(FORMAT,), offense="never")
WARRANT_AREAS = Endpoint(
    "/guns-warrants/warrants/areas",
    f"Warrants by area, {_AREAS} outstanding: `area`, `issued`, `served`, `outstanding` (on `as_of`), "
    "`population` and `outstanding_per_1000`.",
    params=(FORMAT,), offense="never")

SEIZURE_TREND_COLUMNS = rows_of(SEIZURE_TREND, ["period_start", "period_end", "days", "complete", "firearm_type",
                                                "guns"])
SEIZURE_TYPES_COLUMNS = rows_of(SEIZURE_TYPES, ["firearm_type", "label", "guns", "share"])
SEIZURE_RECOVERY_COLUMNS = rows_of(SEIZURE_RECOVERY, ["recovery_type", "label", "guns", "share"])
SEIZURE_STATUS_COLUMNS = rows_of(SEIZURE_STATUS, ["status", "label", "guns", "share"])
SEIZURE_AREAS_COLUMNS = rows_of(SEIZURE_AREAS, ["area", "guns", "population", "rate_per_1000"])
WARRANT_TREND_COLUMNS = rows_of(WARRANT_TREND, ["period_start", "period_end", "days", "complete", "flow",
                                                "warrants"])
WARRANT_OUTSTANDING_COLUMNS = rows_of(WARRANT_OUTSTANDING, ["age", "label", "days_from", "days_to", "warrants",
                                                            "arrest", "bench", "probation_violation",
                                                            "body_attachment", "other"])
WARRANT_CATEGORIES_COLUMNS = rows_of(WARRANT_CATEGORIES, ["charge_category", "label", "issued", "served",
                                                          "outstanding"])
WARRANT_AREAS_COLUMNS = rows_of(WARRANT_AREAS, ["area", "issued", "served", "outstanding", "population",
                                                "outstanding_per_1000"])


def _numbers(spec: Endpoint):
    from callbacks.guns_warrants import numbers

    args = read(spec)
    f, state = filters(spec, offense_ok=False)
    n = numbers(services().db, f)
    return args["format"], n, state


def _extra(n: dict, state: dict, **more) -> dict:
    return {"grain": n["grain"], "area_field": n["field"], "as_of": n["at"].isoformat(), **more,
            **meta(n["f"], state)}


def _periods(df, key: str, out_key: str, count: str) -> list[dict]:
    return [{"period_start": s, "period_end": e, "days": int(d), "complete": bool(c), out_key: k, count: int(v)}
            for s, e, d, c, k, v in df[["period_start", "period_end", "days", "complete", key, "n"]]
            .itertuples(index=False)]


def _pop(p):
    return None if p is None or p != p else int(p)


@endpoint(SEIZURE_TREND)
def gw_seizure_trend():
    fmt, n, state = _numbers(SEIZURE_TREND)
    rows = _periods(n["seizure_trend"], "firearm_type", "firearm_type", "guns")
    return answer(fmt, SEIZURE_TREND_COLUMNS, rows, file_name("gun-seizures-trend", n["f"]), **_extra(n, state))


@endpoint(SEIZURE_TYPES)
def gw_seizure_types():
    fmt, n, state = _numbers(SEIZURE_TYPES)
    rows = [{"firearm_type": r["code"], "label": r["label"], "guns": r["n"], "share": number(r["share"], 6)}
            for r in n["types"]]
    return answer(fmt, SEIZURE_TYPES_COLUMNS, rows, file_name("gun-seizures-by-type", n["f"]), **_extra(n, state))


@endpoint(SEIZURE_RECOVERY)
def gw_seizure_recovery():
    fmt, n, state = _numbers(SEIZURE_RECOVERY)
    rows = [{"recovery_type": r["code"], "label": r["label"], "guns": r["n"], "share": number(r["share"], 6)}
            for r in n["recovery"]]
    return answer(fmt, SEIZURE_RECOVERY_COLUMNS, rows, file_name("gun-seizures-by-recovery", n["f"]),
                  **_extra(n, state))


@endpoint(SEIZURE_STATUS)
def gw_seizure_status():
    fmt, n, state = _numbers(SEIZURE_STATUS)
    rows = [{"status": r["code"], "label": r["label"], "guns": r["n"], "share": number(r["share"], 6)}
            for r in n["status"]]
    return answer(fmt, SEIZURE_STATUS_COLUMNS, rows, file_name("gun-seizures-by-status", n["f"]), **_extra(n, state))


@endpoint(SEIZURE_AREAS)
def gw_seizure_areas():
    fmt, n, state = _numbers(SEIZURE_AREAS)
    df = n["seizure_area"]
    rows = [{"area": a, "guns": int(g), "population": _pop(p), "rate_per_1000": number(r, 4)}
            for a, g, p, r in zip(df.area, df.n, df.population, df.rate)]
    return answer(fmt, SEIZURE_AREAS_COLUMNS, rows, file_name("gun-seizures-by-area", n["f"]), **_extra(n, state))


@endpoint(WARRANT_TREND)
def gw_warrant_trend():
    fmt, n, state = _numbers(WARRANT_TREND)
    rows = _periods(n["warrant_trend"], "flow", "flow", "warrants")
    return answer(fmt, WARRANT_TREND_COLUMNS, rows, file_name("warrants-trend", n["f"]), **_extra(n, state))


@endpoint(WARRANT_OUTSTANDING)
def gw_warrant_outstanding():
    fmt, n, state = _numbers(WARRANT_OUTSTANDING)
    rows = [{**r, "warrants": r["n"]} for r in n["age"]]
    return answer(fmt, WARRANT_OUTSTANDING_COLUMNS, rows, file_name("warrants-outstanding", n["f"]),
                  total=sum(r["n"] for r in n["age"]), **_extra(n, state))


@endpoint(WARRANT_CATEGORIES)
def gw_warrant_categories():
    fmt, n, state = _numbers(WARRANT_CATEGORIES)
    return answer(fmt, WARRANT_CATEGORIES_COLUMNS, n["categories"], file_name("warrants-by-category", n["f"]),
                  **_extra(n, state))


@endpoint(WARRANT_AREAS)
def gw_warrant_areas():
    fmt, n, state = _numbers(WARRANT_AREAS)
    df = n["warrant_area"]
    rows = [{"area": a, "issued": int(i), "served": int(s), "outstanding": int(o), "population": _pop(p),
             "outstanding_per_1000": number(r, 4)}
            for a, i, s, o, p, r in zip(df.area, df.issued, df.served, df.outstanding, df.population, df.rate)]
    return answer(fmt, WARRANT_AREAS_COLUMNS, rows, file_name("warrants-by-area", n["f"]), **_extra(n, state))
