"""The app's style sheets as one file (issue 12: fewer requests per first view).

Dash links every ``.css`` file in ``assets/`` with a tag of its own: ten requests, on ten new
connections of a first visit, before the page's first view (which the HTML carries,
``app.first_view``) can be shown. Here the page links one style sheet instead,
``/assets/psad-styles.css?m=<digest>``: those files joined in the order Dash links them (so the
cascade is the same), each after a comment naming it, without its ``@charset`` (the answer says
``text/css; charset=utf-8``). The files stay in ``assets/`` as they are, and the joined text is
made in memory, on first use, from the files Dash would link (``Dash._generate_css_dist_html``):
nothing is generated into the tree. The digest names the content, so the address is cached for a
year like every fingerprinted asset (``app.serving``), compressed once per process and replayed
(``app.static_compression``). A style sheet of another origin (``external_stylesheets``) keeps its
own tag.
"""

from __future__ import annotations

import hashlib
import re
import threading
from html import escape, unescape
from pathlib import Path

from flask import Response, request

NAME = "psad-styles.css"
_CHARSET = re.compile(rb'^(?:\xef\xbb\xbf)?@charset "[^"]*";')  # (a byte-order mark too)
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">\n?')


class Joined:
    """The joined style sheet of one Dash app: its files, text and digest, made again when a file
    changes (its modification time, as Dash's own ``?m=`` fingerprints follow it)."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.key: tuple = ()
        self.body = b""
        self.digest = ""

    def files(self) -> list[Path]:
        """The local style sheets Dash links, in its order."""
        prefix = self.app.get_asset_url("")
        folder = Path(self.app.config.assets_folder)
        out = []
        for href in _LINK.findall(self.app._generate_css_dist_html()):
            path = unescape(href).split("?", 1)[0]
            if path.startswith(prefix):
                out.append(folder / path[len(prefix):])
        return out

    def current(self) -> tuple[bytes, str]:
        files = self.files()
        key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
        with self.lock:
            if key != self.key:
                parts = []
                for f in files:
                    # a file's @charset would be void past the start of the joined text: the answer's
                    # Content-Type names UTF-8 instead
                    text = _CHARSET.sub(b"", f.read_bytes(), count=1)
                    parts.append(b"/* " + f.name.encode() + b" */\n" + text.rstrip() + b"\n")
                self.body = b"".join(parts)
                self.digest = hashlib.sha256(self.body).hexdigest()[:16]
                self.key = key
            return self.body, self.digest

    def url(self) -> str:
        return f"{self.app.get_asset_url(NAME)}?m={self.current()[1]}"

    def link_tags(self, css: str) -> str:
        """``css`` (Dash's ``<link>`` tags) with the local style sheets' tags replaced by one tag of
        the joined sheet, where the first of them stood; other origins' tags kept."""
        prefix = self.app.get_asset_url("")
        seen = False

        def one(m: re.Match) -> str:
            nonlocal seen
            if not unescape(m.group(1)).startswith(prefix):
                return m.group(0)
            if seen:
                return ""
            seen = True
            return f'<link rel="stylesheet" href="{escape(self.url())}">\n'

        return _LINK.sub(one, css)


def install(app) -> Joined:
    """Serve the joined style sheet and link it from every page instead of the separate files."""
    joined = Joined(app)
    route = (app.config.routes_pathname_prefix.rstrip("/") + "/" + app.config.assets_url_path.strip("/")
             + "/" + NAME)

    def serve():
        body, digest = joined.current()
        response = Response(body, content_type="text/css; charset=utf-8")
        response.set_etag(digest)
        # app.serving gives an address with ?m= its year of caching; app.static_compression
        # compresses it once and answers If-None-Match
        return response.make_conditional(request)

    app.server.add_url_rule(route, endpoint="psad_styles", view_func=serve)
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        kwargs["css"] = joined.link_tags(kwargs.get("css", ""))
        return original(**kwargs)

    app.interpolate_index = interpolate_index
    app.server.extensions["psad_styles"] = joined
    return joined
