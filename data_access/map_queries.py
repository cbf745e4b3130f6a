"""Read queries for the Map and CVI ecosystem pages.

Area counts come from the area aggregates (rebuilt with every load); points, the density grid and
the shootings near CVI sites read the ``victim`` rows, always through the same privacy rule:
sexual offenses (``offense_category.sexual``) are never returned as a location. Geometry is read
once per layer and data version, simplified for the wire and cached.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import Float, Integer, and_, case, cast, func, literal, select, union_all

from data_access.cache import cached_query
from data_access.conditions import geo_conditions
from data_access.db import Database
from data_access.filters import GEO_FIELDS, Filters, calendar_split, month_split
from data_access.schema import (
    agg_victim_area_month,
    agg_victim_area_year,
    agg_victim_cell_month,
    agg_victim_detail,
    area_link,
    cvi_site,
    geography,
    offense_category,
    victim,
)
from data_access.text import N_

# The layers the map can shade, in the order the page offers them.
MAP_LAYERS: dict[str, str] = {
    "neighborhood": N_("Neighborhoods"),
    "police_district_2023": N_("Police districts (2023 map)"),
    "police_district_pre2023": N_("Police districts (pre-2023 map)"),
    "council_district": N_("City Council districts"),
    "legislative_district": N_("State legislative districts"),
    "csa": N_("Community Statistical Areas"),
}
SIMPLIFY_DEGREES = 0.0001  # about 10 m: invisible at city zoom, removes most vertices
COORD_DECIMALS = 5  # about 1 m
# Density grid cell, about 400 m x 400 m at Baltimore's latitude.
CELL_LAT = 0.0036
CELL_LON = 0.0047
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0


def _round(coords, nd: int = COORD_DECIMALS):
    if isinstance(coords, (int, float)):
        return round(float(coords), nd)
    return [_round(c, nd) for c in coords]


def simplify_geometry(geom: dict, tolerance: float = SIMPLIFY_DEGREES) -> dict:
    """A GeoJSON geometry simplified (topology kept) with rounded coordinates."""
    g = shape(geom).simplify(tolerance, preserve_topology=True)
    if g.is_empty:
        g = shape(geom)
    m = mapping(g)
    return {"type": m["type"], "coordinates": _round(json.loads(json.dumps(m["coordinates"])))}


@cached_query
def area_shapes(db: Database, version: int, layer: str) -> dict:
    """The layer's areas for the wire: a FeatureCollection (properties: code, name) plus per-area
    population, name and bounds ([[south, west], [north, east]])."""
    if layer not in MAP_LAYERS and layer != "city":
        raise ValueError(f"unknown map layer {layer!r}")
    t = geography
    df = db.frame(select(t.c.code, t.c.name, t.c.population, t.c.geometry).where(t.c.layer == layer)
                  .order_by(t.c.code))
    features, bounds, population, names = [], {}, {}, {}
    for code, name, pop, geom in df.itertuples(index=False):
        geom = geom if isinstance(geom, dict) else json.loads(geom)
        w, s, e, n = shapely.bounds(shape(geom)).tolist()
        bounds[code] = [[round(s, 5), round(w, 5)], [round(n, 5), round(e, 5)]]
        population[code] = None if pd.isna(pop) else int(pop)
        names[code] = name
        features.append({"type": "Feature", "id": code, "properties": {"code": code, "name": name},
                         "geometry": simplify_geometry(geom)})
    return {"geojson": {"type": "FeatureCollection", "features": features}, "bounds": bounds,
            "population": population, "names": names}


@cached_query
def area_counts(db: Database, version: int, f: Filters, layer: str) -> pd.DataFrame:
    """Victims per area of ``layer`` in the span and the span a year earlier, under every filter.

    Whole years come from ``agg_victim_area_year``, whole months from ``agg_victim_area_month``
    (their "*" roll-up rows when no offense is chosen), the ragged ends from the daily
    ``agg_victim_detail``: one statement, a few thousand rows whatever the span.
    Columns: code, current, prior. Areas with no victims in either span are absent.
    """
    if layer not in MAP_LAYERS:
        raise ValueError(f"unknown map layer {layer!r}")
    parts = []
    for tag, span in (("current", f), ("prior", f.prior())):
        years, months, days = calendar_split(span.start, span.end)
        grains = ([(agg_victim_area_year, agg_victim_area_year.c.y, years)] if years else []) + \
                 [(agg_victim_area_month, agg_victim_area_month.c.m, m) for m in months]
        for t, when, rng in grains:
            off = t.c.offense.in_(f.offense) if f.offense else t.c.offense == "*"
            parts.append(select(t.c[layer].label("code"), literal(tag).label("span"), func.sum(t.c.n).label("n"))
                         .where(when.between(*rng), off, t.c[layer].is_not(None), *geo_conditions(t, f))
                         .group_by(t.c[layer]))
        for a, b in days:
            t = agg_victim_detail
            conds = [t.c.d.between(a, b), t.c[layer].is_not(None), *geo_conditions(t, f)]
            if f.offense:
                conds.append(t.c.offense.in_(f.offense))
            parts.append(select(t.c[layer].label("code"), literal(tag).label("span"), func.sum(t.c.n).label("n"))
                         .where(*conds).group_by(t.c[layer]))
    u = union_all(*parts).subquery()
    stmt = (select(u.c.code,
                   func.sum(case((u.c.span == "current", u.c.n), else_=0)).label("current"),
                   func.sum(case((u.c.span == "prior", u.c.n), else_=0)).label("prior"))
            .group_by(u.c.code))
    df = db.frame(stmt)
    if not len(df):
        return pd.DataFrame({"code": pd.Series([], dtype="str"), "current": pd.Series([], dtype="int64"),
                             "prior": pd.Series([], dtype="int64")})
    df = df.astype({"current": "int64", "prior": "int64"})
    return df[(df.current > 0) | (df.prior > 0)].reset_index(drop=True)


def _locatable(f: Filters) -> list:
    """Victim rows in the filters that may be shown as a location: never a sexual offense."""
    v = victim
    not_sexual = select(offense_category.c.code).where(offense_category.c.sexual.is_(False))
    conds = [v.c.occurred_date.between(f.start, f.end), v.c.offense.in_(not_sexual),
             v.c.lon.is_not(None), v.c.lat.is_not(None)]
    conds += geo_conditions(v, f)
    if f.offense:
        conds.append(v.c.offense.in_(f.offense))
    return conds


def point_count(db: Database, f: Filters) -> int:
    """How many incident points the filters select (sexual offenses excluded): the density grid's
    total, so deciding between points and density costs no scan of the victim rows."""
    df = density(db, f)
    return int(df.n.sum()) if len(df) else 0


@cached_query
def points(db: Database, version: int, f: Filters, cap: int) -> pd.DataFrame:
    """At most ``cap`` incident points, newest first: lon, lat (geomasked to the block), offense,
    date, block, weapon. Never a sexual offense. ``cap`` (``PSAD_MAP_POINT_CAP``) cannot raise
    ``PSAD_ROW_CAP``: a point cap above it makes a view with more points than the row cap fail
    with RowCapExceeded's plain message instead of drawing them."""
    v = victim
    stmt = (select(v.c.lon, v.c.lat, v.c.offense, v.c.occurred_date, v.c.block, v.c.weapon)
            .where(*_locatable(f)).order_by(v.c.occurred_date.desc(), v.c.id.desc()).limit(cap))
    return db.frame(stmt, row_cap=cap)


@cached_query
def density(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Incidents per grid cell (about 400 m square): lon, lat of the cell's centre and n.
    Sexual offenses are left out here too, so the grid never locates one. Whole months come from
    ``agg_victim_cell_month``, the ragged days from the victim rows.

    Bounded by the city, not by the filters: only points inside the city outline keep a location
    (ingest), and Baltimore's outline spans 40 x 49 = 1,960 cells (1,570 touch it), a tenth of
    the default ``PSAD_ROW_CAP``; so the grid runs under the ordinary cap. A cap set below the
    city's cell count makes the map say the view is too broad rather than draw part of a grid."""
    months, days = month_split(f.start, f.end)
    parts = []
    if months:
        t = agg_victim_cell_month
        off = t.c.offense.in_(f.offense) if f.offense else t.c.offense == "*"
        parts.append(select(t.c.gx, t.c.gy, func.sum(t.c.n).label("n"))
                     .where(t.c.m.between(*months), off, *geo_conditions(t, f)).group_by(t.c.gx, t.c.gy))
    v = victim
    gx = cast(func.floor(v.c.lon / CELL_LON), Integer).label("gx")
    gy = cast(func.floor(v.c.lat / CELL_LAT), Integer).label("gy")
    for a, b in days:
        parts.append(select(gx, gy, func.count().label("n"))
                     .where(*_locatable(f.replace(start=a, end=b))).group_by(gx, gy))
    u = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    df = db.frame(select(u.c.gx, u.c.gy, func.sum(u.c.n).label("n")).group_by(u.c.gx, u.c.gy))
    if not len(df):
        return pd.DataFrame({"lon": [], "lat": [], "n": []})
    df = df.astype({"gx": "int64", "gy": "int64", "n": "int64"})
    return pd.DataFrame({"lon": ((df.gx + 0.5) * CELL_LON).round(5),
                         "lat": ((df.gy + 0.5) * CELL_LAT).round(5),
                         "n": df.n.astype("int64")})


@cached_query
def csa_neighborhoods(db: Database, version: int) -> dict[str, list[str]]:
    """CSA code -> the neighborhoods it is made of (CSAs are built from whole neighborhoods)."""
    df = db.frame(select(area_link.c.code, area_link.c.neighborhood).where(area_link.c.layer == "csa"))
    out: dict[str, list[str]] = {}
    for code, nb in df.itertuples(index=False):
        out.setdefault(code, []).append(nb)
    return {k: sorted(v) for k, v in out.items()}


# --- CVI ecosystem ------------------------------------------------------------------------------

CVI_COLUMNS = ("id", "name", "program_type", "operator", "services", "hours", "phone", "url", "started",
               "address", "area_served", "lon", "lat", "police_district", "neighborhood", "council_district",
               "legislative_district", "csa")


@cached_query
def cvi_sites(db: Database, version: int) -> pd.DataFrame:
    """Every CVI site (a few dozen rows), ordered by program type and name."""
    t = cvi_site
    return db.frame(select(*[t.c[c] for c in CVI_COLUMNS]).order_by(t.c.program_type, t.c.name))


def filter_sites(sites: pd.DataFrame, f: Filters, programs: tuple[str, ...] = ()) -> pd.DataFrame:
    """Sites matching the program types (any, when empty) and every geography filter."""
    keep = pd.Series(True, index=sites.index)
    if programs:
        keep &= sites.program_type.isin(programs)
    for name in GEO_FIELDS:
        values = getattr(f, name)
        if values:
            keep &= sites[name].isin(values)
    return sites[keep]


@cached_query
def shootings_near_sites(db: Database, version: int, start, end, radius_m: int) -> pd.DataFrame:
    """Victims of gun violence (non-fatal shootings and homicides by firearm) within ``radius_m``
    of each site, between ``start`` and ``end``. Distance is equirectangular on the block-level
    coordinates (exact to well under 1% at city scale). Columns: id, n (every site, zeros too)."""
    s, v = cvi_site, victim
    dlat = radius_m / M_PER_DEG_LAT
    coslat = func.cos(func.radians(s.c.lat))
    dlon = literal(radius_m / M_PER_DEG_LON_EQUATOR, Float) / coslat
    dx = (v.c.lon - s.c.lon) * M_PER_DEG_LON_EQUATOR * coslat
    dy = (v.c.lat - s.c.lat) * M_PER_DEG_LAT
    join = and_(v.c.is_gun_violence.is_(True), v.c.occurred_date.between(start, end),
                v.c.lat.between(s.c.lat - dlat, s.c.lat + dlat), v.c.lon.between(s.c.lon - dlon, s.c.lon + dlon),
                dx * dx + dy * dy <= radius_m * radius_m)
    stmt = (select(s.c.id, cast(func.count(v.c.id), Integer).label("n"))
            .select_from(s.outerjoin(v, join)).group_by(s.c.id).order_by(s.c.id))
    df = db.frame(stmt)
    return df.astype({"n": "int64"}) if len(df) else pd.DataFrame({"id": [], "n": []})


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The same equirectangular distance the query uses (for tests and captions)."""
    coslat = math.cos(math.radians(lat1))
    return math.hypot((lon2 - lon1) * M_PER_DEG_LON_EQUATOR * coslat, (lat2 - lat1) * M_PER_DEG_LAT)
