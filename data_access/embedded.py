"""The embedded PostgreSQL used when no ``DATABASE_URL`` is set.

``pgserver`` (from PyPI) bundles PostgreSQL binaries, so a fresh machine needs no server install.
The data directory lives under ``PSAD_DATA_DIR`` and the server keeps running between commands,
so ``psad serve`` and ``psad status`` share it. Running as root works: pgserver starts the
server as a dedicated system user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

DB_NAME = "psad"


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
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)


def resolve_database_url(database_url: str, data_dir: str | Path) -> str:
    return database_url or embedded_url(data_dir)
