"""``create_app(config)``: build one Dash app with its database, cache, callbacks and API."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode, urlsplit

import dash
from dash import html
from dash.development.base_component import Component
from flask import Response, current_app, g, jsonify, request

from app import bundles, first_view, i18n, ids, joined, response_cache, static_compression, warming
from app.context import EXTENSION, Services, load_choices, services
from app.pages import NAV_PAGES, PAGE_BY_NAME, PAGE_PARAMS, PAGES, LayoutInputs
from app.serving import allow_proxy_cache, cache_fingerprinted_assets, install_security
from app.settings import PROJECT_ROOT, Settings
from app.urlstate import Choices, parse, range_in, to_query
from callbacks.common import set_value
from data_access.cache import cache, cache_config
from data_access.db import Database, DataError
from data_access.embedded import resolve_database_url
from layouts import shell

log = logging.getLogger(__name__)


def create_app(config: Settings | dict[str, Any] | None = None, *, cache_type: str | None = None) -> dash.Dash:
    """A new app. ``config`` is a Settings or overrides of the environment's settings;
    ``cache_type="null"`` disables caching (tests of the query path).

    Nothing here connects or starts anything: the database URL must already be resolved (``psad
    serve`` and ``wsgi.py`` start the embedded server first, ``resolved_settings``)."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env(**(config or {}))
    if not settings.database_url:
        raise ValueError("create_app needs a database URL: set DATABASE_URL, or start the embedded "
                         "server first with app.factory.resolved_settings()")
    db = Database.from_settings(settings)

    app = dash.Dash(
        __name__,
        title=shell.TITLE,  # the tab's title, translated per request by i18n.install
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        # loaded by app/i18n.py on Spanish pages only (the date picker takes the first locale it finds)
        assets_ignore=r"^date-fns-locale-.*\.js$",
        hooks={"request_pre": i18n.REQUEST_PRE_HOOK},  # each callback request names its page's language
        compress=True,  # gzip/brotli for every text response (flask-compress), `psad serve` and gunicorn alike
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "description", "content": i18n.DESCRIPTIONS[0]}],
    )
    # WCAG 3.1.1: the page's language, so a screen reader speaks it in the right voice; i18n.install
    # writes the request's language (lang=, Accept-Language) in its place
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    i18n.install(app)
    joined.install(app)  # one style sheet and one script of our own, not one request per file in assets/
    bundles.install(app)
    first_view.install(app)  # the page's HTML carries its first view, drawn before any script runs
    server = app.server
    server.json.ensure_ascii = False  # API messages keep their typographic quotes readable
    cache_fingerprinted_assets(server)
    allow_proxy_cache(server, settings.proxy_cache_s, PAGES)  # a crowd on one link reaches the app once per variant
    static_compression.install(server)  # bundles and assets compressed once per process, not per viewer
    install_security(app, settings)
    static_compression.install_replay(server)  # outermost: a fingerprinted file answered without Flask
    server.extensions[EXTENSION] = Services(db=db, settings=settings)
    cache.init_app(server, config=cache_config(settings.redis_url, settings.cache_timeout, cache_type,
                                               settings.cache_retry_s))
    # a body larger than this is refused with 413 before it is read (issue 13: a 58 MB body was read)
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_kb * 1024
    # Every page's layout, built without data: Dash checks each callback's ids against it, so a
    # callback writing an id no page holds is an error, not silence. Set before ``layout`` (a layout
    # function would otherwise be called here, at creation, to stand in for it).
    app.validation_layout = validation_layout(settings)
    app.layout = serve_layout
    server.config[CODE_STAMP] = response_cache.code_stamp(PROJECT_ROOT)
    install_layout_cache(app)
    response_cache.install(app, server.config[CODE_STAMP])  # a repeated change is answered from the cache

    from callbacks import filters
    from callbacks import shell as shell_callbacks

    shell_callbacks.register(app)
    filters.register(app)
    for page in PAGES:
        page.register(app)

    from app import api

    api.register(server)
    warming.install(app)  # a hook only: it warms in a thread when a request first sees a new data version
    if settings.warm_views and not _null_cache(server):
        warming.register(server, "views", lambda: warm_views(server))

    @server.errorhandler(Exception)
    def _unexpected(exc):  # no stack trace reaches a user
        if isinstance(exc, DataError):
            status, message = 503, i18n.error_text(exc)
        elif hasattr(exc, "code") and isinstance(exc.code, int):
            return exc
        else:
            log.exception("unhandled error on %s", request.path)
            status, message = 500, i18n.gettext("Something went wrong on our side. It has been logged.")
        return jsonify({"error": message}), status

    return app


def resolved_settings(settings: Settings | None = None) -> Settings:
    """``settings`` (from the environment by default) with the database URL resolved: the
    embedded PostgreSQL is started (or reused) when ``DATABASE_URL`` is empty."""
    settings = settings or Settings.from_env()
    return replace(settings, database_url=resolve_database_url(settings.database_url, settings.data_dir))


def warm(server) -> None:
    """Make Dash register its bundles before real traffic (a request for the page and for its
    dependencies), compress the page's scripts and style sheets, then drop any database engine so
    no connection is shared across a fork; last, ``settle_heap``."""
    client = server.test_client()
    client.get("/")
    client.get("/_dash-dependencies")
    static_compression.prime(server)  # compressed once here, shared by every forked worker
    server.extensions[EXTENSION].db.dispose()
    settle_heap()


def settle_heap() -> None:
    """Move every object alive now (the modules, the app, what warming made: some 200,000) out of
    the garbage collector's sight (``gc.freeze``). They live as long as the process, yet each of
    the collector's full passes walked them all: one pass took about 100 ms, with the GIL held, in
    the middle of whichever request set it off (a cold Guns and warrants update met one in about
    34; ``bench/bench_guns_warrants.py`` shows it in the p95). Called in gunicorn's master before it
    forks the workers, it also keeps the collector from writing to the pages the workers share."""
    gc.collect()
    gc.freeze()


# --- the first view ----------------------------------------------------------------------------

# Stand-ins for the address in a layout, so one cached layout serves every spelling of a view (the
# same filters, page parameters and notices); the layout view writes the request's own in their place.
CODE_STAMP = "PSAD_CODE_STAMP"
SEARCH_TOKEN = "__psad_search_7c1e__"
HREF_TOKEN = "__psad_href_7c1e__"
MAX_SEARCH = 4096  # a longer Referer query is no view of ours: the browser's own address takes over


def view_address() -> str:
    """The address of the page the layout is for: the ``Referer`` of a layout request, or the page's
    own address while its HTML draws the first view (``app.first_view``)."""
    return g.get("psad_first_view") or request.headers.get("Referer", "")


def referer_view() -> tuple[str, str] | None:
    """(path, query string) of the page that asked for the layout, from its ``Referer`` (the
    layout request has no query string of its own; ``Referrer-Policy: same-origin`` sends it)."""
    raw = view_address()
    if not raw:
        return None
    parts = urlsplit(raw)
    if len(parts.query) > MAX_SEARCH:
        return None
    return (parts.path or "/"), ("?" + parts.query if parts.query else "")


def serve_layout():
    """The shell, the filters and the page shown, all filled for the address in the request's
    ``Referer``: the first view needs no callback (issue 12). Without one, the shell only: the
    browser's address then arrives through ``dcc.Location`` and the callbacks fill the page."""
    from callbacks.filters import shell_values
    from callbacks.shell import page_content

    svc = services()
    g.psad_layout_cacheable = False
    try:
        choices, options, state = load_choices(svc.db)
    except DataError as exc:
        return shell.unavailable(i18n.error_text(exc))
    where = referer_view()
    if where is None:
        g.psad_layout_cacheable = bool(state["version"])
        return shell.shell(options, choices, bool(state["is_demo"]), NAV_PAGES)
    path, search = where
    shown = page_content(path, search, current_app._get_current_object())
    tree = shell.shell(options, choices, bool(state["is_demo"]), NAV_PAGES, content=shown["content"])
    values = shell_values(search, choices, options)
    values.update({(ids.URL, "pathname"): path, (ids.URL, "search"): SEARCH_TOKEN, (ids.URL, "href"): HREF_TOKEN,
                   (ids.URL, "hash"): "", (ids.VIEW, "data"): {"path": path, "search": SEARCH_TOKEN},
                   (ids.PATH_NOTICE, "children"): shown["notice"]})
    values.update({(ids.nav_id(p.name), "active"): on for p, on in zip(NAV_PAGES, shown["active"])})
    for (cid, prop), value in values.items():
        set_value(tree, cid, prop, value)
    g.psad_layout_cacheable = bool(state["version"])
    return tree


def layout_key() -> str | None:
    """The layout cache's key for this request: data version, language, day, path, and the view
    the query string describes (canonical filters, page parameters, notices); None: not cached."""
    svc = services()
    try:
        choices, _options, state = load_choices(svc.db)
    except DataError:
        return None
    if not state["version"]:
        return None
    where = referer_view()
    parts: tuple = ("shell",)
    if where is not None:
        path, search = where
        f, notices = parse(search, choices, extra=PAGE_PARAMS)
        from callbacks.filters import page_params

        parts = (path, to_query(f, range_in(search)), page_params(search, PAGE_PARAMS), tuple(str(n) for n in notices))
    raw = repr((current_app.config.get(CODE_STAMP), state["version"], i18n.get_lang(), choices.today.isoformat(), parts))
    return "layout:" + hashlib.sha256(raw.encode()).hexdigest()


def install_layout_cache(app) -> None:
    """``/_dash-layout`` from the shared cache, per data version, language and view: a repeated
    first view does no Python layout work."""
    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-layout"
    original = server.view_functions[endpoint]

    def layout_view():
        key = layout_key()
        body = cache.get(key) if key else None
        kept = body
        if body is None:
            response = original()
            if response.status_code != 200:
                return response
            body = response.get_data(as_text=True)
            if key and g.get("psad_layout_cacheable"):
                cache.set(key, body)
                kept = None if _null_cache(server) else body
        if g.get("psad_first_view"):  # the page's HTML draws it next (app.first_view), not reading it back
            setattr(g, first_view.LAYOUT_KEPT, kept)
        where = referer_view()
        search = where[1] if where else ""
        href = view_address().split("#")[0]
        body = (response_cache.fill_nonces(body, "0").replace(SEARCH_TOKEN, json.dumps(search, ensure_ascii=False)[1:-1])
                .replace(HREF_TOKEN, json.dumps(href, ensure_ascii=False)[1:-1]))
        return Response(body, mimetype="application/json")

    server.view_functions[endpoint] = layout_view


def _null_cache(server) -> bool:
    from flask_caching.backends import NullCache

    return isinstance(server.extensions["cache"][cache], NullCache)


def warm_views(server) -> int:
    """Render (into the layout and query caches) the default view of the Summary and the Map, for
    the whole city and for every police district and every Council district, in each language.
    Returns the number of views warmed."""
    svc = server.extensions[EXTENSION]
    _choices, options, state = load_choices(svc.db)
    if not state["version"]:
        return 0
    queries = [""] + [f"?{urlencode({field: code})}" for field in ("police_district", "council_district")
                      for code, _name in options.get(field, [])]
    client = server.test_client()
    done = 0
    for lang in i18n.LANGUAGES:
        for page in (PAGE_BY_NAME["summary"], PAGE_BY_NAME["map"]):
            for query in queries:
                r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{page.path}{query}",
                                                         "Accept-Language": lang})
                done += r.status_code == 200
    return done


def validation_layout(settings: Settings) -> html.Div:
    """Every component with an id in the shell and in every page's layout (built without data),
    bare: the browser checks each callback's ids and properties against their types, and this goes
    into every page's HTML, so it carries no children or other properties."""
    inputs = LayoutInputs(settings=settings)
    full = html.Div([shell.shell({}, Choices(), False, NAV_PAGES),
                     *[shell.page_frame(p.name, p.layout(inputs)) for p in PAGES]])
    bare = [{"type": c._type, "namespace": c._namespace, "props": {"id": c.id}}
            for c in full._traverse() if isinstance(c, Component) and getattr(c, "id", None)]
    return html.Div(bare)


__all__ = ["create_app", "resolved_settings", "warm"]
