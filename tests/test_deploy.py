"""The deployment files in deploy/: nginx accepts the site configuration (``nginx -t``), whose
limits agree with the app's, and the systemd unit runs the production command."""

from __future__ import annotations

import re
import subprocess

import pytest

from app.settings import PROJECT_ROOT, Settings
from bench import nginx as bench_nginx

DEPLOY = PROJECT_ROOT / "deploy"


def test_nginx_accepts_the_site_configuration(tmp_path):
    nginx = bench_nginx.executable()
    if not nginx:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    conf = bench_nginx.write(tmp_path, bench_nginx.site_config(tmp_path, tls=(tmp_path / "cert.pem",
                                                                           tmp_path / "key.pem")))
    run = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "[warn]" not in run.stderr, run.stderr



def test_the_benchmarks_plain_http_copy_of_the_site(tmp_path):
    """bench_load.py --proxy nginx runs the site as written but in plain HTTP on a private port:
    the copy must stay a valid configuration as the site changes, with no TLS left in it."""
    nginx = bench_nginx.executable()
    if not nginx:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    site = bench_nginx.site_config(tmp_path, listen=18050, upstream=18051)
    assert "listen 127.0.0.1:18050;" in site and "server 127.0.0.1:18051;" in site
    assert "443" not in site and "return 301" not in site
    for location in ("location /api/v1/", "location /assets/", "location /_dash-component-suites/",
                     "location = /_favicon.ico"):
        assert location in site
    conf = bench_nginx.write(tmp_path, site)
    run = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "[warn]" not in run.stderr, run.stderr

def test_proxy_limits_agree_with_the_app():
    defaults = Settings.from_env({})
    site = (DEPLOY / "nginx-psad.conf").read_text()
    caddy = (DEPLOY / "Caddyfile").read_text()
    body_kb = int(re.search(r"client_max_body_size (\d+)k;", site).group(1))
    assert body_kb == defaults.max_request_kb
    assert re.search(r"max_size (\d+)MB", caddy).group(1) == str(defaults.max_request_kb // 1024)
    # a request line of 32 KiB (the app's own query limit, app.serving.MAX_QUERY_BYTES) fits
    from app.serving import MAX_QUERY_BYTES

    assert int(re.search(r"large_client_header_buffers \d+ (\d+)k;", site).group(1)) * 1024 > MAX_QUERY_BYTES
    assert "gzip off;" in site and "\n    encode" not in caddy  # the app compresses


def test_systemd_unit_runs_the_production_server_and_reloads_gracefully():
    unit = (DEPLOY / "psad.service").read_text()
    assert re.search(r"^ExecStart=\S+/psad serve --production$", unit, re.M)
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in unit
    assert "KillMode=mixed" in unit


def test_readme_says_how_to_run_it_in_public():
    """`psad serve` is werkzeug, the development server: the README's production path is
    `psad serve --production` behind a proxy, with the files this directory holds."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Running it in public\n", 1)[1].split("\n## ", 1)[0]
    assert "`psad serve --production`" in section
    assert re.search(r"plain `psad serve` is Flask's development server \(werkzeug\)", section)
    for name in re.findall(r"`(deploy/[^`]+|nginx-psad\.conf|Caddyfile|psad\.service)`", section):
        assert (DEPLOY / name.removeprefix("deploy/")).exists(), name
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                   "Permissions-Policy", "PSAD_MAX_REQUEST_KB", "without the query string"):
        assert header in section, header
    # linked from the section before it
    before = readme.split("\n## Real PostgreSQL, Redis and production\n", 1)[1].split("\n## ", 1)[0]
    assert "*Running it\nin public*" in before or "*Running it in public*" in before
