"""The Summary page for everyone (issue 11), in real headless Chromium: every chart a named figure whose "Show as table" holds the same numbers as the figure's
data; the offense bar-click filter done by keyboard (Tab to an offense's button, Enter: the filter
is in the URL, focus stays on that offense; Enter again clears it); no page-level horizontal scroll at 320 px in English and
Spanish; Spanish words and Spanish numbers ("31.977") on the Spanish page. (axe-core on the Spanish
page, citywide and filtered, tables open: tests/test_browser_a11y.py, with every other page.)

One app served in a thread and one browser for the module (``tests/axe_support.py``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import ids
from layouts import summary as L
from tests.axe_support import set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

HEIGHT = 900
CHARTS = {  # graph id -> (figure id, table id)
    ids.SUMMARY_TREND: (L.TREND_FIGURE, L.TREND_TABLE),
    ids.SUMMARY_OFFENSES: (L.OFFENSES_FIGURE, L.OFFENSES_TABLE),
    ids.SUMMARY_HEATMAP: (L.HEATMAP_FIGURE, L.HEATMAP_TABLE),
    ids.SUMMARY_GOAL: (L.GOAL_FIGURE, L.GOAL_TABLE),
}

# Drawn: the cards and every chart's table have arrived, nothing is loading, every chart has its SVG.
_RENDERED = """
const tables = arguments[0];
const card = document.querySelector('#card-all .card-value');
if (!card || !card.innerText.trim()) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
const main = document.querySelector('main');
if (!main || /Loading…|Cargando…/.test(main.innerText)) { return false; }
if (!tables.every(t => { const el = document.getElementById(t); return el && el.children.length; })) { return false; }
return Array.from(main.querySelectorAll('.js-plotly-plot')).every(g => g.querySelector('.main-svg'));
"""


@pytest.fixture()
def driver(browser, site):
    """The shared browser, its console log emptied; no SEVERE entry may be logged by the test."""
    severe_logs(browser)
    yield browser
    assert severe_logs(browser) == []


def open_summary(driver, site, lang: str = "en", search: str = "", width: int = 1400) -> None:
    set_viewport(driver, width, HEIGHT)
    query = "&".join(p for p in (f"lang={lang}", search) if p)
    driver.get(f"{site.url}/?{query}")
    wait_for(lambda: driver.execute_script(_RENDERED, [t for _, t in CHARTS.values()]),
             timeout=30, message=f"the Summary ?{query} drawn at {width} px")


def open_tables(driver) -> None:
    driver.execute_script("document.querySelectorAll('main details.chart-details').forEach(d => { d.open = true; })")


def query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def number(text: str, lang: str) -> float:
    """'1.234' / '1,234' / '603,8' / '−58' -> a number."""
    t = text.strip().replace("−", "-").replace("\u00a0", "").replace("%", "")
    t = t.replace(".", "").replace(",", ".") if lang == "es" else t.replace(",", "")
    return float(t)


# --- charts: a name and a table of the same numbers ------------------------------------------------

_CHART_DATA = """
const [graphId, figureId, tableId] = arguments;
const gd = document.querySelector('#' + graphId + ' .js-plotly-plot') || document.getElementById(graphId);
const fig = document.getElementById(figureId);
const table = document.querySelector('#' + tableId + ' table');
const rows = table ? Array.from(table.querySelectorAll('tbody tr')).map(tr => {
  const first = tr.children[0];
  const button = first.querySelector('button');
  return {head: first.innerText.trim(), id: button ? button.id : null,
          cells: Array.from(tr.children).slice(1).map(td => td.innerText.trim())};
}) : [];
return {name: fig && fig.getAttribute('aria-label'), role: fig && fig.getAttribute('role'), tag: fig && fig.tagName,
        contains: !!(fig && fig.contains(gd)),
        data: (gd.data || []).map(t => ({type: t.type, name: t.name, x: t.x, y: t.y, z: t.z, customdata: t.customdata})),
        caption: table ? table.querySelector('caption').innerText : null,
        headers: table ? Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim()) : [],
        rows: rows};
"""


def chart_data(driver, graph_id: str) -> dict:
    figure_id, table_id = CHARTS[graph_id]
    return driver.execute_script(_CHART_DATA, graph_id, figure_id, table_id)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_chart_is_named_and_its_table_holds_the_figures_numbers(driver, site, lang):
    open_summary(driver, site, lang)
    open_tables(driver)
    found = {g: chart_data(driver, g) for g in CHARTS}
    for g, c in found.items():
        assert c["tag"] == "FIGURE" and c["role"] == "figure" and c["contains"], g
        assert c["name"] and len(c["name"]) > 30, f"{g}: the figure's accessible name {c['name']!r}"
        assert c["caption"] and c["rows"], f"{g}: no table"
    words = {"es": ("Gráfico de líneas", "Gráfico de barras", "Mapa de calor", "meta del Plan"),
             "en": ("Line chart", "Bar chart", "Heat map", "target path")}[lang]
    names = " | ".join(c["name"] for c in found.values())
    assert all(w in names for w in words), names
    assert ("1 ene" in names) if lang == "es" else ("1 Jan" in names), "the span, in the reader's language"

    # trend: every period's count, in the figure and in the table
    trend = found[ids.SUMMARY_TREND]
    counts = trend["data"][0]["y"]
    assert [number(r["cells"][0], lang) for r in trend["rows"]] == counts
    averages = [a for a in trend["data"][1]["y"]]
    table_avg = [None if r["cells"][1] == "—" else number(r["cells"][1], lang) for r in trend["rows"]]
    assert [None if a is None else round(a, 1) for a in averages] == table_avg

    # offenses: each bar's count and the year-earlier tick, by offense code
    off = found[ids.SUMMARY_OFFENSES]
    bars = {code: x for t in off["data"] if t["type"] == "bar" for code, x in zip(t["customdata"], t["x"])}
    ticks = dict(zip(off["data"][-1]["customdata"], off["data"][-1]["x"]))
    table = {json.loads(r["id"])["code"]: r["cells"] for r in off["rows"]}
    assert set(table) == set(bars) and len(bars) >= 10
    for code, cells in table.items():
        assert number(cells[1], lang) == bars[code] and number(cells[2], lang) == ticks[code], code
        assert number(cells[3], lang) == bars[code] - ticks[code], code
    assert [json.loads(r["id"])["code"] for r in off["rows"]] == list(reversed(off["data"][-1]["customdata"]))

    # heat map: hour rows x weekday columns, the figure's z is weekday rows x hour columns
    heat = found[ids.SUMMARY_HEATMAP]
    z = heat["data"][0]["z"]
    assert len(heat["rows"]) == 24 and heat["headers"][1:] == heat["data"][0]["y"]
    for h, row in enumerate(heat["rows"]):
        assert [number(v, lang) for v in row["cells"]] == [z[d][h] for d in range(7)], f"hour {h}"

    # goal: each year's actual and target
    goal = found[ids.SUMMARY_GOAL]
    actual = {str(x).replace("<br>", " "): y for t in goal["data"] if t["type"] == "bar" for x, y in zip(t["x"], t["y"])}
    target_trace = goal["data"][-1]
    targets = {str(x).replace("<br>", " "): y for x, y in zip(target_trace["x"], target_trace["y"])}
    assert {r["head"] for r in goal["rows"]} == set(actual) == set(targets)
    for r in goal["rows"]:
        assert number(r["cells"][0], lang) == actual[r["head"]]
        assert number(r["cells"][1], lang) == round(targets[r["head"]])
        status = r["cells"][3]
        met = actual[r["head"]] <= targets[r["head"]]
        near = {"es": ("Dentro de la variación normal de la meta", "Muy pocos para saberlo"),
                "en": ("Within normal variation of the path", "Too few to tell")}[lang]  # neither, by chance
        assert status in near or status == {("es", True): "Por debajo de la meta", ("es", False): "Por encima de la meta",
                                            ("en", True): "Below the target path",
                                            ("en", False): "Above the target path"}[lang, met]
    # met and missed years differ by more than colour: two legend entries with two fill patterns
    bar_names = [t["name"] for t in goal["data"] if t["type"] == "bar"]
    assert len(bar_names) == len(set(bar_names)) >= 1


# --- the offense filter by keyboard ----------------------------------------------------------------

def test_offense_filter_by_keyboard(driver, site):
    open_summary(driver, site, "en")
    before = driver.find_element("css selector", "#card-all .card-value").text
    toggle = driver.find_element("css selector", f"#{L.OFFENSES_FIGURE} details > summary")
    driver.execute_script("arguments[0].focus()", toggle)
    ActionChains(driver).send_keys(Keys.ENTER).perform()  # Enter opens the "Show as table" disclosure
    wait_for(lambda: driver.execute_script(f"return document.querySelector('#{L.OFFENSES_FIGURE} details').open"),
             message="the offense table open by Enter")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    # the table's scroll box, then its first offense button (the largest offense)
    for _ in range(3):
        active = driver.switch_to.active_element
        if active.tag_name == "button":
            break
        ActionChains(driver).send_keys(Keys.TAB).perform()
    active = driver.switch_to.active_element
    assert active.tag_name == "button" and "offense-filter-button" in active.get_attribute("class"), \
        active.get_attribute("outerHTML")[:200]
    code = json.loads(active.get_attribute("id"))["code"]
    assert active.get_attribute("aria-pressed") == "false"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for(lambda: query(driver).get("offense") == [code], message=f"offense={code} in the URL after Enter")
    wait_for(lambda: (v := driver.find_element("css selector", "#card-all .card-value").text) != before and v,
             message="the cards follow the filter")
    pressed = wait_for(lambda: driver.find_element(
        "css selector", f"#{L.OFFENSES_TABLE} button[aria-pressed='true']"), message="the button shows it is chosen")
    assert json.loads(pressed.get_attribute("id"))["code"] == code
    assert "✓" in pressed.text, "the choice shows by a mark, not by colour alone"
    # the table was redrawn with the filter: focus is back on the same offense's button, not lost
    wait_for(lambda: json.loads(driver.switch_to.active_element.get_attribute("id") or "{}").get("code") == code,
             message="focus on the pressed offense's button after the table is redrawn")
    # Enter again on the same offense clears the filter, as a second click on its bar does
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for(lambda: "offense" not in query(driver), message="the offense filter cleared by a second Enter")
    wait_for(lambda: driver.find_element("css selector", "#card-all .card-value").text == before,
             message="citywide numbers back")


# --- phones ------------------------------------------------------------------------------------------

_WIDE = """
const out = [];
for (const el of document.querySelectorAll('main *')) {
  if (el.closest('.table-scroll')) { continue; }
  const r = el.getBoundingClientRect();
  if (r.width && r.right > window.innerWidth + 1) { out.push(el.tagName + '.' + String(el.className.baseVal ?? el.className) + ' ' + Math.round(r.right)); }
}
return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: out.slice(0, 8)};
"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_horizontal_scroll_at_320(driver, site, lang):
    open_summary(driver, site, lang, width=320)
    for tables in (False, True):
        if tables:
            open_tables(driver)
        m = driver.execute_script(_WIDE)
        assert m["scroll"] <= m["inner"], f"{lang}, tables open {tables}: page {m['scroll']} px wide in {m['inner']} px"
        assert not m["wide"], f"{lang}, tables open {tables}: past the right edge: {m['wide']}"


# --- Spanish ----------------------------------------------------------------------------------------

def test_spanish_summary_in_spanish_words_and_numbers(driver, site):
    open_summary(driver, site, "es")
    text = driver.find_element("css selector", "main").get_attribute("textContent")
    for word in ("Homicidios", "Tiroteos no mortales", "Todos los delitos de la Parte 1", "Tendencia", "Por delito",
                 "Cuándo ocurre", "La meta del Plan", "Mostrar como tabla", "comparado con", "víctimas de violencia armada"):
        assert word in text, word
    for english in ("Homicides", "Trend", "By offense", "When it happens", "Show as table", "compared with"):
        assert english not in text, english
    total = driver.find_element("css selector", "#card-all .card-value").text
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", total), f"a Spanish thousands separator: {total!r}"
    change = driver.find_element("css selector", "#card-all .card-change").text
    assert "frente a" in change and re.search(r"\d\.\d{3}", change), change
    # the charts' own text: Spanish axis, legend and tick labels
    svg = driver.execute_script("return Array.from(document.querySelectorAll('main .main-svg text'))"
                                ".map(t => t.textContent).join(' | ')")
    for word in ("Víctimas por semana", "Delitos violentos", "Mismo periodo un año antes", "Hurto", "lun", "dom",
                 "Meta (15\u00a0% menos cada año)"):
        assert word in svg, word
