"""Tables drawn as one component (layouts/static.py): only what no callback addresses goes in,
buttons only with a store to press into, and tests read a ``Static`` as the tree it draws. The
buttons pressed in the browser are checked by the Summary's and the Map's browser tests."""

from __future__ import annotations

from dash import html

from app import ids
from layouts.common import data_table
from layouts.static import Static, static
from tests.dash_support import from_wire


def test_static_takes_plain_html_only():
    plain = static(html.Table(html.Tr(html.Td("1"))))
    assert isinstance(plain, Static)
    addressed = html.Table(html.Tr(html.Td(html.Button("x", id="b"))))
    assert static(addressed) is addressed  # a callback may listen to it: Dash draws it
    pattern = html.Table(html.Tr(html.Td(html.Button("x", id={"type": "t", "code": "c"}, n_clicks=0))))
    assert static(pattern) is pattern  # no store to press into
    pressed = static(pattern, press=ids.pressed_id("summary"))
    assert isinstance(pressed, Static) and pressed.press == ids.pressed_id("summary")
    button = pressed.content["props"]["children"]["props"]["children"]["props"]["children"]
    assert button["props"]["id"] == {"type": "t", "code": "c"} and "n_clicks" not in button["props"]


def test_from_wire_reads_a_static_as_the_tree_it_draws():
    table = data_table(["Year"], [["2025"]], "Caption")
    tree = from_wire(table.children)
    assert isinstance(tree, html.Table) and tree.className == "table table-sm chart-data"


def test_the_browser_and_the_server_draw_the_same_props_as_attributes():
    """assets/psad_static.js (in the browser) and app/first_view.py (the server's first view) each
    keep a list of Dash's props that are no HTML attributes, and of html.* names whose element is
    not the lower-cased name: the two must agree, or a table would differ across the swap."""
    import json
    import re

    from app import first_view
    from app.settings import PROJECT_ROOT

    js = (PROJECT_ROOT / "assets" / "psad_static.js").read_text()
    dash_only = re.search(r"var DASH_ONLY = (\{[^}]*\})", js).group(1)
    assert set(re.findall(r"(\w+): 1", dash_only)) == set(first_view.NOT_ATTRIBUTES)
    tags = re.search(r"var TAGS = (\{[^}]*\})", js).group(1)
    assert json.loads(re.sub(r"(\w+):", r'"\1":', tags)) == first_view.TAGS
