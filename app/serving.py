"""HTTP caching of the app's own static files.

Dash links every file in ``assets/`` with its modification time (``/assets/app.css?m=1796…``), so a
URL with ``m`` names one version of the file forever: such a response may be cached for a year. A
URL without it (someone typing the path) is revalidated every time (ETag / Last-Modified, which
Flask's static files carry). Dash itself already caches its fingerprinted JavaScript bundles for a
year; compression (``compress=True`` on the Dash app, flask-compress) covers every text response.
"""

from __future__ import annotations

from flask import Flask, request

YEAR = 365 * 24 * 3600


def cache_fingerprinted_assets(server: Flask, assets_url_path: str = "/assets/") -> None:
    @server.after_request
    def _asset_cache(response):
        if request.path.startswith(assets_url_path) and response.status_code == 200:
            if request.args.get("m"):
                response.cache_control.public = True
                response.cache_control.max_age = YEAR
                response.cache_control.immutable = True
                response.cache_control.no_cache = None
            else:
                response.cache_control.no_cache = True
        return response
