"""The first view in the page's HTML (app/first_view.py), on the server side: what the HTML
holds, against the layout Dash draws. The swap in the browser is checked in tests/test_bundles.py."""

from __future__ import annotations

import json
import re

import pytest
from dash import dcc, html

from app.first_view import Renderer, markdown
from layouts.common import data_table
from layouts.static import Gate


def wire(component) -> dict:
    return json.loads(json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json()))


def render(component, lang: str = "en") -> str:
    return Renderer(lang).render(wire(component))


# --- the renderer ----------------------------------------------------------------------------------

def test_html_components_become_their_elements_with_ids_kept_aside():
    out = render(html.Div([html.H2("Title", className="h6"), html.Br(), html.Span("a < b & c", title='say "hi"'),
                           html.Td("3", colSpan=2, style={"minWidth": 40, "opacity": 0.5})],
                          id="page-summary", role="region", **{"aria-label": "x", "data-kind": "y"}))
    assert out == ('<div data-ssr-id="page-summary" aria-label="x" data-kind="y" role="region">'
                   '<h2 class="h6">Title</h2><br><span title="say &quot;hi&quot;">a &lt; b &amp; c</span>'
                   '<td colspan="2" style="min-width: 40px; opacity: 0.5">3</td></div>')
    assert " id=" not in out  # Dash draws the same ids beside it: one element per id


def test_callback_only_props_and_stores_are_not_drawn():
    out = render(html.Div([dcc.Store(id="s", data={"secret": 1}), dcc.Location(id="url"),
                           html.Button("Go", id="b", n_clicks=3)]))
    assert out == '<div><button data-ssr-id="b">Go</button></div>'


def test_dropdowns_show_their_choice_or_their_placeholder():
    options = [{"label": "Central", "value": "C"}, {"label": "Eastern", "value": "E"}]
    one = render(dcc.Dropdown(options=options, value="E", id="d", clearable=False))
    assert "Eastern" in one and "Central" not in one and 'class="dash-dropdown"' in one
    many = render(dcc.Dropdown(options=options, value=["C", "E"], multi=True, id="m"))
    assert "Central" in many and "Eastern" in many
    none = render(dcc.Dropdown(options=options, value=[], multi=True, id="n", placeholder="All police districts"))
    assert "All police districts" in none and "Central" not in none


@pytest.mark.parametrize(("lang", "start"), [("en", "1 Jan 2026"), ("es", "1 ene 2026")])
def test_the_date_range_shows_its_dates_as_the_picker_will(lang, start):
    out = render(dcc.DatePickerRange(id="date-range", start_date="2026-01-01", end_date="2026-11-27",
                                     display_format="D MMM YYYY", start_date_placeholder_text="From"), lang)
    assert f'value="{start}"' in out and "27" in out and 'aria-label="From"' in out


def test_a_chart_keeps_its_space_and_a_static_table_is_drawn_whole():
    assert render(dcc.Graph(id="g", style={"height": "320px"})) == \
        '<div data-ssr-id="g" class="dash-graph" style="height: 320px"></div>'
    table = data_table(["Year", "Victims"], [["2025", "1,234"], ["2026", "987"]], "Victims by year", numeric=(1,))
    out = render(table)
    assert "<caption>Victims by year</caption>" in out
    assert '<th scope="row">2025</th><td class="num">1,234</td>' in out


def test_a_gate_shows_its_children_as_they_will_look():
    """The browser draws a Gate's children only when it is on screen (the filter panel folded on a
    phone); the server's first view shows them as usual, so a wide screen sees the controls at once."""
    out = render(html.Div(Gate([html.Label("Police district", htmlFor="pd"),
                                dcc.Dropdown(id="pd", options=[{"label": "Central", "value": "C"}], value=["C"],
                                             multi=True)], id="gate", load_ahead=["async-dropdown.js"]),
                          id="filter-panel"))
    assert out.startswith('<div data-ssr-id="filter-panel"><label for="pd">Police district</label>')
    assert 'class="dash-dropdown"' in out and "Central" in out
    assert "gate" not in out and "load_ahead" not in out


def test_markdown_subset():
    out = markdown("Counts are **victims**, not *incidents*.\n\n* one `a`\n* two [link](/about)\n\n1. first\n2. second")
    assert out == ("<p>Counts are <strong>victims</strong>, not <em>incidents</em>.</p>"
                   "<ul><li>one <code>a</code></li><li>two <a href=\"/about\">link</a></li></ul>"
                   "<ol><li>first</li><li>second</li></ol>")
    assert markdown("<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


# --- the page's HTML -------------------------------------------------------------------------------

def _first(page: str) -> str:
    match = re.search(r'<div id="psad-first" class="psad-first">(.*)</div>\n<div id="react-entry-point" '
                      r'class="psad-pending"></div>', page, re.S)
    assert match, "the page carries its first view beside Dash's entry point"
    return match.group(1)


def test_the_page_carries_the_layout_dash_draws(client):
    page = client.get("/?police_district=Central&range=last365").get_data(as_text=True)
    first = _first(page)
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/?police_district=Central&range=last365"})
    assert first == Renderer("en").render(layout.get_json())
    assert " id=" not in first
    # the headline numbers and the filter's choice are in the HTML, before any script runs
    assert 'data-ssr-id="summary-cards"' in first and "card-value" in first
    assert "Central" in first
    # no script runs before the first paint: psad_loader.js runs them, then starts Dash's renderer
    assert not re.search(r"<script src=", page)
    later = re.findall(r'<script type="text/psad-later" src="([^"]+)"></script>', page)
    assert any("dash_renderer" in s for s in later) and any("react-dom" in s for s in later)
    assert re.search(r'<script defer src="/assets/psad_loader\.js\?m=\d+"></script>', page)
    assert "window.psadStartRenderer = function () { if (!window.renderer) { window.renderer = new DashRenderer(" in page


def test_the_first_view_is_drawn_once_per_layout(demo_url):
    """With the app's cache, a second request for the same view reads the drawn HTML (with its own
    address written in), and it is the HTML drawn without any cache."""
    from app import create_app

    cached = create_app({"database_url": demo_url}).server.test_client()
    plain = create_app({"database_url": demo_url}, cache_type="null").server.test_client()
    for address in ("/map?layer=council_district", "/?range=last28&offense=homicide", "/?offense=homicide&range=last28"):
        first = _first(cached.get(address).get_data(as_text=True))
        again = _first(cached.get(address).get_data(as_text=True))
        assert first == again == _first(plain.get(address).get_data(as_text=True)), address
        assert "__psad" not in first.replace("__psad_no_change__", "")


def test_every_page_and_both_languages_have_a_first_view(client):
    from app.pages import NAV_PAGES

    for page in NAV_PAGES:
        for lang in ("en", "es"):
            body = client.get(f"{page.path}?lang={lang}").get_data(as_text=True)
            first = _first(body)
            assert 'data-ssr-id="page-content"' in first, (page.path, lang)
    spanish = _first(client.get("/?lang=es").get_data(as_text=True))
    assert "Filtros" in spanish


def test_a_bad_address_is_drawn_with_its_notice(client):
    first = _first(client.get("/?police_district=Atlantis").get_data(as_text=True))
    assert "Atlantis" in first  # the notice that says the district is unknown, as Dash shows it
