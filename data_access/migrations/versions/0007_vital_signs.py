"""Neighborhood Stat tables (issue 15): BNIA Vital Signs values and their indicator dictionary.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vital_sign_indicator",
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("normalization_source", sa.Text(), nullable=True),
        sa.Column("definition", sa.Text(), nullable=True),
        sa.Column("years_available", sa.Text(), nullable=True),
        sa.Column("in_dictionary", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("indicator"),
    )
    op.create_table(
        "vital_sign_value",
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("csa", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("indicator", "csa", "year"),
    )
    op.create_index("ix_vital_sign_value_csa", "vital_sign_value", ["csa", "indicator"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_vital_sign_value_csa", table_name="vital_sign_value")
    op.drop_table("vital_sign_value")
    op.drop_table("vital_sign_indicator")
