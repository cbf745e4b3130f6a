"""The JSON (and CSV) API under ``/api/v1``: the page URL's filter parameters, answered as data.

One blueprint serves every endpoint; ``register(server)`` adds it to a Flask server. Each domain
module declares its endpoints as ``params.Endpoint`` values (path, parameters, what it returns)
and serves them through ``params.endpoint``, so validation and the README's API table
(``app.reference``) read the same declarations. A bad parameter is an HTTP 400 naming the
parameter and the reason; a database problem is a 503 with a plain message. Nothing here knows
SQL.

Adding an endpoint: declare an ``Endpoint`` in the module of its domain (or a new module added to
``DOMAINS`` below), decorate its view with ``@endpoint(SPEC)``, then run ``psad docs``.
"""

from __future__ import annotations

from flask import Flask, jsonify

from app.api import arrests, cases, counts, demographics
from app.api.params import PREFIX, Endpoint, Param, blueprint
from app.i18n import _

# Each module declares and serves its endpoints when imported; the README lists them in this order.
DOMAINS = (counts, demographics, arrests, cases)


@blueprint.route("/<path:rest>")
def not_found(rest: str):
    # Without this, Dash's catch-all page route would answer unknown API paths with the app's HTML.
    return jsonify({"error": _("There is no API endpoint {path}. Try {example}.").format(
        path=f"{PREFIX}/{rest}", example=f"{PREFIX}/counts")}), 404


def register(server: Flask) -> None:
    """Serve the API on ``server`` (once per app)."""
    server.register_blueprint(blueprint)


def endpoints() -> tuple[Endpoint, ...]:
    """Every declared endpoint, domain by domain, each module's in the order it declares them."""
    return tuple(v for m in DOMAINS for v in vars(m).values() if isinstance(v, Endpoint))


__all__ = ["Endpoint", "Param", "blueprint", "endpoints", "register"]
