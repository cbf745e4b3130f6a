"""The Intimate-partner violence page's numbers under ``/api/v1``: ``/ipv/trend``, ``/ipv/areas``,
``/ipv/offenses``, ``/ipv/relationships`` and ``/ipv/demographics``.

Computed as the page computes them (``callbacks.ipv``): the same ``data_access.ipv.view`` over the
whole months the dates touch (``months``: its first and last day), whose tables are already suppressed (any count of 1-10 is null with ``label`` "<11", and further cells
are withheld, ``withheld`` saying why), in JSON and in CSV alike. ``total`` is null when 1-10.
The offense filter applies (each incident carries its Part 1 offense category).
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, rows_of
from app.api.params import Endpoint, endpoint, filters, meta, read
from app.context import load_choices, services
from data_access import ipv as Q
from data_access.vocabulary import OFFENSE_BY_CODE

_CELLS = ("`incidents` (null when withheld), `label` (the number, `\"<11\"` for 1-10, or `\"withheld\"`) and "
          "`withheld` (`small`, `complement`, `table` or null); the same suppression as the page, cells under "
          "11 hidden and none recoverable from `total` (null when 1-10).")

TREND = Endpoint(
    "/ipv/trend",
    "Domestic incidents per month: one row per month up to the data's last day, `period_start`, `period_end`, "
    "`days` (inside the span), `complete` (false for a month the dates or the data's end cut short), " + _CELLS,
    params=(FORMAT,),
)
AREAS = Endpoint(
    "/ipv/areas",
    "Domestic incidents by area: by police district, or by neighborhood once a geography filter is set "
    "(`area_field`); `area` (`unknown`: no area recorded), " + _CELLS,
    params=(FORMAT,),
)
OFFENSES = Endpoint(
    "/ipv/offenses",
    "Domestic incidents by Part 1 offense category: `offense` (`unknown`: none recorded), `offense_label`, " + _CELLS,
    params=(FORMAT,),
)
RELATIONSHIPS = Endpoint(
    "/ipv/relationships",
    "Domestic incidents by the recorded relationship of victim and suspect: `relationship` (`spouse`, "
    "`former_spouse`, `dating`, `former_dating`, `family`, `other`), `relationship_label`, " + _CELLS,
    params=(FORMAT,),
)
DEMOGRAPHICS = Endpoint(
    "/ipv/demographics",
    "The victims of domestic incidents by `dimension` (`age_band`, `sex`) and `category`, " + _CELLS,
    params=(FORMAT,),
)

CELL_COLUMNS = ("incidents", "label", "withheld")
TREND_COLUMNS = rows_of(TREND, ["period_start", "period_end", "days", "complete", *CELL_COLUMNS])
AREAS_COLUMNS = rows_of(AREAS, ["area", *CELL_COLUMNS])
OFFENSES_COLUMNS = rows_of(OFFENSES, ["offense", "offense_label", *CELL_COLUMNS])
RELATIONSHIPS_COLUMNS = rows_of(RELATIONSHIPS, ["relationship", "relationship_label", *CELL_COLUMNS])
DEMOGRAPHICS_COLUMNS = rows_of(DEMOGRAPHICS, ["dimension", "category", *CELL_COLUMNS])


def _cell(c) -> dict:
    return {"incidents": c.value, "label": c.label, "withheld": c.reason}


def _view(spec: Endpoint):
    db = services().db
    choices, _options, state = load_choices(db)
    f, state = filters(spec, loaded=(choices, state))
    return db, f, state, choices, Q.view(db, f)


def _extra(f, state, view) -> dict:
    return {"total": view.total, "total_label": view.total_label,
            "months": [view.start.isoformat(), view.end.isoformat()], **meta(f, state)}


@endpoint(TREND)
def ipv_trend():
    from callbacks.ipv import through_of
    from layouts.ipv import month_rows

    args = read(TREND)
    _db, f, state, choices, view = _view(TREND)
    through = through_of(f, choices.data_as_of)
    rows = [{"period_start": r["period_start"], "period_end": r["period_end"], "days": r["days"],
             "complete": r["complete"], "incidents": r["value"], "label": r["label"], "withheld": r["reason"]}
            for r in month_rows(view.tables["months"], Q.month_span(f).start, through)]
    return answer(args["format"], TREND_COLUMNS, rows, file_name("ipv-trend", f), **_extra(f, state, view))


@endpoint(AREAS)
def ipv_areas():
    args = read(AREAS)
    _db, f, state, _c, view = _view(AREAS)
    rows = [{"area": c.category, **_cell(c)} for c in view.tables["areas"].cells]
    return answer(args["format"], AREAS_COLUMNS, rows, file_name("ipv-by-area", f), area_field=view.area_field,
                  **_extra(f, state, view))


@endpoint(OFFENSES)
def ipv_offenses():
    args = read(OFFENSES)
    _db, f, state, _c, view = _view(OFFENSES)
    rows = [{"offense": c.category, "offense_label": OFFENSE_BY_CODE[c.category].label
             if c.category in OFFENSE_BY_CODE else None, **_cell(c)} for c in view.tables["offense"].cells]
    return answer(args["format"], OFFENSES_COLUMNS, rows, file_name("ipv-by-offense", f), **_extra(f, state, view))


@endpoint(RELATIONSHIPS)
def ipv_relationships():
    args = read(RELATIONSHIPS)
    _db, f, state, _c, view = _view(RELATIONSHIPS)
    rows = [{"relationship": c.category, "relationship_label": Q.RELATIONSHIPS.label(c.category), **_cell(c)}
            for c in view.tables["relationship"].cells]
    return answer(args["format"], RELATIONSHIPS_COLUMNS, rows, file_name("ipv-by-relationship", f),
                  **_extra(f, state, view))


@endpoint(DEMOGRAPHICS)
def ipv_demographics():
    args = read(DEMOGRAPHICS)
    _db, f, state, _c, view = _view(DEMOGRAPHICS)
    rows = [{"dimension": dim, "category": c.category, **_cell(c)} for dim in ("age_band", "sex")
            for c in view.tables[dim].cells]
    return answer(args["format"], DEMOGRAPHICS_COLUMNS, rows, file_name("ipv-demographics", f),
                  **_extra(f, state, view))
