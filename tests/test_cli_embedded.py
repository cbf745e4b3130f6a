"""The psad command line and the embedded PostgreSQL a fresh machine runs on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from app.cli import main
from data_access.embedded import embedded_url


def test_embedded_server_starts_and_is_reused(tmp_path):
    url = embedded_url(tmp_path / "data")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        assert conn.execute("SELECT current_database()").fetchone()[0] == "psad"
        assert pid > 0
    assert embedded_url(tmp_path / "data") == url  # second call reuses the running server
    postmaster = Path(tmp_path / "data" / "pgdata" / "postmaster.pid").read_text().split()[0]
    subprocess.run(["kill", postmaster], check=False)


def test_status_upgrade_and_demo_load(monkeypatch, capsys, make_database):
    url = make_database()
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["status"]) == 1
    assert "not created" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    from data_access import migrate
    from data_access.db import Database

    head = migrate.head_revision(Database(url))  # whatever the newest migration is
    assert f"empty -> {head}" in capsys.readouterr().out
    assert main(["demo", "load", "--scale", "0.01", "--end", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert "demo: read" in out and "data as of 2024-12-31" in out
    assert main(["demo", "load", "--if-empty"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "DEMO (synthetic)" in out and "Part 1 victims" in out and "data as of 2024-12-31" in out
    # A fresh process, as a user runs it: no app, no cache bound by an earlier test.
    proc = subprocess.run([sys.executable, "-m", "app.cli", "status"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, env={**os.environ, "DATABASE_URL": url})
    assert proc.returncode == 0, proc.stderr
    assert "DEMO (synthetic)" in proc.stdout and "data as of 2024-12-31" in proc.stdout


def test_unreachable_database_is_one_plain_line(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    proc = subprocess.run([sys.executable, "-m", "app.cli", "status"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "database" in proc.stderr.lower()
    assert len(proc.stderr.strip().splitlines()) == 1


def test_embedded_server_is_tuned_for_loads(tmp_path):
    """The first start applies SERVER_SETTINGS (one restart); later starts find them in force and
    do not restart (the same postmaster keeps running); the server's log keeps being written."""
    from data_access.embedded import SERVER_SETTINGS

    url = embedded_url(tmp_path / "data")
    with psycopg.connect(url) as conn:
        got = dict(conn.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
                                (list(SERVER_SETTINGS),)).fetchall())
    assert got["wal_level"] == "minimal" and got["max_wal_senders"] == "0"
    assert got == SERVER_SETTINGS  # every value in force, as current_setting() prints it
    postmaster = Path(tmp_path / "data" / "pgdata" / "postmaster.pid").read_text().split()[0]
    assert embedded_url(tmp_path / "data") == url
    assert Path(tmp_path / "data" / "pgdata" / "postmaster.pid").read_text().split()[0] == postmaster
    assert "database system is ready" in (tmp_path / "data" / "pgdata" / "log").read_text().split("shutting down")[-1]
    subprocess.run(["kill", postmaster], check=False)


def _pid(data: Path) -> str:
    return (data / "pgdata" / "postmaster.pid").read_text().split()[0]


def test_embedded_tuning_never_cuts_off_a_connected_client(tmp_path):
    from data_access.embedded import SERVER_SETTINGS

    data = tmp_path / "data"
    url = embedded_url(data)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET random_page_cost = '4'")
        conn.execute("SELECT pg_reload_conf()")
        before = _pid(data)
        assert embedded_url(data) == url  # a client is connected: no restart, the work goes on
        assert _pid(data) == before and conn.execute("SELECT 1").fetchone() == (1,)
    assert embedded_url(data) == url  # nobody connected: tuned again
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_setting('random_page_cost')").fetchone()[0] == SERVER_SETTINGS["random_page_cost"]
    subprocess.run(["kill", _pid(data)], check=False)


def test_embedded_settings_the_server_refuses_are_taken_back(tmp_path, monkeypatch):
    from data_access import embedded

    monkeypatch.setitem(embedded.SERVER_SETTINGS, "shared_buffers", "4000GB")  # no machine has it
    data = tmp_path / "data"
    url = embedded_url(data)
    with psycopg.connect(url) as conn:  # running, on the defaults for what it refused
        assert conn.execute("SELECT current_setting('shared_buffers')").fetchone()[0] != "4000GB"
    assert "shared_buffers" not in (data / "pgdata" / "postgresql.auto.conf").read_text()
    subprocess.run(["kill", _pid(data)], check=False)
