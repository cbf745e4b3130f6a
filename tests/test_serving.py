"""What goes over the wire: every text response compressed for a client that accepts it, and the
app's own fingerprinted files cacheable for a year."""

from __future__ import annotations

import gzip
import re

import pytest


@pytest.fixture()
def served(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    html = gzip.decompress(page.data).decode()
    return client, page, html


def test_text_responses_are_compressed_for_clients_that_accept_it(served):
    client, page, html = served
    assert page.headers["Content-Encoding"] == "gzip" and "_dash-config" in html
    js = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]*\.js)"', html).group(1)
    # (responses under flask-compress's 500 bytes, such as /api/v1/health, are sent as they are)
    paths = ["/_dash-layout", "/_dash-dependencies", "/api/v1/counts?by=month", js]
    for path in paths:
        r = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200, path
        assert r.headers.get("Content-Encoding") == "gzip", path
        assert len(gzip.decompress(r.data)) > len(r.data), path
    plain = client.get("/_dash-layout")
    assert "Content-Encoding" not in plain.headers and plain.get_json()


def test_brotli_when_the_client_prefers_it(client):
    r = client.get("/_dash-layout", headers={"Accept-Encoding": "br"})
    assert r.headers.get("Content-Encoding") == "br"


def test_fingerprinted_assets_are_cached_for_a_year_others_revalidated(served):
    client, _, html = served
    script = re.search(r'src="(/assets/vendor/regenerator-runtime-[\d.]+\.js\?m=[^"]+)"', html).group(1)
    r = client.get(script)
    assert r.status_code == 200
    cc = r.headers["Cache-Control"]
    assert "max-age=31536000" in cc and "public" in cc and "immutable" in cc and "no-cache" not in cc
    bare = client.get("/assets/app.css")
    assert "no-cache" in bare.headers["Cache-Control"] and bare.headers.get("ETag")
    again = client.get("/assets/app.css", headers={"If-None-Match": bare.headers["ETag"]})
    assert again.status_code == 304



def test_dashs_icon_with_its_version_is_cached_for_a_year_and_replayed(app):
    server = app.server
    page = server.test_client().get("/").get_data(as_text=True)
    icon = re.search(r'href="(/_favicon\.ico\?v=[^"]+)"', page).group(1)
    replay = server.extensions["psad_static_replay"]
    first = server.test_client().get(icon)
    assert first.status_code == 200 and first.get_data()
    cc = {d.strip() for d in first.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cc
    before = replay.replayed
    again = server.test_client().get(icon)
    assert again.get_data() == first.get_data() and replay.replayed == before + 1  # no Flask the second time

def test_api_answers_carry_an_etag_that_a_load_changes(synth_db, demo_small, tmp_path):
    from app import create_app
    from data_access.ingest.cvi import load_cvi_file
    from tests.test_ingest_cvi_cases import _cvi_rows

    client = create_app({"database_url": synth_db.url}, cache_type="null").server.test_client()
    url = "/api/v1/counts?by=year&start=2025-01-01&end=2025-12-31"
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers.get("Last-Modified")
    cc = first.headers["Cache-Control"]
    assert "public" in cc and "max-age=300" in cc
    same = client.get(url, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b"" and same.headers["ETag"] == etag
    assert "ETag" not in client.get("/api/v1/health").headers  # a health check is never cached
    assert "ETag" not in client.get("/api/v1/counts?by=nope").headers  # nor an error

    rows, _ = _cvi_rows(demo_small)
    p = tmp_path / "cvi.csv"
    p.write_text("\n".join(rows) + "\n")
    load_cvi_file(synth_db, str(p))  # a load: a new data version
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag


@pytest.mark.parametrize("path, headers", [
    ("/_dash-dependencies", {}),
    ("/_dash-layout", {"Referer": "http://localhost/?council_district=7"}),
])
def test_layout_and_dependencies_revalidate_to_304(client, path, headers):
    first = client.get(path, headers=headers)
    assert first.status_code == 200 and first.headers.get("ETag")
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    if path == "/_dash-layout":  # another view is another body: no 304 for it
        other = client.get(path, headers={"Referer": "http://localhost/", "If-None-Match": first.headers["ETag"]})
        assert other.status_code == 200
