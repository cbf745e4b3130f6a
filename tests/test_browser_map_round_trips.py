"""The Map and CVI pages in real Chromium: one request per change (issue 12) and an honest map with
its data (issue 14). Requests are counted by the fetch hook of ``tests/test_browser_round_trips``.

* a click or tap on an area shows its numbers without a request; its "Filter by this area" is one
  request, after which the areas outside the filter are hatched (never the 0 class);
* a Map control is one request (the map and the new URL), and back/forward over it one each, the
  controls following the address;
* the CVI program picker and back/forward over it: one request each;
* "Download CSV" on both pages carries the page's filters and parameters, and the file reads back.
"""

from __future__ import annotations

import csv
import io
import time
import urllib.request

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from layouts import map as L
from tests.axe_support import browser, severe_logs, site, wait_for  # noqa: F401 (fixtures)
from tests.test_browser_round_trips import (
    callbacks,
    choose,
    hooked,  # noqa: F401 (fixture)
    mark,
    no_204,
    open_page,
    query,
    settled,
)

pytestmark = pytest.mark.browser

HATCHED = "url(#psad-outside)"


def fills(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#map .leaflet-overlay-pane path.leaflet-interactive'))"
        ".map(p => p.getAttribute('fill'))")


def js_click(driver, element) -> None:
    driver.execute_script("arguments[0].click()", element)


def change(driver, action, *, wait) -> list[dict]:
    """The requests ``action`` costs, once ``wait`` holds and the page is quiet."""
    start = mark(driver)
    action()
    wait_for(wait, timeout=60, message="the change shown")
    return settled(driver)[start:]


def read_csv(driver, site, selector: str) -> tuple[str, list[dict]]:  # noqa: F811
    link = driver.find_element(By.CSS_SELECTOR, selector)
    href = driver.execute_script("return window.psadCsvHref(arguments[0])", link)
    with urllib.request.urlopen(site.url + href, timeout=60) as r:
        assert r.status == 200 and "text/csv" in r.headers["Content-Type"]
        return href, list(csv.DictReader(io.StringIO(r.read().decode("utf-8-sig"))))


def test_a_click_shows_numbers_without_a_request_and_filtering_is_one(site, hooked):  # noqa: F811
    driver = hooked
    open_page(driver, site.url + "/map?layer=council_district&points=off")
    wait_for(lambda: len(fills(driver)) == 14, timeout=60, message="council districts drawn")
    assert HATCHED not in fills(driver)  # no filter: nothing is outside it

    def click_an_area():
        try:
            paths = driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-overlay-pane path.leaflet-interactive")
            big = sorted(paths, key=lambda p: -p.size["width"] * p.size["height"])
            ActionChains(driver).move_to_element(big[0]).click().perform()
            return driver.find_elements(By.CSS_SELECTOR, f"#{L.AREA_DETAILS} .area-details-box")
        except StaleElementReferenceException:
            return False

    start = mark(driver)
    wait_for(click_an_area, message="an area's numbers")
    time.sleep(0.5)
    assert requests_since(driver, start) == [], "a click costs no request"
    box = driver.find_element(By.CSS_SELECTOR, f"#{L.AREA_DETAILS} .area-details-box")
    name = box.find_element(By.TAG_NAME, "h2").text
    assert "victim" in box.text and name.startswith("District ")
    code = name.removeprefix("District ")

    filtered = change(driver, lambda: js_click(driver, box.find_element(By.CSS_SELECTOR, "button.area-filter")),
                      wait=lambda: query(driver).get("council_district") == [code])
    print(f"\nMap 'Filter by this area': {len(filtered)} request(s)")
    assert len(callbacks(filtered)) == 1 == len(filtered), filtered
    no_204(filtered)
    wait_for(lambda: fills(driver).count(HATCHED) == 13, message="the other districts hatched")
    wait_for(lambda: "Remove this area" in driver.find_element(By.ID, L.AREA_DETAILS).text, message="panel follows")
    assert "Not in the chosen filters" in driver.find_element(By.ID, "map-legend").text

    # the areas' CSV carries the filter and the layer, and says which areas are in the filter
    href, rows = read_csv(driver, site, ".map-csv a.csv-link")
    assert f"council_district={code}" in href and "layer=council_district" in href and "format=csv" in href
    assert len(rows) == 14 and {r["code"] for r in rows if r["chosen"] == "true"} == {code}

    # the table row's button removes it again: one request
    table_button = driver.find_element(By.CSS_SELECTOR, f"#{L.AREA_TABLE} button.area-filter[aria-label$=' {name}']")
    removed = change(driver, lambda: js_click(driver, table_button),
                     wait=lambda: "council_district" not in query(driver))
    assert len(callbacks(removed)) == 1 == len(removed), removed
    wait_for(lambda: HATCHED not in fills(driver), message="nothing hatched")
    assert severe_logs(driver) == []


def requests_since(driver, start: int) -> list[dict]:
    return driver.execute_script("return window.__psadRequests || []")[start:]


def test_map_controls_and_back_forward_are_one_request_each(site, hooked):  # noqa: F811
    driver = hooked
    open_page(driver, site.url + "/map?layer=council_district&points=off")
    wait_for(lambda: len(fills(driver)) == 14, timeout=60, message="council districts drawn")
    legend = lambda: driver.find_element(By.ID, "map-legend").text  # noqa: E731

    rate = change(driver, lambda: js_click(driver, driver.find_element(By.CSS_SELECTOR, "#map-measure input[value='rate']")),
                  wait=lambda: query(driver).get("measure") == ["rate"] and "per 1,000" in legend())
    print(f"\nMap control: {len(rate)} request(s)")
    assert len(callbacks(rate)) == 1 == len(rate), rate
    layer = change(driver, lambda: choose(driver, "map-layer", "Neighborhoods"),
                   wait=lambda: "layer" not in query(driver) and len(fills(driver)) > 50)
    assert len(callbacks(layer)) == 1 == len(layer), layer  # the outlines of the new layer included
    no_204(rate + layer)

    back = change(driver, driver.back, wait=lambda: query(driver).get("layer") == ["council_district"]
                  and len(fills(driver)) == 14)
    print(f"Map back (layer): {len(back)} request(s)")
    assert len(callbacks(back)) == 1 == len(back), back
    assert "City Council districts" in driver.find_element(By.ID, "map-layer").text  # the control follows
    back2 = change(driver, driver.back, wait=lambda: "measure" not in query(driver) and "per 1,000" not in legend())
    assert len(callbacks(back2)) == 1 == len(back2), back2
    assert driver.find_element(By.CSS_SELECTOR, "#map-measure input[value='count']").is_selected()
    forward = change(driver, driver.forward, wait=lambda: query(driver).get("measure") == ["rate"]
                     and "per 1,000" in legend())
    assert len(callbacks(forward)) == 1 == len(forward), forward
    assert driver.find_element(By.CSS_SELECTOR, "#map-measure input[value='rate']").is_selected()
    no_204(back + back2 + forward)
    assert severe_logs(driver) == []


def test_cvi_program_and_back_are_one_request_each_and_its_csv_reads_back(site, hooked):  # noqa: F811
    driver = hooked
    open_page(driver, site.url + "/cvi?start=2025-01-01&end=2025-12-31")
    cards = lambda: driver.find_elements(By.CSS_SELECTOR, "#cvi-list .cvi-site")  # noqa: E731
    wait_for(lambda: len(cards()) >= 20, timeout=60, message="every program listed")
    every = len(cards())
    _href, rows = read_csv(driver, site, ".map-csv a.csv-link")
    assert len(rows) == every

    picked = change(driver, lambda: choose(driver, "cvi-program", "Hospital-based violence intervention"),
                    wait=lambda: query(driver).get("program") == ["hospital_vip"] and 0 < len(cards()) < every)
    print(f"\nCVI program: {len(picked)} request(s)")
    assert len(callbacks(picked)) == 1 == len(picked), picked
    href, rows = read_csv(driver, site, ".map-csv a.csv-link")
    assert "program=hospital_vip" in href and len(rows) == len(cards())
    assert {r["program_type"] for r in rows} == {"hospital_vip"}

    back = change(driver, driver.back, wait=lambda: "program" not in query(driver) and len(cards()) == every)
    print(f"CVI back: {len(back)} request(s)")
    assert len(callbacks(back)) == 1 == len(back), back
    assert "Hospital" not in driver.find_element(By.ID, "cvi-program").text  # the picker follows
    no_204(picked + back)
    assert severe_logs(driver) == []
