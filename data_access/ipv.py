"""Intimate-partner violence queries: incidents flagged as domestic, counted in area totals only,
every count already suppressed (cells under 11) when it leaves this module.

The rule (stated on the page, the About page and the API):

1. **Small cells.** Any count of 1-10 incidents is shown as "<11" (other pages: 1-4 as "<5").
2. **Totals.** The number of incidents under the filters is public when it is 11 or more (below
   that it is "<11" and every table is withheld). Each table (months, areas, offense,
   relationship, age band, sex) adds up to that total, so further cells are withheld, smallest
   first, until no withheld cell can be worked out from the total and the shown cells
   (``data_access.suppression.suppress`` with ``threshold=11``); if that is impossible the
   whole table is withheld.

Every table counts the whole calendar months the filters' dates touch (``month_span``): a range
that starts or ends mid-month shows its months whole, so comparing two ranges a day apart reveals
nothing. Raw counts never reach a cache, a page or the API: the cached result holds suppressed
tables.

Not done here (as the Demographics page does with whole calendar years): withholding cells that
differ by 1-10 from a view one filter step away. Tried at this dataset's volumes, with its
overlapping area layers, it withheld nearly every cell of the citywide view; differencing two
filtered views (one offense against all, say) can therefore show a group smaller than 11.
Rows with no area, offense, age band or sex count in an "Unknown" cell, so every table adds up to
the same total.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, distinct, func, or_, select, text, union_all

from data_access import suppression as S
from data_access.cache import cached_query
from data_access.conditions import filter_conditions, has_geo
from data_access.db import Database, DataError, indexes_rebuilt_after
from data_access.filters import Filters
from data_access.schema import victim
from data_access.schema_ipv import (
    P1_FIELDS,
    ipv_dv_month,
    ipv_dv_year,
    ipv_incident,
    ipv_part1_month,
    ipv_part1_multi,
    ipv_part1_year,
)
from data_access.text import N_
from data_access.vocabulary import AGE_BANDS, OFFENSES, UNKNOWN, Vocabulary

THRESHOLD = 11  # the smallest count shown: 1-10 are "<11"
SMALL_LABEL = N_("<11")
RELATIONSHIPS = Vocabulary("relationship", (
    ("spouse", N_("Current spouse")),
    ("former_spouse", N_("Former spouse")),
    ("dating", N_("Current dating partner")),
    ("former_dating", N_("Former dating partner")),
    ("family", N_("Other family member")),
    ("other", N_("Other or unknown relationship")),
))
PARTNER = ("spouse", "former_spouse", "dating", "former_dating")  # intimate partners, current or former
SEXES = (N_("Female"), N_("Male"), UNKNOWN)
AGES = (*AGE_BANDS, UNKNOWN)
UNKNOWN_CODE = "unknown"  # an area or offense the row does not carry
TABLES = ("months", "areas", "offense", "relationship", "age_band", "sex")
AREA_FIELDS = ("police_district", "neighborhood")


@dataclass(frozen=True)
class IpvView:
    total: int | None  # None when 1-10 (shown "<11")
    area_field: str  # police_district or neighborhood
    tables: dict  # name (TABLES) -> suppression.Table
    start: date | None = None  # the whole months counted: first day of the first
    end: date | None = None  # and last day of the last

    @property
    def total_label(self) -> str:
        return f"{self.total:,}" if self.total is not None else SMALL_LABEL


def area_field(f: Filters) -> str:
    """Neighborhoods once the view is inside an area, else police districts (as the Arrests page)."""
    return "neighborhood" if has_geo(f) else "police_district"


def conditions(f: Filters) -> list:
    """Dates, areas and (rows carry it) the offense category."""
    t = ipv_incident
    return filter_conditions(t, f, t.c.occurred_date)


def _next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def month_span(f: Filters) -> Filters:
    """The filters over the whole months their dates touch. The page counts whole months, so two
    ranges inside the same months show the same numbers, and no day's few incidents can be singled
    out by comparing the totals of two ranges a day apart."""
    return f.replace(start=f.start.replace(day=1), end=_next_month(f.end.replace(day=1)) - timedelta(days=1))


def _months(f: Filters) -> list[str]:
    out, m = [], f.start.replace(day=1)
    while m <= f.end:
        out.append(m.isoformat())
        m = _next_month(m)
    return out


def suppress_counts(counts: dict[str, int], order: list[str] | None = None) -> S.Table:
    """One table under the page's rule (``THRESHOLD``)."""
    return S.suppress(counts, order=order, threshold=THRESHOLD)


def withheld_table(order: list[str], total: int) -> S.Table:
    return S.Table(tuple(S.Cell(c, None, S.WITHHELD_LABEL, "table") for c in order), total, True)


def raw_counts(db: Database, f: Filters) -> dict[str, dict[str, int]]:
    """{table: {category: n}} under the filters, in one scan (GROUPING SETS). Not cached and not
    for pages: ``view`` suppresses these."""
    t = ipv_incident
    field = area_field(f)
    month = func.to_char(func.date_trunc("month", t.c.occurred_date), "YYYY-MM-DD")
    keys = {
        "months": month,
        "areas": func.coalesce(t.c[field], UNKNOWN_CODE),
        "offense": func.coalesce(t.c.offense, UNKNOWN_CODE),
        "relationship": t.c.relationship,
        "age_band": t.c.age_band,
        "sex": t.c.sex,
    }
    names = list(keys)
    stmt = (select(*[k.label(f"k{i}") for i, k in enumerate(keys.values())],
                   *[func.grouping(k).label(f"g{i}") for i, k in enumerate(keys.values())],
                   func.count().label("n"))
            .where(*conditions(f)).group_by(func.grouping_sets(*keys.values())))
    out: dict[str, dict[str, int]] = {n: {} for n in names}
    nk = len(names)
    for row in db.execute(stmt).rows:
        i = next(j for j, g in enumerate(row[nk:2 * nk]) if g == 0)
        out[names[i]][str(row[i])] = int(row[-1])
    return out


def orders(f: Filters, raw: dict[str, dict[str, int]], areas: list[str]) -> dict[str, list[str]]:
    """Display order of each table's categories: every month of the range, every area of the
    layer (zero when none), the vocabularies' orders, then anything else found."""
    def with_rest(base, seen):
        base = list(base)
        return base + sorted(c for c in seen if c not in base)

    return {
        "months": with_rest(_months(f), raw["months"]),
        "areas": with_rest(areas, raw["areas"]),
        "offense": with_rest([o.code for o in OFFENSES], raw["offense"]),
        "relationship": with_rest(RELATIONSHIPS.codes, raw["relationship"]),
        "age_band": with_rest(AGES, raw["age_band"]),
        "sex": with_rest(SEXES, raw["sex"]),
    }


def layer_areas(db: Database, f: Filters, field: str) -> list[str]:
    """The areas of ``field`` inside the chosen geography, in name order (zero rows included)."""
    from data_access.demographics import matching_neighborhoods
    from data_access.schema import geography

    g = geography
    if field == "police_district":
        stmt = select(g.c.code).where(g.c.layer == "police_district_2023").order_by(g.c.name)
        return [r[0] for r in db.execute(stmt).rows]
    nbs = matching_neighborhoods(f.geo_only())
    stmt = select(g.c.code).where(g.c.layer == "neighborhood").order_by(g.c.name)
    if nbs is not None:
        stmt = stmt.where(g.c.code.in_(nbs))
    return [r[0] for r in db.execute(stmt).rows]


def suppress_view(raw: dict[str, dict[str, int]], order: dict[str, list[str]], field: str,
                  span: Filters | None = None) -> IpvView:
    """The page's rule over raw counts (pure: the tests' hypothesis target)."""
    total = sum(raw["relationship"].values())
    start, end = (span.start, span.end) if span is not None else (None, None)
    if 0 < total < THRESHOLD:
        return IpvView(None, field, {k: withheld_table(order[k], total) for k in TABLES}, start, end)
    tables = {}
    for k in TABLES:
        counts = {c: raw[k].get(c, 0) for c in order[k]}
        tables[k] = suppress_counts(counts, order[k])
    return IpvView(total, field, tables, start, end)


@cached_query
def view(db: Database, version: int, f: Filters) -> IpvView:
    """Every table of the page over the whole months the dates touch (``month_span``), suppressed."""
    g = month_span(f)
    raw = raw_counts(db, g)
    field = area_field(g)
    return suppress_view(raw, orders(g, raw, layer_areas(db, g, field)), field, g)


P1_TABLES = ("ipv_part1_month", "ipv_part1_year", "ipv_part1_multi")
ALL_OFFENSES = "*"  # the cells of every offense together
P1_LOCK = 15_0013  # advisory lock key: one rebuild at a time


def refresh_part1(conn, version: int) -> None:
    """Rebuild the Part 1 incident tables (``schema_ipv.ipv_part1_*``) from the victim table on
    ``conn`` (inside the caller's transaction) and stamp them with the data ``version`` they serve.
    An incident counts once in the month and year cells of its date, offense and areas when all
    its victim rows share them; otherwise its distinct rows go to ``ipv_part1_multi`` and are
    counted distinct there, so the KPI equals the count distinct over the victims exactly."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": P1_LOCK})
    conn.execute(text("TRUNCATE " + ", ".join(P1_TABLES)))
    cols = ", ".join(P1_FIELDS)
    areas = ", ".join(P1_FIELDS[1:])
    with ExitStack() as rebuilt:  # filled empty, indexed once at the end
        for t in P1_TABLES:
            rebuilt.enter_context(indexes_rebuilt_after(conn, t))
        # one pass over the victims, grouped by incident: an incident is uniform when the text of
        # its rows' (date, offense, areas) is the same (NULLs included), its cell that one value;
        # the others are listed for the multi table. "C" order: byte comparisons, no locale.
        # hash aggregates: the planner's sorts of ~1M text keys cost twice as much
        sort = conn.execute(text("SELECT current_setting('enable_sort')")).scalar()
        conn.execute(text("SELECT set_config('enable_sort', 'off', true)"))
        conn.execute(text(f"""
            WITH per AS (
                SELECT cc_number, min(r) = max(r) AS uniform, min(occurred_date) AS d,
                       {', '.join(f'min({c} COLLATE "C") AS {c}' for c in P1_FIELDS)}
                FROM (SELECT cc_number COLLATE "C" AS cc_number, occurred_date, {cols},
                             ROW(occurred_date, {cols})::text COLLATE "C" AS r
                      FROM victim WHERE cc_number IS NOT NULL) v
                GROUP BY cc_number),
            multi AS (INSERT INTO ipv_part1_multi (cc_number, d, {cols})
                      SELECT DISTINCT cc_number, occurred_date, {cols} FROM victim
                      WHERE cc_number IN (SELECT cc_number FROM per WHERE NOT uniform))
            INSERT INTO ipv_part1_month (m, {cols}, n)
            SELECT date_trunc('month', d)::date, {cols}, count(*) FROM per WHERE uniform
            GROUP BY 1, {cols}"""))
        conn.execute(text("SELECT set_config('enable_sort', :v, true)"), {"v": sort})
        # all offenses ("*"): an incident counted in a cell has one offense, so the sum is exact
        conn.execute(text(f"""INSERT INTO ipv_part1_month (m, offense, {areas}, n)
            SELECT m, '*', {areas}, sum(n) FROM ipv_part1_month GROUP BY m, {areas}"""))
        conn.execute(text(f"""INSERT INTO ipv_part1_year (y, {cols}, n)
            SELECT date_trunc('year', m)::date, {cols}, sum(n) FROM ipv_part1_month GROUP BY 1, {cols}"""))
    refresh_dv(conn)
    stamp_part1(conn, version)
    for t in P1_TABLES:
        conn.execute(text(f"ANALYZE {t}"))


DV_TABLES = ("ipv_dv_month", "ipv_dv_year")


def refresh_dv(conn) -> None:
    """Rebuild the domestic-violence counts (``schema_ipv.ipv_dv_*``: incidents per month and
    year, offense and areas, "*" for every offense together) from ``ipv_incident`` on ``conn``,
    inside the caller's transaction. ``refresh_part1`` calls it, and so does every IPV load
    (``carry_part1``): the tables are current whenever ``ipv_part1_state`` says the Part 1 ones are."""
    areas = ", ".join(P1_FIELDS[1:])
    month = "date_trunc('month', occurred_date)"
    conn.execute(text("TRUNCATE " + ", ".join(DV_TABLES)))
    with ExitStack() as rebuilt:
        for t in DV_TABLES:
            rebuilt.enter_context(indexes_rebuilt_after(conn, t))
        conn.execute(text(f"""
            INSERT INTO ipv_dv_month (m, offense, {areas}, n)
            SELECT {month}::date, CASE WHEN GROUPING(offense) = 1 THEN '{ALL_OFFENSES}' ELSE offense END, {areas},
                   count(*)
            FROM ipv_incident
            GROUP BY GROUPING SETS (({month}, offense, {areas}), ({month}, {areas}))"""))
        conn.execute(text(f"""INSERT INTO ipv_dv_year (y, offense, {areas}, n)
            SELECT date_trunc('year', m)::date, offense, {areas}, sum(n) FROM ipv_dv_month
            GROUP BY 1, offense, {areas}"""))
    for t in DV_TABLES:
        conn.execute(text(f"ANALYZE {t}"))


def stamp_part1(conn, version: int) -> None:
    conn.execute(text("INSERT INTO ipv_part1_state (id, version) VALUES (1, :v) "
                      "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version"), {"v": version})


def next_version(conn) -> int:
    """The data version a load's ``commit_version`` will set when the load moves it (one more)."""
    return int(conn.execute(text("SELECT coalesce(max(version), 0) FROM data_state WHERE id = 1")).scalar()) + 1


def refresh_part1_in_load(conn) -> None:
    """For a load that changed the victims (``data_access.aggregates.refresh``/``refresh_days``):
    rebuild the Part 1 tables in its transaction, stamped with the version it commits."""
    refresh_part1(conn, next_version(conn))


def carry_part1(conn, before: int, after: int) -> None:
    """After a load that did not change the victims (an IPV load) moved the data version from
    ``before`` to ``after``: Part 1 tables that were current stay current (the DV counts are
    rebuilt); stale ones are rebuilt, the DV counts with them."""
    if after == before:
        return
    row = conn.execute(text("SELECT version FROM ipv_part1_state WHERE id = 1")).scalar()
    if row == before:
        refresh_dv(conn)  # the incidents did change
        stamp_part1(conn, after)
    else:
        refresh_part1(conn, after)


def part1_ready(db: Database, version: int) -> bool:
    """Whether the Part 1 tables serve data ``version``; rebuilds them (once, under a lock) when
    the victims may have changed since (a different version). False when they cannot be used (a
    database whose migration 0013 predates them), and the KPI reads the victim table instead."""
    try:
        row = db.execute(text("SELECT to_regclass('ipv_part1_state') IS NOT NULL")).scalar()
        if not row:
            return False
        if db.execute(text("SELECT version FROM ipv_part1_state WHERE id = 1")).scalar() == version:
            return True
        with db.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": P1_LOCK})
            current = conn.execute(text("SELECT coalesce(max(version), 0) FROM data_state WHERE id = 1")).scalar()
            built = conn.execute(text("SELECT version FROM ipv_part1_state WHERE id = 1")).scalar()
            if int(current) != version:  # a load committed meanwhile: this request reads raw rows
                return False
            if built != version:
                refresh_part1(conn, version)
        return True
    except DataError:
        return False


def _year_spans(start: date, end: date):
    """[start, end] cut into disjoint tiers: (whole years), (whole months outside them), (days
    outside whole months), each a list of half-open [lo, hi) date ranges."""
    end1 = end + timedelta(days=1)
    m0 = start if start.day == 1 else _next_month(start)
    m1 = end1.replace(day=1)
    if m0 >= m1:
        return [], [], [(start, end1)]
    days = [(start, m0), (m1, end1)]
    y0 = m0 if (m0.month == 1) else date(m0.year + 1, 1, 1)
    y1 = date(m1.year, 1, 1)
    if y0 >= y1:
        return [], [(m0, m1)], days
    return [(y0, y1)], [(m0, y0), (y1, m1)], days


def _tiers(f: Filters, last: date | None):
    """``_year_spans`` of the filters' dates, empty spans dropped; a span ending on or after
    ``last`` (the data's last day) counts its last month whole: no row lies after it."""
    end = f.end
    if last is not None and end >= last:
        end = _next_month(end.replace(day=1)) - timedelta(days=1)
    return tuple([(lo, hi) for lo, hi in spans if lo < hi] for spans in _year_spans(f.start, end))


def _counted_parts(year_table, month_table, f: Filters, years, months) -> list:
    """SELECT year, sum(n) of a pair of count tables (``_p1_table``'s shape) under the filters:
    the whole ``years`` from the one, the whole ``months`` from the other ("*" cells without an
    offense filter)."""
    parts = []
    for table, key, spans in ((year_table, "y", years), (month_table, "m", months)):
        if spans:
            col = table.c[key]
            parts.append(select(func.extract("year", col).label("year"), func.sum(table.c.n).label("n"))
                         .where(or_(*[and_(col >= lo, col < hi) for lo, hi in spans]),
                                *filter_conditions(table, f, col, dates=False),
                                *([] if f.offense else [table.c.offense == ALL_OFFENSES]))
                         .group_by(func.extract("year", col)))
    return parts


def part1_statement(f: Filters, last: date | None = None):
    """SELECT year, distinct Part 1 incidents under the filters, from the pre-aggregates: whole
    years from the year table, whole months outside them from the month table (all offenses: the
    "*" cells), the few days left from the victim table (less the incidents of the multi table),
    plus the incidents counted distinct in ``ipv_part1_multi``. ``last``: the victims' last day;
    a span ending on or after it counts its last month whole (no victim lies after it), so the
    year to date reads no victim row one by one."""
    years, months, days = _tiers(f, last)
    parts = _counted_parts(ipv_part1_year, ipv_part1_month, f, years, months)
    m = ipv_part1_multi
    if days:  # a few weeks at most: the victims themselves, but for the incidents counted in multi
        v = victim
        col = v.c.occurred_date
        # distinct (year, incident) pairs by hashing, then counted: count(DISTINCT) sorts; and NOT IN
        # (cc_number is never NULL on either side) probes a hash of the multi table once per row,
        # where NOT EXISTS was planned as a scan of it per row
        pairs = (select(func.extract("year", col).label("year"), v.c.cc_number)
                 .where(or_(*[and_(col >= lo, col < hi) for lo, hi in days]),
                        *filter_conditions(v, f, col, dates=False), v.c.cc_number.is_not(None),
                        v.c.cc_number.not_in(select(m.c.cc_number)))
                 .distinct().subquery())
        parts.append(select(pairs.c.year, func.count().label("n")).group_by(pairs.c.year))
    m = ipv_part1_multi
    parts.append(select(func.extract("year", m.c.d).label("year"), func.count(distinct(m.c.cc_number)).label("n"))
                 .where(*filter_conditions(m, f, m.c.d)).group_by(func.extract("year", m.c.d)))
    u = union_all(*parts).subquery()
    return select(u.c.year, func.sum(u.c.n)).group_by(u.c.year)


def dv_statement(f: Filters, last: date | None = None):
    """SELECT year, incidents flagged as domestic under the filters, from the DV counts: whole years
    from the year table, whole months outside them from the month table, the days left from the
    incidents themselves. ``last``: the incidents' last day (a span ending on or after it counts
    its last month whole, as ``part1_statement`` does)."""
    years, months, days = _tiers(f, last)
    parts = _counted_parts(ipv_dv_year, ipv_dv_month, f, years, months)
    if days:
        t = ipv_incident
        col = t.c.occurred_date
        parts.append(select(func.extract("year", col).label("year"), func.count().label("n"))
                     .where(or_(*[and_(col >= lo, col < hi) for lo, hi in days]),
                            *filter_conditions(t, f, col, dates=False))
                     .group_by(func.extract("year", col)))
    if not parts:
        return None
    u = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    return select(u.c.year, func.sum(u.c.n)).group_by(u.c.year)


def dv_raw_statement(f: Filters):
    """The same counted over the incidents (what the tables must equal)."""
    t = ipv_incident
    year = func.extract("year", t.c.occurred_date)
    return select(year, func.count()).where(*conditions(f)).group_by(year)


@cached_query
def incidents_last_day(db: Database, version: int) -> date | None:
    """The latest date of an incident flagged as domestic (an index lookup)."""
    return db.execute(select(func.max(ipv_incident.c.occurred_date))).scalar()


def part1_raw_statement(f: Filters):
    """The same counted distinct over the victim table (what the tables must equal)."""
    v = victim
    vyear = func.extract("year", v.c.occurred_date)
    return (select(vyear, func.count(distinct(v.c.cc_number)))
            .where(*filter_conditions(v, f, v.c.occurred_date)).group_by(vyear))


def part1_counts(db: Database, f: Filters, *, raw: bool = False) -> dict[int, int]:
    """{year: distinct Part 1 incidents (victims' ``cc_number``)} under the filters."""
    stmt = part1_raw_statement(f) if raw else part1_statement(f, victims_last_day(db))
    return {int(y): int(n) for y, n in db.execute(stmt).rows}


@cached_query
def victims_last_day(db: Database, version: int) -> date | None:
    """The latest date of a victim row (an index lookup)."""
    return db.execute(select(func.max(victim.c.occurred_date))).scalar()


@cached_query
def _kpi(db: Database, version: int, f: Filters) -> pd.DataFrame:
    ready = part1_ready(db, version)  # the DV counts are current whenever the Part 1 tables are
    stmt = dv_statement(f, incidents_last_day(db)) if ready else dv_raw_statement(f)
    dv = {} if stmt is None else {int(y): int(n) for y, n in db.execute(stmt).rows}
    p1 = part1_counts(db, f, raw=not ready)
    years = list(range(f.start.year, f.end.year + 1))
    dv_col = [dv.get(y, 0) for y in years]
    return pd.DataFrame({
        "year": pd.array(years, dtype="int64"),
        # a year with 1-10 incidents is suppressed like every other cell of the page (<NA>)
        "dv_incidents": pd.array([None if 0 < n < THRESHOLD else n for n in dv_col], dtype="Int64"),
        "part1_incidents": pd.array([p1.get(y, 0) for y in years], dtype="int64"),
    })


def kpi_dv_share(db: Database, f: Filters) -> pd.DataFrame:
    """The Plan KPI "share of domestic-violence incidents in Part 1 crime", per calendar year the
    filters' dates touch (a year cut by the range counts only its days in the range):
    ``dv_incidents`` (incidents flagged as domestic; ``<NA>`` when 1-10, suppressed as on the page)
    and ``part1_incidents`` (distinct ``cc_number`` of Part 1 victims), both under the same filters
    (dates, geography, offense). Columns: year (int64), dv_incidents (Int64), part1_incidents (int64)."""
    return _kpi(db, f).copy()


__all__ = ["IpvView", "view", "kpi_dv_share", "suppress_view", "raw_counts", "month_span", "area_field", "RELATIONSHIPS",
           "THRESHOLD", "SMALL_LABEL", "TABLES", "UNKNOWN_CODE", "PARTNER", "SEXES", "AGES"]
