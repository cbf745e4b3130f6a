"""Spanish (issue 11): the catalogs are complete and consistent, the request's language is chosen
as documented, numbers and dates follow it, and the language survives a filter change.

The pseudo-language crawl of every page (strings that never went through the catalog) is in
``tests/test_browser_i18n.py``.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app import i18n, i18n_catalog
from app.pageparams import replace_page_params, with_page_params
from app.urlstate import Choices
from callbacks.filters import sync

# --- the catalogs -------------------------------------------------------------------------------

def test_every_marked_string_has_a_spanish_translation():
    """Every string marked in the code (_, ngettext, N_, …) has a Spanish msgstr in one of the
    app/locale/es/LC_MESSAGES/*.po files (``python -m app.i18n_catalog missing`` lists them)."""
    missing = i18n_catalog.missing()
    assert not missing, f"{len(missing)} strings have no Spanish:\n" + "\n".join(
        f"{m.where}: {m.msgid!r}" for m in missing[:60])


def test_no_string_is_translated_two_ways():
    _, conflicts = i18n_catalog.translations()
    assert not conflicts, "\n".join(conflicts)


def test_the_extractor_finds_every_kind_of_mark():
    """Guards the extractor itself: a test that can pass only because nothing was extracted is no test."""
    found = {m.msgid for m in i18n_catalog.extract()}
    for msgid in ("Skip to main content",  # _() in a layout
                  "{} police district",  # Nn_() in data_access
                  "Case lookup",  # N_() in the page registry
                  "No data is loaded yet. Run `psad demo load` or load real data."):  # N_() constant
        assert msgid in found
    assert len(found) > 300


_FIELD = re.compile(r"\{[^{}]*\}")


def test_translations_keep_every_placeholder():
    """A msgstr must hold the same {placeholders} as its msgid (or str.format raises, or drops a
    number); Markdown code spans (`psad demo load`) stay as they are."""
    have, _ = i18n_catalog.translations()
    bad = []
    for key, value in have.items():
        msgid = key[1] if isinstance(key, tuple) else key
        for text in (value if isinstance(value, tuple) else (value,)):
            if sorted(_FIELD.findall(text)) != sorted(_FIELD.findall(msgid)):
                bad.append(f"{msgid!r} -> {text!r}")
            if sorted(re.findall(r"`[^`]+`", text)) != sorted(re.findall(r"`[^`]+`", msgid)):
                bad.append(f"code span changed: {msgid!r} -> {text!r}")
    assert not bad, "\n".join(bad[:40])


def test_spanish_is_read_from_the_catalog_and_english_is_the_source():
    with i18n.use("es"):
        assert i18n._("Skip to main content") == "Saltar al contenido principal"
        assert i18n.ngettext("{} police district", "{} police districts", 1) == "Distrito policial {}"
        assert i18n.ngettext("{} police district", "{} police districts", 2) == "Distritos policiales {}"
    with i18n.use("en"):
        assert i18n._("Skip to main content") == "Skip to main content"
    with i18n.use(i18n.PSEUDO):
        assert i18n._("Map") == "⟦Map⟧"
    assert i18n.get_lang() == "en", "use() restores the language"


# --- numbers and dates ---------------------------------------------------------------------------

def test_numbers_and_dates_in_each_language():
    from layouts.common import fmt_int, fmt_pct

    d = date(2026, 11, 24)
    with i18n.use("es"):
        assert fmt_int(1234) == "1.234" and fmt_int(1234567) == "1.234.567"
        assert i18n.decimal(12.5) == "12,5"
        assert fmt_pct(-12.4) == "−12\u00a0%" and fmt_pct(0.4) == "+0,4\u00a0%"
        assert i18n.date_short(d) == "24 nov 2026"
        assert i18n.date_long(d) == "24 de noviembre de 2026"
        assert i18n.month_year(d) == "noviembre de 2026"
    with i18n.use("en"):
        assert fmt_int(1234) == "1,234" and i18n.decimal(12.5) == "12.5"
        assert fmt_pct(-12.4) == "−12%"
        assert i18n.date_short(d) == "24 Nov 2026" and i18n.date_long(d) == "24 November 2026"


def test_whole_numbers_are_written_as_babel_writes_them():
    """``i18n.number`` writes a whole number without Babel where Python's grouping gives the same
    text: the same text as Babel's ``#,##0`` in both languages, for values of every length and
    sign; a language whose grouping differs (Swiss German writes none) is left to Babel."""
    from babel.numbers import format_decimal

    values = [0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 1001, 9999, 10000, 65536, 99999, 100000, 999999,
              1000000, -1000000, 123456789, 2**31, -(2**40)] + [7 ** k for k in range(25)]
    for lang in i18n.LANGUAGES:
        with i18n.use(lang):
            got = [i18n.number(v) for v in values]
        assert got == [format_decimal(v, format="#,##0", locale=lang) for v in values], lang
    assert i18n._int_signs("es") == (".", "-")
    assert i18n._int_signs("de_CH") is None
    assert i18n._number(-1234567, "de_CH") == format_decimal(-1234567, format="#,##0", locale="de_CH")


def test_plotly_gets_spanish_month_names_and_separators():
    from layouts.common import graph_config

    with i18n.use("es"):
        config = graph_config()
    assert config["locale"] == "es"
    fmt = config["locales"]["es"]["format"]
    assert fmt["months"][10] == "noviembre" and fmt["shortMonths"][0] == "ene"
    assert (fmt["decimal"], fmt["thousands"]) == (",", ".")
    assert fmt["days"][0] == "domingo", "Plotly's weeks start on Sunday"
    assert config["locales"]["es"]["dictionary"]["Download plot as a png"] == "Descargar el gráfico como PNG"
    with i18n.use("en"):
        assert "locale" not in graph_config()


# --- the request's language ----------------------------------------------------------------------

@pytest.mark.parametrize(("header", "expected"), [
    ("es-MX,es;q=0.9,en;q=0.8", "es"),
    ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,es;q=0.5", "es"),  # the first language we have
    ("fr-FR", None),
    ("es;q=0, en;q=0.5", "en"),  # q=0 means "not this one"
    ("", None),
    ("garbage;;q=x", None),
])
def test_accept_language(header, expected):
    assert i18n.accept_language(header) == expected


def test_lang_in_the_url_wins_over_the_browser():
    assert i18n.negotiate("?lang=es", "en-US") == "es"
    assert i18n.negotiate("?lang=EN", "es") == "en"
    assert i18n.negotiate("?lang=xx", "es-MX") == "es", "an unknown lang= falls back to the browser's"
    assert i18n.negotiate("", None) == "en"


def test_the_page_is_served_in_the_language_asked_for(client):
    page = client.get("/map?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "<title>Tablero de Rendición de Cuentas de Seguridad Pública de Baltimore</title>" in page
    assert "date-fns-locale-es.js" in page, "the date picker's Spanish month names load on Spanish pages"
    page = client.get("/", headers={"Accept-Language": "es-419,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    page = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "date-fns-locale-es.js" not in page
    assert "request_pre" in page, "callback requests carry the page's language"


def test_the_layout_request_follows_its_pages_url(client):
    """/_dash-layout has no query string of its own: the page it is for is its Referer."""
    body = client.get("/_dash-layout", headers={"Referer": "http://x/arrests?lang=es"}).get_data(as_text=True)
    assert "Saltar al contenido principal" in body
    body = client.get("/_dash-layout", headers={"Referer": "http://x/arrests"}).get_data(as_text=True)
    assert "Skip to main content" in body


def _callback(client, payload_lang: str | None, pathname: str):
    """POST the shell's show_page callback as the browser does (with the renderer's lang field)."""
    from app.pages import NAV_PAGES

    outputs = [{"id": "page-content", "property": "children"},
               *[{"id": f"nav-{p.name}", "property": "active"} for p in NAV_PAGES],
               {"id": "path-notice", "property": "children"}]
    body = {"output": "..page-content.children..." + "...".join(f"nav-{p.name}.active" for p in NAV_PAGES)
                      + "...path-notice.children..",
            "outputs": outputs, "inputs": [{"id": "url", "property": "pathname", "value": pathname}],
            "state": [{"id": "url", "property": "search", "value": ""}], "changedPropIds": ["url.pathname"]}
    if payload_lang:
        body["lang"] = payload_lang
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_callback_answers_in_the_language_its_page_sent(client):
    spanish = _callback(client, "es", "/nowhere")
    assert "No hay ninguna página en “/nowhere”; se muestra: Resumen." in spanish
    english = _callback(client, "en", "/nowhere")
    assert "There is no page at “/nowhere”; showing the Summary." in english
    assert "There is no page" in _callback(client, "xx", "/nowhere"), "an unknown language is English"


# --- the language survives filter changes and page parameters -----------------------------------

CHOICES = Choices(values={"council_district": ["7", "12"], "police_district": [], "neighborhood": [],
                          "legislative_district": [], "offense": ["homicide"]},
                  data_as_of=date(2026, 11, 24), first_date=date(2020, 1, 1))


def test_lang_is_kept_when_a_filter_changes():
    search = "?start=2026-01-01&end=2026-11-24&lang=es"
    out = sync("council-district", search, None, "2026-01-01", "2026-11-24",
               {"council_district": ["7"]}, "?start=2026-01-01&end=2026-11-24", CHOICES, {})
    assert out["url"].endswith("&lang=es") and "council_district=7" in out["url"]
    assert with_page_params("?start=2026-01-01&end=2026-11-24", search) == search
    assert "lang=es" in replace_page_params(search + "&layer=csa", [("layer", "neighborhood")])


def test_lang_in_the_url_is_not_a_notice():
    out = sync(None, "?lang=es&council_district=7", None, None, None, {}, None, CHOICES, {})
    assert out["notices"] == []


def test_the_folded_filter_button_says_which_filters_are_on():
    out = sync(None, "?council_district=7&offense=homicide", None, None, None, {}, None, CHOICES, {})
    assert out["summary"].startswith("Year to date (2026) · 2 on: Council District 7; ")  # the dates first (issue 14)
    with i18n.use("es"):
        out = sync(None, "?council_district=7&offense=homicide", None, None, None, {}, None, CHOICES, {})
        assert out["summary"].startswith("En lo que va del año (2026) · 2 activos: Distrito 7 del Concejo; ")
    assert sync(None, "", None, None, None, {}, None, CHOICES, {})["summary"] == "Year to date (2026)"


def test_a_language_of_the_wrong_type_is_no_language():
    # a callback body with "lang": ["es"] reached .strip() in every request's before_request (a 500)
    assert i18n.parse_lang(["es"]) is None and i18n.parse_lang({"es": 1}) is None and i18n.parse_lang(3) is None
    assert i18n.parse_lang(" ES-mx ") == "es"
