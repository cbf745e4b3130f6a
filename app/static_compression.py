"""Static files compressed once per process, not once per request.

flask-compress (Dash's ``compress=True``) compresses every text response as it leaves, which is
right for callback and API answers but wasteful for the JavaScript bundles and the files in
``assets/``: the same 1–5 MB of JavaScript was compressed again for every viewer, which made
compression most of the server's CPU per first view in the load bench (issue 12). Here a static
response (``/_dash-component-suites/``, ``/assets/``) is compressed the first time it is asked for
in each encoding, at a higher level than a per-request compressor could afford, and kept in memory
(bounded); flask-compress then leaves it alone (it skips a response that already has a
``Content-Encoding``). ``prime(server)`` fills the store before gunicorn forks its workers, so they
share it and no viewer waits for the first compression.

A file's ETag gets the encoding appended (``"abc:br"``), as flask-compress does, and a matching
``If-None-Match`` is answered 304 from the store without compressing anything.
"""

from __future__ import annotations

import gzip
import logging
import threading
from collections import OrderedDict

from flask import Flask, request

log = logging.getLogger(__name__)

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
COMPRESSIBLE = {"application/javascript", "text/javascript", "text/css", "application/json",
                "image/svg+xml", "text/plain", "application/x-javascript"}
MIN_SIZE = 500
GZIP_LEVEL = 9
BROTLI_QUALITY = 9  # 11 takes seconds per megabyte; 9 is within a few percent of it
STORE_BYTES = 64 * 1024 * 1024  # compressed bodies kept per process

try:  # flask-compress depends on brotli; a build without it still serves gzip
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency of flask-compress
    brotli = None


class Store:
    """Compressed bodies by (path, query, encoding, source ETag), least recently used out first."""

    def __init__(self, limit: int = STORE_BYTES):
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()
        self.compressions = 0  # how many bodies were compressed (tests, logs)

    def get(self, key: tuple) -> bytes | None:
        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        with self.lock:
            if key in self.items or len(body) > self.limit:
                return
            self.items[key] = body
            self.size += len(body)
            self.compressions += 1
            while self.size > self.limit:
                _old, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)


def choose_encoding(accept) -> str | None:
    """``br`` when the client takes it (and brotli is here), else ``gzip``, else None. ``accept``
    is werkzeug's parsed ``Accept-Encoding`` (``request.accept_encodings``): a quality of 0 is a no."""
    if brotli is not None and accept["br"] > 0:
        return "br"
    if accept["gzip"] > 0:
        return "gzip"
    return None


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def install(server: Flask, store: Store | None = None) -> Store:
    """Compress static responses once (this process's ``Store``); returns the store."""
    store = store or Store()
    server.extensions["psad_static_compression"] = store

    @server.after_request
    def _static_compressed(response):
        if (request.method not in ("GET", "HEAD") or not request.path.startswith(STATIC_PREFIXES)
                or response.status_code != 200 or "Content-Encoding" in response.headers
                or response.mimetype not in COMPRESSIBLE):
            return response
        encoding = choose_encoding(request.accept_encodings)
        if encoding is None:
            return response
        tag, weak = response.get_etag()
        if not tag:  # Dash's fingerprinted bundles carry none: the URL names the version
            tag = request.query_string.decode("latin-1") or "-"
        key = (request.path, request.query_string, encoding, tag)
        body = store.get(key)
        if body is None:
            response.direct_passthrough = False
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = compress(data, encoding)
            store.put(key, body)
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = encoding
        vary = response.headers.get("Vary", "")
        if "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        if response.get_etag()[0]:
            response.set_etag(f"{tag}:{encoding}", weak=weak)
        return response.make_conditional(request)

    return store


def prime(server: Flask, paths: tuple[str, ...] | None = None) -> int:
    """Ask for every script and style sheet of every page (``paths``: the registry's, by default)
    in brotli and in gzip, those the page loads later included (the Plotly and dash-leaflet
    bundles its ``<meta>`` tags name), before gunicorn forks, so every worker starts with them
    compressed; returns how many bodies the store holds."""
    import re

    from app.pages import PAGES

    client = server.test_client()
    urls: set[str] = set()
    for path in paths or tuple(p.path for p in PAGES):
        page = client.get(path).get_data(as_text=True)
        urls |= set(re.findall(r'(?:src|href|content|data-then)="(/(?:_dash-component-suites|assets)/[^"]+)"', page))
    for url in sorted(urls):
        for encoding in ("br", "gzip"):
            client.get(url, headers={"Accept-Encoding": encoding})
    store = server.extensions.get("psad_static_compression")
    return len(store.items) if store else 0


__all__ = ["install", "prime", "Store", "choose_encoding", "compress"]
