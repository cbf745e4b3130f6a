"""Demo rows of the Intimate-partner violence page's dataset (issue 15), loaded inside the demo's
transaction.

Incidents flagged as domestic are drawn from the demo's own Part 1 incidents (one row per
``cc_number``), each offense with its own chance of being domestic (common and aggravated assaults
most often, larcenies rarely), so the areas, dates, seasonality and offense mix follow the Part 1
data and the share of domestic incidents in Part 1 crime (the Plan KPI) is a true share. At scale 1
that is about 4,500 incidents a year, the "several thousand domestic-related incidents" BPD records.
The victims' sex and age band are drawn afresh (domestic violence victims are mostly women and
younger adults), as is the relationship. Deterministic from ``seed``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import text

# chance that a Part 1 incident of each offense is flagged as domestic
DOMESTIC_SHARE = {"common_assault": 0.45, "agg_assault": 0.30, "homicide": 0.10, "rape": 0.30, "shooting": 0.04,
                  "robbery_residence": 0.10, "burglary": 0.05, "larceny": 0.02, "arson": 0.10}
RELATIONSHIP_MIX = {"dating": 0.33, "former_dating": 0.20, "spouse": 0.12, "former_spouse": 0.05,
                    "family": 0.22, "other": 0.08}
SEX_MIX = {"Female": 0.74, "Male": 0.24, "Unknown": 0.02}
AGE_MIX = {"Under 18": 0.05, "18-24": 0.20, "25-34": 0.33, "35-44": 0.22, "45-54": 0.11, "55+": 0.07,
           "Unknown": 0.02}
AREAS = ("police_district", "neighborhood", "council_district", "legislative_district")


def _draw(rng: np.random.Generator, mix: dict, n: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def demo_incidents(victims: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The demo's domestic incidents (``ipv_incident`` columns but ``id`` and ``load_id``)."""
    rng = np.random.default_rng([seed, 15, 5])
    inc = victims.dropna(subset=["cc_number"]).drop_duplicates("cc_number")
    share = inc["offense"].map(DOMESTIC_SHARE).fillna(0.0).to_numpy(dtype=float)
    inc = inc[rng.random(len(inc)) < share]
    n = len(inc)
    out = pd.DataFrame({
        "source": "demo",
        "incident_id": ("DV-" + inc["cc_number"].astype("str")).to_numpy(),
        "occurred_date": pd.to_datetime(inc["occurred_date"]).dt.date.to_numpy(),
        **{a: inc[a].to_numpy() for a in AREAS},
        "offense": inc["offense"].to_numpy(),
        "relationship": _draw(rng, RELATIONSHIP_MIX, n),
        "age_band": _draw(rng, AGE_MIX, n),
        "sex": _draw(rng, SEX_MIX, n),
    })
    return out.reset_index(drop=True)


def load_demo(conn, data, summary, *, scale: float, seed: int, progress) -> int:
    """Load this dataset's demo rows on ``conn`` (``data`` is the generated ``DemoData``: its
    geography, dates and victims); return the rows loaded. ``scale`` acts through the victims."""
    from data_access.loading import copy_frame
    from data_access.schema_ipv import ipv_incident

    conn.execute(text("TRUNCATE ipv_incident RESTART IDENTITY"))
    df = demo_incidents(data.victims, seed).assign(load_id=summary.load_id)
    n = copy_frame(conn, ipv_incident, df)
    # the Plan KPI's Part 1 incidents are built from the victims by data_access.aggregates.refresh,
    # which the demo load runs after this
    progress("intimate-partner violence", n)
    return n
