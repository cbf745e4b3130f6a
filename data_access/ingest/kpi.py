"""``psad ingest kpi FILE``: the values MONSE publishes for the Plan's measures (a documented CSV).

Columns (header names without case or punctuation; ``measure``, ``period`` and ``value`` are
required, ``source`` and ``note`` may be blank or absent):

``measure, period, value, source, note``

* ``measure``: a code of ``data_access.plan_measures`` whose value MONSE supplies (``cvi_mediations``,
  ``youth_diverted``, ...: the template ``data_access/ingest/kpi_template.csv`` lists them). A measure
  the dashboard computes itself from police data (``gun_violence``, ``youth_arrests``, ...) is
  rejected: its value comes from the records, never from a file.
* ``period``: a calendar year ``2024``, a quarter ``2024-Q3`` or a month ``2024-07``.
* ``value``: a number (``1234``, ``1,234``, ``12.5``); a percent measure takes 0 to 100, the others
  0 or more.
* ``source``: where the value comes from (a report, a survey), shown beside it.
* ``note``: MONSE's own note; stored for review, never published unreviewed.

The file is MONSE's complete list: rows are matched by (measure, period); when anything differs
the stored list is replaced by the file's in one transaction, and rows no longer listed are removed
(reported). Loading the same file twice changes nothing. The demo's synthetic values are removed by
any real load. A file with no usable row is refused whole (it would remove every value), and so is
the blank template. Unusable rows are kept in ``rejected_row`` with their reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select, text

from data_access.db import Database
from data_access.ingest.base import Progress, Rejects, _noop, write_rejects
from data_access.ingest.reader import IngestError, read_csv_file
from data_access.loading import LoadSummary, commit_version, copy_frame, logged_load
from data_access.plan_measures import MEASURE_BY_CODE, MONSE, MONSE_CODES, PERCENT
from data_access.schema import data_state
from data_access.schema_kpi import kpi_value

DATASET = "kpi"
ORIGIN = "monse_csv"
LAYOUTS = {"kpi": {"measure", "period", "value"}}
KNOWN_COLUMNS = frozenset({"measure", "period", "value", "source", "note"})
FIELDS = ["measure", "period", "grain", "period_start", "period_end", "value", "source", "note"]
SOURCE_CHARS = 200
NOTE_CHARS = 1000

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def parse_period(raw: str) -> tuple[str, str, date, date] | None:
    """(canonical period, grain, first day, last day) of "2024", "2024-Q3" or "2024-07"; None when
    it is none of them (or its year is outside 2000-2100)."""
    s = (raw or "").strip()
    if m := _YEAR.match(s):
        y = int(m[1])
        out = (str(y), "year", date(y, 1, 1), date(y, 12, 31))
    elif m := _QUARTER.match(s):
        y, q = int(m[1]), int(m[2])
        out = (f"{y}-Q{q}", "quarter", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    elif m := _MONTH.match(s):
        y, mo = int(m[1]), int(m[2])
        out = (f"{y}-{mo:02d}", "month", date(y, mo, 1), _month_end(y, mo))
    else:
        return None
    return out if FIRST_YEAR <= out[2].year <= LAST_YEAR else None


def parse_value(raw: str) -> float | None:
    s = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if s.startswith("$"):
        s = s[1:]
    if not _NUMBER.match(s):
        return None
    return float(s.replace(",", ""))


def _clean(s: pd.Series, limit: int) -> pd.Series:
    s = s.fillna("").astype("str").str.strip().str.slice(0, limit)
    return s.where(s != "", None)


def normalize_kpi(table) -> tuple[pd.DataFrame, Rejects]:
    """The file's usable rows (``FIELDS``) and its rejects, each with its reason."""
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    df = table.frame
    if df.empty:
        return pd.DataFrame(columns=FIELDS), rejects
    line = table.line
    measure = df["measure"].fillna("").str.strip().str.lower()
    periods = df["period"].map(parse_period)
    values = df["value"].map(parse_value)
    known = measure.isin(list(MEASURE_BY_CODE))
    computed = known & ~measure.isin(list(MONSE_CODES))
    percent = measure.map(lambda c: c in MEASURE_BY_CODE and MEASURE_BY_CODE[c].unit == PERCENT)
    v = pd.to_numeric(values, errors="coerce")
    checks = (
        (measure == "", "no measure"),
        (~known & (measure != ""), "unknown measure (use a code of kpi_template.csv, e.g. "
                                   f"{', '.join(MONSE_CODES[:3])})"),
        (computed, "measure computed by the dashboard from police data, not taken from a file"),
        (periods.isna(), "bad period (write a year 2024, a quarter 2024-Q3 or a month 2024-07)"),
        (values.isna(), "value is not a number"),
        (v.notna() & (v < 0), "negative value"),
        (percent & v.notna() & (v > 100), "percent above 100"),
    )
    bad = rejects.apply(checks, line, table)
    canon = periods.map(lambda p: p[0] if p else None)
    dup = ~bad & pd.DataFrame({"m": measure, "p": canon}).duplicated()
    if dup.any():
        rejects.add(line[dup].tolist(), "duplicate measure and period (an earlier row has them)",
                    table.raw_of(line[dup].tolist()))
    keep = ~bad & ~dup
    ok = periods[keep]
    out = pd.DataFrame({
        "measure": measure[keep],
        "period": ok.map(lambda p: p[0]),
        "grain": ok.map(lambda p: p[1]),
        "period_start": ok.map(lambda p: p[2]),
        "period_end": ok.map(lambda p: p[3]),
        "value": v[keep].astype("float64"),
        "source": _clean(df["source"], SOURCE_CHARS)[keep] if "source" in df else None,
        "note": _clean(df["note"], NOTE_CHARS)[keep] if "note" in df else None,
    })
    return out.reset_index(drop=True)[FIELDS], rejects


def _sig(df: pd.DataFrame) -> pd.Series:
    return (df["measure"].astype("str") + "|" + df["period"].astype("str") + "|" + df["value"].map(repr) + "|"
            + df["source"].fillna("").astype("str") + "|" + df["note"].fillna("").astype("str"))


def load_kpi_file(db: Database, path, *, progress: Progress = _noop, **_ignored) -> LoadSummary:
    """Load MONSE's KPI CSV: atomic, rejects kept, reload-safe, in the load log (module docstring)."""
    table, _layout = read_csv_file(path, layouts=LAYOUTS)
    table.protect(KNOWN_COLUMNS, free_text=("source", "note"))
    frame, rejects = normalize_kpi(table)
    progress("normalized", len(frame))
    summary = LoadSummary(dataset=DATASET, source=str(path))
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    if frame.empty:
        reasons = "; ".join(f"{reason}: {n}" for reason, n in sorted(rejects.by_reason().items()))
        raise IngestError(f"{table.name}: no usable value among its {summary.rows_read} rows ({reasons}); the file "
                          "is MONSE's complete list, so the values loaded before were kept. Nothing was loaded")
    assert all(MEASURE_BY_CODE[m].method == MONSE for m in frame["measure"])
    with logged_load(db, summary) as conn:
        old = pd.DataFrame(conn.execute(select(*[kpi_value.c[c] for c in FIELDS], kpi_value.c.origin)).all(),
                           columns=[*FIELDS, "origin"])
        demo_rows = int((old["origin"] != ORIGIN).sum()) if len(old) else 0
        real = old[old["origin"] == ORIGIN] if len(old) else old
        new_sig = pd.Series(_sig(frame).to_numpy(), index=(frame["measure"] + "|" + frame["period"]).to_numpy())
        old_sig = (pd.Series(_sig(real).to_numpy(), index=(real["measure"] + "|" + real["period"]).to_numpy())
                   if len(real) else pd.Series(dtype="str"))
        added = [k for k in new_sig.index if k not in old_sig.index]
        changed = [k for k in new_sig.index if k in old_sig.index and old_sig[k] != new_sig[k]]
        removed = [k for k in old_sig.index if k not in new_sig.index]
        moved = bool(added or changed or removed or demo_rows)
        if moved:
            conn.execute(text("DELETE FROM kpi_value"))
            copy_frame(conn, kpi_value, frame.assign(origin=ORIGIN, load_id=summary.load_id))
        summary.rows_loaded, summary.rows_updated = len(added), len(changed)
        write_rejects(conn, summary, DATASET, rejects)
        state = conn.execute(select(data_state.c.is_demo, data_state.c.data_as_of).where(data_state.c.id == 1)).first()
        summary.data_as_of = state.data_as_of if state else None
        # kpi_value is not among loading.SERVED_TABLES: say whether served rows changed
        commit_version(conn, summary, is_demo=bool(state.is_demo) if state else False,
                       data_as_of=summary.data_as_of, changed=moved)
        progress("committed", len(frame))
    summary.notes = [f"values listed: {len(frame)}; no longer listed, removed: {len(removed)}"
                     + (f"; demo values removed: {demo_rows}" if demo_rows else "")]
    return summary
