"""Query conditions derived from the filter-field table (``data_access.filters.FILTER_FIELDS``):
every read module narrows a table by a ``Filters`` value through these, and every table names its
filter columns after the fields."""

from __future__ import annotations

from data_access.filters import GEO_FIELDS, Filters


def has_geo(f: Filters) -> bool:
    """Whether any geography filter is set."""
    return any(getattr(f, name) for name in GEO_FIELDS)


def geo_conditions(table, f: Filters) -> list:
    """``table``'s column for each chosen geography field IN the chosen codes."""
    return [table.c[name].in_(getattr(f, name)) for name in GEO_FIELDS if getattr(f, name)]


def filter_conditions(table, f: Filters, date_col, *, dates: bool = True, offense: bool = True) -> list:
    """The dates, the geography and (``offense=True``) the offense categories of ``f`` on ``table``."""
    conds = [date_col.between(f.start, f.end)] if dates else []
    conds += geo_conditions(table, f)
    if offense and f.offense:
        conds.append(table.c.offense.in_(f.offense))
    return conds
