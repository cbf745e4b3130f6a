"""Demographics, Arrests, Case outcomes and Case lookup in real Chromium: accessible in Spanish
(issue 11), charts with their numbers, phones, Spanish words and number formats.

* every chart is a <figure> with a name, and its table holds the same numbers as the figure's
  data (each number the chart draws is in its table; a withheld group is "<5" in the table and
  has no bar);
* no page-level horizontal scroll at 320 px, English and Spanish, with a case open too;
* Spanish words and number formats ("1.234", "24,9", "46 %", "26 nov 2026") are what shows.

axe-core on the four pages in Spanish at 1400 and 390 px, and on a case opened in the lookup, is in
tests/test_browser_a11y.py, with every other page.

One app served in a thread and one browser for the module (``tests/axe_support.py``).
"""

from __future__ import annotations

import re

import pytest

from app import ids
from tests.axe_support import set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

HEIGHT = 900
# path -> a selector whose text is non-empty once the page's data has arrived
PAGES = {
    "/demographics": f"#{ids.DEMO_VICTIMS}",
    "/arrests": f"#{ids.ARRESTS_CLEARANCE_TABLE}",
    "/outcomes": f"#{ids.OUTCOMES_CARDS}",
    "/lookup": f"#{ids.LOOKUP_RESULTS}",
}

# Rendered: the page's root is in <main>, its data has arrived, nothing is loading, no "Loading…"
# is left (in any language: the placeholders' text), every chart has drawn and every chart's
# table is filled.
_RENDERED = """
const [root, marker, open] = arguments;
const main = document.querySelector('main');
if (!main || !main.querySelector(root)) { return false; }
const m = document.querySelector(marker);
if (!m || !m.textContent.trim()) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
if (/Loading…|Cargando…|⟦Loading…⟧/.test(main.textContent)) { return false; }
if (open && !document.getElementById('case-detail')) { return false; }
// every graph drawn: one Plotly has not reached yet has no .js-plotly-plot, so count dcc.Graph's own element
if (!Array.from(main.querySelectorAll('.dash-graph')).every(g => g.querySelector('.main-svg'))) { return false; }
return Array.from(main.querySelectorAll('figure.chart .chart-table')).every(t => t.childElementCount > 0);
"""

# Every chart's <figure>: its name, the numbers of its figure's data (x, y, customdata, and the
# dates of a date axis), and its table's cells (opened, so the test reads what a reader reads).
_CHARTS = """
return Array.from(document.querySelectorAll('main figure')).map(fig => {
  fig.querySelectorAll('details').forEach(d => { d.open = true; });
  const gd = fig.querySelector('.js-plotly-plot');
  const nums = [], dates = [], cats = [];
  for (const t of (gd && gd.data) || []) {
    for (const key of ['x', 'y', 'customdata']) {
      const arr = t[key];
      if (!Array.isArray(arr)) { continue; }
      for (const v of arr) {
        if (typeof v === 'number') { nums.push(v); }
        else if (typeof v === 'string' && /^\\d{4}-\\d{2}-\\d{2}$/.test(v)) { dates.push(v); }
      }
    }
    if (t.orientation === 'h' && Array.isArray(t.y)) { cats.push(...t.y); }
  }
  const table = fig.querySelector('table');
  return {
    name: fig.getAttribute('aria-label') || '', role: fig.getAttribute('role'), id: gd ? gd.parentElement.id || gd.id : null,
    nums: nums, dates: dates, cats: cats,
    cells: table ? Array.from(table.querySelectorAll('td, th')).map(c => c.innerText.trim()) : null,
    rows: table ? Array.from(table.querySelectorAll('tbody tr')).map(r => Array.from(r.children).map(c => c.innerText.trim())) : [],
    tableDates: table ? Array.from(table.querySelectorAll('time')).map(t => t.getAttribute('datetime')) : [],
  };
});
"""

# The page's width against the window's, less its vertical scrollbar if it has one (headless
# Chromium draws a classic one: a page as wide as the window would still scroll by its width).
_SCROLL = ("const d = document.documentElement; "
           "return [d.scrollWidth, Math.min(window.innerWidth, d.clientWidth), document.body.scrollWidth];")


@pytest.fixture()
def driver(browser, site):
    """The shared browser, its console log emptied; no SEVERE entry may be logged by the test."""
    severe_logs(browser)
    yield browser
    assert severe_logs(browser) == []


@pytest.fixture(scope="module")
def case_number(browser, site):
    """A case number from the demo data (the first of the lookup's first page)."""
    open_page(browser, site, "/lookup", "lang=es")
    link = wait_for(lambda: browser.find_elements("css selector", ".case-link"), message="a case in the results")[0]
    return link.text.strip()


_CHART_INTO_VIEW = """
const root = document.querySelector('main ' + arguments[0]);
// the page's own elements are drawn a moment after its root (psad.Defer): wait for them
if (!root || root.querySelector('[data-psad-deferred]')) { return false; }
const graph = root.querySelector('.dash-graph');
if (graph) { graph.scrollIntoView(); }
return true;
"""


def open_page(driver, site, path: str, search: str = "", width: int = 1400) -> None:
    set_viewport(driver, width, HEIGHT)
    driver.get(f"{site.url}{path}{'?' + search if search else ''}")
    # a phone loads plotly.js when a chart comes into view (assets/psad_bundles.js): bring one there
    wait_for(lambda: driver.execute_script(_CHART_INTO_VIEW, f"#{ids.page_id(path.strip('/'))}"), timeout=40,
             message=f"{path}?{search} laid out at {width} px")
    wait_for(lambda: driver.execute_script(_RENDERED, f"#{ids.page_id(path.strip('/'))}", PAGES[path], "open=" in search),
             timeout=40, message=f"{path}?{search} rendered at {width} px")
    # the first view's figures come in the layout, so they can be read before Plotly has drawn them
    wait_for(lambda: driver.execute_script(
        "return Array.from(document.querySelectorAll('main figure .js-plotly-plot'))"
        ".every(g => g._fullLayout)"), timeout=40, message=f"{path}?{search}: charts drawn")
    driver.execute_script("window.scrollTo(0, 0)")


def numbers_in(cells: list[str], lang: str) -> list[float]:
    """Every number written in the table's cells, read the way the language writes it."""
    group, dec = (".", ",") if lang == "es" else (",", ".")
    out = []
    for cell in cells:
        for token in re.findall(r"\d[\d.,]*", cell.replace("\u00a0", " ")):
            token = token.rstrip(".,")
            try:
                out.append(float(token.replace(group, "").replace(dec, ".")))
            except ValueError:
                pass
    return out


def assert_same_numbers(chart: dict, lang: str, where: str) -> None:
    assert chart["role"] == "figure" and chart["name"].strip(), f"{where}: a chart without a name: {chart}"
    assert chart["cells"], f"{where}: the chart '{chart['name']}' has no table"
    table = numbers_in(chart["cells"], lang)
    missing = []
    for v in chart["nums"]:
        if float(v).is_integer():
            ok = any(t == v for t in table) or any(abs(t - v) < 0.051 for t in table)
        else:
            ok = any(abs(t - v) < 0.051 for t in table)
        if not ok:
            missing.append(v)
    assert not missing, f"{where}: '{chart['name']}' draws numbers its table does not hold: {missing[:10]}"
    assert set(chart["dates"]) <= set(chart["tableDates"]), \
        f"{where}: '{chart['name']}' dates not in its table: {sorted(set(chart['dates']) - set(chart['tableDates']))[:5]}"


def no_page_scroll(driver, where: str) -> None:
    doc, inner, body = driver.execute_script(_SCROLL)
    assert doc <= inner and body <= inner, f"{where}: the page scrolls sideways ({doc} px wide in {inner} px)"


# --- charts: a name, and the same numbers as a table ---------------------------------------------

@pytest.mark.parametrize("lang", ("es", "en"))
@pytest.mark.parametrize("path", (*PAGES, "/lookup?open"))
def test_every_chart_has_a_name_and_its_numbers_as_a_table(driver, site, case_number, path, lang):
    search = f"lang={lang}"
    if path == "/lookup?open":
        path, search = "/lookup", f"lang={lang}&open={case_number}"
    open_page(driver, site, path, search)
    charts = driver.execute_script(_CHARTS)
    expected = {"/demographics": 8, "/arrests": 4, "/outcomes": 2, "/lookup": 1 if "open=" in search else 0}[path]
    assert len(charts) == expected, f"{path}?{search}: {len(charts)} charts, expected {expected}"
    assert len({c["name"] for c in charts}) == len(charts), "each chart's name says which chart it is"
    for chart in charts:
        assert chart["nums"] or chart["dates"], f"{path}?{search}: '{chart['name']}' drew nothing"
        assert_same_numbers(chart, lang, f"{path}?{search}")
    if lang == "es":
        assert all(re.search(r"[Gg]ráfico|Cronología", c["name"]) for c in charts), [c["name"] for c in charts]


def test_withheld_groups_are_lt5_in_the_table_and_have_no_bar(driver, site):
    """A small view: some groups are "<5" (or withheld) in the tables, exactly as the chart
    leaves them out; in Spanish too."""
    open_page(driver, site, "/demographics", "lang=es&police_district=Western&offense=homicide&start=2025-01-01&end=2025-12-31")
    charts = driver.execute_script(_CHARTS)
    small = 0
    for chart in charts:
        for row in chart["rows"]:
            group, people = row[0], row[1]
            if people in ("<5",) or not re.search(r"\d", people):
                small += people == "<5"
                assert group not in [c.replace("<br>", " ") for c in chart["cats"]], \
                    f"'{group}' is withheld ({people}) but has a bar in '{chart['name']}'"
        assert_same_numbers(chart, "es", "small view")
    assert small, "a homicide view of one district has groups of fewer than 5"
    assert "<5" in driver.find_element("css selector", "main").text


def test_chart_names_follow_the_filters(driver, site):
    open_page(driver, site, "/arrests", "lang=es&start=2025-01-01&end=2025-12-31")
    citywide = [c["name"] for c in driver.execute_script(_CHARTS)]
    assert all("2025" in n and "toda la ciudad" in n for n in citywide), citywide
    open_page(driver, site, "/arrests", "lang=es&start=2025-01-01&end=2025-12-31&council_district=7")
    district = [c["name"] for c in driver.execute_script(_CHARTS)]
    assert all("7" in n and "toda la ciudad" not in n for n in district), district


# --- phones ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ("en", "es"))
def test_no_horizontal_scroll_at_320(driver, site, case_number, lang):
    for path, search in [(p, f"lang={lang}") for p in PAGES] + [("/lookup", f"lang={lang}&open={case_number}")]:
        open_page(driver, site, path, search, 320)
        no_page_scroll(driver, f"{path}?{search} at 320 px")
        # every chart's table open: a wide table scrolls inside its region, not the page
        driver.execute_script("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
        no_page_scroll(driver, f"{path}?{search} at 320 px, tables open")
        # nothing in <main> sticks out of the window without a scrolling box around it
        sticking = driver.execute_script("""
            const W = window.innerWidth, out = [];
            document.querySelectorAll('main *').forEach(el => {
              const r = el.getBoundingClientRect();
              if (r.width === 0 || r.right <= W + 1) { return; }
              for (let p = el.parentElement; p; p = p.parentElement) {
                const o = getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') { return; }
              }
              out.push(el.tagName + '.' + (typeof el.className === 'string' ? el.className : ''));
            });
            return out.slice(0, 5);""")
        assert not sticking, f"{path}?{search} at 320 px: clipped off the right edge: {sticking}"


# --- Spanish words and numbers ----------------------------------------------------------------------

def test_spanish_words_and_number_formats(driver, site, case_number):
    open_page(driver, site, "/arrests", "lang=es&start=2024-01-01&end=2025-12-31")
    cards = driver.find_element("css selector", f"#{ids.ARRESTS_CARDS}").text
    assert "Por cada 1.000 habitantes" in cards.replace("\n", " ") or "POR CADA 1.000 HABITANTES" in cards
    total = driver.find_element("css selector", "#arrests-total .card-value").text
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", total), f"a Spanish thousands separator: {total!r}"
    assert re.fullmatch(r"\d+,\d", driver.find_element("css selector", "#arrests-rate .card-value").text)
    page = driver.find_element("css selector", "main").text
    assert "Esclarecimiento: homicidios y tiroteos" in page and "Mostrar como tabla" in page
    assert "Homicidios" in driver.find_element("css selector", ".clearance-table").text

    open_page(driver, site, "/outcomes", "lang=es")
    page = driver.find_element("css selector", "main").text
    assert "Nolle prosequi" in page and "la fiscalía retira el cargo" in page
    assert "Stet" in page and "puede reabrirse" in page
    assert re.search(r"\d+\u00a0%|\d+ %", driver.find_element("css selector", "#outcomes-pending .card-value").text)

    open_page(driver, site, "/lookup", f"lang=es&open={case_number}")
    page = driver.find_element("css selector", "main").text
    assert f"Caso {case_number}" in page and "Número de caso" in page and "Tribunal de" in page
    filed = driver.find_element("css selector", ".results-table tbody time").text
    assert re.fullmatch(r"\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.? \d{4}", filed), filed
    assert re.search(r"Casos 1–\d+ de [\d.]+", page)

    open_page(driver, site, "/demographics", "lang=es")
    page = driver.find_element("css selector", "main").text
    assert "Víctimas de delitos de la Parte 1" in page  # its Download CSV is the section's link (issue 14)
    assert driver.find_elements("css selector", "main a.csv-link[data-psad-csv='/api/v1/demographics/victims']")


def test_bad_lookup_link_explains_in_spanish(driver, site):
    set_viewport(driver, 390, HEIGHT)
    driver.get(f"{site.url}/lookup?lang=es&case=%3Cb%3Ex&page=cero&open=999999999")
    text = wait_for(lambda: driver.find_element("css selector", f"#{ids.LOOKUP_ERROR}").text, message="message")
    assert "no es un número de caso" in text and "no es un número de página" in text, text
    missing = wait_for(lambda: driver.find_elements("css selector", "#case-missing"), message="no such case")
    assert "No hay ningún caso" in missing[0].text


# --- keyboard -------------------------------------------------------------------------------------

def test_opening_a_case_by_keyboard_moves_focus_to_it_and_closing_brings_it_back(driver, site):
    from selenium.webdriver.common.keys import Keys

    open_page(driver, site, "/lookup", "lang=es", 390)
    link = driver.find_elements("css selector", ".case-link")[2]
    number = link.text.strip()
    link.send_keys(Keys.ENTER)
    wait_for(lambda: driver.switch_to.active_element.get_attribute("id") == "case-heading",
             message="focus on the opened case's heading")
    assert driver.switch_to.active_element.text == f"Caso {number}"
    close = driver.find_element("css selector", "#case-close")
    close.send_keys(Keys.ENTER)
    wait_for(lambda: not driver.find_elements("css selector", "#case-detail"), message="the case closes")
    wait_for(lambda: driver.switch_to.active_element.text.strip() == number,
             message="focus back on the case's link in the results")
