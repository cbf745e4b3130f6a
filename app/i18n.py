"""Languages: English (the source) and Spanish, through gettext catalogs; numbers and dates
through Babel's locale data.

Writing a string the user sees:

* ``_("Victims")`` where it is shown (a layout, a callback, a message);
* ``N_("Homicide")`` where a constant is defined (an offense name, a field label): it only marks
  the string for the catalog, and the code that shows it calls ``_(label)``;
* ``ngettext("{n} victim", "{n} victims", n).format(n=fmt_int(n))`` for a count;
* numbers and dates through ``number``, ``decimal``, ``date_short`` …, never ``f"{n:,}"``.

Catalogs: ``app/locale/<lang>/LC_MESSAGES/*.po`` (one file per part of the product, merged; a
msgid in two files must have one translation), compiled in memory at first use. ``tests/
test_i18n.py`` fails when a marked string has no Spanish translation, and renders every page in a
pseudo-language to find strings that were never marked.

The language of a request (``install``): ``lang=`` in the URL (a shared link keeps it), else the
browser's ``Accept-Language``, else English. A Dash callback's request carries the language of the
page that sent it (the renderer's ``request_pre`` hook copies ``<html lang>`` into the payload);
the layout request, which has no query string, reads its page's URL from the ``Referer``.
"""

from __future__ import annotations

import gettext as _gettext
import io
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from data_access.text import N_, Nn_  # noqa: F401  (re-exported: the marks for constants)

LANGUAGES = {"en": "English", "es": "Español"}  # code -> its own name, as the switch shows it
DEFAULT = "en"
# Tests only: every translated string comes back as "⟦…⟧", so a page rendered in it shows which
# of its strings never went through the catalog.
PSEUDO = "qps"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN_GLOB = "*.po"

_current: ContextVar[str] = ContextVar("psad_lang", default=DEFAULT)


# --- the current language ------------------------------------------------------------------------

def get_lang() -> str:
    return _current.get()


@contextmanager
def use(code: str):
    """``with use("es"): …``: the language for a block (CLI, warmers, tests)."""
    token = _current.set(code if code in LANGUAGES or code == PSEUDO else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def parse_lang(raw: str | None) -> str | None:
    """``es``, ``ES``, ``es-MX`` -> ``es``; anything else (a list in a callback body) -> None."""
    if not raw or not isinstance(raw, str):
        return None
    code = raw.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def accept_language(header: str | None) -> str | None:
    """The first language of an ``Accept-Language`` header we have, by its q-values."""
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        bits = part.strip().split(";")
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        code = parse_lang(bits[0])
        if code and q > 0:
            ranked.append((-q, i, code))
    return min(ranked)[2] if ranked else None


def lang_in_query(query: str | None) -> str | None:
    """The ``lang`` parameter of a query string, if it names a language we have."""
    for key, value in parse_qsl((query or "").lstrip("?"), keep_blank_values=True):
        if key == "lang":
            return PSEUDO if value == PSEUDO else parse_lang(value)
    return None


def negotiate(query: str | None, accept: str | None) -> str:
    return lang_in_query(query) or accept_language(accept) or DEFAULT


# --- catalogs ------------------------------------------------------------------------------------

def catalog_files(lang: str) -> list[Path]:
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob(DOMAIN_GLOB))


@lru_cache(maxsize=None)
def _translations(lang: str) -> _gettext.NullTranslations:
    if lang == DEFAULT or lang not in LANGUAGES:
        return _gettext.NullTranslations()
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    # Two plural forms (one / other), whatever a file's header says: newer CLDR data gives Spanish a
    # third form for round millions, which no count of victims needs.
    merged = Catalog(locale=None)
    for path in catalog_files(lang):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if not message.id or message.fuzzy:
                    continue
                if isinstance(message.id, (tuple, list)):
                    forms = tuple(message.string or ())[:2]
                    if len(forms) == 2 and all(forms):
                        merged.add(tuple(message.id), forms, context=message.context)
                elif message.string:
                    merged.add(message.id, message.string, context=message.context)
    buf = io.BytesIO()
    write_mo(buf, merged)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str) -> str:
    lang = _current.get()
    if lang == PSEUDO:
        return f"⟦{message}⟧"
    return _translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    lang = _current.get()
    if lang == PSEUDO:
        return f"⟦{singular if n == 1 else plural}⟧"
    return _translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A translation that depends on where the word is used ("May" the month, "may" the verb)."""
    lang = _current.get()
    if lang == PSEUDO:
        return f"⟦{message}⟧"
    return _translations(lang).pgettext(context, message)


_ = gettext


def error_text(exc) -> str:
    """A DataError's (or any exception's) ``user_message`` in the reader's language. The message is
    an English msgid marked where it is defined (``N_``); ``exc.params`` (optional) fills its
    ``{placeholders}`` after translation. An answer that shows one is never stored for the next
    viewer (the database may answer again by then)."""
    from app.response_cache import mark_uncacheable

    mark_uncacheable()
    message = getattr(exc, "user_message", None) or str(exc)
    params = getattr(exc, "params", None) or {}
    text = gettext(message)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return message.format(**params) if params else message


# --- numbers and dates ---------------------------------------------------------------------------

def babel_locale(lang: str | None = None) -> str:
    lang = lang or _current.get()
    return lang if lang in LANGUAGES else DEFAULT


def number(n: int | float) -> str:
    """A whole number with the language's grouping: 1,234 / 1.234."""
    return _number(int(round(n)), babel_locale())


def decimal(x: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals: 12.5 / 12,5."""
    return _decimal(x, digits, babel_locale())


# Babel parses its pattern on every call (about 25 µs, 40 with its Decimal arithmetic); a Summary
# update writes some 4,000 numbers and a Guns and warrants update over a district ~500 new ones. A
# whole number is Python's own ``{:,}`` with the language's group and minus signs, where that
# gives exactly what Babel gives (``_int_signs``), and each text is kept per value and language.
@lru_cache(maxsize=1 << 16)
def _number(n: int, locale: str) -> str:
    signs = _int_signs(locale)
    return _grouped(n, *signs) if signs else _babel_int(n, locale)


def _babel_int(n: int, locale: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(n, format="#,##0", locale=locale)


def _grouped(n: int, group: str, minus: str) -> str:
    text = f"{abs(n):,}"
    if group != ",":
        text = text.replace(",", group)
    return minus + text if n < 0 else text


@lru_cache(maxsize=None)
def _int_signs(locale: str) -> tuple[str, str] | None:
    """``locale``'s group and minus signs when ``_grouped`` with them writes what Babel writes (a
    few values checked, once per language); None otherwise, and Babel formats every number (a
    language whose numbers are grouped otherwise, or not at all)."""
    from babel.numbers import get_group_symbol, get_minus_sign_symbol

    signs = get_group_symbol(locale), get_minus_sign_symbol(locale)
    probes = (0, 7, -7, 999, 1000, 1234, -1234, 12345, 123456, -1234567, 1234567890)
    return signs if all(_grouped(n, *signs) == _babel_int(n, locale) for n in probes) else None


@lru_cache(maxsize=1 << 16)
def _decimal(x: float, digits: int, locale: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(x, format="#,##0." + "0" * digits if digits else "#,##0", locale=locale)


def date_short(d: date) -> str:
    """24 Nov 2026 / 24 nov 2026."""
    from babel.dates import format_date

    return format_date(d, "d MMM y", locale=babel_locale())


def date_long(d: date) -> str:
    """24 November 2026 / 24 de noviembre de 2026."""
    from babel.dates import format_date

    return format_date(d, "d MMMM y" if babel_locale() == "en" else "long", locale=babel_locale())


def day_month(d: date) -> str:
    """24 Nov / 24 nov."""
    from babel.dates import format_date

    return format_date(d, "d MMM", locale=babel_locale())


def month_year(d: date, wide: bool = True) -> str:
    """November 2026 / noviembre de 2026 (``wide=False``: Nov 2026 / nov 2026)."""
    from babel.dates import format_date

    if babel_locale() == "en":
        return format_date(d, "MMMM y" if wide else "MMM y", locale="en")
    return format_date(d, "MMMM 'de' y" if wide else "MMM y", locale=babel_locale())


def month_name(month: int, wide: bool = True) -> str:
    from babel import Locale

    return Locale.parse(babel_locale()).months["format"]["wide" if wide else "abbreviated"][month]


def weekday_name(weekday: int, wide: bool = False) -> str:
    """Monday = 0, as ``date.weekday()``."""
    from babel import Locale

    return Locale.parse(babel_locale()).days["format"]["wide" if wide else "abbreviated"][weekday]


@lru_cache(maxsize=None)
def plotly_locale(lang: str) -> dict:
    """Plotly's locale definition (month and day names, separators) built from Babel's data, for
    ``dcc.Graph(config={"locale": lang, "locales": {lang: …}})``: axis dates and numbers in the
    reader's language, with no locale script to load."""
    from babel import Locale

    loc = Locale.parse(lang)
    months, days = loc.months["format"], loc.days["format"]
    sym = loc.number_symbols.get("latn", loc.number_symbols) if hasattr(loc.number_symbols, "get") else {}
    order = [6, 0, 1, 2, 3, 4, 5]  # Plotly's weeks start on Sunday; Babel's days are Monday = 0
    return {
        "dictionary": {},
        "format": {
            "days": [days["wide"][i] for i in order],
            "shortDays": [days["abbreviated"][i] for i in order],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i].rstrip(".") for i in range(1, 13)],
            "decimal": sym.get("decimal", "."),
            "thousands": sym.get("group", ","),
            "date": "%d/%m/%Y" if lang != "en" else "%m/%d/%Y",
        },
    }


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


# The index page's meta description (app.factory), translated into the page's language.
DESCRIPTIONS = (N_("Crime, arrests, case outcomes and violence intervention in Baltimore, filtered by neighborhood, "
                   "district and time."),)


# --- the request's language ----------------------------------------------------------------------

# The renderer's hook: every callback request says which language its page is in.
REQUEST_PRE_HOOK = ("function (payload) { var h = document.documentElement; "
                    "payload.lang = h.getAttribute('data-psad-lang') || h.lang || 'en'; }")


def request_lang(request) -> str:
    """The language of a Flask request (see the module's docstring)."""
    if request.method == "POST" and request.path.endswith("_dash-update-component"):
        body = request.get_json(silent=True) or {}
        code = body.get("lang") if isinstance(body, dict) else None
        if code == PSEUDO or parse_lang(code):
            return PSEUDO if code == PSEUDO else parse_lang(code)
    query = request.query_string.decode("latin-1")
    if lang_in_query(query) is None and request.path.endswith(("_dash-layout", "_dash-dependencies")):
        query = urlsplit(request.headers.get("Referer", "")).query
    return negotiate(query, request.headers.get("Accept-Language"))


def install(app) -> None:
    """Set each request's language, and write it into the page's ``<html lang>`` (WCAG 3.1.1);
    a Spanish page also loads the date picker's Spanish month and day names."""
    from flask import g, request

    server = app.server

    @server.before_request
    def _set_request_lang():
        g.psad_lang_token = _current.set(request_lang(request))

    @server.teardown_request
    def _reset_request_lang(_exc=None):
        # the next request on this thread (or a test client's caller) starts from the default again
        token = g.pop("psad_lang_token", None)
        if token is not None:
            try:
                _current.reset(token)
            except ValueError:  # set in another context (a streamed response): nothing to undo
                pass

    original = app.interpolate_index

    def interpolate_index(**kwargs):
        lang = get_lang()
        # the tab's title and the description a shared link's preview shows, in the page's language
        kwargs["title"] = gettext(kwargs.get("title", ""))
        for text in DESCRIPTIONS:
            kwargs["metas"] = kwargs.get("metas", "").replace(text, _escape(gettext(text)))
        html_lang = "en" if lang == PSEUDO else lang
        marker = f' data-psad-lang="{lang}"' if lang == PSEUDO else ""
        page = original(**kwargs).replace('<html lang="en">', f'<html lang="{html_lang}"{marker}>', 1)
        if lang == "es":
            # dcc.DatePickerRange reads window.dateFns.locale (date-fns' own CDN build, vendored)
            script = f'<script defer src="{app.get_asset_url("vendor/date-fns-locale-es.js")}"></script>'
            page = page.replace("</head>", f"{script}\n</head>", 1)
        return page

    app.interpolate_index = interpolate_index


__all__ = ["LANGUAGES", "DEFAULT", "PSEUDO", "get_lang", "use", "negotiate", "accept_language",
           "lang_in_query", "gettext", "ngettext", "pgettext", "_", "N_", "Nn_", "number", "decimal", "date_short",
           "date_long", "day_month", "month_year", "month_name", "weekday_name", "plotly_locale", "install",
           "REQUEST_PRE_HOOK", "request_lang", "error_text"]
