"""The embedded PostgreSQL used when no ``DATABASE_URL`` is set.

``pgserver`` (from PyPI) bundles PostgreSQL binaries, so a fresh machine needs no server install.
The data directory lives under ``PSAD_DATA_DIR`` and the server keeps running between commands,
so ``psad serve`` and ``psad status`` share it. Running as root works: pgserver starts the
server as a dedicated system user, because PostgreSQL refuses to run as root.

The embedded server is tuned once, on its first start, for what it does: bulk loads that
rebuild whole tables, and reads of pre-aggregates (``SERVER_SETTINGS``). With ``wal_level =
minimal`` a table emptied and refilled inside a load's transaction is written once, not also to
the write-ahead log, which is most of the I/O of a full load; it serves one machine, with no
replicas to feed, so nothing needs that log. The restart happens only while no other client is
connected (a load or a server running elsewhere is never cut off; the settings then wait for the
next start), under a lock so that two processes starting at once do not both restart, and if the
server will not start with the settings they are removed again and it starts as before.
"""

from __future__ import annotations

import fcntl
import logging
import os
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "psad"


def _shared_buffers() -> str:
    """512MB, or an eighth of the machine's memory when that is less (never under 128MB)."""
    try:
        mem_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        mem_mb = 4096
    return f"{max(128, min(512, mem_mb // 8))}MB"


# ALTER SYSTEM settings applied (with one restart) the first time the server starts. The values
# are written as PostgreSQL's current_setting() prints them, which is how they are compared.
SERVER_SETTINGS = {
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "shared_buffers": _shared_buffers(),
    "effective_cache_size": "4GB",
    "random_page_cost": "1.5",
}


def embedded_url(data_dir: str | Path, database: str = DB_NAME) -> str:
    """Start (or reuse) the embedded server and return a URL for ``database`` on it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver
        import psycopg

        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        logging.getLogger("pgserver").setLevel(logging.WARNING)
    # One process at a time starts the server, checks its settings and maybe restarts it. A process
    # that started it while another was restarting it (two test workers, two commands) wrote a new
    # postmaster.pid that the restarting one's "pg_ctl stop" then waited on until its timeout.
    with open(data_dir / ".tune.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(data_dir / "pgdata", cleanup_mode=None)
            admin_uri = server.get_uri()
        _tune(server, admin_uri)
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)


def _tune(server, admin_uri: str) -> None:
    """Apply ``SERVER_SETTINGS`` and restart once, when the running server lacks any of them and
    no other client is connected."""
    import psycopg
    from pgserver._commands import pg_ctl

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        current = dict(conn.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
                                    (list(SERVER_SETTINGS),)).fetchall())
        if all(current.get(k) == v for k, v in SERVER_SETTINGS.items()):
            return
        others = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                              "AND pid <> pg_backend_pid()").fetchone()[0]
        if others:
            log.warning("the embedded PostgreSQL is not tuned yet; it will be when it is next started "
                        "with no client connected")
            return
        for name, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    # Stop, then start the way pgserver does (its socket and log options).
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=60)
    try:
        server.ensure_postgres_running()
    except Exception:
        # The server will not start with these settings (too little memory, say): take them back.
        auto = Path(server.pgdata) / "postgresql.auto.conf"
        kept = [line for line in auto.read_text().splitlines()
                if line.split("=", 1)[0].strip() not in SERVER_SETTINGS]
        auto.write_text("\n".join(kept) + "\n")
        server.ensure_postgres_running()
        log.warning("the embedded PostgreSQL did not start with its load settings; it runs with the "
                    "defaults (see %s)", server.log)


def resolve_database_url(database_url: str, data_dir: str | Path) -> str:
    return database_url or embedded_url(data_dir)
