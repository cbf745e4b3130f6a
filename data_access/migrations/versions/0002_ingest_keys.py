"""ingest keys: a source-independent record key on arrests, unique keys for real records

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("arrest", sa.Column("source_key", sa.Text(), nullable=True))
    # Re-loading a file or refreshing from ArcGIS matches records by these keys (see
    # data_access.ingest.base.upsert); demo rows are exempt (they are replaced wholesale).
    op.create_index("ux_victim_key", "victim", ["source_key"], unique=True,
                    postgresql_where=sa.text("source <> 'demo'"))
    op.create_index("ux_arrest_key", "arrest", ["source_key"], unique=True,
                    postgresql_where=sa.text("source <> 'demo'"))


def downgrade() -> None:
    op.drop_index("ux_arrest_key", table_name="arrest")
    op.drop_index("ux_victim_key", table_name="victim")
    op.drop_column("arrest", "source_key")
