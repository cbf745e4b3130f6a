"""Accessibility of every dashboard page in real headless Chromium (WCAG 2.1 AA, issue 11).

axe-core (rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa, any impact) finds nothing on any page,
at 1400 and 390 px, citywide and filtered (Council District 7), once the page's figures and
tables are drawn; and the checks axe cannot make: a skip link is the first Tab stop and takes
focus to <main>; every control of the shell shows a focus ring of at least 2 px at 3:1; each page
has header, nav and main landmarks and exactly one h1; the filter dropdowns take Tab and open from
the keyboard after the repair that makes their hidden Tab-forwarding input leave the Tab order.

One app served in a thread and one browser for the module (``tests/axe_support.py``).
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import ids
from tests.axe_support import format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

# path -> a selector whose text is non-empty once the page's data has arrived
PAGES = {
    "/": "#card-all .card-value",
    "/map": f"#{ids.MAP_LEGEND}",
    "/demographics": f"#{ids.DEMO_VICTIMS}",
    "/arrests": f"#{ids.ARRESTS_CLEARANCE_TABLE}",
    "/outcomes": f"#{ids.OUTCOMES_CARDS}",
    "/lookup": f"#{ids.LOOKUP_RESULTS}",
    "/cvi": f"#{ids.CVI_LIST}",
    "/about": f"#{ids.ABOUT_STATUS}",
}
VIEWS = {"default": "", "filtered": "council_district=7"}
WIDTHS = (1400, 390)
HEIGHT = 900

# Rendered: the page's root is in <main>, its data has arrived, no Dash component is loading,
# no placeholder ("Loading…") is left, and every chart has drawn its SVG.
_RENDERED = """
const [root, marker] = arguments;
const main = document.querySelector('main');
if (!main || !main.querySelector(root)) { return false; }
const m = document.querySelector(marker);
if (!m || !m.innerText.trim() || m.innerText.includes('Loading')) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
if (main.innerText.includes('Loading…')) { return false; }
return Array.from(main.querySelectorAll('.js-plotly-plot')).every(g => g.querySelector('.main-svg'));
"""


_LANDMARKS = """
const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
const count = sel => Array.from(document.querySelectorAll(sel)).filter(visible).length;
return {h1: count('h1, [role=heading][aria-level="1"]'),
        banner: count('header:not(main header, article header, section header, aside header, nav header), [role=banner]'),
        nav: count('nav, [role=navigation]'), main: count('main, [role=main]'),
        // several navigation landmarks (the pages, a results pager) must each have a name of their own
        navNames: Array.from(document.querySelectorAll('nav, [role=navigation]')).filter(visible)
                    .map(n => n.getAttribute('aria-label') || '')};
"""


@pytest.fixture()
def driver(browser, site):
    """The shared browser, its console log emptied; no SEVERE entry may be logged by the test."""
    severe_logs(browser)
    yield browser
    assert severe_logs(browser) == []


def open_page(driver, site, path: str, search: str = "", width: int = 1400) -> None:
    set_viewport(driver, width, HEIGHT)
    driver.get(f"{site.url}{path}{'?' + search if search else ''}")
    name = "summary" if path == "/" else path.strip("/")
    wait_for(lambda: driver.execute_script(_RENDERED, f"#{ids.page_id(name)}", PAGES[path]),
             timeout=30, message=f"{path}?{search} rendered at {width} px")


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations_one_h1_and_landmarks(driver, site, path, width, view):
    open_page(driver, site, path, VIEWS[view], width)
    result = run_axe(driver, extra_rules=())  # WCAG 2.1 A and AA only: AAA contrast is the deck's bar
    lines = format_axe(result["violations"])
    assert not lines, f"axe-core on {path}?{VIEWS[view]} at {width} px:\n" + "\n".join(lines)
    assert result["checked"].get("color-contrast"), "axe judged no text's contrast: was the page drawn?"
    # what axe does not require: one h1, and the header, nav and main landmarks, each once
    found = driver.execute_script(_LANDMARKS)
    names = found.pop("navNames")
    assert found["nav"] >= 1 and {k: found[k] for k in ("h1", "banner", "main")} == {"h1": 1, "banner": 1, "main": 1}, \
        f"{path}?{VIEWS[view]} at {width} px: {found}"
    assert all(names) and len(set(names)) == len(names), f"navigation landmarks need distinct names: {names}"


def test_skip_link_is_first_and_moves_focus_to_main(driver, site):
    for width in WIDTHS:
        open_page(driver, site, "/arrests", width=width)
        ActionChains(driver).send_keys(Keys.TAB).perform()
        first = driver.switch_to.active_element
        assert first.get_attribute("id") == ids.SKIP_LINK, f"first Tab stop at {width} px: {first.get_attribute('outerHTML')[:120]}"
        assert first.text == "Skip to main content" and first.is_displayed(), "the focused skip link is shown"
        url = driver.current_url
        first.send_keys(Keys.ENTER)
        wait_for(lambda: driver.switch_to.active_element.get_attribute("id") == ids.PAGE_CONTENT,
                 message="focus on <main> after Enter on the skip link")
        assert driver.current_url == url, "the shared URL is unchanged (no #fragment)"
        # the next Tab goes into the page, not back to the header
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.execute_script("return document.getElementById(arguments[0]).contains(document.activeElement)",
                                     ids.PAGE_CONTENT)


# The focused element's ring: outline (or a solid box-shadow spread) width, and its colour's
# contrast with the background the ring sits on (the nearest ancestor with an opaque background).
_RING = """
const el = document.activeElement;
const cs = getComputedStyle(el);
const rgb = c => { const m = (c || '').match(/rgba?\\(([^)]+)\\)/); if (!m) { return null; }
                   const v = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
                   return {c: v.slice(0, 3), a: v.length > 3 ? v[3] : 1}; };
const lum = c => { const f = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
                   return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
let bg = [255, 255, 255];
for (let n = el.parentElement; n; n = n.parentElement) {
  const b = rgb(getComputedStyle(n).backgroundColor);
  if (b && b.a === 1) { bg = b.c; break; }
}
let width = 0, color = null;
if (cs.outlineStyle !== 'none' && cs.outlineStyle !== 'hidden') { width = parseFloat(cs.outlineWidth); color = rgb(cs.outlineColor); }
const [l1, l2] = color ? [lum(color.c), lum(bg)].sort((x, y) => y - x) : [0, 0];
const r = el.getBoundingClientRect();
return {what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined
            ? '.' + String(el.className).trim().split(/\\s+/).join('.') : ''),
        width: width, alpha: color ? color.a : 0, contrast: color ? (l1 + 0.05) / (l2 + 0.05) : 0,
        shown: r.width > 0 && r.height > 0, inMain: document.querySelector('main').contains(el)};
"""


def test_focus_ring_on_every_shell_control(driver, site):
    """Tab from the top through the header, filter bar, nav and into the page: every stop shows a
    ring >= 2 px wide, opaque, at >= 3:1 against what surrounds it (links, buttons, inputs)."""
    open_page(driver, site, "/arrests")
    seen, bad = [], []
    for _ in range(40):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        ring = driver.execute_script(_RING)
        if ring["inMain"] and len(seen) > 5:
            break
        seen.append(ring["what"])
        if not (ring["width"] >= 2 and ring["alpha"] == 1 and ring["contrast"] >= 3):
            bad.append(ring)
    kinds = " ".join(seen)
    for kind in ("a#skip-link", "a#present-link", f"button#{ids.QUICK_RANGE}.dash-dropdown", f"input#{ids.DATE_RANGE}",
                 f"button#{ids.FILTER_CONTROLS['police_district']}.dash-dropdown", f"button#{ids.CLEAR_FILTERS}",
                 f"a#{ids.nav_id('map')}"):
        assert kind in kinds, f"no {kind} among the Tab stops: {seen}"
    assert not bad, "focus rings under 2 px or 3:1:\n" + "\n".join(map(str, bad))


def test_dropdowns_take_tab_and_open_from_the_keyboard(driver, site):
    """The dropdown's own button is its Tab stop (assets/psad.js takes the aria-hidden forwarding
    input out of the Tab order): Tab reaches it once, Enter opens its options, Escape closes them,
    and the next Tab moves on to the next control."""
    open_page(driver, site, "/")
    control = ids.FILTER_CONTROLS["police_district"]
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element.get_attribute("id") == control:
            break
    else:
        raise AssertionError("Tab never reached the police district dropdown")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for(lambda: driver.find_elements("css selector", "[role=option]"), message="options open on Enter")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait_for(lambda: not driver.find_elements("css selector", "[role=option]"), message="options closed on Escape")
    wait_for(lambda: driver.switch_to.active_element.get_attribute("id") == control, message="focus back on the dropdown")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("id") == ids.FILTER_CONTROLS["neighborhood"]
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert driver.switch_to.active_element.get_attribute("id") == control, "Shift+Tab comes back to it"


# --- the no-data view, the error view and a link with mistakes --------------------------------------

@pytest.fixture(scope="module")
def empty_site(make_database):
    """The app on a database with the schema and nothing loaded (a fresh install before any load)."""
    from app import create_app
    from data_access import migrate
    from data_access.db import Database
    from tests.axe_support import ServedApp
    from tests.conftest import free_port

    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    db.dispose()
    served = ServedApp(create_app({"database_url": url}).server, free_port()).start()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def down_site():
    """The app on a database server that is not there (connections refused)."""
    from app import create_app
    from tests.axe_support import ServedApp
    from tests.conftest import free_port

    served = ServedApp(create_app({"database_url": f"postgresql://postgres@127.0.0.1:{free_port()}/gone"}).server,
                       free_port()).start()
    yield served
    served.stop()


_SETTLED = """
const main = document.querySelector('main');
if (!main || !main.innerText.trim()) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
return !/Loading…|Cargando…/.test(main.innerText);
"""


def _axe_clean(driver, base: str, path: str, search: str, expect: str) -> list[str]:
    """Open ``path`` once, then axe it at 1400 and at 390 px (a resize, no reload)."""
    set_viewport(driver, 1400, HEIGHT)
    driver.get(f"{base}{path}?{search}")
    wait_for(lambda: driver.execute_script(_SETTLED), timeout=30, message=f"{path}?{search} settled")
    wait_for(lambda: expect in driver.find_element("css selector", "main").text, timeout=20,
             message=f"{path}?{search} shows {expect!r}")
    problems = []
    for width in WIDTHS:
        set_viewport(driver, width, HEIGHT)
        result = run_axe(driver, extra_rules=())
        problems += [f"{path}?{search} at {width}: {line}" for line in format_axe(result["violations"])]
        found = driver.execute_script(_LANDMARKS)
        if found["h1"] != 1 or found["main"] != 1:
            problems.append(f"{path}?{search} at {width}: landmarks {found}")
    return problems


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_data_view_of_every_page_is_accessible(browser, empty_site, lang):
    """Nothing loaded yet: every page says so (in the reader's language), with no axe violation
    at 1400 or 390 px."""
    expect = {"en": "No data is loaded yet", "es": "Todavía no hay datos cargados"}[lang]
    problems = []
    for path in PAGES:
        if path == "/about":
            continue  # the About page explains the data and its load history: it has no "no data" state
        problems += _axe_clean(browser, empty_site.url, path, f"lang={lang}", expect)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_error_view_is_accessible(browser, down_site, lang):
    """The database is down: the page says so plainly, with a heading and a main landmark."""
    expect = {"en": "temporarily unavailable", "es": "no está disponible"}[lang]
    problems = []
    for path in ("/", "/map"):
        problems += _axe_clean(browser, down_site.url, path, f"lang={lang}&council_district=7", expect)
    assert not problems, "\n".join(problems)


def test_a_link_with_mistakes_is_accessible(browser, site):
    """A shared link with bad values: every page shows the notice (in Spanish, the longer one) and
    stays clean."""
    lang, expect = "es", "No se entendió"
    problems = []
    for path in ("/", "/map", "/lookup"):  # the notice is the shell's; the pages' own parameters differ
        problems += _axe_clean(browser, site.url, path, f"lang={lang}&council_district=99&start=someday&colour=red", "")
        notice = browser.find_element("id", ids.NOTICES).text
        if expect not in notice:
            problems.append(f"{path}: no notice in {lang}: {notice!r}")
    assert not problems, "\n".join(problems)
