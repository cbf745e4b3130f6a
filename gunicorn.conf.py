"""gunicorn's configuration: ``psad serve --production`` uses it, and so does a plain
``gunicorn wsgi:application`` started in the project root (gunicorn reads ./gunicorn.conf.py).

* Threaded workers (``gthread``): one worker per core, ``PSAD_THREADS`` threads each
  (``WEB_CONCURRENCY`` sets the worker count); both are rows of the settings table
  (``app/settings.py``).
* Slow clients (issue 13, item 5): gunicorn has no header timeout, and its gthread worker reads a
  request in a thread, blocking: a client sending a header line every few seconds held a thread
  for as long as it liked, and as many such clients as threads stopped the server. The worker
  below (``HeaderTimeoutWorker``) reads a request's headers, and a body of up to
  ``max_buffered_body`` bytes, in the worker's event loop, and hands the request to a thread only
  once they are complete. A request not complete ``header_timeout`` seconds after the connection
  opened (on a kept-alive connection: after the request's first byte) gets a 408, headers over ``max_header_bytes`` a 431, and the connection is closed (one log line
  each). A slow client then costs a socket, not a thread: it takes ``workers x
  worker_connections`` of them at once to stop new connections being accepted, and each lasts at
  most ``header_timeout`` seconds. A larger body (up to ``PSAD_MAX_REQUEST_KB``, the app refuses
  more with a 413) is still read by a thread; the reverse proxy in front buffers whole requests
  before passing them on (deploy/) and is the real protection.
* The app is loaded once in the master (``preload_app``) and warmed there before any worker is
  forked: Dash registers its JavaScript bundles on its first request, and under threads the first
  concurrent requests after a (re)start raced that registration and got HTTP 500 for the bundles
  (plotly/dash#3971). Warming touches no database (the engine is disposed before the fork).
* Access log (no query strings) and errors to stdout/stderr (journald under deploy/psad.service).
  ``kill -HUP <master>`` starts new workers and stops the old ones gracefully; the app is
  preloaded in the master, so new code or settings need a restart.

Put a reverse proxy (nginx, Caddy: deploy/) in front for TLS and its own timeouts; the app
compresses its own responses and sends cache headers, so the proxy only passes requests on (or
caches the API by its ETags).
"""

import errno
import multiprocessing
import selectors
import socket
import time
from functools import partial

import gunicorn.http.wsgi
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

from app.settings import Settings

gunicorn.http.wsgi.SERVER = "psad"  # the Server header names no software version

_settings = Settings.from_env()

header_timeout = 10.0  # seconds for a request's headers and small body to arrive
# a request line and headers together: a link may carry a query string of up to 32 KiB (the app
# answers a longer one with 414 and a sentence: app.serving.MAX_QUERY_BYTES), and so may its Referer
max_header_bytes = 96 * 1024
max_buffered_body = 64 * 1024  # a body up to this size is read in the event loop too (callbacks: a few KB)

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers or max(2, multiprocessing.cpu_count())
threads = _settings.threads
# Per worker: slow clients wait in the event loop, each on one socket, and so does every idle
# kept-alive connection of a viewer between two changes (a browser opens 6). At 1000 a worker
# stopped accepting at ~330 viewers and the rest of a crowd queued in the listen backlog: 800
# viewers on a news link waited 23 s (median) for the page itself (bench/bench_load.py, scenario B).
worker_connections = 4000
backlog = 4096  # connections waiting to be accepted (the kernel caps it at net.core.somaxconn)
timeout = 30  # a worker that stops notifying the master this long is restarted
graceful_timeout = 20  # SIGTERM / SIGHUP: requests in flight get this long to finish
keepalive = 5  # seconds an idle kept-alive connection stays open (the proxy's pool reuses them)
limit_request_line = 0  # no line limit of gunicorn's own (its most is 8 KiB): max_header_bytes bounds it
limit_request_fields = 50
limit_request_field_size = 34 * 1024  # a Referer holds such a link (0 would mean 8 KiB here)
accesslog = "-"
# One line per request: the peer (the proxy, behind one), time, method, path WITHOUT the query
# string (filters, and a lookup's charge text a reader typed), status, bytes, milliseconds. No
# Referer (it holds the page's query string) and no user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# The app's own log lines (a refused request, a database or Redis outage and its end, warming) go
# to stderr beside gunicorn's, with a time and the worker's pid; without this Python dropped the
# app's INFO lines and printed its warnings bare. Each logger writes once (no propagation).
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
}
preload_app = True


class HeaderTimeoutWorker(ThreadWorker):
    """gunicorn's threaded worker with request headers read in the event loop (see above)."""

    def init_process(self):
        self.reading = {}  # conn -> [deadline, bytes received so far]
        super().init_process()

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())  # non-blocking
        if self.cfg.is_ssl or negotiation.prior_knowledge_allowed(self.cfg, client_addr):
            self.enqueue_req(conn)  # TLS or HTTP/2 preface: gunicorn's own path
            return
        self._read_headers(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection's next request: its headers are read here too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_headers(conn)

    def _read_headers(self, conn):
        self.reading[conn] = [time.monotonic() + header_timeout, b""]
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_header_bytes, conn))

    def _on_header_bytes(self, conn, client):
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        state = self.reading[conn]
        if not data:  # the client went away
            self._drop(conn)
            return
        state[1] += data
        buf = state[1]
        end = _end_of_headers(buf)
        if end < 0:
            if len(buf) > max_header_bytes:
                self._drop(conn, b"431 Request Header Fields Too Large",
                           f"request headers over {max_header_bytes} bytes")
            return
        length = _content_length(buf[:end])
        if length is not None and length <= max_buffered_body and len(buf) - end < length:
            return  # a small body still coming: wait for it here too, within the same deadline
        self.poller.unregister(conn.sock)
        del self.reading[conn]
        conn.init()  # plain HTTP/1: makes the parser, reads nothing
        conn.parser.unreader.unread(buf)
        conn.data_ready = True
        self.enqueue_req(conn)

    def _drop(self, conn, status=None, why=None):
        self.reading.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        if status:
            self.log.info("Closed the connection from %s: %s", _peer(conn.client), why)
            try:
                conn.sock.send(b"HTTP/1.1 " + status + b"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                               socket.MSG_DONTWAIT)
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        if not self.alive:  # stopping: headers still coming get a short linger, as kept-alive ones do
            self.stopping_since = getattr(self, "stopping_since", now)
        for conn, (deadline, _) in list(self.reading.items()):
            if deadline <= now:
                self._drop(conn, b"408 Request Timeout", f"request not complete after {header_timeout:g} s")
            elif not self.alive and now >= self.stopping_since + STOP_KEEPALIVE_LINGER:
                self._drop(conn, b"503 Service Unavailable", "the worker is stopping")


def _end_of_headers(buf: bytes) -> int:
    """Where the body starts, or -1 while the headers are incomplete (a bare-LF end is handed on
    too, for gunicorn's parser to refuse)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = buf.find(sep)
        if i >= 0:
            return i + len(sep)
    return -1


def _content_length(head: bytes) -> int | None:
    """The one Content-Length of a request without Transfer-Encoding, else None (gunicorn's parser
    judges anything odd)."""
    lengths = []
    for line in head.split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            lengths.append(value.strip())
    if len(lengths) != 1 or not lengths[0].isdigit() or len(lengths[0]) > 12:
        return None
    return int(lengths[0])


def _peer(client):
    return client[0] if isinstance(client, tuple) else str(client)


worker_class = HeaderTimeoutWorker


def when_ready(server):
    from app.factory import warm

    warm(server.app.wsgi())
