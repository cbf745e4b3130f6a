"""Pure figure and card builders: the arithmetic behind what the Summary page shows."""

from datetime import date

import pandas as pd

from data_access.filters import Filters
from layouts import summary as L

F = Filters(date(2026, 1, 1), date(2026, 11, 14))


def counts(rows):
    return pd.DataFrame(rows, columns=["offense", "gun", "current", "prior"])


def test_cards_compare_and_flag_small_numbers():
    c = counts([("homicide", True, 100, 120), ("homicide", False, 10, 10), ("shooting", True, 5, 3),
                ("larceny", False, 900, 1000), ("common_assault", False, 50, 40)])
    cards = {card.key: card for card in L.headline_cards(c, F, min_compare=10, first_date=date(2012, 1, 1))}
    assert (cards["homicide"].current, cards["homicide"].prior, cards["homicide"].change) == (110, 130, -20)
    assert round(cards["homicide"].pct, 2) == round(-20 / 130 * 100, 2)
    assert cards["shooting"].pct is None and cards["shooting"].note == "Too few to compare"
    assert cards["shooting"].change == 2
    assert cards["violent"].current == 115 and cards["property"].current == 900
    assert cards["all"].current == 1065 and cards["all"].prior == 1173


def test_cards_outside_offense_selection_and_missing_prior():
    c = counts([("larceny", False, 900, 1000)])
    f = F.replace(offense=("larceny",))
    cards = {card.key: card for card in L.headline_cards(c, f, min_compare=10, first_date=date(2012, 1, 1))}
    assert cards["homicide"].current is None and "Not in the selected" in cards["homicide"].note
    assert cards["property"].current == 900
    early = Filters(date(2012, 1, 1), date(2012, 6, 30))
    cards = L.headline_cards(c, early, min_compare=10, first_date=date(2012, 1, 1))
    assert all(card.prior is None for card in cards)


def test_trend_marks_partial_periods_and_averages_complete_ones():
    df = pd.DataFrame({
        "period_start": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
        "period_end": [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 10)],
        "n": [100, 90, 120, 30], "days": [31, 28, 31, 10]})
    fig = L.trend_figure(df, "month")
    markers = fig["data"][0]["marker"]["color"]
    assert markers[-1] == "white" and markers[0] != "white"
    avg = list(fig["data"][1]["y"])
    assert pd.isna(avg[3]) and avg[2] == (100 + 90 + 120) / 3


def test_offense_figure_and_click():
    c = counts([("homicide", True, 10, 12), ("larceny", False, 900, 1000)])
    fig = L.offense_figure(c, ())
    assert list(fig["data"][-1]["customdata"]) == ["homicide", "larceny"]  # largest at the top (last)
    # one bar trace per offense group, each with its own legend entry and fill pattern
    bars = {t["name"]: t for t in fig["data"] if t["type"] == "bar"}
    assert bars["Violent crime"]["customdata"] == ["homicide"] and bars["Property crime"]["customdata"] == ["larceny"]
    assert bars["Violent crime"]["marker"]["pattern"]["shape"] != bars["Property crime"]["marker"]["pattern"]["shape"]
    assert fig["layout"]["yaxis"]["categoryarray"] == ["Homicide", "Larceny"]
    assert L.clicked_offense({"points": [{"customdata": "larceny"}]}) == "larceny"
    assert L.clicked_offense({"points": [{"customdata": "bogus"}]}) is None
    assert L.clicked_offense(None) is None


def test_heatmap_grid():
    df = pd.DataFrame({"dow": [1, 1, 7], "hour": [0, 0, 23], "n": [2, 3, 4]})
    grid = L.heatmap_grid(df)
    assert grid.shape == (7, 24) and grid.loc[1, 0] == 5 and grid.loc[7, 23] == 4 and grid.values.sum() == 9


def test_goal_rows_path_and_prorated_partial_year():
    df = pd.DataFrame({"year": [2021, 2022, 2023], "n": [1000, 900, 600], "ytd": [800, 700, 600]})
    rows = L.goal_rows(df, baseline_year=2021, reduction=0.15, through=date(2023, 10, 31))
    assert list(rows.target[:2]) == [1000.0, 850.0]
    assert rows.partial.tolist() == [False, False, True]
    assert rows.target.iloc[2] == round(1000 * 0.85 ** 2 * 0.8, 1)
    assert rows.actual.tolist() == [1000, 900, 600]
    assert "2023 to date" in L.goal_status(rows)
    assert L.goal_rows(df.iloc[1:], baseline_year=2021, reduction=0.15, through=date(2023, 10, 31)).empty


def test_percent_format_never_rounds_a_change_to_zero():
    from layouts.common import fmt_pct

    assert fmt_pct(-0.17) == "−0.2%"
    assert fmt_pct(12.4) == "+12%"
    assert fmt_pct(-35.6) == "−36%"
    assert fmt_pct(0) == "0%"


def test_caption_names_the_filters_in_plain_words():
    from layouts.common import describe_filters

    assert describe_filters(F) == "Citywide, all Part 1 offenses"
    f = F.replace(police_district=("Western",), council_district=("7", "12"), offense=("shooting",))
    assert describe_filters(f) == ("Western police district · Council Districts 12 or 7 · "
                                   "Non-fatal shooting")


def test_one_rule_for_a_percentage_change_on_every_page():
    from layouts.common import pct_change
    from layouts.map import change_text

    assert pct_change(30, 9, 10) is None and pct_change(30, 10, 10) == 200.0 and pct_change(3, 0, 0) is None
    assert "%" not in change_text(30, 9, 10) and "30 vs 9" in change_text(30, 9, 10)
    assert change_text(3, 2, 10) == "too few to compare"
    assert "+200%" in change_text(30, 10, 10)
