"""Pre-aggregated tables, rebuilt inside the transaction of every load.

The pages and the API read these, never the row tables, for counts. A day x offense x geography
cell rarely holds more than one victim, so the geography tables are nearly as long as the victim
table and are read through (geography column, day) indexes when a geography filter is set; every
view without one reads the citywide tables, a few hundred rows per day whatever the volume.
The geography tables are written in (neighborhood, day) order: every district is a union of
neighborhoods, so a district's rows for a span lie in a few dozen runs of adjacent pages instead
of one row per page (8x fewer pages read for a police district's year at demo scale 10).
Because the rebuild happens in the load's transaction, readers see either the old aggregates with
the old data or the new with the new, never a mix.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

_GEO = "police_district, neighborhood, council_district, legislative_district"

REFRESH_SQL = (
    "TRUNCATE agg_victim_daily, agg_victim_hourly, agg_victim_city_daily, agg_victim_city_hourly, "
    "agg_victim_city_hourly_all, agg_victim_gun_daily, agg_arrest_daily",
    f"""INSERT INTO agg_victim_daily (d, offense, gun, {_GEO}, n)
        SELECT occurred_date, offense, is_gun_violence, {_GEO}, count(*)
        FROM victim GROUP BY occurred_date, offense, is_gun_violence, {_GEO}
        ORDER BY neighborhood, occurred_date""",
    f"""INSERT INTO agg_victim_hourly (d, hour, offense, {_GEO}, n)
        SELECT occurred_date, occurred_hour, offense, {_GEO}, count(*)
        FROM victim WHERE occurred_hour IS NOT NULL
        GROUP BY occurred_date, occurred_hour, offense, {_GEO}
        ORDER BY neighborhood, occurred_date""",
    f"""INSERT INTO agg_arrest_daily (d, charge_category, {_GEO}, n)
        SELECT arrest_date, charge_category, {_GEO}, count(*)
        FROM arrest GROUP BY arrest_date, charge_category, {_GEO}
        ORDER BY neighborhood, arrest_date""",
    # The citywide tables roll up the geography tables, not the victim rows: half the work.
    """INSERT INTO agg_victim_city_daily (d, offense, gun, n)
        SELECT d, offense, gun, sum(n) FROM agg_victim_daily GROUP BY d, offense, gun""",
    """INSERT INTO agg_victim_city_hourly (d, hour, offense, n)
        SELECT d, hour, offense, sum(n) FROM agg_victim_hourly GROUP BY d, hour, offense""",
    f"""INSERT INTO agg_victim_gun_daily (d, {_GEO}, n)
        SELECT d, {_GEO}, sum(n) FROM agg_victim_daily WHERE gun GROUP BY d, {_GEO}""",
    """INSERT INTO agg_victim_city_hourly_all (d, hour, n)
        SELECT d, hour, sum(n) FROM agg_victim_city_hourly GROUP BY d, hour""",
    "ANALYZE agg_victim_daily",
    "ANALYZE agg_victim_city_daily",
    "ANALYZE agg_victim_city_hourly",
    "ANALYZE agg_victim_city_hourly_all",
    "ANALYZE agg_victim_gun_daily",
    "ANALYZE agg_victim_hourly",
    "ANALYZE agg_arrest_daily",
)


# --- Demographics, arrests and case outcomes (issue 5) ------------------------------------------

def _age_band(col: str) -> str:
    # The bands of data_access.demographics.AGE_BANDS; a missing or impossible age is Unknown.
    return (f"CASE WHEN {col} IS NULL OR {col} < 0 OR {col} > 120 THEN 'Unknown' "
            f"WHEN {col} < 18 THEN 'Under 18' WHEN {col} < 25 THEN '18-24' "
            f"WHEN {col} < 35 THEN '25-34' WHEN {col} < 45 THEN '35-44' "
            f"WHEN {col} < 55 THEN '45-54' ELSE '55+' END")


def _known(col: str) -> str:
    return f"coalesce(nullif(btrim({col}), ''), 'Unknown')"


def _demo(age: str, sex: str, race: str, eth: str) -> str:
    return (f"{_age_band(age)} AS age_band, {_known(sex)} AS sex, {_known(race)} AS race, "
            f"{_known(eth)} AS ethnicity")


_GUN = "('homicide', 'shooting')"

DEMOGRAPHIC_SQL = (
    "TRUNCATE agg_victim_demo, agg_arrest_demo, agg_gun_incident, agg_gun_arrest, "
    "agg_charge_outcome, agg_case_status, case_search",
    f"""INSERT INTO agg_victim_demo (m, offense, {_GEO}, age_band, sex, race, ethnicity, n)
        SELECT date_trunc('month', occurred_date)::date, offense, {_GEO},
               {_demo('victim_age', 'victim_sex', 'victim_race', 'victim_ethnicity')}, count(*)
        FROM victim GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10""",
    f"""INSERT INTO agg_arrest_demo (m, charge_category, {_GEO}, age_band, sex, race, ethnicity, n)
        SELECT date_trunc('month', arrest_date)::date, charge_category, {_GEO},
               {_demo('age', 'sex', 'race', 'ethnicity')}, count(*)
        FROM arrest GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10""",
    # One incident per (cc_number, offense); its date and place are its first victim's.
    f"""INSERT INTO agg_gun_incident (year, offense, {_GEO}, incidents, cleared_same_year,
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
        GROUP BY 1, 2, 3, 4, 5, 6""",
    f"""INSERT INTO agg_gun_arrest (year, offense, link, {_GEO}, n)
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
        GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    f"""INSERT INTO agg_charge_outcome (d, {_GEO}, gun, disposition, n)
        SELECT c.filed_date, {', '.join('c.' + g for g in _GEO.split(', '))}, ch.is_gun_charge,
               ch.disposition, count(*)
        FROM sao_case c JOIN case_charge ch ON ch.case_id = c.id
        GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    # A case is pending while any of its charges is; otherwise it was decided on its last
    # disposition date, counted from the (earliest) arrest with its arrest number.
    f"""INSERT INTO agg_case_status (d, {_GEO}, gun, pending, days, n)
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
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""",
    f"""INSERT INTO case_search (description, filed_date, case_id, {_GEO})
        SELECT DISTINCT ch.description, c.filed_date, c.id, {', '.join('c.' + g for g in _GEO.split(', '))}
        FROM case_charge ch JOIN sao_case c ON c.id = ch.case_id WHERE ch.description IS NOT NULL""",
    "ANALYZE case_search",
    # Fresh statistics on the case tables, so a page's 25 ids are looked up by index (without
    # them the planner scans every charge until autovacuum gets round to it).
    "ANALYZE sao_case",
    "ANALYZE case_charge",
    "ANALYZE agg_victim_demo",
    "ANALYZE agg_arrest_demo",
    "ANALYZE agg_charge_outcome",
    "ANALYZE agg_case_status",
)


# Map page (issue 4): density grid cells per month (sexual offenses never enter it).
_GEO4 = "police_district, neighborhood, council_district, legislative_district"
CELL_SQL = (
    "TRUNCATE agg_victim_cell_month",
    f"""INSERT INTO agg_victim_cell_month (m, offense, gx, gy, {_GEO4}, n)
        SELECT date_trunc('month', occurred_date)::date, offense, floor(lon / 0.0047)::int,
               floor(lat / 0.0036)::int, {_GEO4}, count(*)
        FROM victim
        WHERE lon IS NOT NULL AND lat IS NOT NULL
          AND offense IN (SELECT code FROM offense_category WHERE NOT sexual)
        GROUP BY 1, 2, 3, 4, {_GEO4}""",
    f"""INSERT INTO agg_victim_cell_month (m, offense, gx, gy, {_GEO4}, n)
        SELECT m, '*', gx, gy, {_GEO4}, sum(n) FROM agg_victim_cell_month
        GROUP BY m, gx, gy, {_GEO4}""",
    "ANALYZE agg_victim_cell_month",
)

# Map page (issue 4): every area layer the choropleth can shade, both police-district maps and CSAs.
_AREAS = ("police_district, police_district_pre2023, police_district_2023, neighborhood, "
          "council_district, legislative_district, csa")
REFRESH_SQL += (
    "TRUNCATE agg_victim_area, agg_victim_area_month, agg_victim_area_year",
    f"""INSERT INTO agg_victim_area (d, offense, {_AREAS}, n)
        SELECT occurred_date, offense, {_AREAS}, count(*)
        FROM victim GROUP BY occurred_date, offense, {_AREAS}""",
    f"""INSERT INTO agg_victim_area_month (m, offense, {_AREAS}, n)
        SELECT date_trunc('month', d)::date, offense, {_AREAS}, sum(n)
        FROM agg_victim_area GROUP BY date_trunc('month', d)::date, offense, {_AREAS}""",
    f"""INSERT INTO agg_victim_area_month (m, offense, {_AREAS}, n)
        SELECT m, '*', {_AREAS}, sum(n) FROM agg_victim_area_month GROUP BY m, {_AREAS}""",
    f"""INSERT INTO agg_victim_area_year (y, offense, {_AREAS}, n)
        SELECT date_trunc('year', m)::date, offense, {_AREAS}, sum(n)
        FROM agg_victim_area_month GROUP BY date_trunc('year', m)::date, offense, {_AREAS}""",
    "ANALYZE agg_victim_area",
    "ANALYZE agg_victim_area_month",
    "ANALYZE agg_victim_area_year",
    *CELL_SQL,
)


def refresh(conn: Connection) -> None:
    for sql in REFRESH_SQL + DEMOGRAPHIC_SQL:
        conn.execute(text(sql))
