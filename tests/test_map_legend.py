"""An honest map (issue 14): legend classes that do not overlap and read naturally, every colour in
the key, areas outside the filters drawn as such (never as the 0 class), plurals, and a caption
that says when the numbers are too small to compare. Pure builders only: no database, no browser."""

from __future__ import annotations

import json
import random
from datetime import date

import pandas as pd
import pytest

from app import i18n
from data_access.filters import Filters
from layouts import map as L

F = Filters(date(2026, 1, 1), date(2026, 10, 31))


def printed_range(label: str, integer: bool) -> tuple[float, float]:
    """(low, high) of an English legend label: "7", "1–33", "up to 3.3" (above 0), "3.4–4.5"."""
    def num(s: str) -> float:
        return float(s.replace(",", ""))
    if label.startswith("up to "):
        return (0.0 if not integer else 1.0), num(label[len("up to "):])
    low, _sep, high = label.partition("–")
    return num(low), num(high or low)


def check_classes(values, integer: bool) -> list[str]:
    """Every positive value falls in exactly one class, the one whose printed range holds the value
    as printed; classes are in order, never overlap, and start one printed step above the last."""
    digits = None if integer else L.rate_digits(values)
    bounds = L.legend_bins(values, integer=integer, digits=digits)
    labels = L.class_labels(bounds, integer=integer, digits=digits)
    ranges = [printed_range(lab, integer) for lab in labels]
    step = 1 if integer else 10.0 ** -digits
    for (lo1, hi1), (lo2, hi2) in zip(ranges, ranges[1:]):
        assert lo2 == pytest.approx(hi1 + step) and hi2 >= lo2 > hi1, labels
    for v in values:
        if v <= 0:
            assert L.class_of(v, bounds, digits) == -1
            continue
        shown = L.fmt_value(v, integer, digits)
        i = L.class_of(v, bounds, digits)
        lo, hi = ranges[i]
        as_number = 10.0 ** -digits / 2 if shown.startswith("<") else float(shown.replace(",", ""))
        assert (lo <= as_number or (i == 0 and not integer)) and as_number <= hi, (v, shown, labels[i])
        if not integer:  # one precision for the whole map: every printed rate has ``digits`` decimals
            assert shown.lstrip("<").split(".")[1].__len__() == digits, shown
    return labels


def test_count_classes_are_whole_number_ranges_that_never_overlap():
    values = [0, 1, 2, 3, 5, 8, 13, 21, 33, 34, 40, 45, 46, 60, 89, 144]
    labels = check_classes(values, integer=True)
    assert labels[0].startswith("1–") and all("." not in lab for lab in labels)
    # the example: a class ending at 33 is followed by one starting at 34, not at 33
    bounds = [33.0, 45.0]
    assert L.class_labels(bounds, integer=True) == ["1–33", "34–45"]
    assert L.class_labels([1.0, 2.0, 9.0], integer=True) == ["1", "2", "3–9"]  # one value: no range


def test_rate_classes_share_one_precision_and_never_overlap():
    # the "up to 33.0" / "33.0–45.0" overlapped at 33.0
    assert L.class_labels([33.0, 45.0], integer=False, digits=1) == ["up to 33.0", "33.1–45.0"]
    assert L.class_labels([0.33, 0.45], integer=False, digits=2) == ["up to 0.33", "0.34–0.45"]
    check_classes([0.0, 0.004, 0.12, 0.5, 2.71828, 9.87], integer=False)
    check_classes([0.3, 3.25, 3.35, 12.0, 19.99, 33.04, 33.05, 45.0, 120.7], integer=False)
    rng = random.Random(14)
    for _ in range(200):
        n = rng.randint(1, 60)
        scale = rng.choice([0.05, 1, 20, 300])
        values = [round(rng.random() * scale, rng.choice([3, 6])) for _ in range(n)] + [0]
        check_classes(values, integer=False)
        check_classes([int(v * 10) for v in values], integer=True)


def test_a_rate_is_classed_as_printed():
    # 3.349 prints as 3.3 (one decimal): it belongs to the class that ends at 3.3, not the next
    bounds = [3.3, 4.5]
    assert L.class_of(3.349, bounds, 1) == 0 and L.class_of(3.35, bounds, 1) == 1
    assert L.fmt_value(0.004, False, 2) == "<0.01" and L.fmt_value(12.345, False, 1) == "12.3"
    with i18n.use("es"):
        assert L.class_labels([3.3, 4.5], integer=False, digits=1) == ["hasta 3,3", "3,4–4,5"]


def shapes():
    names = {"A": "Alpha", "B": "Beta", "C": "Gamma", "D": "Delta", "E": "Epsilon"}
    return {"names": names, "population": {k: 5_000 for k in names}, "bounds": {}}


def test_areas_outside_the_filters_are_hatched_not_zero():
    counts = pd.DataFrame({"code": ["A", "B"], "current": [12, 1], "prior": [3, 0]})
    out = L.choropleth(shapes(), counts, measure="count", min_population=500, min_compare=10,
                       selected=("A",), geo_filtered=True, inside=frozenset({"A", "B", "C"}), layer="neighborhood")
    h, values = out["hideout"], out["values"]
    # C is inside the filters with no victims: the 0 class; D and E are outside: hatched
    assert h["fill"]["C"] == L.ZERO_COLOR and h["fill"]["D"] == h["fill"]["E"] == L.NO_DATA != L.ZERO_COLOR
    assert h["out"] == ["D", "E"] and not values["C"]["outside"] and values["D"]["outside"]
    assert h["info"]["D"] == ["Delta", "Not in the chosen filters"]
    assert h["info"]["B"][1] == "1 victim" and h["info"]["A"][1] == "12 victims"  # plurals
    assert h["layer"] == "neighborhood" and h["sel"] == ["A"]
    kinds = [it["kind"] for it in out["legend"]]
    assert kinds[0] == "zero" and kinds[-1] == "outside" and "Not in the chosen filters" in out["legend"][-1]["label"]
    # the outside areas are not in the classes: the darkest class ends at the highest inside count
    assert out["bounds"][-1] == 12
    table = json.dumps(L.area_table(values, layer="neighborhood", layer_label="Neighborhoods", measure="count",
                                    span="2026", selected=("A",), min_compare=10).to_plotly_json(),
                       default=lambda o: o.to_plotly_json())
    assert table.count("not in the filters") == 2
    # without a geography filter nothing is outside; the old rule (no victims in either span) stays
    # the fallback when no one says which areas are inside
    plain = L.choropleth(shapes(), counts, measure="count", min_population=500, min_compare=10)
    assert plain["hideout"]["out"] == [] and "outside" not in [it["kind"] for it in plain["legend"]]
    fallback = L.choropleth(shapes(), counts, measure="count", min_population=500, min_compare=10, geo_filtered=True)
    assert fallback["hideout"]["out"] == ["C", "D", "E"]


def test_areas_in_filter_follow_the_links_and_the_records():
    links = {"n1": {"council_district": ["7"], "police_district": ["Western"]},
             "n2": {"council_district": ["7"], "police_district": ["Central"]},
             "n3": {"council_district": ["8"], "police_district": ["Western"]}}
    nbs = ["n1", "n2", "n3"]
    f = F.replace(council_district=("7",))
    assert L.areas_in_filter(F, "neighborhood", nbs, links, nbs) is None  # no geography filter
    assert L.areas_in_filter(f, "neighborhood", nbs, links, nbs) == {"n1", "n2"}
    assert L.areas_in_filter(f, "police_district_2023", ["Western", "Central", "Eastern"], links, nbs) == \
        {"Western", "Central"}
    assert L.areas_in_filter(f, "council_district", ["7", "8"], links, nbs) == {"7"}
    both = f.replace(police_district=("Western",))  # filters combine with "and"
    assert L.areas_in_filter(both, "neighborhood", nbs, links, nbs) == {"n1"}
    assert L.areas_in_filter(both, "council_district", ["7", "8"], links, nbs) == {"7"}
    assert L.areas_in_filter(f, "csa", ["c1", "c2"], links, nbs, {"c1": ["n2", "n3"], "c2": ["n3"]}) == {"c1"}
    # a record placed by its point in an area the links miss keeps that area inside
    assert L.areas_in_filter(f, "neighborhood", nbs, links, nbs, counted=["n3"]) == {"n1", "n2", "n3"}


def test_every_colour_and_mark_is_in_the_key():
    counts = pd.DataFrame({"code": ["A", "B"], "current": [12, 1], "prior": [3, 0]})
    out = L.choropleth(shapes() | {"population": {"A": 5_000, "B": 100, "C": 5_000, "D": 5_000, "E": None}},
                       counts, measure="rate", min_population=500, min_compare=10, geo_filtered=True,
                       inside=frozenset({"A", "B", "C", "E"}))
    used = set(out["hideout"]["fill"].values())
    keyed = {it["color"] for it in out["legend"] if it["kind"] != "outside"} | {L.NO_DATA}
    assert used <= keyed, used - keyed
    marks = L.legend_marks({"cvi": True}, points_shown=True, programs=("safe_streets",))
    key = json.dumps(L.legend_component(out["legend"], "rate", marks, selected=True).to_plotly_json(),
                     default=lambda o: o.to_plotly_json())
    for words in ("Not in the chosen filters", "Fewer than 500 residents", "Area in the filter", "One incident",
                  "A group of incidents", "Safe Streets", "swatch-outside", "cvi-dot-safe_streets"):
        assert words in key, words
    assert "Incidents in a square" not in key  # the density grid is not drawn: not in the key


def test_plurals_and_the_caption_on_small_numbers():
    assert L.victims_text(1) == "1 victim" and L.victims_text(2) == "2 victims"
    with i18n.use("es"):
        assert L.victims_text(1) == "1 víctima" and L.victims_text(3) == "3 víctimas"
    few = {c: L.area_value(c, n, 2, 5_000, 500) | {"outside": False} for c, n in zip("ABC", (0, 3, 12))}
    text = L.caption(F, "neighborhood", "Neighborhoods", "count", few, 10)
    assert "Most areas had fewer than 10 victims" in text and "mostly chance" in text
    many = {c: L.area_value(c, n, 2, 5_000, 500) | {"outside": False} for c, n in zip("ABC", (40, 30, 12))}
    assert "mostly chance" not in L.caption(F, "neighborhood", "Neighborhoods", "count", many, 10)
    outside = few | {"D": L.area_value("D", 0, 0, 5_000, 500) | {"outside": True}}
    assert "Hatched areas are outside the chosen filters" in L.caption(F, "neighborhood", "Neighborhoods", "count",
                                                                        outside, 10)
    none = {"A": L.area_value("A", 0, 0, 5_000, 500) | {"outside": False}}
    assert "No victims in these areas" in L.caption(F, "neighborhood", "Neighborhoods", "count", none, 10)


# --- back/forward over a Map control: one request (callbacks.map.refresh_values, controls_compute)


def test_back_to_another_layer_sends_its_outlines_and_sets_the_controls(app, client):
    from app import ids
    from tests.dash_support import shown

    client.get("/")
    state = "?start=2026-01-01&end=2026-10-31"
    # back from the neighborhoods to a link with the council districts as rates: the browser holds
    # the neighborhoods' outlines, so the districts' come in the same answer, and the controls follow
    body = shown(client, app, "/map", state + "&layer=council_district&measure=rate", previous=state)
    assert len(body[ids.MAP_AREAS]["data"]["features"]) == 14 and body[ids.MAP_SHAPES_KEY]["data"] == "council_district"
    assert body[ids.MAP_LAYER]["value"] == "council_district" and body[ids.MAP_MEASURE]["value"] == "rate"
    assert body[ids.MAP_SHOW_POINTS]["value"] is True and body[ids.MAP_NOTICES]["children"] == []
    # the same layer with other filters: no outlines again
    again = shown(client, app, "/map", "?start=2026-02-01&end=2026-10-31&layer=council_district",
                  previous=state + "&layer=council_district")
    assert set(again[ids.MAP_AREAS]) == {"hideout"}
    # a bad parameter in the address gets its notice on the way
    bad = shown(client, app, "/map", state + "&layer=galaxy", previous=state)
    assert "galaxy" in json.dumps(bad[ids.MAP_NOTICES]["children"]) and bad[ids.MAP_LAYER]["value"] == "neighborhood"
