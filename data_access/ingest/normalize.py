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


def combine_local(day: pd.Series, seconds) -> pd.Series:
    """Local date (aware midnight or naive date) + seconds of local wall time -> aware local."""
    naive = day.dt.tz_localize(None) if getattr(day.dt, "tz", None) is not None else day
    naive = naive.dt.normalize() + pd.to_timedelta(pd.Series(seconds, index=day.index).fillna(0).astype("int64"), unit="s")
    return naive.dt.tz_localize(TZ, ambiguous=np.ones(len(naive), bool), nonexistent="shift_forward")


def plausible(ts: pd.Series, min_date: date, today: date | None = None) -> pd.Series:
    today = today or date.today()
    d = ts.dt.tz_localize(None).dt.normalize() if getattr(ts.dt, "tz", None) is not None else ts
    return (d >= pd.Timestamp(min_date)) & (d <= pd.Timestamp(today) + pd.Timedelta(days=1))


def block_of(s: pd.Series) -> pd.Series:
    """Street address -> block label: ``2712 CHESLEY AVE`` -> ``2700 BLOCK CHESLEY AVE``.
    Intersections and other text are kept, trimmed and upper-cased; a trailing jurisdiction
    suffix (``BAL``) is dropped."""
    def f(v: str):
        u = re.sub(r"\s+", " ", v.strip().upper())
        u = re.sub(r" (BAL|BALT|BALTIMORE)$", "", u)
        if not u:
            return None
        m = re.match(r"^(\d+)[A-Z]?(?:-\d+)? (?:BLOCK )?(.+)$", u)
        if m:
            return f"{int(m.group(1)) // 100 * 100} BLOCK {m.group(2)}"
        return u
    return map_unique(s, f)

