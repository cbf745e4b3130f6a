"""Guns and warrants page: its vocabularies and its queries (gun seizures by BPD, warrants of the
Sheriff's Office).

The codes of this page's columns live here (firearm types, how a gun was recovered, a seized
gun's status, warrant types and statuses, the ages of outstanding warrants), beside the shared
``vocabulary.CHARGE_CATEGORIES`` the warrants reuse. Every query takes the frozen ``Filters`` and
is cached by it and the data version (``cache.cached_query``). The offense filter applies to
neither dataset (a seized gun or a warrant is not a Part 1 offense category): callers drop it.

Dates: a seizure counts on its seizure date; a warrant counts as issued on its issue date and as
served on its served date. "Outstanding" is a state on one day, ``at``: issued on or before it
and neither served nor recalled by then, whatever its issue date (the start date does not
apply); its age is ``at`` minus the issue date, in days.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Date, case, cast, func, literal, or_, select, tuple_, union_all

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.filters import Filters
from data_access.schema import geography
from data_access.schema_guns_warrants import gun_seizure, warrant
from data_access.text import N_
from data_access.vocabulary import Vocabulary

FIREARM_TYPES = Vocabulary("firearm type", (
    ("handgun", N_("Handgun")),
    ("rifle", N_("Rifle")),
    ("shotgun", N_("Shotgun")),
    ("ghost_gun", N_("Ghost gun (privately made)")),
    ("other", N_("Other firearm")),
))
RECOVERY_TYPES = Vocabulary("recovery type", (
    ("arrest", N_("At an arrest")),
    ("search_warrant", N_("Search warrant")),
    ("found", N_("Found or recovered")),
    ("surrendered", N_("Surrendered")),
    ("other", N_("Other")),
))
SEIZURE_STATUSES = Vocabulary("seizure status", (
    ("held", N_("Held (evidence or property)")),
    ("returned", N_("Returned to its owner")),
    ("destroyed", N_("Destroyed")),
    ("transferred", N_("Transferred to another agency")),
))
WARRANT_TYPES = Vocabulary("warrant type", (
    ("arrest", N_("Arrest warrant")),
    ("bench", N_("Bench warrant")),
    ("probation_violation", N_("Violation of probation")),
    ("body_attachment", N_("Body attachment")),
    ("other", N_("Other warrant")),
))
WARRANT_STATUSES = Vocabulary("warrant status", (
    ("active", N_("Active (outstanding)")),
    ("served", N_("Served")),
    ("recalled", N_("Recalled or quashed")),
))
# Outstanding warrants by days since issue: (code, label, first day, last day or None)
AGE_BUCKETS = (
    ("lt30", N_("Under 30 days"), 0, 29),
    ("d30_90", N_("30–89 days"), 30, 89),
    ("d90_365", N_("90 days to 1 year"), 90, 364),
    ("y1_3", N_("1–3 years"), 365, 1094),
    ("y3plus", N_("3 years or more"), 1095, None),
)
AGE_CODES = tuple(b[0] for b in AGE_BUCKETS)
FLOWS = ("issued", "served", "recalled")  # what happens to warrants in a span


def age_bucket(days: int) -> str:
    """The bucket of an outstanding warrant ``days`` after its issue."""
    for code, _label, lo, hi in AGE_BUCKETS:
        if days >= lo and (hi is None or days <= hi):
            return code
    raise ValueError(f"negative age {days}")


def grain(f: Filters) -> str:
    return "week" if f.days <= 190 else "month"


def area_field(f: Filters) -> str:
    """Neighborhoods once the view is inside an area; else police districts."""
    return "neighborhood" if has_geo(f) else "police_district"


def _frame(db: Database, stmt, cols: list[str]) -> pd.DataFrame:
    df = db.frame(stmt)
    if df.empty:
        return pd.DataFrame({c: [] for c in cols})
    return df.astype({c: "int64" for c in cols if c in ("n", "issued", "served", "recalled", "outstanding")})


# --- gun seizures -------------------------------------------------------------------------------

def _seized(f: Filters) -> list:
    t = gun_seizure
    return [t.c.seized_date.between(f.start, f.end), *geo_conditions(t, f)]


@cached_query
def seizures_over_time(db: Database, version: int, f: Filters, grain_: str) -> pd.DataFrame:
    """Guns seized per period and firearm type. Columns: period, firearm_type, n."""
    t = gun_seizure
    period = cast(func.date_trunc(grain_, t.c.seized_date), Date).label("period")
    stmt = (select(period, t.c.firearm_type, func.count().label("n")).where(*_seized(f))
            .group_by(period, t.c.firearm_type).order_by(period))
    return _frame(db, stmt, ["period", "firearm_type", "n"])


SEIZURE_DIMENSIONS = ("firearm_type", "recovery_type", "status")


@cached_query
def seizures_by(db: Database, version: int, f: Filters, dimension: str) -> pd.DataFrame:
    """Guns seized by ``dimension`` (firearm_type, recovery_type, status; NULL status: "unknown").
    Columns: code, n."""
    if dimension not in SEIZURE_DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    t = gun_seizure
    code = func.coalesce(t.c[dimension], "unknown").label("code")
    return _frame(db, select(code, func.count().label("n")).where(*_seized(f)).group_by(code), ["code", "n"])


def _with_population(db: Database, df: pd.DataFrame, field: str) -> pd.DataFrame:
    layer = "police_district_2023" if field == "police_district" else field
    pop = db.frame(select(geography.c.code.label("area"), geography.c.population).where(geography.c.layer == layer))
    if df.empty:
        return df.assign(population=[])
    return df.merge(pop, on="area", how="left") if len(pop) else df.assign(population=None)


@cached_query
def seizures_by_area(db: Database, version: int, f: Filters, field: str) -> pd.DataFrame:
    """Guns seized per area (rows without the area left out). Columns: area, n, population."""
    t = gun_seizure
    stmt = (select(t.c[field].label("area"), func.count().label("n"))
            .where(*_seized(f), t.c[field].isnot(None)).group_by(t.c[field]))
    df = _with_population(db, _frame(db, stmt, ["area", "n"]), field)
    return df.sort_values(["n", "area"], ascending=[False, True]).reset_index(drop=True)


# --- warrants -----------------------------------------------------------------------------------

@cached_query
def warrants_as_of(db: Database, version: int) -> date | None:
    """The last day the warrants' data knows of: its latest issue, service or recall."""
    t = warrant
    # closed_date is the served or recall date (indexed, as the issue date is): two index lookups
    return db.execute(select(func.greatest(func.max(t.c.issued_date), func.max(t.c.closed_date)))).scalar()


def outstanding_day(db: Database, f: Filters) -> date:
    """The day outstanding warrants are counted on: the end date, or the data's last day when earlier."""
    last = warrants_as_of(db)
    return min(f.end, last) if last else f.end


def _open_on(at: date) -> list:
    t = warrant
    return [t.c.issued_date <= at, or_(t.c.closed_date.is_(None), t.c.closed_date > at)]


@cached_query
def warrants_over_time(db: Database, version: int, f: Filters, grain_: str) -> pd.DataFrame:
    """Warrants issued, served and recalled per period. Columns: period, flow, n."""
    t = warrant
    parts = []
    # a recall's date is its closed_date (indexed): its rows are found through that index
    for flow, col, extra in (("issued", t.c.issued_date, ()), ("served", t.c.served_date, ()),
                             ("recalled", t.c.closed_date, (t.c.recalled_date.isnot(None),))):
        period = cast(func.date_trunc(grain_, col), Date)
        parts.append(select(period.label("period"), literal(flow).label("flow"), func.count().label("n"))
                     .where(col.between(f.start, f.end), *extra, *geo_conditions(t, f)).group_by(period))
    u = union_all(*parts).subquery()
    return _frame(db, select(u.c.period, u.c.flow, u.c.n).order_by(u.c.period, u.c.flow), ["period", "flow", "n"])


def _age_case(at: date):
    days = literal(at, Date) - warrant.c.issued_date
    return case(*[(days <= hi, code) for code, _l, _lo, hi in AGE_BUCKETS if hi is not None],
                else_=AGE_CODES[-1])


@cached_query
def open_counts(db: Database, version: int, f: Filters, at: date, field: str) -> pd.DataFrame:
    """Warrants outstanding on ``at``, in one scan, counted three ways (GROUPING SETS): by age and
    warrant type, by charge category and by ``field`` (rows without it left out). Columns: kind
    ("age", "category", "area"), a, b (the warrant type for "age"), n."""
    t = warrant
    age, area = _age_case(at), t.c[field]
    stmt = (select(age.label("age"), t.c.warrant_type, t.c.charge_category, area.label("area"),
                   func.grouping(t.c.charge_category).label("g_cat"), func.grouping(area).label("g_area"),
                   func.count().label("n"))
            .where(*_open_on(at), *geo_conditions(t, f))
            .group_by(func.grouping_sets(tuple_(age, t.c.warrant_type), tuple_(t.c.charge_category), tuple_(area))))
    df = db.frame(stmt)
    cols = ["kind", "a", "b", "n"]
    if df.empty:
        return pd.DataFrame({c: [] for c in cols})
    kind = np.where(df.g_cat == 0, "category", np.where(df.g_area == 0, "area", "age"))
    a = np.where(kind == "category", df.charge_category, np.where(kind == "area", df.area, df.age))
    out = pd.DataFrame({"kind": kind, "a": a, "b": np.where(kind == "age", df.warrant_type, None),
                        "n": df.n.astype("int64")})
    return out[~((out.kind == "area") & out.a.isna())].reset_index(drop=True)


@cached_query
def outstanding_by_age(db: Database, version: int, f: Filters, at: date) -> pd.DataFrame:
    """Warrants outstanding on ``at`` by age and warrant type. Columns: age, warrant_type, n."""
    df = open_counts(db, f, at, area_field(f))
    df = df[df.kind == "age"]
    return pd.DataFrame({"age": df.a.to_numpy(), "warrant_type": df.b.to_numpy(), "n": df.n.to_numpy()})


def _counts_by(db: Database, f: Filters, at: date, key, kind: str, field: str, cols_where=()) -> pd.DataFrame:
    """issued and served (in the span, each read through its own date index) and outstanding (on
    ``at``, from ``open_counts``) per value of ``key``."""
    t = warrant
    where = [*geo_conditions(t, f), *cols_where]
    one, zero = literal(1), literal(0)
    parts = [
        select(key.label("key"), one.label("i"), zero.label("s")).where(t.c.issued_date.between(f.start, f.end), *where),
        select(key.label("key"), zero, one).where(t.c.served_date.between(f.start, f.end), *where),
    ]
    u = union_all(*parts).subquery()
    flows = _frame(db, select(u.c.key, func.sum(u.c.i).label("issued"), func.sum(u.c.s).label("served"))
                   .group_by(u.c.key), ["key", "issued", "served"])
    open_ = open_counts(db, f, at, field)
    open_ = open_[open_.kind == kind]
    out = flows.merge(pd.DataFrame({"key": open_.a.to_numpy(), "outstanding": open_.n.to_numpy()}), on="key",
                      how="outer")
    if out.empty:
        return pd.DataFrame({c: [] for c in ("key", "issued", "served", "outstanding")})
    return out.fillna({"issued": 0, "served": 0, "outstanding": 0}).astype(
        {"issued": "int64", "served": "int64", "outstanding": "int64"})


@cached_query
def warrants_by_category(db: Database, version: int, f: Filters, at: date) -> pd.DataFrame:
    """Per charge category: issued and served in the span, outstanding on ``at``.
    Columns: charge_category, issued, served, outstanding."""
    df = _counts_by(db, f, at, warrant.c.charge_category, "category", area_field(f))
    return df.rename(columns={"key": "charge_category"})


@cached_query
def warrants_by_area(db: Database, version: int, f: Filters, at: date, field: str) -> pd.DataFrame:
    """Per area (rows without it left out): issued, served, outstanding, population."""
    df = _counts_by(db, f, at, warrant.c[field], "area", field, (warrant.c[field].isnot(None),))
    df = _with_population(db, df.rename(columns={"key": "area"}), field)
    return df.sort_values(["outstanding", "area"], ascending=[False, True]).reset_index(drop=True)


__all__ = ["FIREARM_TYPES", "RECOVERY_TYPES", "SEIZURE_STATUSES", "WARRANT_TYPES", "WARRANT_STATUSES", "AGE_BUCKETS",
           "AGE_CODES", "FLOWS", "age_bucket", "grain", "area_field", "seizures_over_time", "seizures_by",
           "seizures_by_area", "warrants_as_of", "outstanding_day", "warrants_over_time", "open_counts", "outstanding_by_age",
           "warrants_by_category", "warrants_by_area"]
