"""URL <-> filter state. The query string is a public interface (documented in the README).

``parse`` turns a query string into a ``Filters`` value plus a list of plain-language notices
about anything it had to ignore; in ``strict`` mode (the JSON API) the first problem raises
``BadParameter`` instead, which the API turns into HTTP 400. ``to_query`` is the inverse, and
``parse(to_query(f)) == f`` for every valid ``f``.

Notices and quick-range labels are in the request's language (``app.i18n``): these functions run
inside a request (a callback, a layout, an API view), never at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from app.i18n import LANGUAGES, PSEUDO, _, date_short, parse_lang
from app.pages import SITE_PARAMS
from data_access.filters import FIELD_BY_NAME, MULTI_FIELDS, Filters, shift_years

FILTER_PARAMS = ("start", "end") + MULTI_FIELDS
# Parameters every URL may carry besides the filters (``lang``): never "unknown", here or in the API.
SITE_PARAM_NAMES = tuple(q.name for q in SITE_PARAMS)
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
        """The canonical code for ``raw`` (case-insensitive), or None if unknown (or not text)."""
        return self.lookup(name).get(raw.strip().lower()) if isinstance(raw, str) else None

    def lookup(self, name: str) -> dict[str, str]:
        """Every code of ``name`` by its lower case (built once per call: a link's values are
        looked up in it, not each in a new one)."""
        return {v.lower(): v for v in self.values.get(name, ())}

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
        ("ytd", _("Year to date ({year})").format(year=end.year), date(end.year, 1, 1), end),
        ("28d", _("Last 28 days"), end - timedelta(days=27), end),
        ("12m", _("Last 12 months"), shift_years(end, 1) + timedelta(days=1), end),
    ]
    first_year = (choices.first_date or date(end.year, 1, 1)).year
    for year in range(end.year, first_year - 1, -1):
        picks.append((str(year), str(year), date(year, 1, 1), min(date(year, 12, 31), end)))
    if choices.first_date:
        picks.append(("all", _("All years ({first}–{last})").format(first=first_year, last=end.year),
                      choices.first_date, end))
    return picks


def parse(query: str | Mapping[str, list[str]], choices: Choices, *, strict: bool = False,
          extra: Iterable[str] = ()) -> tuple[Filters, list[str]]:
    """Filters from a query string. Unknown or malformed parameters are ignored with a notice."""
    if isinstance(query, Mapping):
        pairs = [(k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])]
    else:
        pairs = clean_pairs(query)
    notices: list[str] = []

    def problem(param: str, message: str) -> None:
        if strict:
            raise BadParameter(param, message)
        notices.append(message)

    allowed = set(FILTER_PARAMS) | set(SITE_PARAM_NAMES) | set(extra)
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if key not in allowed:
            problem(key, _("Ignored the unknown parameter “{name}”.").format(name=key))
            continue
        values.setdefault(key, []).append(value)
    for raw in values.get("lang", [])[:1]:
        # ``app.i18n`` has already chosen the language (an unknown code falls back to the browser's).
        if raw and parse_lang(raw) is None and raw != PSEUDO:
            problem("lang", _("Ignored lang=“{value}”: use one of {choices}.").format(
                value=raw, choices=", ".join(LANGUAGES)))

    default = default_filters(choices)
    dates: dict[str, date] = {}
    for name in ("start", "end"):
        raw = values.get(name, [])
        if len(raw) > 1:
            problem(name, _("“{name}” was given {n} times; used the first.").format(name=name, n=len(raw)))
        if not raw or raw[0] == "":
            continue
        try:
            d = date.fromisoformat(raw[0])
        except ValueError:
            problem(name, _("Ignored {name}=“{value}”: not a date (use YYYY-MM-DD).").format(name=name, value=raw[0]))
            continue
        if not EARLIEST <= d <= LATEST:
            problem(name, _("Ignored {name}={value}: outside {first}–{last}.").format(
                name=name, value=raw[0], first=EARLIEST.year, last=LATEST.year))
            continue
        dates[name] = d
    start = dates.get("start", default.start)
    end = dates.get("end", default.end if "start" not in dates else max(default.end, start))
    if start > end:
        problem("start", _("The start date {start} is after the end date {end}; showing the default range "
                           "instead.").format(start=date_short(start), end=date_short(end)))
        start, end = default.start, default.end

    chosen: dict[str, list[str]] = {}
    for name in MULTI_FIELDS:
        known = choices.lookup(name)
        given = values.get(name, [])
        if known and len(given) > len(known):  # more than exist: cut before any lookup (issue 13, item 6)
            problem(name, _("“{name}” was given {n} values, but only {limit} exist; used the first {limit}.").format(
                name=name, n=len(given), limit=len(known)))
            given = given[:len(known)]
        for raw in given:
            if raw == "":
                continue
            code = known.get(raw.strip().lower())
            if code is None:
                problem(name, _("Ignored {name}=“{value}”: there is no such {noun}.").format(
                    name=name, value=raw, noun=_(FIELD_BY_NAME[name].noun)))
            elif code not in chosen.setdefault(name, []):
                chosen[name].append(code)
    return Filters(start=start, end=end, **{k: tuple(v) for k, v in chosen.items()}), notices


def clean_pairs(query: str) -> list[tuple[str, str]]:
    """The query string's pairs without NUL characters (PostgreSQL text cannot hold one, and no
    value has one): a value with a NUL is read without it, so it is then known or ignored as any.
    Anything but text (a list or a number in a hand-made callback request) holds no pairs."""
    if not isinstance(query, str):
        return []
    return [(k.replace("\x00", ""), v.replace("\x00", ""))
            for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=True)]


def extra_values(query: str, names: Iterable[str]) -> dict[str, list[str]]:
    """Page-specific parameters (not filters), as given."""
    wanted = set(names)
    out: dict[str, list[str]] = {}
    for key, value in clean_pairs(query):
        if key in wanted:
            out.setdefault(key, []).append(value)
    return out


def to_query(f: Filters) -> str:
    """The canonical query string: start and end always, then each chosen value."""
    pairs: list[tuple[str, str]] = [("start", f.start.isoformat()), ("end", f.end.isoformat())]
    for name in MULTI_FIELDS:
        pairs += [(name, v) for v in getattr(f, name)]
    return "?" + urlencode(pairs)
