"""Neighborhood Stat (issue 15): an index on the yearly victim aggregate by CSA, so one CSA's
victims by year (``data_access.vital_signs.victims_by_year``) reads its few hundred rows instead of
scanning the whole table (58,000 rows at demo scale 1).

Revision ID: 0017
Revises: 0016
"""
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_agg_victim_area_year_csa_y", "agg_victim_area_year", ["csa", "y"], unique=False)
    op.execute("ANALYZE agg_victim_area_year")


def downgrade() -> None:
    op.drop_index("ix_agg_victim_area_year_csa_y", table_name="agg_victim_area_year")
