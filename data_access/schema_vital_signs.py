"""Tables of the Neighborhood Stat page's datasets (issue 15), on the one ``schema.metadata``.

BNIA-JFI's Vital Signs: one row per Community Statistical Area (CSA), year and indicator in
``vital_sign_value`` (the city total under the CSA code ``*``), and the indicator dictionary
(label, section, source, definition) in ``vital_sign_indicator``. Both are replaced whole by a
load (``data_access.ingest.vital_signs``) or by the demo (``data_access.demo.vital_signs``).

``data_access.schema`` imports this module at its end, so every table is in the metadata the
migrations are checked against. ``COUNTED_TABLES`` names the tables ``psad status`` counts.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, SmallInteger, Table, Text

from data_access.schema import metadata

CITY = "*"  # the csa of the city-total rows

vital_sign_indicator = Table(
    "vital_sign_indicator",
    metadata,
    Column("indicator", Text, primary_key=True),  # BNIA's short name, e.g. violent_crime_rate_per_1_000_residents
    Column("label", Text, nullable=False),
    Column("section", Text, nullable=False),  # BNIA's section, e.g. "Crime and Safety"
    Column("source", Text),
    Column("normalization_source", Text),
    Column("definition", Text),
    Column("years_available", Text),  # "2010,2016,2017" (the dictionary's R list, as commas)
    Column("in_dictionary", Boolean, nullable=False),  # False: only the values file names it
    Column("sort", Integer, nullable=False),
)

vital_sign_value = Table(
    "vital_sign_value",
    metadata,
    Column("indicator", Text, primary_key=True),
    Column("csa", Text, primary_key=True),  # geography code of layer csa, or CITY
    Column("year", SmallInteger, primary_key=True),
    Column("value", Float, nullable=False),
    Column("load_id", Integer),
)
Index("ix_vital_sign_value_csa", vital_sign_value.c.csa, vital_sign_value.c.indicator)

COUNTED_TABLES: dict = {"Vital Signs indicator values": vital_sign_value,
                        "Vital Signs indicators": vital_sign_indicator}
