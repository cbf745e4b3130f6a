"""The 911 calls page's numbers under ``/api/v1``: ``/calls/trend``, ``/calls/response``,
``/calls/categories``, ``/calls/areas`` and ``/calls/council``.

Computed as the page computes them (``callbacks.calls.calls_outputs``): the same
``data_access.calls`` queries and ``layouts.calls`` row functions. The offense filter does not
apply to calls (a call's type is not a Part 1 offense category): given, it is a 400. No row
holds a caller, an address or a point: areas only.
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, number, rows_of
from app.api.params import Endpoint, bad, endpoint, filters, meta, read
from app.context import load_choices, services
from app.i18n import _
from data_access import calls as C
from data_access.conditions import has_geo

TREND = Endpoint(
    "/calls/trend",
    "911 calls over time: one row per period (`week` or `month`, `grain`, as the page chooses) and "
    "`response_type` (`police`, `behavioral_health`, `other`): `period_start`, `period_end`, `days` (inside the "
    "span), `complete` (false for a period the dates or the data's end cut short, drawn pale) and `calls`.",
    params=(FORMAT,),
    offense="never",
)
RESPONSE = Endpoint(
    "/calls/response",
    "911 calls per calendar year of the span and `response_type`: `year`, `response_type`, `label`, `calls` and "
    "`share` of the year's calls (a year the dates cut counts only its days inside them).",
    params=(FORMAT,),
    offense="never",
)
CATEGORIES = Endpoint(
    "/calls/categories",
    "911 calls by category and priority, categories with most calls first: `category`, `category_label`, "
    "`priority`, `priority_label` and `calls`.",
    params=(FORMAT,),
    offense="never",
)
AREAS = Endpoint(
    "/calls/areas",
    "911 calls by area, as the page's chart: by police district, or by neighborhood once a geography filter is "
    "set (`area_field`); the 25 areas with most calls, highest rate first: `area`, `calls`, `without_police`, "
    "`population` and `rate_per_1000` (null without a population).",
    params=(FORMAT,),
    offense="never",
)
COUNCIL = Endpoint(
    "/calls/council",
    "911 calls by City Council district within the filters, highest rate first: `area`, `calls`, "
    "`without_police`, `population` and `rate_per_1000` (both null once a geography filter is set: a council "
    "district only partly inside the chosen areas has no residents of its own there; most calls first then).",
    params=(FORMAT,),
    offense="never",
)


def _filters(spec: Endpoint, loaded=None):
    from flask import request

    if request.args.getlist("offense"):
        raise bad("offense", _("offense filters do not apply to 911 calls (a call's type is not a Part 1 "
                               "offense category)."))
    return filters(spec, offense_ok=False, loaded=loaded)


TREND_COLUMNS = rows_of(TREND, ["period_start", "period_end", "days", "complete", "response_type", "calls"])


@endpoint(TREND)
def calls_trend():
    from layouts.calls import trend_rows

    db = services().db
    args = read(TREND)
    choices, _options, state = load_choices(db)
    f, state = _filters(TREND, loaded=(choices, state))
    span = C.date_span(db)
    last = span[1] if span else choices.data_as_of
    through = max(f.start, min(f.end, last)) if last else f.end  # as the page
    grain = C.calls_grain(f)
    df = trend_rows(C.over_time(db, f, grain), grain, f.start, through)
    rows = [{"period_start": s, "period_end": e, "days": int(d), "complete": bool(c), "response_type": r,
             "calls": int(n)} for s, e, d, c, r, n in df[["period_start", "period_end", "days", "complete",
                                                          "response_type", "n"]].itertuples(index=False)]
    return answer(args["format"], TREND_COLUMNS, rows, file_name("911-calls-trend", f), grain=grain, **meta(f, state))


RESPONSE_COLUMNS = rows_of(RESPONSE, ["year", "response_type", "label", "calls", "share"])


@endpoint(RESPONSE)
def calls_response():
    from layouts.calls import response_label, response_rows

    db = services().db
    args = read(RESPONSE)
    f, state = _filters(RESPONSE)
    df = response_rows(C.by_year(db, f))
    rows = [{"year": int(r.year), "response_type": r.response_type, "label": response_label(r.response_type),
             "calls": int(r.n), "share": number(r.share, 6)} for r in df.itertuples(index=False)]
    return answer(args["format"], RESPONSE_COLUMNS, rows, file_name("911-calls-response-type", f), **meta(f, state))


CATEGORIES_COLUMNS = rows_of(CATEGORIES, ["category", "category_label", "priority", "priority_label", "calls"])


@endpoint(CATEGORIES)
def calls_categories():
    from layouts.calls import category_label, category_rows, priority_label

    db = services().db
    args = read(CATEGORIES)
    f, state = _filters(CATEGORIES)
    df = category_rows(C.by_kind(db, f))
    rows = [{"category": r.category, "category_label": category_label(r.category), "priority": r.priority,
             "priority_label": priority_label(r.priority), "calls": int(r.n)} for r in df.itertuples(index=False)]
    total = int(df.n.sum()) if len(df) else 0
    return answer(args["format"], CATEGORIES_COLUMNS, rows, file_name("911-calls-by-category", f), total=total,
                  **meta(f, state))


AREA_COLUMNS = ["area", "calls", "without_police", "population", "rate_per_1000"]
AREAS_COLUMNS = rows_of(AREAS, AREA_COLUMNS)
COUNCIL_COLUMNS = rows_of(COUNCIL, AREA_COLUMNS)


def _area_rows(df) -> list[dict]:
    from layouts.calls import area_rows

    return [{"area": str(r.area), "calls": int(r.n), "without_police": int(r.without_police),
             "population": None if r.population is None or r.population != r.population else int(r.population),
             "rate_per_1000": number(r.rate, 4)} for r in area_rows(df).itertuples(index=False)]


@endpoint(AREAS)
def calls_areas():
    db = services().db
    args = read(AREAS)
    f, state = _filters(AREAS)
    field = C.area_field(f)
    rows = _area_rows(C.by_area(db, f, field))
    return answer(args["format"], AREAS_COLUMNS, rows, file_name("911-calls-by-area", f), area_field=field,
                  **meta(f, state))


@endpoint(COUNCIL)
def calls_council():
    db = services().db
    args = read(COUNCIL)
    f, state = _filters(COUNCIL)
    df = C.by_area(db, f, "council_district")
    if has_geo(f):  # as the page: no rate for a district only partly inside the chosen areas
        df = df.assign(population=None)
    rows = _area_rows(df)
    return answer(args["format"], COUNCIL_COLUMNS, rows, file_name("911-calls-by-council-district", f),
                  **meta(f, state))
