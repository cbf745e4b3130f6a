"""Pre-aggregated tables, rebuilt inside the transaction of every load.

The pages and the API read these, never the row tables, for counts. A day x offense x geography
cell rarely holds more than one victim, so the finest table (``agg_victim_detail``: day, hour,
offense, gun flag, every area) is nearly as long as the victim table; there is one such table, not
one per page, and it is read through (geography column, day) indexes when a geography filter is
set; every view without one reads the citywide tables, a few hundred rows per day whatever the
volume. The geography tables are written in (neighborhood, day or month) order: every district is a union of
neighborhoods, so a district's rows for a span lie in a few dozen runs of adjacent pages instead
of one row per page (8x fewer pages read for a police district's year at demo scale 10).
Because the rebuild happens in the load's transaction, readers see either the old aggregates with
the old data or the new with the new, never a mix.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Connection

from data_access.db import indexes_rebuilt_after

_GEO = "police_district, neighborhood, council_district, legislative_district"
_AREAS = ("police_district, police_district_pre2023, police_district_2023, neighborhood, "
          "council_district, legislative_district, csa")
_GUN = "('homicide', 'shooting')"


# --- Demographics, arrests and case outcomes ----------------------------------------------------

def _age_band(col: str) -> str:
    # The bands of data_access.vocabulary.AGE_BANDS; a missing or impossible age is Unknown.
    return (f"CASE WHEN {col} IS NULL OR {col} < 0 OR {col} > 120 THEN 'Unknown' "
            f"WHEN {col} < 18 THEN 'Under 18' WHEN {col} < 25 THEN '18-24' "
            f"WHEN {col} < 35 THEN '25-34' WHEN {col} < 45 THEN '35-44' "
            f"WHEN {col} < 55 THEN '45-54' ELSE '55+' END")


def _known(col: str) -> str:
    return f"coalesce(nullif(btrim({col}), ''), 'Unknown')"


def _demo(age: str, sex: str, race: str, eth: str) -> str:
    return (f"{_age_band(age)} AS age_band, {_known(sex)} AS sex, {_known(race)} AS race, "
            f"{_known(eth)} AS ethnicity")


@dataclass(frozen=True)
class Agg:
    """One statement of the rebuild.

    ``grain`` says which changed keys restrict it: ``vday``/``vmonth``/``vyear`` (victim days,
    months, years), ``aday``/``amonth`` (arrests), ``gun`` (rebuilt whole whenever victims or
    arrests change: clearance links incidents and arrests across years), ``cases`` (rebuilt whole
    when cases or arrests change). ``sql`` has a ``{where}`` slot: TRUE in a full rebuild, the
    key restriction in a partial one. ``clear`` empties the table's affected keys first (``None``:
    the statement adds to rows an earlier one of the same table cleared).
    """

    table: str
    grain: str
    sql: str
    clear: str | None = ""  # "" = the grain's default key column


_KEY = {"vday": "d", "aday": "d", "vmonth": "m", "amonth": "m", "vyear": "y"}
_PARAM = {"vday": ":vdays", "aday": ":adays", "vmonth": ":vmonths", "amonth": ":amonths",
          "vyear": ":vyears"}
# Restrictions on the source rows. Month restrictions go through the date index first.
_VDAYS = "occurred_date = ANY(:vdays)"
_VMONTHS = ("occurred_date BETWEEN :vmin AND :vmax "
            "AND date_trunc('month', occurred_date)::date = ANY(:vmonths)")
_AMONTHS = ("arrest_date BETWEEN :amin AND :amax "
            "AND date_trunc('month', arrest_date)::date = ANY(:amonths)")

_FIELDS = "police_district, council_district, legislative_district"  # schema.ROLLUP_FIELDS


def _per_field(table: str, keys: str, source: str) -> str:
    """INSERT into a per-area roll-up (field, value, ``keys``, n): the "city" row and one per
    district field, from ``source`` (a SELECT of ``keys``, the district fields and n, with
    ``{geo}`` for the fields) in one pass with grouping sets; unknown areas are left out."""
    src = source.format(geo=_FIELDS)
    return f"""
        INSERT INTO {table} (field, value, {keys}, n)
        SELECT CASE WHEN GROUPING(police_district) = 0 THEN 'police_district'
                    WHEN GROUPING(council_district) = 0 THEN 'council_district'
                    WHEN GROUPING(legislative_district) = 0 THEN 'legislative_district' ELSE 'city' END,
               coalesce(police_district, council_district, legislative_district, ''), {keys}, sum(n)
        FROM ({src}) s
        GROUP BY GROUPING SETS (({keys}), (police_district, {keys}), (council_district, {keys}),
                                (legislative_district, {keys}))
        HAVING GROUPING(police_district) + GROUPING(council_district) + GROUPING(legislative_district) = 3
            OR coalesce(police_district, council_district, legislative_district) IS NOT NULL"""


AGGREGATES: tuple[Agg, ...] = (
    # Day x hour x offense x every area: the finest table, in (neighborhood, day) order (see the
    # module doc); every victim table below but the grid and the demographics rolls up from it.
    Agg("agg_victim_detail", "vday", f"""
        INSERT INTO agg_victim_detail (d, hour, offense, gun, {_AREAS}, n)
        SELECT occurred_date, occurred_hour, offense, is_gun_violence, {_AREAS}, count(*)
        FROM victim WHERE {{where_vday}}
        GROUP BY occurred_date, occurred_hour, offense, is_gun_violence, {_AREAS}
        ORDER BY neighborhood, occurred_date"""),
    Agg("agg_arrest_daily", "aday", f"""
        INSERT INTO agg_arrest_daily (d, charge_category, {_GEO}, n)
        SELECT arrest_date, charge_category, {_GEO}, count(*)
        FROM arrest WHERE {{where_aday}}
        GROUP BY arrest_date, charge_category, {_GEO}
        ORDER BY neighborhood, arrest_date"""),
    # Citywide roll-ups (the Summary without a geography filter).
    Agg("agg_victim_city_daily", "vday", """
        INSERT INTO agg_victim_city_daily (d, offense, gun, n)
        SELECT d, offense, gun, sum(n) FROM agg_victim_detail WHERE {where_d}
        GROUP BY d, offense, gun"""),
    Agg("agg_victim_city_month", "vmonth", """
        INSERT INTO agg_victim_city_month (m, offense, gun, n)
        SELECT date_trunc('month', d)::date, offense, gun, sum(n) FROM agg_victim_city_daily
        WHERE {where_month_of_d} GROUP BY 1, 2, 3"""),
    Agg("agg_victim_city_hourly", "vday", """
        INSERT INTO agg_victim_city_hourly (d, hour, offense, n)
        SELECT d, hour, offense, sum(n) FROM agg_victim_detail WHERE hour IS NOT NULL AND {where_d}
        GROUP BY d, hour, offense"""),
    Agg("agg_victim_city_hourly_all", "vday", """
        INSERT INTO agg_victim_city_hourly_all (d, hour, n)
        SELECT d, hour, sum(n) FROM agg_victim_city_hourly WHERE {where_d} GROUP BY d, hour"""),
    Agg("agg_victim_gun_daily", "vday", f"""
        INSERT INTO agg_victim_gun_daily (d, {_GEO}, n)
        SELECT d, {_GEO}, sum(n) FROM agg_victim_detail WHERE gun AND {{where_d}}
        GROUP BY d, {_GEO}"""),
    # All offenses per area, citywide and per district field: by day, and by year x weekday x
    # hour (one pass each, grouping sets). A month x weekday x hour table would hold as many rows
    # as there are victims at demo scale 1: its rebuild would cost more than it saves.
    Agg("agg_victim_field_daily", "vday", _per_field(
        "agg_victim_field_daily", "d", "SELECT d, {geo}, n FROM agg_victim_detail WHERE {{where_d}}")),
    Agg("agg_victim_hourly_year", "vyear", _per_field(
        "agg_victim_hourly_year", "y, dow, hour",
        "SELECT date_trunc('year', d)::date AS y, date_part('isodow', d)::smallint AS dow, hour, {geo}, n "
        "FROM agg_victim_detail WHERE hour IS NOT NULL AND {{where_year_of_d}}")),
    # Map (and the Summary's whole months): every area layer by month (with an all-offenses "*"
    # row) and year.
    Agg("agg_victim_area_month", "vmonth", f"""
        INSERT INTO agg_victim_area_month (m, offense, {_AREAS}, n)
        SELECT date_trunc('month', d)::date, offense, {_AREAS}, sum(n)
        FROM agg_victim_detail WHERE {{where_month_of_d}}
        GROUP BY date_trunc('month', d)::date, offense, {_AREAS}
        ORDER BY neighborhood, 1"""),
    Agg("agg_victim_area_month", "vmonth", f"""
        INSERT INTO agg_victim_area_month (m, offense, {_AREAS}, n)
        SELECT m, '*', {_AREAS}, sum(n) FROM agg_victim_area_month
        WHERE offense <> '*' AND {{where_m}} GROUP BY m, {_AREAS}""", clear=None),
    Agg("agg_victim_area_year", "vyear", f"""
        INSERT INTO agg_victim_area_year (y, offense, {_AREAS}, n)
        SELECT date_trunc('year', m)::date, offense, {_AREAS}, sum(n)
        FROM agg_victim_area_month WHERE {{where_year_of_m}}
        GROUP BY date_trunc('year', m)::date, offense, {_AREAS}"""),
    # Map density grid (~400 m cells) by month; sexual offenses never enter it.
    Agg("agg_victim_cell_month", "vmonth", f"""
        INSERT INTO agg_victim_cell_month (m, offense, gx, gy, {_GEO}, n)
        SELECT date_trunc('month', occurred_date)::date, offense, floor(lon / 0.0047)::int,
               floor(lat / 0.0036)::int, {_GEO}, count(*)
        FROM victim
        WHERE lon IS NOT NULL AND lat IS NOT NULL
          AND offense IN (SELECT code FROM offense_category WHERE NOT sexual) AND {{where_vmonth}}
        GROUP BY 1, 2, 3, 4, {_GEO}"""),
    Agg("agg_victim_cell_month", "vmonth", f"""
        INSERT INTO agg_victim_cell_month (m, offense, gx, gy, {_GEO}, n)
        SELECT m, '*', gx, gy, {_GEO}, sum(n) FROM agg_victim_cell_month
        WHERE offense <> '*' AND {{where_m}} GROUP BY m, gx, gy, {_GEO}""", clear=None),
    # Demographics: victims and arrestees by month x offense/charge x geography x group.
    Agg("agg_victim_demo", "vmonth", f"""
        INSERT INTO agg_victim_demo (m, offense, {_GEO}, age_band, sex, race, ethnicity, n)
        SELECT date_trunc('month', occurred_date)::date, offense, {_GEO},
               {{demo_victim}}, count(*)
        FROM victim WHERE {{where_vmonth}} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"""),
    Agg("agg_arrest_demo", "amonth", f"""
        INSERT INTO agg_arrest_demo (m, charge_category, {_GEO}, age_band, sex, race, ethnicity, n)
        SELECT date_trunc('month', arrest_date)::date, charge_category, {_GEO},
               {{demo_arrest}}, count(*)
        FROM arrest WHERE {{where_amonth}} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"""),
    # Clearance of homicides and shootings (small: gun offenses only).
    Agg("agg_gun_incident", "gun", f"""INSERT INTO agg_gun_incident (year, offense, {_GEO}, incidents, cleared_same_year,
                                          cleared_by_now)
            WITH inc AS (
                SELECT DISTINCT ON (cc_number, offense) cc_number, offense, occurred_date, {_GEO}
                FROM victim WHERE offense IN {_GUN} AND cc_number IS NOT NULL
                ORDER BY cc_number, offense, occurred_date),
            arr AS (
                SELECT a.cc_number, bool_or(extract(year FROM a.arrest_date) = extract(year FROM i.occurred_date)
                                            AND a.arrest_date >= i.occurred_date) AS same_year
                FROM arrest a JOIN inc i ON i.cc_number = a.cc_number AND i.offense = a.offense
                GROUP BY a.cc_number)
            SELECT extract(year FROM i.occurred_date)::int, i.offense, {', '.join('i.' + c for c in _GEO.split(', '))},
                   count(*), count(*) FILTER (WHERE arr.same_year), count(arr.cc_number)
            FROM inc i LEFT JOIN arr ON arr.cc_number = i.cc_number
            GROUP BY 1, 2, 3, 4, 5, 6"""),
    Agg("agg_gun_arrest", "gun", f"""INSERT INTO agg_gun_arrest (year, offense, link, {_GEO}, n)
            WITH inc AS (
                SELECT cc_number, offense, min(occurred_date) AS occurred_date
                FROM victim WHERE offense IN {_GUN} AND cc_number IS NOT NULL
                GROUP BY cc_number, offense)
            SELECT extract(year FROM a.arrest_date)::int, a.offense,
                   CASE WHEN i.cc_number IS NULL OR i.occurred_date > a.arrest_date THEN 'unlinked'
                        WHEN extract(year FROM i.occurred_date) = extract(year FROM a.arrest_date)
                        THEN 'same_year' ELSE 'earlier_year' END,
                   {', '.join('a.' + c for c in _GEO.split(', '))}, count(*)
            FROM arrest a LEFT JOIN inc i ON i.cc_number = a.cc_number AND i.offense = a.offense
            WHERE a.offense IN {_GUN}
            GROUP BY 1, 2, 3, 4, 5, 6, 7"""),
    # State's Attorney cases.
    Agg("agg_charge_outcome", "cases", f"""INSERT INTO agg_charge_outcome (d, {_GEO}, gun, disposition, n)
            SELECT c.filed_date, {', '.join('c.' + g for g in _GEO.split(', '))}, ch.is_gun_charge,
                   ch.disposition, count(*)
            FROM sao_case c JOIN case_charge ch ON ch.case_id = c.id
            GROUP BY 1, 2, 3, 4, 5, 6, 7"""),
    Agg("agg_case_status", "cases", f"""INSERT INTO agg_case_status (d, {_GEO}, gun, pending, days, n)
            WITH per_case AS (
                SELECT c.id, c.filed_date, {', '.join('c.' + g for g in _GEO.split(', '))},
                       bool_or(ch.is_gun_charge) AS gun,
                       bool_or(ch.disposition = 'pending') AS pending,
                       max(ch.disposition_date) AS decided,
                       c.arrest_number
                FROM sao_case c JOIN case_charge ch ON ch.case_id = c.id
                GROUP BY c.id),
            arr AS (SELECT arrest_number, min(arrest_date) AS arrest_date FROM arrest
                    WHERE arrest_number IN (SELECT arrest_number FROM sao_case) GROUP BY arrest_number)
            SELECT p.filed_date, {', '.join('p.' + g for g in _GEO.split(', '))}, p.gun, p.pending,
                   CASE WHEN p.pending THEN NULL ELSE p.decided - arr.arrest_date END, count(*)
            FROM per_case p LEFT JOIN arr ON arr.arrest_number = p.arrest_number
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""),
    Agg("case_search", "cases", f"""INSERT INTO case_search (description, filed_date, case_id, {_GEO})
            SELECT DISTINCT ch.description, c.filed_date, c.id, {', '.join('c.' + g for g in _GEO.split(', '))}
            FROM case_charge ch JOIN sao_case c ON c.id = ch.case_id WHERE ch.description IS NOT NULL"""),
)


def _months(days) -> list[date]:
    return sorted({d.replace(day=1) for d in days})


def _run(conn: Connection, aggs, where: dict, params: dict, full: bool) -> None:
    aggs = list(aggs)
    cleared: set[str] = set()
    with ExitStack() as deferred:
        for i, a in enumerate(aggs):
            if a.clear is not None and a.table not in cleared:
                if full or a.grain in ("gun", "cases"):
                    conn.execute(text(f"TRUNCATE {a.table}"))
                    # An emptied table is refilled whole: its indexes are built once, when the
                    # rebuild ends (the statements in between read whole tables, not by index).
                    deferred.enter_context(indexes_rebuilt_after(conn, a.table, keys=True))
                else:
                    conn.execute(text(f"DELETE FROM {a.table} WHERE {_KEY[a.grain]} = ANY({_PARAM[a.grain]})"),
                                 params)
                cleared.add(a.table)
            conn.execute(text(a.sql.format(**where)), params)


_SLOTS = {
    "demo_victim": _demo("victim_age", "victim_sex", "victim_race", "victim_ethnicity"),
    "demo_arrest": _demo("age", "sex", "race", "ethnicity"),
}


# Which row tables each grain is built from: a load rebuilds only what its table feeds.
SOURCES = {"vday": {"victim"}, "vmonth": {"victim"}, "vyear": {"victim"}, "aday": {"arrest"},
           "amonth": {"arrest"}, "gun": {"victim", "arrest"}, "cases": {"cases", "arrest"}}
ROW_TABLES = frozenset({"victim", "arrest", "cases"})


def refresh(conn: Connection, changed=ROW_TABLES) -> None:
    """Rebuild, whole, every pre-aggregate built from the ``changed`` row tables (``victim``,
    ``arrest``, ``cases``; all of them for a demo load or new boundaries)."""
    everything = {k: "TRUE" for k in ("where_vday", "where_aday", "where_d", "where_m",
                                       "where_month_of_d", "where_year_of_m", "where_year_of_d",
                                       "where_vmonth", "where_amonth")}
    todo = [a for a in AGGREGATES if SOURCES[a.grain] & set(changed)]
    _run(conn, todo, {**everything, **_SLOTS}, {}, full=True)
    if "victim" in set(changed):
        _victims_changed(conn)
    if "arrest" in set(changed):
        _arrests_changed(conn)
    for table in sorted({a.table for a in todo}) + ["sao_case", "case_charge"]:
        conn.execute(text(f"ANALYZE {table}"))


def refresh_days(conn: Connection, victim_days, arrest_days) -> None:
    """Rebuild the pre-aggregates for the local days a load inserted, updated or moved records
    from (and the months and years holding them): the same statements restricted by key, so the
    result equals a full rebuild; a weekly refresh touches a few weeks instead of 15 years."""
    v, a = sorted(set(victim_days)), sorted(set(arrest_days))
    vm, am = _months(v), _months(a)
    params = {"vdays": v, "adays": a, "vmonths": vm, "amonths": am,
              "vyears": sorted({d.replace(month=1, day=1) for d in v}),
              "ymin": date(v[0].year, 1, 1) if v else None, "ymax": date(v[-1].year, 12, 31) if v else None,
              "vmin": vm[0] if vm else None, "vmax": v[-1] + timedelta(days=31) if v else None,
              "amin": am[0] if am else None, "amax": a[-1] + timedelta(days=31) if a else None}
    where = {
        "where_vday": _VDAYS, "where_aday": "arrest_date = ANY(:adays)", "where_d": "d = ANY(:vdays)",
        "where_m": "m = ANY(:vmonths)",
        "where_month_of_d": ("d BETWEEN :vmin AND :vmax "
                             "AND date_trunc('month', d)::date = ANY(:vmonths)"),
        "where_year_of_m": "date_trunc('year', m)::date = ANY(:vyears)",
        "where_year_of_d": ("d BETWEEN :ymin AND :ymax "
                            "AND date_trunc('year', d)::date = ANY(:vyears)"),
        "where_vmonth": _VMONTHS, "where_amonth": _AMONTHS, **_SLOTS,
    }
    todo = [g for g in AGGREGATES
            if (g.grain.startswith("v") and v) or (g.grain.startswith("a") and a)
            or (g.grain == "gun" and (v or a)) or (g.grain == "cases" and a)]
    _run(conn, todo, where, params, full=False)
    if v:
        _victims_changed(conn)
    if a:
        _arrests_changed(conn)


def _victims_changed(conn: Connection) -> None:
    """Pre-aggregates of other datasets' modules built from the victims, in the load's transaction
    (so no request rebuilds them): the Plan KPI's Part 1 incidents (``data_access.ipv``)."""
    from data_access.ipv import refresh_part1_in_load

    refresh_part1_in_load(conn)


# Built from ``agg_arrest_demo`` (migration 0014): refreshed whole after it, in the same transaction.
ARREST_VIEWS = ("agg_arrest_age_year",)


def _arrests_changed(conn: Connection) -> None:
    """Pre-aggregates built from the arrests' monthly demographics, in the load's transaction: the
    Plan KPI's arrestees per year, area and age band (``agg_arrest_age_year``, a materialized view:
    refreshed whole, a roll-up of ``agg_arrest_demo``'s few hundred thousand rows per scale)."""
    for view in ARREST_VIEWS:
        conn.execute(text(f"REFRESH MATERIALIZED VIEW {view}"))
        conn.execute(text(f"ANALYZE {view}"))


def refresh_cases(conn: Connection) -> None:
    """Rebuild what is built from State's Attorney cases (after a cases load)."""
    _run(conn, [g for g in AGGREGATES if g.grain == "cases"], {}, {}, full=True)
    for table in ("agg_charge_outcome", "agg_case_status", "case_search", "sao_case", "case_charge"):
        conn.execute(text(f"ANALYZE {table}"))
