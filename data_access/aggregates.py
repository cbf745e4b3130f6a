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


def refresh(conn: Connection) -> None:
    for sql in REFRESH_SQL:
        conn.execute(text(sql))


# --- issue 3: incremental rebuild for loads that touch a few days (psad refresh) -------------

def refresh_days(conn: Connection, victim_days, arrest_days) -> None:
    """Rebuild the pre-aggregates for the given local days only (the days a load inserted,
    updated or moved records from). Same SQL as ``refresh``, restricted by date, so the result
    is identical to a full rebuild; a weekly refresh touches a few weeks instead of 15 years."""
    v = sorted(set(victim_days))
    a = sorted(set(arrest_days))
    if v:
        conn.execute(text("DELETE FROM agg_victim_daily WHERE d = ANY(:d)"), {"d": v})
        conn.execute(text("DELETE FROM agg_victim_hourly WHERE d = ANY(:d)"), {"d": v})
        conn.execute(text(REFRESH_SQL[1].replace("FROM victim", "FROM victim WHERE occurred_date = ANY(:d)")), {"d": v})
        conn.execute(text(REFRESH_SQL[2].replace("WHERE occurred_hour IS NOT NULL",
                                                 "WHERE occurred_hour IS NOT NULL AND occurred_date = ANY(:d)")),
                     {"d": v})
    if a:
        conn.execute(text("DELETE FROM agg_arrest_daily WHERE d = ANY(:d)"), {"d": a})
        conn.execute(text(REFRESH_SQL[3].replace("FROM arrest", "FROM arrest WHERE arrest_date = ANY(:d)")), {"d": a})
