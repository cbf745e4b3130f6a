"""Tables of the Intimate-partner violence page's datasets (issue 15), on the one ``schema.metadata``.

``data_access.schema`` imports this module at its end, so every table is in the metadata the
migrations are checked against. ``COUNTED_TABLES`` names the tables ``psad status`` counts.

Privacy is part of the table: one row per incident flagged as domestic, located only by its areas
(police district, neighborhood, Council and legislative district). There is no column for a name,
an address, a block or a point, so none can be stored, shown or exported.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, SmallInteger, Table, Text

from data_access.schema import metadata

ipv_incident = Table(
    "ipv_incident",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # demo | ipv_csv
    Column("incident_id", Text, nullable=False),  # the agency's incident id: reloads match on it
    Column("occurred_date", Date, nullable=False),
    Column("police_district", Text),  # under the map in force on the incident's date
    Column("neighborhood", Text),
    Column("council_district", Text),
    Column("legislative_district", Text),
    Column("offense", Text),  # a Part 1 offense category code (data_access.vocabulary.OFFENSES) or NULL
    Column("relationship", Text, nullable=False),  # a code of data_access.ipv.RELATIONSHIPS
    Column("age_band", Text, nullable=False),  # the victim's age band (vocabulary.AGE_BANDS) or "Unknown"
    Column("sex", Text, nullable=False),  # "Male", "Female" or "Unknown"
    Column("load_id", Integer),
)
Index("ix_ipv_incident_date", ipv_incident.c.occurred_date)
Index("ux_ipv_incident_key", ipv_incident.c.incident_id, unique=True)


# The Plan KPI's denominator, Part 1 incidents (distinct ``cc_number`` of victims), pre-aggregated
# (migration 0013; ``data_access.ipv.refresh_part1``). An incident whose victim rows all share one
# date, offense and set of areas (nearly all) is counted once in its cell of the month and year
# tables (a range's days outside whole months are read from the victims); the few others keep their
# distinct (date, offense, areas) rows in ``ipv_part1_multi`` and are counted distinct there, so
# every sum under any filter equals the count distinct over the victim table exactly.
P1_FIELDS = ("offense", "police_district", "neighborhood", "council_district", "legislative_district")


def _p1_table(name: str, key: str, *first: Column, count: bool = True) -> Table:
    cols = [*first, Column(key, Date, nullable=False), *[Column(c, Text) for c in P1_FIELDS]]
    if count:
        cols.append(Column("n", Integer, nullable=False))
    table = Table(name, metadata, *cols)
    keys = ["cc_number"] if key == "d" else ["offense", key]  # month and year: all offenses ("*") or some
    Index(f"ix_{name}_{'_'.join(keys)}", *[table.c[k] for k in keys])
    return table


ipv_part1_month = _p1_table("ipv_part1_month", "m")
ipv_part1_year = _p1_table("ipv_part1_year", "y")
ipv_part1_multi = _p1_table("ipv_part1_multi", "d", Column("cc_number", Text, nullable=False), count=False)
# The KPI's numerator, the incidents flagged as domestic, counted the same way (migration 0021;
# ``data_access.ipv.refresh_dv``): per month and year, offense ("*": all of them) and areas, so the
# share reads a few hundred cells instead of every incident of its years (770,000 at demo scale 10).
ipv_dv_month = _p1_table("ipv_dv_month", "m")
ipv_dv_year = _p1_table("ipv_dv_year", "y")
# the data version the Part 1 tables (and the DV ones) were built at (one row, id 1)
ipv_part1_state = Table(
    "ipv_part1_state",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

COUNTED_TABLES: dict = {"intimate-partner violence incidents": ipv_incident}  # label -> Table
