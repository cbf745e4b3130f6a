"""Tables of the 911 calls page's datasets (issue 15), on the one ``schema.metadata``.

``data_access.schema`` imports this module at its end, so every table is in the metadata the
migrations are checked against (migration 0009). ``COUNTED_TABLES`` names the tables ``psad
status`` counts.

Privacy is part of the schema: a call keeps no caller field (Open Baltimore publishes none, and a
file that has one is refused) and its place only as a block (``block``, "1200 BLOCK N CHARLES
ST") and the areas it falls in; no coordinates are stored, so no page can draw a call as a point.

The page reads the pre-aggregates, never ``call_for_service`` (see ``data_access.calls``):

* ``agg_call_city_day``: day x priority x category x response type, citywide (every view without
  a geography filter; about 60 rows a day whatever the volume);
* ``agg_call_geo_day``: the same with every filter area, in (neighborhood, day) order and read
  through (area, day) indexes when a geography filter is set;
* ``agg_call_area_day``: day x area field x area x response type, for "by area" citywide;

and each again at month grain (``agg_call_*_month``) for a span's whole months.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, SmallInteger, Table, Text, text

from data_access.schema import metadata

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")

call_for_service = Table(
    "call_for_service",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # demo | bpd_csv | bpd_arcgis
    Column("source_key", Text),  # callKey (else a content key)
    Column("call_number", Text),
    Column("called_at", DateTime(timezone=True)),
    Column("call_date", Date, nullable=False),  # local (America/New_York) date
    Column("call_hour", SmallInteger),
    Column("priority", Text, nullable=False),  # data_access.calls.PRIORITIES
    Column("description", Text),  # the CAD call type as published ("DISORDERLY"), upper case
    Column("category", Text, nullable=False),  # data_access.calls.CATEGORIES (calls_categories.csv)
    Column("response_type", Text, nullable=False),  # police | behavioral_health | other
    Column("block", Text),  # never an exact address
    Column("post", Text),
    Column("zip_code", Text),
    Column("police_district", Text),  # as the record names it (the map in force on its date)
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("csa", Text),
    Column("load_id", Integer),
)
Index("ix_call_date", call_for_service.c.call_date)
Index("ux_call_key", call_for_service.c.source_key, unique=True, postgresql_where=text("source <> 'demo'"))

agg_call_city_day = Table(
    "agg_call_city_day",
    metadata,
    Column("d", Date, nullable=False),
    Column("priority", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("response_type", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_call_city_day_d", agg_call_city_day.c.d)

agg_call_geo_day = Table(
    "agg_call_geo_day",
    metadata,
    Column("d", Date, nullable=False),
    *[Column(g, Text) for g in GEO],
    Column("priority", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("response_type", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
for _g in GEO:
    Index(f"ix_agg_call_geo_day_{_g}", agg_call_geo_day.c[_g], agg_call_geo_day.c.d)

agg_call_area_day = Table(
    "agg_call_area_day",
    metadata,
    Column("d", Date, nullable=False),
    Column("field", Text, nullable=False),  # police_district | council_district
    Column("area", Text, nullable=False),
    Column("response_type", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_call_area_day", agg_call_area_day.c.field, agg_call_area_day.c.d)

# The same three at month grain (``m``: the month's first day): a span's whole months are read here and
# only its ragged days from the day tables (``data_access.filters.month_split``), 10-30x fewer rows.
agg_call_city_month = Table(
    "agg_call_city_month",
    metadata,
    Column("m", Date, nullable=False),
    Column("priority", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("response_type", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_call_city_month_m", agg_call_city_month.c.m)

agg_call_geo_month = Table(
    "agg_call_geo_month",
    metadata,
    Column("m", Date, nullable=False),
    *[Column(g, Text) for g in GEO],
    Column("priority", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("response_type", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
for _g in GEO:
    Index(f"ix_agg_call_geo_month_{_g}", agg_call_geo_month.c[_g], agg_call_geo_month.c.m)

agg_call_area_month = Table(
    "agg_call_area_month",
    metadata,
    Column("m", Date, nullable=False),
    Column("field", Text, nullable=False),
    Column("area", Text, nullable=False),
    Column("response_type", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_call_area_month", agg_call_area_month.c.field, agg_call_area_month.c.m)

CALL_TABLES = ("call_for_service", "agg_call_city_day", "agg_call_geo_day", "agg_call_area_day", "agg_call_city_month",
               "agg_call_geo_month", "agg_call_area_month")
COUNTED_TABLES: dict = {"911 calls": call_for_service}  # label -> Table
