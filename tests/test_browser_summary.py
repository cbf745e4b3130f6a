"""Browser tests in real headless Chromium (dash_duo): the Summary page, the filters, the URL."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import create_app
from tests.axe_support import fresh_page, module_duo

pytestmark = pytest.mark.browser


def card_value(dash_duo, key: str) -> str:
    return dash_duo.find_element(f"#card-{key} .card-value").text


def wait_for(predicate, timeout=15, message="condition"):
    end = time.time() + timeout
    while time.time() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # element re-rendered while we looked
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def query(dash_duo) -> dict:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def choose(dash_duo, control_id: str, label: str) -> None:
    """Open a dcc.Dropdown, type to search, and click the option labelled exactly ``label``."""
    dash_duo.find_element(f"#{control_id}").click()
    wait_for(lambda: dash_duo.driver.switch_to.active_element, message="dropdown focus").send_keys(label)
    option = wait_for(lambda: dash_duo.driver.find_element(
        By.XPATH, f"//*[@role='option'][normalize-space()='{label}']"), message=f"option {label}")
    option.click()
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)


@pytest.fixture(scope="module")
def duo(request, demo_url, tmp_path_factory):
    """One server and one Chromium for the module (a dash_duo per test started both every time)."""
    with module_duo(request, create_app({"database_url": demo_url}), tmp_path_factory.mktemp("download")) as dc:
        yield dc


@pytest.fixture()
def started(duo):
    dash_duo = fresh_page(duo)
    wait_for(lambda: card_value(dash_duo, "all") not in ("", "—"), timeout=40, message="summary cards")
    return dash_duo


def test_summary_page_renders_everything(started):
    dash_duo = started
    for key in ("homicide", "shooting", "violent", "property", "all"):
        assert card_value(dash_duo, key).replace(",", "").isdigit()
    assert "Demo data." in dash_duo.find_element("#demo-banner").text
    for graph in ("summary-trend", "summary-offenses", "summary-heatmap", "summary-goal"):
        wait_for(lambda: dash_duo.find_elements(f"#{graph} .main-svg"), message=graph)
    assert "victims of gun violence" in dash_duo.find_element("#summary-caption").text
    dash_duo.driver.save_screenshot("/tmp/psad-summary.png")
    assert dash_duo.get_logs() == []


def test_district_filter_changes_cards_and_url_and_survives_reload(started):
    dash_duo = started
    citywide = card_value(dash_duo, "all")
    choose(dash_duo, "police-district", "Western")
    wait_for(lambda: query(dash_duo).get("police_district") == ["Western"], message="URL update")
    western = wait_for(lambda: (v := card_value(dash_duo, "all")) != citywide and v, message="cards change")
    assert int(western.replace(",", "")) < int(citywide.replace(",", ""))
    url = dash_duo.driver.current_url
    assert "range=ytd" in url and "start=" not in url  # the default range, which rolls forward (issue 14)

    dash_duo.driver.get(url)  # reload the shared link: the same view
    wait_for(lambda: card_value(dash_duo, "all") == western, message="same view after reload")
    assert "Western" in dash_duo.find_element("#police-district").text

    dash_duo.driver.back()  # back to the citywide view
    wait_for(lambda: "police_district" not in query(dash_duo), message="back navigation")
    wait_for(lambda: card_value(dash_duo, "all") == citywide, message="citywide after back")
    assert dash_duo.get_logs() == []


def test_clicking_an_offense_bar_filters_everything(started):
    dash_duo = started
    before = card_value(dash_duo, "all")
    bars = wait_for(lambda: dash_duo.find_elements("#summary-offenses .bars .point path"), message="bars")
    # Plotly's drag layer sits over the bars: click at the bar's position, as a mouse would.
    ActionChains(dash_duo.driver).move_to_element(bars[-1]).click().perform()  # largest: drawn last
    wait_for(lambda: len(query(dash_duo).get("offense", [])) == 1, message="offense in URL")
    after = wait_for(lambda: (v := card_value(dash_duo, "all")) != before and v, message="cards follow")
    assert int(after.replace(",", "")) < int(before.replace(",", ""))
    assert dash_duo.get_logs() == []


def test_bad_link_shows_a_notice_not_an_error(duo):
    dash_duo = fresh_page(duo, "/?start=2025-02-30&police_district=Atlantis&color=red")
    notice = wait_for(lambda: dash_duo.find_element("#notices").text, message="notice")
    assert "not a date" in notice and "Atlantis" in notice and "color" in notice
    wait_for(lambda: card_value(dash_duo, "all").replace(",", "").isdigit(), message="cards still render")
    assert dash_duo.get_logs() == []


def test_about_page_through_the_nav_keeps_filters(started):
    dash_duo = started
    choose(dash_duo, "council-district", "Council District 7")
    wait_for(lambda: query(dash_duo).get("council_district") == ["7"], message="URL update")
    dash_duo.find_element("#nav-about").click()
    wait_for(lambda: urlparse(dash_duo.driver.current_url).path == "/about", message="about path")
    status = wait_for(lambda: dash_duo.find_element("#about-status").text, message="about status")
    assert "data as of" in status and "demo" in status
    assert query(dash_duo).get("council_district") == ["7"]
    assert not dash_duo.find_elements("#page-summary")  # only the shown page is in the document
    dash_duo.driver.save_screenshot("/tmp/psad-about.png")
    assert dash_duo.get_logs() == []


def test_filters_fold_behind_a_button_on_a_phone(started):
    dash_duo = started
    dash_duo.driver.set_window_size(390, 900)
    panel = dash_duo.find_element("#filter-panel")
    wait_for(lambda: not panel.is_displayed(), message="filters folded on a phone")
    assert card_value(dash_duo, "all").replace(",", "").isdigit()  # the numbers come first
    dash_duo.find_element("#filter-toggle").click()
    wait_for(lambda: panel.is_displayed(), message="filters open")
    assert dash_duo.find_element("#filter-toggle").get_attribute("aria-expanded") == "true"
    dash_duo.find_element("#filter-toggle").click()
    wait_for(lambda: not panel.is_displayed(), message="filters fold again")
    dash_duo.driver.set_window_size(1400, 1000)
    wait_for(lambda: panel.is_displayed(), message="always shown on a wide screen")
    assert dash_duo.get_logs() == []
