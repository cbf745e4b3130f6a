"""Page-specific URL parameters (not filters): the Map page's view, the CVI page's program types
and the Case lookup's search.

They live in the same query string as the global filters, so a link reopens the same view. Only
values that differ from the defaults are written. Bad values are ignored with a plain-language
notice, like bad filter values (``app.urlstate``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from app.i18n import _
from app.pages import KEPT_ON_FILTER_CHANGE, PAGE_BY_NAME, PAGE_PARAMS, SITE_PARAMS
from app.urlstate import clean_pairs
from data_access.map_queries import MAP_LAYERS

# The Map page's parameters (``app.pages``) and their defaults; the Case lookup's are read in
# ``callbacks.lookup``.
ON_OFF = {"on": True, "off": False}
SITE_NAMES = frozenset(q.name for q in SITE_PARAMS)
MAP_PARAMS = PAGE_BY_NAME["map"].param_names
MAP_DEFAULTS = {p.name: ON_OFF.get(p.default, p.default) for p in PAGE_BY_NAME["map"].params}


def whole_number(raw: str | None, max_digits: int = 6) -> int | None:
    """``raw`` as a whole number, or None: ASCII digits only ("²" is a digit int() cannot read) and
    at most ``max_digits`` of them (int() refuses more than 4,300 digits, and no page needs 7)."""
    value = (raw or "").strip()
    if not value or len(value) > max_digits or not (value.isascii() and value.isdecimal()):
        return None
    return int(value)


def _pairs(search: str | None) -> list[tuple[str, str]]:
    return clean_pairs(search or "")


def _first_of_each(search: str | None, names, notices: list[str]):
    """(key, raw value) for each of ``names`` in ``search``, the first time it appears; a repeat
    adds a notice."""
    seen = set()
    for key, raw in _pairs(search):
        if key not in names:
            continue
        if key in seen:
            notices.append(_("“{name}” was given more than once; used the first.").format(name=key))
            continue
        seen.add(key)
        yield key, raw


def parse_map(search: str | None) -> tuple[dict, list[str]]:
    """The Map page's view from the query string: layer, measure, points, cvi."""
    out, notices = dict(MAP_DEFAULTS), []
    for key, raw in _first_of_each(search, MAP_PARAMS, notices):
        value = raw.strip().lower()
        if key == "layer":
            if value in MAP_LAYERS:
                out["layer"] = value
            else:
                notices.append(_("Ignored layer=“{value}”: use one of {choices}.").format(
                    value=raw, choices=", ".join(MAP_LAYERS)))
        elif key == "measure":
            if value in ("count", "rate"):
                out["measure"] = value
            else:
                notices.append(_("Ignored measure=“{value}”: use count or rate.").format(value=raw))
        elif value in ON_OFF:
            out[key] = ON_OFF[value]
        else:
            notices.append(_("Ignored {name}=“{value}”: use on or off.").format(name=key, value=raw))
    return out, notices


def parse_cvi(search: str | None, program_types) -> tuple[tuple[str, ...], list[str]]:
    """The program types chosen on the CVI page (empty: all)."""
    known = {p.lower(): p for p in program_types}
    chosen, notices = [], []
    for key, raw in _pairs(search):
        if key != "program" or raw == "":
            continue
        code = known.get(raw.strip().lower())
        if code is None:
            notices.append(_("Ignored program=“{value}”: there is no such program type.").format(value=raw))
        elif code not in chosen:
            chosen.append(code)
    return tuple(sorted(chosen)), notices


def page_pairs(map_view: dict, programs) -> list[tuple[str, str]]:
    """The page parameters that differ from the defaults, in a fixed order."""
    pairs = []
    for key in MAP_PARAMS:
        value = map_view.get(key, MAP_DEFAULTS[key])
        if value != MAP_DEFAULTS[key]:
            pairs.append((key, ("on" if value else "off") if isinstance(value, bool) else str(value)))
    pairs += [("program", p) for p in sorted(programs or ())]
    return pairs


def kept_pairs(search: str | None) -> list[tuple[str, str]]:
    """The page parameters present in ``search``, as given (filter changes keep them)."""
    return [(k, v) for k, v in _pairs(search) if k in KEPT_ON_FILTER_CHANGE]


def with_page_params(filter_query: str, search: str | None, pairs: list[tuple[str, str]] | None = None) -> str:
    """``filter_query`` (canonical, starting with "?") followed by the page parameters: ``pairs``
    when given, else those already in ``search``."""
    extra = kept_pairs(search) if pairs is None else pairs
    return filter_query + ("&" + urlencode(extra) if extra else "")


def replace_page_params(search: str | None, pairs: list[tuple[str, str]]) -> str:
    """``search`` with its page parameters replaced by ``pairs`` (filters and the site's parameters,
    such as ``lang``, untouched unless ``pairs`` names them)."""
    named = {k for k, _v in pairs}
    rest = [(k, v) for k, v in _pairs(search) if (k not in PAGE_PARAMS or k in SITE_NAMES) and k not in named]
    return "?" + urlencode(rest + pairs)


# --- the presentation deck -----------------------------------------------------------------------

# The deck's parameters (``app.pages``), their defaults typed: slide and advance are numbers, and no
# comparison is None.
_DECK_PARAMS = {p.name: p.default for p in PAGE_BY_NAME["present"].params}
PRESENT_DEFAULTS = {**_DECK_PARAMS, "slide": int(_DECK_PARAMS["slide"]), "advance": int(_DECK_PARAMS["advance"]),
                    "compare": None}
ADVANCE_RANGE = (5, 3600)


def parse_present(search: str | None, choices) -> tuple[dict, list[str]]:
    """The deck's view from the query string: slide (1-based), compare (None, "city" or a
    (field, code) pair), theme, advance (seconds, 0 for off) and from (the page Escape returns to).
    ``choices``: ``app.urlstate.Choices``, to check a compared area exists."""
    from app.pages import NAV_PAGES
    from data_access.filters import FIELD_BY_NAME, GEO_FIELDS

    out, notices = dict(PRESENT_DEFAULTS), []
    for key, raw in _first_of_each(search, PRESENT_DEFAULTS, notices):
        value = raw.strip()
        if key in ("slide", "advance"):
            number = whole_number(value)
            if number is None:
                notices.append(_("Ignored {name}=“{value}”: use a whole number.").format(name=key, value=raw[:20]))
            elif key == "slide":
                out["slide"] = max(1, number)
            elif number == 0 or ADVANCE_RANGE[0] <= number <= ADVANCE_RANGE[1]:
                out["advance"] = number
            else:
                notices.append(_("Ignored advance={value}: use 0 (off) or {low} … {high} seconds.").format(
                    value=value, low=ADVANCE_RANGE[0], high=ADVANCE_RANGE[1]))
        elif key == "theme":
            if value.lower() in ("light", "dark"):
                out["theme"] = value.lower()
            else:
                notices.append(_("Ignored theme=“{value}”: use light or dark.").format(value=raw))
        elif key == "from":
            if value.lower() in {p.name for p in NAV_PAGES}:
                out["from"] = value.lower()
            else:
                notices.append(_("Ignored from=“{value}”: there is no such page.").format(value=raw))
        elif value.lower() == "city":
            out["compare"] = "city"
        else:
            name, _sep, code = value.partition(":")
            name = name.strip().lower()
            if name not in GEO_FIELDS or not code.strip():
                notices.append(_("Ignored compare=“{value}”: use city, or an area as field:code (e.g. "
                                 "council_district:7; fields: {fields}).").format(value=raw, fields=", ".join(GEO_FIELDS)))
                continue
            canonical = choices.canonical(name, code)
            if canonical is None:
                notices.append(_("Ignored compare=“{value}”: there is no such {noun}.").format(
                    value=raw, noun=_(FIELD_BY_NAME[name].noun)))
            else:
                out["compare"] = (name, canonical)
    return out, notices
