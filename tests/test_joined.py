"""The app's own style sheets and scripts as one file each (app/joined.py): one request instead of
one per file, the same rules and scripts in the same order, cached for a year under a digest that
follows the files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import brotli
import dash
import pytest
from dash import html

from app import joined
from app.settings import PROJECT_ROOT

LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
LATER = re.compile(r'<script type="text/psad-later" src="([^"]+)">')
ASSETS = PROJECT_ROOT / "assets"


def _in_order(body: bytes, files: list[Path], part) -> None:
    """Each file's text, as ``part`` makes it, appears whole in ``body`` and in turn."""
    at = 0
    for f in files:
        text = part(f.read_bytes())
        found = body.find(text, at)
        assert found >= at, f"{f.name} is missing or out of order"
        assert body[:found].endswith(b"/* " + f.name.encode() + b" */\n" + (b"try {\n" if part is _script else b""))
        at = found + len(text)


def _style(text: bytes) -> bytes:
    return re.sub(rb'^@charset "[^"]*";', b"", text).rstrip()


def _script(text: bytes) -> bytes:
    return text.rstrip()


def test_a_page_links_one_style_sheet_holding_every_file_in_dash_order(client):
    page = client.get("/").get_data(as_text=True)
    links = LINK.findall(page)
    assert len(links) == 1 and links[0].startswith("/assets/psad-styles.css?m="), links
    body = client.get(links[0]).get_data()
    files = sorted(ASSETS.glob("*.css"))  # Dash's order: sorted names
    assert len(files) >= 10
    _in_order(body, files, _style)
    assert b"@charset" not in body  # void past the start: the Content-Type says UTF-8


def test_a_page_runs_one_script_of_its_own_in_the_place_of_its_files(client):
    page = client.get("/map").get_data(as_text=True)
    later = LATER.findall(page)
    own = [u for u in later if u.startswith("/assets/psad-scripts.js?m=")]
    assert len(own) == 1, later
    # no file of assets/ itself has a tag of its own any more; vendor/ keeps its own (first of all)
    assert not [u for u in later if re.match(r"/assets/[^/?]+\.js", u) and u != own[0]]
    assert later[0].startswith("/assets/vendor/regenerator-runtime-")
    # where Dash put them: after the component libraries, before the renderer
    at = later.index(own[0])
    assert "dash_bootstrap_components" in later[at - 1] or "dash_leaflet" in later[at - 1]
    assert "dash_renderer" in later[at + 1]
    body = client.get(own[0]).get_data()
    files = [f for f in sorted(ASSETS.glob("*.js")) if f.name != "psad_loader.js"]  # the loader: its own tag
    assert len(files) >= 8
    _in_order(body, files, _script)
    assert body.count(b"} catch (e) { setTimeout(function () { throw e; }); }") == len(files)


def test_the_map_functions_keep_their_own_address_for_the_second_run(client):
    """On a page without a map, Leaflet arrives later and psad_bundles.js runs the map functions
    again by their own address (data-then): that address still serves the file."""
    page = client.get("/").get_data(as_text=True)
    then = re.search(r'<meta name="psad-leaflet" content="[^"]+" data-then="([^"]+)">', page).group(1)
    assert then.startswith("/assets/psad_map.js?m=")
    r = client.get(then)
    assert r.status_code == 200 and r.get_data() == (ASSETS / "psad_map.js").read_bytes()


@pytest.mark.parametrize("name", [joined.STYLES, joined.SCRIPTS])
def test_a_joined_file_is_cached_for_a_year_compressed_and_revalidated(client, name):
    page = client.get("/").get_data(as_text=True)
    url = re.search(rf'(/assets/{re.escape(name)}\?m=[0-9a-f]+)"', page).group(1)
    r = client.get(url, headers={"Accept-Encoding": "br"})
    kind = "text/css" if name.endswith(".css") else "text/javascript"
    assert r.status_code == 200 and r.headers["Content-Type"] == f"{kind}; charset=utf-8"
    assert r.headers["Content-Encoding"] == "br"
    cc = {d.strip() for d in r.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cc
    assert brotli.decompress(r.get_data()) == client.get(url).get_data()
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    bare = client.get(f"/assets/{name}")  # without its digest: revalidated every time
    assert bare.status_code == 200 and "no-cache" in bare.headers["Cache-Control"]


def test_every_script_of_ours_parses_alone_and_has_nothing_a_try_block_would_change():
    """Each joined script runs inside its own try block: a syntax error in one would stop all of
    them (so each must parse on its own), and a top-level let, const, class, async function or
    generator would become local to its block, a top-level "use strict" void; a global goes on
    window or is a var."""
    import shutil
    import subprocess

    node = shutil.which("node")
    for f in sorted(ASSETS.glob("*.js")):
        text = f.read_text()
        top = re.findall(r"^(?:let|const|class|async\s+function|function\s*\*)\b.*|^[\"']use strict[\"']", text, re.M)
        assert not top, f"{f.name}: {top}"
        if node:
            run = subprocess.run([node, "--check", str(f)], capture_output=True, text=True)
            assert run.returncode == 0, f"{f.name}: {run.stderr}"


def test_an_old_or_made_up_digest_is_sent_on_to_the_current_file_and_not_kept(client):
    page = client.get("/").get_data(as_text=True)
    for name in (joined.STYLES, joined.SCRIPTS):
        current = re.search(rf'(/assets/{re.escape(name)}\?m=[0-9a-f]+)"', page).group(1)
        r = client.get(f"/assets/{name}?m=0123456789abcdef")
        assert r.status_code == 302 and r.headers["Location"].endswith(current), r.headers.get("Location")
        assert r.headers["Cache-Control"] == "no-store"


def _small_app(folder: Path, external: list[str] | None = None) -> dash.Dash:
    app = dash.Dash(__name__, assets_folder=str(folder), external_stylesheets=external or [])
    app.layout = html.Div("x")
    joined.install(app)
    return app


def test_the_digest_follows_the_files_and_other_origins_keep_their_tags(tmp_path):
    (tmp_path / "a.css").write_bytes(b'\xef\xbb\xbf@charset "UTF-8";\n.a { color: red; }\n')  # a byte-order mark too
    (tmp_path / "b.css").write_bytes(b"\xef\xbb\xbf.b { color: blue; }\n")  # a mark alone
    app = _small_app(tmp_path, external=["https://example.org/x.css"])
    client = app.server.test_client()
    links = LINK.findall(client.get("/").get_data(as_text=True))
    assert links[0] == "https://example.org/x.css" and len(links) == 2
    first = links[1]
    assert client.get(first).get_data() == b"/* a.css */\n\n.a { color: red; }\n/* b.css */\n.b { color: blue; }\n"
    # a changed file (a deploy): a new address, with the new rules
    (tmp_path / "b.css").write_text(".b { color: green; }\n")
    later = os.stat(tmp_path / "b.css").st_mtime_ns + 10**9
    os.utime(tmp_path / "b.css", ns=(later, later))
    second = LINK.findall(client.get("/").get_data(as_text=True))[1]
    assert second != first
    assert b"green" in client.get(second).get_data()


def test_a_failing_script_does_not_stop_the_next(tmp_path):
    """Run in Node when it is here: the joined text of a script that throws and one after it."""
    import shutil
    import subprocess

    (tmp_path / "a.js").write_text("(function () { throw new Error('a fails'); })()")
    (tmp_path / "b.js").write_text("(function () { globalThis.ranB = true; })()\nvar shared = 1")
    app = _small_app(tmp_path)
    body, _digest = joined.scripts(app).current(
        '<script src="/assets/a.js?m=1"></script>\n<script src="/assets/b.js?m=1"></script>\n')
    assert body.index(b"a fails") < body.index(b"ranB")
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    run = subprocess.run([node, "-e", body.decode() + "\nsetTimeout(() => {}, 0);"
                          "\nprocess.on('exit', () => console.log(globalThis.ranB, typeof globalThis.shared));"],
                         capture_output=True, text=True)
    assert "true number" in run.stdout  # b ran, and its var is still a global
    assert "a fails" in run.stderr  # a's error is thrown again, not swallowed


def test_no_file_of_its_own_no_joined_tag(tmp_path):
    app = _small_app(tmp_path)
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert not LINK.findall(page) and "psad-scripts.js" not in page
