"""Counts by year, month, week, offense or area for the API (``/api/v1/counts``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Date, Integer, cast, extract, func, select

from data_access.cache import cached_query
from data_access.conditions import filter_conditions
from data_access.db import Database
from data_access.filters import GEO_FIELDS, Filters
from data_access.schema import agg_arrest_daily, sao_case
from data_access.summary import victim_daily

DATASETS = ("victims", "arrests", "cases")
BY_TIME = ("year", "month", "week")
BY_GEO = GEO_FIELDS
BY_VALUES = BY_TIME + ("offense",) + BY_GEO


def counts_table(dataset: str, f: Filters, by: str):
    victims = victim_daily(f, need_geo=by in BY_GEO)
    return {"victims": (victims, victims.c.d, victims.c.n),
            "arrests": (agg_arrest_daily, agg_arrest_daily.c.d, agg_arrest_daily.c.n),
            "cases": (sao_case, sao_case.c.filed_date, None)}[dataset]


def by_supported(dataset: str, by: str) -> bool:
    return by in BY_TIME + BY_GEO or (by == "offense" and dataset == "victims")


@cached_query
def counts(db: Database, version: int, f: Filters, by: str, dataset: str) -> pd.DataFrame:
    """Counts grouped by ``by`` for the API. Columns: key, count."""
    if dataset not in DATASETS or not by_supported(dataset, by):
        raise ValueError(f"cannot group {dataset} by {by}")
    table, dcol, ncol = counts_table(dataset, f, by)
    if by in BY_TIME:
        trunc = cast(func.date_trunc(by, dcol), Date)
        key = (cast(extract("year", dcol), Integer) if by == "year" else trunc).label("key")
    else:
        key = table.c[by].label("key")
    total = func.sum(ncol) if ncol is not None else func.count()
    conds = filter_conditions(table, f, dcol, offense=dataset == "victims")
    stmt = select(key, total.label("count")).where(*conds).group_by(key).order_by(key)
    df = db.frame(stmt)
    if len(df):
        df["count"] = df["count"].astype("int64")
    return df
