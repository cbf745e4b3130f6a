"""Neighborhood names -> today's neighborhoods: the rules, the alias table, learning from points,
and the report every load of victims or arrests gives about them.

A record whose point falls inside the city takes the neighborhood its point falls in
(``geo.place``); its name is not needed. A record with only a name (no point, or a point outside
every area) is resolved by the first of these rules that knows the name, the names compared
without case, spaces, punctuation or the abbreviations ST/AVE/MT (``name_key``):

1. **name**: one of today's neighborhood names;
2. **older map**: a name of the older (2010) neighborhood map, through today's area it overlaps
   most (when both vintages are loaded; ``boundaries`` derives the pairs);
3. **alias**: a name of the alias table ``neighborhood_aliases.csv`` (columns ``name, area,
   reason, source``): names of BPD's older maps, misspellings, abbreviations, each with the
   evidence for its area. An alias never overrides one of today's names;
4. **prefix**: a name cut short (old exports cut every name to 20 characters, some shorter) that
   starts a known name (today's, the older map's or the alias table's) and whose every such
   completion leads to one area; at least ``MIN_PREFIX`` letters;
5. **learned**: within the same load, the records that carry this name *and* a point: when at
   least ``LEARN_MIN_POINTS`` of them fall in areas and one area holds at least
   ``LEARN_MIN_SHARE`` of them, the name means that area.

Otherwise the record stays without a neighborhood (it still counts in citywide totals). Nothing is
resolved silently: ``NameReport`` counts the named records by how their area was found, lists the
names that stayed unresolved, and every alias learned in the load with its evidence; ``psad
ingest`` prints it and the load log keeps it.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

ALIAS_FILE = Path(__file__).with_name("neighborhood_aliases.csv")
ALIAS_COLUMNS = ("name", "area", "reason", "source")
MIN_PREFIX = 6  # letters and digits a cut-short name needs before it may stand for a longer one
LEARN_MIN_POINTS = 5  # points a name needs in one load before its points may teach its area
LEARN_MIN_SHARE = 2 / 3  # share of the name's points one area must hold
TOP_N = 10  # names listed in the report
METHODS = ("point", "name", "older_map", "alias", "prefix", "learned")
METHOD_LABELS = {"point": "their point", "name": "today's name", "older_map": "older map",
                 "alias": "alias table", "prefix": "prefix", "learned": "learned from points"}
# Values that name nothing (as ``normalize.MISSING``): not counted as named rows.
NO_NAME = frozenset({"", "NA", "N/A", "NULL", "NONE", "UNKNOWN", "UNK", "U", "?", "??", "(,)", "NAN"})

_ABBREV = ((re.compile(r"\bSTREET\b"), "ST"), (re.compile(r"\bAVENUE\b"), "AVE"), (re.compile(r"\bMOUNT\b"), "MT"),
           (re.compile(r"\bSAINT\b"), "ST"))
_NOT_KEY = re.compile(r"[^A-Z0-9]")


def name_key(s: str) -> str:
    """A name compared without case, punctuation, spaces or the usual abbreviations."""
    u = s.upper()
    for pat, rep in _ABBREV:
        u = pat.sub(rep, u)
    return _NOT_KEY.sub("", u)


@dataclass(frozen=True)
class Alias:
    name: str
    area: str
    reason: str
    source: str


@lru_cache(maxsize=4)
def alias_table(path: str | None = None) -> tuple[Alias, ...]:
    """The alias table's rows (read once per process; ``path`` defaults to ``ALIAS_FILE``)."""
    p = Path(path) if path else ALIAS_FILE
    with p.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != ALIAS_COLUMNS:
            raise ValueError(f"{p.name}: the header must be {','.join(ALIAS_COLUMNS)}")
        rows = tuple(Alias(*(r[c].strip() for c in ALIAS_COLUMNS)) for r in reader)
    for a in rows:
        if not (a.name and a.area and a.reason and a.source):
            raise ValueError(f"{p.name}: every alias needs a name, an area, a reason and a source ({a.name!r})")
    return rows


def display_name(v: str) -> str:
    """A name as the report shows and the load log keeps it: spaces collapsed, at most 40
    characters, and never an exact address (a value that reads as a house number and a street)."""
    from data_access.ingest.normalize import block_of_one

    s = " ".join(str(v).split())
    b = block_of_one(s)
    if b and re.match(r"^\d+ BLOCK ", b) and b != s.upper():
        return "(a value that reads as an address)"
    return s if len(s) <= 40 else s[:39] + "…"


@dataclass
class Learned:
    name: str  # the most frequent spelling, as shown
    area: str
    points_in_area: int
    points: int
    rows: int = 0  # records without a point placed by it


@dataclass
class NameReport:
    """How the records that carry a neighborhood name got their area, in one load."""

    named: int = 0
    by: dict = field(default_factory=lambda: dict.fromkeys(METHODS, 0))
    unresolved: int = 0
    unresolved_names: dict = field(default_factory=dict)  # shown name -> rows (top TOP_N kept on output)
    unknown_placed: int = 0  # rows placed by their point whose name no rule knows
    unknown_placed_names: dict = field(default_factory=dict)
    learned: list = field(default_factory=list)

    @property
    def unresolved_share(self) -> float:
        return self.unresolved / self.named if self.named else 0.0

    def merge(self, other: "NameReport") -> "NameReport":
        self.named += other.named
        for m in METHODS:
            self.by[m] += other.by.get(m, 0)
        self.unresolved += other.unresolved
        self.unknown_placed += other.unknown_placed
        for mine, theirs in ((self.unresolved_names, other.unresolved_names),
                             (self.unknown_placed_names, other.unknown_placed_names)):
            for k, n in theirs.items():
                mine[k] = mine.get(k, 0) + n
        self.learned += other.learned
        return self

    @staticmethod
    def _top(names: dict) -> str:
        top = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]
        more = len(names) - len(top)
        return ", ".join(f"{k} ({n:,})" for k, n in top) + (f", and {more:,} more names" if more > 0 else "")

    def lines(self) -> list[str]:
        if not self.named:
            return ["neighborhood names: no row names a neighborhood"]
        by = ", ".join(f"{METHOD_LABELS[m]} {self.by[m]:,}" for m in METHODS)
        out = [f"neighborhood names: {self.named:,} rows name a neighborhood; area found by {by}",
               f"  named rows without an area: {self.unresolved:,} ({self.unresolved_share:.2%})"
               + (f": {self._top(self.unresolved_names)}" if self.unresolved else "")]
        for lr in self.learned:
            out.append(f"  learned in this load: {lr.name!r} -> {lr.area} ({lr.points_in_area:,} of its {lr.points:,} "
                       f"points fall there; placed {lr.rows:,} {'row' if lr.rows == 1 else 'rows'} without a point)")
        if self.unknown_placed:
            out.append(f"  names no rule knows, placed by their point only: {self.unknown_placed:,} rows: "
                       f"{self._top(self.unknown_placed_names)}")
        return out


class NameResolver:
    """Names -> today's neighborhoods by the module's rules, for one set of loaded boundaries."""

    def __init__(self, current: Iterable[str], older: dict[str, str] | None = None,
                 aliases: Iterable[Alias] = ()):
        exact: dict[str, tuple[str, str]] = {}
        for n in current:
            exact.setdefault(name_key(n), (n, "name"))
        for old, new in (older or {}).items():
            exact.setdefault(name_key(old), (new, "older_map"))
        for a in aliases:
            target = exact.get(name_key(a.area))
            if target is not None:  # an alias to an area these boundaries do not have is left out
                exact.setdefault(name_key(a.name), (target[0], "alias"))
        exact.pop("", None)
        self.exact = exact
        self._keys = sorted(exact)

    def static(self, key: str) -> tuple[str, str] | None:
        """(area, rule) for a name key by every rule but learning, or None."""
        hit = self.exact.get(key)
        if hit is not None:
            return hit
        if len(key) < MIN_PREFIX:
            return None
        i = bisect.bisect_left(self._keys, key)
        areas = set()
        while i < len(self._keys) and self._keys[i].startswith(key):
            areas.add(self.exact[self._keys[i]][0])
            i += 1
        return (areas.pop(), "prefix") if len(areas) == 1 else None

    def by_name(self, names: pd.Series) -> pd.Series:
        """Each name's area by every rule but learning (missing when none knows it)."""
        raw = names.astype("str")
        table = {}
        for v in raw.dropna().unique():
            hit = self.static(name_key(v)) if str(v).strip().upper() not in NO_NAME else None
            table[v] = hit[0] if hit else None
        return raw.map(table)

    def resolve(self, names: pd.Series, point_area: pd.Series) -> tuple[pd.Series, NameReport]:
        """The neighborhood of each record (its point's area, else its name's), and the report.

        Vectorised over integer codes: per distinct spelling and per distinct name key a few
        Python calls, per row only integer indexing (a million rows cost a few tenths of a second
        more than a lookup by name alone)."""
        raw = names.astype("str")
        codes, uniq = pd.factorize(raw)  # missing -> -1
        uniq = [str(v) for v in uniq]
        keys = [name_key(v) if v.strip().upper() not in NO_NAME else "" for v in uniq]
        kcode_u, kuniq = pd.factorize(np.asarray(keys + [""], dtype=object))  # the last: no name
        nk = len(kuniq)
        hits = [self.static(k) if k else None for k in kuniq]
        named_k = np.array([bool(k) for k in kuniq])
        rule_k = np.array([METHODS.index(h[1]) if h else -1 for h in hits], dtype=np.int8)
        kcode = kcode_u[codes]  # row -> name key (codes -1 -> the appended "no name")
        named = named_k[kcode]
        point = point_area.notna().to_numpy()
        report = NameReport(named=int(named.sum()))
        report.by["point"] = int((named & point).sum())

        # learning: names no other rule knows, from the records that carry the name and a point
        unknown = named & (rule_k[kcode] < 0)
        teach = unknown & point
        learned: dict[int, Learned] = {}
        if teach.any():
            t = pd.DataFrame({"k": kcode[teach], "a": point_area[teach].to_numpy(dtype=object),
                              "s": raw[teach].to_numpy(dtype=object)})
            counts = t.groupby(["k", "a"]).size().rename("n").reset_index()
            totals = counts.groupby("k")["n"].sum()
            top = counts.sort_values(["k", "n", "a"], ascending=[True, False, True]).drop_duplicates("k")
            spelled = t.groupby("k")["s"].agg(lambda s: s.value_counts().index[0])
            for r in top.itertuples(index=False):
                total = int(totals[r.k])
                if total >= LEARN_MIN_POINTS and r.n >= LEARN_MIN_SHARE * total:
                    learned[int(r.k)] = Learned(display_name(spelled[r.k]), r.a, int(r.n), total)
        learned_k = np.zeros(nk, dtype=bool)
        learned_k[list(learned)] = True

        need = named & ~point
        rule = rule_k[kcode]
        by_rule = np.bincount(rule[need & (rule >= 0)], minlength=len(METHODS))
        for i, meth in enumerate(METHODS[1:5], 1):
            report.by[meth] = int(by_rule[i])
        placed_learned = need & learned_k[kcode]
        report.by["learned"] = int(placed_learned.sum())
        for k, lr in learned.items():
            lr.rows = int((placed_learned & (kcode == k)).sum())
        report.learned = sorted(learned.values(), key=lambda x: (-x.points, x.name))
        left = need & (rule < 0) & ~learned_k[kcode]
        report.unresolved = int(left.sum())
        if report.unresolved:
            report.unresolved_names = _counts(raw[left])
        placed_unknown = unknown & point & ~learned_k[kcode]
        report.unknown_placed = int(placed_unknown.sum())
        if report.unknown_placed:
            report.unknown_placed_names = _counts(raw[placed_unknown])

        if not need.any():
            return point_area, report
        area_k = {kuniq[k]: h[0] for k, h in enumerate(hits) if h}
        area_k.update({kuniq[k]: lr.area for k, lr in learned.items()})
        by_name = raw.map({v: area_k.get(k) for v, k in zip(uniq, keys) if k in area_k})
        return point_area.where(point_area.notna(), by_name).astype("str"), report


def _counts(values: pd.Series) -> dict:
    vc = values.value_counts()
    out: dict = {}
    for v, n in vc.items():
        k = display_name(v)
        out[k] = out.get(k, 0) + int(n)
    return out
