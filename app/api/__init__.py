"""The JSON (and CSV) API under ``/api/v1``: the page URL's filter parameters, answered as data.

One blueprint serves every endpoint; ``register(server)`` adds it to a Flask server. Each domain
module declares its endpoints as ``params.Endpoint`` values (path, parameters, what it returns)
and serves them through ``params.endpoint``, so validation and the README's API table
(``app.reference``) read the same declarations. A bad parameter is an HTTP 400 naming the
parameter and the reason; a database problem is a 503 with a plain message; every error, down to
an unknown path (404), a method other than GET (405), a body too large (413) and a fault of our own
(500), has the one shape of ``params.error_body``. Nothing here knows SQL.

Adding an endpoint: declare an ``Endpoint`` in the module of its domain (or a new module added to
``DOMAINS`` below), decorate its view with ``@endpoint(SPEC)``, then run ``psad docs``.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from app.api import (
    arrests,
    calls,
    cases,
    counts,
    cvi,
    demographics,
    guns_warrants,
    ipv,
    kpi,
    openapi,
    outcomes,
    summary,
    vital_signs,
)
from app.api import map as map_areas
from app.api.params import PREFIX, Endpoint, Param, blueprint, error_response
from app.i18n import _, error_text
from data_access.db import DataError

log = logging.getLogger(__name__)

# Each module declares and serves its endpoints when imported; the README lists them in this order.
DOMAINS = (counts, summary, map_areas, cvi, demographics, arrests, outcomes, cases, vital_signs, kpi, calls,
           guns_warrants, ipv, openapi)


def not_found(rest: str = ""):
    # Without this, Dash's catch-all page route would answer unknown API paths with the app's HTML.
    return error_response(404, _("There is no API endpoint {path}. Try {example}.").format(
        path=request.path[:60], example=f"{PREFIX}/counts"), None, request.path)


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


@blueprint.errorhandler(Exception)
def unexpected(exc: Exception):
    """Whatever an API view raises past its guard, in the one error shape; only a fault of our own
    is logged with its traceback."""
    if isinstance(exc, HTTPException):
        return http_error(exc)
    if isinstance(exc, DataError):
        response = error_response(503, error_text(exc))
        response.headers["Retry-After"] = "60"
        return response
    log.exception("unhandled error on %s", request.path)
    return error_response(500, _("Something went wrong on our side. It has been logged."))


def http_error(exc: HTTPException):
    """An HTTP error on an API path (a method other than GET, a body too large) in the API's shape;
    elsewhere it is left to the app."""
    if not is_api(request.path):
        return exc
    if exc.code == 404:
        return not_found()
    if exc.code == 405:
        response = error_response(405, _("{method} is not allowed here: the API answers GET (and HEAD) "
                                         "requests only.").format(method=request.method[:10]), None,
                                  request.method)
        response.headers["Allow"] = "GET, HEAD"
        return response
    if exc.code == 413:
        return error_response(413, _("The request body is too large. API requests need no body."))
    return error_response(exc.code or 400, _("The request could not be understood."))


def register(server: Flask) -> None:
    """Serve the API on ``server`` (once per app)."""
    server.register_blueprint(blueprint)
    # any other path under /api (/api, /api/v2/…, /api/v1/…/unknown) is a JSON 404, not the app
    for i, rule in enumerate(("/api", "/api/", "/api/<path:rest>", f"{PREFIX}/<path:rest>")):
        server.add_url_rule(rule, f"api_not_found_{i}", not_found)
    # raised before any API view is chosen (routing, body size): the app's handlers, API paths only
    for code in (404, 405, 413):
        server.register_error_handler(code, http_error)


def endpoints() -> tuple[Endpoint, ...]:
    """Every declared endpoint, domain by domain, each module's in the order it declares them."""
    return tuple(v for m in DOMAINS for v in vars(m).values() if isinstance(v, Endpoint))


__all__ = ["Endpoint", "Param", "blueprint", "endpoints", "register"]
