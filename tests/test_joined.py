"""The app's style sheets as one file (app/styles.py): one request instead of one per file, the
same rules in the same order, cached for a year under a digest that follows the files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import brotli
import dash
from dash import html

from app import styles
from app.settings import PROJECT_ROOT

LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def test_a_page_links_one_style_sheet_holding_every_file_in_dash_order(client):
    page = client.get("/").get_data(as_text=True)
    links = LINK.findall(page)
    assert len(links) == 1 and links[0].startswith("/assets/psad-styles.css?m="), links
    body = client.get(links[0]).get_data()
    # every .css file in assets/, as Dash orders them (sorted names), each whole and in turn
    files = sorted(p for p in (PROJECT_ROOT / "assets").glob("*.css"))
    assert len(files) >= 10
    at = 0
    for f in files:
        text = re.sub(rb'^@charset "[^"]*";', b"", f.read_bytes()).rstrip()
        found = body.find(text, at)
        assert found >= at, f"{f.name} is missing or out of order"
        assert body[:found].endswith(b"/* " + f.name.encode() + b" */\n")
        at = found + len(text)
    assert b"@charset" not in body  # void past the start: the Content-Type says UTF-8


def test_the_joined_sheet_is_cached_for_a_year_compressed_and_revalidated(client):
    url = LINK.findall(client.get("/").get_data(as_text=True))[0]
    r = client.get(url, headers={"Accept-Encoding": "br"})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/css; charset=utf-8"
    assert r.headers["Content-Encoding"] == "br"
    cc = {d.strip() for d in r.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cc
    assert brotli.decompress(r.get_data()) == client.get(url).get_data()
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    bare = client.get("/assets/psad-styles.css")  # without its digest: revalidated every time
    assert bare.status_code == 200 and "no-cache" in bare.headers["Cache-Control"]


def _small_app(folder: Path, external: list[str] | None = None) -> dash.Dash:
    app = dash.Dash(__name__, assets_folder=str(folder), external_stylesheets=external or [])
    app.layout = html.Div("x")
    styles.install(app)
    return app


def test_the_digest_follows_the_files_and_other_origins_keep_their_tags(tmp_path):
    (tmp_path / "a.css").write_text('@charset "UTF-8";\n.a { color: red; }\n')
    (tmp_path / "b.css").write_text(".b { color: blue; }\n")
    app = _small_app(tmp_path, external=["https://example.org/x.css"])
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    links = LINK.findall(page)
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


def test_no_style_sheet_of_its_own_no_joined_tag(tmp_path):
    app = _small_app(tmp_path)
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert not LINK.findall(page)
