"""Browser tests of the presentation deck (/present) in real headless Chromium.

One app served in a thread and one browser for the whole module (``tests/axe_support.py``): the
deck is driven the way a presenter drives it (the Present control, keys, a clicker's PageUp and
PageDown, reload, Escape, a dropped network, the timed advance and its pause, the keys' help),
every slide is measured for a projector at 1280 x 720 in both themes and both languages (no
overflow, computed font sizes, axe-core's WCAG A/AA rules plus AAA contrast), the language is
kept from the Present control to Escape, and the handout is printed to PDF.

Screenshots of every slide (1280 x 720 and 1920 x 1080, light and dark, English and Spanish,
single and comparison decks) are opt-in: ``PSAD_DECK_SHOTS=1`` (or a directory) writes them to
/tmp/deck-shots/.
"""

from __future__ import annotations

import base64
import itertools
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import psycopg
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import make_url

from tests.axe_support import (
    UNCLIP_BODY,
    format_axe,
    legibility,
    run_axe,
    set_viewport,
    severe_logs,
    wait_for,
)

pytestmark = pytest.mark.browser

YEAR = "start=2025-01-01&end=2025-12-31"  # a whole year inside the test demo (weekly trend)
SINGLE = f"council_district=7&{YEAR}"
DECKS = {  # name -> query string; the labels each deck's sides carry
    "single": (SINGLE, ["Council District 7"]),
    "compare-city": (f"{SINGLE}&compare=city", ["Council District 7", "Baltimore City"]),
    "compare-districts": (f"{SINGLE}&compare=council_district:9", ["Council District 7", "Council District 9"]),
}
HANDOUT = Path("/tmp/psad-deck-handout.pdf")
SHOTS = Path("/tmp/deck-shots")
MIN_RECORDS = 10  # layouts.present.MIN_RECORDS: below this an area's charts must say so in words


# --- the driver (one server and one Chromium per module: `site`, `browser`, tests/axe_support.py) ---

@pytest.fixture()
def driver(browser, site):
    """The shared browser at 1280 x 720 and online, its console log emptied; each test ends by
    asserting no SEVERE entry was logged (dash_duo's ``get_logs() == []``)."""
    set_viewport(browser, 1280, 720)
    severe_logs(browser)
    yield browser
    browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    set_viewport(browser, 1280, 720)


# --- helpers -------------------------------------------------------------------------------------

def query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def deck_ready(driver) -> bool:
    return driver.execute_script(
        "var d = document.querySelector('.deck');"
        "return !!d && d.getAttribute('data-ready') === '1' && d.getAttribute('data-key') !== 'error'"
        " && !!document.querySelector('.deck .slide.current');")


def open_deck(driver, site, search: str) -> int:
    """Load ``/present?search`` and wait for the slides; the number of slides."""
    driver.get(f"{site.url}/present?{search}")
    wait_for(lambda: deck_ready(driver), timeout=30, message=f"the deck of ?{search}")
    return slide_count(driver)


def slide_count(driver) -> int:
    return int(driver.find_element(By.CSS_SELECTOR, ".deck").get_attribute("data-count"))


def current(driver) -> int:
    """The slide shown, checked to be the only one visible and the only one not aria-hidden."""
    return driver.execute_script("""
        const shown = Array.from(document.querySelectorAll('.deck .slide')).filter(
            s => getComputedStyle(s).visibility === 'visible');
        const open = Array.from(document.querySelectorAll('.deck .slide')).filter(
            s => s.getAttribute('aria-hidden') !== 'true');
        if (shown.length !== 1 || open.length !== 1 || shown[0] !== open[0]) { return -shown.length; }
        return parseInt(shown[0].getAttribute('data-n'), 10);""")


def show(driver, n: int) -> None:
    driver.execute_script("window.psadDeck.show(arguments[0])", n)
    assert current(driver) == n


def press(driver, key: str) -> None:
    ActionChains(driver).send_keys(key).perform()


def at(driver, n: int, how: str) -> None:
    """The deck shows slide ``n`` and the URL says so."""
    assert current(driver) == n, f"after {how}: slide {current(driver)}, expected {n}"
    assert query(driver).get("slide") == [str(n)], f"after {how}: URL {driver.current_url}"


def slide_text(driver, n: int | None = None) -> str:
    """The words of slide ``n`` (shown or not), or of the slide shown."""
    sel = f"#slide-{n}" if n else ".deck .slide.current"
    return driver.execute_script(f"const s = document.querySelector('{sel}');"
                                 "return s.innerText.trim() || s.textContent")


def texts(driver, selector: str) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim())", selector)


def map_settled(driver) -> None:
    """The Map page's map is drawn and has stopped moving (no fly or zoom animation)."""
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-overlay-pane path"), timeout=30,
             message="the map drawn")
    seen = []

    def still():
        pane = driver.execute_script(
            "const c = document.querySelector('#map.leaflet-container, #map .leaflet-container');"
            "const p = document.querySelector('#map .leaflet-map-pane');"
            "const g = document.querySelector('#map .leaflet-overlay-pane svg');"
            "return c && p && g && !c.classList.contains('leaflet-zoom-anim') ?"
            " [p.style.transform, g.style.transform, g.getAttribute('viewBox')].join('|') : null")
        seen.append(pane)
        return pane is not None and len(seen) > 5 and len(set(seen[-6:])) == 1

    wait_for(still, timeout=30, interval=0.1, message="the map to stop moving")


def go_offline(driver) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})


KEY_NAMES = {Keys.RIGHT: "Right", Keys.DOWN: "Down", Keys.PAGE_DOWN: "PageDown", Keys.SPACE: "Space",
             Keys.LEFT: "Left", Keys.UP: "Up", Keys.PAGE_UP: "PageUp", Keys.HOME: "Home", Keys.END: "End",
             Keys.ESCAPE: "Escape"}


# --- driven like slides --------------------------------------------------------------------------

def test_present_control_opens_the_filtered_deck_keys_move_it_reload_keeps_it_escape_returns(driver, site):
    driver.get(f"{site.url}/map?{SINGLE}&measure=rate")
    # Leaving the Map page while it still flies to the district logs a Leaflet error (reported
    # apart, a Map page defect): the presenter here waits for the map to settle, as a person does.
    map_settled(driver)
    link = wait_for(lambda: (a := driver.find_element(By.ID, "present-link"))
                    and "council_district=7" in (a.get_attribute("href") or "") and a, message="Present link")
    assert "from=map" in link.get_attribute("href")
    link.click()
    wait_for(lambda: deck_ready(driver), timeout=30, message="the deck")
    assert urlparse(driver.current_url).path == "/present"
    q = query(driver)
    assert q["council_district"] == ["7"] and q["start"] == ["2025-01-01"] and q["end"] == ["2025-12-31"]
    assert q["from"] == ["map"] and q["measure"] == ["rate"]
    title = slide_text(driver, 1)
    assert "Council District 7" in title and "2025" in title, title
    count = slide_count(driver)
    assert count == 9
    at(driver, 1, "opening")

    # Forward with each "next" key in turn, past the end (stays on the last slide).
    for n, key in zip(range(2, count + 1), itertools.cycle([Keys.RIGHT, Keys.DOWN, Keys.PAGE_DOWN, Keys.SPACE])):
        press(driver, key)
        at(driver, n, KEY_NAMES[key])
    press(driver, Keys.RIGHT)
    at(driver, count, "Right on the last slide")
    # Back with each "previous" key in turn, past the start.
    for n, key in zip(range(count - 1, 0, -1), itertools.cycle([Keys.LEFT, Keys.UP, Keys.PAGE_UP])):
        press(driver, key)
        at(driver, n, KEY_NAMES[key])
    press(driver, Keys.PAGE_UP)
    at(driver, 1, "PageUp on the first slide")
    press(driver, Keys.END)
    at(driver, count, "End")
    press(driver, Keys.HOME)
    at(driver, 1, "Home")
    for digit in ("9", "2", "4"):
        press(driver, digit)
        at(driver, int(digit), f"the key {digit}")
    press(driver, "0")  # slide 10: there is none, so nothing moves
    at(driver, 4, "the key 0 in a 9-slide deck")

    driver.refresh()
    wait_for(lambda: deck_ready(driver), timeout=30, message="the deck after reload")
    at(driver, 4, "reload")
    assert "Council District 7" in slide_text(driver, 1)

    press(driver, Keys.ESCAPE)
    wait_for(lambda: urlparse(driver.current_url).path == "/map", message="back on the Map page")
    q = query(driver)
    assert q["council_district"] == ["7"] and q["start"] == ["2025-01-01"] and q["end"] == ["2025-12-31"]
    assert q["measure"] == ["rate"]  # the page's own parameters come back too
    assert "slide" not in q and "from" not in q, driver.current_url
    map_settled(driver)
    assert "District 7" in driver.find_element(By.ID, "council-district").text
    assert not driver.find_elements(By.CSS_SELECTOR, ".deck")
    assert severe_logs(driver) == []


SPANISH = {"Council District 7": "Distrito 7 del Concejo", "Council District 9": "Distrito 9 del Concejo",
           "Baltimore City": "Ciudad de Baltimore", " compared with ": " frente a ", "Citywide": "Toda la ciudad",
           "too few": "muy pocas"}


def say(words: str, lang: str) -> str:
    """``words`` as the deck says them in ``lang``."""
    return SPANISH[words] if lang == "es" else words


def number(text: str, lang: str = "en") -> int:
    return int(text.replace("." if lang == "es" else ",", ""))


@pytest.mark.parametrize("name, lang", [("compare-city", "en"), ("compare-districts", "en"), ("compare-city", "es"),
                                        ("compare-districts", "es")])
def test_comparison_deck_shows_both_areas_on_every_slide(driver, site, name, lang):
    search, labels = DECKS[name]
    labels = [say(x, lang) for x in labels]
    count = open_deck(driver, site, f"{search}&lang={lang}")
    assert say(" compared with ", lang).join(labels) in slide_text(driver, 1)
    for n in range(2, count + 1):
        show(driver, n)
        key = driver.execute_script("return document.querySelector('.slide.current').className")
        if "slide--map" in key:  # one map, both areas in words (the city as "Citywide")
            words = slide_text(driver)
            assert labels[0] in words and (labels[1] in words or say("Citywide", lang) in words), words
        elif "slide--phone" not in key:
            heads = texts(driver, ".slide.current .side-title")
            assert len(heads) == 2 and all(h.startswith(x) for h, x in zip(heads, labels)), (n, key, heads)
    show(driver, 2)
    values = [number(v, lang) for v in texts(driver, ".slide.current [data-key='all'] .big-value")]
    assert len(values) == 2
    if name == "compare-city":
        assert 0 < values[0] < values[1]  # a district is part of the city
    assert severe_logs(driver) == []


def few_records_area(demo_url) -> tuple[str, int]:
    """A neighborhood with 1 to MIN_RECORDS - 1 victims in 2025 in the test demo (the fewest gun
    violence first), and its largest yearly gun-violence count since the goal's baseline."""
    u = make_url(demo_url.replace("postgresql+psycopg://", "postgresql://")).set(drivername="postgresql")
    with psycopg.connect(u.render_as_string(hide_password=False)) as conn:
        row = conn.execute(
            """
            WITH y AS (SELECT neighborhood, count(*) AS n FROM victim
                       WHERE occurred_date BETWEEN '2025-01-01' AND '2025-12-31' AND neighborhood IS NOT NULL
                       GROUP BY 1 HAVING count(*) BETWEEN 1 AND %s),
                 g AS (SELECT neighborhood, extract(year FROM occurred_date) AS yr, count(*) AS n FROM victim
                       WHERE is_gun_violence AND occurred_date >= '2021-01-01' GROUP BY 1, 2)
            SELECT y.neighborhood, coalesce(max(g.n), 0) AS gun FROM y LEFT JOIN g USING (neighborhood)
            GROUP BY y.neighborhood, y.n ORDER BY gun, y.n DESC, y.neighborhood LIMIT 1
            """, (MIN_RECORDS - 1,)).fetchone()
    assert row, "the test demo has no neighborhood with few victims in 2025"
    return row[0], int(row[1])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_deck_for_an_area_with_too_few_records_says_so_on_every_slide(driver, site, demo_url, lang):
    area, gun_max = few_records_area(demo_url)
    search = urlencode({"neighborhood": area, "start": "2025-01-01", "end": "2025-12-31", "lang": lang})
    count = open_deck(driver, site, search)
    assert count == 9
    assert area in slide_text(driver, 1)
    problems = []
    for n in range(1, count + 1):
        show(driver, n)
        kind = driver.execute_script("return document.querySelector('.slide.current').className")
        words = slide_text(driver)
        plain = " ".join(texts(driver, ".slide.current .slide-plain"))
        charts = driver.find_elements(By.CSS_SELECTOR, ".slide.current .deck-chart, .slide.current .bar-rows")
        if not driver.find_elements(By.CSS_SELECTOR, ".slide.current .slide-footer"):
            problems.append(f"slide {n}: no footer")
        if "slide--headline" in kind:
            values = texts(driver, ".slide.current .big-value")
            if not values or not all(v.replace(",", "").replace(".", "").isdigit() and number(v, lang) < MIN_RECORDS
                                     for v in values):
                problems.append(f"slide {n} (headline): values {values}")
            changes = texts(driver, ".slide.current .big-change")
            if any("%" in c for c in changes):  # no percentage of a count this small
                problems.append(f"slide {n} (headline): a percentage on counts under {MIN_RECORDS}: {changes}")
        elif "slide--trend" in kind or "slide--who" in kind:
            if say("too few", lang) not in plain.lower() or charts:
                problems.append(f"slide {n} ({kind}): no plain 'too few' sentence instead of a chart: {words!r}")
        elif "slide--goal" in kind and gun_max < MIN_RECORDS:
            if not plain or charts:
                problems.append(f"slide {n} (goal): a chart of at most {gun_max} victims of gun violence a year "
                                f"instead of a plain sentence: {words!r}")
        elif "slide--justice" in kind:  # as on the headline slide: no percentage of fewer than 10
            for col in texts(driver, ".slide.current .justice-col"):
                lines = [x.strip() for x in col.splitlines() if x.strip()]
                base = lines[1].replace(",", "").replace(".", "") if len(lines) > 1 else ""
                if base.isdigit() and int(base) < MIN_RECORDS and "%" in col:
                    problems.append(f"slide {n} (justice): percentages of {base} {lines[0].lower()}: "
                                    f"{' / '.join(lines)!r}")
        elif "slide--programs" in kind:
            if not (plain or driver.find_elements(By.CSS_SELECTOR, ".slide.current .site-list li")):
                problems.append(f"slide {n} (programs): neither sites nor a sentence")
        elif "slide--map" in kind and area not in words:
            problems.append(f"slide {n} (map): does not name {area}: {words!r}")
        if re.search(r"\bnan\b|undefined|Traceback|Error|⟦", words):
            problems.append(f"slide {n}: {words!r}")
    assert problems == [], "\n".join(problems)
    assert severe_logs(driver) == []


def test_slides_still_move_after_the_network_drops(driver, site):
    count = open_deck(driver, site, SINGLE)
    go_offline(driver)
    try:
        assert driver.execute_script("return navigator.onLine") is False
        for n in range(2, count + 1):
            press(driver, Keys.PAGE_DOWN)  # a clicker
            at(driver, n, "PageDown offline")
        press(driver, Keys.HOME)
        at(driver, 1, "Home offline")
        press(driver, "5")
        at(driver, 5, "the key 5 offline")
        # the map slide is an inline SVG image: it shows with no network
        assert driver.execute_script("const i = document.querySelector('#slide-5 img.deck-map');"
                                     "return !!i && i.complete && i.naturalWidth > 0")
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert severe_logs(driver) == []


def test_timed_advance_moves_by_itself_and_loops(driver, site):
    count = open_deck(driver, site, f"{SINGLE}&advance=5&slide=9")
    show(driver, count)  # restarts the 5 s from now (a slow opening on a busy machine may eat into the first)
    started = time.time()
    deck = driver.find_element(By.CSS_SELECTOR, ".deck")
    assert deck.get_attribute("data-advance") == "5" and deck.get_attribute("data-start") == str(count)
    at(driver, count, "opening on the last slide")
    wait_for(lambda: current(driver) == 1, timeout=8, message="one tick of the timed advance")
    assert time.time() - started > 3  # not at once: after its 5 s
    assert query(driver).get("slide") == ["1"]
    assert severe_logs(driver) == []


def test_f_toggles_full_screen_and_the_buttons_work_by_keyboard(driver, site):
    open_deck(driver, site, f"{SINGLE}&slide=2")
    press(driver, "f")
    wait_for(lambda: driver.execute_script("return !!document.fullscreenElement"), timeout=5, message="full screen")
    press(driver, "F")
    wait_for(lambda: driver.execute_script("return !document.fullscreenElement"), timeout=5,
             message="full screen left")
    at(driver, 2, "F twice")  # F moves no slide
    # The controls are real buttons: Tab reaches them (they show while focused) and Enter presses them.
    buttons = driver.find_elements(By.CSS_SELECTOR, ".deck-controls button")
    assert [b.get_attribute("data-deck-action") for b in buttons] == ["prev", "next", "fullscreen", "help", "exit"]
    driver.execute_script("arguments[0].focus()", buttons[1])
    wait_for(lambda: driver.execute_script(
        "return getComputedStyle(document.querySelector('.deck-controls')).opacity") == "1",
        timeout=3, message="the controls shown while a button has focus")
    press(driver, Keys.ENTER)
    at(driver, 3, "Enter on Next")
    driver.execute_script("arguments[0].focus()", buttons[0])
    press(driver, Keys.SPACE)  # Space on a focused button presses it, rather than moving on
    at(driver, 2, "Space on Previous")
    assert severe_logs(driver) == []


@pytest.mark.parametrize("width, height", [(1400, 900), (390, 844)])
def test_the_present_control_is_on_screen_and_passes_axe(driver, site, width, height):
    """The shell's control (every page has it): visible without scrolling sideways, and none of
    axe's WCAG A/AA findings is about it (the rest of each page is the accessibility issue's)."""
    set_viewport(driver, width, height)
    driver.get(f"{site.url}/arrests?{SINGLE}")
    link = wait_for(lambda: (a := driver.find_element(By.ID, "present-link"))
                    and "from=arrests" in (a.get_attribute("href") or "") and a, message="Present link")
    box = link.rect
    assert link.is_displayed() and box["x"] >= 0 and box["x"] + box["width"] <= width
    result = run_axe(driver, extra_rules=(), within="#present-link")
    mine = [v for v in result["violations"] if any("present-link" in str(n["target"]) for n in v["nodes"])]
    assert mine == [], format_axe(mine)
    assert result["checked"].get("color-contrast", 0) >= 1  # axe judged the control's contrast
    assert severe_logs(driver) == []


# --- in Spanish: the language kept, the lobby loop paused, no motion for those who ask for none ---

def test_spanish_present_control_opens_a_spanish_deck_and_escape_returns_in_spanish(driver, site):
    driver.get(f"{site.url}/arrests?{SINGLE}&lang=es")
    link = wait_for(lambda: (a := driver.find_element(By.ID, "present-link"))
                    and "from=arrests" in (a.get_attribute("href") or "") and a, message="Present link")
    assert "lang=es" in link.get_attribute("href")
    link.click()
    wait_for(lambda: deck_ready(driver), timeout=30, message="the deck")
    assert query(driver)["lang"] == ["es"]
    assert driver.execute_script("return document.documentElement.lang") == "es"
    assert "Seguridad pública en" in slide_text(driver, 1)
    controls = driver.find_elements(By.CSS_SELECTOR, ".deck-controls button")
    assert [b.get_attribute("aria-label") for b in controls][:2] == [
        "Diapositiva anterior (flecha izquierda, Page Up)", "Diapositiva siguiente (flecha derecha, Page Down, "
        "barra espaciadora)"]
    press(driver, Keys.RIGHT)
    at(driver, 2, "Right")
    wait_for(lambda: driver.find_element(By.ID, "present-live").get_attribute("textContent")
             == "Diapositiva 2 de 9: Las cifras principales", message="the slide announced in Spanish")
    show(driver, 9)  # the QR code and its link open the dashboard in Spanish
    url = driver.find_element(By.CSS_SELECTOR, ".slide.current .qr-url").text.replace("\n", "")
    assert "lang=es" in url and "/present" not in url, url
    assert driver.find_element(By.CSS_SELECTOR, ".slide.current img.qr").get_attribute("alt").startswith(
        "Código QR: abre ")
    press(driver, Keys.ESCAPE)
    wait_for(lambda: urlparse(driver.current_url).path == "/arrests", message="back on the Arrests page")
    q = query(driver)
    assert q["lang"] == ["es"] and q["council_district"] == ["7"] and "slide" not in q, driver.current_url
    assert driver.execute_script("return document.documentElement.lang") == "es"
    # the URL moves before the page is swapped in: the deck is gone once the page has drawn
    wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, ".deck"), message="the deck gone")
    assert severe_logs(driver) == []


def test_question_mark_shows_the_keys_in_spanish_and_escape_closes_them_first(driver, site):
    open_deck(driver, site, f"{SINGLE}&slide=3&lang=es&theme=dark")
    press(driver, "?")
    box = wait_for(lambda: (h := driver.find_element(By.CSS_SELECTOR, ".deck-help")) and h.is_displayed() and h,
                   timeout=3, message="the keys' help")
    assert box.get_attribute("role") == "dialog"
    assert driver.find_element(By.ID, "deck-help-title").text == "Teclas"
    assert "Diapositiva siguiente" in box.text and "Esc" in box.text
    assert driver.switch_to.active_element.text == "Cerrar"  # focus moved into the dialog
    result = run_axe(driver)
    assert result["violations"] == [], format_axe(result["violations"])
    press(driver, Keys.RIGHT)  # the slides stay put under the help
    at(driver, 3, "Right with the help open")
    press(driver, Keys.ESCAPE)  # closes the help, and nothing else
    wait_for(lambda: not driver.find_element(By.CSS_SELECTOR, ".deck-help").is_displayed(), timeout=3,
             message="the help closed")
    assert urlparse(driver.current_url).path == "/present"
    at(driver, 3, "Escape on the help")
    keys = driver.find_element(By.CSS_SELECTOR, ".deck-controls [data-deck-action='help']")
    assert keys.get_attribute("aria-label") == "Las teclas que manejan las diapositivas (?)"
    driver.execute_script("arguments[0].focus()", keys)
    press(driver, Keys.ENTER)  # the Keys button opens it too, and focus comes back to it on close
    wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".deck-help").is_displayed(), timeout=3,
             message="the help from its button")
    press(driver, Keys.ENTER)  # Enter on Close
    wait_for(lambda: driver.switch_to.active_element.get_attribute("data-deck-action") == "help", timeout=3,
             message="focus back on the Keys button")
    assert severe_logs(driver) == []


def reduce_motion(driver, on: bool) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-reduced-motion", "value": "reduce" if on else "no-preference"}]})


def test_lobby_loop_in_spanish_says_so_pauses_and_nothing_moves_under_reduced_motion(driver, site):
    reduce_motion(driver, True)
    try:
        count = open_deck(driver, site, f"{SINGLE}&advance=5&slide=2&lang=es&theme=dark")
        assert driver.execute_script("return matchMedia('(prefers-reduced-motion: reduce)').matches")
        # no animation or transition anywhere in the deck (the controls appear without fading)
        moving = driver.execute_script("""
            return Array.from(document.querySelectorAll('.deck, .deck *')).filter(e => {
                const c = getComputedStyle(e);
                return c.transitionDuration.split(',').some(d => parseFloat(d) > 0)
                    || (c.animationName !== 'none' && c.animationDuration.split(',').some(d => parseFloat(d) > 0));
            }).map(e => e.className)""")
        assert moving == [], moving
        # the room is told the slides move on, and how to stop them
        assert "Avanza cada 5 s · P pausa" in slide_text(driver)
        pause = driver.find_element(By.CSS_SELECTOR, ".deck-controls [data-deck-action='pause']")
        assert pause.get_attribute("aria-label") == "Pausar las diapositivas (P)"
        press(driver, "p")
        held = current(driver)  # (the loop may have moved on once while the checks above ran)
        assert pause.get_attribute("aria-pressed") == "true" and pause.get_attribute("textContent") == "Reanudar"
        assert pause.get_attribute("aria-label") == "Reanudar las diapositivas (P)"
        assert "En pausa · P reanuda" in slide_text(driver)
        assert driver.find_element(By.ID, "present-live").get_attribute("textContent").startswith("En pausa")
        time.sleep(6.5)  # past one tick: paused, nothing moved
        at(driver, held, "6 s paused")
        driver.execute_script("arguments[0].focus()", pause)
        press(driver, Keys.ENTER)  # the button plays them again
        assert pause.get_attribute("aria-pressed") == "false"
        wait_for(lambda: current(driver) == held % count + 1, timeout=8, message="the loop moving on after Play")
        assert count == 9
        result = run_axe(driver)  # the whole deck, its controls with the Pause button among them
        assert result["violations"] == [], format_axe(result["violations"])
    finally:
        reduce_motion(driver, False)
    assert severe_logs(driver) == []


@pytest.mark.parametrize("width, height", [(390, 844), (320, 568)])
def test_spanish_deck_on_a_phone_has_no_sideways_scroll_and_passes_axe(driver, site, width, height):
    set_viewport(driver, width, height)
    open_deck(driver, site, f"{DECKS['compare-city'][0]}&lang=es")
    for n in (1, 2, 5):
        show(driver, n)
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), n
        box = driver.execute_script("return document.querySelector('.slide.current').getBoundingClientRect().toJSON()")
        assert box["left"] >= -0.5 and box["right"] <= width + 0.5, box  # the whole slide on screen, scaled
    result = run_axe(driver)
    assert result["violations"] == [], format_axe(result["violations"])
    assert severe_logs(driver) == []


# --- legible on a projector ----------------------------------------------------------------------

@pytest.mark.parametrize("name, theme, lang", [
    # every kind of deck in each theme, the longer Spanish text included: each kind once in Spanish
    # (its text runs ~20% longer), each theme at least twice in each language
    ("single", "light", "en"), ("compare-city", "dark", "en"), ("compare-districts", "dark", "en"), ("few", "light", "en"),
    ("single", "dark", "es"), ("compare-city", "light", "es"), ("compare-districts", "light", "es"),
    ("few", "dark", "es"), ("lobby", "light", "es"),
])
def test_every_slide_fits_is_large_enough_and_passes_axe_at_1280x720(driver, site, demo_url, name, theme, lang):
    """(a) nothing overflows the slide body or the slide, no text is cut short; (b) computed font
    sizes: body text >= 28 px, all other text (Plotly's SVG text too) and the footer >= 20 px;
    (c) axe-core wcag2a/2aa/21a/21aa plus color-contrast-enhanced (7:1): no violations (chart
    text, which axe cannot judge, measured at 7:1 against the slide)."""
    if name == "few":  # the plain sentences that replace charts must fit too
        search = urlencode({"neighborhood": few_records_area(demo_url)[0], "start": "2025-01-01",
                            "end": "2025-12-31"})
    elif name == "lobby":  # a lobby loop: its footer says so, and a Pause button joins the controls
        search = f"{DECKS['compare-city'][0]}&advance=3600"
    else:
        search, _ = DECKS[name]
    count = open_deck(driver, site, f"{search}&theme={theme}&lang={lang}")
    assert driver.execute_script("return [innerWidth, innerHeight, document.documentElement.lang]") == [1280, 720, lang]
    assert f"theme-{theme}" in driver.find_element(By.CSS_SELECTOR, ".deck").get_attribute("class")
    problems = []
    for n in range(1, count + 1):
        show(driver, n)
        where = f"{name} {theme} {lang} slide {n}"
        m = legibility(driver)
        assert m["texts"] > 0, where
        problems += [f"{where}: overflow: {x}" for x in m["overflow"]]
        problems += [f"{where}: cut short: {x}" for x in m["clipped"]]
        problems += [f"{where}: small text: {x}" for x in m["small"]]
        result = run_axe(driver, style=UNCLIP_BODY, within=".deck .slide.current")
        judged = result["checked"].get("color-contrast-enhanced", 0)
        assert judged >= min(5, m["texts"]), f"{where}: axe judged the contrast of {judged} of the slide's texts"
        problems += [f"{where}: axe: {x}" for x in format_axe(result["violations"])]
        problems += [f"{where}: chart text contrast: {x}" for x in m["contrast"]]
        problems += [f"{where}: axe could not decide: {x}" for x in format_axe(result["incomplete"], svg=False)
                     if x.startswith("color-contrast")]
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
    assert severe_logs(driver) == []


# --- the handout ---------------------------------------------------------------------------------

def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)\b", data))


@pytest.mark.parametrize("name, lang", [("single", "en"), ("compare-city", "en"), ("compare-city", "es")])
def test_handout_prints_one_slide_per_page(driver, site, name, lang):
    search, labels = DECKS[name]
    labels = [say(x, lang) for x in labels]
    # printed light, from any slide; a lobby loop's footer mark is not printed
    count = open_deck(driver, site, f"{search}&theme=dark&slide=3&lang={lang}&advance=3600")
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {
        "preferCSSPageSize": True, "printBackground": True})["data"])
    path = HANDOUT.with_name(f"{HANDOUT.stem}-{name}-{lang}.pdf") if (name, lang) != ("single", "en") else HANDOUT
    path.write_bytes(pdf)
    assert pdf_pages(pdf) == count, f"{pdf_pages(pdf)} pages for {count} slides ({path})"
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert sizes == {(b"960", b"540")}, sizes  # 1280 x 720 CSS px = 960 x 540 pt, every page
    if shutil.which("pdftotext"):  # page n is slide n, whole (its footer says "n / count")
        for n in range(1, count + 1):
            page = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
                                  capture_output=True, text=True, check=True).stdout
            assert f"{n} / {count}" in page, (n, page[-300:])
            assert n > 1 or say(" compared with ", lang).join(labels) in " ".join(page.split()), page
            assert ("Datos al" if lang == "es" else "Data as of") in page, page
            assert "P pausa" not in page and "P pauses" not in page, page
    assert severe_logs(driver) == []


# --- screenshots to look at (opt-in) -------------------------------------------------------------

@pytest.mark.skipif(not os.environ.get("PSAD_DECK_SHOTS"), reason="opt-in: PSAD_DECK_SHOTS=1 (or a directory)")
def test_screenshots_of_every_slide(driver, site, demo_url):
    flag = os.environ["PSAD_DECK_SHOTS"]
    out = Path(flag) if flag not in ("1", "true", "yes") else SHOTS
    out.mkdir(parents=True, exist_ok=True)
    few = urlencode({"neighborhood": few_records_area(demo_url)[0], "start": "2025-01-01", "end": "2025-12-31"})
    decks = {**{name: search for name, (search, _) in DECKS.items()}, "few": few}
    written = 0
    for (name, search), theme, lang in itertools.product(decks.items(), ("light", "dark"), ("en", "es")):
        count = open_deck(driver, site, f"{search}&theme={theme}&lang={lang}")
        for width, height in ((1280, 720), (1920, 1080)):
            set_viewport(driver, width, height)
            for n in range(1, count + 1):
                show(driver, n)
                driver.save_screenshot(str(out / f"{name}-{theme}-{lang}-{width}x{height}-{n:02d}.png"))
                written += 1
        set_viewport(driver, 1280, 720)
    assert written == len(decks) * 2 * 2 * 2 * 9
    assert severe_logs(driver) == []
