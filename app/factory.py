"""``create_app(config)``: build one Dash app with its database, cache, callbacks and API."""

from __future__ import annotations

import logging
from typing import Any

import dash
from flask import jsonify, request

from app.context import EXTENSION, Services, load_choices, services
from app.settings import PROJECT_ROOT, Settings
from data_access.cache import cache, cache_config
from data_access.db import Database, DataError
from data_access.embedded import resolve_database_url

log = logging.getLogger(__name__)


def create_app(config: Settings | dict[str, Any] | None = None, *, cache_type: str | None = None) -> dash.Dash:
    """A new app. ``config`` is a Settings or overrides of the environment's settings;
    ``cache_type="null"`` disables caching (tests of the query path)."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env(**(config or {}))
    url = resolve_database_url(settings.database_url, settings.data_dir)
    db = Database(url, settings.statement_timeout_ms, settings.row_cap)

    app = dash.Dash(
        __name__,
        title="Baltimore Public Safety Accountability Dashboard",
        assets_folder=str(PROJECT_ROOT / "assets"),
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "description", "content": "Crime, arrests, case outcomes and violence "
                    "intervention in Baltimore, filtered by neighborhood, district and time."}],
    )
    server = app.server
    server.json.ensure_ascii = False  # API messages keep their typographic quotes readable
    server.extensions[EXTENSION] = Services(db=db, settings=settings)
    cache.init_app(server, config=cache_config(settings.redis_url, settings.cache_timeout, cache_type))
    app.layout = serve_layout

    from app import api
    from callbacks import about, filters, shell, summary
    from callbacks import arrests as arrests_cb, cases as cases_cb, demographics as demographics_cb
    from callbacks import cvi as cvi_callbacks, map as map_callbacks

    for module in (shell, filters, summary, about, map_callbacks, demographics_cb, arrests_cb, cases_cb,
                   cvi_callbacks):
        module.register(app)
    api.register(server)

    @server.errorhandler(Exception)
    def _unexpected(exc):  # no stack trace reaches a user
        if isinstance(exc, DataError):
            status, message = 503, exc.user_message
        elif hasattr(exc, "code") and isinstance(exc.code, int):
            return exc
        else:
            log.exception("unhandled error on %s", request.path)
            status, message = 500, "Something went wrong on our side. It has been logged."
        return jsonify({"error": message}), status

    return app


def serve_layout():
    """The layout, built per page load from the (cached) filter options and data state."""
    from layouts import shell
    from layouts.about import about_page
    from layouts.summary import summary_page

    from data_access.cases import charge_options
    from layouts.arrests import arrests_page
    from layouts.cases import lookup_page, outcomes_page
    from layouts.demographics import demographics_page

    svc = services()
    try:
        choices, options, state = load_choices(svc.db)
        charges = charge_options(svc.db) if state["version"] else []
    except DataError as exc:
        return shell.unavailable(exc.user_message)
    pages = {"summary": summary_page(svc.settings.goal_annual_reduction),
             "demographics": demographics_page(), "arrests": arrests_page(),
             "outcomes": outcomes_page(), "lookup": lookup_page(charges),
             "about": about_page()}
    pages.update(_map_pages(svc.settings))
    return shell.shell(options, choices, bool(state["is_demo"]), pages)


def _map_pages(settings: Settings) -> dict:
    """The Map and CVI ecosystem pages (issue 4)."""
    from data_access.map_queries import MAP_LAYERS
    from layouts.cvi import cvi_page
    from layouts.map import map_page

    tiles = {"tile_url": settings.tile_url, "tile_attribution": settings.tile_attribution}
    return {"map": map_page(MAP_LAYERS, **tiles), "cvi": cvi_page(**tiles)}


__all__ = ["create_app"]
