"""The Map page's numbers: ``/map/areas`` (the choropleth), ``/map/points`` and ``/map/density``.

Computed as the page computes them (``callbacks.map.map_outputs``): the same ``map_queries`` and
``layouts.map.choropleth``. Privacy as on the page: points come from ``map_queries.points``, whose
rows are never a sexual offense and whose coordinates are the block-level ones stored at ingest
(rounded to 0.001°, about 100 m); the view drops a sexual offense again should one ever slip through.
A view with more points than the page draws (``PSAD_MAP_POINT_CAP``, at most ``PSAD_ROW_CAP``) is
a 400 pointing at the density grid, as the page then draws the grid.
"""

from __future__ import annotations

from app.api.export import FORMAT, answer, file_name, rows_of
from app.api.params import ApiError, Endpoint, Param, endpoint, filters, meta, read
from app.context import services
from app.i18n import _, number
from app.pages import PAGE_BY_NAME
from data_access import map_queries as Q
from data_access.vocabulary import OFFENSE_BY_CODE, offense_label

LAYER_DEFAULT = next(p.default for p in PAGE_BY_NAME["map"].params if p.name == "layer")

AREAS = Endpoint(
    "/map/areas",
    "The map's areas for `layer`, one row per area (alphabetical, as the map's table): `code`, `name`, "
    "`victims` in the span, `prior` (the same span a year earlier), `change`, `change_pct` (null below "
    "`PSAD_MIN_COMPARE` earlier victims), `population` (2020), `rate_per_1000` (victims per 1,000 residents over "
    "the span), `rate_shown` (false where the map greys the rate out: fewer than `PSAD_MAP_MIN_POPULATION` "
    "residents or none known), `chosen` (the area is itself chosen in the filters) and `in_filter` (false for an "
    "area the map draws as outside the filter).",
    params=(Param("layer", "The areas, as the Map's `layer`.", default=LAYER_DEFAULT, allowed=tuple(Q.MAP_LAYERS)),
            FORMAT),
)

POINTS = Endpoint(
    "/map/points",
    "The map's incident points, newest first: `lon`, `lat` (block level, about 100 m), `offense`, "
    "`offense_label`, `date`, `block`, `weapon`. Never a rape or other sexual offense (they are only in area "
    "totals). More points than the map draws (`PSAD_MAP_POINT_CAP`) is an HTTP 400: narrow the filters or "
    "read `/map/density`.",
    params=(FORMAT,),
)

DENSITY = Endpoint(
    "/map/density",
    "The map's density grid: incidents per square of about 400 m, `lon` and `lat` of the square's centre and "
    "`incidents`. Sexual offenses are left out here too.",
    params=(FORMAT,),
)


AREAS_COLUMNS = rows_of(AREAS, ["code", "name", "victims", "prior", "change", "change_pct", "population",
                                "rate_per_1000", "rate_shown", "chosen", "in_filter"])


@endpoint(AREAS)
def map_areas():
    import callbacks.map as page
    from layouts.common import pct_change

    svc = services()
    db, s = svc.db, svc.settings
    args = read(AREAS)
    f, state = filters(AREAS)
    layer = args["layer"]
    chor = page.area_choropleth(db, s, f, layer)  # the map's own shading, "outside the filter" included
    selected = set(chor["hideout"]["sel"])  # the chosen areas, as the map outlines them
    rows = []
    for code, v in sorted(chor["values"].items(), key=lambda kv: (str(kv[1]["name"]).lower(), kv[0])):
        pct = pct_change(v["current"], v["prior"], s.min_compare)
        rows.append({"code": code, "name": v["name"], "victims": v["current"], "prior": v["prior"],
                     "change": v["current"] - v["prior"], "change_pct": None if pct is None else round(pct, 4),
                     "population": v["population"],
                     "rate_per_1000": None if v["rate"] is None else round(v["rate"], 4),
                     "rate_shown": not v["small"], "chosen": code in selected,
                     "in_filter": not v["outside"]})
    columns = AREAS_COLUMNS
    p = f.prior()
    return answer(args["format"], columns, rows, file_name(f"victims-by-{layer}", f), layer=layer,
                  prior_span={"start": p.start.isoformat(), "end": p.end.isoformat()}, **meta(f, state))


POINTS_COLUMNS = rows_of(POINTS, ["lon", "lat", "offense", "offense_label", "date", "block", "weapon"])


@endpoint(POINTS)
def map_points():
    svc = services()
    db, s = svc.db, svc.settings
    args = read(POINTS)
    f, state = filters(POINTS)
    cap = min(s.map_point_cap, s.row_cap)  # as the page: a query never returns more than the cap
    n = Q.point_count(db, f)
    if n > cap:
        raise ApiError(400, _("{n} incidents are more than the map draws as points ({cap}). Choose an area or a "
                              "shorter span, or read /api/v1/map/density.").format(n=number(n), cap=number(cap)))
    df = Q.points(db, f, s.map_point_cap) if n else None
    rows = []
    if df is not None:
        for lon, lat, offense, d, block, weapon in df[["lon", "lat", "offense", "occurred_date", "block",
                                                       "weapon"]].itertuples(index=False):
            if offense not in OFFENSE_BY_CODE or OFFENSE_BY_CODE[offense].sexual:
                continue  # never located: the query leaves them out; this is the second lock
            rows.append({"lon": round(float(lon), 5), "lat": round(float(lat), 5), "offense": offense,
                         "offense_label": offense_label(offense), "date": d,
                         "block": block if isinstance(block, str) else None,
                         "weapon": weapon if isinstance(weapon, str) else None})
    columns = POINTS_COLUMNS
    return answer(args["format"], columns, rows, file_name("victims-points", f), cap=cap, **meta(f, state))


DENSITY_COLUMNS = rows_of(DENSITY, ["lon", "lat", "incidents"])


@endpoint(DENSITY)
def map_density():
    db = services().db
    args = read(DENSITY)
    f, state = filters(DENSITY)
    df = Q.density(db, f)
    rows = sorted(({"lon": float(lon), "lat": float(lat), "incidents": int(n)}
                   for lon, lat, n in df[["lon", "lat", "n"]].itertuples(index=False)),
                  key=lambda r: (-r["lat"], r["lon"])) if len(df) else []  # north to south, west to east
    columns = DENSITY_COLUMNS
    return answer(args["format"], columns, rows, file_name("victims-density", f),
                  cell_degrees={"lon": Q.CELL_LON, "lat": Q.CELL_LAT}, **meta(f, state))
