"""The Arrests page's numbers: ``/arrests/trend``, ``/arrests/categories``, ``/arrests/areas``,
``/arrests/charges`` and ``/arrests/clearance``.

Computed as the page computes them (``callbacks.arrests.arrests_outputs``): the same
``data_access.arrests`` queries and ``layouts.arrests`` row functions. The offense filter does
not apply to arrests (an arrest's charge is not a Part 1 offense category): given, it is a 400.
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, number, rows_of
from app.api.params import Endpoint, endpoint, filters, meta, read
from app.context import load_choices, services
from data_access import arrests as A
from data_access.vocabulary import CHARGE_CATEGORIES

TREND = Endpoint(
    "/arrests/trend",
    "Arrests over time: one row per period (`week` or `month`, `grain`, as the page chooses) and "
    "`charge_category`: `period_start`, `period_end`, `days` (inside the span), `complete` (false for a period "
    "the dates or the data's end cut short, which the chart draws pale) and `arrests`.",
    params=(FORMAT,),
    offense="never",
)

CATEGORIES = Endpoint(
    "/arrests/categories",
    "Arrests by charge category, most first: `charge_category`, `label`, `arrests` and `share` of all arrests "
    "in the span.",
    params=(FORMAT,),
    offense="never",
)

AREAS = Endpoint(
    "/arrests/areas",
    "Arrests by area, as the page's chart: by police district, or by neighborhood once a geography filter is "
    "set (`area_field`); the 25 areas with most arrests, highest rate first: `area`, `arrests`, `population` "
    "and `rate_per_1000` (null without a population).",
    params=(FORMAT,),
    offense="never",
)

CHARGES = Endpoint(
    "/arrests/charges",
    "The 15 most common arrest charges as recorded: `charge_category`, `statute`, `charge_description` and "
    "`arrests`.",
    params=(FORMAT,),
    offense="never",
)

CLEARANCE = Endpoint(
    "/arrests/clearance",
    "Per calendar year and offense (homicide, shooting): `incidents`, `cleared_same_year`, "
    "`cleared_by_now`, and arrests by `same_year`, `earlier_year`, `unlinked`; `partial` is true for the year "
    "the data is still filling in.",
    params=(FORMAT,),
    offense="never",
)



TREND_COLUMNS = rows_of(TREND, ["period_start", "period_end", "days", "complete", "charge_category", "arrests"])


@endpoint(TREND)
def arrests_trend():
    from layouts.arrests import trend_rows

    db = services().db
    args = read(TREND)
    choices, _options, state = load_choices(db)
    f, state = filters(TREND, offense_ok=False, loaded=(choices, state))
    as_of = choices.data_as_of
    through = min(f.end, as_of) if as_of else f.end  # as the page: the data's last day ends the last period
    grain = A.arrest_grain(f)
    df = trend_rows(A.over_time(db, f, grain), grain, f.start, through)
    rows = [{"period_start": s, "period_end": e, "days": int(d), "complete": bool(c), "charge_category": cat,
             "arrests": int(n)} for s, e, d, c, cat, n in df[["period_start", "period_end", "days", "complete",
                                                              "charge_category", "n"]].itertuples(index=False)]
    columns = TREND_COLUMNS
    return answer(args["format"], columns, rows, file_name("arrests-trend", f), grain=grain, **meta(f, state))


CATEGORIES_COLUMNS = rows_of(CATEGORIES, ["charge_category", "label", "arrests", "share"])


@endpoint(CATEGORIES)
def arrests_categories():
    db = services().db
    args = read(CATEGORIES)
    f, state = filters(CATEGORIES, offense_ok=False)
    df = A.by_category(db, f)
    total = int(df.n.sum()) if len(df) else 0
    # the page's table order: most arrests first
    rows = [{"charge_category": c, "label": CHARGE_CATEGORIES.labels.get(c, c), "arrests": int(n),
             "share": round(int(n) / total, 6) if total else None}
            for c, n in sorted(zip(df.charge_category, df.n), key=lambda t: -t[1])]
    columns = CATEGORIES_COLUMNS
    return answer(args["format"], columns, rows, file_name("arrests-by-category", f), total=total, **meta(f, state))


AREAS_COLUMNS = rows_of(AREAS, ["area", "arrests", "population", "rate_per_1000"])


@endpoint(AREAS)
def arrests_areas():
    from layouts.arrests import _area_rows

    db = services().db
    args = read(AREAS)
    f, state = filters(AREAS, offense_ok=False)
    field = A.area_field(f)
    df = A.by_area(db, f, field)
    rows = []
    if len(df):
        shown, _has_rate = _area_rows(df)  # the chart's rows (top 25), lowest first: the table reverses them
        for a, n, p, r in zip(shown.area[::-1], shown.n[::-1], shown.population[::-1], shown.rate[::-1]):
            rows.append({"area": a, "arrests": int(n), "population": None if p is None or p != p else int(p),
                         "rate_per_1000": number(r, 4)})
    columns = AREAS_COLUMNS
    return answer(args["format"], columns, rows, file_name("arrests-by-area", f), area_field=field, **meta(f, state))


CHARGES_COLUMNS = rows_of(CHARGES, ["charge_category", "statute", "charge_description", "arrests"])


@endpoint(CHARGES)
def arrests_charges():
    from layouts.arrests import CHARGES_SHOWN

    db = services().db
    args = read(CHARGES)
    f, state = filters(CHARGES, offense_ok=False)
    df = A.top_charges(db, f, CHARGES_SHOWN)
    rows = [{"charge_category": r.charge_category, "statute": r.charge if isinstance(r.charge, str) else None,
             "charge_description": r.charge_description, "arrests": int(r.n)} for r in df.itertuples(index=False)]
    columns = CHARGES_COLUMNS
    return answer(args["format"], columns, rows, file_name("arrests-top-charges", f), **meta(f, state))


CLEARANCE_COLUMNS = rows_of(CLEARANCE, ["year", "offense", "incidents", "cleared_same_year", "cleared_by_now",
                                        "same_year", "earlier_year", "unlinked", "partial"])


@endpoint(CLEARANCE)
def arrests_clearance():
    from layouts.arrests import partial_year

    db = services().db
    args = read(CLEARANCE)
    choices, _options, state = load_choices(db)
    f, state = filters(CLEARANCE, offense_ok=False, loaded=(choices, state))
    partial = partial_year(choices.data_as_of)  # as the page draws it
    df = A.clearance(db, f)
    rows = [{**{k: int(v) if k != "offense" else v for k, v in r.items()}, "partial": int(r["year"]) == partial}
            for r in df.to_dict(orient="records")]
    columns = CLEARANCE_COLUMNS
    return answer(args["format"], columns, rows, file_name("arrests-clearance", f), **meta(f, state))
