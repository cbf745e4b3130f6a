"""911 calls tables (issue 15): call_for_service and its pre-aggregates (by day and by month).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")


def _kinds() -> list:
    return [sa.Column(c, sa.Text(), nullable=False) for c in ("priority", "category", "response_type")]


def upgrade() -> None:
    op.create_table(
        "call_for_service",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=True),
        sa.Column("call_number", sa.Text(), nullable=True),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("call_date", sa.Date(), nullable=False),
        sa.Column("call_hour", sa.SmallInteger(), nullable=True),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("response_type", sa.Text(), nullable=False),
        *[sa.Column(c, sa.Text(), nullable=True) for c in ("block", "post", "zip_code", *GEO, "csa")],
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_call_date", "call_for_service", ["call_date"], unique=False)
    op.create_index("ux_call_key", "call_for_service", ["source_key"], unique=True,
                    postgresql_where=sa.text("source <> 'demo'"))
    op.create_table("agg_call_city_day", sa.Column("d", sa.Date(), nullable=False),
                    *_kinds(), sa.Column("n", sa.Integer(), nullable=False))
    op.create_index("ix_agg_call_city_day_d", "agg_call_city_day", ["d"], unique=False)
    op.create_table("agg_call_geo_day", sa.Column("d", sa.Date(), nullable=False),
                    *[sa.Column(g, sa.Text(), nullable=True) for g in GEO],
                    *_kinds(), sa.Column("n", sa.Integer(), nullable=False))
    for g in GEO:
        op.create_index(f"ix_agg_call_geo_day_{g}", "agg_call_geo_day", [g, "d"], unique=False)
    op.create_table("agg_call_area_day", sa.Column("d", sa.Date(), nullable=False),
                    sa.Column("field", sa.Text(), nullable=False), sa.Column("area", sa.Text(), nullable=False),
                    sa.Column("response_type", sa.Text(), nullable=False), sa.Column("n", sa.Integer(), nullable=False))
    op.create_index("ix_agg_call_area_day", "agg_call_area_day", ["field", "d"], unique=False)
    op.create_table("agg_call_city_month", sa.Column("m", sa.Date(), nullable=False),
                    *_kinds(), sa.Column("n", sa.Integer(), nullable=False))
    op.create_index("ix_agg_call_city_month_m", "agg_call_city_month", ["m"], unique=False)
    op.create_table("agg_call_geo_month", sa.Column("m", sa.Date(), nullable=False),
                    *[sa.Column(g, sa.Text(), nullable=True) for g in GEO],
                    *_kinds(), sa.Column("n", sa.Integer(), nullable=False))
    for g in GEO:
        op.create_index(f"ix_agg_call_geo_month_{g}", "agg_call_geo_month", [g, "m"], unique=False)
    op.create_table("agg_call_area_month", sa.Column("m", sa.Date(), nullable=False),
                    sa.Column("field", sa.Text(), nullable=False), sa.Column("area", sa.Text(), nullable=False),
                    sa.Column("response_type", sa.Text(), nullable=False), sa.Column("n", sa.Integer(), nullable=False))
    op.create_index("ix_agg_call_area_month", "agg_call_area_month", ["field", "m"], unique=False)


def downgrade() -> None:
    for t in ("agg_call_area_month", "agg_call_geo_month", "agg_call_city_month", "agg_call_area_day", "agg_call_geo_day", "agg_call_city_day", "call_for_service"):
        op.drop_table(t)
