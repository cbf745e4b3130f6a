"""The server against hostile or careless requests (issue 13): bodies too large."""

from __future__ import annotations

from app import create_app


def test_a_body_over_the_limit_is_refused_before_it_is_read(demo_url):
    app = create_app({"database_url": demo_url, "max_request_kb": 64})
    client = app.server.test_client()
    body = b'{"output": "x", "inputs": [' + b'"a",' * 40000 + b'"a"]}'
    assert len(body) > 64 * 1024
    r = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert r.status_code == 413
    assert "Traceback" not in r.get_data(as_text=True)
    # a callback-sized body is fine
    r = client.post("/_dash-update-component", data=b'{"output": "x"}', content_type="application/json")
    assert r.status_code != 413


# --- unknown paths, outages, headers (items 8, 10, 11) ---------------------------------------------

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def web(demo_url):
    return create_app({"database_url": demo_url}).server.test_client()


@pytest.mark.parametrize("path", ["/.git/config", "/.env", "/wp-login.php", "/admin", "/map/extra",
                                  "/_dash-component-suites/dash/_callback.py"])
def test_an_unknown_path_is_a_404_page_not_the_app(web, path):
    r = web.get(path)
    assert r.status_code == 404
    text = r.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in text and 'lang="en"' in text and "DashRenderer" not in text
    assert 'href="/"' in text
    es = web.get(path + "?lang=es").get_data(as_text=True)
    assert 'lang="es"' in es and "Página no encontrada" in es and 'href="/?lang=es"' in es


@pytest.mark.parametrize("path", ["/", "/map", "/about", "/present"])
def test_every_page_path_is_the_app(web, path):
    r = web.get(path)
    assert r.status_code == 200 and "DashRenderer" in r.get_data(as_text=True)


def test_a_page_load_during_an_outage_is_a_503_with_the_message():
    from tests.conftest import free_port

    down = create_app({"database_url": f"postgresql://postgres@127.0.0.1:{free_port()}/gone"}).server.test_client()
    r = down.get("/map?council_district=7")
    assert r.status_code == 503 and r.headers["Retry-After"] == "60"
    text = r.get_data(as_text=True)
    assert "temporarily unavailable" in text and "Your link and filters will still work" in text
    assert "Traceback" not in text and "psycopg" not in text
    es = down.get("/?lang=es").get_data(as_text=True)
    assert "no está disponible" in es
    assert down.get("/api/v1/health").status_code == 503


def test_security_headers_on_pages_assets_and_the_api(web):
    for path in ("/", "/assets/app.css", "/api/v1/health", "/nowhere"):
        h = web.get(path).headers
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["X-Frame-Options"] == "DENY" and h["Referrer-Policy"] == "same-origin", path
        assert "geolocation=()" in h["Permissions-Policy"], path
        csp = h["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "'sha256-" in script_src, "Dash's inline scripts are allowed by their hashes only"


def test_no_version_strings(web):
    page = web.get("/").get_data(as_text=True)
    for leak in ("python_version", "plotly_version", "dash_version", "GCC"):
        assert leak not in page
    from app.cli import _quiet_handler

    handler = _quiet_handler()
    assert handler.version_string(object.__new__(handler)) == "psad"


def test_gunicorn_says_psad_in_its_server_header():
    import runpy

    import gunicorn.http.wsgi

    from app.settings import PROJECT_ROOT

    runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert gunicorn.http.wsgi.SERVER == "psad"


def test_tiles_from_a_configured_server_are_allowed_and_nothing_else():
    from app.serving import content_security_policy

    csp = content_security_policy(["'sha256-x'"], "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: blob: https://*.tile.example.org" in csp
    assert "connect-src 'self';" in csp


@pytest.mark.browser
def test_the_app_runs_under_its_policy_and_the_policy_bites(browser, site):
    """Chromium enforces the CSP: every page of the app runs under it with nothing refused (the
    other browser tests also fail on any console error), and an injected inline script is refused."""
    from tests.axe_support import severe_logs, wait_for

    severe_logs(browser)
    for path in ("/", "/map", "/present"):
        browser.get(f"{site.url}{path}?council_district=7")
        wait_for(lambda: browser.execute_script("return !!document.querySelector('main .page, #page-present')"),
                 timeout=30, message=f"{path} drawn")
        wait_for(lambda: not browser.execute_script("return !!document.querySelector('[data-dash-is-loading=\"true\"]')"),
                 timeout=30, message=f"{path} settled")
    assert severe_logs(browser) == []
    browser.execute_script("const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
                           "document.body.appendChild(s);")
    assert browser.execute_script("return window.pwned") is None
    refused = severe_logs(browser)
    assert any("Content Security Policy" in e["message"] for e in refused), refused


# --- bad input is a 400 with a sentence (item 8) -------------------------------------------------

@pytest.mark.parametrize("page", ["²", "٣", "9" * 5000, "-1", "1e3"])
def test_a_page_that_is_not_a_plain_number_is_a_400(web, page):
    r = web.get(f"/api/v1/cases?start=2025-01-01&end=2025-03-31&page={page}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["parameter"] == "page" and len(body["error"]) < 200


def test_whole_numbers_are_ascii_digits_of_a_sane_length():
    from app.pageparams import parse_present, whole_number
    from app.urlstate import Choices

    assert whole_number("12") == 12 and whole_number(" 7 ") == 7
    for bad in ("²", "٣", "9" * 7, "", None, "1.5", "-3"):
        assert whole_number(bad) is None
    view, notices = parse_present("?slide=²&advance=" + "9" * 5000, Choices())
    assert view["slide"] == 1 and len(notices) == 2


def test_a_nul_in_a_parameter_is_a_400_for_the_api_and_dropped_for_pages(web):
    r = web.get("/api/v1/cases?start=2025-01-01&end=2025-03-31&charge=%00")
    assert r.status_code == 400 and r.get_json()["parameter"] == "charge"
    from app.urlstate import Choices, parse

    f, notices = parse("?council_district=7%00", Choices(values={"council_district": ["7"]}))
    assert f.council_district == ("7",) and notices == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"inputs": []}', b'{"output": "x", "inputs": "url"}',
                                  b'{"output": "x", "inputs": [{"id": "url"}]}',
                                  b'{"output": "x", "inputs": [], "state": {"a": 1}}'])
def test_a_malformed_callback_request_is_a_400_without_a_traceback(web, body, caplog):
    r = web.post("/_dash-update-component", data=body, content_type="application/json")
    assert r.status_code == 400 and r.get_json() == {"error": "The request was malformed."}
    assert not [rec for rec in caplog.records if rec.exc_info]


def test_a_callback_body_that_does_not_fit_its_callback_is_a_400(web, caplog):
    """Found by the fuzzer (tests/test_fuzz.py): outputs missing or of the wrong count, an unknown
    output, inputs of the wrong count or a list where one input belongs failed inside Dash (500)."""
    deps = web.get("/_dash-dependencies").get_json()
    multi = next(d for d in deps if not d["clientside_function"] and d["output"].startswith(".."))
    inputs = [{"id": i["id"], "property": i["property"], "value": None} for i in multi["inputs"]]
    for body in ({"output": multi["output"], "outputs": None, "inputs": inputs, "state": []},
                 {"output": multi["output"], "outputs": [], "inputs": inputs, "state": []},
                 {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []},
                 {"output": multi["output"], "inputs": inputs + inputs},
                 {"output": multi["output"], "inputs": [[]] * len(inputs)}):
        r = web.post("/_dash-update-component", json=body)
        assert r.status_code == 400 and r.get_json() == {"error": "The request was malformed."}, body
    assert not [rec for rec in caplog.records if rec.exc_info]
