"""IPV pre-aggregates (issue 15): Part 1 incidents (distinct ``cc_number`` of victims) by month
and year and area fields, for the Plan KPI's domestic-violence share
(``data_access.ipv.kpi_dv_share``); the data version they were built at.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_FIELDS = ("offense", "police_district", "neighborhood", "council_district", "legislative_district")
_TABLES = (("ipv_part1_month", "m"), ("ipv_part1_year", "y"), ("ipv_part1_multi", "d"))


def upgrade() -> None:
    for name, key in _TABLES:
        first = [sa.Column("cc_number", sa.Text(), nullable=False)] if name == "ipv_part1_multi" else []
        last = [] if name == "ipv_part1_multi" else [sa.Column("n", sa.Integer(), nullable=False)]
        op.create_table(name, *first, sa.Column(key, sa.Date(), nullable=False),
                        *[sa.Column(c, sa.Text(), nullable=True) for c in _FIELDS], *last)
        cols = ["cc_number"] if key == "d" else ["offense", key]  # month and year: all offenses ("*") or some
        op.create_index(f"ix_{name}_{'_'.join(cols)}", name, cols, unique=False)
    op.create_table(
        "ipv_part1_state",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("ipv_part1_state")
    for name, _key in reversed(_TABLES):
        op.drop_table(name)
