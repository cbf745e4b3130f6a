"""demographics, arrests and case outcomes: population by group, demographic and outcome
pre-aggregates, the incident an arrest clears, and case-search indexes

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")


def _geo():
    return [sa.Column(c, sa.Text(), nullable=True) for c in GEO]


def _demo():
    return _geo() + [
        sa.Column("age_band", sa.Text(), nullable=False),
        sa.Column("sex", sa.Text(), nullable=False),
        sa.Column("race", sa.Text(), nullable=False),
        sa.Column("ethnicity", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("arrest", sa.Column("cc_number", sa.Text(), nullable=True))
    op.create_index("ix_arrest_cc_number", "arrest", ["cc_number"], unique=False)
    op.create_index("ix_case_filed_id", "sao_case", ["filed_date", "id"], unique=False)
    op.create_index("ix_charge_description", "case_charge", ["description", "case_id"], unique=False)
    op.create_table(
        "population_group",
        sa.Column("layer", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("dimension", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("layer", "code", "year", "dimension", "category"),
    )
    op.create_table("agg_victim_demo", sa.Column("m", sa.Date(), nullable=False),
                    sa.Column("offense", sa.Text(), nullable=False), *_demo())
    op.create_index("ix_agg_victim_demo_m", "agg_victim_demo", ["m"], unique=False)
    op.create_table("agg_arrest_demo", sa.Column("m", sa.Date(), nullable=False),
                    sa.Column("charge_category", sa.Text(), nullable=True), *_demo())
    op.create_index("ix_agg_arrest_demo_m", "agg_arrest_demo", ["m"], unique=False)
    op.create_table(
        "agg_gun_incident",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("offense", sa.Text(), nullable=False),
        *_geo(),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.Column("cleared_same_year", sa.Integer(), nullable=False),
        sa.Column("cleared_by_now", sa.Integer(), nullable=False),
    )
    op.create_table(
        "agg_gun_arrest",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("offense", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        *_geo(),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "agg_charge_outcome",
        sa.Column("d", sa.Date(), nullable=False),
        *_geo(),
        sa.Column("gun", sa.Boolean(), nullable=False),
        sa.Column("disposition", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_agg_charge_outcome_d", "agg_charge_outcome", ["d"], unique=False)
    op.create_table(
        "agg_case_status",
        sa.Column("d", sa.Date(), nullable=False),
        *_geo(),
        sa.Column("gun", sa.Boolean(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_agg_case_status_d", "agg_case_status", ["d"], unique=False)
    op.create_table(
        "case_search",
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("filed_date", sa.Date(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        *_geo(),
    )
    op.create_index("ix_case_search", "case_search", ["description", "filed_date", "case_id"], unique=False)


def downgrade() -> None:
    for name in ("case_search", "agg_case_status", "agg_charge_outcome", "agg_gun_arrest", "agg_gun_incident",
                 "agg_arrest_demo", "agg_victim_demo", "population_group"):
        op.drop_table(name)
    op.drop_index("ix_charge_description", table_name="case_charge")
    op.drop_index("ix_case_filed_id", table_name="sao_case")
    op.drop_index("ix_arrest_cc_number", table_name="arrest")
    op.drop_column("arrest", "cc_number")
