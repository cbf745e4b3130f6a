"""dash-leaflet loaded when a map is first drawn (issue 12, app/bundles.py and psad_bundles.js), in
real Chromium: the Summary's first view does not ask for dash_leaflet.js; moving to the Map loads
it once and draws the areas as a first view of the Map does (shapes out of the Tab order, zoom
buttons named: psad_map.js patched Leaflet before the map was made), also when the reader stayed
on the Summary longer than psad_map.js waits for Leaflet; back and forth reuses the loaded
library; the console stays clean."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from app import ids
from tests.axe_support import browser, severe_logs, site, wait_for  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

_REQUESTED = """
return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/dash_leaflet/'));
"""
_SHAPES = "#map .leaflet-overlay-pane path.leaflet-interactive"


def shapes(driver):
    return driver.find_elements(By.CSS_SELECTOR, _SHAPES)


def test_the_map_library_loads_when_a_map_is_first_drawn(site, browser):  # noqa: F811
    driver = browser
    severe_logs(driver)
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get(site.url + "/?lang=es")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#card-all .card-value"), timeout=60,
             message="the Summary")
    wait_for(lambda: driver.execute_script("return !!window.Plotly && !!window.Plotly.version"), timeout=60,
             message="plotly.js")
    assert driver.execute_script(_REQUESTED) == []
    assert driver.execute_script("return typeof window.L") == "undefined"
    # psad_map.js does not wait for Leaflet on such a page: the loader patches it on arrival

    driver.find_element(By.ID, ids.nav_id("map")).click()
    wait_for(lambda: len(shapes(driver)) > 50, timeout=60, message="the Map's areas")
    loaded = driver.execute_script(_REQUESTED)
    assert [u for u in loaded if "dash_leaflet." in u], loaded
    # psad_map.js ran before the map was made: its patches are on this map
    assert all(p.get_attribute("tabindex") == "-1" and p.get_attribute("aria-hidden") == "true"
               for p in shapes(driver)[:20])
    zoom_in = driver.find_element(By.CSS_SELECTOR, "#map .leaflet-control-zoom-in")
    assert zoom_in.get_attribute("aria-label") == "Acercar"
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-psad-loading]")

    # back to the Summary and again to the Map: the library is not asked for again
    driver.find_element(By.ID, ids.nav_id("summary")).click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#card-all .card-value"), timeout=60, message="Summary")
    driver.find_element(By.ID, ids.nav_id("map")).click()
    wait_for(lambda: len(shapes(driver)) > 50, timeout=60, message="the Map again")
    assert len(driver.execute_script(_REQUESTED)) == len(loaded)
    assert severe_logs(driver) == []


def test_the_cvi_page_reached_from_the_summary_draws_its_sites(site, browser):  # noqa: F811
    driver = browser
    severe_logs(driver)
    driver.get(site.url + "/")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#card-all .card-value"), timeout=60,
             message="the Summary")
    driver.find_element(By.ID, ids.nav_id("cvi")).click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#cvi-map.leaflet-container .leaflet-control-zoom-in"),
             timeout=60, message="the CVI page's map")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-psad-loading]")
