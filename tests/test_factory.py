"""The factory does no I/O: it neither connects nor starts a server; ``psad serve`` and ``wsgi.py``
resolve the database first (``resolved_settings``)."""

from __future__ import annotations

import pytest

from app import create_app
from app.factory import resolved_settings
from app.settings import Settings


def test_create_app_connects_to_nothing():
    # Nothing listens on port 1: a factory that connected (or started an embedded server) would
    # fail or hang here; it only stores the URL.
    app = create_app({"database_url": "postgresql://nobody@127.0.0.1:1/none", "redis_url": "redis://127.0.0.1:1/0"})
    db = app.server.extensions["psad"].db
    assert db._engine is None  # the engine is made on the first query, in a request


def test_create_app_wants_a_resolved_url():
    with pytest.raises(ValueError, match="resolved_settings"):
        create_app(Settings.from_env({}, database_url=""))


def test_a_given_url_is_kept_as_it_is():
    s = Settings.from_env({}, database_url="postgresql://someone@db.example:5432/psad")
    assert resolved_settings(s).database_url == s.database_url


def test_every_page_names_its_language(client):
    for path in ("/", "/present?council_district=7"):
        assert '<html lang="en">' in client.get(path).get_data(as_text=True)
