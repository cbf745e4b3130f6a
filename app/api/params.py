"""How an API endpoint declares its parameters, and the one helper that reads them.

Each endpoint is an ``Endpoint`` value: its path, what it returns, whether it takes the page
URL's filter parameters (and when ``offense`` applies), and its own parameters as ``Param``
rows (name, allowed values or kind, default, meaning). ``read`` validates the query string
against those rows, ``filters`` parses the filter parameters with the declared names allowed,
and ``endpoint`` registers a view on the one blueprint behind the guard that turns bad input
into HTTP 400 and a database problem into HTTP 503. ``app.reference`` builds the README's API
table from the same values, so the documentation cannot drift from what is validated.

Every API error has one shape (``error_body``), whatever its status (400, 404, 405, 413, 500,
503): ``{"error": <a sentence in the request's language>, "parameter": <the parameter at fault,
or null>, "value": <the value at fault cut to VALUE_CHARS characters, or null>}``. The filter
parameters are checked here (``check_filters``) in the API's own words before the page's parser
(``app.urlstate.parse``) reads them: its notices say what a page did instead ("used the first"),
which an API does not do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, make_response, request

from app.context import load_choices, services
from app.i18n import LANGUAGES, PSEUDO, _, error_text, get_lang, parse_lang
from app.reference import version
from app.urlstate import (
    DEFAULT_RANGE,
    EARLIEST,
    FILTER_PARAMS,
    LATEST,
    RANGE,
    SITE_PARAM_NAMES,
    BadParameter,
    Choices,
    Filters,
    default_filters,
    normalize_range,
    parse,
    range_dates,
)
from data_access import status
from data_access.cases import BadCaseQuery
from data_access.db import DataError, RowCapExceeded
from data_access.filters import FIELD_BY_NAME, MULTI_FIELDS

PREFIX = "/api/v1"
blueprint = Blueprint("api", __name__, url_prefix=PREFIX)

TEXT = "text"
PAGE_NUMBER = "page number"
VALUE_CHARS = 40  # an error echoes at most this much of the value at fault (a value may be 20 kB)


def short(value: Any, limit: int = VALUE_CHARS) -> str | None:
    """``value`` as text cut to ``limit`` characters (an ellipsis marks the cut), a NUL shown as
    "␀"; None stays None."""
    if value is None:
        return None
    text = str(value).replace("\x00", "␀")
    return text if len(text) <= limit else text[:limit - 1] + "…"


class ApiError(Exception):
    """An API answer that is an error: the HTTP status, the sentence (already in the request's
    language) and the parameter and value at fault, if any."""

    def __init__(self, status: int, message: str, parameter: str | None = None, value: Any = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter
        self.value = value


def error_body(message: str, parameter: str | None = None, value: Any = None) -> dict:
    """The one shape of every API error."""
    return {"error": message, "parameter": short(parameter), "value": short(value)}


def error_response(status: int, message: str, parameter: str | None = None, value: Any = None):
    response = jsonify(error_body(message, parameter, value))
    response.status_code = status
    response.cache_control.no_store = True
    return response


def bad(parameter: str, message: str, value: Any = None) -> ApiError:
    """A 400 about ``parameter``; the value defaults to the parameter's first value in the URL."""
    if value is None:
        value = request.args.get(parameter)
    return ApiError(400, message, parameter, value)


@dataclass(frozen=True)
class Param:
    """One query parameter of one endpoint (given at most once)."""

    name: str
    doc: str  # what it means, for the README (Markdown)
    default: str | None = None
    allowed: tuple[str, ...] | None = None  # the values it may take; None: any value of ``kind``
    kind: str = TEXT  # TEXT (any string) or PAGE_NUMBER (digits; read as an int)

    def value(self, raw: str | None) -> Any:
        value = self.default if raw is None else raw
        if self.allowed is not None and value not in self.allowed:
            raise bad(self.name, _("{name}=“{value}” is not one of: {choices}.").format(
                name=self.name, value=short(value), choices=", ".join(self.allowed)), value)
        if self.kind == PAGE_NUMBER:
            from app.pageparams import whole_number

            number = whole_number(value)  # "²", other scripts' digits and 5,000 digits are not page numbers
            if number is None:
                raise bad(self.name, _("{name}=“{value}” is not a page number.").format(
                    name=self.name, value=short(value)), value)
            return number
        return value


@dataclass(frozen=True)
class Endpoint:
    """One ``GET`` endpoint under ``/api/v1``, as the code serves it and the README lists it."""

    path: str  # Flask rule under the prefix, e.g. "/cases/<number>"
    returns: str  # what the answer holds, for the README (Markdown)
    params: tuple[Param, ...] = ()
    filters: bool = True  # takes the page URL's filter parameters
    offense: str = "always"  # when ``offense`` filters apply: "always", "never" or a condition
    http_cache: bool = True  # answers carry an ETag from the data version (not the health check)

    @property
    def url(self) -> str:
        return PREFIX + self.path

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


ENDPOINTS: list[Endpoint] = []  # every endpoint served; tests check each is documented


def one(name: str) -> str | None:
    """The single value of query parameter ``name`` (None when absent)."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise bad(name, _("“{name}” may be given only once.").format(name=name))
    return values[0] if values else None


def read(spec: Endpoint) -> dict[str, Any]:
    """The endpoint's own parameters, validated in the order they are declared."""
    return {p.name: p.value(one(p.name)) for p in spec.params}


def filters(spec: Endpoint, *, offense_ok: bool = True,
            loaded: tuple[Choices, dict] | None = None) -> tuple[Filters, dict]:
    """(filters, data state) from the page URL's parameters; the endpoint's own names are allowed
    beside them. ``loaded`` is (choices, state) when the view has already read them."""
    if loaded is None:
        choices, _options, state = load_choices(services().db)
    else:
        choices, state = loaded
    if not offense_ok and request.args.getlist("offense"):
        raise bad("offense", _("offense filters do not apply here (these records are not "
                               "Part 1 offense categories)."))
    check_filters(spec, choices)
    # the page's parser, strict: after check_filters it has nothing left to refuse
    f, _notices = parse(request.args.to_dict(flat=False), choices, strict=True, extra=spec.names)
    return f, state


def check_filters(spec: Endpoint, choices: Choices) -> None:
    """Refuse, in the API's words, what ``app.urlstate.parse`` would refuse in a page's words: an
    unknown parameter, a repeated or malformed date or ``range``, a range that ends before it starts, a value
    that does not exist, a list longer than the number of values that exist (a list of 400,000
    neighborhoods is refused at once, not looked up value by value)."""
    args = request.args
    allowed = set(FILTER_PARAMS) | set(SITE_PARAM_NAMES) | set(spec.names)
    for key in args.keys():
        if key not in allowed:
            raise bad(key, _("“{name}” is not a parameter of {path}.").format(name=short(key), path=spec.url),
                      args.get(key))
    for name in MULTI_FIELDS:
        given, exist = args.getlist(name), len(choices.values.get(name, ()))
        if exist and len(given) > exist:
            raise bad(name, _("{name} was given {n} times, but only {limit} values exist.").format(
                name=name, n=len(given), limit=exist), None)
    lang = args.getlist("lang")
    if len(lang) > 1:
        raise bad("lang", _("“{name}” may be given only once.").format(name="lang"))
    if lang and lang[0] and parse_lang(lang[0]) is None and lang[0] != PSEUDO:
        raise bad("lang", _("lang=“{value}” is not one of: {choices}.").format(
            value=short(lang[0]), choices=", ".join(LANGUAGES)))
    dates: dict[str, date] = {}
    for name in ("start", "end"):
        raw = args.getlist(name)
        if len(raw) > 1:
            raise bad(name, _("“{name}” may be given only once.").format(name=name))
        if not raw or raw[0] == "":
            continue
        try:
            dates[name] = date.fromisoformat(raw[0])
        except ValueError:
            raise bad(name, _("{name}=“{value}” is not a date: write it YYYY-MM-DD.").format(
                name=name, value=short(raw[0]))) from None
        if not EARLIEST <= dates[name] <= LATEST:
            raise bad(name, _("{name}={value} is outside the dates the API answers for ({first} to {last}).").format(
                name=name, value=raw[0], first=EARLIEST.isoformat(), last=LATEST.isoformat()))
    check_range(choices, dated=bool(dates))
    if "start" in dates and "end" in dates and dates["start"] > dates["end"]:
        raise bad("start", _("start={start} is after end={end}.").format(
            start=dates["start"].isoformat(), end=dates["end"].isoformat()))
    if "end" in dates and "start" not in dates and dates["end"] < default_filters(choices).start:
        raise bad("end", _("end={end} is before the default start ({start}): give start as well.").format(
            end=dates["end"].isoformat(), start=default_filters(choices).start.isoformat()))
    for name in MULTI_FIELDS:
        known = {v.lower() for v in choices.values.get(name, ())}
        for raw in args.getlist(name):
            if raw and raw.strip().lower() not in known:
                raise bad(name, _("{name}=“{value}”: there is no such {noun}.").format(
                    name=name, value=short(raw), noun=_(FIELD_BY_NAME[name].noun)), raw)


def check_range(choices: Choices, dated: bool) -> None:
    """``range`` (a relative range, resolved against the data's as-of date): given once, one of
    the ranges, not beside ``start``/``end`` (a page uses the dates and says so; the API will not
    guess), and not a calendar year after the data."""
    raw = request.args.getlist(RANGE)
    if len(raw) > 1:
        raise bad(RANGE, _("“{name}” may be given only once.").format(name=RANGE))
    if not raw or raw[0] == "":
        return
    rng = normalize_range(raw[0])
    if rng is None:
        raise bad(RANGE, _("range=“{value}” is not a range: use ytd, last28, last90, last365, lastN (N days, up "
                           "to 3660), all or year:YYYY.").format(value=short(raw[0])))
    if dated:
        raise bad(RANGE, _("range={value} and start/end were both given: give a range or dates, not both.").format(
            value=rng))
    start, _end = range_dates(rng, choices)
    if start > choices.today:
        raise bad(RANGE, _("range={value} begins after the data's last day ({date}).").format(
            value=rng, date=choices.today.isoformat()))


def applied_range() -> str | None:
    """The relative range this request's dates follow (after ``check_filters``): its ``range``, the
    default range when it gives no dates at all, None for fixed dates."""
    args = request.args
    if any(args.get(name) for name in ("start", "end")):
        return None
    return normalize_range(args.get(RANGE) or DEFAULT_RANGE)


def meta(f: Filters, state: dict) -> dict:
    """What every filtered answer says besides its rows: the filters applied (the dates resolved,
    and ``range``: the relative range they follow, or null for fixed dates) and the data served."""
    as_of = state["data_as_of"]
    return {"filters": f.as_dict() | {"range": applied_range()}, "data_as_of": as_of.isoformat() if as_of else None,
            "is_demo": bool(state["is_demo"])}


def guard(view: Callable) -> Callable:
    """Bad input is a 400 naming the parameter, and so is a request too broad to answer (the same
    request would always fail: narrow it); a database problem a 503; never a traceback. Anything
    else raised in a view reaches ``unexpected`` (the blueprint's handler)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.parameter, exc.value)
        except BadParameter as exc:  # its message is already in the request's language
            return error_response(400, exc.message, exc.param, request.args.get(exc.param))
        except BadCaseQuery as exc:
            return error_response(400, error_text(exc))
        except RowCapExceeded as exc:
            return error_response(400, error_text(exc))
        except DataError as exc:
            response = error_response(503, error_text(exc))
            response.headers["Retry-After"] = "60"
            return response
    return wrapped


def localized() -> bool:
    """Whether this request's answer depends on the reader's language: a CSV download, whose header
    row is in it (JSON keys, codes and values are English whatever the language; error messages are
    translated, but errors are never cached). Such an answer's ETag names the language, and unless
    ``lang`` is in the URL it says ``Vary: Accept-Language``."""
    return request.args.get("format") == "csv"


def http_cached(view: Callable) -> Callable:
    """An answer depends only on its URL and the loaded data: it carries an ETag made of the
    package and data versions, Last-Modified (when the data was last loaded) and
    ``Cache-Control: public, max-age=PSAD_API_MAX_AGE``, so a browser, a reverse proxy or a CDN
    may keep it; ``If-None-Match`` with the current ETag gets a 304 without running the query. A
    load changes the data version, and so every ETag."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        svc = services()
        state = status.state(svc.db)
        in_lang = localized()
        etag = f"{version()}-{state['version']}" + (f"-{get_lang()}" if in_lang else "")
        if request.if_none_match.contains_weak(etag):
            response = make_response("", 304)
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
        if in_lang and "lang" not in request.args:
            response.vary.add("Accept-Language")
        response.set_etag(etag, weak=True)
        if state.get("updated_at"):
            response.last_modified = state["updated_at"]
        response.cache_control.public = True
        response.cache_control.max_age = svc.settings.api_max_age
        return response
    return wrapped


def endpoint(spec: Endpoint) -> Callable[[Callable], Callable]:
    """Declare ``spec`` and serve the decorated view at its path, behind ``guard`` (and
    ``http_cached`` unless the spec says not)."""
    def register(view: Callable) -> Callable:
        ENDPOINTS.append(spec)
        blueprint.get(spec.path)(guard(http_cached(view) if spec.http_cache else view))
        return view
    return register
