"""Static files are compressed once per process (app/static_compression.py), not per request."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from app import static_compression


@pytest.fixture()
def served(app):
    server = app.server
    store = server.extensions.get("psad_static_compression") or static_compression.install(server)
    return server.test_client(), store


def _scripts(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    return re.findall(r'src="(/_dash-component-suites/[^"]+\.js[^"]*)"', page)


def test_a_bundle_is_compressed_once_and_decodes_to_the_same_bytes(served):
    client, store = served
    url = max(_scripts(client), key=lambda u: len(client.get(u).get_data()))  # the largest bundle
    plain = client.get(url).get_data()
    before = store.compressions
    first = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert first.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.get_data()) == plain
    for _ in range(3):
        again = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert again.get_data() == first.get_data()
    assert store.compressions == before + 1, "the same bundle was compressed more than once"
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == plain
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.get_data()) < len(plain) / 2


def test_no_encoding_accepted_gets_the_plain_file(served):
    client, _store = served
    url = _scripts(client)[0]
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers


def test_an_asset_revalidates_with_its_encoded_etag(served):
    client, _store = served
    page = client.get("/").get_data(as_text=True)
    asset = re.search(r'src="(/assets/vendor/regenerator-runtime-[\d.]+\.js)[^"]*"', page).group(1)  # asked for without ?m=: revalidated
    first = client.get(asset, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    etag = first.headers["ETag"]
    assert etag.endswith(':br"'), etag
    again = client.get(asset, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()


def test_answers_that_change_are_not_stored(served):
    client, store = served
    before = dict(store.items)
    response = client.get("/api/v1/counts?by=month", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert store.items.keys() == before.keys(), "an API answer went into the static store"


def test_prime_stores_every_script_of_the_home_page_in_both_encodings(app):
    server = app.server
    store = server.extensions.get("psad_static_compression") or static_compression.install(server)
    count = static_compression.prime(server)
    scripts = _scripts(server.test_client())
    assert count == len(store.items) >= len(scripts) * 2 > 0
    encodings = {key[2] for key in store.items}
    assert encodings == {"br", "gzip"}


def test_the_store_stays_within_its_limit():
    store = static_compression.Store(limit=1000)
    for i in range(10):
        store.put((f"/assets/{i}.js", b"", "br", "t"), b"x" * 300)
    assert store.size <= 1000 and len(store.items) == 3
    assert store.get(("/assets/9.js", b"", "br", "t")) is not None
    assert store.get(("/assets/0.js", b"", "br", "t")) is None


# --- Replay: a fingerprinted file's answer kept whole and given again in front of Flask -------------

def _wsgi_get(wsgi, url: str, **headers):
    from werkzeug.test import EnvironBuilder

    path, _, query = url.partition("?")
    method = headers.pop("method", "GET")
    environ = EnvironBuilder(path=path, query_string=query, method=method, headers=headers).get_environ()
    got: dict = {}

    def start_response(status, response_headers, exc_info=None):
        got["status"], got["headers"] = status, response_headers

    answer = wsgi(environ, start_response)
    body = b"".join(answer)
    if hasattr(answer, "close"):
        answer.close()
    return got["status"], got["headers"], body


def _without_date(headers):
    return [(k, v) for k, v in headers if k != "Date"]


def test_a_fingerprinted_file_is_replayed_byte_for_byte(app):
    server = app.server
    replay = server.extensions["psad_static_replay"]
    page = server.test_client().get("/").get_data(as_text=True)
    bundle = _scripts(server.test_client())[0]
    asset = re.search(r'src="(/assets/vendor/regenerator-runtime-[\d.]+\.js\?m=[^"]+)"', page).group(1)
    for url in (bundle, asset):
        for encoding in ("br", "gzip", "identity"):
            first = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": encoding})
            before = replay.replayed
            again = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": encoding})
            assert replay.replayed == before + 1, (url, encoding)
            assert again[0] == first[0] == "200 OK"
            assert again[2] == first[2] and _without_date(again[1]) == _without_date(first[1])
            assert [k for k, _v in again[1]].count("Date") == [k for k, _v in first[1]].count("Date") <= 1
            flask = _wsgi_get(replay.wsgi_app, url, **{"Accept-Encoding": encoding})  # Flask itself, now
            assert flask[2] == again[2] and _without_date(flask[1]) == _without_date(again[1])
        head = _wsgi_get(server.wsgi_app, url, method="HEAD", **{"Accept-Encoding": "br"})
        assert head[2] == b"" and dict(head[1])["Content-Length"] == str(len(_wsgi_get(
            server.wsgi_app, url, **{"Accept-Encoding": "br"})[2]))
    cache = dict(_wsgi_get(server.wsgi_app, bundle)[1])["Cache-Control"]
    assert {"public", "immutable", "max-age=31536000"} <= {d.strip() for d in cache.split(",")}


def test_only_fingerprinted_unconditional_whole_answers_are_replayed(app):
    server = app.server
    replay = server.extensions["psad_static_replay"]
    page = server.test_client().get("/").get_data(as_text=True)
    plain_asset = re.search(r'src="(/assets/vendor/regenerator-runtime-[\d.]+\.js)[^"]*"', page).group(1)  # no ?m=: revalidated each time
    for _ in range(2):
        status, headers, _body = _wsgi_get(server.wsgi_app, plain_asset, **{"Accept-Encoding": "br"})
        assert status == "200 OK" and "no-cache" in dict(headers)["Cache-Control"]
    assert not any(key[0] == plain_asset and not key[1] for key in replay.answers)
    bundle = _scripts(server.test_client())[0]
    _wsgi_get(server.wsgi_app, bundle, **{"Accept-Encoding": "br"})
    before = replay.replayed
    etag = dict(_wsgi_get(server.wsgi_app, plain_asset, **{"Accept-Encoding": "br"})[1])["ETag"]
    status, _headers, body = _wsgi_get(server.wsgi_app, plain_asset, **{"Accept-Encoding": "br", "If-None-Match": etag})
    assert status.startswith("304") and body == b""  # Flask's revalidation, as before
    status, _headers, _body = _wsgi_get(server.wsgi_app, bundle, **{"Range": "bytes=0-9"})
    assert replay.replayed == before  # conditional and range requests went to Flask
    status, _headers, _body = _wsgi_get(server.wsgi_app, "/assets/nothing.css?m=1")
    assert status.startswith("404") and not any("nothing" in key[0] for key in replay.answers)


def test_the_replay_keeps_within_its_limit_and_prime_fills_it(app):
    from app import static_compression as sc

    server = app.server
    small = sc.Replay(server.wsgi_app, limit=5000)
    for url in _scripts(server.test_client()):
        _wsgi_get(small, url, **{"Accept-Encoding": "br"})
    assert small.size <= 5000
    replay = server.extensions["psad_static_replay"]
    sc.prime(server)
    assert {key[2] for key in replay.answers} >= {"br", "gzip"} and replay.size > 0


def test_a_package_file_without_a_fingerprint_is_replayed_and_revalidated_without_flask(app):
    """dcc's chunks (async-dropdown.js, …) are asked for by bare name on every visit: their 200 and
    the 304 to a matching If-None-Match are given from the record, exactly as Flask gave them; a
    stale ETag still gets the file from Flask, and an asset without a fingerprint is not kept."""
    server = app.server
    replay = server.extensions["psad_static_replay"]
    server.test_client().get("/")  # Dash registers its bundles on its first page
    url = "/_dash-component-suites/dash/dcc/async-dropdown.js"
    first = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": "br"})
    assert first[0] == "200 OK" and "Cache-Control" not in dict(first[1])  # Dash sends it to be revalidated
    etag = dict(first[1])["ETag"]
    before = replay.replayed
    again = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": "br"})
    assert replay.replayed == before + 1 and again[2] == first[2] and _without_date(again[1]) == _without_date(first[1])
    flask_304 = _wsgi_get(replay.wsgi_app, url, **{"Accept-Encoding": "br", "If-None-Match": etag})
    for _ in range(2):
        got = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": "br", "If-None-Match": etag})
        assert got[0].startswith("304") and got[2] == b"" and _without_date(got[1]) == _without_date(flask_304[1])
    assert replay.replayed == before + 2  # the first 304 came from Flask and was kept, the second not
    stale = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": "br", "If-None-Match": '"old:br"'})
    assert stale[0] == "200 OK" and stale[2] == first[2] and replay.replayed == before + 2
    gzip_copy = _wsgi_get(server.wsgi_app, url, **{"Accept-Encoding": "gzip"})  # kept per encoding
    assert gzip.decompress(gzip_copy[2]) == brotli.decompress(first[2])
    page = server.test_client().get("/").get_data(as_text=True)
    plain_asset = re.search(r'src="(/assets/vendor/regenerator-runtime-[\d.]+\.js)[^"]*"', page).group(1)
    tag = dict(_wsgi_get(server.wsgi_app, plain_asset, **{"Accept-Encoding": "br"})[1])["ETag"]
    _wsgi_get(server.wsgi_app, plain_asset, **{"Accept-Encoding": "br", "If-None-Match": tag})
    assert not any(key[0] == plain_asset for key in replay.answers)  # assets/ may change on disk: Flask decides
