"""URL <-> filter state. The query string is a public interface (documented in the README).

``parse`` turns a query string into a ``Filters`` value plus a list of plain-language notices
about anything it had to ignore; in ``strict`` mode (the JSON API) the first problem raises
``BadParameter`` instead, which the API turns into HTTP 400. ``to_query`` is the inverse, and
``parse(to_query(f)) == f`` for every valid ``f``.

Dates are either fixed (``start``, ``end``) or a relative range (``range=ytd``, ``last28``,
``year:2025`` …: ``RANGE_DOC``) that is resolved against the data's as-of date
(``Choices.today``) at every request, so a bookmarked "year to date" stays year to date when the
data moves into a new year (issue 14). ``parse_view`` also returns the range the view follows
(None: fixed dates); ``to_query(f, rng)`` writes it instead of the dates, and ``state_query`` is
the canonical query string of a link, range included. A link without any dates follows the
default range (``DEFAULT_RANGE``); a link with a range and dates uses the dates, with a notice.

Notices and quick-range labels are in the request's language (``app.i18n``): these functions run
inside a request (a callback, a layout, an API view), never at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from app.i18n import LANGUAGES, PSEUDO, _, date_short, ngettext, number, parse_lang
from app.pages import SITE_PARAMS
from data_access.filters import FIELD_BY_NAME, MULTI_FIELDS, Filters

RANGE = "range"
FILTER_PARAMS = ("start", "end", RANGE) + MULTI_FIELDS
# Parameters every URL may carry besides the filters (``lang``): never "unknown", here or in the API.
SITE_PARAM_NAMES = tuple(q.name for q in SITE_PARAMS)
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
DEFAULT_RANGE = "ytd"
MAX_LAST_DAYS = 3660  # ``lastN``: up to ten years of days
# What ``range`` takes, for the README's URL table (app.reference) and the messages below.
RANGE_DOC = ("`ytd` (1 January of the data's latest year to its last day), `last28`, `last90`, `last365` "
             "(or any `lastN`, N from 1 to 3660: the N days through the data's last day), `year:2025` (a calendar "
             "year, to the data's last day while it is the current one), `all` (every year loaded). Resolved "
             "against the data-as-of date at every request, so the view rolls forward with the data. Written "
             "instead of `start`/`end` when a quick range is chosen; a link with both uses `start`/`end`")
_RANGE_RE = re.compile(r"ytd|all|last([1-9][0-9]{0,3})|year:([0-9]{4})")

class BadParameter(ValueError):
    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


def data_today(data_as_of: date | None) -> date:
    """The day the views count up to: the data's as-of date, or the calendar's when it has none
    (``Choices.today``; the callbacks' stored answers are keyed by it, app.response_cache)."""
    return data_as_of or date.today()


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
        return data_today(self.data_as_of)


def default_filters(choices: Choices) -> Filters:
    """Year to date, through the last day the data covers."""
    end = choices.today
    return Filters(start=date(end.year, 1, 1), end=end)


def normalize_range(raw) -> str | None:
    """The canonical spelling of a relative range (``YTD`` -> ``ytd``), or None if ``raw`` is not
    one (or not text). Syntax only: ``range_dates`` says what it means on the data's dates."""
    if not isinstance(raw, str):
        return None
    m = _RANGE_RE.fullmatch(raw.strip().lower())
    if m is None:
        return None
    if m.group(1) and int(m.group(1)) > MAX_LAST_DAYS:
        return None
    if m.group(2) and not EARLIEST.year <= int(m.group(2)) <= LATEST.year:
        return None
    return m.group(0)


def range_dates(rng: str, choices: Choices) -> tuple[date, date]:
    """(start, end) of the canonical range ``rng`` on the data's as-of date. The start is after the
    end only for a calendar year after the data's last day (``year:2030``): the caller says so."""
    end = choices.today
    if rng == "ytd":
        return date(end.year, 1, 1), end
    if rng == "all":
        return min(choices.first_date or date(end.year, 1, 1), end), end
    if rng.startswith("last"):
        return max(EARLIEST, end - timedelta(days=int(rng[4:]) - 1)), end
    year = int(rng.split(":", 1)[1])
    return date(year, 1, 1), min(date(year, 12, 31), end)


def range_label(rng: str, choices: Choices) -> str:
    """What a range is called where it is shown: the quick pick's label, or "Last 7 days", "2011"."""
    for value, label, _s, _e in quick_ranges(choices):
        if value == rng:
            return label
    if rng.startswith("last"):
        n = int(rng[4:])
        return ngettext("Last {n} day", "Last {n} days", n).format(n=number(n))
    return rng.split(":", 1)[-1]


def quick_ranges(choices: Choices) -> list[tuple[str, str, date, date]]:
    """(range, label, start, end) for the quick picks: YTD, the last 28, 90 and 365 days, each
    year, all years. The value is what ``range=`` in the URL takes."""
    end = choices.today
    picks = [
        ("ytd", _("Year to date ({year})").format(year=end.year)),
        ("last28", _("Last 28 days")),
        ("last90", _("Last 90 days")),
        ("last365", _("Last 365 days")),
    ]
    first_year = (choices.first_date or date(end.year, 1, 1)).year
    picks += [(f"year:{year}", str(year)) for year in range(end.year, first_year - 1, -1)]
    if choices.first_date:
        picks.append(("all", _("All years ({first}–{last})").format(first=first_year, last=end.year)))
    return [(value, label, *range_dates(value, choices)) for value, label in picks]


def quick_value(f: Filters, rng: str | None, choices: Choices) -> str | None:
    """The quick pick the filter bar shows: the range the view follows, or for fixed dates that
    always mean the same as a pick (a whole past calendar year) that pick; otherwise none ("Custom
    range"), so fixed dates that happen to equal "year to date" today are not shown as one."""
    values = [v for v, _label, _s, _e in quick_ranges(choices)]
    if rng is not None:
        return rng if rng in values else None
    year = f"year:{f.start.year}"
    if (f.start, f.end) == (date(f.start.year, 1, 1), date(f.start.year, 12, 31)) \
            and f.end < choices.today and year in values:
        return year
    return None


def parse(query: str | Mapping[str, list[str]], choices: Choices, *, strict: bool = False,
          extra: Iterable[str] = ()) -> tuple[Filters, list[str]]:
    """Filters from a query string. Unknown or malformed parameters are ignored with a notice."""
    f, _rng, notices = parse_view(query, choices, strict=strict, extra=extra)
    return f, notices


def parse_view(query: str | Mapping[str, list[str]], choices: Choices, *, strict: bool = False,
               extra: Iterable[str] = ()) -> tuple[Filters, str | None, list[str]]:
    """(filters, the relative range they follow or None for fixed dates, notices) from a query
    string: ``parse`` that also says whether the dates roll forward with the data."""
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
    dated = bool(dates)
    if start > end:
        problem("start", _("The start date {start} is after the end date {end}; showing the default range "
                           "instead.").format(start=date_short(start), end=date_short(end)))
        start, end = default.start, default.end
    rng = _read_range(values.get(RANGE, []), dated, choices, problem)
    if rng is not None:
        start, end = range_dates(rng, choices)
    elif not dated:
        rng = DEFAULT_RANGE  # no dates at all: the default range, which rolls forward too

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
    return Filters(start=start, end=end, **{k: tuple(v) for k, v in chosen.items()}), rng, notices


def _read_range(raw: list[str], dated: bool, choices: Choices, problem) -> str | None:
    """The canonical range of a link's ``range`` values, or None (with a notice) when there is
    none that applies: malformed, a year after the data, or beside fixed dates (which win)."""
    if len(raw) > 1:
        problem(RANGE, _("“{name}” was given {n} times; used the first.").format(name=RANGE, n=len(raw)))
    if not raw or raw[0] == "":
        return None
    rng = normalize_range(raw[0])
    if rng is None:
        problem(RANGE, _("Ignored range=“{value}”: use ytd, last28, last90, last365, lastN (N days), all or year:YYYY.").format(
            value=raw[0][:40]))
        return None
    if dated:
        problem(RANGE, _("Ignored range={value}: the link also gives dates (start, end), and the dates win. "
                         "Give either a range or dates.").format(value=rng))
        return None
    start, end = range_dates(rng, choices)
    if start > end:
        problem(RANGE, _("Ignored range={value}: the data ends on {date}; showing the default range.").format(
            value=rng, date=date_short(choices.today)))
        return None
    return rng


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


def to_query(f: Filters, rng: str | None = None) -> str:
    """The canonical query string: the range ``rng`` the view follows (the caller's word: it
    resolves to ``f``'s dates) or else start and end, then each chosen value."""
    pairs: list[tuple[str, str]] = [(RANGE, rng)] if rng else [("start", f.start.isoformat()), ("end", f.end.isoformat())]
    for name in MULTI_FIELDS:
        pairs += [(name, v) for v in getattr(f, name)]
    return "?" + urlencode(pairs, safe=":")  # "range=year:2025", readable in the address bar


def state_query(query: str | None, choices: Choices, extra: Iterable[str] = ()) -> str:
    """The canonical filter query string of a link, with its range when it follows one: what the
    shell's FILTER_STATE holds and what a link that must reopen the same view carries."""
    f, rng, _notices = parse_view(query or "", choices, extra=extra)
    return to_query(f, rng)


def range_in(query: str | None) -> str | None:
    """The relative range a link follows, read from its query string alone (no data needed): its
    ``range``, the default range when it gives no dates at all, None when it gives a date. So
    ``to_query(f, range_in(search))`` is the link of the view ``parse(search)`` shows, for code that
    rebuilds a link from ``Filters`` (the deck's QR code, the Case lookup's pager, a cache key)."""
    pairs = clean_pairs(query or "")
    if any(k in ("start", "end") and _is_date(v) for k, v in pairs):
        return None
    given = [v for k, v in pairs if k == RANGE and v]
    return (normalize_range(given[0]) if given else None) or DEFAULT_RANGE


def _is_date(raw: str) -> bool:
    try:
        return EARLIEST <= date.fromisoformat(raw) <= LATEST
    except ValueError:
        return False
