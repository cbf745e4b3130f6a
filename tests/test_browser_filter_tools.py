"""The row above the filter bar in real Chromium (issue 14 and the issue-12 follow-up): a quick range
writes ``range=`` into the address, "Copy link" copies that address with an announced
confirmation (keyboard too), and the filter bar folds on a wide screen (a projector) with a summary
of the filters, kept across pages and reloads of the tab, while phones keep their own fold."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import ids
from layouts.shell import COPY_LINK, COPY_STATUS
from tests.axe_support import format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser


def _query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def _expanded(driver) -> str:
    return driver.find_element(By.ID, ids.FILTER_TOGGLE).get_attribute("aria-expanded")


def _panel_shown(driver) -> bool:
    return driver.find_element(By.ID, ids.FILTER_PANEL).is_displayed()


def _open(site, browser, path: str) -> None:
    browser.get(site.url + path)
    wait_for(lambda: browser.find_element(By.ID, ids.FILTER_SUMMARY).get_attribute("textContent"), timeout=40,
             message="filter summary")  # hidden while the bar is open on a wide screen


def test_quick_range_link_copy_and_projector_fold(site, browser):
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": site.url, "permissions": [
        "clipboardReadWrite", "clipboardSanitizedWrite"]})
    set_viewport(browser, 1280, 720)
    _open(site, browser, "/")
    assert _panel_shown(browser) and _expanded(browser) == "true"  # open by default on a wide screen

    # a quick range is written as a range, not as dates
    browser.find_element(By.ID, ids.QUICK_RANGE).click()
    wait_for(lambda: browser.find_element(By.XPATH, "//*[@role='option'][normalize-space()='Last 90 days']"),
             message="quick range options").click()
    wait_for(lambda: _query(browser).get("range") == ["last90"], message="range=last90 in the URL")
    assert "start" not in _query(browser) and "end" not in _query(browser)

    # Copy link, by keyboard: the address, and a confirmation in a live region
    button = browser.find_element(By.ID, COPY_LINK)
    button.send_keys(Keys.ENTER)
    status = browser.find_element(By.ID, COPY_STATUS)
    assert status.get_attribute("aria-live") == "polite"
    wait_for(lambda: "Link copied" in status.text, message="copy confirmation")
    copied = browser.execute_async_script("const done = arguments[0]; navigator.clipboard.readText()"
                                          ".then(done, () => done(null));")
    assert copied == browser.current_url

    # fold the bar: one row left, which says the dates; kept on another page and after a reload
    panel_height = browser.find_element(By.ID, ids.FILTER_PANEL).size["height"]
    browser.find_element(By.ID, ids.FILTER_TOGGLE).click()
    wait_for(lambda: not _panel_shown(browser) and _expanded(browser) == "false", message="folded on a wide screen")
    summary = browser.find_element(By.ID, ids.FILTER_SUMMARY)
    assert summary.is_displayed() and "Last 90 days" in summary.text
    tools = browser.find_element(By.CSS_SELECTOR, ".filter-tools").size["height"]
    assert tools < 60 < panel_height
    result = run_axe(browser, extra_rules=(), within=".filter-tools")  # WCAG 2.1 A and AA
    assert result["violations"] == [], format_axe(result["violations"])
    assert result["checked"].get("button-name") and result["checked"].get("color-contrast")
    browser.find_element(By.ID, ids.nav_id("map")).click()
    wait_for(lambda: urlparse(browser.current_url).path == "/map", message="map page")
    assert not _panel_shown(browser) and _query(browser).get("range") == ["last90"]
    browser.refresh()
    wait_for(lambda: _expanded(browser) == "false" and browser.find_element(By.ID, ids.FILTER_SUMMARY).text,
             timeout=40, message="fold kept after a reload")
    assert not _panel_shown(browser)

    # a phone keeps its own fold (folded by default), and the button says so at each width
    set_viewport(browser, 390, 844)
    wait_for(lambda: not _panel_shown(browser) and _expanded(browser) == "false", message="folded on a phone")
    browser.find_element(By.ID, ids.FILTER_TOGGLE).click()
    wait_for(lambda: _panel_shown(browser) and _expanded(browser) == "true", message="opened on a phone")
    set_viewport(browser, 1280, 720)
    wait_for(lambda: not _panel_shown(browser) and _expanded(browser) == "false", message="wide screen's fold")
    browser.find_element(By.ID, ids.FILTER_TOGGLE).click()
    wait_for(lambda: _panel_shown(browser) and _expanded(browser) == "true", message="opened again")
    assert severe_logs(browser) == []


_TAB_IN_ROW = """
const link = document.querySelector('#nav .nav-link.active'), row = link && link.closest('.nav');
if (!link) { return null; }
const l = link.getBoundingClientRect(), r = row.getBoundingClientRect();
return {scrolls: row.scrollWidth > row.clientWidth, inside: l.left >= r.left - 1 && l.right <= r.right + 1,
        name: link.id};
"""


@pytest.mark.parametrize("name, lang, width", [("about", "en", 390), ("summary", "en", 390),
                                               ("neighborhood_stat", "es", 320)])
def test_a_phone_shows_the_page_it_opens_on_in_the_nav_row(site, browser, name, lang, width):
    """On a phone the nav is a row that scrolls sideways: a link to the last tab opens with that
    tab scrolled into view, not off the right edge (and the first tab leaves the row where it is).
    A label wider than the row (Spanish's "Neighborhood Stat (indicadores de barrio)" on a 320 px
    phone) wraps inside it instead of being cut at both ends."""
    set_viewport(browser, width, 844)
    try:
        path = "/" if name == "summary" else "/" + name.replace("_", "-")
        browser.get(f"{site.url}{path}?lang={lang}")
        state = wait_for(lambda: (s := browser.execute_script(_TAB_IN_ROW)) and s["name"] == ids.nav_id(name)
                         and s["inside"] and s, timeout=30, message=f"the {name} tab in view")
        assert state["scrolls"], f"the nav row does not scroll at {width} px: the test proves nothing"
    finally:
        set_viewport(browser, 1280, 720)


_DRAWN = """
const root = document.getElementById('react-entry-point');
return {swapped: !document.getElementById('psad-first') && !root.classList.contains('psad-pending'),
        gates: root.querySelectorAll('[data-psad-gate]').length,
        dropdowns: root.querySelectorAll('.dash-dropdown').length,
        pickers: root.querySelectorAll('.dash-datepicker').length,
        ahead: Array.from(document.querySelectorAll('head > script[src*="/dash/dcc/async-"]')).map(s => s.getAttribute('src'))};
"""


def test_a_phone_draws_the_filter_controls_when_the_panel_opens(site, browser):
    """On a phone the filter panel starts folded: its dropdowns and date range (a fifth of a phone's
    first-view script time) are not drawn, and the page does not wait for them, until the panel is
    opened (layouts.static.Gate); their scripts are fetched ahead. Opened, they show the link's
    filters, work, and stay drawn when a choice folds the panel again."""
    set_viewport(browser, 390, 844)
    try:
        _open(site, browser, "/?police_district=Central")
        state = wait_for(lambda: (s := browser.execute_script(_DRAWN))["swapped"] and s, timeout=40,
                         message="Dash's page in place of the first view")
        assert state["gates"] == 1 and state["dropdowns"] == 0 and state["pickers"] == 0, state
        wait_for(lambda: len(browser.execute_script(_DRAWN)["ahead"]) == 2, message="their chunks run ahead")
        assert "Central" in browser.find_element(By.ID, ids.FILTER_SUMMARY).text  # the button says it

        browser.find_element(By.ID, ids.FILTER_TOGGLE).click()
        state = wait_for(lambda: (s := browser.execute_script(_DRAWN))["dropdowns"] == 6 and s, timeout=30,
                         message="the panel's dropdowns drawn once it opened")
        assert state["gates"] == 0 and state["pickers"] == 1, state
        asked = browser.execute_script(
            "return performance.getEntriesByType('resource').filter(e => /async-dropdown\\.js/.test(e.name)).length")
        assert asked == 1, "opening the panel fetched the dropdown's chunk again"
        wait_for(lambda: "Central" in browser.find_element(By.ID, ids.FILTER_CONTROLS["police_district"]).text,
                 message="the link's district in its dropdown")
        result = run_axe(browser, extra_rules=(), within=f"#{ids.FILTER_PANEL}")
        assert result["violations"] == [], format_axe(result["violations"])
        assert result["checked"].get("label") or result["checked"].get("aria-input-field-name")

        browser.find_element(By.ID, ids.QUICK_RANGE).click()
        wait_for(lambda: browser.find_element(By.XPATH, "//*[@role='option'][normalize-space()='Last 90 days']"),
                 message="quick range options").click()
        wait_for(lambda: _query(browser).get("range") == ["last90"], message="range=last90 in the URL")
        wait_for(lambda: not _panel_shown(browser), message="a choice folds the panel on a phone")
        assert browser.execute_script(_DRAWN)["dropdowns"] == 6  # kept: opening again draws nothing new
        assert _query(browser).get("police_district") == ["Central"]
    finally:
        set_viewport(browser, 1280, 720)
    assert severe_logs(browser) == []



def test_a_phone_without_a_referer_opens_the_panel_on_the_links_filters(site, browser):
    """A privacy extension strips the Referer: the layout cannot know the link's filters, a callback
    writes them into the controls while the folded panel has not drawn them, and opening the panel
    shows them (layouts.static.Gate draws its children as Dash's store holds them then, not as they
    were when the page was drawn)."""
    set_viewport(browser, 390, 844)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Referer": site.url + "/"}})
    try:
        _open(site, browser, "/arrests?police_district=Central")
        wait_for(lambda: "Central" in browser.find_element(By.ID, ids.FILTER_SUMMARY).text, timeout=30,
                 message="the link's filter read from the address")
        assert browser.execute_script(_DRAWN)["dropdowns"] == 0  # the panel has drawn nothing yet
        browser.find_element(By.ID, ids.FILTER_TOGGLE).click()
        wait_for(lambda: "Central" in browser.find_element(By.ID, ids.FILTER_CONTROLS["police_district"]).text,
                 timeout=30, message="the link's district in its dropdown once the panel opens")
    finally:
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
        set_viewport(browser, 1280, 720)
    assert severe_logs(browser) == []
