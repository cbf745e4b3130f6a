"""Callback answers from the shared cache (issue 12: warm callbacks under 5 ms of server time).

A callback's answer depends on nothing but its request body (the inputs and state the browser
sent, the page's language among them), the data version and the day (relative dates), and the
code that computed it. So a ``/_dash-update-component`` answer is kept in the shared cache under a
hash of exactly those, and the next viewer who makes the same change (a crowd on one shared link,
or the warmed default views) is answered with the stored bytes: no figure built, no component
serialized. A load changes the data version, a deploy changes the code stamp, so neither ever
serves an old answer.

What is not kept: an answer carrying a data error (``mark_uncacheable``: the database or a query
failed, so the next request should try again), an answer that is not a 200, and any request when
the data version cannot be read.

Each answer says which it was in an ``X-Cache`` header (``HIT``: stored; ``MISS``: computed), as
caching proxies do, so an operator can see the store working.

Per-response values: a few outputs must differ on every answer even for the same request (the
map's ``invalidateSize`` stamp, a relay's serial, which the renderer only acts on when it
changes). Callbacks write ``NONCE`` there; each answer, stored or fresh, gets its own value in its
place. In the first view's layout it becomes a constant, so the layout's bytes (and ETag) stay the
same for every viewer of one view.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import re
from pathlib import Path

from flask import Response, g, has_request_context, request

log = logging.getLogger(__name__)

NONCE = "__psad_nonce_7c1e__"
_NONCE = re.compile(re.escape(NONCE))
_serial = itertools.count(1)
UNCACHEABLE = "psad_uncacheable"
CODE_DIRS = ("app", "callbacks", "layouts", "data_access", "assets")
CODE_SUFFIXES = (".py", ".po", ".mo", ".js", ".css", ".json")


def nonce() -> str:
    """The value of an output that must change on every answer (see the module's docstring)."""
    return NONCE


def fill_nonces(body: str, constant: str | None = None) -> str:
    """``body`` with each ``NONCE`` replaced: by ``constant`` (a layout), or by a value of its own."""
    if NONCE not in body:
        return body
    if constant is not None:
        return body.replace(NONCE, constant)
    return _NONCE.sub(lambda _m: f"n{next(_serial)}", body)


def mark_uncacheable() -> None:
    """This request's answer must not be kept (it carries a data error, say)."""
    if has_request_context():
        setattr(g, UNCACHEABLE, True)


def cacheable() -> bool:
    return not g.get(UNCACHEABLE, False)


@functools.lru_cache(maxsize=4)
def code_stamp(root: Path) -> str:
    """A digest of the code that computes answers and layouts: the Python packages, the catalogs
    and the assets. Part of every stored answer's key, so a deploy never serves the old code's
    answers from a shared Redis. Read once per process, when the first app is made."""
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def answer_key(stamp: str) -> str | None:
    """The shared cache's key for this callback request's answer; None when it is not to be kept."""
    from app import i18n
    from app.context import services
    from app.urlstate import data_today
    from data_access import status
    from data_access.db import DataError

    try:  # the data state alone: a stored answer is found without the filter options
        state = status.state(services().db)
    except DataError:
        return None
    if not state["version"]:
        return None
    today = data_today(state["data_as_of"])  # Choices.today, as the callbacks see it
    raw = b"|".join([stamp.encode(), str(state["version"]).encode(), i18n.get_lang().encode(),
                     today.isoformat().encode(), request.get_data(cache=True)])
    return "answer:" + hashlib.sha256(raw).hexdigest()


def install(app, stamp: str) -> None:
    """Serve ``/_dash-update-component`` from the shared cache where the same request was answered
    for the same data, language, day and code."""
    from data_access.cache import cache

    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    original = server.view_functions[endpoint]

    def update_component():
        key = answer_key(stamp)
        body = cache.get(key) if key else None
        if body is None:
            response = original()
            if response.status_code != 200 or response.direct_passthrough:
                return response
            body = response.get_data(as_text=True)
            if key and cacheable():
                cache.set(key, body)
            how = "MISS"
        else:
            how = "HIT"
        return Response(fill_nonces(body), mimetype="application/json", headers={"X-Cache": how})

    server.view_functions[endpoint] = update_component
