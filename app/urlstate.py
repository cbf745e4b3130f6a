"""URL <-> filter state. The query string is a public interface (documented in the README).

``parse`` turns a query string into a ``Filters`` value plus a list of plain-language notices
about anything it had to ignore; in ``strict`` mode (the JSON API) the first problem raises
``BadParameter`` instead, which the API turns into HTTP 400. ``to_query`` is the inverse, and
``parse(to_query(f)) == f`` for every valid ``f``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from data_access.filters import FIELD_BY_NAME, MULTI_FIELDS, Filters, shift_years

FILTER_PARAMS = ("start", "end") + MULTI_FIELDS
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)

class BadParameter(ValueError):
    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class Choices:
    """The values each multi-value parameter may take, and the dates the data covers."""

    values: Mapping[str, Iterable[str]] = field(default_factory=dict)
    data_as_of: date | None = None
    first_date: date | None = None

    def canonical(self, name: str, raw: str) -> str | None:
        """The canonical code for ``raw`` (case-insensitive), or None if unknown."""
        known = {v.lower(): v for v in self.values.get(name, ())}
        return known.get(raw.strip().lower())

    @property
    def today(self) -> date:
        return self.data_as_of or date.today()


def default_filters(choices: Choices) -> Filters:
    """Year to date, through the last day the data covers."""
    end = choices.today
    return Filters(start=date(end.year, 1, 1), end=end)


def quick_ranges(choices: Choices) -> list[tuple[str, str, date, date]]:
    """(value, label, start, end) for the quick picks: YTD, last 28 days, 12 months, each year."""
    end = choices.today
    picks = [
        ("ytd", f"Year to date ({end.year})", date(end.year, 1, 1), end),
        ("28d", "Last 28 days", end - timedelta(days=27), end),
        ("12m", "Last 12 months", shift_years(end, 1) + timedelta(days=1), end),
    ]
    first_year = (choices.first_date or date(end.year, 1, 1)).year
    for year in range(end.year, first_year - 1, -1):
        picks.append((str(year), str(year), date(year, 1, 1), min(date(year, 12, 31), end)))
    if choices.first_date:
        picks.append(("all", f"All years ({first_year}–{end.year})", choices.first_date, end))
    return picks


def parse(query: str | Mapping[str, list[str]], choices: Choices, *, strict: bool = False,
          extra: Iterable[str] = ()) -> tuple[Filters, list[str]]:
    """Filters from a query string. Unknown or malformed parameters are ignored with a notice."""
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True) if isinstance(query, str) else [
        (k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])]
    notices: list[str] = []

    def problem(param: str, message: str) -> None:
        if strict:
            raise BadParameter(param, message)
        notices.append(message)

    allowed = set(FILTER_PARAMS) | set(extra)
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if key not in allowed:
            problem(key, f"Ignored the unknown parameter “{key}”.")
            continue
        values.setdefault(key, []).append(value)

    default = default_filters(choices)
    dates: dict[str, date] = {}
    for name in ("start", "end"):
        raw = values.get(name, [])
        if len(raw) > 1:
            problem(name, f"“{name}” was given {len(raw)} times; used the first.")
        if not raw or raw[0] == "":
            continue
        try:
            d = date.fromisoformat(raw[0])
        except ValueError:
            problem(name, f"Ignored {name}=“{raw[0]}”: not a date (use YYYY-MM-DD).")
            continue
        if not EARLIEST <= d <= LATEST:
            problem(name, f"Ignored {name}={raw[0]}: outside {EARLIEST.year}–{LATEST.year}.")
            continue
        dates[name] = d
    start = dates.get("start", default.start)
    end = dates.get("end", default.end if "start" not in dates else max(default.end, start))
    if start > end:
        problem("start", f"The start date {start} is after the end date {end}; showing the default "
                         f"range instead.")
        start, end = default.start, default.end

    chosen: dict[str, list[str]] = {}
    for name in MULTI_FIELDS:
        for raw in values.get(name, []):
            if raw == "":
                continue
            code = choices.canonical(name, raw)
            if code is None:
                problem(name, f"Ignored {name}=“{raw}”: there is no such {FIELD_BY_NAME[name].noun}.")
            elif code not in chosen.setdefault(name, []):
                chosen[name].append(code)
    return Filters(start=start, end=end, **{k: tuple(v) for k, v in chosen.items()}), notices


def extra_values(query: str, names: Iterable[str]) -> dict[str, list[str]]:
    """Page-specific parameters (not filters), as given."""
    wanted = set(names)
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key in wanted:
            out.setdefault(key, []).append(value)
    return out


def to_query(f: Filters) -> str:
    """The canonical query string: start and end always, then each chosen value."""
    pairs: list[tuple[str, str]] = [("start", f.start.isoformat()), ("end", f.end.isoformat())]
    for name in MULTI_FIELDS:
        pairs += [(name, v) for v in getattr(f, name)]
    return "?" + urlencode(pairs)
