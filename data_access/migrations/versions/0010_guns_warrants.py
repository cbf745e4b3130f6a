"""Guns and warrants tables (issue 15): gun_seizure and warrant.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

AREAS = ("police_district", "police_district_pre2023", "police_district_2023", "neighborhood",
         "council_district", "legislative_district", "csa", "block")


def upgrade() -> None:
    op.create_table(
        "gun_seizure",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=True),
        sa.Column("seized_date", sa.Date(), nullable=False),
        sa.Column("firearm_type", sa.Text(), nullable=False),
        sa.Column("recovery_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=True),
        *[sa.Column(c, sa.Text(), nullable=True) for c in AREAS],
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gun_seizure_date", "gun_seizure", ["seized_date"], unique=False)
    op.create_index("ux_gun_seizure_key", "gun_seizure", ["source_key"], unique=True,
                    postgresql_where=sa.text("source <> 'demo'"))
    op.create_table(
        "warrant",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=True),
        sa.Column("warrant_type", sa.Text(), nullable=False),
        sa.Column("charge_category", sa.Text(), nullable=False),
        sa.Column("issued_date", sa.Date(), nullable=False),
        sa.Column("served_date", sa.Date(), nullable=True),
        sa.Column("recalled_date", sa.Date(), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        *[sa.Column(c, sa.Text(), nullable=True) for c in ("police_district", "neighborhood", "council_district",
                                                          "legislative_district", "csa")],
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_warrant_issued", "warrant", ["issued_date"], unique=False)
    op.create_index("ix_warrant_served", "warrant", ["served_date"], unique=False)
    op.create_index("ix_warrant_closed", "warrant", ["closed_date"], unique=False)
    op.create_index("ux_warrant_key", "warrant", ["source_key"], unique=True,
                    postgresql_where=sa.text("source <> 'demo'"))


def downgrade() -> None:
    op.drop_table("warrant")
    op.drop_table("gun_seizure")
