"""The presentation deck: every slide's data in one callback request, over the demo database."""

from __future__ import annotations

import json

from app import ids
from app.pageparams import parse_present
from app.urlstate import Choices
from layouts import present as L
from tests.dash_support import post


def deck_json(client, app, search: str) -> str:
    from app.context import load_choices, services
    from app.urlstate import parse

    with app.server.test_request_context("/"):
        choices, _, _ = load_choices(services().db)
        f, _ = parse(search, choices, extra=("slide", "compare", "theme", "advance", "from"))
    from app.urlstate import to_query

    r = post(client, app, f"{ids.PRESENT_DECK}.children", {
        f"{ids.FILTER_STATE}.data": to_query(f), f"{ids.URL}.pathname": "/present", f"{ids.URL}.search": search})
    assert r.status_code == 200, r.data[:500]
    return json.dumps(r.get_json())


def test_one_request_holds_every_slide_with_footer_and_demo_mark(client, app):
    body = deck_json(client, app, "?police_district=Northeastern&slide=4&from=map")
    for n in range(1, 10):
        assert f'"slide-{n}"' in body
    assert body.count("Demo data") >= 9  # a mark on every slide while demo data is loaded
    assert body.count("Data as of") >= 9
    assert "Northeastern police district" in body
    assert '"data-start": "4"' in body
    # Escape goes back to the page it came from, still following the link's relative range
    assert '"data-exit": "/map?range=ytd&police_district=Northeastern"' in body
    assert "data:image/svg+xml" in body  # the QR code and the map, made on the server


def test_comparison_deck_shows_both_areas(client, app):
    body = deck_json(client, app, "?council_district=7&compare=city")
    assert "Council District 7 compared with Baltimore City" in body


def test_parse_present_rejects_bad_values_with_notices():
    view, notes = parse_present("?slide=x&theme=pink&advance=2&compare=ward:3&from=nowhere", Choices())
    assert view == {"slide": 1, "compare": None, "theme": "light", "advance": 0, "from": "summary"}
    assert len(notes) == 5


def test_class_breaks_and_area_words():
    assert L.class_of(0, L.class_breaks([1, 2, 3, 4, 5])) == 0
    assert L.class_of(5, L.class_breaks([1, 2, 3, 4, 5])) == 4
    from datetime import date

    from data_access.filters import Filters
    f = Filters(start=date(2026, 1, 1), end=date(2026, 3, 31), council_district=("7",))
    assert L.area_label(f, {}) == "Council District 7"
    assert L.period_words(f) == "1 January – 31 March 2026"


def test_trend_draws_cut_short_periods_hollow_and_leaves_them_out_of_most_and_fewest():
    from datetime import date

    import pandas as pd

    from data_access.filters import Filters
    from data_access.summary import period_frame
    from layouts.summary import complete_periods

    f = Filters(start=date(2026, 1, 1), end=date(2026, 1, 28))  # 4 weeks counted back from the end: all whole
    assert all(complete_periods(period_frame(f, "week", {}), "week"))
    f = Filters(start=date(2026, 1, 1), end=date(2026, 1, 30))  # the first week has 2 days
    df = period_frame(f, "week", {0: 50, 1: 40, 2: 45, 3: 60, 4: 3})
    assert complete_periods(df, "week") == [False, True, True, True, True]
    fig = L.trend_figure(df, "week", width=600, height=300)
    dotted, whole, hollow = fig["data"]
    assert whole["y"][0] is None and whole["y"][1:] == [60, 45, 40, 50]
    assert dotted["y"][:2] == [3, 60] and dotted["y"][2:] == [None, None, None]  # only the cut-short join
    assert hollow["y"] == [3] and hollow["marker"]["color"] == "rgba(0,0,0,0)"
    assert isinstance(df, pd.DataFrame)


def test_headline_table_rows_and_change_words():
    from layouts.summary import Card

    c = Card("homicide", "Homicides", 12, 12, 0, 0.0, "")
    assert L.card_change(c, 10) == ("■ the same as a year earlier", "flat")
    assert L.card_change(Card("homicide", "Homicides", 0, 0, 0, None, ""), 10)[0] == "none, as a year earlier"
    words, tone = L.card_change(Card("all", "All", 90, 100, -10, -0.1, ""), 10)
    assert tone == "" and words.startswith("▼ −10") and words.endswith("from 100")  # not judged: no colour


def test_comparison_headline_is_one_table_with_a_column_per_area(client, app):
    body = deck_json(client, app, "?council_district=7&compare=city")
    assert '"big-table two"' in body
    assert body.count('"data-key": "') >= 4
    assert '"Council District 7"' in body and '"Baltimore City"' in body


def test_area_words_and_captions_share_one_phrase_per_field():
    from datetime import date

    from data_access.filters import Filters
    from layouts.common import describe_filters

    f = Filters(start=date(2026, 1, 1), end=date(2026, 3, 31), police_district=("Western", "Eastern"),
                neighborhood=("Oak Hill", "Roland Park", "Abell"), council_district=("7", "12"))
    names = {"neighborhood": {"Abell": "Abell (Charles Village)"}}
    assert L.area_label(f, names) == ("Eastern and Western police districts in Abell (Charles Village), Oak Hill "
                                      "and Roland Park in Council Districts 12 and 7")
    assert describe_filters(f) == ("Eastern or Western police districts · Abell, Oak Hill or Roland Park · "
                                   "Council Districts 12 or 7")
    assert L.area_label(f.replace(police_district=(), neighborhood=(), council_district=()), names) == \
        "Baltimore City"


def test_map_sentence_says_tied_and_none_plainly():
    from datetime import date

    from callbacks.present import rank_sentence
    from data_access.filters import Filters

    per = {"police_district": ({"A": 9, "B": 5, "C": 5, "D": 0}, ["A", "B", "C", "D", "E"], "police_district_2023")}
    f = Filters(start=date(2026, 1, 1), end=date(2026, 3, 31))
    say = lambda code: rank_sentence(code, f.replace(police_district=(code,)), per, {}, {})  # noqa: E731
    assert say("A") == "A: 9 victims, the most of 5 police districts."
    assert say("B") == "B: 5 victims, tied for the 2nd most of 5 police districts."
    assert say("D") == "D: no victims in the period; 2 of the 5 police districts had none."


def test_a_handful_of_cases_is_shown_as_counts_not_percentages(client, app):
    body = json.loads(deck_json(client, app, "?neighborhood=Bayview&start=2025-01-01&end=2025-12-31"))

    def find(node, slide_id):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == slide_id:
                return node
            node = list(node.values())
        for child in node if isinstance(node, list) else []:
            if (got := find(child, slide_id)) is not None:
                return got

    def texts(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            if node.get("type") != "Footer":  # the footer names the rule, with its "%"-free words
                yield from texts(node.get("props", {}).get("children"))
        elif isinstance(node, list):
            for child in node:
                yield from texts(child)

    words = " ".join(texts(find(body, "slide-7")))
    assert "still pending" in words and "Cases filed" in words
    assert "%" not in words
