"""Browser tests in headless Chromium for the Demographics, Arrests, Case outcomes and Case lookup
pages: each renders without console errors; a case search, paging and opening a case work and
live in the URL."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.keys import Keys

from app import create_app
from tests.axe_support import fresh_page, module_duo
from tests.test_browser_summary import choose, query, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def duo(request, demo_url, tmp_path_factory):
    with module_duo(request, create_app({"database_url": demo_url}), tmp_path_factory.mktemp("download")) as dc:
        yield dc


@pytest.fixture()
def server(duo):
    return fresh_page(duo)


def open_page(dash_duo, path):
    dash_duo.driver.get(dash_duo.server_url + path)


def settled(dash_duo) -> bool:
    """No callback in flight: the results on screen are the last ones asked for."""
    return not dash_duo.driver.find_elements("css selector", '[data-dash-is-loading="true"]')


def click(dash_duo, selector: str) -> None:
    """Click ``selector`` once the page has settled, again if the element was redrawn meanwhile."""
    from selenium.common.exceptions import StaleElementReferenceException

    def attempt():
        if not settled(dash_duo):
            return False
        try:
            dash_duo.find_element(selector).click()
            return True
        except StaleElementReferenceException:
            return False

    wait_for(attempt, message=f"click {selector}")


def test_demographics_page(server):
    dash_duo = server
    open_page(dash_duo, "/demographics?start=2025-01-01&end=2025-12-31")
    wait_for(lambda: dash_duo.find_elements("#victims-race .demo-table tbody tr"), message="victim tables")
    wait_for(lambda: dash_duo.find_elements("#arrestees-age_band .demo-table tbody tr"), message="arrestee tables")
    for key in ("victims", "arrestees"):
        for dim in ("age_band", "sex", "race", "ethnicity"):
            wait_for(lambda: dash_duo.find_elements(f"#{key}-{dim}-graph .main-svg"), message=f"{key} {dim}")
    assert "Whole calendar years: 2025" in dash_duo.find_element("#demo-caption").text
    assert "Residents" in dash_duo.find_element("#victims-race .demo-table thead").text
    # A small area: small groups show "<5" and are explained.
    choose(dash_duo, "offense", "Homicide")
    wait_for(lambda: query(dash_duo).get("offense") == ["homicide"], message="offense in URL")
    choose(dash_duo, "police-district", "Western")
    text = wait_for(lambda: ("<5" in (t := dash_duo.find_element("#demo-victims").text) or "Too few" in t) and t,
                    message="small cells")
    assert "fewer than 5 people" in text or "withheld" in text or "Too few people" in text
    assert dash_duo.get_logs() == []


def test_arrests_page(server):
    dash_duo = server
    open_page(dash_duo, "/arrests?start=2024-01-01&end=2025-12-31")
    for graph in ("arrests-trend", "arrests-category", "arrests-area", "arrests-clearance"):
        wait_for(lambda: dash_duo.find_elements(f"#{graph} .main-svg"), message=graph)
    rows = wait_for(lambda: dash_duo.find_elements(".clearance-table tbody tr"), message="clearance rows")
    assert len(rows) == 4  # two years x homicides, shootings
    assert wait_for(lambda: dash_duo.find_elements(".charges-table tbody tr"), message="charges")
    assert "per 1,000 residents" in dash_duo.find_element("#arrests-cards").text.lower()
    assert "same year" in dash_duo.find_element("#page-arrests").text
    assert dash_duo.get_logs() == []


def test_outcomes_page(server):
    dash_duo = server
    open_page(dash_duo, "/outcomes?start=2024-01-01&end=2024-12-31")
    wait_for(lambda: dash_duo.find_elements("#outcomes-mix .main-svg"), message="mix")
    wait_for(lambda: dash_duo.find_elements("#outcomes-time .main-svg"), message="time")
    cards = wait_for(lambda: (t := dash_duo.find_element("#outcomes-cards").text) and "days" in t and t,
                     message="cards")
    assert "still pending" in cards.lower() and "gun" in cards
    assert dash_duo.get_logs() == []


def test_case_search_paging_and_opening_a_case(server):
    dash_duo = server
    open_page(dash_duo, "/lookup?start=2025-01-01&end=2025-12-31")
    wait_for(lambda: dash_duo.find_elements(".results-table tbody tr"), message="first results")
    choose(dash_duo, "lookup-charge", "Handgun On Person")
    dash_duo.find_element("#lookup-search").click()
    wait_for(lambda: query(dash_duo).get("charge") == ["HANDGUN ON PERSON"], message="charge in URL")
    wait_for(lambda: "Cases 1–25" in dash_duo.find_element("#lookup-page-info").text and settled(dash_duo),
             message="page 1")
    first_page = [e.text for e in dash_duo.find_elements(".case-link")]
    assert len(first_page) == 25
    click(dash_duo, "#lookup-next")
    wait_for(lambda: query(dash_duo).get("page") == ["2"], message="page 2 in URL")
    wait_for(lambda: "Cases 26–" in dash_duo.find_element("#lookup-page-info").text, message="page 2")
    second_page = [e.text for e in dash_duo.find_elements(".case-link")]
    assert second_page and not set(second_page) & set(first_page)
    # Open a case: its charges on a timeline, and its number in the URL.
    dash_duo.find_elements(".case-link")[0].click()
    wait_for(lambda: query(dash_duo).get("open") == [second_page[0]], message="open in URL")
    detail = wait_for(lambda: (t := dash_duo.find_element("#case-detail").text) and t, message="case detail")
    assert f"Case {second_page[0]}" in detail and "Handgun On Person" in detail
    wait_for(lambda: dash_duo.find_elements("#case-timeline .main-svg"), message="timeline")
    # Reloading the link reopens the same page and case.
    dash_duo.driver.get(dash_duo.driver.current_url)
    wait_for(lambda: f"Case {second_page[0]}" in dash_duo.find_element("#case-detail").text, message="reload")
    assert "Cases 26–" in dash_duo.find_element("#lookup-page-info").text
    # Exact case number search.
    box = dash_duo.find_element("#lookup-case")
    box.clear()
    box.send_keys(first_page[3], Keys.ENTER)
    wait_for(lambda: query(dash_duo).get("case") == [first_page[3]], message="case in URL")
    wait_for(lambda: [e.text for e in dash_duo.find_elements(".case-link")] == [first_page[3]], message="one result")
    assert urlparse(dash_duo.driver.current_url).path == "/lookup"
    assert dash_duo.get_logs() == []


def test_bad_lookup_link_explains(server):
    dash_duo = server
    open_page(dash_duo, "/lookup?case=%3Cb%3Ex&page=zero")
    text = wait_for(lambda: dash_duo.find_element("#lookup-error").text, message="message")
    assert "not a case number" in text and "not a page number" in text
    assert dash_duo.get_logs() == []
