"""The Map page for everyone (issue 11), in real headless Chromium.

* no page-level horizontal scroll at 390 and 320 px, in both languages;
* the keyboard: no shape, circle or marker of the map is a Tab stop, and Tab goes from the first
  map control to the footer in a few dozen presses with thousands of incidents drawn; Enter on an
  area's button in the table sets the filter (the URL);
* a click (or tap) on an area shows its numbers and leaves the URL alone until "Filter by this
  area" is pressed; a click on a density circle reaches the area under it;
* prefers-reduced-motion: reduce: the map jumps to the chosen area instead of flying there; and
  leaving the page in the middle of a flight logs no error.

axe-core on the Map (English and Spanish, 1400 and 390 px, the incidents shown and hidden, the table
of areas open) is in tests/test_browser_a11y.py, with every other page.

One app (with a point cap low enough to see both points and the density grid) and one browser
for the module.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import ids
from layouts import map as L
from tests.axe_support import ServedApp, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

POINT_CAP = 2000
POINTS = "start=2026-10-01&end=2026-10-31"  # a month of the test data: drawn as points (clustered)
DENSITY = "start=2012-01-01&end=2026-10-31"  # every year: too many, drawn as the density grid
HEIGHT = 900


@pytest.fixture(scope="module")
def site(demo_url):
    from app import create_app
    from tests.conftest import free_port

    served = ServedApp(create_app({"database_url": demo_url, "map_point_cap": POINT_CAP}).server,
                       free_port()).start()
    yield served
    served.stop()


@pytest.fixture()
def driver(browser, site):
    """The shared browser, its console emptied; the test may log no SEVERE entry. Motion is reset."""
    severe_logs(browser)
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert severe_logs(browser) == []


_RENDERED = """
const [tableId] = arguments;
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
const legend = document.getElementById('map-legend');
if (!legend || !legend.innerText.trim()) { return false; }
const table = document.getElementById(tableId);
if (!table || !table.querySelector('tbody tr')) { return false; }
return document.querySelectorAll('#map .leaflet-overlay-pane path').length > 10;
"""


def open_map(driver, site, search: str = "", width: int = 1400, lang: str = "en") -> None:
    set_viewport(driver, width, HEIGHT)
    query = "&".join(p for p in (search, "" if lang == "en" else f"lang={lang}") if p)
    driver.get(f"{site.url}/map{'?' + query if query else ''}")
    wait_for(lambda: driver.execute_script(_RENDERED, L.AREA_TABLE), timeout=30,
             message=f"/map?{query} rendered at {width} px")
    time.sleep(0.3)  # the last Leaflet redraw


def query(driver) -> dict:
    return parse_qs(urlsplit(driver.current_url).query)


def open_table(driver) -> None:
    driver.execute_script("document.querySelector('.map-table-details').open = true")


def area_paths(driver):
    """The area shapes on screen, large enough to click, away from the map's corners."""
    shades = {c.lower() for c in L.PALETTE + (L.ZERO_COLOR, L.FLAG_COLOR, "#ffffff")}
    frame = driver.find_element("css selector", "#map").rect
    out = []
    try:
        for p in driver.find_elements("css selector", "#map .leaflet-overlay-pane path.leaflet-interactive"):
            if (p.get_attribute("fill") or "").lower() not in shades:
                continue
            r = p.rect
            cx, cy = r["x"] + r["width"] / 2, r["y"] + r["height"] / 2
            if r["width"] > 15 and r["height"] > 15 and frame["x"] + 80 < cx < frame["x"] + frame["width"] - 40 \
                    and frame["y"] + 40 < cy < frame["y"] + frame["height"] - 180:
                out.append(p)
    except StaleElementReferenceException:  # redrawn while we looked: ask again
        return []
    return out


def press(driver, element) -> None:
    """A mouse click on ``element``, scrolled into view at once (Bootstrap scrolls smoothly, and
    a click aimed while the page still moves lands elsewhere)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def click_at(driver, x: float, y: float) -> None:
    """A real mouse click at a point of the page (whatever is on top there gets it)."""
    body = driver.find_element("css selector", "body")
    ActionChains(driver).move_to_element_with_offset(body, 0, 0).perform()  # a known start
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    for kind in ("mousePressed", "mouseReleased"):
        driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                            "clickCount": 1})


# What is under a point of the page: the element on top and the area path the click goes to.
_UNDER = """
const [x, y] = arguments;
const top = document.elementFromPoint(x, y);
return top ? {tag: top.tagName, interactive: top.classList.contains('leaflet-interactive'),
              fill: top.getAttribute('fill')} : null;
"""


# --- reflow ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_page_level_horizontal_scroll_on_phones(driver, site, lang):
    for width in (390, 320):
        for search in (POINTS, f"{DENSITY}&measure=rate"):
            open_map(driver, site, search, width, lang)
            open_table(driver)
            # the numbers of an area shown too (the panel over the map must fit)
            driver.execute_script("arguments[0].click()", driver.find_elements(
                "css selector", f"#{L.AREA_TABLE} tbody tr button")[0])
            got = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert got[0] <= got[1], f"/map?{search} at {width} px ({lang}) is {got[0]} px wide"
            assert driver.find_element("css selector", "#map").size["width"] >= width - 80, "the map keeps the width"


def test_spanish_page_has_spanish_words_and_numbers(driver, site):
    open_map(driver, site, f"{DENSITY}&measure=rate", 1400, "es")
    text = driver.execute_script("return document.querySelector('main').textContent")
    for words in ("Áreas", "Colorear por", "Tasa por cada 1.000 habitantes", "Capas", "Incidentes",
                  "Quitar el área elegida", "Víctimas por cada 1.000 habitantes", "Vecindarios",
                  "Demasiados incidentes", "Mostrar como tabla"):
        assert words in text, words
    assert "Shade by" not in text and "Victims" not in text and " incidents" not in text
    open_table(driver)
    table = driver.execute_script("return document.getElementById(arguments[0]).textContent", L.AREA_TABLE)
    assert "Cambio frente al año anterior" in table and "Filtrar" in table
    # a thousands separator in Spanish is a point: the density note's count
    note = driver.find_element("css selector", "#map-density-note").text
    assert any(c.isdigit() for c in note) and "," not in note.split(";")[0]


# --- keyboard ------------------------------------------------------------------------------------

_FOCUSABLE_SHAPES = """
return Array.from(document.querySelectorAll('#map .leaflet-overlay-pane path, #map .leaflet-marker-icon'))
  .filter(e => e.getAttribute('tabindex') !== '-1').map(e => e.outerHTML.slice(0, 120));
"""


def test_no_shape_circle_or_marker_is_a_tab_stop_and_tab_reaches_the_footer(driver, site):
    for search in (f"{POINTS}&cvi=on", f"{DENSITY}&points=on", "points=off"):
        open_map(driver, site, search)
        if search.startswith(POINTS):
            wait_for(lambda: driver.find_elements("css selector", "#map-points-note"), message="points drawn")
            wait_for(lambda: len(driver.find_elements("css selector", "#map .leaflet-marker-icon")) > 5,
                     message="clusters and site markers drawn")
        assert driver.execute_script(_FOCUSABLE_SHAPES) == [], search
        # from the first map control, Tab by Tab to the footer
        driver.execute_script("document.getElementById(arguments[0]).focus()", ids.MAP_LAYER)
        stops = []
        for _ in range(60):
            ActionChains(driver).send_keys(Keys.TAB).perform()
            where = driver.execute_script(
                "const e = document.activeElement; return [e.tagName, e.id, String(e.getAttribute('class') || ''),"
                " !!e.closest('footer'), !!e.closest('#map .leaflet-pane')]")
            stops.append(where)
            assert not where[4], f"a shape or marker took focus: {where}"
            if where[3]:
                break
        assert stops[-1][3], f"Tab never reached the footer from the map controls ({search}): {stops[:20]}"
        order = [s[1] for s in stops]
        assert order.index(ids.MAP) < order.index(L.AREA_TABLE) if L.AREA_TABLE in order else True
        assert ids.MAP in order, "the map itself (arrow keys pan it) is one Tab stop"


def test_enter_on_an_area_row_button_sets_the_filter(driver, site):
    open_map(driver, site, DENSITY)
    summary = driver.find_element("css selector", ".map-table-details summary")
    summary.send_keys(Keys.ENTER)  # <details> opens from the keyboard
    wait_for(lambda: driver.execute_script("return document.querySelector('.map-table-details').open"),
             message="table opened")
    rows = driver.find_elements("css selector", f"#{L.AREA_TABLE} tbody tr")
    row = rows[len(rows) // 2]
    name = row.find_element("css selector", "th").text
    button = row.find_element("css selector", "button")
    assert button.get_attribute("aria-label") == f"Filter by {name}"
    button.send_keys(Keys.ENTER)
    wait_for(lambda: query(driver).get("neighborhood") == [name], message="neighborhood in the URL")
    # the table is drawn anew: the focus stays on the row's button, which now removes the filter
    wait_for(lambda: driver.switch_to.active_element.get_attribute("aria-label") == f"Remove filter: {name}",
             message="the focus back on the row's button, now 'Remove filter'")
    ActionChains(driver).send_keys(Keys.SPACE).perform()
    wait_for(lambda: "neighborhood" not in query(driver), message="filter removed")


# --- click and tap -------------------------------------------------------------------------------

def test_a_click_shows_the_numbers_and_only_the_button_filters(driver, site):
    open_map(driver, site, DENSITY)
    url = driver.current_url

    def click_area():
        try:
            for p in area_paths(driver):
                r = p.rect
                x, y = r["x"] + r["width"] / 2, r["y"] + r["height"] / 2
                under = driver.execute_script(_UNDER, x, y)
                if under and under["interactive"] and under["fill"] == p.get_attribute("fill"):
                    click_at(driver, x, y)
                    return True
        except StaleElementReferenceException:
            pass
        return False

    wait_for(click_area, message="an area clicked")
    box = wait_for(lambda: driver.find_element("css selector", f"#{L.AREA_DETAILS} .area-details-box"),
                   message="the area's numbers")
    name = box.find_element("css selector", "h2").text
    assert "victims" in box.text.lower() and "a year earlier" in box.text or "too few" in box.text
    time.sleep(1)
    assert driver.current_url == url, "a click alone must not change the filter"
    press(driver, box.find_element("css selector", "button.area-filter"))
    wait_for(lambda: query(driver).get("neighborhood") == [name], message="the filter set by the button")
    wait_for(lambda: "Remove this area" in driver.find_element("css selector", f"#{L.AREA_DETAILS}").text,
             message="the numbers now offer to remove it")
    # closing the numbers keeps the filter
    press(driver, driver.find_element("css selector", f"#{L.AREA_DETAILS} .btn-close"))
    wait_for(lambda: not driver.find_elements("css selector", f"#{L.AREA_DETAILS} .area-details-box"),
             message="numbers closed")
    assert query(driver).get("neighborhood") == [name]


_CIRCLE = """
// A density circle over an area (not over another circle's edge): the circles are painted on one
// canvas per map (assets/psad_map.js), so they are found through Leaflet's own layers. Returns the
// centre of one whose pixel is painted on that canvas and whose point on the page is an area's path.
const map = (window.psad.maps || []).find(m => m._psadDensity && m.getContainer().id === 'map');
if (!map || !map._psadDensity._container) { return null; }
const canvas = map._psadDensity._container;
const circles = Object.values(map._layers).filter(l => l.options && l.options.renderer === map._psadDensity && l._point);
const frame = map.getContainer().getBoundingClientRect();
const cbox = canvas.getBoundingClientRect();
const ctx = canvas.getContext('2d');
for (const c of circles) {
  const p = map.layerPointToContainerPoint(c._point);
  const x = frame.left + p.x, y = frame.top + p.y;
  if (c._radius < 4 || x < frame.left + 80 || x > frame.right - 40 || y < frame.top + 40 || y > frame.bottom - 180) { continue; }
  const px = Math.round((x - cbox.left) * canvas.width / cbox.width), py = Math.round((y - cbox.top) * canvas.height / cbox.height);
  const painted = ctx.getImageData(px, py, 1, 1).data[3] > 0;
  const hit = document.elementFromPoint(x, y);
  if (painted && hit && hit.tagName === 'path' && hit.getAttribute('fill') !== '#1f4e79') {
    return {x: x, y: y, under: hit.getAttribute('fill'), circles: circles.length,
            circleEvents: getComputedStyle(canvas).pointerEvents};
  }
}
return null;
"""


def test_a_click_on_a_density_circle_reaches_the_area_under_it(driver, site):
    open_map(driver, site, DENSITY)
    assert driver.find_elements("css selector", "#map-density-note"), "the density grid is drawn"
    spot = wait_for(lambda: driver.execute_script(_CIRCLE), message="a circle over an area")
    assert spot["circleEvents"] == "none" and spot["circles"] > 100
    # one canvas, not an element per circle
    assert not driver.execute_script(
        "return document.querySelectorAll('#map .leaflet-overlay-pane path[fill=\"#1f4e79\"]').length")
    url = driver.current_url
    click_at(driver, spot["x"], spot["y"])
    wait_for(lambda: driver.find_element("css selector", f"#{L.AREA_DETAILS} .area-details-box"),
             message="the area's numbers after a click on a circle")
    assert driver.current_url == url


def test_a_tap_shows_the_numbers_too(driver, site):
    open_map(driver, site, DENSITY, width=390)
    paths = wait_for(lambda: area_paths(driver), message="areas to tap")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", paths[len(paths) // 2])
    r = paths[len(paths) // 2].rect
    x, y = r["x"] + r["width"] / 2, r["y"] + r["height"] / 2 - driver.execute_script("return window.scrollY")
    url = driver.current_url
    for kind in ("touchStart", "touchEnd"):
        driver.execute_cdp_cmd("Input.dispatchTouchEvent",
                               {"type": kind, "touchPoints": [{"x": x, "y": y}] if kind == "touchStart" else []})
    wait_for(lambda: driver.find_element("css selector", f"#{L.AREA_DETAILS} .area-details-box"),
             message="the area's numbers after a tap")
    time.sleep(0.5)
    assert driver.current_url == url


# --- motion --------------------------------------------------------------------------------------

_WATCH_MOVES = """
// Count the map's move events and time each movement (movestart -> moveend): a flight lasts about a
// second however few frames a busy machine draws; a jump starts and ends at once.
const map = (window.psad.maps || []).find(m => m._container && m._container.id === 'map');
window.psadMoves = 0;
window.psadLongest = 0;
let started = null;
map.on('move', () => { window.psadMoves += 1; });
map.on('movestart', () => { started = performance.now(); });
map.on('moveend', () => { if (started !== null) { window.psadLongest = Math.max(window.psadLongest, performance.now() - started); started = null; } });
return !!map;
"""


def movement_while_choosing_an_area(driver, site) -> tuple[int, float]:
    """(move events, longest movement in ms) while the map goes to an area chosen in the table."""
    open_map(driver, site, DENSITY)
    assert driver.execute_script(_WATCH_MOVES)
    open_table(driver)
    button = driver.find_elements("css selector", f"#{L.AREA_TABLE} tbody tr button")[3]
    driver.execute_script("arguments[0].click()", button)
    wait_for(lambda: "neighborhood" in query(driver), message="an area chosen")
    wait_for(lambda: driver.execute_script("return window.psadMoves") > 0, message="the map moved")
    time.sleep(2.5)  # a flight lasts about a second
    return driver.execute_script("return [window.psadMoves, window.psadLongest]")


def test_reduced_motion_jumps_instead_of_flying(driver, site):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    assert driver.execute_script("return window.matchMedia('(prefers-reduced-motion: reduce)').matches")
    moves, longest = movement_while_choosing_an_area(driver, site)
    assert moves <= 2 and longest < 100, f"{moves} move events over {longest:.0f} ms: the map flew"
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    moves, longest = movement_while_choosing_an_area(driver, site)
    assert longest > 250, f"a {longest:.0f} ms movement without reduced motion: is the measure blind?"


def test_leaving_the_page_mid_flight_logs_no_error(driver, site):
    open_map(driver, site, DENSITY)
    open_table(driver)
    driver.execute_script("""
      const map = (window.psad.maps || []).find(m => m._container && m._container.id === 'map');
      map.once('movestart', () => setTimeout(() => document.getElementById('nav-summary').click(), 100));
    """)
    driver.execute_script("arguments[0].click()",
                          driver.find_elements("css selector", f"#{L.AREA_TABLE} tbody tr button")[5])
    wait_for(lambda: driver.execute_script("return location.pathname") == "/", timeout=10, message="Summary shown")
    time.sleep(2)
    logs = severe_logs(driver)
    assert logs == [], "\n".join(e["message"][:600] for e in logs)
