"""The Neighborhood Stat profile and every chart's table are built as Dash's wire form (``layouts.common.wire``,
for speed): what reaches the browser is exactly what the Dash components would send. No database."""

from __future__ import annotations

import json

import pytest
from dash import html
from dash._utils import to_json

from layouts import neighborhood_stat as L
from layouts.common import scroll_region
from layouts.static import static

ROWS = [
    {"section": "Crime and Safety", "indicator": "violent_crime_rate_per_1_000_residents", "label": "Violent crime rate",
     "year": 2018, "value": 12.5, "city_value": 14.25, "first_year": 2010, "first_value": 15.0,
     "trend": [[2010, 15.0], [2014, 13.0], [2018, 12.5]], "definition": "Violent crimes per 1,000 residents.",
     "source": "BPD"},
    {"section": "Crime and Safety", "indicator": "gun_rate", "label": "Gun crimes", "year": 2017, "value": 0.04,
     "city_value": None, "first_year": 2017, "first_value": 0.04, "trend": [[2017, 0.04]], "definition": None,
     "source": None},
    {"section": "Census Demographics", "indicator": "total_population", "label": "Total population", "year": 2010,
     "value": 12345.0, "city_value": 620961.0, "first_year": 2010, "first_value": 12345.0,
     "trend": [[2010, 12345.0]], "definition": "Residents.", "source": "Census"},
]


def reference_table(rows, area, caption):
    """The profile table as Dash components (the page's code before it built the wire form)."""
    def en(text):
        return html.Span(text, lang="en")

    is_city = area == "Baltimore City"
    cols = ["Indicator", "Year", area] + ([] if is_city else ["City"]) + ["Trend"]
    body = []
    for r in rows:
        trend_text = "{first}: {v0} → {last}: {v1}".format(
            first=r["first_year"], v0=L.fmt_value(r["first_value"]), last=r["year"], v1=L.fmt_value(r["value"]))
        trend = [html.Span(L.sparkline([v for _y, v in r["trend"]]), className="ns-spark", **{"aria-hidden": "true"}),
                 " ", html.Span(trend_text, className="ns-trend-text")]
        label = [en(r["label"]), html.Span(trend, className="ns-phone-trend"),
                 html.Span(["Source: ", en(r["source"] or "—")], className="ns-source")]
        if r.get("definition"):
            label.append(html.Details([html.Summary("Definition", className="ns-def-toggle"),
                                       html.P(en(r["definition"]), className="ns-def")], className="ns-def-box"))
        cells = [html.Th(label, scope="row", className="ns-label"), html.Td(str(r["year"]), className="num ns-year"),
                 html.Td(L.fmt_value(r["value"]), className="num")]
        if not is_city:
            cells.append(html.Td(L.fmt_value(r["city_value"]), className="num"))
        cells += [html.Td(trend, className="ns-trend")]
        body.append(html.Tr(cells, **{"data-indicator": r["indicator"]}))
    heads = {1: "num ns-year", len(cols) - 1: "ns-trend"}
    table = html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(L.slashed(c) if k == 2 else c, scope="col",
                                    className=heads.get(k, "num" if k else None)) for k, c in enumerate(cols)])),
        html.Tbody(body)], className="table table-sm ns-table")
    return scroll_region(table, caption)


@pytest.mark.parametrize("area", ["Canton", "Baltimore City", "Allendale/Irvington/S. Hilton"])
def test_the_profile_table_sends_what_the_components_would(area):
    got = json.loads(to_json(L.profile_table(ROWS, area, "A caption")))
    assert got == json.loads(to_json(reference_table(ROWS, area, "A caption")))
    # and the whole profile: its sections in order, each table as above
    view = json.loads(to_json(L.profile_view(ROWS, area, list(L.SECTION_LABELS))))
    assert [b["props"]["data-section"] for b in view["props"]["children"][1:]] == ["Crime and Safety",
                                                                                  "Census Demographics"]


def test_a_slashed_name_may_break_after_each_slash():
    assert L.slashed("Canton") == "Canton"
    parts = L.slashed("Allendale/Irvington/S. Hilton")
    assert [p if isinstance(p, str) else type(p).__name__ for p in parts] == [
        "Allendale/", "Wbr", "Irvington/", "Wbr", "S. Hilton"]


def test_wire_checks_the_props_like_the_constructor():
    assert L.wire(html.Td, "1", className="num") == json.loads(to_json(html.Td("1", className="num")))
    assert L.wire(html.Tr, None, **{"data-x": "1"}) == json.loads(to_json(html.Tr(**{"data-x": "1"})))
    with pytest.raises(TypeError):
        L.wire(html.Td, "1", classname="num")


def test_the_data_tables_send_what_the_components_would():
    """``layouts.common.data_table`` (every chart's table, rows in the wire form, drawn by a ``Static``) against the same
    table built from Dash components, as it was before."""
    from layouts.common import data_table

    rows = [["Canton ★", "1", "12.5"], ["Baltimore City", "—", "14.2"]]
    cols = ["CSA", "Rank", "Value"]
    reference = scroll_region(static(html.Table([
        html.Caption("Ranked"),
        html.Thead(html.Tr([html.Th(c, scope="col", className="num" if i in (1, 2) else None)
                            for i, c in enumerate(cols)])),
        html.Tbody([html.Tr([html.Th(r[0], scope="row") if i == 0 else html.Td(v, className="num" if i in (1, 2) else None)
                             for i, v in enumerate(r)]) for r in rows]),
    ], className="table table-sm chart-data")), "Ranked")
    assert json.loads(to_json(data_table(cols, rows, "Ranked", numeric=(1, 2)))) == json.loads(to_json(reference))
