"""Tables of the Guns and warrants page's datasets (issue 15), on the one ``schema.metadata``.

``gun_seizure``: one row per firearm BPD seized (``psad ingest gun-seizures``; layout in
``data_access.ingest.gun_seizures``). Its place is at most a block: ``block`` text and coordinates
cut to about 100 m, like the victims' points; areas as on every located dataset.

``warrant``: one row per warrant of the Sheriff's Office (``psad ingest warrants``; layout in
``data_access.ingest.warrants``). No column names or describes a person: a warrant carries its
type, charge category, dates, status and the areas of its address (never the address itself).
``closed_date`` is the day it stopped being outstanding (served or recalled), NULL while it is
outstanding; a recalled warrant with no recall date is ``closed_date`` = its issue date (it never
counts as outstanding).

``data_access.schema`` imports this module at its end, so every table is in the metadata the
migrations are checked against. ``COUNTED_TABLES`` names the tables ``psad status`` counts.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, Table, Text, text

from data_access.schema import _geo_columns, metadata

gun_seizure = Table(
    "gun_seizure",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # demo | bpd_csv
    Column("source_key", Text),  # the file's seizure id
    Column("seized_date", Date, nullable=False),  # local date
    Column("firearm_type", Text, nullable=False),  # data_access.guns_warrants.FIREARM_TYPES
    Column("recovery_type", Text, nullable=False),  # RECOVERY_TYPES
    Column("status", Text),  # SEIZURE_STATUSES, NULL when not given
    *_geo_columns(),
    Column("load_id", Integer),
)
Index("ix_gun_seizure_date", gun_seizure.c.seized_date)
Index("ux_gun_seizure_key", gun_seizure.c.source_key, unique=True, postgresql_where=text("source <> 'demo'"))

warrant = Table(
    "warrant",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # demo | sheriff_csv
    Column("source_key", Text),  # the file's warrant id
    Column("warrant_type", Text, nullable=False),  # WARRANT_TYPES
    Column("charge_category", Text, nullable=False),  # vocabulary.CHARGE_CATEGORIES
    Column("issued_date", Date, nullable=False),
    Column("served_date", Date),
    Column("recalled_date", Date),
    Column("closed_date", Date),  # served or recalled: no longer outstanding from this day
    Column("status", Text, nullable=False),  # WARRANT_STATUSES
    Column("police_district", Text),  # under the map in force on the issue date
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("csa", Text),
    Column("load_id", Integer),
)
Index("ix_warrant_issued", warrant.c.issued_date)
Index("ix_warrant_served", warrant.c.served_date)
Index("ix_warrant_closed", warrant.c.closed_date)
Index("ux_warrant_key", warrant.c.source_key, unique=True, postgresql_where=text("source <> 'demo'"))

# --- pre-aggregates (migrations 0012 and 0015), rebuilt from ``warrant`` by every load and the demo
# (``data_access.guns_warrants.refresh_aggregates``). They answer the views without a geography
# filter; a view inside an area reads ``warrant`` itself.

# Warrants issued, served and recalled per day (``flow``), counted two ways (``dim``): per charge
# category and per police district (``key``; warrants without a district are not in that dim).
agg_warrant_flow_day = Table(
    "agg_warrant_flow_day",
    metadata,
    Column("d", Date, nullable=False),
    Column("flow", Text, nullable=False),  # issued | served | recalled
    Column("dim", Text, nullable=False),  # charge_category | police_district
    Column("key", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_warrant_flow_day_d", agg_warrant_flow_day.c.d)

# The same per month (``m``: its first day): a span's whole months are read here, its ragged days
# from the day table.
agg_warrant_flow_month = Table(
    "agg_warrant_flow_month",
    metadata,
    Column("m", Date, nullable=False),
    Column("flow", Text, nullable=False),
    Column("dim", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_warrant_flow_month_m", agg_warrant_flow_month.c.m)

# Warrants outstanding at the end of each day ``d`` (issued on or before it, neither served nor
# recalled by then), counted three ways (``dim``): ``age`` (``a``: the age bucket, ``b``: the
# warrant type), ``charge_category`` (``a``) and ``police_district`` (``a``). Only non-zero cells.
agg_warrant_open_day = Table(
    "agg_warrant_open_day",
    metadata,
    Column("d", Date, nullable=False),
    Column("dim", Text, nullable=False),
    Column("a", Text, nullable=False),
    Column("b", Text),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_warrant_open_day_d", agg_warrant_open_day.c.d)

# Flows per month and every geography field, for views inside an area: their whole months are
# read here (through the field's index), their ragged days from ``warrant``.
GEO_FIELDS = ("police_district", "neighborhood", "council_district", "legislative_district")
agg_warrant_geo_month = Table(
    "agg_warrant_geo_month",
    metadata,
    Column("m", Date, nullable=False),
    Column("flow", Text, nullable=False),
    Column("charge_category", Text, nullable=False),
    *[Column(g, Text) for g in GEO_FIELDS],
    Column("n", Integer, nullable=False),
)
for _g in GEO_FIELDS:
    Index(f"ix_agg_warrant_geo_month_{_g}", agg_warrant_geo_month.c[_g], agg_warrant_geo_month.c.m)
    # the warrants outstanding now, per area and issue day (migration 0015 added the day): a view
    # inside an area reads the few issue months ``agg_warrant_open_area`` cannot answer here
    Index(f"ix_warrant_open_{_g}", warrant.c[_g], warrant.c.issued_date, postgresql_where=text("closed_date IS NULL"))
# migration 0022: the open warrants in issue order with the area fields as keys, the read of an edge
# month inside an area (the per-area indexes above are costed by the area column's heap order, none)
Index("ix_warrant_open_issued", warrant.c.issued_date, *[warrant.c[_g] for _g in GEO_FIELDS],
      postgresql_where=text("closed_date IS NULL"))


def _per_area_month(name: str, *extra: Column) -> Table:
    """A count per geography ``field`` and its ``area``, month ``m`` (``extra`` columns), one ``dim``
    and its ``key``, indexed by (field, area, m): an area's months are one index range."""
    table = Table(name, metadata, Column("field", Text, nullable=False), Column("area", Text, nullable=False),
                  Column("m", Date, nullable=False), *extra, Column("dim", Text, nullable=False),
                  Column("key", Text, nullable=False), Column("n", Integer, nullable=False))
    Index(f"ix_{name}", table.c.field, table.c.area, table.c.m)
    return table


# Migration 0015. The warrants outstanding at the data's end (``closed_date`` NULL), counted per
# geography ``field`` and its ``area`` (every one of ``GEO_FIELDS``), issue month ``m`` and one
# ``dim``: ``warrant_type``, ``charge_category`` or ``neighborhood`` (``key``; NULL keys left out).
# Such a warrant is outstanding on any day from its issue on, so a view inside one area counts its
# open warrants on a day here: the issue months wholly inside one age bucket from this table, the
# few months an age edge or the day cuts from ``warrant`` (``ix_warrant_open_issued``), and the warrants
# closed after the day from ``warrant`` too. Written in (field, area, m) order: an area's rows lie
# together. Rebuilt with the others (``data_access.guns_warrants.refresh_aggregates``).
agg_warrant_open_area = _per_area_month("agg_warrant_open_area")

# Migration 0023. The warrants outstanding on the data's last day ``d`` (every row the same day:
# the latest issue, service or recall, ``guns_warrants.warrants_as_of``), counted per geography
# ``field`` and its ``area`` three ways (``kind``, as ``guns_warrants.open_counts`` answers):
# ``age`` (``a``: the age bucket on ``d``, ``b``: the warrant type), ``category`` (``a``: the
# charge category) and ``area`` (``a``: the neighborhood; warrants without one left out). A view
# inside an area whose end date reaches the data's end (the default) reads its outstanding
# warrants here in one index range, instead of summing ``agg_warrant_open_area``'s issue months
# and reading the months an age edge cuts from ``warrant``. Rebuilt with the others.
agg_warrant_open_end = Table(
    "agg_warrant_open_end",
    metadata,
    Column("d", Date, nullable=False),
    Column("field", Text, nullable=False),
    Column("area", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("a", Text, nullable=False),
    Column("b", Text),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_warrant_open_end", agg_warrant_open_end.c.field, agg_warrant_open_end.c.area)

# Migration 0018. The flows of ``agg_warrant_geo_month`` rolled up per geography ``field`` other than
# the neighborhood (a police, Council or legislative district: ``area``), month ``m`` and ``flow``,
# counted two ways (``dim``): per ``charge_category`` and per ``neighborhood`` (``key``; NULL keys
# left out). A district's 15 years are about 20,000 rows here against 67,000 there, summed with one
# plain GROUP BY instead of three grouping sets; the month's total is the sum over its categories
# (every warrant has one). A neighborhood's own rows there are few, so it has none here. Written in
# (field, area, m) order; rebuilt with the others (``data_access.guns_warrants.refresh_aggregates``).
FLOW_AREA_FIELDS = ("police_district", "council_district", "legislative_district")
agg_warrant_flow_area = _per_area_month("agg_warrant_flow_area", Column("flow", Text, nullable=False))

# Migration 0019. The guns seized per month ``m``, counted four ways (``dim``): per
# ``firearm_type``, ``recovery_type``, ``status`` ("unknown" when NULL) and ``police_district``
# (``key``; guns without a district are not in that dim). A citywide span by month reads its whole
# months here and its ragged days from ``gun_seizure``: 15 years are 4,000 rows here against
# 34,000 seizures at demo scale 1 (343,000 at scale 10). Rebuilt from ``gun_seizure`` by every
# load of seizures and the demo (``data_access.guns_warrants.refresh_seizure_aggregate``).
SEIZURE_DIMS = ("firearm_type", "recovery_type", "status", "police_district")
agg_gun_seizure_month = Table(
    "agg_gun_seizure_month",
    metadata,
    Column("m", Date, nullable=False),
    Column("dim", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("n", Integer, nullable=False),
)
Index("ix_agg_gun_seizure_month_m", agg_gun_seizure_month.c.m)

# Migration 0020. The same counts inside areas: per geography ``field`` (every one of
# ``GEO_FIELDS``) and its ``area``, month ``m`` and one ``dim``: ``firearm_type``,
# ``recovery_type``, ``status`` ("unknown" when NULL) or ``neighborhood`` (the areas a view inside
# an area is broken down by). A district's 15 years by month read a few thousand rows here instead
# of every seizure of the span through the date index. In (field, area, m) order; rebuilt with
# ``agg_gun_seizure_month``.
SEIZURE_AREA_DIMS = ("firearm_type", "recovery_type", "status", "neighborhood")
agg_gun_seizure_area = _per_area_month("agg_gun_seizure_area")

AGGREGATE_TABLES = (agg_warrant_flow_day, agg_warrant_flow_month, agg_warrant_open_day, agg_warrant_geo_month)

COUNTED_TABLES: dict = {"gun seizures": gun_seizure, "warrants": warrant}  # label -> Table
