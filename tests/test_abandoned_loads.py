"""A load whose process died (kill -9, a lost machine) is marked failed by the next load or by
``psad status``, instead of staying "running" for ever; a load still running is left alone; and
``psad status`` prints a load that has no end time (it used to crash on it)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import insert, select, text

from app.settings import PROJECT_ROOT
from data_access import migrate
from data_access.db import Database
from data_access.loading import ABANDONED, LOAD_LOCK, bump_version, mark_abandoned
from data_access.schema import load_log


@pytest.fixture()
def fresh(make_database):
    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    yield url, db
    db.dispose()


def running_row(db: Database, age_seconds: int) -> int:
    with db.begin() as conn:
        return conn.execute(insert(load_log).values(
            dataset="crime", source="part1.csv", status="running", is_demo=False,
            started_at=text(f"now() - interval '{age_seconds} seconds'")).returning(load_log.c.id)).scalar()


def status_of(db: Database, load_id: int) -> tuple[str, str | None]:
    return db.execute(select(load_log.c.status, load_log.c.message).where(load_log.c.id == load_id)).rows[0]


def test_a_dead_load_is_marked_failed_and_a_live_one_is_left_alone(fresh):
    _, db = fresh
    dead, live, young = running_row(db, 120), running_row(db, 120), running_row(db, 0)
    with db.engine.connect() as holder:  # the live load's process: its transaction holds the lock
        holder.execute(select(text(f"pg_advisory_xact_lock({LOAD_LOCK + live})")))
        assert mark_abandoned(db) == [dead]
        assert status_of(db, live)[0] == "running" and status_of(db, young)[0] == "running"
        holder.rollback()
    assert status_of(db, dead) == ("failed", ABANDONED)
    assert mark_abandoned(db) == [live]  # its process is gone now
    assert mark_abandoned(db) == []


def test_psad_status_marks_a_killed_load_and_prints_the_history(fresh):
    url, db = fresh
    # young: within the grace period however long the subprocess below takes to start on a busy
    # machine (it started "in ten minutes", so it stays younger than the 5 s grace)
    dead, young = running_row(db, 120), running_row(db, -600)
    with db.begin() as conn:  # something is served, so status prints the load history
        bump_version(conn, is_demo=False, data_as_of=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSAD_")}
    run = subprocess.run([sys.executable, "-m", "app.cli", "status"], env={**env, "DATABASE_URL": url},
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    assert f"Load #{dead} was still marked running, but its process is gone: marked failed." in run.stdout
    assert status_of(db, dead)[0] == "failed"
    # the young load has no end time yet: shown as running (pandas' NaT used to crash strftime)
    assert any(line.startswith(f"  #{young} running crime") for line in run.stdout.splitlines()), run.stdout
