"""HTTP caching of the app's own static files.

Dash links every file in ``assets/`` with its modification time (``/assets/app.css?m=1796…``), so a
URL with ``m`` names one version of the file forever: such a response may be cached for a year. A
URL without it (someone typing the path) is revalidated every time (ETag / Last-Modified, which
Flask's static files carry). Dash itself already caches its fingerprinted JavaScript bundles for a
year; compression (``compress=True`` on the Dash app, flask-compress) covers every text response.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

log = logging.getLogger(__name__)

YEAR = 365 * 24 * 3600


def _for_a_year(response) -> None:
    """The answer names one version of its file for ever: any cache may keep it a year."""
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True


def cache_fingerprinted_assets(server: Flask, assets_url_path: str = "/assets/") -> None:
    @server.after_request
    def _asset_cache(response):
        if request.path.startswith(assets_url_path) and response.status_code == 200:
            if request.args.get("m"):
                _for_a_year(response)
                response.cache_control.no_cache = None
            else:
                response.cache_control.no_cache = True
        elif request.path == "/_favicon.ico" and request.args.get("v") and response.status_code == 200:
            # Dash links its icon with its own version (?v=4.4.1): the same bytes until Dash changes
            _for_a_year(response)
        elif (request.path.startswith("/_dash-component-suites/") and response.status_code == 200
              and response.cache_control.max_age == YEAR):
            # Dash sends a fingerprinted bundle "max-age" only: public and immutable too, so a shared
            # cache may keep it and a browser's reload does not revalidate it
            _for_a_year(response)
        elif (request.path.endswith(("/_dash-layout", "/_dash-dependencies")) and request.method == "GET"
              and response.status_code == 200):
            # the same layout (a view of one data version, in one language) or the same callback
            # graph is a 304 to a browser that holds it: an ETag of the body, revalidated every time
            response.add_etag(weak=True)
            response.cache_control.no_cache = True
            response.cache_control.private = True  # the layout is made for the page that asked (Referer)
            return response.make_conditional(request)
        return response


# --- a reverse proxy's short cache of the first view (issue 12: a crowd on one link) --------------

PROXY_TTL = "X-Accel-Expires"  # nginx's own: it sets the cache time and is never passed to a browser


def allow_proxy_cache(server: Flask, seconds: int, pages) -> None:
    """Let the reverse proxy keep, for ``seconds``, the answers every viewer of a link asks for
    alike: the page's HTML (its first view drawn in), the layout (per page address: ``Vary:
    Referer``), the callback graph and Dash's unfingerprinted script chunks (dcc's dropdown, date
    picker and chart code, the same bytes while the process runs). 200 viewers arriving on one
    shared link then cost the app one of each per variant instead of 200; a browser still
    revalidates (``no-cache`` for it is unchanged) and nginx answers that from its copy too.

    Only ``GET`` answers that are a 200 and set no cookie; never a page whose ``proxy_cache`` is
    off (the case lookup: its address holds what a reader typed), nor its layout, nor a layout
    the app itself does not keep (``app.factory.serve_layout``: drawn while the database was
    unreachable, or with nothing loaded), which the next request must build again. ``Vary`` names
    every request header the answer depends on (the language comes from ``lang=`` or
    ``Accept-Language``; the encoding from ``Accept-Encoding``, added by the compressor), so the
    proxy keeps one copy per variant. Callbacks (POST), the API (its own ``max-age``), errors and
    the fingerprinted files (a year already) are left as they are."""
    if seconds <= 0:
        return
    shared = frozenset(p.path for p in pages if p.proxy_cache)

    @server.after_request
    def _proxy_cache(response):
        if request.method != "GET" or response.status_code != 200 or "Set-Cookie" in response.headers:
            return response
        path = request.path
        if path.endswith("/_dash-layout"):
            from app.factory import referer_view  # the page the layout is for, as the layout read it

            where = referer_view()
            if (where[0] if where else "/") not in shared:
                return response
            if g.get("psad_layout_cacheable") is False:  # built during an outage, or with no data loaded
                return response
            vary = ("Referer", "Accept-Language")
        elif path.endswith("/_dash-dependencies"):
            vary = ()
        elif path.startswith("/_dash-component-suites/") and response.cache_control.max_age is None:
            vary = ()  # an unfingerprinted chunk; the fingerprinted bundles are cached a year already
        elif path in shared and response.mimetype == "text/html":
            vary = ("Accept-Language",)
        else:
            return response
        response.headers[PROXY_TTL] = str(seconds)
        for name in vary:
            response.vary.add(name)
        return response


# --- security headers, unknown paths, page loads during an outage (issue 13, items 10 and 11) -----

def content_security_policy(script_hashes: list[str], tile_url: str = "") -> str:
    """The policy the app runs under: scripts only from this origin plus Dash's own inline scripts
    (by hash), no plugins, no framing, no other origin reached; inline styles are allowed (Plotly
    and Leaflet set positions and colours with them); images may also be the tile server's."""
    from urllib.parse import urlsplit

    tiles = ""
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.netloc:
            host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
            tiles = f" {parts.scheme}://{host}"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tiles}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin: the layout request still learns its page's lang= from the Referer (app/i18n.py)
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# The Server header is written by the server, not the app: `psad serve` (werkzeug) and gunicorn
# (gunicorn.conf.py) both say "psad", with no software or Python version to look exploits up by.

# The longest query string read. A link with every value of every filter chosen is about 10 KiB
# (272 neighborhoods of the demo data make 8 KiB); past this the request is answered at once with
# 414 and a sentence, before Flask, the language negotiation or the filter parser reads the pairs
# (a 10 MB list of 400,000 neighborhoods took a worker 24 s just to split). Each list parameter is
# then limited to the number of values that exist (the API: ``app.api.params.check_filters``).
MAX_QUERY_BYTES = 32 * 1024
TOO_LONG = "psad.query_too_long"


def limit_query_string(wsgi_app, limit: int = MAX_QUERY_BYTES):
    """WSGI middleware: a query string over ``limit`` bytes is replaced by its ``lang`` alone (so the
    refusal is in the reader's language) and the request marked; ``_gate`` answers it with 414."""
    import re

    lang = re.compile(r"(?:^|&)(lang=[A-Za-z-]{1,8})(?:&|$)")

    def middleware(environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if len(query) > limit:
            environ[TOO_LONG] = len(query)
            found = lang.search(query, 0, 4096) or lang.search(query, max(0, len(query) - 4096))
            environ["QUERY_STRING"] = found.group(1) if found else ""
        return wsgi_app(environ, start_response)

    return middleware


# Paths the app answers besides the pages: Dash's own routes, the assets, the API.
APP_PREFIXES = ("/_dash-", "/_reload-hash", "/_favicon.ico", "/assets/", "/api/")
SUITE_TYPES = (".js", ".css", ".map", ".json", ".woff", ".woff2", ".ttf", ".svg", ".png")


def install_security(app, settings) -> None:
    """Security headers on every response; an unknown path is a 404 page, not the app; a page
    load while the database is down is a 503 page with the plain message; Dash's config carries no
    version strings."""
    from flask import request

    from app import i18n
    from app.pages import PAGES

    server = app.server
    server.wsgi_app = limit_query_string(server.wsgi_app)
    page_paths = {p.path for p in PAGES}
    policy: dict[str, str] = {}

    original_config = app._config

    def _config():  # the Python build and library versions are nobody's business
        config = original_config()
        for key in ("python_version", "dash_version", "plotly_version", "ddk_version", "dash_version_url"):
            config.pop(key, None)
        return config

    app._config = _config

    @server.before_request
    def _gate():
        if request.method == "POST" and request.path.endswith("_dash-update-component"):
            problem = malformed_callback(request.get_json(silent=True), app.callback_map)
            if problem:
                log.info("refused a malformed callback request: %s", problem)
                return jsonify({"error": i18n.gettext("The request was malformed.")}), 400
            return None
        path = request.path
        api = path == "/api" or path.startswith("/api/")
        if TOO_LONG in request.environ:
            message = i18n.gettext("This address is too long: its query string has {n} characters, more than "
                                   "the {limit} any view of the dashboard needs.").format(
                n=request.environ[TOO_LONG], limit=MAX_QUERY_BYTES)
            if api:
                from app.api.params import error_response

                return error_response(414, message)
            return error_page(414, message)
        if request.method not in ("GET", "HEAD"):
            return None
        if api and (request.content_length or 0) > (server.config.get("MAX_CONTENT_LENGTH") or float("inf")):
            raise RequestEntityTooLarge()  # an API request needs no body; the API's handler answers
        # a NUL arrives percent-encoded: look for one only when the raw query string can hold one
        raw_query = request.query_string
        if api and (b"%00" in raw_query or b"\x00" in raw_query) and any(
                "\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            from app.api.params import error_response

            key, value = next((k, v) for k, v in request.args.items(multi=True) if "\x00" in k or "\x00" in v)
            return error_response(400, i18n.gettext("A parameter holds a NUL character, which no value has."),
                                  key.replace("\x00", ""), value)
        if api:
            return None  # the API answers its own paths, unknown ones included (JSON 404)
        if path in page_paths:
            return page_unavailable_response()
        if path.startswith("/_dash-component-suites/") and not path.endswith(SUITE_TYPES):
            return error_page(404)
        if path.startswith(APP_PREFIXES):
            return None
        return error_page(404)

    @server.after_request
    def _headers(response):
        if "csp" not in policy:  # computed once, after every inline clientside callback is registered
            policy["csp"] = content_security_policy(app.csp_hashes(), settings.tile_url)
        response.headers["Content-Security-Policy"] = policy["csp"]
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    def page_unavailable_response():
        from app.context import load_choices, services
        from data_access.db import DataError

        try:
            load_choices(services().db)
        except DataError as exc:
            return error_page(503, i18n.error_text(exc))
        return None


def malformed_callback(body, callback_map: dict | None = None) -> str | None:
    """What is wrong with a Dash callback request's JSON body (None if its shape is right): an
    object with ``output`` (text), ``inputs`` and optional ``state`` (lists of objects with an
    ``id`` and a ``property``). A payload of another shape would fail inside Dash with a traceback.
    With ``callback_map`` (the app's callbacks) the body must also fit its callback: a known
    output, ``outputs`` of the declared count, and one input (and state) entry per declared one,
    a list for an ``ALL`` pattern and an object otherwise."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("output"), str):
        return "no output"
    for part in ("inputs", "state"):
        items = body.get(part, [] if part == "state" else None)
        if not isinstance(items, list):
            return f"{part} is not a list"
        for item in items:
            entries = item if isinstance(item, list) else [item]  # a pattern-matching input is a list
            for entry in entries:
                if not isinstance(entry, dict) or "id" not in entry or not isinstance(entry.get("property"), str):
                    return f"an entry of {part} has no id or property"
                if not isinstance(entry["id"], (str, dict)):
                    return f"an id in {part} is neither text nor an object"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of text"
    if callback_map is None:
        return None
    callback = callback_map.get(body["output"])
    if callback is None:
        return "no callback has this output"
    multi = body["output"].startswith("..")
    outputs = body.get("outputs")
    expected = body["output"][2:-2].count("...") + 1 if multi else 1
    if outputs is not None or not callback.get("no_output"):
        listed = outputs if multi else [outputs]
        if not isinstance(listed, list) or len(listed) != expected or not all(
                isinstance(o, dict) and isinstance(o.get("id"), (str, dict)) and isinstance(o.get("property"), str)
                for o in listed):
            return "outputs do not match the callback"
    for part in ("inputs", "state"):
        declared, given = callback.get(part, []), body.get(part, [])
        if len(given) != len(declared):
            return f"{part} do not match the callback"
        for spec, item in zip(declared, given):
            pattern = isinstance(spec["id"], str) and spec["id"].startswith("{") and '["ALL"]' in spec["id"] \
                or '["ALLSMALLER"]' in str(spec["id"])
            if isinstance(item, list) != pattern:
                return f"{part} do not match the callback"
    return None


def error_page(status: int, message: str | None = None):
    """A small page of its own (no app, no script) for a path that is not there (404) or a
    database that is not answering (503), in the request's language."""
    from html import escape

    from flask import Response, request

    from app import i18n
    from app.i18n import _

    lang = i18n.babel_locale()
    home = "/" + (f"?lang={lang}" if i18n.lang_in_query(request.query_string.decode("latin-1")) else "")
    if status == 404:
        title = _("Page not found")
        body = _("There is no page at this address. The dashboard starts at its home page.")
    elif status == 414:
        title = _("This address is too long")
        body = (message or "") + " " + _("Choose the filters again from the dashboard's home page.")
    else:
        title = _("The dashboard is temporarily unavailable.")
        body = (message or "") + " " + _("Reload this page in a minute. Your link and filters will still work.")
    html = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {escape(_("Baltimore Public Safety Accountability Dashboard"))}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2733}}
h1{{font-size:1.4rem;color:#1f4e79}}a{{color:#0a58ca;font-weight:600}}</style></head>
<body><main><h1>{escape(title)}</h1><p>{escape(body.strip())}</p>
<p><a href="{escape(home)}">{escape(_("Go to the dashboard"))}</a></p></main></body></html>"""
    response = Response(html, status=status, mimetype="text/html")
    if status == 503:
        response.headers["Retry-After"] = "60"
        response.cache_control.no_store = True
    return response
