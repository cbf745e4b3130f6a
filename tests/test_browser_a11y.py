"""Accessibility of every dashboard page in real headless Chromium (WCAG 2.1 AA, issue 11).

axe-core (rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa, any impact) finds nothing on any page,
in English and Spanish, at 1400 and 390 px, citywide and filtered (Council District 7), with every
chart's table open, once the page's figures and tables are drawn; and the checks axe cannot make:
the page's language is the one asked for, it does not scroll sideways, a skip link is the first
Tab stop and takes focus to <main>; every control of the shell shows a focus ring of at least 2 px
at 3:1; each page has header, nav and main landmarks and exactly one h1; the filter dropdowns take
Tab and open from the keyboard after the repair that makes their hidden Tab-forwarding input leave
the Tab order.

Each page is loaded once per language and width (``VIEWS``): the four loads cover every pair of
language, width and citywide / filtered (a Latin square), and the Map's layers (incidents on; CVI
sites on, incidents off) and an opened case in the Case lookup ride along in the same loads. This
matrix holds the Spanish axe checks that were once in each page's own module
(tests/test_summary_a11y_i18n.py, test_map_a11y_i18n.py, test_cases_a11y_i18n.py,
test_about_cvi_a11y_i18n.py).

One app served in a thread and one browser for the module (``tests/axe_support.py``).
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import ids
from tests.axe_support import format_axe, run_axe, set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

# path -> (a selector whose text is non-empty once the page's data has arrived,
#          [(a selector, how many of it must be there, whether each must hold text)] once drawn)
PAGES = {
    "/": ("#card-all .card-value", []),
    "/map": (f"#{ids.MAP_LEGEND}", [("#map-area-table tbody tr", 1, True),
                                    ("#map .leaflet-overlay-pane path", 11, False)]),
    "/demographics": (f"#{ids.DEMO_VICTIMS}", []),
    "/arrests": (f"#{ids.ARRESTS_CLEARANCE_TABLE}", []),
    "/outcomes": (f"#{ids.OUTCOMES_CARDS}", []),
    "/lookup": (f"#{ids.LOOKUP_RESULTS}", []),
    "/cvi": (f"#{ids.CVI_LIST}", [("#cvi-list .cvi-site", 1, True), ("#cvi-caption", 1, True)]),
    "/about": (f"#{ids.ABOUT_STATUS}", [("#accessibility ul", 1, True), ("#about-status table", 1, True)]),
}
WIDTHS = (1400, 390)
HEIGHT = 900
# view -> (language, width, filtered): every pair of the three is in some view, each page is
# loaded once per language and width.
VIEWS = {"en-1400": ("en", 1400, False), "en-390": ("en", 390, True),
         "es-1400": ("es", 1400, True), "es-390": ("es", 390, False)}
FILTERED = "council_district=7"
# the Summary filtered by offense too (the offense buttons in its table are pressed)
PAGE_FILTERED = {"/": "council_district=7&offense=homicide&offense=shooting"}
# The Map's layers: a month of the test data (drawn as points, clustered) with the incidents on,
# or the CVI sites on and the incidents off; the first view is the page's own default.
MAP_MONTH = "start=2026-10-01&end=2026-10-31"
MAP_LAYERS = {"en-1400": "", "en-390": f"{MAP_MONTH}&points=off&cvi=on",
              "es-1400": f"{MAP_MONTH}&points=off&cvi=on", "es-390": f"{MAP_MONTH}&points=on"}


def view_search(path: str, view: str, case_number: str | None = None) -> str:
    """The query of ``path`` in ``view`` (the Case lookup in Spanish with a case opened)."""
    lang, _width, filtered = VIEWS[view]
    parts = [] if lang == "en" else [f"lang={lang}"]
    if filtered:
        parts.append(PAGE_FILTERED.get(path, FILTERED))
    if path == "/map":
        parts.append(MAP_LAYERS[view])
    if path == "/lookup" and lang == "es":
        parts.append(f"open={case_number}")
    return "&".join(p for p in parts if p)


# Rendered: the page's root is in <main>, its data has arrived, no Dash component is loading, no
# placeholder ("Loading…", in any language) is left, every chart has been laid out and drawn its SVG,
# every chart's table is filled, an opened case is shown and the page's own parts are there.
_RENDERED = """
const [root, marker, parts, open] = arguments;
const main = document.querySelector('main');
if (!main || !main.querySelector(root)) { return false; }
const m = document.querySelector(marker);
if (!m || !m.innerText.trim() || m.innerText.includes('Loading')) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
if (/Loading…|Cargando…|⟦Loading…⟧/.test(main.innerText)) { return false; }
if (open && !document.getElementById('case-detail')) { return false; }
if (!parts.every(([sel, n, text]) => { const els = document.querySelectorAll(sel);
    return els.length >= n && (!text || Array.from(els).every(e => e.textContent.trim())); })) { return false; }
if (!Array.from(main.querySelectorAll('figure.chart .chart-table')).every(t => t.childElementCount > 0)) { return false; }
return Array.from(main.querySelectorAll('.js-plotly-plot')).every(g => g._fullLayout && g.querySelector('.main-svg'));
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

# The page's width against the window's, less its vertical scrollbar if it has one (headless
# Chromium draws a classic one: a page as wide as the window would still scroll by its width).
_SCROLL = ("const d = document.documentElement; "
           "return [d.scrollWidth, Math.min(window.innerWidth, d.clientWidth), document.body.scrollWidth];")


@pytest.fixture()
def driver(browser, site):
    """The shared browser, its console log emptied; no SEVERE entry may be logged by the test."""
    severe_logs(browser)
    yield browser
    assert severe_logs(browser) == []


@pytest.fixture(scope="module")
def case_number(site) -> str:
    """A case number from the demo data (the first of the lookup's first page, from the API)."""
    with urllib.request.urlopen(f"{site.url}/api/v1/cases", timeout=30) as r:
        rows = json.load(r)["rows"]
    return rows[0]["case_number"]


def open_page(driver, site, path: str, search: str = "", width: int = 1400) -> None:
    set_viewport(driver, width, HEIGHT)
    driver.get(f"{site.url}{path}{'?' + search if search else ''}")
    name = "summary" if path == "/" else path.strip("/")
    marker, parts = PAGES[path]
    wait_for(lambda: driver.execute_script(_RENDERED, f"#{ids.page_id(name)}", marker, parts, "open=" in search),
             timeout=40, message=f"{path}?{search} rendered at {width} px")
    if path == "/map":
        time.sleep(0.3)  # the last Leaflet redraw


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations_one_h1_and_landmarks(driver, site, case_number, path, view):
    lang, width, _filtered = VIEWS[view]
    search = view_search(path, view, case_number)
    where = f"{path}?{search} at {width} px"
    open_page(driver, site, path, search, width)
    # every chart's table (and the Map's table of areas) open: axe checks them too
    driver.execute_script("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    result = run_axe(driver, extra_rules=())  # WCAG 2.1 A and AA only: AAA contrast is the deck's bar
    lines = format_axe(result["violations"])
    assert not lines, f"axe-core on {where}:\n" + "\n".join(lines)
    assert result["checked"].get("color-contrast"), "axe judged no text's contrast: was the page drawn?"
    assert driver.execute_script("return document.documentElement.lang") == lang, where
    # what axe does not require: one h1, and the header, nav and main landmarks, each once
    found = driver.execute_script(_LANDMARKS)
    names = found.pop("navNames")
    assert found["nav"] >= 1 and {k: found[k] for k in ("h1", "banner", "main")} == {"h1": 1, "banner": 1, "main": 1}, \
        f"{where}: {found}"
    assert all(names) and len(set(names)) == len(names), f"navigation landmarks need distinct names: {names}"
    # no sideways scroll of the whole page, tables open too (a wide table scrolls in its own box)
    doc, inner, body = driver.execute_script(_SCROLL)
    assert doc <= inner and body <= inner, f"{where}: the page scrolls sideways ({doc} px wide in {inner} px)"


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
