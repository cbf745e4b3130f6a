"""``psad.Defer`` (layouts/static.py, assets/psad_defer.js): each page's own elements are drawn by
the browser in a React transition, after the shell (the filter bar waits in a ``Gate`` instead). What every page's layout must
hold for that to work: its elements inside a Defer, and no dcc.Store with data inside one (a store
calls setProps while being drawn, which restarted the Map's transition for seconds). The server's
first view draws a Defer's children as they will look."""

from __future__ import annotations

import re

import pytest

from app import ids
from app.pages import PAGES

DEFER = ("psad", "Defer")
STORE = ("dash_core_components", "Store")


def kind(node) -> tuple[str, str] | None:
    return (node.get("namespace"), node.get("type")) if isinstance(node, dict) and "type" in node else None


def walk(node, inside: bool = False):
    """(node, inside a Defer) for every component in a layout's JSON."""
    if isinstance(node, list):
        for n in node:
            yield from walk(n, inside)
        return
    if not isinstance(node, dict) or "type" not in node:
        return
    yield node, inside
    now = inside or kind(node) == DEFER
    for value in (node.get("props") or {}).values():
        if isinstance(value, (dict, list)):
            yield from walk(value, now)


def find(node, cid: str):
    return next((n for n, _in in walk(node) if (n.get("props") or {}).get("id") == cid), None)


@pytest.fixture(scope="module")
def layouts(demo_url):
    from app import create_app

    client = create_app({"database_url": demo_url}, cache_type="null").server.test_client()
    out = {}
    for page in PAGES:
        r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{page.path}"})
        assert r.status_code == 200, page.path
        out[page.path] = r.get_json()
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_each_page_is_drawn_in_a_defer_with_its_stores_outside(layouts, page):
    tree = layouts[page.path]
    frame = find(tree, ids.page_id(page.name))
    assert frame is not None, f"{page.path}: no {ids.page_id(page.name)} in the layout"
    deferred = [n for n, _inside in walk(frame) if kind(n) == DEFER]
    assert deferred, f"{page.path}: the page's elements are not in a Defer"
    for node, inside in walk(tree):
        if kind(node) == STORE and inside:
            assert (node.get("props") or {}).get("data") is None, (
                f"{page.path}: dcc.Store {node['props'].get('id')!r} holds data inside a Defer")
    panel = find(tree, ids.FILTER_PANEL)
    assert not any(kind(n) == DEFER for n, _inside in walk(panel)), "the filter bar is a Gate's, not a Defer's"


def test_stores_with_data_stay_where_callbacks_find_them(layouts):
    # the Map's stores are filled by the server's first view: they are kept, outside the Defer
    tree = layouts["/map"]
    held = [n["props"]["id"] for n, inside in walk(tree)
            if kind(n) == STORE and not inside and (n.get("props") or {}).get("data") is not None]
    assert held, "expected the Map's first view to fill some of its stores"


def test_the_first_view_draws_what_is_deferred(client):
    page = client.get("/map").get_data(as_text=True)
    first = re.search(r'<div id="psad-first" class="psad-first">(.*)</div>\n<div id="react-entry-point" ', page, re.S)
    assert first, "the page's HTML has no first view"
    html = first.group(1)
    assert f'data-ssr-id="{ids.MAP_CAPTION}"' in html  # the page's own elements
    assert f'data-ssr-id="{ids.FILTER_PANEL}"' in html and "dash-dropdown" in html  # and the filters
    assert "data-psad-deferred" not in html
