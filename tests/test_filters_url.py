"""Filters value and URL state: parsing, notices, strict mode and the round trip."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.urlstate import BadParameter, Choices, default_filters, parse, quick_ranges, to_query
from data_access.filters import Filters, shift_years

CHOICES = Choices(
    values={
        "police_district": ["Central", "Northern", "Western"],
        "neighborhood": ["Oak Hill", "Harbor Point", "Elm Heights"],
        "council_district": [str(i) for i in range(1, 15)],
        "legislative_district": ["40", "41", "43A"],
        "offense": ["homicide", "shooting", "larceny"],
    },
    data_as_of=date(2026, 11, 14),
    first_date=date(2012, 1, 1),
)


def test_filters_are_canonical_and_hashable():
    a = Filters(date(2025, 1, 1), date(2025, 3, 1), police_district=("Western", "Central", "Central"))
    b = Filters(date(2025, 1, 1), date(2025, 3, 1), police_district=("Central", "Western"))
    assert a == b and hash(a) == hash(b) and repr(a) == repr(b)
    assert a.police_district == ("Central", "Western")
    with pytest.raises(ValueError):
        Filters(date(2025, 3, 2), date(2025, 3, 1))


def test_prior_span_is_same_days_a_year_earlier():
    ytd = Filters(date(2026, 1, 1), date(2026, 11, 14))
    p = ytd.prior()
    assert (p.start, p.end) == (date(2025, 1, 1), date(2025, 11, 14))
    leap = Filters(date(2024, 2, 29), date(2024, 2, 29)).prior()
    assert leap.start == date(2023, 2, 28)
    two_years = Filters(date(2023, 1, 1), date(2024, 12, 31)).prior()
    assert (two_years.start, two_years.end) == (date(2021, 1, 1), date(2022, 12, 31))
    assert shift_years(date(2024, 2, 29), 4) == date(2020, 2, 29)


def test_default_is_year_to_date_of_the_data():
    f, notices = parse("", CHOICES)
    assert f == default_filters(CHOICES) == Filters(date(2026, 1, 1), date(2026, 11, 14))
    assert notices == []


def test_parse_values_case_insensitively_and_repeatable():
    f, notices = parse("?start=2025-01-01&end=2025-06-30&police_district=western&police_district=Central"
                       "&neighborhood=Oak%20Hill&offense=HOMICIDE", CHOICES)
    assert notices == []
    assert f.police_district == ("Central", "Western")
    assert f.neighborhood == ("Oak Hill",)
    assert f.offense == ("homicide",)


@pytest.mark.parametrize("query, fragment", [
    ("?start=2025-13-01", "not a date"),
    ("?end=yesterday", "not a date"),
    ("?start=1850-01-01", "outside"),
    ("?police_district=Atlantis", "no such police district"),
    ("?council_district=99", "no such City Council district"),
    ("?color=blue", "unknown parameter"),
    ("?start=2025-05-01&end=2025-01-01", "after the end date"),
    ("?start=2025-01-01&start=2025-02-01", "given 2 times"),
])
def test_bad_parameters_are_ignored_with_a_notice(query, fragment):
    f, notices = parse(query, CHOICES)
    assert isinstance(f, Filters)
    assert any(fragment in n for n in notices), notices


def test_strict_mode_raises_with_the_parameter_name():
    with pytest.raises(BadParameter) as err:
        parse("?police_district=Atlantis", CHOICES, strict=True)
    assert err.value.param == "police_district"
    with pytest.raises(BadParameter):
        parse("?start=2025-05-01&end=2025-01-01", CHOICES, strict=True)


def test_start_alone_extends_to_data_end():
    f, _ = parse("?start=2024-03-01", CHOICES)
    assert (f.start, f.end) == (date(2024, 3, 1), date(2026, 11, 14))


def test_quick_ranges():
    picks = {v: (s, e) for v, _, s, e in quick_ranges(CHOICES)}
    assert picks["ytd"] == (date(2026, 1, 1), date(2026, 11, 14))
    assert picks["last28"] == (date(2026, 10, 18), date(2026, 11, 14))
    assert picks["year:2025"] == (date(2025, 1, 1), date(2025, 12, 31))
    assert picks["year:2026"] == (date(2026, 1, 1), date(2026, 11, 14))
    assert picks["all"] == (date(2012, 1, 1), date(2026, 11, 14))
    assert "year:2012" in picks and "year:2011" not in picks


def _subset(field):
    return st.lists(st.sampled_from(CHOICES.values[field]), max_size=3)


@given(
    start=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    days=st.integers(0, 4000),
    pd_=_subset("police_district"), nb=_subset("neighborhood"), cd=_subset("council_district"),
    ld=_subset("legislative_district"), off=_subset("offense"),
)
def test_url_round_trip(start, days, pd_, nb, cd, ld, off):
    end = min(date(2099, 12, 31), date.fromordinal(start.toordinal() + days))
    f = Filters(start, end, police_district=tuple(pd_), neighborhood=tuple(nb), council_district=tuple(cd),
                legislative_district=tuple(ld), offense=tuple(off))
    parsed, notices = parse(to_query(f), CHOICES, strict=True)
    assert notices == [] and parsed == f


def test_a_list_longer_than_the_values_that_exist_is_cut_with_a_notice():
    # 400,000 neighborhoods once took a worker 6.7 s (a lookup table rebuilt per value): the list is
    # cut to the number of values that exist before any lookup
    query = "&".join(["neighborhood=Oak%20Hill"] * 200_000 + ["neighborhood=Harbor%20Point"] * 200_000)
    f, notices = parse(query, CHOICES)
    assert f.neighborhood == ("Oak Hill",)
    assert any("400000 values, but only 3 exist" in n for n in notices), notices


def test_values_of_the_wrong_type_are_no_values():
    # a hand-made callback request may send a list or a number where the URL's text belongs
    assert parse(["neighborhood=Oak Hill"], CHOICES)[0] == default_filters(CHOICES)
    assert CHOICES.canonical("neighborhood", ["Oak Hill"]) is None
