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
    css = re.search(r'href="(/assets/app\.css)[^"]*"', page).group(1)  # asked for without ?m=: revalidated
    first = client.get(css, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    etag = first.headers["ETag"]
    assert etag.endswith(':br"'), etag
    again = client.get(css, headers={"Accept-Encoding": "br", "If-None-Match": etag})
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
