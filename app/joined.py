"""The app's own style sheets, and its own scripts, as one file each (issue 12: fewer requests per
first view).

Dash links every ``.css`` and ``.js`` file in ``assets/`` with a tag of its own: ten style sheets,
on as many new connections of a first visit, before the page's first view (which the HTML carries,
``app.first_view``) can be shown, and eight small scripts among the bundles. Here the page links
one style sheet, ``/assets/psad-styles.css?m=<digest>``, and one script,
``/assets/psad-scripts.js?m=<digest>``, where the first of the files' tags stood:

* The files are joined in the order Dash links them, so the cascade and the order the scripts run
  in are the same, each after a comment naming it.
* A style sheet's ``@charset`` is dropped: it would be void past the start of the joined text, and
  the answer says ``text/css; charset=utf-8``.
* Each script runs inside its own ``try``: an error one throws as it runs is reported (thrown
  again a moment later, so the console shows it) and the next still runs, as with separate tags.
  A syntax error would stop them all (one file is parsed as a whole), so tests/test_joined.py
  checks that each file parses on its own. Inside a block a top-level ``let``, ``const``,
  ``class``, ``async function`` or generator would be local, and a top-level ``"use strict"``
  would do nothing, so no file may have one (the same test; the files declare their globals on
  ``window`` or with ``var``).
* Only the files at the top of ``assets/`` are joined; ``assets/vendor/`` keeps its own tags (the
  regenerator runtime must run before React, app.bundles).

The files stay in ``assets/`` as they are (each is still served at its own address: app.bundles
runs the map functions again by theirs once Leaflet has arrived). The joined text is made in
memory from the files Dash links (its tags), again when one changes (their ``?m=`` modification
times): nothing is generated into the tree. The digest of the content is the fingerprint, so the
address is cached for a year like every fingerprinted asset (``app.serving``), compressed once per
process and replayed (``app.static_compression``). Other origins' files keep their tags.
"""

from __future__ import annotations

import hashlib
import re
import threading
from html import escape
from pathlib import Path
from typing import Callable

from flask import Response, redirect, request

STYLES = "psad-styles.css"
SCRIPTS = "psad-scripts.js"
EXTENSION = "psad_joined"
_CHARSET = re.compile(rb'^@charset "[^"]*";')
_BOM = b"\xef\xbb\xbf"  # a byte-order mark: void, or worse, past the start of the joined text
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">\n?')
SCRIPT_TAG = re.compile(r'<script src="([^"]*)"></script>\n?')  # as Dash writes a script's tag (app.bundles too)


def _named(name: str, text: bytes) -> tuple[bytes, bytes]:
    """The comment naming a joined file, and its text without a byte-order mark."""
    return b"/* " + name.encode() + b" */\n", text.removeprefix(_BOM)


def _style_part(name: str, text: bytes) -> bytes:
    head, text = _named(name, text)
    return head + _CHARSET.sub(b"", text, count=1).rstrip() + b"\n"


def _script_part(name: str, text: bytes) -> bytes:
    head, text = _named(name, text)
    return head + b"try {\n" + text.rstrip() + b"\n;\n} catch (e) { setTimeout(function () { throw e; }); }\n"


class Joined:
    """One joined file of a Dash app: the local files among some of its tags, their joined text and
    digest (made again when a tag's fingerprint changes), and the tag that replaces theirs."""

    def __init__(self, app, name: str, tag: re.Pattern, part: Callable[[str, bytes], bytes], content_type: str,
                 source: Callable[[], str], make_tag: Callable[[str], str]):
        self.app, self.name, self.tag, self.part = app, name, tag, part
        self.content_type, self.source, self.make_tag = content_type, source, make_tag
        self.lock = threading.Lock()
        self.key: tuple = ()
        self.body = b""
        self.digest = ""

    def _joined(self, href: str) -> bool:
        """Whether the file at ``href`` is one of those joined: in assets/ itself, not a subfolder."""
        prefix = self.app.get_asset_url("")
        path = href.split("?", 1)[0]  # Dash writes its hrefs as they are (no HTML escaping)
        return path.startswith(prefix) and "/" not in path[len(prefix):]

    def local(self, html: str) -> list[tuple[str, Path]]:
        """The joined files among ``html``'s tags: (href, file), in order."""
        prefix = self.app.get_asset_url("")
        folder = Path(self.app.config.assets_folder)
        return [(href, folder / href.split("?", 1)[0][len(prefix):])
                for href in self.tag.findall(html) if self._joined(href)]

    def current(self, html: str | None = None) -> tuple[bytes, str]:
        """The joined text and its digest for Dash's tags ``html`` (by default Dash's tags now).
        The tags carry each file's modification time (``?m=``), so the text is made again only
        when they change: a page costs a look at its tags, not a read of every file."""
        return self._made(self.local(self.source() if html is None else html))

    def _made(self, files: list[tuple[str, Path]]) -> tuple[bytes, str]:
        key = tuple(href for href, _f in files)
        with self.lock:
            if key != self.key:
                self.body = b"".join(self.part(f.name, f.read_bytes()) for _href, f in files)
                self.digest = hashlib.sha256(self.body).hexdigest()[:16]
                self.key = key
            return self.body, self.digest

    def replace(self, html: str) -> str:
        """``html`` with the joined files' tags replaced by one tag of the joined file, where the
        first of them stood; every other tag kept. No joined file: ``html`` as it is."""
        files = self.local(html)
        if not files:
            return html
        url = f"{self.app.get_asset_url(self.name)}?m={self._made(files)[1]}"
        seen = False

        def one(m: re.Match) -> str:
            nonlocal seen
            if not self._joined(m.group(1)):
                return m.group(0)
            if seen:
                return ""
            seen = True
            return self.make_tag(escape(url))

        return self.tag.sub(one, html)

    def serve(self):
        body, digest = self.current()
        asked = request.args.get("m")
        if asked and asked != digest:
            # an old digest (a page from before a deploy) or a made-up one: sent on to the current
            # file, and nothing kept under that address (a year of caching, a compressed copy)
            response = redirect(f"{self.app.get_asset_url(self.name)}?m={digest}", code=302)
            response.headers["Cache-Control"] = "no-store"
            return response
        response = Response(body, content_type=self.content_type)
        response.set_etag(digest)
        # app.serving gives an address with ?m= its year of caching; app.static_compression
        # compresses it once and answers If-None-Match
        return response.make_conditional(request)


def install(app) -> dict[str, Joined]:
    """Serve the joined style sheet and script, and link the style sheet from every page instead of
    the separate files (the scripts' tags are replaced by app.bundles, which needs the map
    functions' own tag first: ``scripts(app).replace``)."""
    base = app.config.routes_pathname_prefix.rstrip("/") + "/" + app.config.assets_url_path.strip("/") + "/"
    joined = {
        STYLES: Joined(app, STYLES, _LINK, _style_part, "text/css; charset=utf-8", app._generate_css_dist_html,
                       lambda url: f'<link rel="stylesheet" href="{url}">\n'),
        SCRIPTS: Joined(app, SCRIPTS, SCRIPT_TAG, _script_part, "text/javascript; charset=utf-8",
                        app._generate_scripts_html, lambda url: f'<script src="{url}"></script>\n'),
    }
    for name, one in joined.items():
        app.server.add_url_rule(base + name, endpoint=f"psad_joined_{name}", view_func=one.serve)
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        kwargs["css"] = joined[STYLES].replace(kwargs.get("css", ""))
        return original(**kwargs)

    app.interpolate_index = interpolate_index
    app.server.extensions[EXTENSION] = joined
    return joined


def scripts(app) -> Joined | None:
    """The joined script of ``app`` (None before ``install``)."""
    return app.server.extensions.get(EXTENSION, {}).get(SCRIPTS)
