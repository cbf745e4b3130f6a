"""Residents per area of a geography layer, for the per-area tables' rates (Arrests, 911 calls,
Guns and warrants).

Police districts are counted under the map in force on each record's date, but their residents
are the 2023 map's (the map in force today): ``layer_of`` names the geography layer whose
population a filter field's areas take.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data_access.cache import near_cached_query
from data_access.db import Database
from data_access.schema import geography


def layer_of(field: str) -> str:
    """The geography layer holding the residents of ``field``'s areas."""
    return "police_district_2023" if field == "police_district" else field


@near_cached_query
def layer_population(db: Database, version: int, layer: str) -> dict:
    """Residents per area of a geography layer (``{code: population}``, None where unknown)."""
    rows = db.execute(select(geography.c.code, geography.c.population).where(geography.c.layer == layer)).rows
    return {code: (int(p) if p is not None else None) for code, p in rows}


def with_population(db: Database, df: pd.DataFrame, field: str) -> pd.DataFrame:
    """``df`` (an ``area`` column of ``field``'s codes) with each area's residents: int64, or
    float64 with NaN where an area has no figure (as a left merge gives); every row None when the
    layer has none loaded. A dict lookup, not a pandas merge: a page update read several."""
    pop = layer_population(db, layer_of(field))
    if df.empty:
        return df.assign(population=[])
    if not pop:
        return df.assign(population=None)
    values = [pop.get(a) for a in df.area.tolist()]
    return df.assign(population=pd.Series(values, index=df.index, dtype="float64" if None in values else None))
