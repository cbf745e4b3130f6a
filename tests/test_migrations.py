"""The Alembic migrations create exactly the schema described in data_access.schema."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from data_access import migrate
from data_access.db import Database
from data_access.schema import metadata


def test_migrated_schema_matches_metadata(make_database):
    db = Database(make_database())
    assert migrate.current_revision(db) is None
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision(db)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    migrate.upgrade(db)  # idempotent
    db.dispose()
