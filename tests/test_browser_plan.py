"""The Plan KPIs page in headless Chromium: every measure renders grouped by pillar, a filter change
redraws the computed rows (and says MONSE's are citywide), axe finds no WCAG 2.1 AA violation on a
desktop and on a 320 px phone (cards, no sideways scrolling), and the Spanish page is Spanish."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import ids
from data_access import plan_measures as P
from tests.axe_support import format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser
ROWS = f"#{ids.KPI_BODY} tbody tr"
SCROLL = "const d = document.documentElement; return [d.scrollWidth, Math.min(window.innerWidth, d.clientWidth)];"


def rendered(driver) -> list:
    return wait_for(lambda: len(rows := driver.find_elements(By.CSS_SELECTOR, ROWS)) == len(P.MEASURES) and rows,
                    timeout=40, message="the tracker's rows")


def test_plan_page_filters_axe_phone_and_spanish(browser, site):
    severe_logs(browser)
    set_viewport(browser, 1400, 900)
    browser.get(f"{site.url}/plan?start=2021-01-01&end=2025-12-31")
    rendered(browser)
    body = browser.find_element(By.ID, ids.KPI_BODY).text
    for p in P.PILLARS:
        assert p.title in body
    assert "Not yet published. Owed by MONSE" in body and "(demo value)" in body
    assert len(browser.find_elements(By.CSS_SELECTOR, f"#{ids.KPI_BODY} table caption")) == len(P.RESULTS)
    csv = browser.find_element(By.CSS_SELECTOR, ".plan-page a.csv-link")
    assert "/api/v1/plan/kpis" in csv.get_attribute("href")
    result = run_axe(browser, extra_rules=())
    assert result["violations"] == [], "\n".join(format_axe(result["violations"]))

    # a filter: the computed rows follow it, the notes say MONSE's figures are citywide
    browser.find_element(By.ID, "police-district").click()
    wait_for(lambda: browser.switch_to.active_element, message="dropdown focus").send_keys("Western")
    wait_for(lambda: browser.find_element(By.XPATH, "//*[@role='option'][normalize-space()='Western']"),
             message="option Western").click()
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: parse_qs(urlparse(browser.current_url).query).get("police_district") == ["Western"],
             message="the filter in the URL")
    wait_for(lambda: "Western police district" in browser.find_element(By.ID, ids.KPI_NOTES).text,
             message="notes for the filter")
    wait_for(lambda: "Filtered area" in browser.find_element(By.ID, ids.KPI_BODY).text, message="filtered rows")
    assert "citywide figures" in browser.find_element(By.ID, ids.KPI_NOTES).text

    # a 320 px phone, in Spanish: cards, no sideways scrolling, Spanish words, still axe-clean
    set_viewport(browser, 320, 700)
    browser.get(f"{site.url}/plan?start=2021-01-01&end=2025-12-31&lang=es")
    rendered(browser)
    text = browser.find_element(By.ID, ids.KPI_BODY).text
    assert "Pilar 1" in text and "Aún no publicado" in text
    cell = browser.find_element(By.CSS_SELECTOR, f"#{ids.KPI_BODY} tbody td")  # each card's labels, in Spanish
    assert cell.get_attribute("data-label") == "Organismo responsable"
    assert "Not yet published" not in text
    width, window = browser.execute_script(SCROLL)
    assert width <= window, f"the page scrolls sideways at 320 px ({width} > {window})"
    assert browser.find_element(By.CSS_SELECTOR, f"#{ids.KPI_BODY} tbody tr").value_of_css_property("display") == "block"
    result = run_axe(browser, extra_rules=())
    assert result["violations"] == [], "\n".join(format_axe(result["violations"]))
    assert severe_logs(browser) == []
