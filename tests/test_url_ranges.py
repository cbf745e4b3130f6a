"""Links that stay true (issue 14): relative ranges in the URL (``range=ytd`` …) resolved against the
data's as-of date at every request, written instead of fixed dates when a quick range is chosen;
fixed ``start``/``end`` links unchanged; a bad ``range`` is a notice on a page and a 400 in the API.

The data moving into a new year is simulated with ``Choices.data_as_of`` (the parser takes the
as-of date as input), no clock is mocked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app import ids
from app.urlstate import (
    FILTER_PARAMS,
    RANGE,
    BadParameter,
    Choices,
    parse,
    parse_view,
    quick_ranges,
    quick_value,
    range_dates,
    range_in,
    range_label,
    state_query,
    to_query,
)
from callbacks.filters import active_filters, sync
from data_access.filters import Filters

NOVEMBER = Choices(
    values={"police_district": ["Central", "Western"], "council_district": [str(i) for i in range(1, 15)],
            "offense": ["homicide", "shooting"]},
    data_as_of=date(2026, 11, 14), first_date=date(2012, 1, 1))
JANUARY = replace(NOVEMBER, data_as_of=date(2027, 1, 6))  # the same link after the data moves into 2027

BOOKMARK = "?range=ytd&council_district=7"  # "District 7, year to date", bookmarked in November


def test_year_to_date_rolls_into_the_new_year():
    f, rng, notices = parse_view(BOOKMARK, NOVEMBER)
    assert (f.start, f.end, f.council_district, rng, notices) == (date(2026, 1, 1), date(2026, 11, 14), ("7",),
                                                                  "ytd", [])
    f, rng, notices = parse_view(BOOKMARK, JANUARY)
    assert (f.start, f.end, rng, notices) == (date(2027, 1, 1), date(2027, 1, 6), "ytd", [])
    assert state_query(BOOKMARK, JANUARY) == BOOKMARK  # the link the view writes back is the same link


@pytest.mark.parametrize("rng, november, january", [
    ("last28", (date(2026, 10, 18), date(2026, 11, 14)), (date(2026, 12, 10), date(2027, 1, 6))),
    ("last90", (date(2026, 8, 17), date(2026, 11, 14)), (date(2026, 10, 9), date(2027, 1, 6))),
    ("last365", (date(2025, 11, 15), date(2026, 11, 14)), (date(2026, 1, 7), date(2027, 1, 6))),
    ("last7", (date(2026, 11, 8), date(2026, 11, 14)), (date(2026, 12, 31), date(2027, 1, 6))),
    # a calendar year: to the data's last day while current, then the whole year
    ("year:2026", (date(2026, 1, 1), date(2026, 11, 14)), (date(2026, 1, 1), date(2026, 12, 31))),
    ("year:2025", (date(2025, 1, 1), date(2025, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))),
    ("all", (date(2012, 1, 1), date(2026, 11, 14)), (date(2012, 1, 1), date(2027, 1, 6))),
])
def test_each_range_resolves_against_the_data(rng, november, january):
    for choices, expected in ((NOVEMBER, november), (JANUARY, january)):
        f, got, notices = parse_view(f"?range={rng}", choices)
        assert ((f.start, f.end), got, notices) == (expected, rng, [])
        assert parse(to_query(f, rng), choices, strict=True)[0] == f


def test_ranges_read_case_insensitively_and_are_written_canonically():
    assert state_query("?range=YTD&police_district=western", NOVEMBER) == "?range=ytd&police_district=Western"
    assert state_query("?range=%20Year:2025%20", NOVEMBER) == "?range=year:2025"


def test_a_link_without_dates_follows_the_default_range():
    assert state_query("", NOVEMBER) == "?range=ytd"
    assert state_query("?offense=homicide&lang=es", NOVEMBER) == "?range=ytd&offense=homicide"
    # a malformed date falls back to the default range too (and says so)
    f, rng, notices = parse_view("?start=2025-13-01", NOVEMBER)
    assert rng == "ytd" and len(notices) == 1


def test_an_old_fixed_date_link_is_unchanged():
    for link in ("?start=2025-01-01&end=2025-06-30&police_district=Western", "?start=2026-01-01&end=2026-11-14"):
        for choices in (NOVEMBER, JANUARY):
            f, rng, notices = parse_view(link, choices)
            assert rng is None and notices == [] and state_query(link, choices) == link
    f, _rng, _n = parse_view("?start=2026-01-01&end=2026-11-14", JANUARY)
    assert (f.start, f.end) == (date(2026, 1, 1), date(2026, 11, 14))  # fixed: it does not roll
    # fixed dates equal to "year to date" today are not shown as the rolling pick; a whole past year is
    assert quick_value(f, None, NOVEMBER) is None
    year = Filters(date(2025, 1, 1), date(2025, 12, 31))
    assert quick_value(year, None, NOVEMBER) == "year:2025"


@pytest.mark.parametrize("query, fragment", [
    ("?range=yesterday", "Ignored range=“yesterday”"),
    ("?range=last0", "Ignored range=“last0”"),
    ("?range=last99999", "Ignored range=“last99999”"),
    ("?range=year:25", "Ignored range=“year:25”"),
    ("?range=year:2030", "the data ends on 14 Nov 2026"),
    ("?range=ytd&range=last28", "given 2 times"),
])
def test_a_malformed_range_is_ignored_with_a_notice(query, fragment):
    f, rng, notices = parse_view(query, NOVEMBER)
    assert any(fragment in n for n in notices), notices
    assert (f.start, f.end) == (date(2026, 1, 1), date(2026, 11, 14))
    with pytest.raises(BadParameter) as err:
        parse(query, NOVEMBER, strict=True)
    assert err.value.param == RANGE


def test_a_link_with_a_range_and_dates_uses_the_dates_and_says_so():
    f, rng, notices = parse_view("?range=ytd&start=2025-03-01&end=2025-03-31", NOVEMBER)
    assert (f.start, f.end, rng) == (date(2025, 3, 1), date(2025, 3, 31), None)
    assert notices == ["Ignored range=ytd: the link also gives dates (start, end), and the dates win. "
                       "Give either a range or dates."]


@pytest.mark.parametrize("link", ["", "?lang=es", BOOKMARK, "?range=LAST28&offense=homicide", "?range=bogus",
                                  "?start=2025-01-01", "?end=2026-03-01&range=ytd", "?start=nope&council_district=7"])
def test_a_link_rebuilt_from_its_filters_keeps_its_range(link):
    # what the deck's QR code, the lookup's pager or a cache key write: to_query(f, range_in(search))
    f, _notices = parse(link, NOVEMBER)
    assert to_query(f, range_in(link)) == state_query(link, NOVEMBER)


def test_range_is_a_filter_parameter_so_csv_links_carry_it():
    assert RANGE in FILTER_PARAMS


def test_quick_picks_are_ranges_with_labels():
    picks = [(v, label) for v, label, _s, _e in quick_ranges(NOVEMBER)]
    assert picks[:5] == [("ytd", "Year to date (2026)"), ("last28", "Last 28 days"), ("last90", "Last 90 days"),
                         ("last365", "Last 365 days"), ("year:2026", "2026")]
    assert all(range_dates(v, NOVEMBER) == (s, e) for v, _l, s, e in quick_ranges(NOVEMBER))
    assert range_label("last7", NOVEMBER) == "Last 7 days" and range_label("last1", NOVEMBER) == "Last 1 day"


# --- the filter bar: what a control change writes into the URL -----------------------------------

def _controls(**chosen):
    return {f: chosen.get(f) for f in ids.FILTER_CONTROLS}


def test_choosing_a_quick_range_writes_the_range_not_dates():
    out = sync(ids.QUICK_RANGE, "?lang=es", "last90", "2020-01-01", "2020-02-01", _controls(), "?range=ytd",
               NOVEMBER, {})
    assert out["url"] == "?range=last90&lang=es" and out["state"] == "?range=last90"
    assert (out["start"], out["end"], out["quick"]) == ("2026-08-17", "2026-11-14", "last90")


def test_a_filter_change_keeps_the_range_and_editing_dates_fixes_them():
    out = sync(ids.COUNCIL_DISTRICT, "?range=last28", "last28", "2026-10-18", "2026-11-14",
               _controls(council_district=["7"]), "?range=last28", NOVEMBER, {})
    assert out["url"] == "?range=last28&council_district=7"
    # the page was opened yesterday (its controls show yesterday's dates): the range resolves today
    out = sync(ids.OFFENSE, BOOKMARK, "ytd", "2026-01-01", "2026-12-31", _controls(council_district=["7"],
               offense=["homicide"]), BOOKMARK, JANUARY, {})
    assert out["url"] == "?range=ytd&council_district=7&offense=homicide"
    assert (out["start"], out["end"]) == ("2027-01-01", "2027-01-06")
    out = sync(ids.DATE_RANGE, BOOKMARK, "ytd", "2026-02-01", "2026-03-01", _controls(council_district=["7"]),
               BOOKMARK, NOVEMBER, {})
    assert out["url"] == "?start=2026-02-01&end=2026-03-01&council_district=7" and out["quick"] is None
    out = sync(ids.CLEAR_FILTERS, "?start=2026-02-01&end=2026-03-01", None, "2026-02-01", "2026-03-01",
               _controls(council_district=["7"]), "?start=2026-02-01&end=2026-03-01", NOVEMBER, {})
    assert out["url"] == "?range=ytd" and out["values"]["council_district"] == []


def test_the_folded_bar_says_the_dates_and_the_filters():
    f = Filters(date(2026, 1, 1), date(2026, 11, 14), offense=("homicide",))
    assert active_filters(f, {}, "ytd", NOVEMBER) == "Year to date (2026) · 1 on: Homicide"
    assert active_filters(f.replace(offense=()), {}, None, NOVEMBER) == "1 Jan 2026 – 14 Nov 2026"


# --- the API ---------------------------------------------------------------------------------------

def test_api_takes_range_and_echoes_the_resolved_dates(client):
    as_of = date.fromisoformat(client.get("/api/v1/health").get_json()["data_as_of"])
    start, end = range_dates("last28", Choices(data_as_of=as_of))
    r = client.get("/api/v1/counts?range=last28&by=year")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    applied = r.get_json()["filters"]
    assert (applied["start"], applied["end"], applied["range"]) == (start.isoformat(), end.isoformat(), "last28")
    fixed = client.get("/api/v1/counts?start=2025-01-01&end=2025-12-31").get_json()["filters"]
    assert (fixed["start"], fixed["end"], fixed["range"]) == ("2025-01-01", "2025-12-31", None)
    assert client.get("/api/v1/counts").get_json()["filters"]["range"] == "ytd"


@pytest.mark.parametrize("query", ["range=yesterday", "range=ytd&start=2025-01-01", "range=ytd&range=last28",
                                   "range=year:2098"])
def test_api_refuses_a_bad_range_naming_it(client, query):
    r = client.get(f"/api/v1/counts?{query}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["parameter"] == "range" and "range" in body["error"]
