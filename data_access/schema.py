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

from data_access.filters import GEO_FIELDS

metadata = MetaData()

# Police districts exist under two maps: the one in force until the end of 2022 and the redrawn
# one in force from 2023-01-01.
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


def _filter_columns() -> list[Column]:
    """The areas the global filter bar offers (``filters.GEO_FIELDS``; aggregate tables group by them)."""
    return [Column(name, Text) for name in GEO_FIELDS]


def _area_columns() -> list[Column]:
    """Every area layer the map shades, both police-district maps and CSAs included."""
    return [Column(name, Text) for name in
            ("police_district", "police_district_pre2023", "police_district_2023", "neighborhood",
             "council_district", "legislative_district", "csa")]


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
# Migration 0002: real records are matched on reload/refresh by a unique key.
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
    Column("cc_number", Text),  # the incident (victim.cc_number) the arrest clears, when known
)
Index("ix_arrest_date", arrest.c.arrest_date)
Index("ix_arrest_number", arrest.c.arrest_number)
# Migration 0002: ArrestNumber + occurrence, or a content key (data_access.ingest).
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
    *_filter_columns(),
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
    *_filter_columns(),
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

# A single row: what the app serves. ``version`` changes only when a load changes what is served, and is part
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

# The finest pre-aggregate: victims per local day, local hour (NULL: the source gave no time),
# offense, gun-violence flag and every area column. Everything else rolls up from it; the Summary
# (with a geography filter), the counts API and the Map's ragged days read it. A cell rarely holds
# two victims, so it is almost as long as the victim table; it is written in (neighborhood, day)
# order, and a geography filter reads it through an index that starts with its column: a
# district's rows lie in a few dozen runs of adjacent pages, not one row per page.
agg_victim_detail = Table(
    "agg_victim_detail",
    metadata,
    Column("d", Date, nullable=False),
    Column("hour", SmallInteger),
    Column("offense", Text, nullable=False),
    Column("gun", Boolean, nullable=False),
    *_area_columns(),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_detail_d", agg_victim_detail.c.d)
GEO_INDEXED = GEO_FIELDS
for _col in GEO_INDEXED:
    Index(f"ix_agg_victim_detail_{_col}_d", agg_victim_detail.c[_col], agg_victim_detail.c.d)

# Citywide victims per day (no geography): what every unfiltered view reads. A few rows per day
# at any volume, so its size does not grow with the data.
agg_victim_city_daily = Table(
    "agg_victim_city_daily",
    metadata,
    Column("d", Date, primary_key=True),
    Column("offense", Text, primary_key=True),
    Column("gun", Boolean, primary_key=True),
    Column("n", Integer, nullable=False),
)
# The Plan's goal reads only the gun rows, a twentieth of the table.
Index("ix_agg_victim_city_daily_gun_d", agg_victim_city_daily.c.d, postgresql_where=text("gun"))

# ... and per calendar month (first day): the citywide Summary's whole months, ~30 rows a month.
agg_victim_city_month = Table(
    "agg_victim_city_month",
    metadata,
    Column("m", Date, primary_key=True),
    Column("offense", Text, primary_key=True),
    Column("gun", Boolean, primary_key=True),
    Column("n", Integer, nullable=False),
)

# Citywide victims per day and local hour, for the hour x weekday view without geography.
agg_victim_city_hourly = Table(
    "agg_victim_city_hourly",
    metadata,
    Column("d", Date, primary_key=True),
    Column("hour", SmallInteger, primary_key=True),
    Column("offense", Text, primary_key=True),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_city_hourly_offense_d", agg_victim_city_hourly.c.offense, agg_victim_city_hourly.c.d)

# Gun violence only (homicides by firearm + non-fatal shootings), by day and geography: the
# Plan's goal chart reads six years of it for one area, which is ~2% of agg_victim_detail's rows.
agg_victim_gun_daily = Table(
    "agg_victim_gun_daily",
    metadata,
    Column("d", Date, nullable=False),
    *_filter_columns(),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_gun_daily_d", agg_victim_gun_daily.c.d)
for _col in GEO_INDEXED:
    Index(f"ix_agg_victim_gun_daily_{_col}_d", agg_victim_gun_daily.c[_col], agg_victim_gun_daily.c.d)

# ... and without the offense: what the unfiltered heatmap reads (24 rows a day).
agg_victim_city_hourly_all = Table(
    "agg_victim_city_hourly_all",
    metadata,
    Column("d", Date, primary_key=True),
    Column("hour", SmallInteger, primary_key=True),
    Column("n", Integer, nullable=False),
)

# Per-area roll-ups of all offenses, citywide (field "city", value "") and per police district
# (map in force), Council district and legislative district: a few rows per area and period at
# any volume. A view whose only filter is one of those fields (or none) reads these for its trend
# and the whole years of its hour x weekday grid instead of one row per victim (a district's year
# of days: 365 rows, not 40k).
ROLLUP_FIELDS = tuple(name for name in GEO_FIELDS if name != "neighborhood")


def _field_columns() -> list[Column]:
    return [Column("field", Text, primary_key=True),  # "city" or one of ROLLUP_FIELDS
            Column("value", Text, primary_key=True)]  # the area's code ("" for the city)


agg_victim_field_daily = Table(
    "agg_victim_field_daily",
    metadata,
    *_field_columns(),
    Column("d", Date, primary_key=True),
    Column("n", Integer, nullable=False),
)
agg_victim_hourly_year = Table(
    "agg_victim_hourly_year",
    metadata,
    *_field_columns(),
    Column("y", Date, primary_key=True),  # 1 January of the year
    Column("dow", SmallInteger, primary_key=True),
    Column("hour", SmallInteger, primary_key=True),
    Column("n", Integer, nullable=False),
)

agg_arrest_daily = Table(
    "agg_arrest_daily",
    metadata,
    Column("d", Date, nullable=False),
    Column("charge_category", Text),
    *_filter_columns(),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_arrest_daily_d", agg_arrest_daily.c.d)



# --- Demographics, arrests and case outcomes (migration 0004) ----------------------------------

# Residents by age band, sex, race and ethnicity per area (demo: synthetic; real: census tables).
# ``dimension`` is age_band | sex | race | ethnicity; each dimension's categories sum to the
# area's population.
population_group = Table(
    "population_group",
    metadata,
    Column("layer", Text, primary_key=True),
    Column("code", Text, primary_key=True),
    Column("year", SmallInteger, primary_key=True),
    Column("dimension", Text, primary_key=True),
    Column("category", Text, primary_key=True),
    Column("population", Integer, nullable=False),
)


def _demo_columns() -> list[Column]:
    return [
        Column("police_district", Text),
        Column("neighborhood", Text),
        Column("council_district", Text),
        Column("legislative_district", Text),
        Column("age_band", Text, nullable=False),
        Column("sex", Text, nullable=False),
        Column("race", Text, nullable=False),
        Column("ethnicity", Text, nullable=False),
        Column("n", Integer, nullable=False),
    ]


# Victims by calendar month x offense x geography x demographics. Demographic tables count whole
# months (see data_access.suppression), so a month grain is all they need.
agg_victim_demo = Table(
    "agg_victim_demo",
    metadata,
    Column("m", Date, nullable=False),  # first day of the month
    Column("offense", Text, nullable=False),
    *_demo_columns(),
)
Index("ix_agg_victim_demo_m", agg_victim_demo.c.m)

agg_arrest_demo = Table(
    "agg_arrest_demo",
    metadata,
    Column("m", Date, nullable=False),
    Column("charge_category", Text),
    *_demo_columns(),
)
Index("ix_agg_arrest_demo_m", agg_arrest_demo.c.m)

# Homicide and shooting incidents per year and whether an arrest linked to them (by cc_number)
# was made in the same calendar year / by the data-as-of date. Geography: the incident's.
agg_gun_incident = Table(
    "agg_gun_incident",
    metadata,
    Column("year", SmallInteger, nullable=False),
    Column("offense", Text, nullable=False),
    *_filter_columns(),
    Column("incidents", Integer, nullable=False),
    Column("cleared_same_year", Integer, nullable=False),
    Column("cleared_by_now", Integer, nullable=False),
)

# Arrests for homicides and shootings per arrest year, by when the linked incident happened:
# link = same_year | earlier_year | unlinked. Geography: where the arrest was recorded.
agg_gun_arrest = Table(
    "agg_gun_arrest",
    metadata,
    Column("year", SmallInteger, nullable=False),
    Column("offense", Text, nullable=False),
    Column("link", Text, nullable=False),
    *_filter_columns(),
    Column("n", Integer, nullable=False),
)

# Charges by filing date x geography x gun flag x disposition (the disposition mix).
agg_charge_outcome = Table(
    "agg_charge_outcome",
    metadata,
    Column("d", Date, nullable=False),
    *_filter_columns(),
    Column("gun", Boolean, nullable=False),
    Column("disposition", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_charge_outcome_d", agg_charge_outcome.c.d)

# Cases by filing date x geography x gun flag: pending or not, and for disposed cases with a
# linked arrest the days from arrest to the last disposition.
agg_case_status = Table(
    "agg_case_status",
    metadata,
    Column("d", Date, nullable=False),
    *_filter_columns(),
    Column("gun", Boolean, nullable=False),
    Column("pending", Boolean, nullable=False),
    Column("days", Integer),  # NULL: pending, or no linked arrest
    Column("n", Integer, nullable=False),
)
Index("ix_agg_case_status_d", agg_case_status.c.d)

# Case lookup by charge: one row per (case, charge description) with the case's filing date and
# place, so a charge search is one ordered index range scan that stops after a page.
case_search = Table(
    "case_search",
    metadata,
    Column("description", Text, nullable=False),
    Column("filed_date", Date, nullable=False),
    Column("case_id", BigInteger, nullable=False),
    *_filter_columns(),
)
Index("ix_case_search", case_search.c.description, case_search.c.filed_date, case_search.c.case_id)

Index("ix_case_filed_id", sao_case.c.filed_date, sao_case.c.id)
Index("ix_charge_description", case_charge.c.description, case_charge.c.case_id)
Index("ix_arrest_cc_number", arrest.c.cc_number)

# Victims per calendar month, offense and every area layer the map shades (both police-district
# maps and CSAs included), plus one roll-up row per month and area with offense "*" (all
# offenses). A span is answered from whole months here and its ragged ends from
# agg_victim_detail, so a year-long span reads a few thousand rows instead of one per victim.
agg_victim_area_month = Table(
    "agg_victim_area_month",
    metadata,
    Column("m", Date, nullable=False),  # first day of the month
    Column("offense", Text, nullable=False),  # an offense code, or "*" for all offenses
    *_area_columns(),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_area_month_offense_m", agg_victim_area_month.c.offense, agg_victim_area_month.c.m)
# The Summary's counts with a geography filter read whole months here (the ragged days from
# agg_victim_detail): a district's year is a few thousand rows instead of tens of thousands.
for _col in GEO_INDEXED:
    Index(f"ix_agg_victim_area_month_{_col}_m", agg_victim_area_month.c[_col], agg_victim_area_month.c.m)

# Locatable victims (never a sexual offense; coordinates present) per calendar month and density
# grid cell (cell = floor(lon / 0.0047), floor(lat / 0.0036), about 400 m square), with an "*"
# all-offenses roll-up like agg_victim_area_month. The map's density layer and its point count
# read whole months here and the ragged days from the victim rows.
agg_victim_cell_month = Table(
    "agg_victim_cell_month",
    metadata,
    Column("m", Date, nullable=False),
    Column("offense", Text, nullable=False),
    Column("gx", Integer, nullable=False),
    Column("gy", Integer, nullable=False),
    *_filter_columns(),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_cell_month_offense_m", agg_victim_cell_month.c.offense, agg_victim_cell_month.c.m)

# The same by calendar year (first day of the year), for the whole years of long spans.
agg_victim_area_year = Table(
    "agg_victim_area_year",
    metadata,
    Column("y", Date, nullable=False),
    Column("offense", Text, nullable=False),  # an offense code, or "*" for all offenses
    *_area_columns(),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_victim_area_year_offense_y", agg_victim_area_year.c.offense, agg_victim_area_year.c.y)
for _col in GEO_INDEXED:  # the Summary's whole years under a geography filter
    Index(f"ix_agg_victim_area_year_{_col}_y", agg_victim_area_year.c[_col], agg_victim_area_year.c.y)
# Neighborhood Stat's victims by year of one CSA (migration 0017)
Index("ix_agg_victim_area_year_csa_y", agg_victim_area_year.c.csa, agg_victim_area_year.c.y)


# The tables of issue 15's datasets, each in its own module on this metadata (imported last: they
# read ``metadata`` and the column helpers above).
from data_access import (  # noqa: E402,F401
    schema_calls,
    schema_guns_warrants,
    schema_ipv,
    schema_kpi,
    schema_vital_signs,
)
