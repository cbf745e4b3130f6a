"""Tables of the Plan KPIs page's datasets (issue 15), on the one ``schema.metadata``.

``kpi_value`` holds the values MONSE publishes for the Plan's measures the dashboard cannot compute
from police data (``psad ingest kpi FILE``, or the demo's synthetic rows): one row per measure and
period. Measures the dashboard computes itself (gun violence, youth arrests, rapes per 100,000, ...)
are never stored here. ``data_access.schema`` imports this module at its end, so every table is in
the metadata the migrations are checked against. ``COUNTED_TABLES`` names the tables ``psad status``
counts.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, Integer, Table, Text

from data_access.schema import metadata

kpi_value = Table(
    "kpi_value",
    metadata,
    Column("measure", Text, primary_key=True),  # a code of data_access.plan_measures.MEASURES
    Column("period", Text, primary_key=True),  # "2024", "2024-Q3" or "2024-07", as the file writes it
    Column("grain", Text, nullable=False),  # year | quarter | month
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Float, nullable=False),
    Column("source", Text),  # where MONSE took it from (a report, a survey): shown beside the value
    Column("note", Text),  # MONSE's note: kept for review, never published unreviewed
    Column("origin", Text, nullable=False),  # "monse_csv", or "demo" for the demo's synthetic rows
    Column("load_id", Integer),
)

COUNTED_TABLES: dict = {"Plan KPI values (MONSE)": kpi_value}  # label -> Table
