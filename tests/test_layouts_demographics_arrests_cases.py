"""Pure builders of the Demographics, Arrests and Case pages: no database, no browser."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_access.suppression import suppress
from layouts import arrests as LA
from layouts import cases as LC
from layouts import demographics as LD


def test_withheld_cells_get_no_bar_and_no_share():
    table = suppress({"Black": 120, "White": 3, "Asian": 40}, order=["Black", "White", "Asian"])
    rows = LD.share_rows(table, {"Black": 600, "White": 300, "Asian": 100})
    fig = LD.dimension_figure(rows, "Race", "Victims")
    assert fig["data"][0]["y"] == ["Black"]  # White "<5" and its complement Asian are not drawn
    assert fig["data"][0]["x"] == [round(100 * 120 / 163, 2)]
    assert fig["data"][1]["x"] == [60.0]  # residents' share beside it
    note = LD.withheld_note(rows)
    assert "White" in note and "Asian" in note
    assert [r["share"] for r in rows][1:] == [None, None]


def test_everything_withheld_says_so():
    rows = LD.share_rows(suppress({"Male": 2, "Female": 0}), None)
    assert "Too few people" in LD.withheld_note(rows)
    assert LD.dimension_figure(rows, "Sex", "Victims")["data"] == []


def test_weighted_quantile_and_outcome_summary():
    assert LC.weighted_quantile([10, 20, 30], [1, 1, 2], 0.5) == 20
    assert LC.weighted_quantile([], [], 0.5) is None
    status = pd.DataFrame({"gun": [True, True, False, False], "pending": [True, False, False, False],
                           "days": [None, 100.0, 50.0, 70.0], "n": [2, 3, 4, 1]})
    s = LC.outcome_summary(status)
    assert s["all"]["cases"] == 10 and s["all"]["pending"] == 2 and s["all"]["pending_share"] == 0.2
    assert s["gun"]["median_days"] == 100 and s["other"]["median_days"] == 50 and s["all"]["timed"] == 8


def test_mix_rows_shares_add_up_per_group():
    mix = pd.DataFrame({"gun": [True, True, False], "disposition": ["guilty", "pending", "stet"], "n": [3, 1, 5]})
    rows = LC.mix_rows(mix)
    assert rows.groupby("group").share.sum().round(9).to_dict() == {"gun": 1.0, "other": 1.0}
    assert rows.set_index(["group", "disposition"]).n[("gun", "guilty")] == 3


def test_lookup_href_keeps_filters_and_lookup_state():
    href = LC.lookup_href("?start=2025-01-01&end=2025-12-31", charge="HANDGUN ON PERSON", page=3, open_case="825000001")
    assert href == "/lookup?start=2025-01-01&end=2025-12-31&charge=HANDGUN+ON+PERSON&page=3&open=825000001"
    assert LC.lookup_href("?start=2025-01-01&end=2025-12-31") == "/lookup?start=2025-01-01&end=2025-12-31"


def test_timeline_has_a_row_per_charge():
    detail = {"case_number": "825000001", "filed_date": date(2025, 3, 2), "arrest_date": date(2025, 3, 1),
              "charges": pd.DataFrame({"seq": [1, 2], "statute": ["1 5211", "1 1420"],
                                       "description": ["HANDGUN ON PERSON", "ASSAULT-SEC DEGREE"],
                                       "disposition": ["guilty", "pending"],
                                       "disposition_date": [date(2025, 9, 1), None]})}
    fig = LC.timeline_figure(detail)
    assert fig["layout"]["yaxis"]["categoryarray"] == ["2. Assault-Sec Degree", "1. Handgun On Person",
                                                       "Case filed", "Arrest"]
    names = [t.get("name") for t in fig["data"] if t["mode"] == "markers"]
    assert names == ["Arrest", "Filed", "Guilty"]


def test_rates_and_area_figure():
    assert LA.rate_per_1000(50, 10000) == 5.0 and LA.rate_per_1000(5, None) is None
    df = pd.DataFrame({"area": ["A", "B"], "n": [10, 30], "population": [1000, 10000]})
    fig = LA.area_figure(df, "police_district")
    assert fig["data"][0]["y"] == ["B", "A"] and fig["data"][0]["x"] == [3.0, 10.0]
