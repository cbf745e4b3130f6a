"""911 calls page queries, the calls' code -> label tables, and the Plan KPI of calls answered
without police (``kpi_without_police``, read by the Plan KPIs page).

Counts come from the pre-aggregates (``data_access.schema_calls``), rebuilt by every load of calls
(``refresh_aggregates``, in the load's transaction): ``agg_call_city_day`` when no geography
filter is set, ``agg_call_geo_day`` (read through its (area, day) indexes) when one is, and
``agg_call_area_day`` for the citywide "by area" view. The offense filter does not apply to calls
(a call's type is not a Part 1 offense category): callers drop it, and the page says so.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Date, cast, extract, func, select, text, union_all
from sqlalchemy.engine import Connection

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.filters import Filters, month_split
from data_access.population import with_population
from data_access.schema_calls import (
    CALL_TABLES,
    agg_call_area_day,
    agg_call_area_month,
    agg_call_city_day,
    agg_call_city_month,
    agg_call_geo_day,
    agg_call_geo_month,
)
from data_access.text import N_
from data_access.vocabulary import Vocabulary

PRIORITIES = Vocabulary("call priority", (
    ("emergency", N_("Emergency")),
    ("high", N_("High")),
    ("medium", N_("Medium")),
    ("low", N_("Low")),
    ("non_emergency", N_("Non-emergency")),
    ("out_of_service", N_("Out of service")),
    ("unknown", N_("Not recorded")),
))
CATEGORIES = Vocabulary("call category", (
    ("violence", N_("Violence and weapons")),
    ("domestic", N_("Family and domestic")),
    ("property", N_("Property crime")),
    ("drugs", N_("Drugs")),
    ("disorder", N_("Disorder and noise")),
    ("suspicious", N_("Suspicious activity and alarms")),
    ("traffic", N_("Traffic")),
    ("behavioral_health", N_("Behavioral health")),
    ("welfare", N_("Welfare and medical")),
    ("service", N_("Service, follow-up and hang-ups")),
    ("other", N_("Other")),
))
RESPONSE_TYPES = Vocabulary("call response type", (
    ("police", N_("Police")),
    ("behavioral_health", N_("Behavioral-health diversion")),
    ("other", N_("Other (no police dispatch)")),
))
WITHOUT_POLICE = ("behavioral_health", "other")
AREA_FIELDS = ("police_district", "council_district", "neighborhood")


def calls_grain(f: Filters) -> str:
    return "week" if f.days <= 190 else "month"


def area_field(f: Filters) -> str:
    """Neighborhoods once the view is inside an area; else police districts."""
    return "neighborhood" if has_geo(f) else "police_district"


def _parts(f: Filters, keys, *, table: str = "auto", field: str | None = None, days_only: bool = False):
    """A UNION ALL over the span: its whole months from a month table, its ragged days (or, with
    ``days_only``, every day) from the day table. ``keys(t, when)`` gives the labelled key columns
    for table ``t`` whose date column is ``when``. ``table``: "auto" (citywide without a geography
    filter, else the geo tables), "geo" or "area" (``field``'s rows). Returns (subquery, key names)."""
    if table == "auto":
        table = "geo" if has_geo(f) else "city"
    day_t, month_t = {"geo": (agg_call_geo_day, agg_call_geo_month), "city": (agg_call_city_day, agg_call_city_month),
                      "area": (agg_call_area_day, agg_call_area_month)}[table]
    months, days = (None, [(f.start, f.end)]) if days_only else month_split(f.start, f.end)

    def conds(t, when, lo, hi):
        c = [when.between(lo, hi)]
        if table == "geo":
            c += geo_conditions(t, f)
        if table == "area":
            c.append(t.c.field == field)
        return c

    selects = []
    if months:
        selects.append(select(*keys(month_t, month_t.c.m), month_t.c.n).where(*conds(month_t, month_t.c.m, *months)))
    for lo, hi in days:
        selects.append(select(*keys(day_t, day_t.c.d), day_t.c.n).where(*conds(day_t, day_t.c.d, lo, hi)))
    sub = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery()
    return sub


def _grouped(db: Database, sub, names: list[str], cols: list[str], *ints: str) -> pd.DataFrame:
    stmt = select(*[sub.c[k] for k in names], func.sum(sub.c.n).label("n")).group_by(*[sub.c[k] for k in names])
    return _ints(db.frame(stmt), cols, *ints)


def _ints(df: pd.DataFrame, cols: list[str], *ints: str) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame({c: [] for c in cols}).astype({c: "int64" for c in ints})
    return df.astype({c: "int64" for c in ints})


KINDS = ("priority", "category", "response_type")


@cached_query
def by_kind(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Calls in the span per priority, category and response type. Columns: priority, category,
    response_type, n (every total of the page's cards, "by priority and category" and the
    response-type split sums these)."""
    sub = _parts(f, lambda t, when: [t.c[k] for k in KINDS])
    return _grouped(db, sub, list(KINDS), [*KINDS, "n"], "n")


@cached_query
def over_time(db: Database, version: int, f: Filters, grain: str) -> pd.DataFrame:
    """Calls per period (``week``: weeks start on Monday, or ``month``) and response type.
    Columns: period, response_type, n."""
    if grain not in ("week", "month"):
        raise ValueError(f"unknown grain {grain!r}")

    def keys(t, when):
        period = when if grain == "month" and when.name == "m" else cast(func.date_trunc(grain, when), Date)
        return [period.label("period"), t.c.response_type]
    sub = _parts(f, keys, days_only=grain == "week")
    df = _grouped(db, sub, ["period", "response_type"], ["period", "response_type", "n"], "n")
    return df.sort_values(["period", "response_type"]).reset_index(drop=True)


@cached_query
def by_area(db: Database, version: int, f: Filters, field: str) -> pd.DataFrame:
    """Calls per area of ``field`` (police_district, council_district or neighborhood) with the
    share answered without police and the area's residents. Columns: area, n, without_police,
    population (None when unknown). Police districts are as each call records them (the map in
    force on its date); residents are the 2023 map's."""
    if field not in AREA_FIELDS:
        raise ValueError(f"unknown area field {field!r}")
    if not has_geo(f) and field != "neighborhood":
        sub = _parts(f, lambda t, when: [t.c.area, t.c.response_type], table="area", field=field)
    else:  # neighborhoods, or any area inside a geography filter: the geo tables
        sub = _parts(f, lambda t, when: [t.c[field].label("area"), t.c.response_type], table="geo")
    wp = func.sum(sub.c.n).filter(sub.c.response_type.in_(WITHOUT_POLICE))
    df = db.frame(select(sub.c.area, func.sum(sub.c.n).label("n"), func.coalesce(wp, 0).label("without_police"))
                  .where(sub.c.area.isnot(None)).group_by(sub.c.area))
    if df.empty:
        return pd.DataFrame({"area": [], "n": [], "without_police": [], "population": []})
    df = with_population(db, df, field)
    df = df.astype({"n": "int64", "without_police": "int64"})
    return df.sort_values(["n", "area"], ascending=[False, True]).reset_index(drop=True)


@cached_query
def by_year(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Calls per calendar year of the span and response type. Columns: year, response_type, n."""
    sub = _parts(f, lambda t, when: [extract("year", when).label("year"), t.c.response_type])
    df = _grouped(db, sub, ["year", "response_type"], ["year", "response_type", "n"], "year", "n")
    return df.sort_values(["year", "response_type"]).reset_index(drop=True)


@cached_query
def date_span(db: Database, version: int) -> tuple | None:
    """The first and last day with calls loaded, or None."""
    row = db.execute(select(func.min(agg_call_city_day.c.d), func.max(agg_call_city_day.c.d))).rows
    return None if not row or row[0][0] is None else (row[0][0], row[0][1])


def kpi_without_police(db: Database, f: Filters) -> pd.DataFrame:
    """The Plan KPI "911 calls answered without police": per calendar year the filters' dates touch
    (only the part of the year inside them), the calls and those whose response type is not a
    police dispatch (behavioral-health diversion or other). Columns: year, calls, without_police;
    a year without calls loaded is left out. The offense filter does not apply."""
    df = by_year(db, f.replace(offense=()))
    if df.empty:
        return pd.DataFrame({"year": pd.Series([], dtype="int64"), "calls": pd.Series([], dtype="int64"),
                             "without_police": pd.Series([], dtype="int64")})
    calls = df.groupby("year").n.sum()
    wp = df[df.response_type.isin(WITHOUT_POLICE)].groupby("year").n.sum().reindex(calls.index, fill_value=0)
    out = pd.DataFrame({"year": calls.index.astype("int64"), "calls": calls.values.astype("int64"),
                        "without_police": wp.values.astype("int64")})
    return out[out.calls > 0].reset_index(drop=True)


# --- the pre-aggregates, rebuilt in a load's transaction -------------------------------------

_GEO = "police_district, neighborhood, council_district, legislative_district"


def refresh_aggregates(conn: Connection, days=None) -> None:
    """Rebuild the call aggregates from ``call_for_service``: whole, or (``days``) only those days
    and their months. The day tables come from the rows, everything else from the day tables."""
    aggs = [t for t in CALL_TABLES if t.startswith("agg_")]
    conn.execute(text("SET LOCAL work_mem = '256MB'"))  # one hash aggregate in memory, not a sort on disk
    if days is None:
        conn.execute(text(f"TRUNCATE {', '.join(aggs)}"))
        on_days, on_months, params = "TRUE", "TRUE", {}
    else:
        days = sorted(set(days))
        if not days:
            return
        months = sorted({d.replace(day=1) for d in days})
        params = {"days": days, "months": months}
        for t in aggs:
            conn.execute(text(f"DELETE FROM {t} WHERE {'m = ANY(:months)' if t.endswith('_month') else 'd = ANY(:days)'}"),
                         params)
        on_days, on_months = "{col} = ANY(:days)", "{col} = ANY(:months)"
    conn.execute(text(f"""
        INSERT INTO agg_call_geo_day (d, {_GEO}, priority, category, response_type, n)
        SELECT call_date, {_GEO}, priority, category, response_type, count(*)
        FROM call_for_service WHERE {on_days.format(col="call_date")}
        GROUP BY call_date, {_GEO}, priority, category, response_type"""), params)
    conn.execute(text(f"""
        INSERT INTO agg_call_geo_month (m, {_GEO}, priority, category, response_type, n)
        SELECT date_trunc('month', d)::date, {_GEO}, priority, category, response_type, sum(n)
        FROM agg_call_geo_day WHERE {on_months.format(col="date_trunc('month', d)::date")}
        GROUP BY 1, {_GEO}, priority, category, response_type"""), params)
    for grain, key, src, on in (("day", "d", "agg_call_geo_day", on_days), ("month", "m", "agg_call_geo_month", on_months)):
        where = on.format(col=key)
        conn.execute(text(f"""
            INSERT INTO agg_call_city_{grain} ({key}, priority, category, response_type, n)
            SELECT {key}, priority, category, response_type, sum(n) FROM {src} WHERE {where}
            GROUP BY {key}, priority, category, response_type"""), params)
        conn.execute(text(f"""
            INSERT INTO agg_call_area_{grain} ({key}, field, area, response_type, n)
            SELECT {key}, 'police_district', police_district, response_type, sum(n) FROM {src}
            WHERE police_district IS NOT NULL AND {where} GROUP BY {key}, police_district, response_type
            UNION ALL
            SELECT {key}, 'council_district', council_district, response_type, sum(n) FROM {src}
            WHERE council_district IS NOT NULL AND {where} GROUP BY {key}, council_district, response_type"""), params)
    for t in aggs:
        conn.execute(text(f"ANALYZE {t}"))


def write_aggregates(conn: Connection, calls: pd.DataFrame | dict) -> None:
    """Replace every call aggregate with those of ``calls`` (every call there is: the demo's, or a
    first load into an empty table), counted in memory (``count_aggregates``; or already counted:
    a dict of its tables) and COPYed: a year of calls in seconds, where the same GROUP BY over the
    stored rows takes half a minute."""
    from data_access.db import indexes_rebuilt_after
    from data_access.schema_calls import metadata

    conn.execute(text(f"TRUNCATE {', '.join(t for t in CALL_TABLES if t.startswith('agg_'))}"))
    aggs = calls if isinstance(calls, dict) else count_aggregates(calls)
    with index_memory(conn):
        for name in CALL_TABLES[1:]:
            with indexes_rebuilt_after(conn, name):
                copy_binary(conn, metadata.tables[name], aggs[name], freeze=True)
            conn.execute(text(f"ANALYZE {name}"))


@contextmanager
def index_memory(conn: Connection, size: str = "512MB"):
    """Indexes built in ``size`` of memory inside the block (then the transaction's setting again): a
    year of calls sorts in memory instead of in the 64 MB default's runs on disk."""
    before = conn.execute(text("SELECT current_setting('maintenance_work_mem')")).scalar()
    conn.execute(text("SELECT set_config('maintenance_work_mem', :v, true)"), {"v": size})
    try:
        yield
    finally:
        conn.execute(text("SELECT set_config('maintenance_work_mem', :v, true)"), {"v": before})


# --- the aggregates counted in memory ------------------------------------------------------------

AGG_GEO = ("police_district", "neighborhood", "council_district", "legislative_district")


def _codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A key column as codes (0: missing) and its values (code i is ``values[i - 1]``)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64) + 1, s.cat.categories
    codes, values = pd.factorize(s, use_na_sentinel=True)
    return codes.astype(np.int64) + 1, pd.Index(values)


def _group(keys: list[np.ndarray], weights: np.ndarray | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """Rows grouped by the code columns ``keys`` (non-negative ints), first key most significant:
    (each key's codes per group, in key order; the group's row count or sum of ``weights``). One
    int64 key per row, counted with ``bincount`` when its range is small and sorted once otherwise,
    where pandas' groupby over ten keys takes seconds."""
    n = len(keys[0])
    cards = [int(k.max()) + 1 if n else 1 for k in keys]
    if float(np.prod([float(c) for c in cards])) <= max(4 * n, 1 << 22):
        key = np.zeros(n, np.int64)
        for k, card in zip(keys, cards):
            key = key * card + k
        sums = np.bincount(key, weights=weights, minlength=int(np.prod(cards)))
        at = np.flatnonzero(sums)
        counts = sums[at].astype(np.int64)
        out = []
        for card in reversed(cards):
            out.append(at % card)
            at = at // card
        return out[::-1], counts
    key, span = np.zeros(n, np.int64), 1
    for k, card in zip(keys, cards):
        if span * card >= 2 ** 62:  # the key so far replaced by its rank (its order kept)
            _, key = np.unique(key, return_inverse=True)
            span = int(key.max()) + 1
        key, span = key * card + k, span * card
    order = np.argsort(key, kind="stable")
    ks = key[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    first = order[starts]
    sums = (np.diff(np.r_[starts, n]) if weights is None
            else np.add.reduceat(weights[order], starts)).astype(np.int64)
    return [k[first] for k in keys], sums


def _days(s) -> np.ndarray:
    """Dates (Python dates, datetime64 or Arrow dates) as days after 1970-01-01."""
    if isinstance(getattr(s, "dtype", None), pd.ArrowDtype):
        return pa.array(s.array).cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    values = np.asarray(s)
    if values.dtype == object:  # Python dates: numpy converts them in C
        return values.astype("datetime64[D]").astype(np.int64)
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]").astype(np.int64)


def _group_cols(cols: dict, keys: list[str], weights: np.ndarray | None = None) -> tuple[dict, np.ndarray]:
    """``cols`` (name -> (codes, values); values None: days) grouped by ``keys``: the same per group,
    and ``n`` (rows, or the sum of ``weights``)."""
    codes, n = _group([cols[k][0] for k in keys], weights)
    return {k: (c, cols[k][1]) for k, c in zip(keys, codes)}, n


def _frame(cols: dict, n: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Grouped ``cols`` as a frame in ``names`` order: days as Arrow dates, text as categoricals."""
    out = {}
    for k in names:
        if k == "n":
            out[k] = n
            continue
        codes, values = cols[k]
        if values is None:
            out[k] = pd.array(pa.array(codes.astype("datetime64[D]")), dtype=pd.ArrowDtype(pa.date32()))
        else:
            out[k] = pd.Categorical.from_codes(codes - 1, categories=values)
    return pd.DataFrame(out)


def count_aggregates(calls: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The six call pre-aggregates of ``calls`` (``call_for_service`` rows: ``call_date``, the four
    filter areas, priority, category, response type), as ``refresh_aggregates`` builds them from
    stored rows (an unknown area is a key of its own, as SQL's GROUP BY keeps NULL; tests check
    both agree): the day x areas x kinds table from the rows, everything else from it, weighted by
    its counts. ``agg_call_geo_day`` comes out in (neighborhood, day) order, as it is read."""
    cols = {"d": (_days(calls["call_date"]), None)}
    cols.update({c: _codes(calls[c]) for c in (*AGG_GEO, *KINDS)})
    geo, n = _group_cols(cols, ["neighborhood", "d", "police_district", "council_district", "legislative_district",
                             *KINDS])
    tables = {"geo": (geo, n, [*AGG_GEO, *KINDS])}
    tables["city"] = (*_group_cols(geo, ["d", *KINDS], n), list(KINDS))
    parts = []
    for field in ("police_district", "council_district"):
        has = geo[field][0] > 0
        sub, m = _group_cols({k: (v[0][has], v[1]) for k, v in geo.items()}, ["d", field, "response_type"], n[has])
        parts.append((sub, m))
    (pd_, pd_n), (cd, cd_n) = parts
    # both fields' areas as one code column, over both fields' values
    pd_values = geo["police_district"][1]
    area = {"d": (np.r_[pd_["d"][0], cd["d"][0]], None),
            "field": (np.r_[np.full(len(pd_n), 1), np.full(len(cd_n), 2)], pd.Index(["police_district",
                                                                                     "council_district"])),
            "area": (np.r_[pd_["police_district"][0], cd["council_district"][0] + len(pd_values)],
                     pd.Index(list(pd_values.astype(str)) + list(geo["council_district"][1].astype(str)))),
            "response_type": (np.r_[pd_["response_type"][0], cd["response_type"][0]], geo["response_type"][1])}
    tables["area"] = (area, np.r_[pd_n, cd_n], ["field", "area", "response_type"])
    out = {}
    for name, (day, counts, keys) in tables.items():
        out[f"agg_call_{name}_day"] = _frame(day, counts, ["d", *keys, "n"])
        month = dict(day)
        month["d"] = (day["d"][0].astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
                      .astype(np.int64), None)
        mcols, mn = _group_cols(month, ["d", *keys], counts)
        out[f"agg_call_{name}_month"] = _frame(mcols, mn, ["d", *keys, "n"]).rename(columns={"d": "m"})
    out["agg_call_area_day"] = out["agg_call_area_day"][["d", "area", "response_type", "n", "field"]]
    return out


# --- writing calls and their aggregates fast (the demo, and a load into an empty table) ---------

_PG_EPOCH_DAYS = 10_957  # PostgreSQL's epoch (2000-01-01) in days after 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400 * 1_000_000
_FIXED = {"BIGINT": ">i8", "INTEGER": ">i4", "SMALLINT": ">i2", "DATE": ">i4", "TIMESTAMP": ">i8"}
COPY_CHUNK = 1 << 23


def _fixed(n: int, width: int, buf) -> pa.Array:
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n, [None, pa.py_buffer(buf)]).cast(pa.binary())


def _binary_field(column, s: pd.Series) -> list[pa.Array]:
    """One column of a binary COPY as two Arrow arrays of one element per row: the field's length
    (-1: NULL) and its bytes (big-endian numbers, days or microseconds after 2000-01-01, UTF-8)."""
    kind = type(column.type).__visit_name__.upper()
    kind = {"BIG_INTEGER": "BIGINT", "SMALL_INTEGER": "SMALLINT", "DATETIME": "TIMESTAMP"}.get(kind, kind)
    n = len(s)
    if kind in _FIXED:
        if kind == "TIMESTAMP":
            t = pd.to_datetime(s, utc=True)
            null = t.isna().to_numpy()
            v = t.dt.tz_localize(None).to_numpy().astype("datetime64[us]").astype(np.int64) - _PG_EPOCH_US
        elif kind == "DATE":
            null = s.isna().to_numpy()
            v = _days(s.where(~null, pd.Timestamp(0).date()) if null.any() else s) - _PG_EPOCH_DAYS
        else:
            null = s.isna().to_numpy()
            v = (s.fillna(0) if null.any() else s).to_numpy().astype(np.int64)
        width = np.dtype(_FIXED[kind]).itemsize
        data = _fixed(n, width, np.ascontiguousarray(np.where(null, 0, v).astype(_FIXED[kind])))
        if null.any():
            data = pc.if_else(pa.array(null), pa.scalar(b"", pa.binary()), data)
        lens = np.where(null, -1, width).astype(">i4")
    else:  # text: categoricals as their dictionary, strings as Arrow holds them
        arr = pa.array(s, from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):  # (Arrow-backed strings)
            arr = arr.combine_chunks()
        if pa.types.is_dictionary(arr.type):
            arr = arr.dictionary_decode()
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            arr = pc.cast(arr, pa.string())
        arr = pc.cast(arr, pa.large_binary() if pa.types.is_large_string(arr.type) else pa.binary())
        lens = pc.fill_null(pc.binary_length(arr), -1).to_numpy(zero_copy_only=False).astype(">i4")
        data = pc.fill_null(arr, pa.scalar(b"", arr.type))
        if pa.types.is_large_binary(data.type):
            data = pc.cast(data, pa.binary())
    return [_fixed(n, 4, np.ascontiguousarray(lens)), data]


def _encoded(table, df: pd.DataFrame, cols: list[str]):
    """``df``'s rows as binary COPY tuples: a memoryview per batch of 500,000 rows (a batch's bytes
    stay far below Arrow's 2 GiB binary arrays)."""
    for lo in range(0, len(df), 500_000):
        part = df.iloc[lo:lo + 500_000]
        fields = [_fixed(len(part), 2, np.full(len(part), len(cols), ">i2"))]
        for c in cols:
            fields += _binary_field(table.c[c], part[c])
        rows = pc.binary_join_element_wise(*fields, b"")
        for chunk in rows.chunks if isinstance(rows, pa.ChunkedArray) else [rows]:
            offsets = np.frombuffer(chunk.buffers()[1], np.int32, len(chunk) + 1, chunk.offset * 4)
            yield memoryview(chunk.buffers()[2])[offsets[0]:offsets[-1]]


def copy_binary(conn: Connection, table, frames, *, freeze: bool = False) -> int:
    """COPY ``frames`` (a DataFrame, or an iterable of DataFrames with the same columns, named after
    ``table``'s) into ``table`` in PostgreSQL's binary format; returns the rows.

    The rows' bytes are assembled by Arrow's kernels (no Python per row) and the server parses no
    text: dates, times and numbers arrive as their binary values, several times cheaper for both
    sides than CSV. An iterable is produced and encoded in a worker thread while the server stores
    the previous batch (the machine's second core: numpy and Arrow release the GIL), at most a few
    batches ahead. ``freeze``: COPY FREEZE (only for a table emptied in this transaction: its rows
    are written already visible to all, so no later read or vacuum rewrites its pages)."""
    import queue
    import threading

    if isinstance(frames, pd.DataFrame):
        if frames.empty:
            return 0
        frames = [frames]
    frames = iter(frames)
    first = next(frames, None)
    while first is not None and first.empty:
        first = next(frames, None)
    if first is None:
        return 0
    cols = [c for c in first.columns if c in table.c]
    q: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    count = [0]
    done = object()

    def produce() -> None:
        try:
            df = first
            while df is not None:
                count[0] += len(df)
                for body in _encoded(table, df, cols):
                    while not stop.is_set():
                        try:
                            q.put(body, timeout=0.5)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                df = next(frames, None)
                while df is not None and df.empty:
                    df = next(frames, None)
            q.put(done)
        except BaseException as exc:  # handed to the writer, which raises it
            q.put(exc)

    worker = threading.Thread(target=produce, name="copy_binary", daemon=True)
    col_sql = ", ".join(f'"{c}"' for c in cols)
    try:
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(f'COPY "{table.name}" ({col_sql}) FROM STDIN '
                          f'(FORMAT binary{", FREEZE" if freeze else ""})') as cp:
                worker.start()
                cp.write(b"PGCOPY\n\xff\r\n\x00" + bytes(8))
                while (body := q.get()) is not done:
                    if isinstance(body, BaseException):
                        raise body
                    for i in range(0, len(body), COPY_CHUNK):
                        cp.write(body[i:i + COPY_CHUNK])
                cp.write(b"\xff\xff")
    finally:
        stop.set()
        if worker.is_alive():
            while worker.is_alive():  # unblock a producer waiting on a full queue
                try:
                    q.get_nowait()
                except queue.Empty:
                    worker.join(0.1)
    return count[0]


def tables_exist(conn: Connection) -> bool:
    """Whether migration 0009 has run on this database (a database upgraded before it was filled in
    has none of the calls tables)."""
    return conn.execute(text("SELECT to_regclass('agg_call_area_month') IS NOT NULL")).scalar()


__all__ = ["by_kind", "over_time", "by_area", "by_year", "kpi_without_police", "calls_grain", "area_field",
           "PRIORITIES", "CATEGORIES", "RESPONSE_TYPES", "WITHOUT_POLICE", "refresh_aggregates"]
