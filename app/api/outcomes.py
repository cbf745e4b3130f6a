"""The Case outcomes page's numbers: ``/outcomes/summary`` (its cards), ``/outcomes/mix`` and
``/outcomes/time``.

Computed as the page computes them (``callbacks.outcomes.outcomes_outputs``): the same
``data_access.cases`` queries and ``layouts.cases`` row functions (``outcome_summary``,
``mix_rows``, ``time_bins``). Public court-record facts only, aggregated: no case, no name. The
offense filter does not apply (a charge is not a Part 1 offense category): given, it is a 400.
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, number, rows_of
from app.api.params import Endpoint, endpoint, filters, meta, read
from app.context import services
from data_access import cases as C
from data_access.vocabulary import DISPOSITIONS

SUMMARY = Endpoint(
    "/outcomes/summary",
    "The Case outcomes cards, one row per `group` (`all`, `gun`: cases with a gun charge, `other`): `cases` "
    "filed in the span, `pending` and `pending_share`, and, over the `timed` decided cases with a linked "
    "arrest, `median_days` and `p75_days` from arrest to disposition.",
    params=(FORMAT,),
    offense="never",
)

MIX = Endpoint(
    "/outcomes/mix",
    "What happened to the charges: one row per `group` (`gun` charges, `other` charges) and `disposition` "
    "(code and `label`), with `charges` and their `share` of the group's charges.",
    params=(FORMAT,),
    offense="never",
)

TIME = Endpoint(
    "/outcomes/time",
    "Time to disposition: decided cases per `group` (`gun`, `other`) in 30-day steps (`days`: `0–29` … `540+`, "
    "`days_from`, `days_to`, null for the last), with `cases` and their `share` of the group's decided cases. "
    "Pending cases are not counted.",
    params=(FORMAT,),
    offense="never",
)


SUMMARY_COLUMNS = rows_of(SUMMARY, ["group", "cases", "pending", "pending_share", "median_days", "p75_days", "timed"])


@endpoint(SUMMARY)
def outcomes_summary():
    from layouts.cases import outcome_summary

    db = services().db
    args = read(SUMMARY)
    f, state = filters(SUMMARY, offense_ok=False)
    out = outcome_summary(C.case_status(db, f))
    rows = [{"group": g, "cases": v["cases"], "pending": v["pending"], "pending_share": number(v["pending_share"]),
             "median_days": number(v["median_days"], 1), "p75_days": number(v["p75_days"], 1), "timed": v["timed"]}
            for g, v in out.items()]
    columns = SUMMARY_COLUMNS
    return answer(args["format"], columns, rows, file_name("cases-outcomes", f), **meta(f, state))


MIX_COLUMNS = rows_of(MIX, ["group", "disposition", "label", "charges", "share"])


@endpoint(MIX)
def outcomes_mix():
    from layouts.cases import mix_rows

    db = services().db
    args = read(MIX)
    f, state = filters(MIX, offense_ok=False)
    df = mix_rows(C.disposition_mix(db, f))
    rows = [{"group": g, "disposition": d, "label": DISPOSITIONS.label(d), "charges": int(n), "share": number(s)}
            for g, d, n, s in df[["group", "disposition", "n", "share"]].itertuples(index=False)]
    columns = MIX_COLUMNS
    return answer(args["format"], columns, rows, file_name("charges-by-disposition", f), **meta(f, state))


TIME_COLUMNS = rows_of(TIME, ["group", "days", "days_from", "days_to", "cases", "share"])


@endpoint(TIME)
def outcomes_time():
    from layouts.cases import time_bins

    db = services().db
    args = read(TIME)
    f, state = filters(TIME, offense_ok=False)
    rows = []
    for g in time_bins(C.case_status(db, f)):
        for i, (label, n, share) in enumerate(zip(g["bins"], g["counts"], g["shares"])):
            last = i == len(g["bins"]) - 1
            rows.append({"group": g["key"], "days": label, "days_from": 30 * i,
                         "days_to": None if last else 30 * i + 29, "cases": int(n), "share": number(share)})
    columns = TIME_COLUMNS
    return answer(args["format"], columns, rows, file_name("cases-time-to-disposition", f), **meta(f, state))
