"""The Intimate-partner violence page in real Chromium: it renders its charts, tables and resources; a
police-district choice in the filter bar redraws it (areas become neighborhoods); axe-core finds no
WCAG 2.1 A/AA violation with every chart's table open; the Spanish page is in Spanish."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import ids
from tests.axe_support import format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

_SETTLED = """
const main = document.querySelector('main');
if (!main || !document.getElementById(arguments[0])) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
if (/Loading…|Cargando…/.test(main.innerText)) { return false; }
return Array.from(main.querySelectorAll('.js-plotly-plot')).every(g => g._fullLayout && g.querySelector('.main-svg'));
"""


def _open(site, browser, search: str, width: int = 1280) -> None:
    set_viewport(browser, width, 900)
    browser.get(f"{site.url}/ipv?{search}")
    wait_for(lambda: browser.execute_script(_SETTLED, "ipv-total"), timeout=40, message="the IPV page drawn")


def _text(browser, css: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, css).text


def test_ipv_page_renders_filters_and_is_accessible(site, browser):
    severe_logs(browser)
    _open(site, browser, "start=2025-01-01&end=2025-12-31")
    total = _text(browser, "#ipv-total .card-value").replace(",", "")
    assert total.isdigit() and int(total) >= 11
    assert "House of Ruth" in _text(browser, f"#{ids.IPV_RESOURCES}") and "1-800-799-7233" in _text(
        browser, f"#{ids.IPV_RESOURCES}")
    assert "<11" in _text(browser, "main .privacy-rule")
    area_head = browser.find_element(By.CSS_SELECTOR, f"#{ids.IPV_AREA_TABLE} thead").get_attribute("textContent")
    assert "Police district" in area_head

    # a filter change: one police district, chosen in the filter bar
    browser.find_element(By.ID, ids.POLICE_DISTRICT).click()
    wait_for(lambda: browser.switch_to.active_element, message="dropdown focus").send_keys("Northern")
    wait_for(lambda: browser.find_element(By.XPATH, "//*[@role='option'][normalize-space()='Northern']"),
             message="option Northern").click()
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: "Northern" in _text(browser, f"#{ids.IPV_CAPTION}"), timeout=20, message="caption follows")
    wait_for(lambda: browser.execute_script(_SETTLED, "ipv-total"), timeout=20, message="redrawn")
    head = browser.find_element(By.CSS_SELECTOR, f"#{ids.IPV_AREA_TABLE} thead").get_attribute("textContent")
    assert "Neighborhood" in head
    assert _text(browser, "#ipv-total .card-value").replace(",", "") != total
    assert "police_district=Northern" in browser.current_url

    browser.execute_script("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    result = run_axe(browser, extra_rules=())
    lines = format_axe(result["violations"])
    assert not lines, "axe-core on /ipv:\n" + "\n".join(lines)
    assert result["checked"].get("color-contrast")
    assert severe_logs(browser) == []


def test_ipv_page_in_spanish_on_a_phone(site, browser):
    _open(site, browser, "lang=es&start=2025-01-01&end=2025-12-31", width=390)
    assert browser.execute_script("return document.documentElement.lang") == "es"
    main = browser.find_element(By.TAG_NAME, "main").get_attribute("textContent")
    for words in ("Hay ayuda disponible", "Incidentes marcados como domésticos", "Lo que estas cifras no pueden mostrar",
                  "Por relación"):
        assert words in main
    assert "Help is available" not in main
    doc, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert doc <= inner, "the page scrolls sideways on a phone"
    result = run_axe(browser, extra_rules=())
    assert not format_axe(result["violations"])
