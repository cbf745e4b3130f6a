"""Spanish and phones in real Chromium (issue 11): the language switch, every page rendered in the
pseudo-language with no string left out of the catalog, and the phone filter panel.

The pseudo-language (``lang=qps``, tests only) wraps every string that went through ``_()`` in
⟦…⟧. A visible text, label, title or chart text that is not wrapped, and is not data (a number, a
date, an area's or a program's name, a charge as the court wrote it), was never marked for
translation: a Spanish reader would see it in English. Data a page shows as it came (a CVI
program's own description, a charge as the court wrote it) sits in an element with
``translate="no"`` — the HTML attribute that also tells a browser's translator to leave it alone.
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By

from app import ids
from tests.axe_support import set_viewport, wait_for

pytestmark = pytest.mark.browser

PAGES = ("/", "/map", "/demographics", "/arrests", "/outcomes", "/lookup", "/cvi", "/about")
HEIGHT = 900

# Every text a reader meets: text nodes (HTML and SVG), and the attributes a screen reader or a
# tooltip reads. Hidden parts count too (a closed "Show as table", a dropdown's options).
_TEXTS = r"""
// .md: a dcc.Markdown translated as one text (its paragraphs share one pair of brackets)
const BLOCK = '.md, p, li, td, th, dd, dt, h1, h2, h3, h4, h5, h6, caption, label, button, a, summary, figcaption, ' +
              'legend, option, [role=option], text';
// translate=no: data shown as it came; [lang]: a part declared in another language (WCAG 3.1.2)
const SKIP = '.leaflet-control-attribution, #_dash-global-error-container, .dash-debug-menu, [translate=no], ' +
             'body [lang]';
const out = [], seen = new Set();
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const p = n.parentElement;
  if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(p.tagName) || p.closest(SKIP)) { continue; }
  // the sentence a text node belongs to: inline parts (<strong>, <a>, Plotly's <tspan> lines) joined
  const block = p.closest(BLOCK);
  if (block && seen.has(block)) { continue; }
  if (block) { seen.add(block); }
  const t = (block ? block.textContent : n.nodeValue).replace(/\s+/g, ' ').trim();
  const where = block || p;
  if (t) { out.push([t, where.tagName.toLowerCase() + (where.id ? '#' + where.id : '')]); }
}
document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-roledescription]').forEach(el => {
  // a marker's title is its site's name (data)
  if (el.closest('.leaflet-control-attribution, .modebar, [translate=no], body [lang], .leaflet-marker-icon')) { return; }
  ['aria-label', 'title', 'placeholder', 'alt', 'aria-roledescription'].forEach(a => {
    const v = el.getAttribute(a);
    if (v && v.trim()) { out.push([v.trim(), el.tagName.toLowerCase() + '[' + a + ']']); }
  });
});
return out;
"""

# Words that only a sentence of English (not a name) is made of.
_ENGLISH = re.compile(r"\b(the|of|and|or|in|to|for|with|by|per|no|not|is|are|this|these|all|from|as|on|at|"
                      r"than|more|less|show|shown|showing|victims?|arrests?|cases?|data|loaded|loading|page|"
                      r"table|chart|map|filter|filters|year|month|week|day|days|change|rate|count|total|"
                      r"none|other|unknown|about|how|what|when|where|which)\b", re.IGNORECASE)


def _data_names(database_url: str) -> set[str]:
    """Names that are data, not interface: areas, districts, CVI programs and sites."""
    from app import create_app
    from app.context import load_choices

    names: set[str] = set()
    app = create_app({"database_url": database_url})
    with app.server.app_context():
        from app.context import services

        _choices, options, _state = load_choices(services().db)
        for key, pairs in options.items():
            if isinstance(pairs, list) and key != "offense":
                names.update(label for _code, label in pairs)
    return names


def untranslated(texts: list[list[str]], names: set[str]) -> list[str]:
    """The texts that are interface English not wrapped by the pseudo-language."""
    bad = []
    for text, where in texts:
        rest, before = text, None
        while rest != before:  # what is left once translated pieces (innermost first) are taken out
            before, rest = rest, re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
        rest = rest.strip(" ·:;,.–—-()[]/|%+−<>=…\"“”'’")
        if not rest or not re.search(r"[A-Za-z]{2,}", rest):
            continue  # numbers, dates as digits, punctuation
        if rest in names or all(part.strip() in names for part in re.split(r"[,;·]| and | or ", rest) if part.strip()):
            continue
        if rest.isupper():
            continue  # charge descriptions and codes, as the court and agencies write them
        if _ENGLISH.search(rest):
            bad.append(f"{where}: {text!r}")
    return bad


@pytest.fixture(scope="module")
def names(demo_url):
    return _data_names(demo_url)


def _open(driver, site, path: str, search: str, width: int = 1400) -> None:
    set_viewport(driver, width, HEIGHT)
    driver.get(f"{site.url}{path}?{search}")
    wait_for(lambda: driver.execute_script(
        "const m = document.querySelector('#react-entry-point:not(.psad-pending) main');"
        "return !!(m && !document.getElementById('psad-first') && m.querySelector('.page') && !document.querySelector('[data-dash-is-loading=\"true\"]')"
        " && !/Loading…|Cargando…|⟦Loading…⟧/.test(m.innerText)"
        " && Array.from(m.querySelectorAll('.js-plotly-plot')).every(g => g.querySelector('.main-svg')));"),
        timeout=40, message=f"{path}?{search} rendered")


@pytest.mark.parametrize("path", PAGES)
def test_every_string_on_the_page_goes_through_the_catalog(browser, site, names, path):
    _open(browser, site, path, "lang=qps&council_district=7")
    # the page arrives filled with its layout; a lazily loaded component (the map's layers) shows
    # its library's "Loading..." for a moment: the words to judge are those once it has loaded
    wait_for(lambda: "Loading..." not in browser.find_element(By.TAG_NAME, "main").text, message="components loaded")
    texts = browser.execute_script(_TEXTS)
    assert any("⟦" in t for t, _w in texts), "the pseudo-language reached the page"
    bad = untranslated(texts, names)
    assert not bad, f"{path}: {len(bad)} strings a Spanish reader would see in English:\n" + "\n".join(bad[:50])


def test_the_language_switch_reopens_the_same_view_in_spanish(browser, site):
    _open(browser, site, "/arrests", "council_district=7")
    switch = browser.find_element(By.ID, ids.LANG_SWITCH)
    assert switch.text == "Español" and switch.get_attribute("lang") == "es"
    wait_for(lambda: "council_district=7" in (switch.get_attribute("href") or ""), message="the switch keeps the filters")
    switch.click()
    wait_for(lambda: browser.execute_script("return document.documentElement.lang") == "es", message="a Spanish page")
    assert "/arrests" in browser.current_url and "council_district=7" in browser.current_url
    assert "lang=es" in browser.current_url, "the language is in the shared link"
    wait_for(lambda: browser.find_element(By.ID, ids.nav_id("arrests")).text == "Arrestos", message="Spanish nav")
    # the page's own callbacks answer in Spanish too, and a page change keeps the language
    browser.find_element(By.ID, ids.nav_id("summary")).click()
    wait_for(lambda: "lang=es" in browser.current_url and browser.current_url.split("?")[0].endswith("/"),
             message="the nav keeps lang=es")
    wait_for(lambda: "Distrito 7 del Concejo" in browser.find_element(By.TAG_NAME, "main").text,
             timeout=20, message="the Summary's caption in Spanish")
    back = browser.find_element(By.ID, ids.LANG_SWITCH)
    assert back.text == "English" and back.get_attribute("lang") == "en"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_phone_filter_panel_closes_after_a_choice_and_says_what_is_on(browser, site, lang):
    _open(browser, site, "/", f"lang={lang}", width=390)
    toggle = browser.find_element(By.ID, ids.FILTER_TOGGLE)
    panel = browser.find_element(By.ID, ids.FILTER_PANEL)
    assert not panel.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    wait_for(panel.is_displayed, message="the panel opens")
    assert toggle.get_attribute("aria-expanded") == "true"
    browser.find_element(By.ID, ids.COUNCIL_DISTRICT).click()
    option = wait_for(lambda: [o for o in browser.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text.strip() in ("Council District 7", "Distrito 7 del Concejo")],
                      message="the council district options")
    option[0].click()
    wait_for(lambda: not panel.is_displayed(), message="the panel closes after the choice")
    assert toggle.get_attribute("aria-expanded") == "false"
    expected = "1 on: Council District 7" if lang == "en" else "1 activo: Distrito 7 del Concejo"
    wait_for(lambda: expected in toggle.text, message=f"the folded button says {expected!r}")
    assert browser.switch_to.active_element == toggle, "focus returns to the button, not to <body>"
    assert "council_district=7" in browser.current_url


@pytest.mark.parametrize(("width", "lang"), [(320, "es")])
def test_no_page_scrolls_sideways_on_a_phone(browser, site, width, lang):
    """WCAG 1.4.10 reflow: at 320 px, in Spanish (the narrowest screen and the longer language), no
    page is wider than the screen, with the filter panel open too (wide tables scroll inside their
    own box). Each page's own tests check 390 and 320 px in both languages with the panel folded."""
    wide = []
    for path in PAGES:
        _open(browser, site, path, f"lang={lang}&council_district=7", width=width)
        for state in ("folded", "open"):
            if state == "open":
                browser.find_element(By.ID, ids.FILTER_TOGGLE).click()
                wait_for(browser.find_element(By.ID, ids.FILTER_PANEL).is_displayed, message="panel open")
            got = browser.execute_script("return document.documentElement.scrollWidth")
            if got > width:
                culprit = browser.execute_script(
                    "const w = arguments[0]; return Array.from(document.querySelectorAll('body *'))"
                    ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll, [role=region], .leaflet-container, .nav'))"
                    ".slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + String(e.className).slice(0, 40))", width)
                wide.append(f"{path} ({state}): {got} px; {culprit}")
    assert not wide, f"pages wider than {width} px in {lang}:\n" + "\n".join(wide)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_dropdowns_with_several_choices_say_so_in_the_readers_language(browser, site, lang):
    """Dash's dropdown writes "2 selected" itself: in Spanish too, and its button's accessible
    name holds the words it shows (WCAG 2.5.3; axe label-content-name-mismatch)."""
    from tests.axe_support import format_axe, run_axe

    _open(browser, site, "/", f"lang={lang}&offense=homicide&offense=shooting&council_district=7&council_district=12")
    # the filter bar may still be drawing when the page is (a busy machine: tests run two at a time)
    button = wait_for(lambda: (browser.find_elements(By.ID, ids.OFFENSE) or [None])[0], message="the offense dropdown")
    shown = {"en": "2 selected", "es": "2 seleccionados"}[lang]
    wait_for(lambda: shown in button.text, message=f"the offense dropdown shows {shown!r}")
    name = button.get_attribute("aria-label")
    assert name.startswith({"en": "Offense", "es": "Delito"}[lang]) and shown in name
    lines = format_axe(run_axe(browser, extra_rules=())["violations"])
    assert not lines, "\n".join(lines)
