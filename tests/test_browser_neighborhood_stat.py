"""The Neighborhood Stat page in headless Chromium: it renders (profile, crime rates, ranking and
scatter), a filter changes the profile, the CSA picker changes it again, a filter change that drops
the URL's CSA is one history entry, axe finds no WCAG 2.1 AA violation with every disclosure open,
Spanish, and no sideways scroll on a phone."""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import ids
from data_access import vital_signs as V
from data_access.filters import Filters
from tests.axe_support import click_when_free, format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture()
def driver(browser, site):
    severe_logs(browser)
    yield browser
    assert severe_logs(browser) == []


def open_page(driver, site, search: str, width: int = 1400) -> None:
    set_viewport(driver, width, 1000)
    driver.get(f"{site.url}/neighborhood-stat?{search}")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, f"#{ids.NS_PROFILE} tbody tr"),
             timeout=40, message="the Neighborhood Stat page")
    for chart in (ids.NS_RANK, ids.NS_SCATTER):  # on a phone plotly.js loads when a chart comes into view
        driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", chart)
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, f"#{chart} .main-svg .bars, #{chart} .main-svg .points"),
                 timeout=30, message=f"the chart {chart}")
    driver.execute_script("window.scrollTo(0, 0)")


def text(driver, selector: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, selector).text


def no_violations(driver, where: str) -> None:
    driver.execute_script("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    result = run_axe(driver, extra_rules=())
    lines = format_axe(result["violations"])
    assert not lines, f"axe-core on {where}:\n" + "\n".join(lines)
    assert result["checked"].get("color-contrast")


def test_renders_and_a_filter_and_the_picker_change_the_profile(driver, site):
    open_page(driver, site, "start=2024-01-01&end=2025-12-31")
    city_head = text(driver, f"#{ids.NS_PROFILE_HEAD}")
    assert "Baltimore City" in city_head
    assert "No area is chosen" in text(driver, f"#{ids.NS_CAPTION}")
    assert driver.find_elements(By.CSS_SELECTOR, f"#{ids.NS_CRIME} table tbody tr")
    city_rows = text(driver, f"#{ids.NS_PROFILE} tbody")
    no_violations(driver, "the city view")

    # a link with malformed picks: the district's first CSA and the default indicator, with a plain notice
    link = "start=2024-01-01&end=2025-12-31&council_district=7&csa=Atlantis&indicator=%3Cb%3E"
    open_page(driver, site, link)
    head = text(driver, f"#{ids.NS_PROFILE_HEAD}")
    assert head != city_head and "Baltimore City" not in head
    assert text(driver, f"#{ids.NS_PROFILE} tbody") != city_rows
    assert "Council District 7" in text(driver, f"#{ids.NS_CAPTION}")
    notices = text(driver, f"#{ids.NS_NOTICES}")
    assert "csa=“Atlantis”" in notices and "indicator=“<b>”" in notices
    assert not driver.find_elements(By.CSS_SELECTOR, f"#{ids.NS_ERROR} .alert")

    # the picker: another CSA of the district
    click_when_free(driver, f"#{ids.NS_AREA}")
    options = wait_for(lambda: driver.find_elements(By.XPATH, "//*[@role='option']"), message="CSA options")
    current = head.split(": ", 1)[1].split(" against")[0]
    other = next((o for o in options if o.text.strip() and o.text.strip() != current), None)
    assert other is not None, "Council District 7 holds one CSA only"
    if other is not None:
        name = other.text.strip()
        other.click()
        driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        wait_for(lambda: name in text(driver, f"#{ids.NS_PROFILE_HEAD}"), message="the picked CSA's profile")
        # the URL is the state: the pick is in it (the bad values gone), a reload reopens the same view
        wait_for(lambda: "csa=" in driver.current_url, message="the URL to follow the pick")
        picked = driver.current_url
        assert "Atlantis" not in picked and "indicator" not in picked and "council_district=7" in picked
        assert not text(driver, f"#{ids.NS_NOTICES}")
        driver.refresh()
        wait_for(lambda: name in text(driver, f"#{ids.NS_PROFILE_HEAD}"), timeout=40, message="the same view")
        assert driver.current_url == picked
        # back: the link's view again, with its notices
        driver.back()
        wait_for(lambda: head == text(driver, f"#{ids.NS_PROFILE_HEAD}"), message="back to the link's view")
        assert "Atlantis" in driver.current_url and "csa=“Atlantis”" in text(driver, f"#{ids.NS_NOTICES}")


def test_spanish_and_a_phone(driver, site):
    open_page(driver, site, "council_district=7&lang=es", width=320)
    assert driver.execute_script("return document.documentElement.lang") == "es"
    assert "Perfil" in text(driver, f"#{ids.NS_PROFILE_HEAD}")
    assert "Delincuencia y seguridad" in text(driver, f"#{ids.NS_PROFILE}")
    # BNIA's own words are marked as English
    assert driver.find_elements(By.CSS_SELECTOR, f"#{ids.NS_PROFILE} th [lang='en']")
    no_violations(driver, "the Spanish page at 320 px")
    doc, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert doc <= inner, f"the page scrolls sideways ({doc} px in {inner} px)"



_PROFILE_FIT = """
const table = document.querySelector('#%s details[open] table'), region = table.closest('[role=region], .table-scroll');
const row = table.querySelector('tbody tr'), shown = el => el && getComputedStyle(el).display !== 'none';
const cells = Array.from(row.children), city = cells[3], r = region.getBoundingClientRect(), c = city.getBoundingClientRect();
return {fits: region.scrollWidth <= region.clientWidth + 1, city_inside: c.right <= r.right + 1,
        widths: [region.scrollWidth, region.clientWidth].concat(cells.map(x => Math.round(x.getBoundingClientRect().width))),
        heads: Array.from(table.querySelectorAll('thead th')).map(h => h.innerText),
        year: shown(row.querySelector('.ns-year')), trend: shown(row.querySelector('td.ns-trend')),
        phone_trend: shown(row.querySelector('.ns-phone-trend')) ? row.querySelector('.ns-phone-trend').innerText : null};
"""


@pytest.mark.parametrize("width, lang", [(320, "es"), (390, "en"), (1400, "en")])
def test_a_phone_shows_the_area_beside_the_city_in_the_profile(driver, site, db, width, lang):
    """On a phone the profile's year and trend columns give way to the trend under each indicator's
    name, so the chosen area's value and the city's fit the screen side by side (before, the city's
    was past the right edge, to be scrolled to); a CSA's name may break after its slashes. A wide
    screen keeps every column."""
    names = V.csa_names.uncached(db)
    code = max(names, key=lambda c: ("/" in names[c], len(names[c])))
    open_page(driver, site, f"csa={code}".replace(" ", "+").replace("/", "%2F") + f"&lang={lang}", width=width)
    wait_for(lambda: names[code] in text(driver, f"#{ids.NS_PROFILE_HEAD}"), message="the CSA's profile")
    state = driver.execute_script(_PROFILE_FIT % ids.NS_PROFILE)
    if width < 576:
        assert state["fits"] and state["city_inside"], (state["widths"], state)
        assert not state["year"] and not state["trend"], state
        assert state["phone_trend"] and "→" in state["phone_trend"], state
    else:
        assert state["year"] and state["trend"] and state["phone_trend"] is None, state
        assert state["city_inside"], state


def test_a_filter_change_that_drops_the_csa_is_one_history_entry(driver, site, db):
    """Issue 15: the filter change writes the URL once, the CSA it no longer holds already dropped
    (the registry's hook), so Back is one press back to the CSA and the filters before."""
    names = V.csa_names.uncached(db)
    inside = V.filter_csas.uncached(db, Filters(date(2024, 1, 1), date(2025, 12, 31), council_district=("7",)))
    outside = next(c for c in sorted(names) if c not in inside)
    open_page(driver, site, "start=2024-01-01&end=2025-12-31&" + f"csa={outside}".replace(" ", "+").replace("/", "%2F"))
    wait_for(lambda: names[outside] in text(driver, f"#{ids.NS_PROFILE_HEAD}"), message="the linked CSA's profile")
    before, link = driver.execute_script("return window.history.length"), driver.current_url

    click_when_free(driver, f"#{ids.COUNCIL_DISTRICT}")
    option = wait_for(lambda: [o for o in driver.find_elements(By.CSS_SELECTOR, "[role=option]")
                               if o.text.strip() == "Council District 7"], message="the council district options")
    option[0].click()
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    query = lambda: parse_qs(urlparse(driver.current_url).query)  # noqa: E731
    wait_for(lambda: query().get("council_district") == ["7"], message="the URL to follow the filter")
    wait_for(lambda: names[inside[0]] in text(driver, f"#{ids.NS_PROFILE_HEAD}"), message="the district's first CSA")
    time.sleep(1)  # a second write, if there were one, would land by now
    assert "csa" not in query(), driver.current_url
    assert driver.execute_script("return window.history.length") == before + 1

    driver.back()
    wait_for(lambda: driver.current_url == link, message="one Back: the link again")
    wait_for(lambda: names[outside] in text(driver, f"#{ids.NS_PROFILE_HEAD}"), message="the CSA's profile again")
    assert "Council District 7" not in text(driver, f"#{ids.NS_CAPTION}")
