"""Small-cell suppression for demographic counts: the one place the privacy rule is decided.

Pure functions, no I/O: the Demographics page, the JSON API and the CSV export all pass their
tables through ``suppress`` and show only what it returns.

The rule (also stated on the Demographics and About pages):

1. **Small cells.** A count of 1-4 people is shown as "<5".
2. **Neighbouring views.** A table may be compared with any view the UI or API offers one step
   away: one more or one fewer police district, neighborhood, Council district, legislative
   district or offense, or the date range grown or shrunk by one month at either end. If a
   category's count differs from such a neighbour's by 1-4, subtracting the two would reveal a
   small group, so that cell is withheld in *both* views (the rule is symmetric: each view sees
   the other as its neighbour). Zero cells are never withheld by this rule (the neighbour's own
   cell is then 1-4 and withheld by rule 1).
3. **Totals.** The total of every table is public (it is the victim or arrest count shown
   elsewhere), so the withheld cells' sum is known. Further cells are withheld, smallest first,
   until no withheld cell's value can be worked out from that sum and the published bounds
   (1-4 for "<5"; 5 or more for other withheld cells, which are never zero). If that is
   impossible the whole breakdown is withheld.

Withheld cells are left out of chart heights and shares. Demographic tables count whole calendar
years (``year_span``): a narrower date range shows its years' table. That keeps the neighbouring
views few and their differences large; with month steps most small groups (homicide victims of
one age band, say) differ by 1-4 from one month to the next and would all be withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from data_access.text import N_

LOW, HIGH = 1, 4
SMALL_LABEL = N_("<5")  # the same in every language, but a msgid so each catalog says so
WITHHELD_LABEL = N_("withheld")


@dataclass(frozen=True)
class Cell:
    category: str
    value: int | None  # None when withheld
    label: str  # what to print: "1,234", "<5" or "withheld"
    reason: str | None  # None | "small" | "neighbour" | "complement" | "table"

    @property
    def shown(self) -> bool:
        return self.value is not None

    def text(self, number=lambda n: f"{n:,}", gettext=lambda s: s) -> str:
        """What a page prints, in the reader's language: ``number(value)`` (``app.i18n.number``:
        "1,234" / "1.234") or the withheld label translated (``gettext``). ``label`` stays the
        English form (the API's JSON and CSV, and the cache, which every language shares)."""
        return number(self.value) if self.value is not None else gettext(self.label)


@dataclass(frozen=True)
class Table:
    cells: tuple[Cell, ...]
    total: int
    withheld_all: bool

    def as_dict(self) -> dict[str, int | None]:
        return {c.category: c.value for c in self.cells}

    @property
    def any_withheld(self) -> bool:
        return any(not c.shown for c in self.cells)


def bounds(values: Mapping[str, int], small: set[str], other: set[str], *,
           threshold: int = HIGH + 1) -> dict[str, tuple[int, int]]:
    """The range each withheld cell could take, to someone who knows the total, every shown cell,
    and the published rule (small cells are 1-4, other withheld cells at least 5; with
    ``threshold`` t: small cells are 1 to t-1, other withheld cells at least t)."""
    high = threshold - 1
    hidden = list(small | other)
    t = sum(values[c] for c in hidden)
    lo = {c: (LOW if c in small else high + 1) for c in hidden}
    hi = {c: (high if c in small else t) for c in hidden}
    out = {}
    for c in hidden:
        rest_hi = sum(hi[d] for d in hidden if d != c)
        rest_lo = sum(lo[d] for d in hidden if d != c)
        out[c] = (max(lo[c], t - rest_hi), min(hi[c], t - rest_lo))
    return out


def safe(values: Mapping[str, int], small: set[str], other: set[str], *, threshold: int = HIGH + 1) -> bool:
    """True when no withheld cell's value is pinned down by the total."""
    return all(lo < hi for lo, hi in bounds(values, small, other, threshold=threshold).values())


def suppress(counts: Mapping[str, int], neighbour_diffs: Iterable[Mapping[str, int]] = (),
             order: Sequence[str] | None = None, *, threshold: int = HIGH + 1) -> Table:
    """Apply the three rules to one table (category -> count).

    ``neighbour_diffs`` are, for each neighbouring view, the per-category count differences
    (neighbour minus this view); ``order`` is the display order (defaults to ``counts``').
    ``threshold``: the smallest count shown (default 5: cells of 1-4 are "<5"; the
    Intimate-partner violence page passes 11: cells of 1-10 are "<11", and the neighbour and
    complement rules then use 1-10 and "11 or more" in place of 1-4 and "5 or more").
    """
    high = threshold - 1
    small_label = SMALL_LABEL if threshold == HIGH + 1 else f"<{threshold}"
    cats = list(order) if order is not None else list(counts)
    values = {c: int(counts.get(c, 0)) for c in cats}
    if any(v < 0 for v in values.values()):
        raise ValueError("counts must be non-negative")
    total = sum(values.values())
    small = {c for c, v in values.items() if LOW <= v <= high}
    neighbour: set[str] = set()
    for diff in neighbour_diffs:
        for c, d in diff.items():
            if c in values and values[c] > high and LOW <= abs(int(d)) <= high:
                neighbour.add(c)
    complement: set[str] = set()
    while (small or neighbour or complement) and not safe(values, small, neighbour | complement, threshold=threshold):
        candidates = [c for c in cats if values[c] > high and c not in neighbour | complement]
        if not candidates:
            return Table(tuple(Cell(c, None, WITHHELD_LABEL, "table") for c in cats), total, True)
        complement.add(min(candidates, key=lambda c: (values[c], cats.index(c))))
    cells = []
    for c in cats:
        if c in small:
            cells.append(Cell(c, None, small_label, "small"))
        elif c in neighbour:
            cells.append(Cell(c, None, WITHHELD_LABEL, "neighbour"))
        elif c in complement:
            cells.append(Cell(c, None, WITHHELD_LABEL, "complement"))
        else:
            cells.append(Cell(c, values[c], f"{values[c]:,}", None))
    return Table(tuple(cells), total, False)


# --- the views one step away ----------------------------------------------------------------

def month_start(d: date) -> date:
    return d.replace(day=1)


def year_span(start: date, end: date) -> tuple[date, date]:
    """The whole calendar years a date range touches: (1 January of the first, 1 January of the
    last). Demographic tables count these years, so ranges inside the same years show the same
    table."""
    return date(start.year, 1, 1), date(end.year, 1, 1)


def add_years(d: date, k: int) -> date:
    return date(d.year + k, 1, 1)


def neighbour_diffs(view: Mapping[str, int], per_value: Mapping[str, Mapping[str, Mapping[str, int]]],
                    selected: Mapping[str, Sequence[str]], months: Mapping[str, Mapping[str, int]],
                    first: str, last: str) -> list[dict[str, int]]:
    """Differences between a view and each neighbouring view, from grouped counts.

    ``per_value[field][value]`` are the category counts of rows that pass every filter except
    ``field``'s, with ``field`` equal to ``value``, inside the view's months; ``selected[field]``
    the view's values for it (empty: all). ``months[m]`` the counts of each period (ISO date
    keys; calendar years on the pages) from the one before ``first`` to the one after ``last``
    under all filters; ``view`` the view's own counts.
    """
    diffs: list[dict[str, int]] = []
    for field, groups in per_value.items():
        chosen = set(selected.get(field, ()))
        for value, counts in groups.items():
            if not chosen:
                # Choosing just ``value`` shrinks the view by everything else.
                diffs.append({c: view.get(c, 0) - counts.get(c, 0) for c in set(view) | set(counts)})
            elif value in chosen and len(chosen) == 1:
                # Removing the only value widens the view to all values.
                others = {}
                for v2, c2 in groups.items():
                    if v2 != value:
                        for c, n in c2.items():
                            others[c] = others.get(c, 0) + n
                diffs.append(others)
            else:
                diffs.append(dict(counts))  # adding or removing ``value``
    month_keys = sorted(months)
    for m in month_keys:
        if m < first or m > last:
            diffs.append(dict(months[m]))  # growing the range by that period
        elif (m == first or m == last) and first != last:
            diffs.append(dict(months[m]))  # shrinking it by that period
    return diffs
