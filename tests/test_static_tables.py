"""Tables drawn as one component (layouts/static.py): only what no callback addresses goes in,
buttons only with a store to press into, and tests read a ``Static`` as the tree it draws. The
buttons pressed in the browser are checked by the Summary's and the Map's browser tests."""

from __future__ import annotations

import json

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


def test_the_projects_components_check_their_props_without_importing_their_namespace(monkeypatch):
    """Dash's Component.__init__ imports a component's namespace once per property to word its error
    messages; ours ("psad") is no module, so each failed import searched the whole path (30 us a
    property, five times a whole html.Div). They check the same things themselves."""
    import builtins

    import pytest

    from layouts.static import Defer, Gate

    imported = []
    real = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda name, *a, **k: imported.append(name) or real(name, *a, **k))
    made = [Static(content={"x": 1}, id="s", press="p"), Gate(children=[html.Div("a")], id="g"), Defer(id="d")]
    assert "psad" not in imported
    assert made[0].to_plotly_json() == {"props": {"id": "s", "content": {"x": 1}, "press": "p"},
                                        "type": "Static", "namespace": "psad"}
    assert list(made[1]._traverse()) == made[1].children  # Dash walks the children as usual
    with pytest.raises(TypeError, match="unexpected keyword argument: `colour`"):
        Static(colour="red")
    with pytest.raises(TypeError, match="`content`"):
        Static(content=html.Div("a"))
    with pytest.raises(TypeError, match="`id` prop must be a string or dict"):
        Defer(id=3)


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


def test_wired_marks_only_plain_html_without_an_id():
    """``layouts.common.wire`` marks a node ``Wired`` (taken by ``static`` without walking it again)
    only when nothing inside could be addressed by a callback."""
    import pickle

    from dash import dcc

    from layouts.common import wire
    from layouts.static import Wired

    cell = wire(html.Td, "1", className="num")
    assert type(cell) is Wired and type(wire(html.Tr, [cell, "2", 3, None])) is Wired
    assert type(wire(html.Td, "1", id="x")) is dict
    assert type(wire(html.Td, html.Button("x", id={"type": "t", "code": "c"}))) is dict  # a component inside
    assert type(wire(html.Td, [cell, {"type": "Td", "namespace": "dash_html_components", "props": {"id": "y"}}])) is dict
    assert type(wire(dcc.Markdown, "x")) is dict  # not html.*
    assert type(pickle.loads(pickle.dumps(cell))) is dict and pickle.loads(pickle.dumps(cell)) == cell
    # a row holding an unmarked node with an id is still refused as a Static
    addressed = html.Table(wire(html.Tr, [wire(html.Td, "1", id="x")]))
    assert static(addressed) is addressed


def test_data_tables_with_time_cells_and_buttons_send_what_the_components_would():
    """Periods (``time_cell``) and pressable buttons in ``data_table``'s cells, against the same
    table built from Dash components."""
    from datetime import date

    from dash._utils import to_json

    from layouts.common import scroll_region, time_cell

    press = ids.pressed_id("summary")
    cols = ["Month", "Victims", "Offense"]

    def button():
        return html.Button("Homicide", id={"type": "t", "code": "homicide"}, n_clicks=0)

    rows = [[time_cell("Jan 2025", date(2025, 1, 1)), "1,234", button()], ["Feb 2025", "—", button()]]
    reference = scroll_region(static(html.Table([
        html.Caption("Victims"),
        html.Thead(html.Tr([html.Th(c, scope="col", className="num" if i == 1 else None) for i, c in enumerate(cols)])),
        html.Tbody([html.Tr([html.Th(html.Time("Jan 2025", dateTime="2025-01-01"), scope="row"),
                             html.Td("1,234", className="num"), html.Td(button(), className=None)]),
                    html.Tr([html.Th("Feb 2025", scope="row"), html.Td("—", className="num"),
                             html.Td(button(), className=None)])]),
    ], className="table table-sm chart-data"), press), "Victims")
    got = data_table(cols, rows, "Victims", numeric=(1,), press=press)
    assert isinstance(got.children, Static)
    assert json.loads(to_json(got)) == json.loads(to_json(reference))


def _static_ids(node, inside=False):
    """Every id inside a ``Static`` of a layout in the wire form (a pressed button's too)."""
    if isinstance(node, list):
        for child in node:
            yield from _static_ids(child, inside)
    elif isinstance(node, dict):
        props = node.get("props") if "namespace" in node else None
        if props is None:
            for value in node.values():
                yield from _static_ids(value, inside)
            return
        if inside and "id" in props:
            yield props["id"]
        for name, value in props.items():
            yield from _static_ids(value, inside or node["namespace"] == "psad" and name == "content")


def test_no_id_inside_a_static_is_a_callbacks(app, client):
    """A ``Static`` draws plain elements: a callback naming an id inside one would find nothing to
    read or update. Every page's layout (with its first view filled in: the headline cards, the
    tables), in both languages: no id inside a Static is an output, input or state of any callback
    or of any page's update (``callbacks.common.page_callback``, sent through ``set_props``), but
    the pressed buttons' pattern-matching ids, which write into their page's store instead."""
    from app.pages import NAV_PAGES
    from callbacks.common import updates

    named = set()
    for callback in client.get("/_dash-dependencies").get_json():
        for part in callback["output"].split("..") + [i["id"] for i in callback["inputs"] + callback["state"]]:
            named.add(part if part.startswith("{") else part.split(".")[0])
    for page in NAV_PAGES:
        for update in updates(app, page):
            named.update(str(dep.component_id) for dep in [*update.output.values(), *update.reads.values()])
    assert {"summary-cards", "arrests-cards", "page-content"} <= named  # the updates were read
    seen = set()
    for page in NAV_PAGES:
        for lang in ("en", "es"):
            layout = client.get("/_dash-layout", headers={"Referer": f"http://localhost{page.path}?lang={lang}"})
            for found in _static_ids(layout.get_json()):
                if isinstance(found, dict):
                    continue  # a pressed button (static(press=...)): tests above and the browser tests
                assert found not in named, (page.path, found)
                seen.add(found)
    assert {"card-all", "arrests-total", "gw-card-served"} <= seen, sorted(seen)  # the walk reached them
