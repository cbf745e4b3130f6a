"""State's Attorney case outcomes and case lookup.

Outcomes read the pre-aggregates ``agg_charge_outcome`` and ``agg_case_status``; lookup reads
``sao_case`` / ``case_charge`` one page at a time (LIMIT page size + 1, so no query returns more
than a page; the match count stops at ``COUNT_CAP``). Cases are filtered by filing date and by
the case's geography; the offense filter does not apply. Nothing here holds or returns a name:
the tables have none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select

from data_access.cache import cached_query
from data_access.conditions import geo_conditions
from data_access.db import Database
from data_access.filters import Filters
from data_access.schema import agg_case_status, agg_charge_outcome, arrest, case_charge, case_search, sao_case
from data_access.text import N_
from data_access.vocabulary import reduce_sentence

PAGE_SIZE = 25
# Counting stops here ("1,000+"): counting every match of a broad search costs more than the
# page itself, and nobody reads a number past it. Pages go further than the count.
COUNT_CAP = 1_000
MAX_PAGE = 400
# The charge picker lists at most this many descriptions (alphabetical); past it the list is cut
# and the page says so. A dropdown of more is unusable, and it is in every lookup page load.
CHARGE_OPTIONS_CAP = 5_000
CASE_NUMBER_RE = re.compile(r"^[0-9A-Z]{4,20}$")


# --- outcomes ---------------------------------------------------------------------------------

@cached_query
def disposition_mix(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Charges of cases filed in the span by gun flag and disposition. Columns: gun, disposition, n."""
    t = agg_charge_outcome
    df = db.frame(select(t.c.gun, t.c.disposition, func.sum(t.c.n).label("n"))
                  .where(t.c.d.between(f.start, f.end), *geo_conditions(t, f)).group_by(t.c.gun, t.c.disposition))
    return df.astype({"n": "int64"}) if len(df) else pd.DataFrame({"gun": [], "disposition": [], "n": []})


@cached_query
def case_status(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Cases filed in the span by gun flag, pending flag and days from arrest to the last
    disposition (None: pending or no linked arrest). Columns: gun, pending, days, n."""
    t = agg_case_status
    df = db.frame(select(t.c.gun, t.c.pending, t.c.days, func.sum(t.c.n).label("n"))
                  .where(t.c.d.between(f.start, f.end), *geo_conditions(t, f)).group_by(t.c.gun, t.c.pending, t.c.days))
    return df.astype({"n": "int64"}) if len(df) else pd.DataFrame({"gun": [], "pending": [], "days": [], "n": []})


# --- lookup -----------------------------------------------------------------------------------

class BadCaseQuery(ValueError):
    """A lookup parameter that cannot be used; the message is shown to the user.

    ``user_message`` is the English template (a msgid marked for the catalog) and ``params`` its
    values: ``app.i18n.error_text(exc)`` shows it in the reader's language; ``str(exc)`` is the
    English sentence."""

    def __init__(self, user_message: str, **params):
        self.user_message = user_message
        self.params = params
        super().__init__(user_message.format(**params) if params else user_message)


def normalize_case_number(raw: str | None) -> str | None:
    """Upper-case, without spaces or dashes; None for empty. Raises BadCaseQuery when it cannot
    be a case number."""
    if raw is None:
        return None
    s = re.sub(r"[\s\-]", "", raw).upper()
    if not s:
        return None
    if not CASE_NUMBER_RE.match(s):
        raise BadCaseQuery(N_("“{value}” is not a case number (4–20 letters and digits, e.g. 826000123)."),
                           value=raw[:40])
    return s


@dataclass(frozen=True)
class SearchPage:
    rows: pd.DataFrame  # case_number, filed_date, court, police_district, neighborhood, charges, first_charge, gun, status
    page: int
    has_next: bool
    total: int
    total_capped: bool  # True: at least ``total`` matches


def _source(f: Filters, case_number: str | None, charge: str | None):
    """(table, id column, conditions) the matching case ids come from."""
    if case_number:
        return sao_case, sao_case.c.id, [sao_case.c.case_number == case_number]
    if charge:
        t = case_search
        return t, t.c.case_id, [t.c.description == charge, t.c.filed_date.between(f.start, f.end), *geo_conditions(t, f)]
    t = sao_case
    return t, t.c.id, [t.c.filed_date.between(f.start, f.end), *geo_conditions(t, f)]


@cached_query
def search(db: Database, version: int, f: Filters, case_number: str | None, charge: str | None,
           page: int) -> SearchPage:
    """One page of cases, newest filing first. An exact case number ignores the other filters.

    Three bounded queries: the page's ids (an ordered index range scan that stops after the
    page), those cases' details, and the number of matches up to ``COUNT_CAP``."""
    if page < 1 or page > MAX_PAGE:
        raise BadCaseQuery(N_("Page {page} is out of range (1–{last})."), page=page, last=MAX_PAGE)
    t, id_col, conds = _source(f, case_number, charge)
    ids = [r[0] for r in db.execute(
        select(id_col).where(*conds).order_by(t.c.filed_date.desc(), id_col.desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE), row_cap=PAGE_SIZE + 1).rows]
    has_next = len(ids) > PAGE_SIZE
    ids = ids[:PAGE_SIZE]
    c, ch = sao_case, case_charge
    per_case = (select(ch.c.case_id, func.count().label("charges"), func.bool_or(ch.c.is_gun_charge).label("gun"),
                       func.bool_or(ch.c.disposition == "pending").label("pending"),
                       func.min(ch.c.description).filter(ch.c.seq == 1).label("first_charge"))
                .where(ch.c.case_id.in_(ids)).group_by(ch.c.case_id).subquery("per_case"))
    stmt = (select(c.c.case_number, c.c.filed_date, c.c.court, c.c.police_district, c.c.neighborhood,
                   func.coalesce(per_case.c.charges, 0).label("charges"), per_case.c.first_charge,
                   func.coalesce(per_case.c.gun, False).label("gun"),
                   func.coalesce(per_case.c.pending, False).label("pending"))
            .select_from(c.outerjoin(per_case, per_case.c.case_id == c.c.id))
            .where(c.c.id.in_(ids)).order_by(c.c.filed_date.desc(), c.c.id.desc()))
    df = db.frame(stmt, row_cap=PAGE_SIZE) if ids else pd.DataFrame(
        columns=["case_number", "filed_date", "court", "police_district", "neighborhood", "charges",
                 "first_charge", "gun", "pending"])
    df["status"] = df.pending.map(lambda p: N_("Pending") if p else N_("Decided")) if len(df) else pd.Series(dtype="str")
    total = db.execute(select(func.count()).select_from(
        select(id_col).where(*conds).limit(COUNT_CAP + 1).subquery())).scalar()
    return SearchPage(df.reset_index(drop=True), page, has_next, min(total, COUNT_CAP), total > COUNT_CAP)


def _search_conditions(f: Filters, charge: str | None) -> list:
    """The search's WHERE clause over ``sao_case`` alone (the naive form; the benchmark's
    baseline and a cross-check in tests)."""
    c = sao_case
    conds = [c.c.filed_date.between(f.start, f.end), *geo_conditions(c, f)]
    if charge:
        conds.append(c.c.id.in_(select(case_charge.c.case_id).where(case_charge.c.description == charge)))
    return conds


@cached_query
def case_detail(db: Database, version: int, case_number: str) -> dict | None:
    """A case's public court-record facts: numbers, dates, court, area, and each charge with its
    disposition. No defendant details beyond none at all. None when there is no such case."""
    c = sao_case
    rows = db.execute(select(c.c.id, c.c.case_number, c.c.filed_date, c.c.court, c.c.arrest_number,
                             c.c.police_district, c.c.neighborhood).where(c.c.case_number == case_number)).rows
    if not rows:
        return None
    case_id, number, filed, court, arrest_number, district, nbhd = rows[0]
    ch = case_charge
    charges = db.frame(select(ch.c.seq, ch.c.statute, ch.c.description, ch.c.severity, ch.c.is_gun_charge,
                              ch.c.disposition, ch.c.disposition_date, ch.c.sentence_summary)
                       .where(ch.c.case_id == case_id).order_by(ch.c.seq), row_cap=500)
    # Loads reduce a sentence to its vocabulary; a value stored before that rule (or by any other
    # path) is reduced here too, so free text from an agency is never published.
    charges["sentence_summary"] = [reduce_sentence(v) for v in charges["sentence_summary"]]
    arrest_date = None
    if arrest_number:
        arrest_date = db.execute(select(func.min(arrest.c.arrest_date))
                                 .where(arrest.c.arrest_number == arrest_number)).scalar()
    return {"case_number": number, "filed_date": filed, "court": court, "arrest_date": arrest_date,
            "police_district": district, "neighborhood": nbhd, "charges": charges}


@dataclass(frozen=True)
class ChargeOptions:
    """The charge picker's descriptions, alphabetical; ``truncated``: more exist than are listed
    (the first ``CHARGE_OPTIONS_CAP``, or ``PSAD_ROW_CAP`` if that is lower), and the page says so."""

    options: tuple[str, ...]
    truncated: bool


@cached_query
def charge_options(db: Database, version: int) -> ChargeOptions:
    """Charge descriptions that appear on cases, for the lookup's charge picker."""
    ch = case_charge
    res = db.execute(select(ch.c.description).where(ch.c.description.isnot(None))
                     .group_by(ch.c.description).order_by(ch.c.description),
                     row_cap=CHARGE_OPTIONS_CAP, on_cap="truncate")
    return ChargeOptions(tuple(r[0] for r in res.rows), res.truncated)

