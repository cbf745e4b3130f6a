"""Intimate-partner violence tables (issue 15): ``ipv_incident``, one row per incident flagged as
domestic, located by its areas only (no address, block or point columns).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ipv_incident",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Text(), nullable=False),
        sa.Column("occurred_date", sa.Date(), nullable=False),
        sa.Column("police_district", sa.Text(), nullable=True),
        sa.Column("neighborhood", sa.Text(), nullable=True),
        sa.Column("council_district", sa.Text(), nullable=True),
        sa.Column("legislative_district", sa.Text(), nullable=True),
        sa.Column("offense", sa.Text(), nullable=True),
        sa.Column("relationship", sa.Text(), nullable=False),
        sa.Column("age_band", sa.Text(), nullable=False),
        sa.Column("sex", sa.Text(), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ipv_incident_date", "ipv_incident", ["occurred_date"], unique=False)
    op.create_index("ux_ipv_incident_key", "ipv_incident", ["incident_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_ipv_incident_key", table_name="ipv_incident")
    op.drop_index("ix_ipv_incident_date", table_name="ipv_incident")
    op.drop_table("ipv_incident")
