"""The database schema as SQLAlchemy Core tables: the single description queries are built from.

Alembic migrations (``data_access/migrations``) create exactly these tables; a test compares the
migrated database with this metadata so the two cannot drift.

Privacy is part of the schema: no table has a column for a victim's or defendant's name, and
locations are stored only at block level (``block`` text and geomasked coordinates).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

# Geography layers. Police districts exist under two maps: the one in force until the end of
# 2022 and the redrawn one in force from 2023-01-01.
LAYERS: dict[str, str] = {
    "neighborhood": "Neighborhood",
    "police_district": "Police district (map in force)",
    "police_district_pre2023": "Police district (pre-2023 map)",
    "police_district_2023": "Police district (2023 map)",
    "council_district": "City Council district",
    "legislative_district": "State legislative district",
    "csa": "Community Statistical Area",
    "city": "City outline",
}
DISTRICT_MAP_CHANGE = "2023-01-01"

geography = Table(
    "geography",
    metadata,
    Column("layer", Text, primary_key=True),
    Column("code", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("population", Integer),
    Column("population_year", SmallInteger),
    Column("area_sq_km", Float),
    Column("centroid_lon", Float),
    Column("centroid_lat", Float),
    Column("geometry", JSONB, nullable=False),  # GeoJSON geometry, WGS84 lon/lat
)

# Which district of each other layer a neighborhood falls in (by largest overlap); used to
# narrow filter options ("neighborhoods in the Northern district").
area_link = Table(
    "area_link",
    metadata,
    Column("neighborhood", Text, primary_key=True),
    Column("layer", Text, primary_key=True),
    Column("code", Text, nullable=False),
)

offense_category = Table(
    "offense_category",
    metadata,
    Column("code", Text, primary_key=True),
    Column("label", Text, nullable=False),
    Column("grp", Text, nullable=False),
    Column("sexual", Boolean, nullable=False),
    Column("sort", SmallInteger, nullable=False),
)

# Geography columns shared by every located dataset.
def _geo_columns() -> list[Column]:
    return [
        Column("police_district", Text),  # under the map in force on the record's date
        Column("police_district_pre2023", Text),
        Column("police_district_2023", Text),
        Column("neighborhood", Text),
        Column("council_district", Text),
        Column("legislative_district", Text),
        Column("csa", Text),
        Column("block", Text),  # e.g. "1200 BLOCK N CHARLES ST": never an exact address
        Column("lon", Float),  # geomasked to the block
        Column("lat", Float),
    ]


# One row per victim of a Part 1 crime (BPD publishes victim-based rows).
victim = Table(
    "victim",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # demo | bpd_csv | bpd_arcgis
    Column("source_key", Text),  # RowID / CCNumber+victim seq where the source has one
    Column("cc_number", Text),
    Column("occurred_at", DateTime(timezone=True)),
    Column("occurred_date", Date, nullable=False),  # local (America/New_York) date
    Column("occurred_hour", SmallInteger),  # local hour, NULL when the source has no time
    Column("occurred_dow", SmallInteger, nullable=False),  # ISO: 1 = Monday
    Column("crime_code", Text),
    Column("description", Text),
    Column("offense", Text, ForeignKey("offense_category.code"), nullable=False),
    Column("offense_group", Text, nullable=False),
    Column("weapon", Text),
    Column("is_gun_violence", Boolean, nullable=False),
    Column("premise", Text),
    Column("inside_outside", Text),  # inside | outside | NULL
    Column("victim_age", SmallInteger),
    Column("victim_sex", Text),
    Column("victim_race", Text),
    Column("victim_ethnicity", Text),
    Column("post", Text),
    *_geo_columns(),
    Column("load_id", Integer),
)
Index("ix_victim_date", victim.c.occurred_date)
Index("ix_victim_source_key", victim.c.source, victim.c.source_key)
# issue 3 (migration 0002): real records are matched on reload/refresh by a unique key.
Index("ux_victim_key", victim.c.source_key, unique=True, postgresql_where=text("source <> 'demo'"))

arrest = Table(
    "arrest",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("arrest_number", Text),
    Column("arrested_at", DateTime(timezone=True)),
    Column("arrest_date", Date, nullable=False),
    Column("arrest_hour", SmallInteger),
    Column("age", SmallInteger),
    Column("sex", Text),
    Column("race", Text),
    Column("ethnicity", Text),
    Column("charge", Text),
    Column("charge_description", Text),
    Column("charge_category", Text),
    Column("incident_offense", Text),  # raw text
    Column("offense", Text),  # canonical category when the incident offense maps to one
    Column("post", Text),
    *_geo_columns(),
    Column("load_id", Integer),
)
Index("ix_arrest_date", arrest.c.arrest_date)
Index("ix_arrest_number", arrest.c.arrest_number)
# issue 3 (migration 0002): ArrestNumber + occurrence, or a content key (data_access.ingest).
arrest.append_column(Column("source_key", Text))
Index("ux_arrest_key", arrest.c.source_key, unique=True, postgresql_where=text("source <> 'demo'"))

# State's Attorney's Office cases. Defendants appear only as age band, sex and race.
sao_case = Table(
    "sao_case",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("case_number", Text, nullable=False, unique=True),
    Column("filed_date", Date, nullable=False),
    Column("court", Text),  # circuit | district
    Column("arrest_number", Text),
    Column("defendant_age_band", Text),
    Column("defendant_sex", Text),
    Column("defendant_race", Text),
    Column("police_district", Text),
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("csa", Text),
    Column("load_id", Integer),
)
Index("ix_case_filed", sao_case.c.filed_date)
Index("ix_case_arrest", sao_case.c.arrest_number)

case_charge = Table(
    "case_charge",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("case_id", BigInteger, ForeignKey("sao_case.id", ondelete="CASCADE"), nullable=False),
    Column("seq", SmallInteger, nullable=False),
    Column("statute", Text),
    Column("description", Text),
    Column("severity", Text),  # felony | misdemeanor
    Column("charge_category", Text),
    Column("is_gun_charge", Boolean, nullable=False),
    Column("disposition", Text, nullable=False),
    Column("disposition_date", Date),
    Column("sentence_summary", Text),
    UniqueConstraint("case_id", "seq"),
)
Index("ix_charge_case", case_charge.c.case_id)

cvi_site = Table(
    "cvi_site",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("program_type", Text, nullable=False),
    Column("operator", Text),
    Column("services", Text),
    Column("hours", Text),
    Column("phone", Text),
    Column("url", Text),
    Column("started", Date),
    Column("address", Text),  # a program's public street address (organizations, not people)
    Column("area_served", Text),  # plain words: "Citywide", "McElderry Park and nearby blocks", …
    Column("lon", Float),
    Column("lat", Float),
    Column("police_district", Text),
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("csa", Text),
)

load_log = Table(
    "load_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", Text, nullable=False),
    Column("source", Text, nullable=False),  # file path, URL or "demo"
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", Text, nullable=False),  # running | ok | failed
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("rows_loaded", BigInteger, nullable=False, default=0),
    Column("rows_updated", BigInteger, nullable=False, default=0),
    Column("rows_rejected", BigInteger, nullable=False, default=0),
    Column("rejects_by_reason", JSONB),
    Column("data_as_of", Date),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("message", Text),
)

rejected_row = Table(
    "rejected_row",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("load_id", Integer, ForeignKey("load_log.id", ondelete="CASCADE"), nullable=False),
    Column("dataset", Text, nullable=False),
    Column("line_number", BigInteger),
    Column("reason", Text, nullable=False),
    Column("raw", Text),
)

# A single row: what the app serves. ``version`` changes only when a load commits, and is part
# of every cache key, so caches invalidate exactly then.
data_state = Table(
    "data_state",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("is_demo", Boolean, nullable=False),
    Column("data_as_of", Date),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Pre-aggregated daily counts of victims: what the Summary page and the counts API read.
# Rebuilt inside the same transaction as every load (see data_access.aggregates).
agg_victim_daily = Table(
    "agg_victim_daily",
    metadata,
    Column("d", Date, nullable=False),
    Column("offense", Text, nullable=False),
    Column("gun", Boolean, nullable=False),
    Column("police_district", Text),
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_daily_d", agg_victim_daily.c.d)

# Victims by local day and hour for the hour-of-day x day-of-week view.
agg_victim_hourly = Table(
    "agg_victim_hourly",
    metadata,
    Column("d", Date, nullable=False),
    Column("hour", SmallInteger, nullable=False),
    Column("offense", Text, nullable=False),
    Column("police_district", Text),
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_hourly_d", agg_victim_hourly.c.d)

agg_arrest_daily = Table(
    "agg_arrest_daily",
    metadata,
    Column("d", Date, nullable=False),
    Column("charge_category", Text),
    Column("police_district", Text),
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_arrest_daily_d", agg_arrest_daily.c.d)

GEO_FILTER_COLUMNS = ("police_district", "neighborhood", "council_district", "legislative_district")
