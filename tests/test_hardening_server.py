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
