"""Alembic environment: migrations run on the connection handed in by data_access.migrate."""

from alembic import context
from sqlalchemy import create_engine

from data_access.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # plain `alembic` CLI use
    connectable = create_engine(config.get_main_option("sqlalchemy.url"))
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
