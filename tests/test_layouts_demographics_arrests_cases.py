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
    assert fig["layout"]["yaxis"]["categoryarray"] == ["Charge 2", "Charge 1",
                                                       "Case filed", "Arrest"]
    names = [t.get("name") for t in fig["data"] if t["mode"] == "markers"]
    assert names == ["Arrest", "Filed", "Guilty", "Pending"]  # a pending charge keeps its row


def test_rates_and_area_figure():
    assert LA.rate_per_1000(50, 10000) == 5.0 and LA.rate_per_1000(5, None) is None
    df = pd.DataFrame({"area": ["A", "B"], "n": [10, 30], "population": [1000, 10000]})
    fig = LA.area_figure(df, "police_district")
    assert fig["data"][0]["y"] == ["B", "A"] and fig["data"][0]["x"] == [3.0, 10.0]


# --- Spanish (issue 11): the builders under ``i18n.use("es")`` ------------------------------------

def _text(component) -> str:
    """Every string of a Dash component tree, joined (what a reader would see, and names)."""
    import json

    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_outcomes_builders_in_spanish():
    from app import i18n

    mix = pd.DataFrame({"gun": [True, True, False], "disposition": ["guilty", "nolle_prosequi", "stet"],
                        "n": [1234, 2, 5]})
    with i18n.use("es"):
        fig = LC.mix_figure(mix)
        table = _text(LC.mix_table(mix))
        page = _text(LC.outcomes_page())
    assert [t["name"] for t in fig["data"]] == ["Cargos con armas de fuego", "Otros cargos"]
    assert fig["data"][0]["y"][0] == "Culpable" and fig["data"][0]["text"][0] == "99,8\u00a0%"
    assert fig["layout"]["xaxis"]["title"]["text"].replace("<br>", " ") == "Porcentaje de los cargos del grupo"
    # the table holds the chart's numbers, in Spanish form
    assert "1.234" in table and "99,8\u00a0%" in table and "Resolución" in table
    # the page: headings, the court terms explained, the charts' names
    assert "Qué pasó con los cargos" in page and "la fiscalía retira el cargo" in page
    assert "Gráfico de barras" in page and "Mostrar como tabla" in page
    assert "Cases are counted" not in page


def test_arrests_builders_in_spanish():
    from datetime import date as d

    from app import i18n
    from data_access.filters import Filters

    cats = pd.DataFrame({"charge_category": ["violent", "drugs"], "n": [1500, 500]})
    trend = pd.DataFrame({"period": [d(2025, 1, 1), d(2025, 2, 1)], "charge_category": ["violent", "violent"],
                          "n": [1200, 300]})
    f = Filters(d(2025, 1, 1), d(2025, 12, 31))
    with i18n.use("es"):
        cards = _text(LA.cards(2000, 800_000, f))
        cat_fig = LA.category_figure(cats)
        cat_table = _text(LA.category_table(cats))
        trend_table = _text(LA.trend_table(trend, "month"))
        names = LA.chart_names(LA.where_text(f))
    assert "Por cada 1.000 habitantes" in cards and "2.000" in cards and "2,5" in cards and "800.000 habitantes" in cards
    assert cat_fig["data"][0]["text"] == ["500", "1.500"] and cat_fig["data"][0]["customdata"] == ["25\u00a0%", "75\u00a0%"]
    assert "Categoría de cargo" in cat_table and "1.500" in cat_table
    assert "ene 2025" in trend_table and "1.200" in trend_table
    assert names["trend"].startswith("Gráfico de barras apiladas") and "2025, toda la ciudad" in names["trend"]


def test_demographics_builders_in_spanish_keep_lt5():
    from app import i18n

    table = suppress({"Black": 1200, "White": 3, "Asian": 40}, order=["Black", "White", "Asian"])
    with i18n.use("es"):
        rows = LD.share_rows(table, {"Black": 600, "White": 300, "Asian": 100})
        fig = LD.dimension_figure(rows, "Raza", "Víctimas")
        html_table = _text(LD.dimension_table(rows, "race", True, "Víctimas por raza"))
        note = LD.withheld_note(rows)
    assert "<5" in html_table and "1.200" in html_table and "Grupo" in html_table
    assert fig["data"][1]["name"] == "Habitantes"
    assert fig["data"][0]["text"][0] == "96,5\u00a0%" and fig["data"][0]["customdata"][0] == "1.200"  # a share of all 1,243, the withheld too
    assert note.startswith("Sin barra") and "White" not in note


def test_lookup_builders_in_spanish():
    from app import i18n

    detail = {"case_number": "825000001", "filed_date": date(2025, 3, 2), "arrest_date": date(2025, 3, 1),
              "court": "circuit", "neighborhood": "Oak Hill",
              "charges": pd.DataFrame({"seq": [1, 2], "statute": ["1 5211", "1 1420"],
                                       "description": ["HANDGUN ON PERSON", "ASSAULT-SEC DEGREE"],
                                       "severity": ["misdemeanor", "felony"], "is_gun_charge": [True, False],
                                       "disposition": ["stet", "pending"],
                                       "disposition_date": [date(2025, 9, 1), None],
                                       "sentence_summary": ["Probation before judgment, 3 years probation", None]})}
    with i18n.use("es"):
        view = _text(LC.case_detail_view(detail, "825000001", "/lookup"))
        fig = LC.timeline_figure(detail)
        missing = _text(LC.case_detail_view(None, "X1234", "/lookup"))
    assert "Caso 825000001" in view and "Tribunal de Circuito" in view and "Delito menor" in view
    assert "2 mar 2025" in view and "1 sept 2025" in view or "1 sep 2025" in view
    assert "Cronología del caso 825000001" in view and "Mostrar como tabla" in view
    assert "Handgun On Person" in view  # a charge description is data: not translated
    assert [t["name"] for t in fig["data"] if t["mode"] == "markers"] == ["Arresto", "Presentado", "Stet", "Pendiente"]
    assert "No hay ningún caso" in missing
