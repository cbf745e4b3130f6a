"""Tables of the Plan KPIs page's datasets (issue 15), on the one ``schema.metadata``.

``data_access.schema`` imports this module at its end, so every table is in the metadata the
migrations are checked against. ``COUNTED_TABLES`` names the tables ``psad status`` counts.
"""

from __future__ import annotations

from data_access.schema import metadata  # noqa: F401

COUNTED_TABLES: dict = {}  # label -> Table
