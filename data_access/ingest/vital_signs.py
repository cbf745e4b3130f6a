"""``psad ingest vital-signs FILE [--indicators FILE]``: BNIA-JFI's Vital Signs, the long file.

The values file has one row per Community Statistical Area (CSA), year and indicator:

``csa2010, year, indicator, value, label, section`` (header names without case or punctuation;
``csa`` is accepted for ``csa2010``; ``label`` and ``section`` are optional)

and the indicator dictionary (``--indicators``; when not given, a file named
``vital_signs_indicators.csv`` or ``.csv.gz`` beside the values file is used if there is one):

``label, section, source, normalization_source, definition, indicator, years_available``
(``years_available`` as BNIA's R list, ``[2010 2016 2017]``).

* CSA names resolve to the loaded boundaries' layer ``csa`` (code or name) without case, spaces
  or punctuation ("&" reads "and", "Mt." "Mount", "S." "South"), then through ``CSA_ALIASES``
  (BNIA's other spellings). "Baltimore City" is the city total (stored under the CSA ``*``). A
  name that resolves to nothing is a rejected row with the name in its reason.
* Rejected rows (kept in ``rejected_row`` with their reason): an unknown CSA, a year that is not a
  year, a blank or non-numeric value, no indicator, a repeat of an earlier row's (CSA, year,
  indicator).
* The file is the whole dataset: a load replaces every value and the dictionary in one
  transaction. Loading the same files again changes nothing (and keeps the data version); a load
  that changes a value moves it, so cached pages recompute.
* An indicator of the values file missing from the dictionary is kept with the label and section
  the values file gives it (``in_dictionary`` false).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
from sqlalchemy import select, text

from data_access.db import Database
from data_access.ingest.base import Progress, Rejects, _noop, finish, require_real_boundaries, write_rejects
from data_access.ingest.reader import IngestError, read_csv_file
from data_access.loading import LoadSummary, copy_frame, logged_load
from data_access.schema import geography
from data_access.schema_vital_signs import CITY, vital_sign_indicator, vital_sign_value

DATASET = "vital_signs"
LAYOUTS = {"bnia_long": {"csa2010", "year", "indicator", "value"}, "csa": {"csa", "year", "indicator", "value"}}
KNOWN = frozenset({"csa2010", "csa", "year", "indicator", "value", "label", "section"})
DICT_LAYOUTS = {"bnia_indicators": {"indicator", "label", "section"}}
DICT_KNOWN = frozenset({"label", "section", "source", "normalizationsource", "definition", "indicator",
                        "yearsavailable"})
DICT_NAMES = ("vital_signs_indicators.csv.gz", "vital_signs_indicators.csv")
CITY_NAMES = frozenset({"baltimorecity", "baltimore", "city", "baltimorecitytotal", "citytotal"})
# BNIA's spellings of CSAs that differ from the boundary layer's beyond case and punctuation:
# normalized BNIA name -> the boundary layer's name.
CSA_ALIASES = {
    "glenfalstaff": "Glen-Fallstaff",
    "southeast": "Southeastern",
    "mountwashingtoncoldspring": "Mount Washington/Coldspring",
    "harboreastlittleitaly": "Harbor East/Little Italy",
    "medfieldhampdenwoodberryremington": "Medfield/Hampden/Woodberry/Remington",
    "greatercharlesvillagebarclay": "Greater Charles Village/Barclay",
    "pattersonparknorthandeast": "Patterson Park North & East",
    "allendaleirvingtonsouthhilton": "Allendale/Irvington/S. Hilton",
    "westportmountwinanslakeland": "Westport/Mount Winans/Lakeland",
}
OTHER_SECTION = "Other"  # an indicator with no section in either file
MIN_YEAR, MAX_YEAR = 1990, 2100
# an abbreviation is a whole word: after the start, a space, "/" or "-" (so the s of "Fell's" is not one)
_WORDS = ((re.compile(r"&"), " and "),
          *((re.compile(rf"(?:^|(?<=[\s/-])){abbr}\.?(?=[\s/-]|$)"), word)
            for abbr, word in (("mt", "mount"), ("st", "saint"), ("s", "south"), ("n", "north"), ("e", "east"),
                               ("w", "west"))))


def name_key(name: str) -> str:
    """A CSA name compared without case, spaces or punctuation, abbreviations spelled out."""
    s = str(name).strip().lower()
    for pattern, word in _WORDS:
        s = pattern.sub(word, s)
    return re.sub(r"[^a-z0-9]", "", s)


def csa_resolver(areas: pd.DataFrame):
    """name -> CSA code (``CITY`` for the city total, None when unknown), over ``areas`` (code,
    name) of layer csa."""
    by_key: dict[str, str] = {}
    for code, name in zip(areas["code"], areas["name"]):
        by_key.setdefault(name_key(code), code)
        by_key.setdefault(name_key(name), code)

    def resolve(name: str) -> str | None:
        key = name_key(name)
        if key in CITY_NAMES:
            return CITY
        if key in by_key:
            return by_key[key]
        alias = CSA_ALIASES.get(key)
        return by_key.get(name_key(alias)) if alias else None

    return resolve


def years_list(raw) -> str | None:
    """BNIA's R list ``[2010 2016 2017]`` (or ``c(2010, 2016)``) as ``2010,2016,2017``."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", str(raw))
    return ",".join(years) or None


def _clean(s: pd.Series) -> pd.Series:
    s = s.astype("str").str.strip()
    return s.where(s != "", None)


def read_dictionary(path: str | Path, rejects: Rejects) -> pd.DataFrame:
    """The indicator dictionary as the table's columns (rejected rows into ``rejects``)."""
    table, _ = read_csv_file(path, layouts=DICT_LAYOUTS)
    table.protect(DICT_KNOWN, free_text=("definition",))
    for line, reason, raw in table.bad_rows:
        rejects.add([line], f"indicator dictionary: {reason}", [raw])
    df = table.frame

    def opt(c):
        return _clean(df[c]) if c in df else pd.Series([None] * len(df), index=df.index, dtype="object")

    out = pd.DataFrame({"indicator": opt("indicator"), "label": opt("label"), "section": opt("section"),
                        "source": opt("source"), "normalization_source": opt("normalizationsource"),
                        "definition": opt("definition"),
                        "years_available": opt("yearsavailable").map(years_list, na_action="ignore")})
    checks = ((out["indicator"].isna(), "indicator dictionary: no indicator"),
              (out["label"].isna() | out["section"].isna(), "indicator dictionary: no label or section"),
              (out["indicator"].duplicated() & out["indicator"].notna(),
               "indicator dictionary: the same indicator as an earlier row"))
    bad = pd.Series(False, index=df.index)
    for mask, reason in checks:
        m = mask & ~bad
        if m.any():
            rejects.add(table.line[m].tolist(), reason, table.raw_of(table.line[m].tolist()))
        bad |= mask
    return out[~bad].reset_index(drop=True)


def normalize_values(table, resolve) -> tuple[pd.DataFrame, pd.DataFrame, Rejects]:
    """(values, the label and section each indicator has in the file, rejects)."""
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    df = table.frame
    line = table.line
    name = _clean(df["csa2010"] if "csa2010" in df else df["csa"])
    distinct = name.dropna().unique()
    codes = pd.Series({n: resolve(n) for n in distinct}, dtype="object")
    csa = name.map(codes)
    year_num = pd.to_numeric(df["year"].str.strip(), errors="coerce")
    year_ok = year_num.notna() & (year_num == year_num.round()) & year_num.between(MIN_YEAR, MAX_YEAR)
    raw_value = _clean(df["value"])
    value = pd.to_numeric(raw_value, errors="coerce")
    indicator = _clean(df["indicator"])
    checks = [
        (name.isna(), "no CSA name"),
        (name.notna() & csa.isna(), None),  # reasons per name, below
        (~year_ok, "year is not a year (1990–2100)"),
        (indicator.isna(), "no indicator"),
        (raw_value.isna(), "no value (blank in the file)"),
        (raw_value.notna() & (value.isna() | ~value.map(lambda v: math.isfinite(v) if v == v else False)),
         "value is not a number"),
    ]
    bad = pd.Series(False, index=df.index)
    for mask, reason in checks:
        m = mask & ~bad
        if m.any():
            if reason is None:  # one reason per unknown name, naming it
                for n in sorted(name[m].unique()):
                    mm = m & (name == n)
                    rejects.add(line[mm].tolist(), f"unknown CSA name “{n}” (not a CSA of the loaded boundaries)",
                                table.raw_of(line[mm].tolist()))
            else:
                rejects.add(line[m].tolist(), reason, table.raw_of(line[m].tolist()))
        bad |= mask
    out = pd.DataFrame({"indicator": indicator, "csa": csa, "year": year_num, "value": value})
    # only duplicates among kept rows: a rejected row does not make a later one a duplicate
    kept = out[~bad]
    dup = kept.duplicated(["indicator", "csa", "year"]).reindex(out.index, fill_value=False)
    if dup.any():
        rejects.add(line[dup].tolist(), "the same CSA, year and indicator as an earlier row",
                    table.raw_of(line[dup].tolist()))
    keep = ~bad & ~dup
    values = out[keep].astype({"year": "int64", "value": "float64"}).reset_index(drop=True)
    labels = pd.DataFrame({"indicator": indicator, "label": _clean(df["label"]) if "label" in df else None,
                           "section": _clean(df["section"]) if "section" in df else None})[keep]
    labels = labels.dropna(subset=["indicator"]).drop_duplicates("indicator").reset_index(drop=True)
    return values, labels, rejects


def indicator_table(dictionary: pd.DataFrame | None, labels: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """The dictionary's indicators (its order), then the values file's others with its labels."""
    cols = [c.name for c in vital_sign_indicator.columns]
    rows = []
    if dictionary is not None:
        for r in dictionary.itertuples(index=False):
            rows.append({**r._asdict(), "in_dictionary": True})
    known = {r["indicator"] for r in rows}
    for r in labels.itertuples(index=False):
        if r.indicator in known or r.indicator not in used:
            continue
        label = r.label if isinstance(r.label, str) else r.indicator.replace("_", " ").capitalize()
        rows.append({"indicator": r.indicator, "label": label,
                     "section": r.section if isinstance(r.section, str) else OTHER_SECTION,
                     "source": None, "normalization_source": None, "definition": None, "years_available": None,
                     "in_dictionary": False})
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "sort"])
    out["sort"] = range(len(out))
    return out[cols]


def replace_tables(conn, values: pd.DataFrame, indicators: pd.DataFrame, load_id: int | None) -> tuple[int, int, int, bool]:
    """Make the two tables hold exactly ``values`` and ``indicators``: (new keys, changed values,
    removed keys, whether anything changed). Nothing is written when nothing changed."""
    key = ["indicator", "csa", "year"]
    old = pd.DataFrame(conn.execute(select(vital_sign_value.c.indicator, vital_sign_value.c.csa,
                                           vital_sign_value.c.year, vital_sign_value.c.value)).all(),
                       columns=[*key, "value"])
    old = old.astype({"year": "int64", "value": "float64"}) if len(old) else old
    merged = values[[*key, "value"]].merge(old, on=key, how="outer", suffixes=("", "_old"), indicator=True)
    added = int((merged["_merge"] == "left_only").sum())
    removed = int((merged["_merge"] == "right_only").sum())
    both = merged[merged["_merge"] == "both"]
    changed = int((both["value"] != both["value_old"]).sum())
    icols = [c.name for c in vital_sign_indicator.columns]
    old_ind = pd.DataFrame(conn.execute(select(*vital_sign_indicator.columns)).all(), columns=icols)
    same_ind = (len(old_ind) == len(indicators) and
                old_ind.sort_values("indicator").astype("str").reset_index(drop=True).equals(
                    indicators.sort_values("indicator").astype("str").reset_index(drop=True)))
    if not (added or removed or changed) and same_ind:
        return 0, 0, 0, False
    conn.execute(text("TRUNCATE vital_sign_value, vital_sign_indicator"))
    copy_frame(conn, vital_sign_indicator, indicators)
    copy_frame(conn, vital_sign_value, values.assign(load_id=load_id))
    conn.execute(text("ANALYZE vital_sign_value"))
    return added, changed, removed, True


def find_dictionary(path: str | Path) -> Path | None:
    here = Path(path).parent
    return next((here / n for n in DICT_NAMES if (here / n).is_file()), None)


def load_vital_signs_file(db: Database, path, *, progress: Progress | None = None, indicators=None,
                          **_ignored) -> LoadSummary:
    progress = progress or _noop
    table, _layout = read_csv_file(path, layouts=LAYOUTS)
    table.protect(KNOWN)
    dict_path = Path(indicators) if indicators else find_dictionary(path)
    dict_rejects = Rejects()
    dictionary = read_dictionary(dict_path, dict_rejects) if dict_path is not None else None
    with db.begin() as conn:
        require_real_boundaries(conn)
        areas = pd.DataFrame(conn.execute(select(geography.c.code, geography.c.name)
                                          .where(geography.c.layer == "csa")).all(), columns=["code", "name"])
    if areas.empty:
        raise IngestError("the loaded boundaries have no Community Statistical Areas (layer csa); load boundaries "
                          "that include them. Nothing was loaded")
    values, labels, rejects = normalize_values(table, csa_resolver(areas))
    progress("normalized", len(values))
    rejects.rows.extend(dict_rejects.rows)
    if values.empty:
        reasons = "; ".join(f"{reason}: {n}" for reason, n in sorted(rejects.by_reason().items()))
        raise IngestError(f"{table.name}: no usable row ({reasons}); the file is the whole dataset, so the "
                          "loaded one was kept. Nothing was loaded")
    ind = indicator_table(dictionary, labels, set(values["indicator"]))
    summary = LoadSummary(dataset=DATASET, source=str(path))
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        added, changed, removed, any_change = replace_tables(conn, values, ind, summary.load_id)
        summary.rows_loaded, summary.rows_updated = added, changed
        write_rejects(conn, summary, DATASET, rejects)
        finish(conn, summary, records=False, truncated=any_change)
        progress("committed", 0)
    summary.notes = [
        f"indicator dictionary: {dict_path if dict_path else 'none (labels and sections from the values file)'}",
        f"values: {len(values):,} ({values['csa'].nunique() - (CITY in set(values['csa']))} CSAs and the city, "
        f"{values['indicator'].nunique()} indicators, {values['year'].min()}–{values['year'].max()}); "
        f"no longer in the file, removed: {removed:,}"]
    return summary
