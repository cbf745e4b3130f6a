"""Pre-aggregated tables, rebuilt inside the transaction of every load.

The pages and the API read these, never the row tables, for counts: a day x offense x geography
grid is a fraction of the victim rows at demo scale 10 and keeps every Summary query an index
range scan. Because the rebuild happens in the load's transaction, readers see either the old
aggregates with the old data or the new with the new, never a mix.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

_GEO = "police_district, neighborhood, council_district, legislative_district"

REFRESH_SQL = (
    "TRUNCATE agg_victim_daily, agg_victim_hourly, agg_arrest_daily",
    f"""INSERT INTO agg_victim_daily (d, offense, gun, {_GEO}, n)
        SELECT occurred_date, offense, is_gun_violence, {_GEO}, count(*)
        FROM victim GROUP BY occurred_date, offense, is_gun_violence, {_GEO}""",
    f"""INSERT INTO agg_victim_hourly (d, hour, offense, {_GEO}, n)
        SELECT occurred_date, occurred_hour, offense, {_GEO}, count(*)
        FROM victim WHERE occurred_hour IS NOT NULL
        GROUP BY occurred_date, occurred_hour, offense, {_GEO}""",
    f"""INSERT INTO agg_arrest_daily (d, charge_category, {_GEO}, n)
        SELECT arrest_date, charge_category, {_GEO}, count(*)
        FROM arrest GROUP BY arrest_date, charge_category, {_GEO}""",
    "ANALYZE agg_victim_daily",
    "ANALYZE agg_victim_hourly",
    "ANALYZE agg_arrest_daily",
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
    for sql in REFRESH_SQL:
        conn.execute(text(sql))
