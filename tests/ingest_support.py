"""Fixtures for the ingest tests: template databases with boundaries loaded, cloned per test.

Loading boundaries takes seconds, so each kind is loaded once per session into a template
database; a test that writes gets its own ``CREATE DATABASE … TEMPLATE`` copy (a file copy on the
server, well under a second).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import make_url

from data_access import migrate
from data_access.db import Database
from tests.conftest import _admin

REPO = Path(__file__).resolve().parent.parent
SHARED_CANDIDATES = (REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data", Path("/work/shared/data"))
SHARED = next((p for p in SHARED_CANDIDATES if p.is_dir()), None)


def shared(rel: str) -> Path:
    if SHARED is None or not (SHARED / rel).exists():
        pytest.skip(f"real sample {rel} is not available (../shared/data)")
    return SHARED / rel


def _clone(server_url: str, template: str, created: list[str]) -> str:
    name = f"psad_test_{uuid.uuid4().hex[:10]}"
    with _admin(server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    created.append(name)
    u = make_url(server_url.replace("postgresql+psycopg://", "postgresql://"))
    return u.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _clones(server_url):
    created: list[str] = []
    yield created
    with _admin(server_url) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_small():
    """A small demo dataset (2022-06 .. 2023-06, across the district-map change)."""
    from data_access.demo.generate import generate

    return generate(scale=0.05, start=date(2022, 6, 1), end=date(2023, 6, 30))


@pytest.fixture(scope="session")
def synthetic_boundaries(tmp_path_factory, demo_small):
    from data_access.demo.export import write_boundaries

    return write_boundaries(demo_small.geography, tmp_path_factory.mktemp("boundaries"))


def _template(make_database, server_url, paths) -> str:
    from data_access.ingest.boundaries import load_boundaries

    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    load_boundaries(db, [str(p) for p in paths])
    db.dispose()
    with _admin(server_url) as conn:  # no one may be connected to a template
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                     "AND pid <> pg_backend_pid()", (make_url(url).database,))
    return make_url(url).database


@pytest.fixture(scope="session")
def synthetic_template(make_database, server_url, synthetic_boundaries) -> str:
    return _template(make_database, server_url, [synthetic_boundaries])


@pytest.fixture(scope="session")
def real_template(make_database, server_url) -> str:
    return _template(make_database, server_url, [shared("boundaries")])


@pytest.fixture()
def synth_db(server_url, synthetic_template, _clones):
    db = Database(_clone(server_url, synthetic_template, _clones))
    yield db
    db.dispose()


@pytest.fixture()
def real_db(server_url, real_template, _clones):
    db = Database(_clone(server_url, real_template, _clones))
    yield db
    db.dispose()


def snapshot(db: Database) -> dict:
    """Everything a failed load must leave unchanged."""
    from sqlalchemy import text

    out = {}
    with db.engine.connect() as conn:
        for t in ("victim", "arrest", "sao_case", "case_charge", "cvi_site", "geography", "rejected_row",
                  "agg_victim_detail", "agg_arrest_daily"):
            out[t] = conn.execute(text(f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
                                       f"FROM {t} x")).one()
        out["state"] = conn.execute(text("SELECT version, is_demo, data_as_of FROM data_state")).all()
    return out
