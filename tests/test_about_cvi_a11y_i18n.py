"""About the data and CVI ecosystem (issue 11): Spanish, the accessibility statement, the glossary,
phones, and axe-core.

Unit tests build the pages' components under ``i18n.use(...)``: every text of the About page and
the CVI page goes through the catalog (the pseudo-language wraps each one in ⟦…⟧), the Spanish
page says what the English one says (the standard met, how it is tested, its limits, how to report
a barrier, the glossary), numbers and dates are Spanish, and a phone number is a ``tel:`` link.

Browser tests (real Chromium, ``tests/axe_support``): neither page scrolls sideways at 390 or 320
px in English or Spanish; the load history box scrolls by keyboard; the statement and the glossary
are on the page in both languages; every phone on the CVI page is a ``tel:`` link. (axe-core on
both pages in Spanish at 1400 and 390 px, citywide and filtered: tests/test_browser_a11y.py, with
every other page.)
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pandas as pd
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import i18n, ids
from data_access.filters import Filters
from layouts import about as A
from layouts import cvi as C
from tests.axe_support import set_viewport, severe_logs, wait_for
from tests.dash_support import from_wire

# --- component walking ---------------------------------------------------------------------------


def walk(node, inside=()):
    """(component or string, its ancestors' types and classNames) for every node of a layout."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child, inside)
        return
    node = from_wire(node)  # a chart's table comes in the wire form
    yield node, inside
    if hasattr(node, "children"):
        cls = getattr(node, "className", None) or ""
        yield from walk(node.children, inside + (f"{type(node).__name__} {cls}",))


def texts(node) -> list[str]:
    """Every text a reader meets: strings, Markdown, and the names and placeholders of controls."""
    out = []
    for n, _inside in walk(node):
        if isinstance(n, str):
            out.append(n)
            continue
        props = n.to_plotly_json().get("props", {}) if hasattr(n, "to_plotly_json") else {}
        out += [props[p] for p in ("aria-label", "placeholder") if isinstance(props.get(p), str)]
        if type(n).__name__ == "Dropdown":
            out += [o["label"] for o in n.options]
    return out


def flat(node) -> str:
    return " ".join(texts(node))


DATE = re.compile(r"(\d{1,2} )?[A-Z][a-z]{2,8}\.? \d{4}( \d\d:\d\d UTC)?")  # "May 2012", "3 Dec 2026 07:25 UTC": data


def unmarked(node) -> list[str]:
    """Texts with letters that did not go through the catalog (under the pseudo-language), leaving
    out data values: the change log's English items, code spans, the version and release dates."""
    out = []
    for n, inside in walk(node):
        if not isinstance(n, str) or any("changelog-items" in c or c.startswith("Code") for c in inside):
            continue
        # a translated sentence may be split around a component ("⟦", <strong>, "… m, 2026⟧")
        if "⟦" in n or "⟧" in n or not re.search(r"[A-Za-z]{2,}", n) or DATE.fullmatch(n):
            continue
        out.append(n)
    return out


SITES = pd.DataFrame([
    {"id": 1, "name": "Safe Streets Oak Hill", "program_type": "safe_streets", "operator": "Neighbors United",
     "services": "Violence interruption", "hours": "Mon-Fri 10-10", "phone": "(410) 555-0100 ext. 12",
     "url": "https://example.org/ss", "started": date(2012, 5, 1), "address": "1200 BLOCK N CHARLES ST",
     "area_served": "Oak Hill", "lon": -76.6, "lat": 39.3, "neighborhood": "Oak Hill", "council_district": "7",
     "police_district": "Western", "legislative_district": "40", "csa": "Oak Hill/Elm Park"},
    {"id": 2, "name": "Eastview Hospital VIP", "program_type": "hospital_vip", "operator": None,
     "services": None, "hours": None, "phone": None, "url": None, "started": None, "address": None,
     "area_served": None, "lon": -76.5, "lat": 39.3, "neighborhood": None, "council_district": None,
     "police_district": None, "legislative_district": None, "csa": None},
])
F = Filters(date(2026, 1, 1), date(2026, 11, 14))
HISTORY = pd.DataFrame([{"id": 3, "dataset": "crime", "source": "/data/Part1_Crime_2026-11-20.csv",
                         "started_at": None, "finished_at": pd.Timestamp(datetime(2026, 12, 3, 7, 25, tzinfo=timezone.utc)),
                         "status": "ok", "rows_read": 51234, "rows_loaded": 51000, "rows_updated": 12,
                         "rows_rejected": 222, "data_as_of": date(2026, 11, 26), "is_demo": False, "message": None}])
STATE = {"version": 1234, "is_demo": False, "data_as_of": date(2026, 11, 26)}


# --- every text through the catalog --------------------------------------------------------------

def test_about_page_every_text_goes_through_the_catalog():
    with i18n.use(i18n.PSEUDO):
        page = A.about_page()
        status = A.status_block(STATE, HISTORY)
    assert unmarked(page) == []
    # the load history: dataset and status names translated, the file name is data
    assert [t for t in unmarked(status) if t != HISTORY.source[0]] == []


def test_cvi_page_every_text_goes_through_the_catalog():
    with i18n.use(i18n.PSEUDO):
        page = C.cvi_page()
        listing = C.site_list(SITES, {1: 7}, 400, F)
        empty = C.site_list(SITES.iloc[0:0], {}, 400, F)
        caption = C.caption(F, 400, 1, 2)
    assert unmarked(page) == []
    assert unmarked(empty) == [] and unmarked(caption) == []
    data = set(SITES.drop(columns=["id", "lon", "lat", "started"]).stack().astype(str))
    # names, services, hours, addresses are the city's data and stay as published
    left = [t for t in unmarked(listing) if t not in data]
    assert left == [], left


def test_marked_strings_of_both_pages_have_spanish():
    from app.i18n_catalog import missing

    gone = missing(["layouts/about.py", "callbacks/about.py", "layouts/cvi.py", "callbacks/cvi.py"])
    assert gone == [], "\n".join(f"{m.where}: {m.msgid[:60]!r}" for m in gone)


# --- the accessibility statement and the glossary ------------------------------------------------

STATEMENT = {
    "en": ("Accessibility", "WCAG) 2.1, Level AA", "Title II", "2024", "axe-core", "Lighthouse", "Known limits",
           "calendar", "Show as table", "open an issue on the project's repository",
           "the address the deploying agency publishes", "five business days"),
    "es": ("Accesibilidad", "WCAG) 2.1, nivel AA", "Título II", "2024", "axe-core", "Lighthouse",
           "Limitaciones conocidas", "calendario", "Mostrar como tabla", "abra un reporte (issue) en el repositorio",
           "la dirección que publique la agencia", "cinco días hábiles"),
}
GLOSSARY = {
    "en": ("Words used on this dashboard", "Part 1 crime", "CVI (community violence intervention)", "Nolle prosequi",
           "Stet", "CSA (Community Statistical Area)", "PBJ (probation before judgment)", "Clearance"),
    "es": ("Palabras que se usan en este tablero", "Delitos de la Parte 1",
           "CVI (intervención comunitaria contra la violencia)", "Nolle prosequi", "Stet",
           "CSA (Área Estadística Comunitaria)", "PBJ (libertad condicional antes del fallo)", "Esclarecimiento"),
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_statement_and_glossary_in_both_languages(lang):
    with i18n.use(lang):
        statement = flat(A.accessibility_section())
        glossary = A.glossary_section()
    for words in STATEMENT[lang]:
        assert words in statement, words
    # no invented contact: no e-mail address, no placeholder
    assert not re.search(r"\S+@\S+\.\w+|example\.(org|com)|TODO|XXX", statement)
    terms = [n.children for n, _ in walk(glossary) if type(n).__name__ == "Dt"]
    assert len(terms) >= 7
    shown = flat(glossary)
    for words in GLOSSARY[lang]:
        assert words in shown, words
    # one glossary, one statement, with ids a link can use
    assert glossary.id == A.ABOUT_GLOSSARY and A.accessibility_section().id == A.ABOUT_ACCESSIBILITY


def test_spanish_about_page_reads_in_spanish():
    with i18n.use("es"):
        page = flat(A.about_page())
        status = A.status_block(STATE, HISTORY)
    for words in ("Qué está cargado", "Qué se cuenta",
                  "Grupos de delitos", "Comparaciones", "La meta del Plan", "Privacidad", "De dónde vienen los números",
                  "Registro de cambios", "El registro de cambios se publica solo en inglés."):
        assert words in page, words
    for english in ("What is counted", "Offense groups", "Where the numbers come from", "Change log", "Report a barrier"):
        assert english not in page, english
    text = flat(status)
    assert "26 de noviembre de 2026" in text and "1.234" in text  # the date and the data version
    for words in ("Historial de cargas", "Conjunto de datos", "Rechazadas", "Completada", "Delitos de la Parte 1",
                  "51.234", "51.000", "222", "3 dic 2026 07:25 UTC", "26 nov 2026"):
        assert words in text, words


def test_english_about_page_has_no_spanish_note_on_the_change_log():
    with i18n.use("en"):
        page = flat(A.about_page())
    assert "Change log" in page and "English only" not in page.split("Known limits")[0]
    assert "The change log is published in English only." not in page


def test_load_history_in_a_keyboard_scrollable_region():
    with i18n.use("es"):
        box = A.load_table(HISTORY)
    props = box.to_plotly_json()["props"]
    assert props["tabIndex"] == "0" and props["role"] == "region" and props["aria-label"]
    headers = [n for n, _ in walk(box) if type(n).__name__ == "Th" and getattr(n, "scope", None) == "col"]
    assert len(headers) == 9
    with i18n.use("es"):
        assert flat(A.load_table(HISTORY.iloc[0:0])) == "Todavía no se ha cargado nada."


# --- CVI: Spanish, tel: links --------------------------------------------------------------------

@pytest.mark.parametrize("phone, href", [
    ("410-555-0100", "tel:+14105550100"),
    ("(410) 555-0100", "tel:+14105550100"),
    ("410.555.0100 ext. 12", "tel:+14105550100"),
    ("410-555-0100 x3", "tel:+14105550100"),
    ("1 (800) 555-0199", "tel:+18005550199"),
    ("+1 410 555 0100", "tel:+14105550100"),
    ("311", "tel:311"),
    ("555-0100", None),
    ("call the office", None),
    ("", None),
    (None, None),
])
def test_tel_href(phone, href):
    assert C.tel_href(phone) == href


def _links(node):
    return [n for n, _ in walk(node) if type(n).__name__ == "A"]


def test_cvi_site_list_in_spanish_with_tel_links():
    with i18n.use("es"):
        listing = C.site_list(SITES, {1: 7, 2: 1}, 400, F)
        caption = flat(C.caption(F, 400, 2, 30))
        empty = flat(C.site_list(SITES.iloc[0:0], {}, 400, F))
        page = flat(C.cvi_page())
    text = flat(listing)
    for words in ("2 programas", "Entidad a cargo", "Teléfono", "Dirección", "Zona que atiende", "Ubicado en", "Desde",
                  "mayo de 2012", "No consta", "No figura un sitio web", "Sitio web",
                  "víctimas de violencia armada a menos de 400 m, 1 ene – 14 nov 2026", "(contexto, no efecto)",
                  "CSA Oak Hill/Elm Park",
                  # program names and data stay as published
                  "Safe Streets Oak Hill", "Neighbors United", "1200 BLOCK N CHARLES ST"):
        assert words in text, words
    assert re.search(r"\b1\s+víctima de violencia armada", text)  # the singular
    tel = [a for a in _links(listing) if str(a.href).startswith("tel:")]
    assert [(a.children, a.href) for a in tel] == [("(410) 555-0100 ext. 12", "tel:+14105550100")]
    assert "Se muestran 2 de 30 programas" in caption and "Contexto, no efecto:" in caption
    assert empty.startswith("Ningún programa coincide")
    for words in ("Tipo de programa", "Todos los tipos de programa", "Programas en el mapa",
                  "Leyenda del mapa: un color por tipo de programa"):
        assert words in page, words


def test_cvi_website_is_an_http_link_that_says_it_opens_a_tab():
    sites = SITES.copy()
    sites.loc[1, "url"] = "javascript:alert(1)"
    with i18n.use("es"):
        links = [a for a in _links(C.site_list(sites, {}, 400, F)) if not str(a.href).startswith("tel:")]
    assert [a.href for a in links] == ["https://example.org/ss"]
    assert links[0].target == "_blank" and "noopener" in links[0].rel
    assert flat(links[0]) == "Sitio web  (se abre en una pestaña nueva)"


def test_cvi_list_is_a_list_of_items_headed_by_h2():
    listing = C.site_list(SITES, {}, 400, F)
    lists = [n for n, _ in walk(listing) if type(n).__name__ == "Ul"]
    assert len(lists) == 1 and all(type(li).__name__ == "Li" for li in lists[0].children)
    assert all(type(li.children[0]).__name__ == "H2" for li in lists[0].children)


# --- in the browser ------------------------------------------------------------------------------

PAGES = {"/about": f"#{ids.ABOUT_STATUS}", "/cvi": f"#{ids.CVI_LIST}"}
# drawn: the page's data has arrived, Markdown has rendered, nothing is loading
_DRAWN = """
const [path, marker] = arguments;
const m = document.querySelector(marker);
if (!m || !m.innerText.trim()) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
if (path === '/about') { return !!document.querySelector('#accessibility ul') && !!document.querySelector('#about-status table'); }
return !!document.querySelector('#cvi-list .cvi-site') && !!document.querySelector('#cvi-caption').innerText.trim();
"""
SIDEWAYS = "return [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture()
def driver(browser, site):
    severe_logs(browser)
    yield browser
    assert severe_logs(browser) == []


def open_page(driver, site, path: str, lang: str, width: int, search: str = "") -> None:
    set_viewport(driver, width, 900)
    driver.get(f"{site.url}{path}?lang={lang}{'&' + search if search else ''}")
    wait_for(lambda: driver.execute_script(_DRAWN, path, PAGES[path]), timeout=30,
             message=f"{path}?lang={lang}&{search} drawn at {width} px")


browser_test = pytest.mark.browser


@browser_test
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scroll_on_phones(driver, site, path, lang):
    for width in (390, 320):
        open_page(driver, site, path, lang, width)
        scroll_width, inner = driver.execute_script(SIDEWAYS)
        assert scroll_width <= inner, f"{path}?lang={lang} at {width} px is {scroll_width} px wide"


@browser_test
def test_load_history_scrolls_by_keyboard_at_320(driver, site):
    open_page(driver, site, "/about", "es", 320)
    box = driver.find_element("css selector", f"#{ids.ABOUT_STATUS} .table-scroll")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", box), \
        "at 320 px the table is wider than its box (else this test proves nothing)"
    driver.execute_script("arguments[0].focus()", box)
    assert driver.switch_to.active_element == box
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT * 5).perform()
    wait_for(lambda: driver.execute_script("return arguments[0].scrollLeft", box) > 0,
             message="the arrow key scrolls the load history sideways")


@browser_test
@pytest.mark.parametrize("lang", ["en", "es"])
def test_statement_and_glossary_on_the_page(driver, site, lang):
    open_page(driver, site, "/about", lang, 1400)
    h2 = [e.text for e in driver.find_elements("css selector", "main h2")]
    want = {"en": ("Words used on this dashboard", "Accessibility"),
            "es": ("Palabras que se usan en este tablero", "Accesibilidad")}[lang]
    for heading in want:
        assert heading in h2, (heading, h2)
    statement = driver.find_element("css selector", f"#{A.ABOUT_ACCESSIBILITY}").text
    assert ("WCAG) 2.1, Level AA" if lang == "en" else "WCAG) 2.1, nivel AA") in statement
    terms = [e.text for e in driver.find_elements("css selector", f"#{A.ABOUT_GLOSSARY} dt")]
    assert len(terms) >= 7 and any(t.startswith("Nolle prosequi") for t in terms)


@browser_test
def test_cvi_phones_are_tel_links_and_the_list_takes_the_keyboard(driver, site):
    open_page(driver, site, "/cvi", "es", 390)
    cards = driver.find_elements("css selector", "#cvi-list .cvi-site")
    links = driver.find_elements("css selector", "#cvi-list .cvi-facts a[href^='tel:']")
    assert cards and len(links) == len(cards), "every demo program has a phone, and each is a tel: link"
    for a in links:
        assert re.fullmatch(r"tel:\+1\d{10}", a.get_attribute("href")), a.get_attribute("href")
        assert re.sub(r"\D", "", a.text)[-10:] == a.get_attribute("href")[-10:]
    # the list's scrolling box (beside the map on a wide screen) is a named Tab stop
    open_page(driver, site, "/cvi", "es", 1400)
    side = driver.find_element("css selector", ".cvi-side")
    assert side.get_attribute("tabindex") == "0" and side.get_attribute("aria-label") == "Programas en el mapa"
    if driver.execute_script("return arguments[0].scrollHeight > arguments[0].clientHeight", side):
        driver.execute_script("arguments[0].focus()", side)
        ActionChains(driver).send_keys(Keys.PAGE_DOWN).perform()
        wait_for(lambda: driver.execute_script("return arguments[0].scrollTop", side) > 0,
                 message="Page Down scrolls the program list")
