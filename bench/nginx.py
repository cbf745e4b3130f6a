"""The repository's nginx site (deploy/nginx-psad.conf) run privately on this machine: for the
load benchmark (``bench_load.py --proxy nginx``, the production setup the README documents) and
for tests/test_deploy.py's ``nginx -t``.

The site is used as written, with only what a private copy must change: the cache, log, pid and
temporary paths go to a directory of its own, the upstream is the gunicorn under test, and, for
the benchmark, the HTTPS server listens on a free 127.0.0.1 port in plain HTTP (a load generator
in Python would spend its CPU on TLS handshakes, not on the requests; TLS is nginx's C work in
production) and the port-80 redirect is left out. Needs nginx (``apt-get install nginx-light``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-psad.conf"
CERT = "/etc/letsencrypt/live/dashboard.example.org/fullchain.pem"
KEY = "/etc/letsencrypt/live/dashboard.example.org/privkey.pem"


def executable() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def site_config(tmp: Path, *, tls: tuple[Path, Path] | None = None, listen: int | None = None,
                upstream: int | None = None) -> str:
    """deploy/nginx-psad.conf with its paths moved under ``tmp``: with ``tls`` (certificate, key)
    as written; with ``listen`` the HTTPS server in plain HTTP on that 127.0.0.1 port instead, and
    no redirecting server. ``upstream``: gunicorn's port instead of the site's 8050."""
    site = SITE.read_text()
    site = site.replace("/var/cache/nginx/psad", str(tmp / "cache")).replace("/var/log/nginx/", f"{tmp}/")
    if tls:
        site = site.replace(CERT, str(tls[0])).replace(KEY, str(tls[1]))
    if listen is not None:
        redirect = re.search(r"server \{\n    listen 80;.*?\n\}\n", site, re.S)
        if not redirect:
            raise ValueError("deploy/nginx-psad.conf: the port-80 server block was not found")
        site = site.replace(redirect.group(0), "")
        site = re.sub(r"    listen 443 ssl http2;\n    listen \[::\]:443 ssl http2;\n",
                      f"    listen 127.0.0.1:{listen};\n", site)
        site = re.sub(r"\n    ssl_[a-z_]+ [^\n]*;", "", site)
        if "ssl" in re.sub(r"#[^\n]*", "", site):
            raise ValueError("deploy/nginx-psad.conf: a TLS directive was left in the plain-HTTP copy")
    if upstream is not None:
        site = site.replace("server 127.0.0.1:8050;", f"server 127.0.0.1:{upstream};")
    return site


def main_config(tmp: Path, *, workers: str = "auto") -> str:
    """The nginx.conf around the site: everything nginx writes goes under ``tmp``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers write the cache under tmp
    return f"""{user}worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 16384; }}
worker_rlimit_nofile 40000;
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    include {tmp}/psad.conf;
}}
"""


def write(tmp: Path, site: str, **kwargs) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "psad.conf").write_text(site)
    conf = tmp / "nginx.conf"
    conf.write_text(main_config(tmp, **kwargs))
    return conf


def start(tmp: Path, *, listen: int, upstream: int, workers: str = "auto") -> subprocess.Popen:
    """A private nginx serving the site in plain HTTP on 127.0.0.1:``listen`` in front of the
    gunicorn on ``upstream``, with ``workers`` worker processes; returns its master (``stop`` it
    with SIGQUIT)."""
    exe = executable()
    if not exe:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    conf = write(tmp, site_config(tmp, listen=listen, upstream=upstream), workers=workers)
    proc = subprocess.Popen([exe, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=(tmp / "stderr.log").open("w"))
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit(f"nginx exited: {(tmp / 'stderr.log').read_text()}{(tmp / 'error.log').read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listen}/api/v1/health", timeout=2):
                return proc
        except urllib.error.HTTPError:
            return proc  # nginx answers (the app's health may say 503 while its database is down)
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("nginx did not answer within 10 s")
