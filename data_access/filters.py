"""The ``Filters`` value: the one input of every query and the key of every cached result.

It is frozen and hashable, and its multi-value fields are sorted tuples, so two equal views of
the app produce equal filters and therefore share cache entries. Parsing it from a URL lives in
``app.urlstate``; this module only knows what a filter *is*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from data_access.text import N_, Nn_


@dataclass(frozen=True)
class FilterField:
    """One multi-value filter. The filter bar, the URL, the cache key (the ``Filters`` attribute),
    captions and query conditions all derive from this table."""

    name: str  # the Filters attribute, the URL parameter and the column in every table it filters
    label: str  # the filter bar's label (English; translated where shown, like every text here)
    placeholder: str  # the filter bar's text when nothing is chosen
    noun: str  # in messages: "there is no such {noun}"
    caption: tuple[str, str]  # chosen values in a caption, one and several: "{} police district(s)"
    options_layer: str | None  # the geography layer its choices come from (None: offense categories)
    area_layers: tuple[str, ...] = ()  # boundary layers whose areas it chooses (map clicks, area links)
    values: str = ""  # what the URL parameter takes, for the README

    @property
    def geo(self) -> bool:
        return self.options_layer is not None


FILTER_FIELDS: tuple[FilterField, ...] = (
    FilterField("police_district", N_("Police district"), N_("All police districts"), N_("police district"),
                Nn_("{} police district", "{} police districts"), "police_district_2023", ("police_district_2023", "police_district_pre2023"),
                "`Central`, `Eastern`, `Northeastern`, `Northern`, `Northwestern`, `Southeastern`, `Southern`, "
                "`Southwestern`, `Western` (the district under the map in force on each record's date)"),
    # a Community Statistical Area is chosen as the neighborhoods it is made of
    FilterField("neighborhood", N_("Neighborhood"), N_("All neighborhoods"), N_("neighborhood"), ("{}", "{}"),
                "neighborhood",
                ("neighborhood", "csa"), "a neighborhood name, e.g. `Oak Hill`"),
    FilterField("council_district", N_("City Council district"), N_("All Council districts"),
                N_("City Council district"), Nn_("Council District {}", "Council Districts {}"), "council_district", ("council_district",), "`1` … `14`"),
    FilterField("legislative_district", N_("State legislative district"), N_("All legislative districts"),
                N_("State legislative district"), Nn_("Legislative District {}", "Legislative Districts {}"),
                "legislative_district",
                ("legislative_district",), "a State legislative district, e.g. `40`, `43A`"),
    FilterField("offense", N_("Offense"), N_("All offenses"), N_("offense category"), ("{}", "{}"), None, (),
                "an offense category code (listed below)"),
)
FIELD_BY_NAME = {f.name: f for f in FILTER_FIELDS}
MULTI_FIELDS = tuple(f.name for f in FILTER_FIELDS)
GEO_FIELDS = tuple(f.name for f in FILTER_FIELDS if f.geo)
# boundary layer -> the filter its areas set
LAYER_FIELD = {layer: f.name for f in FILTER_FIELDS for layer in f.area_layers}


def shift_years(d: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    police_district: tuple[str, ...] = field(default=())
    neighborhood: tuple[str, ...] = field(default=())
    council_district: tuple[str, ...] = field(default=())
    legislative_district: tuple[str, ...] = field(default=())
    offense: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise TypeError("start and end must be dates")
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        for name in MULTI_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(sorted(set(value))))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def replace(self, **changes) -> "Filters":
        return replace(self, **changes)

    def prior(self) -> "Filters":
        """The comparison span: the same days of the year, one year earlier.

        Spans longer than a year move back by as many whole years as they cover, so the two
        spans never overlap (2023-2024 compares with 2021-2022).
        """
        years = max(1, math.ceil(self.days / 366))
        return self.replace(start=shift_years(self.start, years), end=shift_years(self.end, years))

    def geo_only(self) -> "Filters":
        """These filters without the offense selection (for views with a fixed offense set)."""
        return self.replace(offense=())

    def as_dict(self) -> dict:
        out: dict = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        out.update({f: list(getattr(self, f)) for f in MULTI_FIELDS})
        return out


def month_split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Split a span into whole calendar months (first-of-month of the first and of the last) and
    the ragged days before and after them."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after_end = end + timedelta(days=1)
    last_excl = after_end if after_end.day == 1 else end.replace(day=1)  # first day after the whole months
    if first >= last_excl:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - timedelta(days=1)))
    if last_excl <= end:
        days.append((last_excl, end))
    last_month = (last_excl - timedelta(days=1)).replace(day=1)
    return (first, last_month), days


def calendar_split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]],
                                                  list[tuple[date, date]]]:
    """Split a span into whole years (first days of the first and last), whole months outside
    them (ranges of first-of-month dates) and ragged days."""
    months, days = month_split(start, end)
    if not months:
        return None, [], days
    m0, m1 = months
    y0 = m0 if m0.month == 1 else date(m0.year + 1, 1, 1)
    y1 = date(m1.year, 1, 1) if m1.month == 12 else date(m1.year - 1, 1, 1)
    if y0 > y1:
        return None, [months], days
    month_parts = []
    if m0 < y0:
        month_parts.append((m0, date(y0.year - 1, 12, 1)))
    if m1 > date(y1.year, 12, 1):
        month_parts.append((date(y1.year + 1, 1, 1), m1))
    return (y0, y1), month_parts, days
