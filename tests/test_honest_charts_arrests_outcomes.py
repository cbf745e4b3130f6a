"""Issue 14 on the Arrests, Case outcomes and Demographics pages: partial periods drawn as partial
(never as a fall), every colour named in a legend, plurals right in hover texts, and a "Download
CSV" link beside every chart and table. Pure builders first; one HTTP round trip at the end."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from app import i18n
from layouts import arrests as LA
from layouts import cases as LC
from layouts import demographics as LD
from layouts.summary import complete_periods

JAN_TO_NOV = (date(2026, 1, 5), date(2026, 11, 24))  # cuts January at the start, November at the end


def _trend() -> pd.DataFrame:
    rows = [(date(2026, m, 1), cat, n) for m in range(1, 12) for cat, n in (("violent", 100), ("drugs", 50))]
    rows[-2:] = [(date(2026, 11, 1), "violent", 40), (date(2026, 11, 1), "drugs", 20)]  # a short bar
    return pd.DataFrame(rows, columns=["period", "charge_category", "n"])


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)


# --- partial periods ---------------------------------------------------------------------------

def test_trend_rows_mark_the_periods_the_dates_cut_short_as_the_summary_does():
    rows = LA.trend_rows(_trend(), "month", *JAN_TO_NOV)
    periods = rows.drop_duplicates("period_start")
    assert list(periods.days)[:2] == [27, 28] and list(periods.days)[-1] == 24
    assert list(periods.complete) == [False] + [True] * 9 + [False]
    assert list(periods.complete) == complete_periods(periods, "month")  # the Summary's rule, reused
    assert rows.n.sum() == _trend().n.sum() and set(rows.charge_category) == {"violent", "drugs"}


def test_trend_rows_fill_empty_weeks_and_stop_at_the_last_day_counted():
    df = pd.DataFrame({"period": [date(2025, 12, 29)], "charge_category": ["violent"], "n": [4]})
    rows = LA.trend_rows(df, "week", date(2026, 1, 1), date(2026, 1, 20))
    assert [d.isoformat() for d in rows.period_start] == ["2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19"]
    assert list(rows.n) == [4, 0, 0, 0]  # a week without arrests is a 0, not a gap
    assert list(rows.days) == [4, 7, 7, 2] and list(rows.complete) == [False, True, True, False]


def test_partial_month_is_pale_outlined_and_labelled_never_a_full_bar():
    fig = LA.trend_figure(_trend(), "month", *JAN_TO_NOV)
    for trace in fig["data"]:
        by_date = dict(zip(trace["x"], zip(trace["marker"]["color"], trace["marker"]["line"]["width"],
                                           trace["customdata"])))
        assert len(by_date) == 11
        for day in ("2026-01-01", "2026-11-01"):
            assert by_date[day][0].startswith("rgba(") and by_date[day][1] > 0  # pale, outlined
        assert all(c.startswith("#") and w == 0 for d, (c, w, _n) in by_date.items() if d[5:7] not in ("01", "11"))
        assert by_date["2026-11-01"][2] == "Nov 2026 (to 24 Nov)" and by_date["2026-04-01"][2] == "Apr 2026"
        # whole periods first: the legend's swatch is drawn like the first bar, so it is never the pale one
        assert trace["marker"]["color"][0].startswith("#")
    notes = fig["layout"]["annotations"]
    assert [n["text"] for n in notes] == ["from 5 Jan", "to 24 Nov"]
    # written upright over its own bar (within its width): above a short bar, with half the plot
    # free over it; inside a tall one, from its base, on a backing: never up into the legend
    assert all(n["textangle"] == -90 and n["yanchor"] == "bottom" for n in notes)
    assert notes[0]["y"] == 0 and "bgcolor" in notes[0]  # January: 27 days, a tall bar
    assert notes[1]["y"] == 60 and "bgcolor" not in notes[1]  # November's 60 of a top of 150: above it
    table = _text(LA.trend_table(_trend(), "month", *JAN_TO_NOV))
    assert "Nov 2026 (to 24 Nov)" in table and "Jan 2026 (from 5 Jan)" in table and "Feb 2026\"" in table


def test_whole_periods_get_no_mark_and_old_callers_still_work():
    fig = LA.trend_figure(_trend(), "month", date(2026, 1, 1), date(2026, 11, 30))
    assert fig["layout"]["annotations"] == []
    assert all(c.startswith("#") for t in fig["data"] for c in t["marker"]["color"])
    assert LA.trend_figure(_trend(), "month")["layout"]["annotations"] == []  # no dates: nothing to judge


def test_partial_labels_in_spanish():
    with i18n.use("es"):
        fig = LA.trend_figure(_trend(), "month", *JAN_TO_NOV)
        year = LA.year_text(2026, date(2026, 11, 24))
    assert [n["text"] for n in fig["layout"]["annotations"]] == ["desde 5 ene", "hasta 24 nov"]
    assert year == "2026 (hasta 24 nov)"


def _clearance() -> pd.DataFrame:
    return pd.DataFrame({"year": [2025, 2025, 2026, 2026], "offense": ["homicide", "shooting"] * 2,
                         "incidents": [300, 700, 250, 600], "cleared_same_year": [120, 150, 80, 100],
                         "cleared_by_now": [150, 200, 80, 100], "same_year": [110, 140, 70, 90],
                         "earlier_year": [30, 20, 25, 15], "unlinked": [5, 6, 4, 3]})


def test_clearance_year_still_filling_in_is_marked_and_every_series_named():
    fig = LA.clearance_figure(_clearance(), date(2026, 11, 24))
    assert fig["layout"]["showlegend"] is True
    assert [t["name"] for t in fig["data"]] == ["Arrests for that year's incidents",
                                                "Arrests for earlier years' incidents",
                                                "Arrests not linked to an incident"]
    years = fig["data"][0]["x"][0]
    assert years == ["2025", "2025", "2026<br>(to 24 Nov)", "2026<br>(to 24 Nov)"]
    for trace in fig["data"]:
        assert [c.startswith("rgba(") for c in trace["marker"]["color"]] == [False, False, True, True]
    table = _text(LA.clearance_table(_clearance(), date(2026, 11, 24)))
    assert "2026 (to 24 Nov)" in table
    whole = LA.clearance_figure(_clearance(), date(2026, 12, 31))
    assert whole["data"][0]["x"][0][-1] == "2026"


# --- legends and plurals ------------------------------------------------------------------------

def test_trend_legend_names_every_category_colour():
    fig = LA.trend_figure(_trend(), "month", *JAN_TO_NOV)
    assert fig["layout"]["showlegend"] is True and [t["name"] for t in fig["data"]] == ["Violent", "Drugs"]


def test_hover_texts_say_1_charge_and_1_case():
    mix = pd.DataFrame({"gun": [True, True, False], "disposition": ["guilty", "stet", "stet"], "n": [1, 2, 1]})
    fig = LC.mix_figure(mix)
    assert "1 charge" in fig["data"][0]["customdata"] and "2 charges" in fig["data"][0]["customdata"]
    assert "%{customdata}" in fig["data"][0]["hovertemplate"] and "charges)" not in fig["data"][0]["hovertemplate"]
    status = pd.DataFrame({"gun": [True, False, False], "pending": [False] * 3, "days": [10.0, 40.0, 45.0],
                           "n": [1, 1, 2]})
    time = LC.time_figure(status)
    assert [t["name"] for t in time["data"]] == ["Cases with a gun charge", "Other cases"]  # cases, not charges
    assert time["data"][0]["customdata"][0] == "1 case" and time["data"][1]["customdata"][1] == "3 cases"
    with i18n.use("es"):
        assert LC.mix_figure(mix)["data"][0]["customdata"][0] == "1 cargo"
        assert LC.time_figure(status)["data"][1]["customdata"][1] == "3 casos"


def test_demographics_chart_names_its_colour_without_residents_too():
    from data_access.suppression import suppress

    rows = LD.share_rows(suppress({"Male": 120, "Female": 80}), None)
    fig = LD.dimension_figure(rows, "Sex", "Victims")
    assert fig["layout"]["showlegend"] is True and fig["data"][0]["name"] == "Victims"


# --- Download CSV -------------------------------------------------------------------------------

def _links(component) -> dict[str, list[str]]:
    """API path -> the parameters its link takes from the address bar, for every CSV link."""
    out, stack = {}, [json.loads(_text(component))]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "data-psad-csv" in node:
                out[node["data-psad-csv"]] = node["data-psad-params"].split(",")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def test_every_chart_and_table_has_its_csv_link_without_filters_that_do_not_apply():
    arrests = _links(LA.arrests_page())
    assert sorted(arrests) == sorted("/api/v1" + p for p in ("/arrests/trend", "/arrests/categories", "/arrests/areas",
                                                              "/arrests/charges", "/arrests/clearance"))
    outcomes = _links(LC.outcomes_page())
    assert sorted(outcomes) == ["/api/v1/outcomes/mix", "/api/v1/outcomes/summary", "/api/v1/outcomes/time"]
    for params in (*arrests.values(), *outcomes.values()):
        assert "offense" not in params and {"start", "end", "police_district", "council_district"} <= set(params)
    demo = _links(LD.demographics_page())
    assert sorted(demo) == ["/api/v1/demographics/arrests", "/api/v1/demographics/victims"]
    assert "offense" in demo["/api/v1/demographics/victims"] and "offense" not in demo["/api/v1/demographics/arrests"]
    assert LD.callback_csv("?start=2025-01-01&end=2025-12-31", "arrestees") is None  # no second link
    lookup = _links(LC.lookup_page(["HANDGUN ON PERSON"]))
    assert list(lookup) == ["/api/v1/cases"] and {"case", "charge", "page"} <= set(lookup["/api/v1/cases"])
    assert "offense" not in lookup["/api/v1/cases"] and "open" not in lookup["/api/v1/cases"]


def test_each_csv_link_answers_with_the_pages_filters(client):
    """Every path a link names is served and answers a CSV for a filtered view (the numbers
    themselves are helper A's API tests)."""
    paths = [*_links(LA.arrests_page()), *_links(LC.outcomes_page()), *_links(LD.demographics_page()),
             *_links(LC.lookup_page(["HANDGUN ON PERSON"]))]
    for path in paths:
        r = client.get(path + "?start=2025-01-01&end=2025-12-31&council_district=7&format=csv&lang=es")
        assert r.status_code == 200 and r.mimetype == "text/csv", (path, r.status_code, r.data[:200])
        assert "council-7_2025-01-01_2025-12-31" in r.headers["Content-Disposition"], path


# --- through the page's callback ------------------------------------------------------------------

def test_arrests_page_marks_the_month_its_dates_cut(app, client):
    from app import ids
    from tests.dash_support import shown

    client.get("/")
    body = shown(client, app, "/arrests", "?start=2024-01-01&end=2025-06-15")
    fig = body[ids.ARRESTS_TREND]["figure"]
    assert [n["text"] for n in fig["layout"]["annotations"]] == ["to 15 Jun"]
    assert all(t["marker"]["color"][-1].startswith("rgba(") for t in fig["data"])
    assert "Jun 2025 (to 15 Jun)" in json.dumps(body[LA.ARRESTS_TREND_TABLE]["children"])
