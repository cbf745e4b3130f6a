"""The 911 calls page in headless Chromium: it draws every chart and card, a police district chosen
in the filter bar changes its numbers and its URL, axe-core finds no WCAG 2.1 A/AA violation (tables
open), and the Spanish page is in Spanish at phone width without sideways scrolling."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import ids
from tests.axe_support import format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser
PATH = "/calls"
CHARTS = (ids.CALLS_TREND, ids.CALLS_RESPONSE, ids.CALLS_CATEGORIES, ids.CALLS_AREAS, ids.CALLS_COUNCIL)


def drawn(driver) -> bool:
    driver.execute_script("arguments[0].forEach(i => { const e = document.getElementById(i); "
                          "if (e && !e.querySelector('.main-svg')) e.scrollIntoView(); })", list(CHARTS))
    graphs = all(driver.find_elements(By.CSS_SELECTOR, f"#{g} .main-svg") for g in CHARTS)
    cards = driver.find_elements(By.CSS_SELECTOR, "#calls-total .card-value")
    return graphs and cards and cards[0].text.strip() not in ("", "—")


def total(driver) -> int:
    return int(driver.find_element(By.CSS_SELECTOR, "#calls-total .card-value").text.replace(",", "").replace(".", ""))


def open_page(driver, site, search: str, width: int = 1400) -> None:
    set_viewport(driver, width, 900)
    driver.get(f"{site.url}{PATH}?{search}")
    wait_for(lambda: drawn(driver), timeout=40, message=f"{PATH}?{search} drawn")


def test_page_draws_filters_and_is_accessible(browser, site):
    driver = browser
    open_page(driver, site, "start=2025-01-01&end=2025-12-31")
    before = total(driver)
    assert before > 10_000
    page = driver.find_element(By.ID, ids.page_id("calls")).text
    assert "offense filter does not apply" in page
    assert "Download CSV" in page
    # back to the filter bar, and click only once it stays in view (charts drawn late can move it)
    control = driver.find_element(By.CSS_SELECTOR, f"#{ids.POLICE_DISTRICT}")
    wait_for(lambda: driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight", control), message="the district picker in view")
    control.click()
    wait_for(lambda: driver.switch_to.active_element, message="dropdown focus").send_keys("Western")
    wait_for(lambda: driver.find_element(By.XPATH, "//*[@role='option'][normalize-space()='Western']"),
             message="option Western").click()
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: parse_qs(urlparse(driver.current_url).query).get("police_district") == ["Western"],
             message="district in the URL")
    wait_for(lambda: drawn(driver) and total(driver) != before, message="numbers follow the filter")
    assert 0 < total(driver) < before
    name = driver.find_element(By.ID, ids.CALLS_TREND_FIGURE).get_attribute("aria-label")
    assert "Western" in name, name
    driver.execute_script("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    result = run_axe(driver, extra_rules=())
    lines = format_axe(result["violations"])
    assert not lines, "axe-core on /calls (Western):\n" + "\n".join(lines)
    assert result["checked"].get("color-contrast"), "axe judged no text's contrast: was the page drawn?"
    assert severe_logs(driver) == []


def test_spanish_page_at_phone_width(browser, site):
    driver = browser
    open_page(driver, site, "lang=es&start=2025-01-01&end=2025-12-31", width=320)
    text = driver.find_element(By.ID, ids.page_id("calls")).text.lower()  # card titles are upper-cased by CSS
    for words in ("llamadas al 911 a lo largo del tiempo", "atendidas sin policía", "descargar csv",
                  "por categoría y prioridad"):
        assert words in text, words
    assert "answered without police" not in text and "by category and priority" not in text
    assert driver.execute_script("return document.documentElement.lang") == "es"
    doc, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert doc <= inner, f"the page scrolls sideways ({doc} px in {inner} px)"
