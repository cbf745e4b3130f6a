"""Property-based tests of the small-cell suppression rule (data_access.suppression).

Random tables and random neighbour differences check each rule on its own; random small
datasets, with every view over them and every one-step neighbour of each view, check that no
difference of 1-4 between two neighbouring views can be read off what both show.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access import suppression as S

CATS = ("a", "b", "c", "d", "e")

counts_st = st.dictionaries(st.sampled_from(CATS), st.integers(0, 40), min_size=1, max_size=5)


def feasible_values(table: S.Table, counts: dict) -> dict[str, set[int]]:
    """What an attacker can conclude about each withheld cell, worked out by brute-force set
    arithmetic (independently of suppression.bounds): the total is known, "<5" means 1-4, other
    withheld cells are 5 or more (the rule never withholds a zero)."""
    hidden = [c for c in table.cells if not c.shown]
    t = sum(counts.get(c.category, 0) for c in hidden)
    ranges = {c.category: set(range(1, 5)) if c.label == S.SMALL_LABEL else set(range(5, t + 1)) for c in hidden}
    out = {}
    for c in hidden:
        sums = {0}
        for d in hidden:
            if d.category != c.category:
                sums = {s + v for s in sums for v in ranges[d.category] if s + v <= t}
        out[c.category] = {v for v in ranges[c.category] if t - v in sums}
    return out


@given(counts_st, st.lists(st.dictionaries(st.sampled_from(CATS), st.integers(-12, 12)), max_size=4))
@settings(max_examples=400, deadline=None)
def test_random_tables(counts, diffs):
    table = S.suppress(counts, diffs, order=sorted(counts))
    assert table.total == sum(counts.values())
    assert [c.category for c in table.cells] == sorted(counts)
    for c in table.cells:
        v = counts[c.category]
        if c.shown:
            assert c.value == v and not 1 <= v <= 4 and c.label == f"{v:,}"
        if 1 <= v <= 4:
            assert not c.shown and (c.label == S.SMALL_LABEL or table.withheld_all)
    if table.withheld_all:
        assert all(not c.shown for c in table.cells)
        return
    # Rule 2: a non-zero cell differing from a neighbour by 1-4 is withheld.
    for d in diffs:
        for cat, delta in d.items():
            if cat in counts and counts[cat] > 0 and 1 <= abs(delta) <= 4:
                assert not table.cells[sorted(counts).index(cat)].shown
    # Rule 3: no withheld value can be pinned down from the total; zeros are never withheld.
    for cat, values in feasible_values(table, counts).items():
        assert counts[cat] in values and len(values) >= 2, (counts, cat, values)
        assert counts[cat] > 0


@given(st.dictionaries(st.sampled_from(CATS), st.integers(5, 500), min_size=1, max_size=5))
def test_large_cells_without_neighbours_are_all_shown(counts):
    table = S.suppress(counts)
    assert table.as_dict() == counts and not table.any_withheld


def test_single_small_cell_gets_a_complement():
    table = S.suppress({"a": 2, "b": 50, "c": 9})
    assert table.as_dict() == {"a": None, "b": 50, "c": None}
    assert [c.reason for c in table.cells] == ["small", None, "complement"]


def test_total_of_one_person_withholds_everything():
    table = S.suppress({"a": 1, "b": 0, "c": 0})
    assert table.withheld_all and [c.label for c in table.cells] == [S.WITHHELD_LABEL] * 3


# --- differencing between neighbouring views over random datasets ------------------------------

YEARS = (2020, 2021, 2022)
DISTRICTS = ("A", "B", "C")
OFFENSES = ("x", "y")
KINDS = ("k1", "k2", "k3")
ATOMS = list(itertools.product(YEARS, DISTRICTS, OFFENSES, KINDS))

data_st = st.lists(st.integers(0, 9), min_size=len(ATOMS), max_size=len(ATOMS)).map(
    lambda ns: {a: n for a, n in zip(ATOMS, ns) if n})


def _count(data, years, districts, offenses) -> dict[str, int]:
    out = {k: 0 for k in KINDS}
    for (y, d, o, k), n in data.items():
        if years[0] <= y <= years[1] and (not districts or d in districts) and (not offenses or o in offenses):
            out[k] += n
    return out


def shown_view(data, view) -> S.Table:
    """The table the app would show for ``view`` = (years, districts, offenses), built the way
    data_access.demographics builds it: grouped counts -> neighbour_diffs -> suppress."""
    years, districts, offenses = view
    counts = _count(data, years, districts, offenses)
    per_value = {
        "district": {d: _count(data, years, (d,), offenses) for d in DISTRICTS},
        "offense": {o: _count(data, years, districts, (o,)) for o in OFFENSES},
    }
    periods = {f"{y}-01-01": _count(data, (y, y), districts, offenses)
               for y in range(years[0] - 1, years[1] + 2)}
    diffs = S.neighbour_diffs(counts, per_value, {"district": districts, "offense": offenses}, periods,
                              f"{years[0]}-01-01", f"{years[1]}-01-01")
    return S.suppress(counts, diffs, order=KINDS)


def subsets(values):
    return [tuple(c) for r in range(len(values) + 1) for c in itertools.combinations(values, r)]


SPANS = [(a, b) for a in YEARS for b in YEARS if a <= b]
VIEWS = [(s, d, o) for s in SPANS for d in subsets(DISTRICTS) for o in subsets(OFFENSES)]


def neighbours(view):
    (y0, y1), districts, offenses = view
    for field, chosen, options in (("d", districts, DISTRICTS), ("o", offenses, OFFENSES)):
        for v in options:
            new = tuple(sorted(set(chosen) ^ {v}))
            yield ((y0, y1), new, offenses) if field == "d" else ((y0, y1), districts, new)
    for a, b in ((y0 - 1, y1), (y0 + 1, y1), (y0, y1 - 1), (y0, y1 + 1)):
        if a <= b:
            yield ((a, b), districts, offenses)


@given(data_st)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_neighbouring_views_reveal_a_small_difference(data):
    tables = {v: shown_view(data, v) for v in VIEWS}
    for v, table in tables.items():
        truth = _count(data, *v)
        for cell in table.cells:
            if cell.shown:
                assert cell.value == truth[cell.category] and not 1 <= cell.value <= 4
        for w in neighbours(v):
            other = tables.get(w) or shown_view(data, w)
            for a, b in zip(table.cells, other.cells):
                if a.shown and b.shown:
                    assert not 1 <= abs(a.value - b.value) <= 4, (v, w, a, b)
