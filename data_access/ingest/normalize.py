"""Normalization tables and vectorised parsers shared by every loader.

The reference tables here are the single place a raw spelling turns into a code of the project's
vocabulary (``data_access.vocabulary``, which owns the codes and their labels): offense category from CrimeCode (or Description), district aliases, weapon
categories, inside/outside, sex, race and ethnicity spellings, charge categories, dispositions,
CVI program types; and the date and time parsers (naive times are local, UTC times are converted
to America/New_York before the day and hour are taken). The About page and the README describe
these rules; tests compare loaded counts with an independent computation that applies them.

Every parser works on the column's unique values and maps back, so a million rows with a few
thousand distinct spellings cost a few thousand Python calls.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from data_access.vocabulary import CHARGE_CATEGORIES, CVI_PROGRAM_TYPES, DISPOSITIONS, OFFENSE_BY_CODE, Vocabulary

TZ = "America/New_York"
MAP_CHANGE = pd.Timestamp("2023-01-01")

MISSING = {"", "NA", "N/A", "NULL", "NONE", "UNKNOWN", "UNK", "U", "?", "??", "(,)", "NAN"}


def clean(s: pd.Series) -> pd.Series:
    """Trimmed strings with the usual placeholders for 'nothing' turned into missing."""
    s = s.astype("str").str.strip()
    return s.where(~s.str.upper().isin(MISSING), None)


def map_unique(s: pd.Series, fn) -> pd.Series:
    """Apply a Python function per distinct value (missing stays missing)."""
    s = s.astype("str")
    uniq = s.dropna().unique()
    table = {v: fn(v) for v in uniq}
    return s.map(table)


# --- offenses -----------------------------------------------------------------------------------

_CODE_RE = re.compile(r"^\s*(\d)([A-Z]{1,3})", re.I)


def offense_from_code(code: str | None) -> str | None:
    """BPD Part 1 crime code (``4E``, ``3AJF``, or a code run into its description as in
    ``4ECOMMON ASSAULT``) -> canonical offense, or None when it is not a Part 1 code."""
    if not code:
        return None
    m = _CODE_RE.match(code.upper())
    if not m:
        return None
    d, letters = m.group(1), m.group(2)
    first = letters[0]
    if d == "1":
        return "homicide" if first in "AFKOP" else None
    if d == "2":
        return "rape" if first in "AB" else None
    if d == "3":
        if letters[:2] in ("AJ", "BJ"):
            return "robbery_carjacking"
        if first in "ABNP":
            return "robbery_street"
        if first in "CDEFGHLM":
            return "robbery_commercial"
        if first in "JK":
            return "robbery_residence"
        return None
    if d == "4":
        return "agg_assault" if first in "ABCD" else ("common_assault" if first in "EF" else None)
    if d == "5":
        return "burglary" if first in "ABCDEF" else None
    if d == "6":
        if first == "D":
            return "larceny_auto"
        return "larceny" if first in "ABCEFGHIJKL" else None
    if d == "7":
        return "auto_theft" if first in "ABC" else None
    if d == "8":
        return "arson"
    if d == "9":
        return "shooting" if first == "S" else None
    return None


DESCRIPTION_OFFENSE = {
    "HOMICIDE": "homicide", "SHOOTING": "shooting", "RAPE": "rape",
    "ROBBERY - STREET": "robbery_street", "ROBBERY - COMMERCIAL": "robbery_commercial",
    "ROBBERY - RESIDENCE": "robbery_residence", "ROBBERY - CARJACKING": "robbery_carjacking",
    "AGG. ASSAULT": "agg_assault", "AGG ASSAULT": "agg_assault", "COMMON ASSAULT": "common_assault",
    "ASSAULT BY THREAT": "common_assault", "BURGLARY": "burglary", "LARCENY": "larceny",
    "LARCENY FROM AUTO": "larceny_auto", "AUTO THEFT": "auto_theft", "ARSON": "arson",
}  # fmt: skip


def offense(code: pd.Series, description: pd.Series | None) -> pd.Series:
    """Canonical offense: from BPD's description when it is one of the Part 1 descriptions
    (they agree with the codes in every sample), else from the crime code (exports without a
    description column, or odd descriptions)."""
    out = map_unique(code, offense_from_code)
    if description is not None:
        by_desc = description.astype("str").str.strip().str.upper().map(DESCRIPTION_OFFENSE)
        out = by_desc.where(by_desc.notna(), out)
    return out


def offense_group(off: pd.Series) -> pd.Series:
    return off.map({c: o.group for c, o in OFFENSE_BY_CODE.items()})


# --- districts ----------------------------------------------------------------------------------

DISTRICT_ALIASES: dict[str, str] = {}
for _d, _extra in (
    ("Central", ("C", "CD", "CENTRAL DISTRICT")),
    ("Eastern", ("E", "ED", "EAST", "EASTERN DISTRICT")),
    ("Northeastern", ("NE", "NED", "NORTHEAST", "NORTH EAST", "NORTH EASTERN")),
    ("Northern", ("N", "ND", "NORTH")),
    ("Northwestern", ("NW", "NWD", "NORTHWEST", "NORTH WEST", "NORTH WESTERN")),
    ("Southeastern", ("SE", "SED", "SOUTHEAST", "SOUTH EAST", "SOUTH EASTERN")),
    ("Southern", ("S", "SD", "SOUTH")),
    ("Southwestern", ("SW", "SWD", "SOUTHWEST", "SOUTH WEST", "SOUTH WESTERN")),
    ("Western", ("W", "WD", "WEST")),
):
    for _a in (_d.upper(), f"{_d.upper()} DISTRICT", *_extra):
        DISTRICT_ALIASES[_a] = _d


def district(s: pd.Series) -> pd.Series:
    """Any spelling in the samples (``NORTHEASTERN``, ``NORTHEAST``, ``Northeast``, ``NE``,
    ``NED``, …) -> the canonical name; anything else (``UNKNOWN``, ``??``, blank) -> missing."""
    return map_unique(s, lambda v: DISTRICT_ALIASES.get(re.sub(r"\s+", " ", v.strip().upper())))


# --- categorical columns -------------------------------------------------------------------

def weapon(s: pd.Series) -> pd.Series:
    def f(v: str) -> str | None:
        u = v.strip().upper()
        if u in MISSING:
            return None
        if any(k in u for k in ("FIREARM", "GUN", "REVOLVER", "RIFLE", "PISTOL", "SHOTGUN")):
            return "firearm"
        if "KNIFE" in u or "CUTTING" in u:
            return "knife"
        if u in ("HANDS", "PERSONAL WEAPONS", "HANDS, FIST, FEET") or u.startswith("HANDS") or "PERSONAL" in u:
            return "hands"
        if u in ("NO WEAPON", "NONE"):
            return None
        return "other"
    return map_unique(s, f)


def inside_outside(s: pd.Series) -> pd.Series:
    u = s.astype("str").str.strip().str.upper()
    return u.map({"I": "inside", "INSIDE": "inside", "O": "outside", "OUTSIDE": "outside"})


def sex(s: pd.Series) -> pd.Series:
    u = s.astype("str").str.strip().str.upper()
    return u.map({"M": "Male", "MALE": "Male", "F": "Female", "FEMALE": "Female",
                  "U": "Unknown", "UNKNOWN": "Unknown", "X": "Unknown"})


RACES = {
    "B": "Black", "BLACK": "Black", "BLACK_OR_AFRICAN_AMERICAN": "Black",
    "BLACK OR AFRICAN AMERICAN": "Black", "AFRICAN AMERICAN": "Black",
    "W": "White", "WHITE": "White",
    "A": "Asian", "ASIAN": "Asian", "NATIVE_HAWAIIAN_OR_OTHER_PACIFIC": "Asian",
    "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER": "Asian",
    "I": "American Indian", "AMERICAN_INDIAN_OR_ALASKA_NATIVE": "American Indian",
    "AMERICAN INDIAN OR ALASKA NATIVE": "American Indian", "AMERICAN INDIAN": "American Indian",
    "U": "Unknown", "UNKNOWN": "Unknown", "": None,
}  # fmt: skip


def race(s: pd.Series) -> pd.Series:
    u = s.astype("str").str.strip().str.upper()
    out = u.map(RACES)
    return out.where(out.notna() | u.isna() | (u == ""), "Unknown")


def ethnicity(s: pd.Series) -> pd.Series:
    u = s.astype("str").str.strip().str.upper().str.replace("_", " ")
    return u.map({"HISPANIC OR LATINO": "Hispanic", "HISPANIC": "Hispanic", "H": "Hispanic",
                  "NOT HISPANIC OR LATINO": "Not Hispanic", "NOT HISPANIC": "Not Hispanic",
                  "N": "Not Hispanic", "UNKNOWN": "Unknown", "U": "Unknown"})


def age(s: pd.Series) -> pd.Series:
    a = pd.to_numeric(s.astype("str").str.strip(), errors="coerce")
    return a.where((a >= 0) & (a <= 120)).round().astype("Int16")


CHARGE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("warrant", ("FAILURE TO APPEAR", "FTA", "WARRANT", "VIOLATION OF PROBATION", "VIOL OF PROB",
                 "VIOL PROBATION", "PROBATION VIOL", "FUGITIVE", "BENCH", "DETAINER", "DETAINEE")),
    ("violent", ("MURDER", "HOMICIDE", "MANSLAUGHTER", "ASSAULT", "ASLT", "ROBBERY", "ROBB",
                 "CARJACK", "RAPE", "SEX OFF", "SEXUAL", "KIDNAP", "ABDUCT", "CHILD ABUSE",
                 "RECKLESS END", "AFFRAY", "SHOOT")),
    ("weapons", ("HANDGUN", "FIREARM", "GUN", "HGV", "WEAPON", "AMMUNITION", "ARMED PERSON",
                 "RIFLE")),
    ("drugs", ("CDS", "NARC", "MARIJ", "MARIH", "DRUG", "PARAPH", "COCAINE", "HEROIN", "PWID",
               "CONTROLLED DANG")),
    ("property", ("THEFT", "BURGLARY", "BURG", "LARCENY", "STOLEN", "MAL DEST", "DESTRUCTION",
                  "ARSON", "SHOPLIFT", "UNLAWFUL TAKING", "UNAUTH", "ROGUE", "FRAUD", "FORG",
                  "B&E", "BREAKING", "PROPERTY", "EMBEZZ", "COUNTERFEIT")),
    ("traffic", ("DRIVING", "DUI", "DWI", "LICENSE", "TRAFFIC", "FLEE", "ELUDE", "ELUDING",
                 "REGISTRATION", "VEHICLE LAW")),
    ("public_order", ("TRESPASS", "DISORDERLY", "ALCOHOL", "OPEN CONTAINER", "LOITER",
                      "PROSTITUT", "SOLICIT", "DISTURB", "URINAT", "NUISANCE", "GAMBL",
                      "LIQUOR")),
)
assert {c for c, _ in CHARGE_RULES} | {"other"} == set(CHARGE_CATEGORIES.codes)


def charge_category_of(text: str | None) -> str | None:
    if not text:
        return None
    u = text.upper()
    if u.strip() in ("UNKNOWN CHARGE", "UNKNOWN", "DETAIN ONLY"):
        return "other"
    for cat, words in CHARGE_RULES:
        if any(w in u for w in words):
            return cat
    return "other"


def charge_category(s: pd.Series) -> pd.Series:
    return map_unique(s, charge_category_of)


def _code_map(vocab: Vocabulary, extra: dict[str, str]) -> dict[str, str]:
    """Upper-cased spelling -> code: each code (also with spaces for underscores), each label,
    and the aliases in ``extra``."""
    out = {}
    for code, label in vocab:
        out[code.upper()] = code
        out[label.upper()] = code
        out[code.upper().replace("_", " ")] = code
    assert set(extra.values()) <= set(vocab.codes), f"{vocab.name}: an alias names no code"
    out.update({k.upper(): v for k, v in extra.items()})
    return out


DISPOSITION_ALIASES = _code_map(DISPOSITIONS, {
    "GUILTY OF LESSER": "guilty_lesser", "GUILTY LESSER": "guilty_lesser",
    "GUILTY - LESSER INCLUDED": "guilty_lesser", "LESSER INCLUDED": "guilty_lesser",
    "NOLLE PROS": "nolle_prosequi", "NOL PROS": "nolle_prosequi", "NP": "nolle_prosequi",
    "STET DOCKET": "stet", "NOT GUILTY": "acquitted", "ACQUITTAL": "acquitted",
    "DISMISSAL": "dismissed", "OPEN": "pending", "ACTIVE": "pending",
})
CVI_ALIASES = _code_map(CVI_PROGRAM_TYPES, {
    "SAFE STREETS": "safe_streets", "HOSPITAL": "hospital_vip", "HVIP": "hospital_vip",
    "SCHOOL": "school_vip", "VICTIM SERVICES": "victim_services",
    "RE-ENTRY": "reentry", "REENTRY SERVICES": "reentry", "RETURNING CITIZENS": "reentry",
    "CONFLICT MEDIATION": "mediation", "COMMUNITY MEDIATION": "mediation",
})


# --- dates and times ----------------------------------------------------------------------------

_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S",
                 "%Y/%m/%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
                 "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M")
_TZ_SUFFIX = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def _parse_naive(u: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    todo = u.notna()
    # Formats that fit a sample go first: a failing format costs as much as a parse.
    sample = u[todo].head(200)
    hits = {f: pd.to_datetime(sample, format=f, errors="coerce").notna().sum() for f in _DATE_FORMATS}
    for fmt in sorted(_DATE_FORMATS, key=lambda f: -hits[f]):
        if not todo.any():
            break
        got = pd.to_datetime(u[todo], format=fmt, errors="coerce")
        out[todo] = got
        todo &= out.isna()
    return out


def parse_datetimes(s: pd.Series) -> pd.Series:
    """Strings -> aware local (America/New_York) timestamps. Values ending in ``Z`` or an
    offset (``+00``, ``+00:00``) are instants and are converted; naive values are local wall
    time (the fall-back hour's first occurrence; a spring-forward gap moves forward)."""
    s = s.astype("str").str.strip()
    uniq = pd.Series(s.dropna().unique(), dtype="str")
    uniq = uniq[uniq != ""]
    if uniq.empty:  # nothing to parse (an optional date column left out or blank): all missing
        return pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[ns, {TZ}]")
    # The common UTC spellings are cut off and parsed with the naive formats (fast); anything else
    # with an offset goes through the ISO 8601 parser.
    utc_suffix = uniq.str.endswith("+00") | uniq.str.endswith("Z") | uniq.str.endswith("+00:00")
    aware_mask = utc_suffix | (uniq.str.contains(_TZ_SUFFIX, regex=True) & ~utc_suffix)
    res = pd.Series(pd.NaT, index=uniq.index, dtype=f"datetime64[ns, {TZ}]")
    if utc_suffix.any():
        u = uniq[utc_suffix].str.replace(r"(Z|\+00(:00)?)$", "", regex=True)
        res[utc_suffix] = _parse_naive(u).dt.tz_localize("UTC").dt.tz_convert(TZ)
    other = aware_mask & ~utc_suffix
    if other.any():
        a = uniq[other].str.replace(r"([+-]\d{2})$", r"\1:00", regex=True)
        a = a.str.replace("/", "-", regex=False)
        res[other] = pd.to_datetime(a, utc=True, errors="coerce", format="ISO8601").dt.tz_convert(TZ)
    if (~aware_mask).any():
        naive = _parse_naive(uniq[~aware_mask])
        loc = naive.dt.tz_localize(TZ, ambiguous=np.ones(len(naive), bool), nonexistent="shift_forward")
        res[~aware_mask] = loc
    out = s.map(pd.Series(res.array, index=uniq.to_numpy()))
    if out.dtype != res.dtype:
        out = pd.Series(pd.array(out, dtype=res.dtype), index=s.index)
    return out


_TIME_RES = (
    re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$"),  # HH:MM:SS, HH:MM, H:MM
    re.compile(r"^(\d{2})(\d{2})$"),  # HHMM
    re.compile(r"^(\d)(\d{2})$"),  # HMM
)


def time_seconds(s: pd.Series) -> pd.Series:
    """Times of day in ``HH:MM:SS``, ``HH:MM``, ``H:MM``, ``HHMM`` (and ``HMM``) -> seconds after
    midnight (Int64); anything else, or an hour above 23, -> missing."""
    def f(v: str):
        v = v.strip()
        for rx in _TIME_RES:
            m = rx.match(v)
            if m:
                h, mi = int(m.group(1)), int(m.group(2))
                sec = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else 0
                if h < 24 and mi < 60 and sec < 60:
                    return h * 3600 + mi * 60 + sec
                return None
        return None
    return pd.array(map_unique(s, f), dtype="Int64")


UNREADABLE_TIME = "unreadable time"


def unreadable_time(raw: pd.Series | None, no_time: pd.Series) -> pd.Series:
    """Rows whose time of day is given (not blank, not a placeholder such as ``UNKNOWN``) but is not
    one (``9999``, ``25:00``, ``ab:cd``): they are rejected, never loaded at midnight without an
    hour. Loaded, a corrected reload of the same row could not match it (the time is part of a
    keyless row's content key) and would count the victim twice."""
    out = pd.Series(False, index=no_time.index)
    if raw is not None and no_time.any():
        out[no_time] = clean(raw[no_time]).notna().to_numpy()
    return out


def combine_local(day: pd.Series, seconds) -> pd.Series:
    """Local date (aware midnight or naive date) + seconds of local wall time -> aware local."""
    naive = day.dt.tz_localize(None) if getattr(day.dt, "tz", None) is not None else day
    naive = naive.dt.normalize() + pd.to_timedelta(pd.Series(seconds, index=day.index).fillna(0).astype("int64"), unit="s")
    return naive.dt.tz_localize(TZ, ambiguous=np.ones(len(naive), bool), nonexistent="shift_forward")


def plausible(ts: pd.Series, min_date: date, today: date | None = None) -> pd.Series:
    today = today or date.today()
    d = ts.dt.tz_localize(None).dt.normalize() if getattr(ts.dt, "tz", None) is not None else ts
    return (d >= pd.Timestamp(min_date)) & (d <= pd.Timestamp(today) + pd.Timedelta(days=1))


# Words that say which unit, floor or side of a building; the token after a unit word is its
# number (``APT 3``, ``UNIT 4B``, ``# 3``), never a house number.
UNIT_WORDS = frozenset({"APT", "APTS", "APARTMENT", "UNIT", "STE", "SUITE", "RM", "ROOM", "BLDG", "SPC", "FL", "FLR",
                        "FLOOR", "NO", "NUM", "TRLR"})
# Words that say where at the address (dropped at the street's end, with no number of their own).
PLACE_WORDS = frozenset({"REAR", "FRONT", "BSMT", "BASEMENT", "UPPER", "LOWER", "BEHIND", "OF", "SIDE", "UPSTAIRS",
                         "DOWNSTAIRS", "ACROSS", "FROM", "NEAR", "AT", "IFO", "OPP", "OPPOSITE"})
# A route's number is part of the street's name (``I 83``, ``RT 40``), never a house number.
ROUTE_WORDS = frozenset({"I", "RT", "RTE", "ROUTE", "US", "MD", "HWY", "HIGHWAY", "INTERSTATE", "SR"})
STREET_TYPES = frozenset({"ST", "STREET", "AVE", "AV", "AVENUE", "RD", "ROAD", "DR", "DRIVE", "WAY", "PL", "CT",
                          "LN", "TER", "BLVD", "PKWY", "CIR", "CR", "ALY"})
DIRECTIONS = frozenset({"N", "S", "E", "W", "NORTH", "SOUTH", "EAST", "WEST"})
_HOUSE = re.compile(r"^#?(\d{1,6})(?:[A-Z]|-[A-Z0-9]{1,4})?$")
_FRACTION = re.compile(r"^\d/\d$")
_ORDINAL = re.compile(r"^\d{1,2}(?:ST|ND|RD|TH)$")
_ROUTE = re.compile(r"^(?:I|US|MD|RT)-\d{1,3}$")
_JURISDICTION = re.compile(r"(?: (?:BAL|BALT|BALTIMORE|BALTIMORE CITY|BALTO)(?: MD)?(?: \d{5})?)$")


def _is_unit(tok: str) -> bool:
    return tok in UNIT_WORDS or (tok.startswith("#") and len(tok) > 1 and tok[1:].isalnum())


def _ordinal(n: str) -> str:
    k = int(n)
    suffix = "TH" if 10 <= k % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(k % 10, "TH")
    return f"{k}{suffix}"


def _street_numbers(toks: list[str]) -> list[str]:
    """Numbered streets as BPD writes them (``21 ST``, ``20 TH ST``, ``E28TH``, ``W. 29 ST``) ->
    ordinals (``21ST ST``, ``20TH ST``, ``E 28TH``), so their number is not taken for a house's."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        m = re.match(r"^([NSEW])(\d{1,2}(?:ST|ND|RD|TH))$", t)
        if m:
            out += [m.group(1), m.group(2)]
            i += 1
            continue
        prev = out[-1] if out else None
        after = toks[i + 1] if i + 1 < len(toks) else None
        owned = (len(out) >= 2 and _is_unit(out[-2])) or (prev or "").startswith("#")  # ``APT 1 12 ST``: a unit
        if re.fullmatch(r"\d{1,2}", t) and prev is not None and (_HOUSE.match(prev) or prev in DIRECTIONS) \
                and not owned and after is not None:
            if _FRACTION.match(after):  # ``19 1/2 ST``: kept as one token, which no street may hold
                out.append(f"{t}-{after}")
                i += 2
                continue
            if after in ("TH", "ND", "RD") or (after == "ST" and i + 2 < len(toks) and toks[i + 2] in STREET_TYPES):
                out.append(t + after)
                i += 2
                continue
            if after in STREET_TYPES:
                out.append(_ordinal(t))
                i += 1
                continue
        out.append(t)
        i += 1
    return out


def block_of_one(v: str | None) -> str | None:
    """One location -> ``2700 BLOCK N CHARLES ST`` (the house number's hundreds and the street),
    an intersection or street without a number as given, or None. Whatever the shape —
    ``APT 3 2712 N CHARLES ST``, ``REAR 2712 CHESLEY AVE``, ``2712-A …``, ``#2714 …``,
    ``UNIT 4B, 2716 …``, ``2712 N CHARLES ST APT 3`` — the house number is the first number that
    is followed by a street word and not owned by a unit word; units, floors and place words are
    dropped. The result holds no digits but the block's hundreds, street ordinals of one or two
    digits (``E 33RD ST``) and route numbers (``I 83``, ``RT 40``): a location that would keep
    any other digit becomes None."""
    if v is None or v != v:
        return None
    u = re.sub(r"[,;]|(?<=[A-Z])\.", " ", str(v).upper())
    u = _JURISDICTION.sub("", re.sub(r"\s+", " ", u).strip(" .-")).strip()
    if not u:
        return None
    # ``I 83/GUILFORD AVE``: a slash between words is a separator; ``1/2`` stays a fraction
    split = re.sub(r"\s+", " ", re.sub(r"/", " / ", re.sub(r"\b(\d)/(\d)\b", "\\1\x00\\2", u))).replace("\x00", "/")
    toks = _street_numbers(split.replace("# ", "#").split(" "))
    house, street = None, None
    i = 0
    while i < len(toks):
        t = toks[i]
        m = _HOUSE.match(t)
        nxt = i + 1
        while nxt < len(toks) and (_FRACTION.match(toks[nxt]) or toks[nxt] == "BLOCK"):
            nxt += 1
        if m and nxt < len(toks) and not _HOUSE.match(toks[nxt]) and not _is_unit(toks[nxt]):
            # ``2712 N …`` or ``#2714 N …``: a number followed by a street word
            house = int(m.group(1))
            rest: list[str] = []
            for j, w in enumerate(toks[nxt:], nxt):
                floor = _ORDINAL.match(w) and j + 1 < len(toks) and toks[j + 1] in ("FL", "FLR", "FLOOR")
                route = rest and rest[-1] in ROUTE_WORDS and re.fullmatch(r"\d{1,3}", w)
                if not route and (_is_unit(w) or floor or (any(c.isdigit() for c in w) and not _ORDINAL.match(w)
                                                           and not _ROUTE.match(w))):
                    break  # a trailing unit (``APT 3``, ``#3``, ``3RD FL``, ``3``): the street ends here
                rest.append(w)
            while rest and rest[-1] in PLACE_WORDS | {"&", "/", "-", "AND"}:
                rest.pop()
            street = re.sub(r"\s+", " ", " ".join(rest)).strip(" ./&-")
            break
        if _is_unit(t):
            i += 1 if t.startswith("#") and len(t) > 1 else 2  # the word and its number
            continue
        i += 1
    if house is not None:
        if not street or not re.search(r"[A-Z]", street):
            return None
        out = f"{house // 100 * 100} BLOCK {street}"
    else:
        out = u
    return out if block_is_safe(out) else None


def block_is_safe(out: str) -> bool:
    """No digit left but the block's hundreds, short street ordinals and route numbers."""
    rest = out
    m = re.match(r"^(\d+) BLOCK ", out)
    if m:
        if int(m.group(1)) % 100:
            return False
        rest = out[m.end():]
    rest = re.sub(r"\b\d{1,2}(?:ST|ND|RD|TH)\b", " ", rest)
    rest = re.sub(r"\b(?:%s)[ -]\d{1,3}\b" % "|".join(sorted(ROUTE_WORDS)), " ", rest)
    return not any(c.isdigit() for c in rest)


def block_of(s: pd.Series) -> pd.Series:
    """Street addresses -> block labels (``block_of_one`` on each distinct value)."""
    return map_unique(s, block_of_one)
