"""Guns and warrants: the guns seized per geography field and area, month, and firearm type,
recovery type, status or neighborhood (``agg_gun_seizure_area``), so a view inside an area over
many years reads a few thousand rows instead of every seizure of its span. Filled here from
``gun_seizure``; every load of seizures and the demo rebuild it after.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# the table's fill as of this revision (a load refills it with
# data_access.guns_warrants.refresh_seizure_aggregate, the same count)
FILL = """
INSERT INTO agg_gun_seizure_area (field, area, m, dim, key, n)
SELECT g.field, g.area, date_trunc('month', s.seized_date)::date, k.dim, k.key, count(*)
FROM gun_seizure s
CROSS JOIN LATERAL (VALUES ('police_district', s.police_district), ('neighborhood', s.neighborhood),
                           ('council_district', s.council_district),
                           ('legislative_district', s.legislative_district)) AS g(field, area)
CROSS JOIN LATERAL (VALUES ('firearm_type', s.firearm_type), ('recovery_type', s.recovery_type),
                           ('status', coalesce(s.status, 'unknown')),
                           ('neighborhood', s.neighborhood)) AS k(dim, key)
WHERE g.area IS NOT NULL AND k.key IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3
"""


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")
    op.create_table(
        "agg_gun_seizure_area",
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("m", sa.Date(), nullable=False),
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.execute(FILL)
    op.create_index("ix_agg_gun_seizure_area", "agg_gun_seizure_area", ["field", "area", "m"], unique=False)
    op.execute("ANALYZE agg_gun_seizure_area")


def downgrade() -> None:
    op.drop_index("ix_agg_gun_seizure_area", table_name="agg_gun_seizure_area")
    op.drop_table("agg_gun_seizure_area")
