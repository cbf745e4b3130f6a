"""The embedded PostgreSQL used when no ``DATABASE_URL`` is set.

``pgserver`` (from PyPI) bundles PostgreSQL binaries, so a fresh machine needs no server install.
The data directory lives under ``PSAD_DATA_DIR`` and the server keeps running between commands,
so ``psad serve`` and ``psad status`` share it. Running as root works: pgserver starts the
server as a dedicated system user, because PostgreSQL refuses to run as root.

The embedded server is tuned once, on its first start, for what it does: bulk loads that
rebuild whole tables, and reads of pre-aggregates (``SERVER_SETTINGS``). With ``wal_level =
minimal`` a table emptied and refilled inside a load's transaction is written once, not also to
the write-ahead log, which is most of the I/O of a full load; it serves one machine, with no
replicas to feed, so nothing needs that log.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

DB_NAME = "psad"
# ALTER SYSTEM settings applied (with one restart) the first time the server starts.
SERVER_SETTINGS = {
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "shared_buffers": "512MB",
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
        server = pgserver.get_server(data_dir / "pgdata", cleanup_mode=None)
        admin_uri = server.get_uri()
    _tune(server, admin_uri)
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            # Byte-order text collation whatever the machine's locale: the loads sort and index
            # millions of area names, and a locale collation (en_US.UTF-8 and the like) makes
            # every such comparison several times dearer. Display order is decided in Python.
            conn.execute(f'CREATE DATABASE "{database}" TEMPLATE template0 LC_COLLATE \'C\'')
    return server.get_uri(database)


def _tune(server, admin_uri: str) -> None:
    """Apply ``SERVER_SETTINGS`` and restart once, when the running server lacks any of them."""
    import psycopg
    from pgserver._commands import pg_ctl

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        current = dict(conn.execute("SELECT name, setting || coalesce(unit, '') FROM pg_settings "
                                    "WHERE name = ANY(%s)", (list(SERVER_SETTINGS),)).fetchall())
        applied = conn.execute("SELECT count(*) FROM pg_file_settings WHERE applied AND name = ANY(%s)",
                               (list(SERVER_SETTINGS),)).fetchone()[0]
        if applied == len(SERVER_SETTINGS) and current.get("wal_level") == "minimal":
            return
        for name, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def resolve_database_url(database_url: str, data_dir: str | Path) -> str:
    return database_url or embedded_url(data_dir)
