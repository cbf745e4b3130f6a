"""gunicorn's configuration: ``psad serve --production`` uses it, and so does a plain
``gunicorn wsgi:application`` started in the project root (gunicorn reads ./gunicorn.conf.py).

* Threaded workers (``gthread``): a slow client holds one thread, not a whole worker; one worker
  per core, ``PSAD_THREADS`` threads each (``WEB_CONCURRENCY`` sets the worker count); both are
  rows of the settings table (``app/settings.py``).
* The app is loaded once in the master (``preload_app``) and warmed there before any worker is
  forked: Dash registers its JavaScript bundles on its first request, and under threads the first
  concurrent requests after a (re)start raced that registration and got HTTP 500 for the bundles
  (plotly/dash#3971). Warming touches no database (the engine is disposed before the fork).
* Access log and errors to stdout/stderr; ``kill -HUP <master>`` reloads the workers gracefully.

Put a reverse proxy (nginx, Caddy) in front for TLS; the app compresses its own responses and
sends cache headers, so the proxy only passes requests on (or caches the API by its ETags).
"""

import multiprocessing

import gunicorn.http.wsgi

from app.settings import Settings

gunicorn.http.wsgi.SERVER = "psad"  # the Server header names no software version

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers or max(2, multiprocessing.cpu_count())
worker_class = "gthread"
threads = _settings.threads
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
preload_app = True


def when_ready(server):
    from app.factory import warm

    warm(server.app.wsgi())
