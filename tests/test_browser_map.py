"""Browser tests in real headless Chromium for the Map and CVI ecosystem pages."""

from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains

from app import create_app
from layouts import map as L
from tests.axe_support import fresh_page, module_duo
from tests.test_browser_summary import card_value, query, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def duo(request, demo_url, tmp_path_factory):
    # A low point cap would hide the points on the default view; this one shows them for an area.
    app = create_app({"database_url": demo_url, "map_point_cap": 2000})
    with module_duo(request, app, tmp_path_factory.mktemp("download")) as dc:
        yield dc


@pytest.fixture()
def server(duo):
    return fresh_page(duo)


def areas(dash_duo):
    """The shaded area paths (points share the overlay pane, in another colour; the density circles
    are painted on a canvas of their own)."""
    shades = {c.lower() for c in L.PALETTE + (L.ZERO_COLOR, L.FLAG_COLOR, "#ffffff", "url(#psad-outside)")}
    return [p for p in dash_duo.find_elements("#map .leaflet-overlay-pane path.leaflet-interactive")
            if (p.get_attribute("fill") or "").lower() in shades]


def test_map_renders_areas_and_points_and_clicking_an_area_filters_everything(server):
    """A click on an area shows its numbers; its "Filter by this area" button filters every page."""
    dash_duo = server
    dash_duo.wait_for_element("#nav-map").click()
    wait_for(lambda: len(areas(dash_duo)) > 50, message="areas drawn")
    wait_for(lambda: dash_duo.find_element("#map-legend").text.startswith("Victims"), message="legend")
    wait_for(lambda: "Too many incidents" in dash_duo.find_element("#map-notes").text, message="density note")
    dash_duo.driver.save_screenshot("/tmp/psad-map.png")

    # the filled area nearest the middle of the map: click it as a mouse would
    def middle_area():
        big = [p for p in areas(dash_duo) if p.size["width"] > 15 and p.size["height"] > 15]
        return big[len(big) // 2] if big else None

    def click_middle_area():  # the areas are redrawn while the page settles: retry a stale one
        try:
            ActionChains(dash_duo.driver).move_to_element(middle_area()).click().perform()
            return True
        except StaleElementReferenceException:
            return False

    before = dash_duo.driver.current_url
    wait_for(click_middle_area, message="an area clicked")
    box = wait_for(lambda: dash_duo.find_element(f"#{L.AREA_DETAILS} .area-details-box"), message="its numbers")
    name = box.find_element("css selector", "h2").text
    time.sleep(0.5)
    assert dash_duo.driver.current_url == before, "a click alone does not filter"
    button = box.find_element("css selector", "button.area-filter")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    chosen = wait_for(lambda: query(dash_duo).get("neighborhood"), message="neighborhood in the URL")
    assert chosen == [name]
    # points for one neighborhood, clustered or single
    wait_for(lambda: dash_duo.find_elements("#map .leaflet-marker-icon, #map path.leaflet-interactive[stroke='#fff']"),
             message="incident points")
    assert chosen[0] in dash_duo.find_element("#neighborhood").text

    # the Summary cards follow the filter
    url = dash_duo.driver.current_url
    dash_duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    dash_duo.find_element("#nav-summary").click()
    wait_for(lambda: card_value(dash_duo, "all").replace(",", "").isdigit(), message="summary cards")
    one = int(card_value(dash_duo, "all").replace(",", ""))
    assert query(dash_duo).get("neighborhood") == chosen

    # reloading the link reopens the same map view
    dash_duo.driver.get(url.replace("/map?", "/map?layer=neighborhood&measure=rate&") if "/map?" in url else url)
    wait_for(lambda: len(areas(dash_duo)) > 50, message="areas after reload")
    wait_for(lambda: query(dash_duo).get("neighborhood") == chosen, message="same filter after reload")
    wait_for(lambda: "per 1,000" in dash_duo.find_element("#map-legend").text, message="rate view after reload")
    assert chosen[0] in dash_duo.find_element("#neighborhood").text
    assert dash_duo.find_element("#map-measure input[value='rate']").is_selected()

    # clicking "Clear chosen area" removes the filter; the Summary goes back to citywide
    dash_duo.find_element("#map-clear-area").click()
    wait_for(lambda: "neighborhood" not in query(dash_duo), message="filter removed")
    dash_duo.find_element("#nav-summary").click()
    wait_for(lambda: int(card_value(dash_duo, "all").replace(",", "") or 0) > one, message="citywide cards")
    assert dash_duo.get_logs() == []


def test_map_view_parameters_survive_reload_and_bad_ones_get_a_notice(server):
    dash_duo = server
    dash_duo.driver.get(dash_duo.server_url + "/map?start=2025-01-01&end=2025-12-31&council_district=7"
                                              "&layer=council_district&points=off&cvi=on&measure=loud")
    wait_for(lambda: len(areas(dash_duo)) >= 14, message="council districts drawn")
    notice = wait_for(lambda: dash_duo.find_element("#map-notices").text, message="notice")
    assert "loud" in notice
    wait_for(lambda: dash_duo.find_elements("#map .cvi-icon"), message="CVI icons on the map")
    assert not dash_duo.find_elements("#map-points-note") and not dash_duo.find_elements("#map-density-note")
    assert query(dash_duo).get("council_district") == ["7"]
    # toggling a layer writes the URL and keeps the filters
    dash_duo.find_element("#map-measure input[value='rate']").click()
    wait_for(lambda: query(dash_duo).get("measure") == ["rate"], message="measure in URL")
    assert query(dash_duo).get("council_district") == ["7"] and query(dash_duo).get("cvi") == ["on"]
    assert dash_duo.get_logs() == []


def test_cvi_page_lists_and_maps_the_sites(server):
    dash_duo = server
    dash_duo.driver.get(dash_duo.server_url + "/cvi?start=2025-01-01&end=2025-12-31")
    cards = wait_for(lambda: dash_duo.find_elements("#cvi-list .cvi-site"), message="site list")
    icons = wait_for(lambda: dash_duo.find_elements("#cvi-map .cvi-icon"), message="site icons")
    assert len(cards) == len(icons) >= 20
    assert "within 400 m" in cards[0].text and "context, not effect" in cards[0].text
    dash_duo.driver.save_screenshot("/tmp/psad-cvi.png")
    dash_duo.driver.get(dash_duo.server_url + "/cvi?start=2025-01-01&end=2025-12-31&program=hospital_vip")
    wait_for(lambda: 0 < len(dash_duo.find_elements("#cvi-list .cvi-site")) < len(cards), message="filtered list")
    wait_for(lambda: len(dash_duo.find_elements("#cvi-map .cvi-icon"))
             == len(dash_duo.find_elements("#cvi-list .cvi-site")), message="map follows the list")
    assert all("hospital" in c.text.lower() for c in dash_duo.find_elements("#cvi-list .cvi-type"))
    assert dash_duo.get_logs() == []


def test_opening_a_page_never_rewrites_its_link(server):
    """The page's controls start as the link says, and nothing writes the URL until a person acts
    (the browser fires the page's URL-writing callbacks when the page is inserted)."""
    dash_duo = server
    link = "/map?start=2025-01-01&end=2025-12-31&layer=CSA&cvi=on&program=safe_streets"
    dash_duo.driver.get(dash_duo.server_url + link)
    wait_for(lambda: len(areas(dash_duo)) > 10, message="areas drawn")
    wait_for(lambda: "Community Statistical Areas" in dash_duo.find_element("#map-caption").text, message="CSA view")
    time.sleep(1)  # any stray write would have landed by now
    assert dash_duo.driver.current_url == dash_duo.server_url + link
    dash_duo.driver.get(dash_duo.server_url + "/lookup?start=2025-01-01&end=2025-12-31&page=2&charge=X")
    wait_for(lambda: dash_duo.find_element("#lookup-results").text, message="results")
    time.sleep(1)
    assert dash_duo.driver.current_url.endswith("/lookup?start=2025-01-01&end=2025-12-31&page=2&charge=X")
    assert dash_duo.get_logs() == []


ADD_LATER = """
const done = arguments[arguments.length - 1];
const fc = (n, lng) => ({type: "FeatureCollection", features: Array.from({length: n}, (_, i) => ({
  type: "Feature", properties: {i}, geometry: {type: "Point", coordinates: [lng, 39.2 + i / 1000]}}))});
const count = (layer) => layer.getLayers().length;
const out = {};
const big = L.geoJSON();
big.addData(fc(150, -76.6));
out.bigAtOnce = count(big);                 // not yet: a task later
const small = L.geoJSON();
small.addData(fc(20, -76.6));
out.smallAtOnce = count(small);             // a few features: at once, as Leaflet does
const replaced = L.geoJSON();
replaced.addData(fc(150, -76.6));
replaced.clearLayers();                     // new data before the first was added
replaced.addData(fc(120, -76.5));
setTimeout(() => {
  out.bigLater = count(big);
  out.replacedLater = count(replaced);
  out.replacedLng = replaced.getLayers().every((l) => l.getLatLng().lng === -76.5);
  done(out);
}, 50);
"""


def test_a_large_geojson_is_added_a_task_later_and_new_data_replaces_what_was_waiting(server):
    """``psad_map.js`` adds a GeoJSON layer's 100 or more features in a task after dash-leaflet asks
    (not inside React's commit of the page); clearing the layer first forgets them."""
    dash_duo = server
    dash_duo.wait_for_element("#nav-map").click()
    wait_for(lambda: len(areas(dash_duo)) > 50, message="areas drawn")  # Leaflet and the patch are loaded
    out = dash_duo.driver.execute_async_script(ADD_LATER)
    assert out == {"bigAtOnce": 0, "smallAtOnce": 20, "bigLater": 150, "replacedLater": 120, "replacedLng": True}
