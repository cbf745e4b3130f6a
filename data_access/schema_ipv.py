"""Tables of the Intimate-partner violence page's datasets (issue 15), on the one ``schema.metadata``.

``data_access.schema`` imports this module at its end, so every table is in the metadata the
migrations are checked against. ``COUNTED_TABLES`` names the tables ``psad status`` counts.

Privacy is part of the table: one row per incident flagged as domestic, located only by its areas
(police district, neighborhood, Council and legislative district). There is no column for a name,
an address, a block or a point, so none can be stored, shown or exported.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, Table, Text

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

COUNTED_TABLES: dict = {"intimate-partner violence incidents": ipv_incident}  # label -> Table
