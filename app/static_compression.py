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

``Replay`` goes one step further for the fingerprinted files (those sent cacheable for a year: the
same address always holds the same bytes): once Flask has answered one, the whole answer (status,
headers, compressed body) is kept per address and encoding, and the next request for it is
answered by a WSGI wrapper in front of Flask, without routing, request context or after-request
hooks. A crowd's first visit asks for about 25 of them per viewer, so that Python work was a
large share of the server's CPU per first view (issue 12).
"""

from __future__ import annotations

import gzip
import logging
import threading
from collections import OrderedDict
from email.utils import formatdate

from flask import Flask, request

log = logging.getLogger(__name__)

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
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


REPLAY_BYTES = 64 * 1024 * 1024  # replayable answers kept per process
MAX_ANSWERS = 4096  # and at most this many (a 304 weighs nothing: each If-None-Match asked is one)
PACKAGE_FILES = "/_dash-component-suites/"  # the installed packages' files: fixed while the process runs
_UNSEEN = object()


class Replay:
    """WSGI middleware in front of the Flask app: a GET of a fingerprinted static file (an answer
    Flask sent ``200``, cacheable for a year (``long_lived``) and without a cookie) is recorded
    whole, per path, query and chosen encoding, and later requests for it are answered from the
    record, byte for byte what Flask sent (a fresh ``Date`` aside). A package file Dash asks for
    without a fingerprint is recorded too, its ``200`` and the ``304`` to each ``If-None-Match``
    (``replayable``): a viewer's dcc chunks then cost no Flask request either. Any other
    conditional or range request, and anything not yet recorded or not replayable, goes to Flask
    as before. At most ``limit`` bytes and ``MAX_ANSWERS`` answers are kept; beyond that new
    answers are served by Flask, not recorded."""

    def __init__(self, wsgi_app, limit: int = REPLAY_BYTES):
        self.wsgi_app = wsgi_app
        self.limit = limit
        self.size = 0
        # (path, query, encoding, If-None-Match or None) -> (status, headers but Date, whether Flask
        # sent a Date, body)
        self.answers: dict[tuple[str, str, str | None, str | None], tuple[str, list[tuple[str, str]], bool, bytes]] = {}
        self.encodings: dict[str, str | None] = {}  # an Accept-Encoding header -> the encoding chosen
        self.lock = threading.Lock()
        self.replayed = 0  # answers given from the record (tests, logs)

    def encoding(self, header: str) -> str | None:
        """The encoding Flask's side would choose for this ``Accept-Encoding`` (``choose_encoding``);
        a browser sends one of a handful of spellings, so each is parsed once."""
        chosen = self.encodings.get(header, _UNSEEN)
        if chosen is _UNSEEN:
            from werkzeug.http import parse_accept_header

            chosen = choose_encoding(parse_accept_header(header))
            if len(self.encodings) < 256:
                self.encodings[header] = chosen
        return chosen

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        match = environ.get("HTTP_IF_NONE_MATCH")
        if (method not in ("GET", "HEAD") or not path.startswith(STATIC_PREFIXES)
                or "HTTP_RANGE" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
                or (match is not None and not path.startswith(PACKAGE_FILES))):
            return self.wsgi_app(environ, start_response)
        key = (path, environ.get("QUERY_STRING", ""), self.encoding(environ.get("HTTP_ACCEPT_ENCODING", "")), match)
        found = self.answers.get(key)
        if found is not None:
            status, headers, dated, body = found
            start_response(status, [*headers, ("Date", formatdate(usegmt=True))] if dated else headers)
            self.replayed += 1
            return [b""] if method == "HEAD" else [body]
        if method != "GET":
            return self.wsgi_app(environ, start_response)
        return self._record(key, environ, start_response)

    def _record(self, key, environ, start_response):
        """Let Flask answer, keep the answer if it may be replayed, and pass it on."""
        got: dict = {}

        def hold(status, headers, exc_info=None):
            got["status"], got["headers"], got["exc_info"] = status, headers, exc_info
            return lambda _data: None  # Flask writes through the returned iterable, never write()

        answer = self.wsgi_app(environ, hold)
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        status, headers = got["status"], got["headers"]
        names = {name.lower(): value for name, value in headers}
        if self.replayable(key, status, names):
            kept = [(name, value) for name, value in headers if name.lower() != "date"]
            with self.lock:
                if (key not in self.answers and self.size + len(body) <= self.limit
                        and len(self.answers) < MAX_ANSWERS):
                    self.answers[key] = (status, kept, len(kept) < len(headers), body)
                    self.size += len(body)
        start_response(status, headers, got["exc_info"])
        return [body]

    @staticmethod
    def replayable(key, status: str, names: dict[str, str]) -> bool:
        """Whether Flask's answer to the request ``key`` names may be given again as it is: a
        fingerprinted file's ``200`` (cacheable for a year); or, for a file of an installed package
        without a fingerprint (dcc's ``async-dropdown.js`` and its like: Dash asks for them by bare
        name, on every visit, so browsers revalidate them), its ``200`` with an ETag and the ``304``
        to an ``If-None-Match`` (kept per the value asked for). A package's files do not change
        while the process runs. Never an answer that sets a cookie or is private."""
        if "set-cookie" in names:
            return False
        cache_control = names.get("cache-control", "")
        if key[3] is None and status.startswith("200") and long_lived(cache_control):
            return True
        if not key[0].startswith(PACKAGE_FILES) or "etag" not in names or "private" in cache_control \
                or "no-store" in cache_control:
            return False
        return status.startswith("304") if key[3] is not None else status.startswith("200")


def long_lived(cache_control: str) -> bool:
    """Whether an answer was sent to be kept, unchanged, for a month or more: only a fingerprinted
    address (one that names its file's version) is sent so."""
    from werkzeug.datastructures import ResponseCacheControl
    from werkzeug.http import parse_cache_control_header

    cc = parse_cache_control_header(cache_control, cls=ResponseCacheControl)
    return bool(cc.max_age and cc.max_age >= 30 * 86400 and not (cc.no_cache or cc.no_store or cc.private))


def install_replay(server: Flask, limit: int = REPLAY_BYTES) -> Replay:
    """Put ``Replay`` in front of ``server``'s WSGI app (outermost); returns it."""
    replay = Replay(server.wsgi_app, limit)
    server.wsgi_app = replay
    server.extensions["psad_static_replay"] = replay
    return replay


__all__ = ["install", "install_replay", "prime", "Replay", "Store", "choose_encoding", "compress"]
