"""The Guns and warrants page in headless Chromium: it draws every chart and card, a filter chosen
in the filter bar changes its numbers and its URL, axe-core finds no WCAG 2.1 A/AA violation (tables
open), and the Spanish page is in Spanish at phone width without sideways scrolling."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import ids
from tests.axe_support import click_when_free, format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser
PATH = "/guns-warrants"


def drawn(driver) -> bool:
    # a phone draws a chart as it scrolls into view
    driver.execute_script("arguments[0].forEach(i => { const e = document.getElementById(i); "
                          "if (e && !e.querySelector('.main-svg')) e.scrollIntoView(); })", list(ids.GW_CHARTS))
    graphs = all(driver.find_elements(By.CSS_SELECTOR, f"#{g} .main-svg") for g in ids.GW_CHARTS)
    cards = driver.find_elements(By.CSS_SELECTOR, "#gw-card-outstanding .card-value")
    return graphs and cards and cards[0].text.strip() not in ("", "—")


def card(driver, name: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"#gw-card-{name} .card-value").text


def open_page(driver, site, search: str, width: int = 1400) -> None:
    set_viewport(driver, width, 900)
    driver.get(f"{site.url}{PATH}?{search}")
    wait_for(lambda: drawn(driver), timeout=40, message=f"{PATH}?{search} drawn")


def axe_clean(driver, where: str) -> None:
    driver.execute_script("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    result = run_axe(driver, extra_rules=())
    lines = format_axe(result["violations"])
    assert not lines, f"axe-core on {where}:\n" + "\n".join(lines)
    assert result["checked"].get("color-contrast"), "axe judged no text's contrast: was the page drawn?"


def test_page_draws_filters_and_is_accessible(browser, site):
    driver = browser
    open_page(driver, site, "start=2024-01-01&end=2025-12-31")
    before = {k: card(driver, k) for k in ("seized", "issued", "outstanding")}
    assert all(v.replace(",", "").isdigit() and int(v.replace(",", "")) > 0 for v in before.values()), before
    assert "offense filter does not apply" in driver.find_element(By.ID, ids.page_id("guns_warrants")).text
    # choose a police district in the filter bar: the URL and every number follow
    click_when_free(driver, f"#{ids.POLICE_DISTRICT}", "open the police district filter")
    wait_for(lambda: driver.switch_to.active_element, message="dropdown focus").send_keys("Western")
    option = wait_for(lambda: driver.find_element(By.XPATH, "//*[@role='option'][normalize-space()='Western']"),
                      message="option Western")
    click_when_free(driver, option, "choose Western")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: parse_qs(urlparse(driver.current_url).query).get("police_district") == ["Western"],
             message="district in the URL")
    wait_for(lambda: card(driver, "issued") != before["issued"] and drawn(driver), message="numbers follow the filter")
    after = {k: int(card(driver, k).replace(",", "")) for k in before}
    assert all(after[k] < int(before[k].replace(",", "")) for k in before), (before, after)
    assert "Western police district" in driver.find_element(By.ID, ids.GW_CAPTION).text
    axe_clean(driver, f"{PATH} (Western)")
    assert severe_logs(driver) == []


def test_spanish_page_at_phone_width(browser, site):
    driver = browser
    open_page(driver, site, "lang=es&council_district=7", width=390)
    text = driver.find_element(By.ID, ids.page_id("guns_warrants")).text
    for words in ("Armas incautadas", "Órdenes pendientes", "Descargar CSV", "Incautaciones de armas"):
        assert words in text, words
    assert "Guns seized" not in text and "Outstanding warrants" not in text
    assert driver.execute_script("return document.documentElement.lang") == "es"
    doc, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert doc <= inner, f"the page scrolls sideways ({doc} px in {inner} px)"
    axe_clean(driver, f"{PATH}?lang=es at 390 px")
