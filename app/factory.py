"""``create_app(config)``: build one Dash app with its database, cache, callbacks and API."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import dash
from dash import html
from dash.development.base_component import Component
from flask import jsonify, request

from app import bundles, i18n, warming
from app.context import EXTENSION, Services, load_choices, services
from app.pages import NAV_PAGES, PAGES, LayoutInputs
from app.serving import cache_fingerprinted_assets, install_security
from app.settings import PROJECT_ROOT, Settings
from app.urlstate import Choices
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
    bundles.install(app)
    server = app.server
    server.json.ensure_ascii = False  # API messages keep their typographic quotes readable
    cache_fingerprinted_assets(server)
    install_security(app, settings)
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

    from callbacks import filters
    from callbacks import shell as shell_callbacks

    shell_callbacks.register(app)
    filters.register(app)
    for page in PAGES:
        page.register(app)

    from app import api

    api.register(server)
    warming.install(app)  # a hook only: it warms in a thread when a request first sees a new data version

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
    dependencies), then drop any database engine so no connection is shared across a fork."""
    client = server.test_client()
    client.get("/")
    client.get("/_dash-dependencies")
    server.extensions[EXTENSION].db.dispose()


def serve_layout():
    """The shell, built per page load from the (cached) filter options and data state. The shown
    page is filled in by ``callbacks.shell``."""
    svc = services()
    try:
        choices, options, state = load_choices(svc.db)
    except DataError as exc:
        return shell.unavailable(i18n.error_text(exc))
    return shell.shell(options, choices, bool(state["is_demo"]), NAV_PAGES)


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
