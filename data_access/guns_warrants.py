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

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Date, Text, case, cast, func, literal, or_, select, text, tuple_, union_all

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.filters import Filters, month_split
from data_access.population import with_population
from data_access.schema_guns_warrants import (
    AGGREGATE_TABLES,
    FLOW_AREA_FIELDS,
    SEIZURE_AREA_DIMS,
    SEIZURE_DIMS,
    agg_gun_seizure_area,
    agg_gun_seizure_month,
    agg_warrant_flow_area,
    agg_warrant_flow_day,
    agg_warrant_flow_month,
    agg_warrant_geo_month,
    agg_warrant_open_area,
    agg_warrant_open_day,
    agg_warrant_open_end,
    gun_seizure,
    warrant,
)
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

@cached_query
def seizure_counts(db: Database, version: int, f: Filters, grain_: str, field: str) -> pd.DataFrame:
    """The span's seized guns in one read, counted four ways (GROUPING SETS): per period and firearm
    type, per recovery type, per status (NULL: "unknown") and per ``field`` (rows without it left
    out). Columns: kind ("trend", "recovery_type", "status", "area"), a (the period's first day, the
    code or the area), b (the firearm type for "trend"), n. The page's five seizure counts read it.
    By month, the whole months come from ``agg_gun_seizure_month`` citywide (by police district)
    and from ``agg_gun_seizure_area`` inside the areas of one field (by neighborhood)."""
    t = gun_seizure
    months, spans = None, [(f.start, f.end)]
    a, inside, geo = None, [], _one_area_field(f)
    if grain_ == "month" and field == "police_district" and not has_geo(f):
        a = agg_gun_seizure_month
    elif grain_ == "month" and field == "neighborhood" and geo:  # inside the areas of one field
        a = agg_gun_seizure_area
        inside = [a.c.field == geo, a.c.area.in_(getattr(f, geo))]
    if a is not None and _has_table(db, a.name):
        months, spans = split_to_data_end(f.start, f.end, seizures_as_of(db))
    parts = []
    if months:
        kind = case(*[(a.c.dim == d, k) for d, k in _SEIZURE_KINDS.items()])
        parts.append(select(kind.label("kind"),
                            case((a.c.dim == "firearm_type", cast(a.c.m, Text)), else_=a.c.key).label("a"),
                            case((a.c.dim == "firearm_type", a.c.key), else_=None).label("b"), a.c.n)
                     .where(a.c.m.between(*months), *inside))
    if spans:
        period = cast(func.date_trunc(grain_, t.c.seized_date), Date)
        status = func.coalesce(t.c.status, "unknown")
        g_rec, g_status, g_area = (func.grouping(c) for c in (t.c.recovery_type, status, t.c[field]))
        parts.append(select(case((g_rec == 0, "recovery_type"), (g_status == 0, "status"), (g_area == 0, "area"),
                                 else_="trend").label("kind"),
                            case((g_rec == 0, t.c.recovery_type), (g_status == 0, status), (g_area == 0, t.c[field]),
                                 else_=cast(period, Text)).label("a"),
                            t.c.firearm_type.label("b"), func.count().label("n"))
                     .where(or_(*[t.c.seized_date.between(lo, hi) for lo, hi in spans]), *geo_conditions(t, f))
                     .group_by(func.grouping_sets(tuple_(period, t.c.firearm_type), tuple_(t.c.recovery_type),
                                                  tuple_(status), tuple_(t.c[field]))))
    if months:  # a month's rows summed over the span's months, with the ragged days' counts
        u = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        stmt = select(u.c.kind, u.c.a, u.c.b, func.sum(u.c.n).label("n")).group_by(u.c.kind, u.c.a, u.c.b)
    else:
        stmt = parts[0]
    df = db.frame(stmt)
    if df.empty:
        return pd.DataFrame({c: [] for c in ("kind", "a", "b", "n")})
    df = df[df.a.notna()]
    return pd.DataFrame({"kind": df.kind.to_numpy(dtype=object), "a": df.a.to_numpy(dtype=object),
                         "b": df.b.to_numpy(dtype=object, na_value=None), "n": df.n.astype("int64").to_numpy()})


_SEIZURE_KINDS = {"firearm_type": "trend", "recovery_type": "recovery_type", "status": "status",
                  "police_district": "area", "neighborhood": "area"}  # the roll-ups' dims -> seizure_counts' kinds


def refresh_seizure_aggregate(conn) -> None:
    """Rebuild ``agg_gun_seizure_month`` and ``agg_gun_seizure_area`` from ``gun_seizure`` on
    ``conn`` (inside the load's transaction), with the planner's statistics; each only when the
    database was migrated to it (0019, 0020)."""
    a, t = agg_gun_seizure_month, gun_seizure
    if conn.execute(select(func.to_regclass(a.name).isnot(None))).scalar():
        conn.execute(text(f"TRUNCATE {a.name}"))
        dims = union_all(*[select(cast(func.date_trunc("month", t.c.seized_date), Date).label("m"),
                                  literal(d).label("dim"),
                                  (func.coalesce(t.c.status, "unknown") if d == "status" else t.c[d]).label("key"))
                           for d in SEIZURE_DIMS]).subquery()
        rows = (select(dims.c.m, dims.c.dim, dims.c.key, func.count())
                .where(dims.c.key.isnot(None)).group_by(dims.c.m, dims.c.dim, dims.c.key))
        conn.execute(a.insert().from_select(["m", "dim", "key", "n"], rows))
        conn.execute(text(f"ANALYZE {a.name}"))
    a = agg_gun_seizure_area
    if conn.execute(select(func.to_regclass(a.name).isnot(None))).scalar():
        conn.execute(text(f"TRUNCATE {a.name}"))
        keys = {d: "coalesce(s.status, 'unknown')" if d == "status" else f"s.{d}" for d in SEIZURE_AREA_DIMS}
        conn.execute(text(f"""
            INSERT INTO {a.name} (field, area, m, dim, key, n)
            SELECT g.field, g.area, date_trunc('month', s.seized_date)::date, k.dim, k.key, count(*)
            FROM {t.name} s
            CROSS JOIN LATERAL (VALUES {', '.join(f"('{g}', s.{g})" for g in GEO_AREA_FIELDS)}) AS g(field, area)
            CROSS JOIN LATERAL (VALUES {', '.join(f"('{d}', {k})" for d, k in keys.items())}) AS k(dim, key)
            WHERE g.area IS NOT NULL AND k.key IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3"""))
        conn.execute(text(f"ANALYZE {a.name}"))
    conn.execute(text(f"ANALYZE {t.name}"))


@cached_query
def seizures_as_of(db: Database, version: int) -> date | None:
    """The last day a gun was seized on in the data (an index lookup)."""
    return db.execute(select(func.max(gun_seizure.c.seized_date))).scalar()


def _seizures(db: Database, f: Filters, kind: str, grain_: str | None = None, field: str | None = None):
    """``seizure_counts``' rows of one ``kind`` as three lists (a, b, n): each of the page's five
    seizure counts reads a few dozen of them, and pandas' own filtering cost more than the rest."""
    df = seizure_counts(db, f, grain_ or grain(f), field or area_field(f))
    keep = df.kind.to_numpy(dtype=object) == kind
    return (df.a.to_numpy(dtype=object)[keep].tolist(), df.b.to_numpy(dtype=object)[keep].tolist(),
            df.n.to_numpy(dtype="int64")[keep].tolist())


def _nulls_last(v) -> tuple:
    return (v is None, v or "")


@cached_query
def seizures_over_time(db: Database, version: int, f: Filters, grain_: str) -> pd.DataFrame:
    """Guns seized per period and firearm type. Columns: period, firearm_type, n."""
    a, b, n = _seizures(db, f, "trend", grain_=grain_)
    rows = sorted(zip((date.fromisoformat(p) for p in a), b, n), key=lambda r: (r[0], _nulls_last(r[1])))
    return pd.DataFrame({"period": [r[0] for r in rows],
                         "firearm_type": np.array([r[1] for r in rows], dtype=object) if rows else [],
                         "n": np.array([r[2] for r in rows], dtype="int64")})


SEIZURE_DIMENSIONS = ("firearm_type", "recovery_type", "status")


@cached_query
def seizures_by(db: Database, version: int, f: Filters, dimension: str) -> pd.DataFrame:
    """Guns seized by ``dimension`` (firearm_type, recovery_type, status; NULL status: "unknown").
    Columns: code, n."""
    if dimension not in SEIZURE_DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    if dimension == "firearm_type":  # the trend's periods summed, in the order the types first appear
        by: dict = {}
        for code, k in zip(*_seizures(db, f, "trend")[1:]):
            if code is not None:
                by[code] = by.get(code, 0) + k
        codes, counts = list(by), list(by.values())
    else:
        codes, _b, counts = _seizures(db, f, dimension)
    return pd.DataFrame({"code": np.array(codes, dtype=object), "n": np.array(counts, dtype="int64")})


@cached_query
def seizures_by_area(db: Database, version: int, f: Filters, field: str) -> pd.DataFrame:
    """Guns seized per area (rows without the area left out). Columns: area, n, population."""
    areas, _b, counts = _seizures(db, f, "area", field=field)
    df = with_population(db, pd.DataFrame({"area": np.array(areas, dtype=object), "n": np.array(counts, dtype="int64")}),
                         field)
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
    if not has_geo(f):  # citywide: the per-category flows, whole months from the month table
        u = _flow_parts(f, "charge_category", grain_ == "month",
                        lambda t, when: (when.label("period"), t.c.flow), period_grain=grain_).subquery()
        stmt = select(u.c.period, u.c.flow, func.sum(u.c.n).label("n")).group_by(u.c.period, u.c.flow)
        return _frame(db, stmt.order_by(u.c.period, u.c.flow), ["period", "flow", "n"])
    if grain_ == "month" and area_field(f) == "neighborhood":  # the one read of the area's flows
        df = geo_flows(db, f)
        df = df[df.kind == "period"]
        return pd.DataFrame({"period": df.key.to_numpy(), "flow": df.flow.to_numpy(), "n": df.n.to_numpy()})
    t = warrant
    months, spans = _geo_split(db, f, grain_ == "month")
    parts = []
    if months:
        gm = agg_warrant_geo_month
        parts.append(select(gm.c.m.label("period"), gm.c.flow, func.sum(gm.c.n).label("n"))
                     .where(gm.c.m.between(*months), *geo_conditions(gm, f)).group_by(gm.c.m, gm.c.flow))
    # a recall's date is its closed_date (indexed): its rows are found through that index
    for flow, col, extra in (("issued", t.c.issued_date, ()), ("served", t.c.served_date, ()),
                             ("recalled", t.c.closed_date, (t.c.recalled_date.isnot(None),))):
        period = cast(func.date_trunc(grain_, col), Date)
        for lo, hi in spans:
            parts.append(select(period.label("period"), literal(flow).label("flow"), func.count().label("n"))
                         .where(col.between(lo, hi), *extra, *geo_conditions(t, f)).group_by(period))
    u = union_all(*parts).subquery()
    u = select(u.c.period, u.c.flow, func.sum(u.c.n).label("n")).group_by(u.c.period, u.c.flow).subquery()
    return _frame(db, select(u.c.period, u.c.flow, u.c.n).order_by(u.c.period, u.c.flow), ["period", "flow", "n"])


@cached_query
def geo_flows(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """A view inside an area: its warrants issued, served and recalled in the span, in one read
    (the whole months from ``agg_warrant_flow_area`` inside districts of one field, else from
    ``agg_warrant_geo_month``; the ragged days from ``warrant``) counted three ways: per month, per
    charge category and per neighborhood (rows without one left out). Columns: kind ("period",
    "category", "area"), key (the month's first day, the category, the neighborhood), flow, n. The
    trend, the categories and the areas read it, instead of each its own."""
    t = warrant
    months, spans = _geo_split(db, f, True)
    parts, summed = [], []
    geo = _one_area_field(f)
    if months and geo in FLOW_AREA_FIELDS and _has_table(db, agg_warrant_flow_area.name):
        # inside districts: their whole months from the district roll-up, already one row per
        # (month, flow, category) and (month, flow, neighborhood)
        fa = agg_warrant_flow_area
        where = (fa.c.field == geo, fa.c.area.in_(getattr(f, geo)), fa.c.m.between(*months))
        summed += [select(case((fa.c.dim == "charge_category", "category"), else_="area").label("kind"),
                          fa.c.key, fa.c.flow, func.sum(fa.c.n).label("n"))
                   .where(*where).group_by(fa.c.dim, fa.c.key, fa.c.flow),
                   select(literal("period").label("kind"), cast(fa.c.m, Text).label("key"), fa.c.flow,
                          func.sum(fa.c.n).label("n"))
                   .where(*where, fa.c.dim == "charge_category").group_by(fa.c.m, fa.c.flow)]
        months = None
    if months:
        gm = agg_warrant_geo_month
        parts.append(select(gm.c.m.label("period"), gm.c.flow, gm.c.charge_category, gm.c.neighborhood.label("area"),
                            gm.c.n).where(gm.c.m.between(*months), *geo_conditions(gm, f)))
    for flow, col, extra in (("issued", t.c.issued_date, ()), ("served", t.c.served_date, ()),
                             ("recalled", t.c.closed_date, (t.c.recalled_date.isnot(None),))):
        period = cast(func.date_trunc("month", col), Date)
        for lo, hi in spans:
            parts.append(select(period.label("period"), literal(flow).label("flow"), t.c.charge_category,
                                t.c.neighborhood.label("area"), literal(1).label("n"))
                         .where(col.between(lo, hi), *extra, *geo_conditions(t, f)))
    if parts:
        u = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        g_cat, g_area = func.grouping(u.c.charge_category), func.grouping(u.c.area)
        summed.append(select(case((g_cat == 0, "category"), (g_area == 0, "area"), else_="period").label("kind"),
                             case((g_cat == 0, u.c.charge_category), (g_area == 0, u.c.area),
                                  else_=cast(u.c.period, Text)).label("key"),
                             u.c.flow, func.sum(u.c.n).label("n"))
                      .group_by(func.grouping_sets(tuple_(u.c.period, u.c.flow), tuple_(u.c.charge_category, u.c.flow),
                                                   tuple_(u.c.area, u.c.flow))))
    if len(summed) > 1:
        a = union_all(*summed).subquery()
        stmt = select(a.c.kind, a.c.key, a.c.flow, func.sum(a.c.n).label("n")).group_by(a.c.kind, a.c.key, a.c.flow)
    else:
        stmt = summed[0]
    df = db.frame(stmt)
    cols = ["kind", "key", "flow", "n"]
    if df.empty:
        return pd.DataFrame({c: [] for c in cols})
    df = df[df.key.notna()]
    key = df.key.to_numpy(dtype=object)
    period = (df.kind == "period").to_numpy()
    key[period] = [date.fromisoformat(k) for k in key[period]]
    return pd.DataFrame({"kind": df.kind.to_numpy(dtype=object), "key": key, "flow": df.flow.to_numpy(dtype=object),
                         "n": df.n.astype("int64").to_numpy()})


_HAS_TABLE: dict = {}  # (database URL, table) -> whether the database has it


def _has_table(db: Database, name: str) -> bool:
    """Whether the database has table ``name`` (one migrated before the table existed reads rows)."""
    key = (str(db.engine.url), name)
    if key not in _HAS_TABLE:
        _HAS_TABLE[key] = bool(db.execute(select(func.to_regclass(name).isnot(None))).scalar())
    return _HAS_TABLE[key]


def _geo_split(db: Database, f: Filters, use_months: bool):
    """(whole months read from ``agg_warrant_geo_month``, or None; the spans read from ``warrant``).
    A database migrated before that table existed reads every day from ``warrant``."""
    if not (use_months and _has_table(db, agg_warrant_geo_month.name)):
        return None, [(f.start, f.end)]
    return split_to_data_end(f.start, f.end, warrants_as_of(db))


def split_to_data_end(start: date, end: date, last: date | None):
    """``month_split`` of the span, its end moved to its month's last day when the dataset has no
    row after ``end`` (``last``, its last day, is on or before it): the span's last month then counts
    whole in a monthly aggregate, the same number as its days up to ``end``. A view ending on the
    data's last day (the year to date, the last 28 days: most views) reads no row one by one there."""
    if last is not None and end >= last:
        end = _month_end(end)
    return month_split(start, end)


def _flow_parts(f: Filters, dim: str, use_months: bool, keys, *, period_grain: str | None = None, flows=FLOWS):
    """A UNION ALL of the flow aggregates over the span: its whole months from the month table
    (when ``use_months``), its other days from the day table. ``keys(table, when)`` gives the
    selected key columns; ``when`` is truncated to ``period_grain`` when given."""
    months, days = month_split(f.start, f.end) if use_months else (None, [(f.start, f.end)])
    selects = []

    def part(t, col, lo, hi):
        when = col if period_grain is None or (period_grain == "month" and col.name == "m") else \
            cast(func.date_trunc(period_grain, col), Date)
        return select(*keys(t, when), t.c.n).where(col.between(lo, hi), t.c.dim == dim, t.c.flow.in_(flows))

    if months:
        selects.append(part(agg_warrant_flow_month, agg_warrant_flow_month.c.m, *months))
    for lo, hi in days:
        selects.append(part(agg_warrant_flow_day, agg_warrant_flow_day.c.d, lo, hi))
    return union_all(*selects) if len(selects) > 1 else selects[0]


def _age_case(at: date, issued=None):
    days = literal(at, Date) - (warrant.c.issued_date if issued is None else issued)
    return case(*[(days <= hi, code) for code, _l, _lo, hi in AGE_BUCKETS if hi is not None],
                else_=AGE_CODES[-1])


def _month(d: date) -> date:
    return d.replace(day=1)


def _month_end(m: date) -> date:
    return (m.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _one_area_field(f: Filters) -> str | None:
    """The one geography field ``f`` sets, or None (none, or several: their intersection)."""
    set_ = [g for g in GEO_AREA_FIELDS if getattr(f, g)]
    return set_[0] if len(set_) == 1 else None


def _open_in_area(db: Database, f: Filters, at: date, geo: str) -> pd.DataFrame:
    """``open_counts`` inside one geography field's areas, by neighborhood: the warrants still open
    at the data's end from ``agg_warrant_open_area`` for the issue months wholly inside one age
    bucket and on or before ``at``; from ``warrant`` the months an age edge or ``at`` cuts (their
    issue days decide) and the warrants closed after ``at``. Columns: kind, a, b, n."""
    o, t = agg_warrant_open_area, warrant
    areas = getattr(f, geo)
    # the issue months holding a first day of an age bucket (at - 29, at - 89, ...) or ``at``: a month
    # without one lies in one bucket, wholly on or before ``at``
    edges = sorted({_month(at - timedelta(days=lo - 1 if lo else 0)) for _c, _l, lo, _h in AGE_BUCKETS})
    kind = case((o.c.dim == "warrant_type", "age"), (o.c.dim == "charge_category", "category"), else_="area")
    a = case((o.c.dim == "warrant_type", _age_case(at, o.c.m)), else_=o.c.key)
    b = case((o.c.dim == "warrant_type", o.c.key), else_=None)
    whole = (select(kind.label("kind"), a.label("a"), b.label("b"), o.c.n)
             .where(o.c.field == geo, o.c.area.in_(areas), o.c.m < _month(at), o.c.m.notin_(edges)))
    cols = (_age_case(at).label("age"), t.c.warrant_type, t.c.charge_category, t.c.neighborhood.label("area"))
    parts = [select(*cols).where(t.c[geo].in_(areas), t.c.closed_date.is_(None),
                                 t.c.issued_date.between(m, min(_month_end(m), at))) for m in edges if m <= at]
    parts.append(select(*cols).where(t.c[geo].in_(areas), t.c.closed_date > at, t.c.issued_date <= at))
    u = union_all(*parts).subquery()
    g_cat, g_area = func.grouping(u.c.charge_category), func.grouping(u.c.area)
    rows = (select(case((g_cat == 0, "category"), (g_area == 0, "area"), else_="age").label("kind"),
                   case((g_cat == 0, u.c.charge_category), (g_area == 0, u.c.area), else_=u.c.age).label("a"),
                   case((g_cat == 0, None), (g_area == 0, None), else_=u.c.warrant_type).label("b"),
                   func.count().label("n"))
            .group_by(func.grouping_sets(tuple_(u.c.age, u.c.warrant_type), tuple_(u.c.charge_category),
                                         tuple_(u.c.area))))
    both = union_all(whole, rows).subquery()
    stmt = (select(both.c.kind, both.c.a, both.c.b, func.sum(both.c.n).label("n"))
            .where(both.c.a.isnot(None)).group_by(both.c.kind, both.c.a, both.c.b))
    df = db.frame(stmt)
    if df.empty:
        return pd.DataFrame({c: [] for c in ("kind", "a", "b", "n")})
    return pd.DataFrame({"kind": df.kind.to_numpy(dtype=object), "a": df.a.to_numpy(dtype=object),
                         "b": df.b.to_numpy(dtype=object, na_value=None), "n": df.n.astype("int64").to_numpy()})


def _open_at_end(db: Database, f: Filters, at: date, geo: str) -> pd.DataFrame:
    """``open_counts`` inside one geography field's areas, by neighborhood, on the data's last day
    (``at``): ``agg_warrant_open_end``'s rows of those areas, summed. Columns: kind, a, b, n."""
    o = agg_warrant_open_end
    rows = db.execute(select(o.c.kind, o.c.a, o.c.b, func.sum(o.c.n))
                      .where(o.c.field == geo, o.c.area.in_(getattr(f, geo)), o.c.d == at)
                      .group_by(o.c.kind, o.c.a, o.c.b).order_by(o.c.kind, o.c.a, o.c.b)).rows
    kind, a, b, n = (list(c) for c in zip(*rows)) if rows else ([], [], [], [])
    return pd.DataFrame({"kind": np.array(kind, dtype=object), "a": np.array(a, dtype=object),
                         "b": np.array(b, dtype=object), "n": np.array(n, dtype="int64")})


@cached_query
def open_counts(db: Database, version: int, f: Filters, at: date, field: str) -> pd.DataFrame:
    """Warrants outstanding on ``at``, in one scan, counted three ways (GROUPING SETS): by age and
    warrant type, by charge category and by ``field`` (rows without it left out). Columns: kind
    ("age", "category", "area"), a, b (the warrant type for "age"), n."""
    cols = ["kind", "a", "b", "n"]
    if not has_geo(f) and field == "police_district":  # citywide: the day's row of the aggregate
        o = agg_warrant_open_day
        df = db.frame(select(o.c.dim, o.c.a, o.c.b, o.c.n).where(o.c.d == at))
        if df.empty:
            return pd.DataFrame({c: [] for c in cols})
        kind = df.dim.map({"age": "age", "charge_category": "category", "police_district": "area"})
        return pd.DataFrame({"kind": kind.to_numpy(), "a": df.a.to_numpy(dtype=object),
                             "b": df.b.to_numpy(dtype=object, na_value=None), "n": df.n.astype("int64").to_numpy()})
    geo = _one_area_field(f)
    if geo and field == "neighborhood":
        if at == warrants_as_of(db) and _has_table(db, agg_warrant_open_end.name):
            return _open_at_end(db, f, at, geo)
        if _has_table(db, agg_warrant_open_area.name):
            return _open_in_area(db, f, at, geo)
    t = warrant
    cols_ = (_age_case(at).label("age"), t.c.warrant_type, t.c.charge_category, t.c[field].label("area"))
    # still open (through the partial per-area indexes of open warrants) and closed after ``at``
    # (through the closed_date index): together, the warrants open on ``at``
    u = union_all(select(*cols_).where(t.c.closed_date.is_(None), t.c.issued_date <= at, *geo_conditions(t, f)),
                  select(*cols_).where(t.c.closed_date > at, t.c.issued_date <= at, *geo_conditions(t, f))).subquery()
    stmt = (select(u.c.age, u.c.warrant_type, u.c.charge_category, u.c.area,
                   func.grouping(u.c.charge_category).label("g_cat"), func.grouping(u.c.area).label("g_area"),
                   func.count().label("n"))
            .group_by(func.grouping_sets(tuple_(u.c.age, u.c.warrant_type), tuple_(u.c.charge_category),
                                         tuple_(u.c.area))))
    df = db.frame(stmt)
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
    counts: dict = {}  # key -> [issued, served]: plain Python, the page reads a few dozen keys
    if not has_geo(f) and key.name in FLOW_DIMS:  # citywide: the flow aggregates
        u = _flow_parts(f, key.name, True, lambda a, _when: (a.c.key, a.c.flow), flows=("issued", "served")).subquery()
        issued_, served_ = (func.coalesce(func.sum(case((u.c.flow == fl, u.c.n))), 0) for fl in ("issued", "served"))
        rows = db.execute(select(u.c.key, issued_.label("issued"), served_.label("served")).group_by(u.c.key)).rows
    elif has_geo(f) and key.name in ("charge_category", "neighborhood"):  # the one read of the area's flows
        df = geo_flows(db, f)
        keep = ((df.kind == ("category" if key.name == "charge_category" else "area")) & df.flow.isin(FLOWS[:2])).to_numpy()
        for k, fl, n in zip(df.key.to_numpy()[keep].tolist(), df.flow.to_numpy()[keep].tolist(), df.n.to_numpy()[keep].tolist()):
            counts.setdefault(k, [0, 0])[fl == "served"] += n
        rows = ()
    else:
        where = [*geo_conditions(t, f), *cols_where]
        one, zero = literal(1), literal(0)
        months, spans = _geo_split(db, f, True)
        parts = []
        if months:
            gm = agg_warrant_geo_month
            gk = gm.c[key.name]
            parts += [select(gk.label("key"), case((gm.c.flow == fl, gm.c.n), else_=0).label("i"),
                             case((gm.c.flow == fl, 0), else_=gm.c.n).label("s"))
                      .where(gm.c.m.between(*months), gm.c.flow.in_(("issued", "served")), *geo_conditions(gm, f),
                             *([gk.isnot(None)] if cols_where else []))
                      for fl in ("issued",)]
        for lo, hi in spans:
            parts += [select(key.label("key"), one.label("i"), zero.label("s")).where(t.c.issued_date.between(lo, hi),
                                                                                      *where),
                      select(key.label("key"), zero, one).where(t.c.served_date.between(lo, hi), *where)]
        u = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        rows = db.execute(select(u.c.key, func.sum(u.c.i).label("issued"), func.sum(u.c.s).label("served"))
                          .group_by(u.c.key)).rows
    for k, issued, served in rows:
        counts[k] = [int(issued or 0), int(served or 0)]
    open_ = open_counts(db, f, at, field)
    keep = (open_.kind == kind).to_numpy()
    outstanding = dict(zip(open_.a.to_numpy()[keep].tolist(), open_.n.to_numpy()[keep].tolist()))
    # every key of either, in the order of the outer merge this replaces: sorted, a missing key last
    keys = sorted(counts.keys() | outstanding.keys(), key=_nulls_last)
    if not keys:
        return pd.DataFrame({c: [] for c in ("key", "issued", "served", "outstanding")})
    return pd.DataFrame({"key": keys, "issued": np.array([counts.get(k, (0, 0))[0] for k in keys], dtype="int64"),
                         "served": np.array([counts.get(k, (0, 0))[1] for k in keys], dtype="int64"),
                         "outstanding": np.array([outstanding.get(k, 0) for k in keys], dtype="int64")})


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
    df = with_population(db, df.rename(columns={"key": "area"}), field)
    return df.sort_values(["outstanding", "area"], ascending=[False, True]).reset_index(drop=True)


# --- pre-aggregates ------------------------------------------------------------------------------

GEO_AREA_FIELDS = ("police_district", "neighborhood", "council_district", "legislative_district")
AGG_SOURCE_COLUMNS = ("warrant_type", "charge_category", "issued_date", "served_date", "recalled_date", "closed_date",
                      *GEO_AREA_FIELDS)
FLOW_DIMS = ("charge_category", "police_district")


def _day_numbers(s: pd.Series) -> np.ndarray:
    """Dates (date objects or NaT/None) as days since 1970 (float, NaN when missing)."""
    d = pd.to_datetime(s)
    return np.where(d.isna(), np.nan, (d - pd.Timestamp("1970-01-01")).dt.days.astype("float64"))


def _as_dates(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="int64").astype("datetime64[D]").astype(object)  # datetime.date objects


def compute_aggregates(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The four pre-aggregates of ``rows`` (``warrant``'s columns ``AGG_SOURCE_COLUMNS``): flows per
    day, flows per month, outstanding at the end of each day, flows per month and area."""
    flow_cols, open_cols = ["d", "flow", "dim", "key", "n"], ["d", "dim", "a", "b", "n"]
    if rows.empty:
        empty = pd.DataFrame({c: [] for c in flow_cols})
        geo = pd.DataFrame({c: [] for c in ("m", "flow", "charge_category", *GEO_AREA_FIELDS, "n")})
        return empty, empty.rename(columns={"d": "m"}), pd.DataFrame({c: [] for c in open_cols}), geo
    issued = _day_numbers(rows["issued_date"]).astype("int64")
    served, closed = _day_numbers(rows["served_date"]), _day_numbers(rows["closed_date"])
    recalled = np.where(rows["recalled_date"].notna().to_numpy(), closed, np.nan)  # a recall counts on closed_date
    cat = rows["charge_category"].to_numpy(dtype=object)
    pdist = rows["police_district"].to_numpy(dtype=object, na_value=None)
    # flows
    parts = []
    for flow, when in (("issued", issued.astype("float64")), ("served", served), ("recalled", recalled)):
        has = ~np.isnan(when)
        for dim, key in (("charge_category", cat), ("police_district", pdist)):
            m = has & pd.notna(key)
            parts.append(pd.DataFrame({"d": when[m].astype("int64"), "flow": flow, "dim": dim, "key": key[m]}))
    ev = pd.concat(parts, ignore_index=True)
    day = ev.groupby(["d", "flow", "dim", "key"], sort=True).size().rename("n").reset_index()
    month = day.assign(m=day.d.to_numpy().astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
                       .astype(object))
    month = month.groupby(["m", "flow", "dim", "key"], sort=True)["n"].sum().reset_index()
    geo_cols = ["flow", "charge_category", *GEO_AREA_FIELDS]
    geo = []
    for flow, when in (("issued", issued.astype("float64")), ("served", served), ("recalled", recalled)):
        has = ~np.isnan(when)
        part = rows.loc[has, ["charge_category", *GEO_AREA_FIELDS]].astype(object)
        geo.append(part.assign(m=when[has].astype("int64"), flow=flow))
    geo = pd.concat(geo, ignore_index=True)
    geo["m"] = geo.m.to_numpy().astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(object)
    geo = geo.groupby(["m", *geo_cols], dropna=False, sort=False).size().rename("n").reset_index()
    # written in (neighborhood, month) order: a district is a union of neighborhoods, so an area's
    # rows lie in a few runs of adjacent pages instead of one row per page
    geo = geo.sort_values(["neighborhood", "m"], na_position="last", kind="stable").reset_index(drop=True)
    for c in GEO_AREA_FIELDS:
        geo[c] = geo[c].astype(object).where(geo[c].notna(), None)
    day["d"] = _as_dates(day.d.to_numpy())
    # outstanding at the end of each day: +1 on the first day a warrant is in a cell, -1 on the day after
    # its last (difference arrays over the days, then a running sum)
    d0 = int(issued.min())
    last = int(np.nanmax(np.concatenate([issued.astype("float64"), closed])))
    ndays = last - d0 + 1
    end = np.where(np.isnan(closed), last + 1, closed).astype("int64")  # open on [issued, end)
    out = []

    def cells(dim, a, b, lo, hi_excl):
        ca, ua = pd.factorize(a, use_na_sentinel=False)
        cb, ub = pd.factorize(b, use_na_sentinel=False)
        codes = ca * len(ub) + cb
        m = lo < hi_excl
        grid = np.zeros((len(ua) * len(ub), ndays + 2), dtype="int64")
        np.add.at(grid, (codes[m], lo[m] - d0), 1)
        np.add.at(grid, (codes[m], np.minimum(hi_excl[m], last + 1) - d0), -1)
        counts = np.cumsum(grid[:, :ndays], axis=1)
        k, t = np.nonzero(counts)
        out.append(pd.DataFrame({"d": t + d0, "dim": dim, "a": np.asarray(ua, dtype=object)[k // len(ub)],
                                 "b": np.asarray(ub, dtype=object)[k % len(ub)], "n": counts[k, t]}))

    wtype = rows["warrant_type"].to_numpy(dtype=object)
    for code, _label, lo, hi in AGE_BUCKETS:
        stop = end if hi is None else np.minimum(end, issued + hi + 1)
        cells("age", np.full(len(rows), code, dtype=object), wtype, issued + lo, stop)
    none = np.full(len(rows), None, dtype=object)
    cells("charge_category", cat, none, issued, end)
    has_d = pd.notna(pdist)
    cells("police_district", pdist[has_d], none[has_d], issued[has_d], end[has_d])
    open_ = pd.concat(out, ignore_index=True)
    open_["d"] = _as_dates(open_.d.to_numpy())
    open_["b"] = open_.b.astype(object).where(open_.b.notna(), None)
    return day[flow_cols], month[["m", "flow", "dim", "key", "n"]], open_[open_cols].reset_index(drop=True), geo


OPEN_AREA_DIMS = ("warrant_type", "charge_category", "neighborhood")


def _per_area(open_: pd.DataFrame, label: str, specs) -> pd.DataFrame | None:
    """The warrants of ``open_`` counted under each of their areas of every ``GEO_AREA_FIELDS``, once
    per ``(name, keys)`` of ``specs`` (``keys``: column -> an array beside ``open_``'s rows), rows
    with a missing area or key left out: columns field, area, ``label`` (the name), the keys, n;
    None when nothing is counted. One group-by per field and spec."""
    parts = []
    for field in GEO_AREA_FIELDS:
        area = open_[field].to_numpy(dtype=object)
        for name, keys in specs:
            x = pd.DataFrame({"area": area, **keys}).dropna()
            if len(x):
                g = x.groupby(["area", *keys], sort=True).size()
                parts.append(pd.DataFrame({"field": field, "area": g.index.get_level_values(0), label: name,
                                           **{k: g.index.get_level_values(i) for i, k in enumerate(keys, 1)},
                                           "n": g.to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else None


def compute_open_area(rows: pd.DataFrame) -> pd.DataFrame:
    """``agg_warrant_open_area`` of ``rows`` (``AGG_SOURCE_COLUMNS``): each warrant still open at
    the end (no ``closed_date``) counted under each of its areas, its issue month and each of its
    type, charge category and neighborhood; in (field, area, m) order. Counted over the open
    warrants only (the same count in SQL, migration 0015's fill, took seconds)."""
    cols = ["field", "area", "m", "dim", "key", "n"]
    open_ = rows[rows["closed_date"].isna()]
    month = pd.to_datetime(open_["issued_date"]).to_numpy().astype("datetime64[M]").astype("datetime64[D]")
    out = _per_area(open_, "dim", [(dim, {"m": month, "key": open_[dim].to_numpy(dtype=object)})
                                   for dim in OPEN_AREA_DIMS])
    if out is None:
        return pd.DataFrame({c: [] for c in cols})
    out = out.sort_values(["field", "area", "m"], kind="stable")
    out["m"] = out.m.dt.date
    return out[cols].reset_index(drop=True)


def compute_open_end(rows: pd.DataFrame) -> pd.DataFrame:
    """``agg_warrant_open_end`` of ``rows`` (``AGG_SOURCE_COLUMNS``): the warrants open on the data's
    last day (its latest issue or closing, as ``warrants_as_of`` reads it), per geography field and
    area: by age bucket on that day and warrant type, by charge category, by neighborhood; in
    (field, area) order."""
    cols = ["d", "field", "area", "kind", "a", "b", "n"]
    open_ = rows[rows["closed_date"].isna()]
    if open_.empty:
        return pd.DataFrame({c: [] for c in cols})
    last = int(np.nanmax(_day_numbers(pd.Series([rows["issued_date"].max(), rows["closed_date"].max()]))))
    his = np.array([hi for _c, _l, _lo, hi in AGE_BUCKETS if hi is not None])
    age = np.asarray(AGE_CODES, dtype=object)[np.searchsorted(his, last - _day_numbers(open_["issued_date"]), side="left")]
    none = np.full(len(open_), "", dtype=object)  # no second key (a group-by key cannot be None)
    out = _per_area(open_, "kind", [
        ("age", {"a": age, "b": open_["warrant_type"].to_numpy(dtype=object)}),
        ("category", {"a": open_["charge_category"].to_numpy(dtype=object), "b": none}),
        ("area", {"a": open_["neighborhood"].to_numpy(dtype=object), "b": none})])
    if out is None:
        return pd.DataFrame({c: [] for c in cols})
    out = out.sort_values(["field", "area"], kind="stable")
    out["b"] = out.b.astype(object).where(out.b != "", None)
    out["d"] = _as_dates(np.array([last]))[0]
    return out[cols].reset_index(drop=True)


def compute_flow_area(geo: pd.DataFrame) -> pd.DataFrame:
    """``agg_warrant_flow_area`` of ``geo`` (``agg_warrant_geo_month``'s frame, from
    ``compute_aggregates``): its flows summed per district field and area, month, flow and charge
    category or neighborhood (NULL areas and keys left out); in (field, area, m) order."""
    cols = ["field", "area", "m", "flow", "dim", "key", "n"]
    parts = []
    for field in FLOW_AREA_FIELDS:
        for dim in ("charge_category", "neighborhood"):
            x = geo[[field, "m", "flow", dim, "n"]].dropna(subset=[field, dim])
            if len(x):
                g = x.groupby([field, "m", "flow", dim], sort=False)["n"].sum()
                parts.append(pd.DataFrame({"field": field, "area": g.index.get_level_values(0),
                                           "m": g.index.get_level_values(1), "flow": g.index.get_level_values(2),
                                           "dim": dim, "key": g.index.get_level_values(3), "n": g.to_numpy()}))
    if not parts:
        return pd.DataFrame({c: [] for c in cols})
    return pd.concat(parts, ignore_index=True).sort_values(["field", "area", "m"], kind="stable")[cols] \
        .reset_index(drop=True)


def refresh_aggregates(conn, rows: pd.DataFrame | None = None) -> None:
    """Rebuild the pre-aggregates on ``conn`` (inside the load's transaction) from ``rows`` (the
    warrants just written, as a frame) or, without them, from the ``warrant`` table; then the
    planner's statistics of the warrants and of every aggregate (a fresh table has none, and
    without them a view inside an area was planned as a scan of every warrant)."""
    from data_access.db import indexes_rebuilt_after
    from data_access.loading import copy_frame

    if rows is None:
        rows = pd.read_sql(select(*[warrant.c[c] for c in AGG_SOURCE_COLUMNS]), conn)
    # a database migrated before agg_warrant_geo_month (0012), agg_warrant_open_area (0015),
    # agg_warrant_flow_area (0018) or agg_warrant_open_end (0023) lacks them
    present = {t.name for t in (*AGGREGATE_TABLES, agg_warrant_open_area, agg_warrant_open_end, agg_warrant_flow_area)
               if conn.execute(select(func.to_regclass(t.name).isnot(None))).scalar()}
    conn.execute(text("TRUNCATE " + ", ".join(sorted(present))))
    # each emptied table refilled whole, its keys and indexes built once after (not row by row:
    # 1.2 million rows at demo scale 1, in no order of the keys)
    frames = compute_aggregates(rows[list(AGG_SOURCE_COLUMNS)])
    for table, frame in [*zip(AGGREGATE_TABLES, frames), (agg_warrant_flow_area, compute_flow_area(frames[3]))]:
        if table.name in present:
            with indexes_rebuilt_after(conn, table.name, keys=True):
                copy_frame(conn, table, frame)
    if agg_warrant_open_area.name in present:
        with indexes_rebuilt_after(conn, agg_warrant_open_area.name, keys=True):
            copy_frame(conn, agg_warrant_open_area, compute_open_area(rows))
    if agg_warrant_open_end.name in present:
        with indexes_rebuilt_after(conn, agg_warrant_open_end.name, keys=True):
            copy_frame(conn, agg_warrant_open_end, compute_open_end(rows))
    for name in ("warrant", *sorted(present)):
        conn.execute(text(f"ANALYZE {name}"))


__all__ = ["FIREARM_TYPES", "RECOVERY_TYPES", "SEIZURE_STATUSES", "WARRANT_TYPES", "WARRANT_STATUSES", "AGE_BUCKETS",
           "AGE_CODES", "FLOWS", "age_bucket", "grain", "area_field", "seizures_over_time", "seizures_by", "geo_flows",
           "seizures_by_area", "warrants_as_of", "outstanding_day", "warrants_over_time", "open_counts", "outstanding_by_age",
           "warrants_by_category", "warrants_by_area", "compute_aggregates", "refresh_aggregates",
           "compute_open_area", "compute_open_end", "compute_flow_area", "refresh_seizure_aggregate"]
