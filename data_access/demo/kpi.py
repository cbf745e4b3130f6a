"""Demo rows of the Plan KPIs page's datasets (issue 15), loaded inside the demo's transaction.

A synthetic MONSE CSV for SOME of the MONSE-reported measures (``DEMO_MEASURES``), so the page shows
both a reported value and "not yet published" on the demo. Every row is marked ``origin = 'demo'``
and its source says it is synthetic (the demo banner says so on every page too); any real load of
``psad ingest kpi`` removes them. Deterministic from ``seed``; a dozen rows per measure at any scale
(these are a city's yearly and quarterly figures, not records, so ``scale`` does not change them).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import text

from data_access.ingest.kpi import FIELDS, parse_period
from data_access.loading import copy_frame
from data_access.schema_kpi import kpi_value
from data_access.text import N_

DEMO_SOURCE = N_("Demo: synthetic MONSE report (not real data)")  # shown translated (layouts.plan)
FIRST_YEAR = 2021  # the Plan took effect in July 2021
# measure -> (grain, starting value, yearly drift as a share, noise as a share, decimals)
DEMO_MEASURES = {
    "cvi_mediations": ("quarter", 420.0, 0.08, 0.12, 0),
    "youth_diverted": ("year", 310.0, 0.10, 0.08, 0),
    "cvi_grants": ("year", 6_500_000.0, 0.20, 0.10, -3),
    "perceived_safety": ("year", 41.0, 0.03, 0.04, 1),
}


def demo_frame(data_as_of: date, seed: int) -> pd.DataFrame:
    """The demo's MONSE values: periods that ended by ``data_as_of``, from 2021."""
    rng = np.random.default_rng(seed + 15)
    rows = []
    for measure, (grain, start, drift, noise, digits) in DEMO_MEASURES.items():
        periods = ([f"{y}-Q{q}" for y in range(FIRST_YEAR, data_as_of.year + 1) for q in range(1, 5)]
                   if grain == "quarter" else [str(y) for y in range(FIRST_YEAR, data_as_of.year + 1)])
        for i, raw in enumerate(periods):
            canon, g, first, last = parse_period(raw)
            if last > data_as_of:
                continue
            years = (first.year - FIRST_YEAR) + (first.month - 1) / 12
            value = start * (1 + drift) ** years * (1 + rng.normal(0, noise))
            value = min(value, 100.0) if measure == "perceived_safety" else max(value, 0.0)
            rows.append({"measure": measure, "period": canon, "grain": g, "period_start": first,
                         "period_end": last, "value": float(round(value, digits)), "source": DEMO_SOURCE,
                         "note": None})
    return pd.DataFrame(rows, columns=FIELDS)


def load_demo(conn, data, summary, *, scale: float, seed: int, progress) -> int:
    """Load this dataset's demo rows on ``conn`` (``data`` is the generated ``DemoData``: its
    geography, dates and victims); return the rows loaded."""
    conn.execute(text("TRUNCATE kpi_value"))
    df = demo_frame(data.data_as_of, seed).assign(origin="demo", load_id=summary.load_id)
    n = copy_frame(conn, kpi_value, df)
    progress("plan kpi values", n)
    return n
