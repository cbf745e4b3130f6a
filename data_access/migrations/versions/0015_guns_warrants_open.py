"""Guns and warrants: the warrants outstanding at the data's end per area, issue month and type,
charge category or neighborhood (``agg_warrant_open_area``), so a view inside an area counts its
outstanding warrants without reading them one by one; the partial per-area indexes of open
warrants gain the issue date (the few issue months the aggregate cannot answer are read through
them). The table is filled here from ``warrant``, so a database is right the moment it is
migrated; every load rebuilds it after.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")

# the table's fill for a database that already holds warrants (a load refills it with
# data_access.guns_warrants.compute_open_area, the same count)
FILL = """
INSERT INTO agg_warrant_open_area (field, area, m, dim, key, n)
SELECT g.field, g.area, date_trunc('month', w.issued_date)::date, k.dim, k.key, count(*)
FROM warrant w
CROSS JOIN LATERAL (VALUES ('police_district', w.police_district), ('neighborhood', w.neighborhood),
                           ('council_district', w.council_district),
                           ('legislative_district', w.legislative_district)) AS g(field, area)
CROSS JOIN LATERAL (VALUES ('warrant_type', w.warrant_type), ('charge_category', w.charge_category),
                           ('neighborhood', w.neighborhood)) AS k(dim, key)
WHERE w.closed_date IS NULL AND g.area IS NOT NULL AND k.key IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3
"""


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")  # the fill reads every open warrant (seconds at scale 10)
    op.create_table(
        "agg_warrant_open_area",
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("m", sa.Date(), nullable=False),
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.execute(FILL)
    op.create_index("ix_agg_warrant_open_area", "agg_warrant_open_area", ["field", "area", "m"], unique=False)
    for g in GEO:
        op.drop_index(f"ix_warrant_open_{g}", table_name="warrant")
        op.create_index(f"ix_warrant_open_{g}", "warrant", [g, "issued_date"], unique=False,
                        postgresql_where=sa.text("closed_date IS NULL"))
    op.execute("ANALYZE agg_warrant_open_area")
    op.execute("ANALYZE warrant")


def downgrade() -> None:
    for g in GEO:
        op.drop_index(f"ix_warrant_open_{g}", table_name="warrant")
        op.create_index(f"ix_warrant_open_{g}", "warrant", [g], unique=False,
                        postgresql_where=sa.text("closed_date IS NULL"))
    op.drop_index("ix_agg_warrant_open_area", table_name="agg_warrant_open_area")
    op.drop_table("agg_warrant_open_area")
