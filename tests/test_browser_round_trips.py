"""Round trips in real Chromium (issue 12): the requests a first view, a filter change and a page
switch cost, counted by a hook on ``fetch`` installed before the page's scripts run; no callback
answers 204 in the normal flow; back/forward, a shared link with bad parameters and a page's own
parameters behave as before. Prints the counts (``-s``)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.axe_support import browser, severe_logs, site, wait_for  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# Every fetch the page makes (the Dash renderer's layout, dependencies and callbacks), with its
# status and, for a callback, its outputs.
HOOK = """
window.__psadRequests = [];
const original = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : input.url;
  const entry = {url: url, status: null, output: null};
  try { if (init && init.body) { entry.output = JSON.parse(init.body).output; } } catch (e) {}
  window.__psadRequests.push(entry);
  return original.apply(this, arguments).then(function (r) { entry.status = r.status; return r; });
};
"""


@pytest.fixture(scope="module")
def hooked(browser):  # noqa: F811
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    return browser


def requests(driver) -> list[dict]:
    return driver.execute_script("return window.__psadRequests || []")


def settled(driver, quiet: float = 1.0, timeout: float = 60) -> list[dict]:
    """The requests so far, once none has started or is pending for ``quiet`` seconds."""
    end, last, since = time.time() + timeout, None, time.time()
    while time.time() < end:
        now = requests(driver)
        state = [(r["url"], r["status"]) for r in now]
        if state != last:
            last, since = state, time.time()
        elif all(r["status"] is not None for r in now) and time.time() - since >= quiet:
            return now
        time.sleep(0.1)
    raise AssertionError(f"requests never settled: {last}")


def callbacks(reqs: list[dict]) -> list[dict]:
    return [r for r in reqs if "_dash-update-component" in r["url"]]


def mark(driver) -> int:
    return len(requests(driver))


def open_page(driver, url: str) -> list[dict]:
    driver.get(url)
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#page-content .page"), timeout=60, message="page shown")
    return settled(driver)


def query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def card_total(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#card-all .card-value").text


def choose(driver, control_id: str, label: str) -> None:
    driver.find_element(By.ID, control_id).click()
    wait_for(lambda: driver.switch_to.active_element, message="dropdown focus").send_keys(label)
    option = wait_for(lambda: driver.find_element(By.XPATH, f"//*[@role='option'][normalize-space()='{label}']"),
                      message=f"option {label}")
    option.click()
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def no_204(reqs: list[dict]) -> None:
    assert not [r for r in reqs if r["status"] == 204], [r for r in reqs if r["status"] != 200]
    assert all(r["status"] == 200 for r in reqs), reqs


def test_summary_first_view_and_filter_change(site, hooked):  # noqa: F811
    driver = hooked
    reqs = open_page(driver, site.url + "/?police_district=Central")
    wait_for(lambda: card_total(driver).replace(",", "").isdigit(), message="cards filled")
    first = ["_dash-layout" in r["url"] or "_dash-dependencies" in r["url"] for r in reqs]
    print(f"\nSummary first view: HTML + {len(reqs)} requests: {[r['url'].rsplit('/', 1)[-1] for r in reqs]}")
    assert all(first) and len(reqs) == 2, reqs  # with the HTML: 3
    no_204(reqs)
    assert query(driver) == {"police_district": ["Central"]}  # a link is never rewritten on opening
    central = card_total(driver)

    start = mark(driver)
    choose(driver, "police-district", "Western")
    wait_for(lambda: query(driver).get("police_district") == ["Central", "Western"], message="URL follows")
    change = settled(driver)[start:]
    print(f"Summary filter change: {len(change)} request(s): {[r['output'][:60] for r in change]}")
    assert len(callbacks(change)) == 1 == len(change), change
    no_204(change)
    wait_for(lambda: card_total(driver) != central, message="cards follow the filter")
    assert severe_logs(driver) == []


def test_map_first_view_filter_change_and_page_switch(site, hooked):  # noqa: F811
    driver = hooked
    reqs = open_page(driver, site.url + "/map?council_district=7&layer=council_district")
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")) >= 14,
             message="council districts drawn")
    print(f"\nMap first view: HTML + {len(reqs)} requests")
    assert len(reqs) == 2, reqs
    no_204(reqs)
    assert query(driver) == {"council_district": ["7"], "layer": ["council_district"]}

    start = mark(driver)
    choose(driver, "offense", "Homicide")
    wait_for(lambda: query(driver).get("offense") == ["homicide"], message="URL follows")
    change = settled(driver)[start:]
    print(f"Map filter change: {len(change)} request(s)")
    assert len(change) == 1, change
    no_204(change)
    assert query(driver)["layer"] == ["council_district"]  # the page's own parameters are kept

    start = mark(driver)
    driver.find_element(By.ID, "nav-summary").click()
    wait_for(lambda: card_total(driver).replace(",", "").isdigit(), message="summary shown")
    switch = settled(driver)[start:]
    print(f"Page switch: {len(switch)} request(s)")
    assert len(switch) == 1, switch
    no_204(switch)
    assert query(driver).get("offense") == ["homicide"]
    assert severe_logs(driver) == []


def test_back_and_forward_restore_the_view(site, hooked):  # noqa: F811
    driver = hooked
    open_page(driver, site.url + "/?police_district=Central")
    wait_for(lambda: card_total(driver).replace(",", "").isdigit(), message="cards filled")
    central = card_total(driver)
    choose(driver, "police-district", "Western")
    wait_for(lambda: query(driver).get("police_district") == ["Central", "Western"], message="URL follows")
    wait_for(lambda: card_total(driver) != central, message="cards follow")
    both = card_total(driver)
    settled(driver)
    driver.back()
    wait_for(lambda: query(driver) == {"police_district": ["Central"]}, message="back")
    wait_for(lambda: card_total(driver) == central, message="cards back to Central")
    chips = driver.find_element(By.ID, "police-district").text
    assert "Central" in chips and "Western" not in chips
    back = settled(driver)
    no_204(callbacks(back))
    driver.forward()
    wait_for(lambda: card_total(driver) == both, message="cards forward again")
    assert severe_logs(driver) == []


def test_a_shared_link_with_bad_parameters_gets_notices_and_keeps_its_own(site, hooked):  # noqa: F811
    driver = hooked
    link = "/map?police_district=Nowhere&layer=council_district&measure=sideways"
    reqs = open_page(driver, site.url + link)
    notices = wait_for(lambda: driver.find_element(By.ID, "notices").text, message="filter notice")
    assert "Nowhere" in notices
    assert wait_for(lambda: driver.find_element(By.ID, "map-notices").text, message="map notice")
    assert len(reqs) == 2, reqs
    assert urlparse(driver.current_url).path + "?" + urlparse(driver.current_url).query == link
    assert severe_logs(driver) == []


def test_without_a_referer_the_address_still_wins(site, hooked):  # noqa: F811
    """A privacy extension strips the Referer: the layout cannot know the view, and the page still
    shows the link's (at the cost of the callbacks)."""
    driver = hooked
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Referer": site.url + "/"}})
    try:
        open_page(driver, site.url + "/arrests?police_district=Central")
        wait_for(lambda: driver.find_elements(By.ID, "page-arrests"), message="arrests page")
        wait_for(lambda: "Central" in driver.find_element(By.ID, "police-district").text, message="filter from link")
    finally:
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
    assert severe_logs(driver) == []
