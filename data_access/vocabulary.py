"""The vocabulary: the one place that owns every code -> label table, for ingest and display.

Every loader (demo, CSV, ArcGIS) turns raw spellings into the codes below
(``data_access.ingest.normalize`` holds the raw-spelling aliases and maps them onto these codes),
the database stores the codes, and every page, caption, legend, picker and URL parameter shows
or accepts the labels and codes from here. A code or a label is defined nowhere else: when a
table needs a new entry, it is added here and ingest, URL parsing and display all follow.

What is here:

* offenses (``OFFENSES``): BPD Part 1 victim-based categories with their group and the
  sexual-offense flag (never shown as points), and the offense groups (``OFFENSE_GROUPS``);
  ``data_access.loading.seed_reference`` writes them into the ``offense_category`` table;
* weapons (``WEAPON_TYPES``);
* charge categories of arrests and State's Attorney charges (``CHARGE_CATEGORIES``);
* case dispositions (``DISPOSITIONS``);
* CVI program types (``CVI_PROGRAM_TYPES``);
* how an arrest relates to a homicide or shooting incident (``ARREST_LINKS``);
* demographic dimensions (``DEMOGRAPHIC_DIMENSIONS``) and their categories
  (``DEMOGRAPHIC_CATEGORIES``): for these the stored value is the label itself ("Male",
  "18-24"), so a category list is the whole vocabulary.

The offense groups follow BPD's own reporting: *violent* is homicide, non-fatal shooting, rape,
robbery and aggravated assault; *property* is burglary, larceny, larceny from auto, auto theft and
arson; common assault is a Part 1 victim-based row that BPD counts in neither group, so it only
appears in "all Part 1". Gun violence, the measure of the Comprehensive Violence Prevention Plan's
goal, is homicides committed with a firearm plus non-fatal shootings.

Labels are written for residents: plain language, no agency jargon where a plain word exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from data_access.text import N_, Nn_


@dataclass(frozen=True)
class Vocabulary:
    """An ordered code -> label table. Iterating yields ``(code, label)`` pairs in display order,
    so ``dict(v)`` is the mapping and ``for code, label in v`` walks the table."""

    name: str
    terms: tuple[tuple[str, str], ...]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.terms)

    @cached_property
    def labels(self) -> dict[str, str]:
        return dict(self.terms)

    def label(self, code: str) -> str:
        """The label of ``code``; a code outside the table (data loaded by an older version)
        is shown readably rather than failing."""
        got = self.labels.get(code)
        return got if got is not None else str(code).replace("_", " ").capitalize()


# --- offenses -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Offense:
    code: str
    label: str
    group: str  # a code of OFFENSE_GROUPS
    sexual: bool = False  # never shown as points (privacy)


OFFENSES: tuple[Offense, ...] = (
    Offense("homicide", N_("Homicide"), "violent"),
    Offense("shooting", N_("Non-fatal shooting"), "violent"),
    Offense("rape", N_("Rape"), "violent", sexual=True),
    Offense("robbery_street", N_("Robbery (street)"), "violent"),
    Offense("robbery_commercial", N_("Robbery (commercial)"), "violent"),
    Offense("robbery_residence", N_("Robbery (residence)"), "violent"),
    Offense("robbery_carjacking", N_("Robbery (carjacking)"), "violent"),
    Offense("agg_assault", N_("Aggravated assault"), "violent"),
    Offense("common_assault", N_("Common assault"), "other"),
    Offense("burglary", N_("Burglary"), "property"),
    Offense("larceny", N_("Larceny"), "property"),
    Offense("larceny_auto", N_("Larceny from auto"), "property"),
    Offense("auto_theft", N_("Auto theft"), "property"),
    Offense("arson", N_("Arson"), "property"),
)
OFFENSE_BY_CODE: dict[str, Offense] = {o.code: o for o in OFFENSES}

OFFENSE_GROUPS = Vocabulary("offense group", (
    ("violent", N_("Violent crime")),
    ("property", N_("Property crime")),
    ("other", N_("Other Part 1")),
))
GROUP_LABELS = OFFENSE_GROUPS.labels


def offense_label(code: str) -> str:
    o = OFFENSE_BY_CODE.get(code)
    return o.label if o else code


# --- weapons ------------------------------------------------------------------------------------

WEAPON_TYPES = Vocabulary("weapon", (
    ("firearm", N_("Firearm")),
    ("knife", N_("Knife or cutting instrument")),
    ("other", N_("Other weapon")),
    ("hands", N_("Hands, fists, feet")),
    ("none", N_("No weapon recorded")),
))
WEAPONS: tuple[str, ...] = WEAPON_TYPES.codes  # the codes, in order (the demo generator draws from them)

# --- arrests and cases --------------------------------------------------------------------------

# Charge categories of arrests and State's Attorney case charges (the rules that assign them
# from a charge's text are data_access.ingest.normalize.CHARGE_RULES).
# The labels the Arrests page has always shown (short: they label bars and a legend).
CHARGE_CATEGORIES = Vocabulary("charge category", (
    ("violent", N_("Violent")),
    ("weapons", N_("Weapons")),
    ("drugs", N_("Drugs")),
    ("property", N_("Property")),
    ("warrant", N_("Warrants")),
    ("traffic", N_("Traffic")),
    ("public_order", N_("Public order")),
    ("other", N_("Other")),
))

DISPOSITIONS = Vocabulary("disposition", (
    ("guilty", N_("Guilty")),
    ("guilty_lesser", N_("Guilty of a lesser charge")),
    ("nolle_prosequi", N_("Nolle prosequi")),
    ("stet", N_("Stet")),
    ("dismissed", N_("Dismissed")),
    ("acquitted", N_("Acquitted (not guilty)")),
    ("pending", N_("Pending")),
))

# How an arrest for a homicide or shooting relates to the incidents of its calendar year
# (data_access.arrests.clearance).
ARREST_LINKS = Vocabulary("arrest link", (
    ("same_year", N_("Arrests for that year's incidents")),
    ("earlier_year", N_("Arrests for earlier years' incidents")),
    ("unlinked", N_("Arrests not linked to an incident")),
))

# --- CVI ----------------------------------------------------------------------------------------

# The program types ``psad ingest cvi`` accepts (code or label, plus the aliases in
# data_access.ingest.normalize.CVI_ALIASES), the CVI page's picker and map key offer, and
# ``program=`` in the URL accepts. assets/app.css and assets/psad_map.js colour each code.
CVI_PROGRAM_TYPES = Vocabulary("CVI program type", (
    ("safe_streets", N_("Safe Streets site")),
    ("hospital_vip", N_("Hospital-based violence intervention")),
    ("school_vip", N_("School-based violence intervention")),
    ("victim_services", N_("Victim services provider")),
    ("reentry", N_("Re-entry services")),
    ("mediation", N_("Mediation services")),
))

# --- demographics -------------------------------------------------------------------------------

UNKNOWN = N_("Unknown")  # a missing or unreadable value in any demographic dimension
AGE_BANDS: tuple[str, ...] = (N_("Under 18"), "18-24", "25-34", "35-44", "45-54", "55+")
SEXES: tuple[str, ...] = (N_("Male"), N_("Female"), UNKNOWN)
RACES: tuple[str, ...] = (N_("Black"), N_("White"), N_("Asian"), N_("American Indian"), UNKNOWN)
ETHNICITIES: tuple[str, ...] = (N_("Hispanic"), N_("Not Hispanic"), UNKNOWN)

DEMOGRAPHIC_DIMENSIONS = Vocabulary("demographic dimension", (
    ("age_band", N_("Age")),
    ("sex", N_("Sex")),
    ("race", N_("Race")),
    ("ethnicity", N_("Ethnicity")),
))
# Categories of people (victims, arrestees, defendants) in display order.
DEMOGRAPHIC_CATEGORIES: dict[str, tuple[str, ...]] = {
    "age_band": (*AGE_BANDS, UNKNOWN),
    "sex": SEXES,
    "race": RACES,
    "ethnicity": ETHNICITIES,
}
# Residents (census-like population table): the census has no "Unknown", and its race question
# allows several answers.
POPULATION_RACES: tuple[str, ...] = (N_("Black"), N_("White"), N_("Asian"), N_("American Indian"),
                                     N_("Other or two or more"))
POPULATION_ETHNICITIES: tuple[str, ...] = (N_("Hispanic"), N_("Not Hispanic"))

# Every code -> label table, by name (tests check each has unique codes and labels).
VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary("offense", tuple((o.code, o.label) for o in OFFENSES)),
    OFFENSE_GROUPS, WEAPON_TYPES, CHARGE_CATEGORIES, DISPOSITIONS, ARREST_LINKS, CVI_PROGRAM_TYPES,
    DEMOGRAPHIC_DIMENSIONS,
)


# --- sentences ------------------------------------------------------------------------------------
# A State's Attorney file's sentence is free text ("JOHN DOE sentenced to 5 years"). Only these
# phrases are kept, in the order they appear, joined by ", ": a term with its length, its
# suspended part, probation, probation before judgment, time served, life, a fine or restitution
# with its amount, community service, home detention. Everything else (names, remarks, phone
# numbers, addresses) is dropped; a sentence with none of these phrases is stored as nothing.

_N = r"(?<![\w$.,/:-])(\d{1,3})(?![\d,.:/-]\d)"
_UNIT = r"\s*(YEARS?|YRS?|MONTHS?|MOS?|MTHS?|DAYS?|DYS?|HOURS?|HRS?)\b"
_AMOUNT = r"\$\s?(\d{1,3}(?:,\d{3}){1,2}|\d{1,7})(?:\.\d\d)?\b"
_SENTENCE_PARTS = tuple((k, re.compile(p)) for k, p in (
    ("pbj", r"\bPROBATION\s+BEFORE\s+JUDG?E?MENT\b|\bPBJ\b"),
    ("prob", _N + _UNIT + r"\s+(?:OF\s+)?(?:(?:UN)?SUPERVISED\s+)?PROB(?:ATION)?\b"),
    ("susp", r"(?:\bALL\b|" + _N + r"(?:" + _UNIT + r")?)\s+(?:SUSP(?:ENDED)?\b)"),
    ("cs", _N + r"\s*(?:HOURS?|HRS?)\s+(?:OF\s+)?COMMUNITY\s+SERVICE\b"),
    ("fine", r"\bFINE[SD]?\s*(?:OF\s*)?" + _AMOUNT + r"|" + _AMOUNT + r"\s*FINE\b"),
    ("rest", r"\bRESTITUTION\s*(?:OF\s*)?" + _AMOUNT),
    ("term", _N + _UNIT),
    ("lwop", r"\bLIFE\s+WITHOUT\s+(?:THE\s+)?(?:POSSIBILITY\s+OF\s+)?PAROLE\b"),
    ("life", r"\bLIFE\b"),
    ("ts", r"\bTIME\s+SERVED\b"),
    ("probw", r"\bPROBATION\b"),
    ("suspw", r"\bSUSPENDED\b"),
    ("finew", r"\bFINED?\b"),
    ("restw", r"\bRESTITUTION\b"),
    ("csw", r"\bCOMMUNITY\s+SERVICE\b"),
    ("hd", r"\bHOME\s+DETENTION\b"),
))
_SENTENCE_RE = re.compile("|".join(f"(?P<{k}>{p.pattern})" for k, p in _SENTENCE_PARTS))
_UNITS = {"Y": "year", "M": "month", "D": "day", "H": "hour"}
SENTENCE_WORDS = frozenset({
    "probation", "before", "judgment", "suspended", "all", "hour", "hours", "community", "service", "fine",
    "restitution", "year", "years", "month", "months", "day", "days", "life", "without", "parole", "time",
    "served", "home", "detention"})


def _term(n: str, unit: str | None) -> str:
    if not unit:
        return n
    u = _UNITS[unit[0]]
    return f"{int(n)} {u}{'' if int(n) == 1 else 's'}"


def _amount(a: str) -> str:
    return f"${int(a.replace(',', '')):,}"


def reduce_sentence(text: str | None) -> str | None:
    """A sentence as free text -> the phrases of the sentence vocabulary it holds, or None:
    ``JOHN DOE sentenced to 5 years`` -> ``5 years``; ``5 yrs, 3 susp, 2 yrs probation`` ->
    ``5 years, 3 suspended, 2 years probation``. Names and any other words are dropped; only
    the words of ``SENTENCE_WORDS`` and numbers (of at most three digits, or an amount in
    dollars) are ever returned. Already-reduced text comes back unchanged."""
    if text is None or text != text:
        return None
    u = str(text).upper()
    out: list[str] = []
    for m in _SENTENCE_RE.finditer(u):
        k = m.lastgroup
        sub = [x for x in dict(_SENTENCE_PARTS)[k].fullmatch(m.group(k)).groups() if x is not None]
        if k == "pbj":
            out.append("Probation before judgment")
        elif k == "prob":
            out.append(f"{_term(sub[0], sub[1])} probation")
        elif k == "susp":
            out.append("all suspended" if not sub else f"{_term(sub[0], sub[1] if len(sub) > 1 else None)} suspended")
        elif k == "cs":
            out.append(f"{_term(sub[0], 'H')} community service")
        elif k in ("fine", "rest"):
            out.append(f"{'Fine' if k == 'fine' else 'Restitution'} {_amount(sub[0])}")
        elif k == "term":
            out.append(_term(sub[0], sub[1]))
        else:
            out.append({"lwop": "Life without parole", "life": "Life", "ts": "Time served", "probw": "probation",
                        "suspw": "suspended", "finew": "Fine", "restw": "Restitution",
                        "csw": "Community service", "hd": "Home detention"}[k])
        if len(out) >= 12:
            break
    return ", ".join(out) or None


# How each phrase of a reduced sentence is shown (``sentence_text``): the stored text is English
# (the vocabulary above); a page translates it phrase by phrase through these templates.
SENTENCE_PHRASES: dict[str, str] = {
    "Probation before judgment": N_("Probation before judgment"),
    "Life without parole": N_("Life without parole"),
    "Life": N_("Life"),
    "Time served": N_("Time served"),
    "probation": N_("probation"),
    "suspended": N_("suspended"),
    "all suspended": N_("all suspended"),
    "Fine": N_("Fine"),
    "Restitution": N_("Restitution"),
    "Community service": N_("Community service"),
    "Home detention": N_("Home detention"),
}
SENTENCE_UNITS: dict[str, tuple[str, str]] = {
    "year": Nn_("{n} year", "{n} years"),
    "month": Nn_("{n} month", "{n} months"),
    "day": Nn_("{n} day", "{n} days"),
    "hour": Nn_("{n} hour", "{n} hours"),
}
SENTENCE_TEMPLATES: dict[str, str] = {
    "probation": N_("{term} probation"),
    "suspended": N_("{term} suspended"),
    "community service": N_("{term} community service"),
    "Fine": N_("Fine {amount}"),
    "Restitution": N_("Restitution {amount}"),
}
_TERM_RE = re.compile(r"^(\d{1,3})(?: (year|month|day|hour)s?)?$")
_AMOUNT_RE = re.compile(r"^(Fine|Restitution) \$([\d,]+)$")


def sentence_text(summary: str | None, gettext=lambda s: s, ngettext=None, number=None) -> str:
    """A stored sentence (``reduce_sentence``'s output) in the reader's language, phrase by phrase:
    ``gettext``/``ngettext`` translate (``app.i18n``'s), ``number`` formats a whole number
    (``app.i18n.number``). A phrase outside the vocabulary (older data) is shown as stored. The
    data layer never calls this with a language: its results are cached across languages."""
    if not summary:
        return ""
    ngettext = ngettext or (lambda s, p, n: s if n == 1 else p)
    number = number or (lambda n: f"{n:,}")

    def term(text: str) -> str | None:
        m = _TERM_RE.match(text)
        if not m:
            return None
        n, unit = int(m.group(1)), m.group(2)
        if unit is None:
            return number(n)
        return ngettext(*SENTENCE_UNITS[unit], n).format(n=number(n))

    out = []
    for phrase in summary.split(", "):
        shown = None
        if phrase in SENTENCE_PHRASES:
            shown = gettext(SENTENCE_PHRASES[phrase])
        elif (t := term(phrase)) is not None:
            shown = t
        elif (m := _AMOUNT_RE.match(phrase)):
            amount = "$" + number(int(m.group(2).replace(",", "")))
            shown = gettext(SENTENCE_TEMPLATES[m.group(1)]).format(amount=amount)
        else:
            for tail in ("community service", "probation", "suspended"):
                if phrase.endswith(" " + tail) and (t := term(phrase[: -len(tail) - 1])) is not None:
                    shown = gettext(SENTENCE_TEMPLATES[tail]).format(term=t)
                    break
        out.append(shown if shown is not None else phrase)
    return ", ".join(out)
