"""Reads from a streaming replica (issue 12, scale-out): ``DATABASE_READ_URL``.

A real replica on this machine (``tests/pg_private.py``: a private primary and a hot standby made
with ``pg_basebackup -R``): the pages and the API read from the replica, loads write to the
primary, and a load reaches the pages once the replica has replayed it, never before, even when
the replica lags (the data version is read from the same server as the data).
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app import create_app
from app.settings import Settings
from data_access.db import Database
from tests import pg_private

API = "/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month"


@pytest.fixture(scope="module")
def cluster():
    return pg_private.shared_cluster()


def test_reads_go_to_the_replica_writes_to_the_primary_and_cache_keys_name_the_primary(cluster):
    primary, replica = cluster.primary.url(), cluster.replica.url()
    db = Database(primary, read_url=replica)
    try:
        assert db.execute(text("SELECT pg_is_in_recovery(), inet_server_port()")).rows == [(True, cluster.replica.port)]
        with db.begin() as conn:
            assert conn.execute(text("SELECT pg_is_in_recovery(), inet_server_port()")).one() == (
                False, cluster.primary.port)
        # every process serving this data shares the cache, whichever server it reads from
        assert repr(db) == repr(Database(primary)) and "password" not in repr(db)
    finally:
        db.dispose()


def test_the_command_line_loads_and_reads_on_the_primary_even_with_a_read_url(cluster):
    from app.cli import _database

    settings = Settings.from_env({"DATABASE_URL": cluster.primary.url(), "DATABASE_READ_URL": cluster.replica.url()})
    served = Database.from_settings(settings)
    cli = _database(settings)
    try:
        assert served.execute(text("SELECT pg_is_in_recovery()")).scalar() is True
        assert cli.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
        assert repr(cli) == repr(served)
    finally:
        served.dispose()
        cli.dispose()


def test_the_app_serves_pages_and_the_api_from_the_replica_alone(cluster):
    """With the primary frozen (it would hang any request that touched it), the app still serves."""
    app = create_app({"database_url": cluster.primary.url(), "database_read_url": cluster.replica.url()},
                     cache_type="null")
    client = app.server.test_client()
    before = cluster.replica.sql("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                 f"WHERE datname = '{pg_private.DB_NAME}'")[0][0]
    pg_private.freeze(cluster.primary)
    try:
        for path in ("/", "/?council_district=7", API, "/api/v1/health"):
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)
    finally:
        pg_private.thaw(cluster.primary)
    after = cluster.replica.sql("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                f"WHERE datname = '{pg_private.DB_NAME}'")[0][0]
    assert after > before, "the replica answered the reads"


def test_a_load_reaches_the_pages_through_the_replica_and_never_ahead_of_it(cluster):
    """Replay paused on the replica (a replica lagging behind), a load on the primary: the app
    keeps serving the old numbers under the old version (the version comes from the replica, like
    the data; read from the primary, it would key the new version to the old numbers in the cache,
    and keep serving them after the replica caught up). Replay resumed, the new numbers arrive."""
    app = create_app({"database_url": cluster.primary.url(), "database_read_url": cluster.replica.url()})
    client = app.server.test_client()
    old = client.get(API)
    assert old.status_code == 200
    old_version = client.get("/api/v1/health").get_json()["data_version"]

    cluster.replica.sql("SELECT pg_wal_replay_pause()", "postgres")
    try:
        cluster.load()
        assert cluster.primary.sql("SELECT version FROM data_state")[0][0] > old_version
        lagging = client.get(API)
        assert client.get("/api/v1/health").get_json()["data_version"] == old_version
        assert lagging.get_json() == old.get_json() and lagging.headers["ETag"] == old.headers["ETag"]
    finally:
        cluster.replica.sql("SELECT pg_wal_replay_resume()", "postgres")

    seconds = pg_private.wait_for_replay(cluster.primary, cluster.replica)
    t0 = time.monotonic()
    while (new := client.get(API)).get_json() == old.get_json() and time.monotonic() - t0 < 10:
        time.sleep(0.1)
    print(f"\nreplayed {seconds:.2f} s after resuming; the API had the new numbers "
          f"{time.monotonic() - t0:.2f} s after that")
    assert new.get_json() != old.get_json() and new.headers["ETag"] != old.headers["ETag"]
    direct = create_app({"database_url": cluster.primary.url()}, cache_type="null").server.test_client().get(API)
    assert new.get_json() == direct.get_json(), "the replica serves what the primary holds"
