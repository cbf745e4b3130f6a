"""The deck in Spanish: every word a reader sees goes through the catalog (checked in the
pseudo-language), numbers and dates in the reader's format, whole-sentence rank templates, the
language kept in the Escape and QR links, and a shared cache that never hands one language's deck
to a reader of the other."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app import create_app, i18n, ids
from callbacks import present as P
from data_access.filters import Filters
from layouts import present as L
from tests.dash_support import shown

SEARCH = "?council_district=7&start=2025-01-01&end=2025-12-31"
COMPARE = SEARCH + "&compare=city&advance=20&from=map"


def open_deck(client, app, search: str, lang: str) -> dict:
    """The deck as a page in ``lang`` shows it (the shell's update fills the shown page)."""
    out = shown(client, app, "/present", search, lang=lang)
    return out[ids.PRESENT_DECK]["children"]


# Attributes a reader meets (shown, spoken by a screen reader, or read by the deck's script).
READ_ATTRS = ("aria-label", "title", "alt", "aria-roledescription", "data-text-paused", "data-text-resumed",
              "data-text-pause", "data-label-pause", "data-text-play", "data-label-play")


def words(node, out=None, in_svg_fig=False) -> list[str]:
    """Every string a reader meets in a component tree: text children, read attributes, and the
    figures' titles and tick texts."""
    out = [] if out is None else out
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for child in node:
            words(child, out)
    elif isinstance(node, dict):
        props = node.get("props", node)
        for a in READ_ATTRS:
            if isinstance(props.get(a), str):
                out.append(props[a])
        fig = props.get("figure")
        if isinstance(fig, dict):
            lay = fig.get("layout", {})
            for axis in ("xaxis", "yaxis"):
                t = (lay.get(axis, {}).get("title") or {})
                if isinstance(t, dict) and t.get("text"):
                    out.append(t["text"])
            for trace in fig.get("data", []):
                out += [x for x in trace.get("x", []) if isinstance(x, str) and "<br>" in x]
        words(props.get("children"), out)
    return out


def site_names(node) -> set[str]:
    """The CVI sites' names in a deck (data, not words to translate)."""
    found = set()
    if isinstance(node, list):
        for child in node:
            found |= site_names(child)
    elif isinstance(node, dict):
        props = node.get("props", {})
        if props.get("className") == "site-name" and isinstance(props.get("children"), str):
            found.add(props["children"])
        found |= site_names(props.get("children"))
    return found


# What may stay unwrapped in the pseudo-language: data values (numbers, dates, years, names of
# areas and programs, phone numbers, links) and punctuation.
DATA = re.compile(r"^[\s\d.,:;·–—…/%+−<>▼▲■()\-|]*$|^[A-Z?]$")  # (a single letter: a key, F or P)


def test_every_word_of_the_deck_goes_through_the_catalog(client, app):
    """Rendered in the pseudo-language, a string a reader meets is either wrapped (⟦…⟧) or data."""
    deck = open_deck(client, app, COMPARE, "qps")
    found = words(deck)
    assert found
    names = {"Council District 7", "Baltimore City", *site_names(deck)}
    unwrapped = []
    for text in found:
        rest = text
        while "⟦" in rest and (shorter := re.sub(r"⟦[^⟦⟧]*⟧", "", rest)) != rest:  # innermost first
            rest = shorter
        for name in names:
            rest = rest.replace(name, "")
        rest = re.sub(r"https?://\S+|tel:\S+|\d{3}-\d{3}-\d{4}", "", rest)
        if not DATA.match(rest):
            unwrapped.append(text)
    assert unwrapped == [], unwrapped


def test_a_spanish_deck_reads_in_spanish(client, app):
    deck = json.dumps(open_deck(client, app, COMPARE, "es"), ensure_ascii=False)
    for es in ("Seguridad pública en", "Las cifras principales", "frente a", "Diapositiva 1 de 9",
               "Controles de las diapositivas", "Avanza cada 20 s", "Datos de demostración", "Llévese esta vista",
               "Distrito 7 del Concejo", "Ciudad de Baltimore", "todo 2025", "Pausar las diapositivas (P)"):
        assert es in deck, es
    for en in ("Public safety in", "The headline numbers", "Slide 1 of", "Slide controls", "Demo data",
               "Take this view with you", "Baltimore City", "victims"):
        assert en not in deck, en
    assert re.search(r"\d\.\d{3}", deck)  # thousands grouped with a point: 1.234


def test_period_and_rank_sentences_in_both_languages():
    f = Filters(start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert L.period_words(f) == "1 January – 31 March 2026"
    with i18n.use("es"):
        assert L.period_words(f) == "1 de enero – 31 de marzo de 2026"
        assert L.period_words(Filters(start=date(2025, 11, 3), end=date(2026, 2, 1))) == \
            "3 de noviembre de 2025 – 1 de febrero de 2026"
    per = {"police_district": ({"A": 9, "B": 5, "C": 5, "D": 0, "E": 1}, ["A", "B", "C", "D", "E"],
                               "police_district_2023")}

    def say(code):
        return P.rank_sentence(code, f.replace(police_district=(code,)), per, {}, {})

    assert say("B") == "B: 5 victims, tied for the 2nd most of 5 police districts."
    assert say("E") == "E: 1 victim, the 4th most of 5 police districts."
    with i18n.use("es"):
        assert say("A") == "A: 9 víctimas, la cifra más alta entre 5 distritos policiales."
        assert say("B") == "B: 5 víctimas, la 2.ª cifra más alta entre 5 distritos policiales (empatada)."
        assert say("E") == "E: 1 víctima, la 4.ª cifra más alta entre 5 distritos policiales."
        assert say("D") == "D: ninguna víctima en el periodo; 1 de 5 distritos policiales no tuvo ninguna."


def test_escape_and_the_qr_code_keep_the_language(client, app):
    deck = open_deck(client, app, SEARCH + "&from=map&lang=es&slide=3", "es")
    text = json.dumps(deck)
    exit_href = re.search(r'"data-exit": "([^"]+)"', text).group(1)
    assert exit_href.startswith("/map?") and "lang=es" in exit_href and "slide" not in exit_href
    qr = re.search(r'"className": "qr-url"[^}]*?"children": "([^"]+)"|"children": "([^"]+)", "className": "qr-url"',
                   text)
    url = next(g for g in qr.groups() if g)
    assert "lang=es" in url and "council_district=7" in url and "/present" not in url


def test_the_error_deck_speaks_the_readers_language_and_escape_keeps_it():
    with i18n.use("es"):
        out = P.error_outputs("No hay datos.")["deck"]
    text = json.dumps(out.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    assert "Las diapositivas no están disponibles" in text and "Pulse Escape" in text
    assert '"data-exit": "/?lang=es"' in text


@pytest.fixture()
def cached_app(demo_url):
    """An app with a real (in-process) cache, shared by every request, and no warming thread."""
    a = create_app({"database_url": demo_url, "redis_url": "", "warm_decks": False})
    yield a
    a.server.extensions["psad"].db.dispose()


@pytest.mark.parametrize("first, second", [("es", "en"), ("en", "es")])
def test_a_deck_after_one_in_the_other_language_is_in_its_own(cached_app, first, second):
    """Same filters, one shared cache: what is cached (queries, the drawn map) holds no words, so
    the second deck is entirely in its own language, and equal in its numbers."""
    client = cached_app.server.test_client()
    a = json.dumps(open_deck(client, cached_app, COMPARE, first), ensure_ascii=False)
    b = json.dumps(open_deck(client, cached_app, COMPARE, second), ensure_ascii=False)
    spanish, english = (a, b) if first == "es" else (b, a)
    assert "Diapositiva 1 de 9" in spanish and "Slide 1 of 9" not in spanish
    assert "Slide 1 of 9" in english and "Diapositiva" not in english and "víctimas" not in english
    assert "Ciudad de Baltimore" in spanish and "Baltimore City" in english
    # the same map drawn once, from the cache
    images = [set(re.findall(r'"(data:image/svg\+xml;base64,[^"]+)"', x)) for x in (a, b)]
    assert len(images[0]) == 1 and images[0] == images[1]  # the drawn map, the same from the cache
