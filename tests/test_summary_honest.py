"""Issue 14 on the Summary, the deck and About: changes judged against chance beside each headline
number, and charts that do not mislead (partial periods drawn as partial, no number under a tick,
every colour in a legend, no good/bad colour for a difference chance explains, plurals right), and
a "Download CSV" link per section. Pure builders: no database, no browser."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from app import i18n
from data_access.filters import Filters
from layouts import summary as L
from tests.dash_support import from_wire

F = Filters(date(2025, 1, 1), date(2025, 12, 31))


def counts(rows):
    return pd.DataFrame(rows, columns=["offense", "gun", "current", "prior"])


def card(current: int, prior: int, key: str = "homicide") -> L.Card:
    cards = L.headline_cards(counts([("homicide", True, current, prior)]), F, min_compare=10,
                             first_date=date(2012, 1, 1))
    return {c.key: c for c in cards}[key]


def text_of(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def walk(component):
    component = from_wire(component)  # the headline cards are drawn as one Static
    yield component
    children = from_wire(getattr(component, "children", None))
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


# --- changes judged against chance -----------------------------------------------------------------

@pytest.mark.parametrize("current, prior, words, tone", [
    (5, 4, "+1 vs 4 · too few to tell", "neutral"),  # the 4 -> 5: no percentage, no colour
    (500, 400, "+100 (+25%) vs 400 · an unusual rise", "up"),  # the same 25% on 400 -> 500
    (400, 500, "−100 (−20%) vs 500 · an unusual drop", "down"),
    (50, 40, "+10 (+25%) vs 40 · within normal variation", "neutral"),
    (12, 12, "0 (0%) vs 12 · too few to tell", "flat"),
    (120, 120, "0 (0%) vs 120 · within normal variation", "flat"),
])
def test_card_text_says_whether_a_change_is_more_than_chance(current, prior, words, tone):
    c = card(current, prior)
    assert L.card_change_text(c) == words
    assert L.change_tone(c) == tone


def test_only_an_unusual_change_is_coloured_on_the_card():
    cards = L.headline_cards(counts([("homicide", True, 5, 4), ("larceny", False, 500, 400)]), F, min_compare=10,
                             first_date=date(2012, 1, 1))
    component = L.cards_component(cards, F)
    classes = {}
    for node in walk(component):
        if getattr(node, "id", None) and str(node.id).startswith("card-"):
            change = [n for n in walk(node) if str(getattr(n, "className", "")).startswith("card-change")]
            classes[node.id] = change[0].className if change else None
    assert classes["card-homicide"] == "card-change neutral"  # 4 -> 5: too few to tell, no green or red
    assert classes["card-property"] == "card-change up"  # 400 -> 500 larcenies: unusual, red
    text = text_of(component)
    assert "too few to tell" in text and "an unusual rise" in text
    assert "Too few to compare" not in text  # the verdict says it, once
    assert '"href": "/about#chance"' in text  # where the method is explained
    assert '"data-psad-csv": "/api/v1/summary/headline"' in text


def test_the_earlier_span_partly_covered_is_not_judged():
    c = L.headline_cards(counts([("homicide", True, 500, 100)]), Filters(date(2012, 3, 1), date(2013, 2, 28)),
                         min_compare=10, first_date=date(2012, 1, 1))[0]
    assert c.prior == 100 and c.note == L.NOTE_PARTIAL_PRIOR and c.judgement is None
    assert L.change_tone(c) == "neutral" and L.verdict_text(c) == ""


def test_card_verdicts_in_spanish():
    with i18n.use("es"):
        assert L.card_change_text(card(5, 4)) == "+1 frente a 4 · muy pocos para saberlo"
        assert L.card_change_text(card(500, 400)).endswith("· un aumento inusual")
        assert L.card_change_text(card(50, 40)).endswith("· dentro de la variación normal")


# --- the trend: cut-short periods ------------------------------------------------------------------

def trend():
    return pd.DataFrame({
        "period_start": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
        "period_end": [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 10)],
        "n": [100, 90, 120, 30], "days": [31, 28, 31, 10]})


def test_trend_draws_a_cut_short_period_hollow_with_its_own_legend_entry():
    fig = L.trend_figure(trend(), "month")
    counts_trace, average, hollow = fig["data"]
    assert counts_trace["marker"]["color"] == [L.PALETTE["navy"]] * 3 + ["white"]
    assert hollow["name"] == "Partial period" and hollow["y"] == [30]
    assert hollow["marker"]["color"] == "white" and hollow["x"] == ["2026-04-01"]
    assert average["y"][3] is None  # the partial month never pulls the average down
    assert fig["layout"]["showlegend"] is True
    whole = trend().iloc[:3]
    assert len(L.trend_figure(whole, "month")["data"]) == 2  # nothing cut short: no entry for it


# --- by offense: numbers clear of the ticks, every colour in the legend ----------------------------

def test_offense_numbers_are_never_drawn_under_a_tick():
    # prior just above current (the tick past the bar's end), equal, and below
    c = counts([("larceny", False, 900, 1000), ("burglary", False, 300, 300), ("homicide", True, 10, 2)])
    fig = L.offense_figure(c, ())
    labels = next(t for t in fig["data"] if t["type"] == "scatter" and t.get("mode") == "markers+text")
    ticks = fig["data"][-1]
    bars = {y: x for t in fig["data"] if t["type"] == "bar" for y, x in zip(t["y"], t["x"])}
    assert ticks["name"] == "Same span a year earlier"
    tick_at = dict(zip(ticks["y"], ticks["x"]))
    for y, x, text in zip(labels["y"], labels["x"], labels["text"]):
        assert x >= bars[y] and x >= tick_at[y], y  # the number starts past the bar and past the tick
        assert labels["textposition"] == "middle right" and text == i18n.number(bars[y])
    assert all(t["textposition"] == "none" for t in fig["data"] if t["type"] == "bar")  # no second number
    assert labels["showlegend"] is False and labels["hoverinfo"] == "skip"


def test_every_offense_colour_has_a_legend_entry():
    c = counts([("homicide", True, 10, 12), ("larceny", False, 1900, 1000), ("common_assault", False, 50, 40)])
    fig = L.offense_figure(c, ())
    named = {t["name"]: t["marker"]["color"][0] for t in fig["data"] if t["type"] == "bar"}
    assert named == {"Violent crime": L.PALETTE["vermillion"], "Property crime": L.PALETTE["blue"],
                     "Other Part 1": L.PALETTE["purple"]}
    chosen = L.offense_figure(c, ("homicide",))
    named = {t["name"]: t for t in chosen["data"] if t["type"] == "bar"}
    grey = named["Not in the offense filter"]
    assert grey["marker"]["color"] == [L.PALETTE["grey"]] * 2 and sorted(grey["customdata"]) == ["common_assault", "larceny"]
    assert sorted(grey["marker"]["pattern"]["shape"]) == sorted([L.GROUP_STYLE["other"][1], L.GROUP_STYLE["property"][1]])
    assert named["Violent crime"]["customdata"] == ["homicide"]
    assert all(t.get("showlegend", True) for t in chosen["data"] if t["type"] == "bar")


# --- the goal: no good/bad colour for a difference chance explains ---------------------------------

def goal(rows, through=date(2025, 12, 31)):
    df = pd.DataFrame(rows, columns=["year", "n", "ytd"])
    return L.goal_rows(df, baseline_year=2021, reduction=0.15, through=through)


def test_a_small_difference_from_the_path_is_neither_red_nor_green():
    # a neighborhood: 4 in the baseline year, 2 against a target of 3.4 (2022), 9 against 2.9 (2023)
    rows = goal([(2021, 4, 4), (2022, 2, 2), (2023, 9, 9)], through=date(2023, 12, 31))
    assert rows.standing.tolist() == ["near", "near", "near"]
    assert rows.verdict.tolist()[1] == "too_few"
    fig = L.goal_figure(rows, baseline_year=2021, reduction=0.15)
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars] == ["Near the path"]
    assert bars[0]["marker"]["color"] == L.PALETTE["grey"]
    table = text_of(L.goal_table(rows, F))
    assert "Too few to tell" in table and "Above the target path" not in table


def test_a_city_year_well_off_the_path_is_coloured_and_in_the_legend():
    rows = goal([(2021, 1000, 800), (2022, 600, 500), (2023, 1000, 800), (2024, 650, 500)], through=date(2024, 12, 31))
    assert rows.standing.tolist() == ["near", "below", "above", "near"]  # 600 vs 850; 1000 vs 722; 650 vs 614
    fig = L.goal_figure(rows, baseline_year=2021, reduction=0.15)
    bars = {t["name"]: t for t in fig["data"] if t["type"] == "bar"}
    assert bars["Below the target path"]["x"] == ["2022"] and bars["Below the target path"]["marker"]["color"] == L.PALETTE["blue"]
    assert bars["Above the target path"]["x"] == ["2023"]
    assert bars["Near the path"]["x"] == ["2021", "2024"]
    shapes = {t["marker"]["pattern"]["shape"] for t in bars.values()}
    assert len(shapes) == 3  # pattern as well as colour
    assert L.goal_status(rows).endswith("above the path. Within normal variation.")
    # each count above both its bar and the path's marker: no number under a marker
    for note, a, t in zip(fig["layout"]["annotations"], rows.actual, rows.target):
        assert note["y"] >= a and note["y"] >= t and note["yanchor"] == "bottom" and note["yshift"] > 4


def test_plurals_in_the_goal_tooltips_and_sentence():
    rows = goal([(2021, 3, 3), (2022, 1, 1)], through=date(2022, 12, 31))
    fig = L.goal_figure(rows, baseline_year=2021, reduction=0.15)
    tips = [h for t in fig["data"] if t["type"] == "bar" for h in t["hovertext"]]
    assert "2022: 1 victim of gun violence" in tips and "2021: 3 victims of gun violence" in tips
    assert "1 victims" not in " ".join(tips)
    assert L.goal_status(rows).startswith("2022: 1 victim of gun violence against") and "Too few to tell." in L.goal_status(rows)
    with i18n.use("es"):
        fig = L.goal_figure(rows, baseline_year=2021, reduction=0.15)
    tips = [h for t in fig["data"] if t["type"] == "bar" for h in t["hovertext"]]
    assert "2022: 1 víctima de violencia armada" in tips


# --- Download CSV per section ----------------------------------------------------------------------

def test_every_summary_section_has_its_csv_link():
    page = text_of(L.summary_page(0.15))
    for path in ("/summary/trend", "/summary/offenses", "/summary/hour-weekday", "/summary/goal"):
        assert f'"data-psad-csv": "/api/v1{path}"' in page, path
    assert page.count("Download CSV") == 4


# --- the deck shares the rules -----------------------------------------------------------------------

def test_deck_headline_and_goal_follow_the_same_rules():
    from layouts import present as P

    words, tone = P.card_change(card(5, 4), 10)
    assert words == "▲ +1 from 4 · too few to tell" and tone == ""
    words, tone = P.card_change(card(400, 500), 10)
    assert words == "▼ −100, −20% from 500 · an unusual drop" and tone == "down"
    # a comparison deck: the verdict beside the count, in a few words, the change under it without it
    assert P.card_change(card(50, 40), 10, verdict=False) == ("▲ +10, +25% from 40", "")
    assert [P.short_verdict(card(*x)) for x in ((50, 40), (5, 4), (400, 500))] == [
        "normal variation", "too few to tell", "an unusual drop"]
    rows = goal([(2021, 1000, 800), (2022, 600, 500), (2023, 1000, 800), (2024, 650, 500)], through=date(2024, 12, 31))
    fig = P.goal_figure(rows, width=760, height=430, reduction=0.15)
    assert fig["data"][0]["marker"]["color"] == [P.PALETTE["muted"], P.PALETTE["good"], P.PALETTE["bad"],
                                                 P.PALETTE["muted"]]
    assert P.goal_status(rows.iloc[-1], 0.15).endswith("Within normal variation.")


# --- About: the method in plain words ----------------------------------------------------------------

def test_about_explains_the_change_test_in_plain_words():
    from layouts import about as A

    section = A.methodology_section()
    heads = [n for n in walk(section) if type(n).__name__ == "H3"]
    chance = [h for h in heads if getattr(h, "id", None) == A.ABOUT_CHANCE]
    assert chance and chance[0].children == "Changes against chance" and A.ABOUT_CHANCE == L.ABOUT_CHANCE
    text = text_of(section)
    for words in ("exact test for two Poisson counts", "less than 5% of the time", "a halving and a doubling",
                  "4 victims against 5 is too few to tell", "400 against 500 is unusual",
                  "One shooting can hurt several people"):
        assert words in text, words
    with i18n.use("es"):
        assert "Poisson" in text_of(A.methodology_section()) and "Changes against chance" not in text_of(
            A.methodology_section())
