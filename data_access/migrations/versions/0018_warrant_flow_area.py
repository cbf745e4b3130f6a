"""Guns and warrants: the warrants issued, served and recalled per police, Council or legislative
district, month and charge category or neighborhood (``agg_warrant_flow_area``), so a view inside a
district over many years sums a third of the rows of ``agg_warrant_geo_month`` with one plain
GROUP BY. The table is filled here from ``agg_warrant_geo_month``, so a database is right the
moment it is migrated; every load rebuilds it after.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# the table's fill for a database that already holds warrants (a load refills it with
# data_access.guns_warrants.compute_flow_area, the same count)
FILL = """
INSERT INTO agg_warrant_flow_area (field, area, m, flow, dim, key, n)
SELECT g.field, g.area, a.m, a.flow, k.dim, k.key, sum(a.n)
FROM agg_warrant_geo_month a
CROSS JOIN LATERAL (VALUES ('police_district', a.police_district), ('council_district', a.council_district),
                           ('legislative_district', a.legislative_district)) AS g(field, area)
CROSS JOIN LATERAL (VALUES ('charge_category', a.charge_category), ('neighborhood', a.neighborhood)) AS k(dim, key)
WHERE g.area IS NOT NULL AND k.key IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1, 2, 3
"""


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")  # the fill reads every month's flows (seconds at scale 10)
    op.create_table(
        "agg_warrant_flow_area",
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("m", sa.Date(), nullable=False),
        sa.Column("flow", sa.Text(), nullable=False),
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.execute(FILL)
    op.create_index("ix_agg_warrant_flow_area", "agg_warrant_flow_area", ["field", "area", "m"], unique=False)
    op.execute("ANALYZE agg_warrant_flow_area")


def downgrade() -> None:
    op.drop_index("ix_agg_warrant_flow_area", table_name="agg_warrant_flow_area")
    op.drop_table("agg_warrant_flow_area")
