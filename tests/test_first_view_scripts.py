"""Which scripts a first view loads (issue 12, main-thread work; app/bundles.py), read from the
page itself through the test client: dash-leaflet only where the first view has a map, and named
for later loading everywhere else (with the map functions, run again once it has arrived); every
script a page names, now or later, is served and compressed once at start
(app/static_compression.prime)."""

from __future__ import annotations

import re

import pytest

from app import bundles, static_compression
from app.pages import PAGES

LEAFLET = "/_dash-component-suites/dash_leaflet/dash_leaflet."
MAP_FUNCTIONS = "/assets/psad_map.js"
_META = re.compile(r'<meta name="psad-leaflet" content="([^"]+)" data-then="([^"]+)">')


def scripts(page: str) -> list[str]:
    """The scripts the page runs: those app/bundles.py leaves for assets/psad_loader.js to run."""
    return re.findall(r'<script type="text/psad-later" src="([^"]+)"', page)


def runs(client, page: str, name: str) -> int | None:
    """Where among the page's scripts the file ``name`` of assets/ runs: its own tag, or the joined
    script holding it (app/joined.py); None if it does not."""
    for i, src in enumerate(scripts(page)):
        if f"/assets/{name}" in src:
            return i
        if "/assets/psad-scripts.js" in src and f"/* {name} */".encode() in client.get(src).get_data():
            return i
    return None


@pytest.fixture()
def pages(client) -> dict[str, str]:
    return {p.path: client.get(p.path).get_data(as_text=True) for p in PAGES}


def test_only_pages_that_open_with_a_map_load_dash_leaflet(pages, client):
    with_map = {path for path, html in pages.items() if any(LEAFLET in s for s in scripts(html))}
    assert with_map == {"/map", "/cvi"}, with_map
    for path in with_map:
        assert runs(client, pages[path], "psad_map.js") is not None
        assert 'name="psad-leaflet"' not in pages[path]


def test_other_pages_name_dash_leaflet_for_later(pages, client):
    for path, html in pages.items():
        if path in ("/map", "/cvi"):
            continue
        assert not [s for s in scripts(html) if LEAFLET in s], path
        assert runs(client, html, "psad_map.js") is not None, f"{path}: the map's clientside functions are needed"
        found = _META.search(html)
        assert found, f"{path}: no psad-leaflet meta"
        library, functions = found.groups()
        assert LEAFLET in library and MAP_FUNCTIONS in functions
        # the stand-in (psad_bundles.js) runs before the renderer draws anything
        names = scripts(html)
        stand_in = runs(client, html, "psad_bundles.js")
        renderer = next(i for i, s in enumerate(names) if "dash_renderer" in s)
        assert stand_in < renderer, names
    library, functions = _META.search(pages["/"]).groups()
    for url in (library, functions):
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "br", url


def test_the_summary_loads_fewer_script_bytes_than_the_map(pages, client):
    def size(html):
        return sum(len(client.get(s).get_data()) for s in scripts(html))

    assert size(pages["/map"]) - size(pages["/"]) > 250_000  # dash_leaflet.js is about 300 KB


def test_defer_leaflet_keeps_everything_else_in_place():
    tags = ('<script src="/_dash-component-suites/dash/dcc/dash_core_components.v3_0_0m1.js"></script>\n'
            '<script src="/_dash-component-suites/dash_leaflet/dash_leaflet.v1_1_3m1747331545.js"></script>\n'
            '<script src="/assets/psad.js?m=1"></script>\n<script src="/assets/psad_map.js?m=2"></script>\n'
            '<script src="/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_0_0m1.min.js"></script>')
    left, meta = bundles.defer_leaflet(tags)
    assert "dash_leaflet" not in left
    assert left == tags.replace('<script src="/_dash-component-suites/dash_leaflet/dash_leaflet.v1_1_3m1747331545.js">'
                                '</script>\n', "")
    assert meta == ('<meta name="psad-leaflet" content="/_dash-component-suites/dash_leaflet/'
                    'dash_leaflet.v1_1_3m1747331545.js" data-then="/assets/psad_map.js?m=2">')
    assert bundles.defer_leaflet("<script src=\"/a.js\"></script>") == ("<script src=\"/a.js\"></script>", "")


def test_prime_compresses_the_scripts_pages_load_later(app):
    server = app.server
    store = server.extensions.get("psad_static_compression") or static_compression.install(server)
    static_compression.prime(server)
    primed = {key[0] for key in store.items}
    assert any(p.startswith(LEAFLET) for p in primed)
    assert f"/assets/{bundles.PLOTLY_BUNDLE}" in primed
    assert MAP_FUNCTIONS in primed
