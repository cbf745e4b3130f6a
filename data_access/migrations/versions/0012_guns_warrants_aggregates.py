"""Guns and warrants pre-aggregates: warrants issued, served and recalled per day and per month
(per charge category and per police district; per month also per category and every area), and warrants outstanding at the end of each day
(by age and type, charge category, police district). Filled by the next load or demo load.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")


def _flow(name: str, when: str) -> None:
    op.create_table(
        name,
        sa.Column(when, sa.Date(), nullable=False),
        sa.Column("flow", sa.Text(), nullable=False),
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index(f"ix_{name}_{when}", name, [when], unique=False)


def upgrade() -> None:
    _flow("agg_warrant_flow_day", "d")
    _flow("agg_warrant_flow_month", "m")
    op.create_table(
        "agg_warrant_open_day",
        sa.Column("d", sa.Date(), nullable=False),
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("a", sa.Text(), nullable=False),
        sa.Column("b", sa.Text(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_agg_warrant_open_day_d", "agg_warrant_open_day", ["d"], unique=False)
    op.create_table(
        "agg_warrant_geo_month",
        sa.Column("m", sa.Date(), nullable=False),
        sa.Column("flow", sa.Text(), nullable=False),
        sa.Column("charge_category", sa.Text(), nullable=False),
        *[sa.Column(g, sa.Text(), nullable=True) for g in GEO],
        sa.Column("n", sa.Integer(), nullable=False),
    )
    for g in GEO:
        op.create_index(f"ix_agg_warrant_geo_month_{g}", "agg_warrant_geo_month", [g, "m"], unique=False)
        op.create_index(f"ix_warrant_open_{g}", "warrant", [g], unique=False,
                        postgresql_where=sa.text("closed_date IS NULL"))


def downgrade() -> None:
    for g in GEO:
        op.drop_index(f"ix_warrant_open_{g}", table_name="warrant")
        op.drop_index(f"ix_agg_warrant_geo_month_{g}", table_name="agg_warrant_geo_month")
    op.drop_table("agg_warrant_geo_month")
    op.drop_index("ix_agg_warrant_open_day_d", table_name="agg_warrant_open_day")
    op.drop_table("agg_warrant_open_day")
    for name, when in (("agg_warrant_flow_month", "m"), ("agg_warrant_flow_day", "d")):
        op.drop_index(f"ix_{name}_{when}", table_name=name)
        op.drop_table(name)
