"""Guns and warrants: the guns seized per month, counted per firearm type, recovery type, status
and police district (``agg_gun_seizure_month``), so a citywide span of many years reads a few
thousand rows instead of every seizure. Filled here from ``gun_seizure``, so a database is right
the moment it is migrated; every load of seizures and the demo rebuild it after.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# the table's fill as of this revision (a load refills it with
# data_access.guns_warrants.refresh_seizure_aggregate, the same count)
FILL = """
INSERT INTO agg_gun_seizure_month (m, dim, key, n)
SELECT date_trunc('month', s.seized_date)::date, k.dim, k.key, count(*)
FROM gun_seizure s
CROSS JOIN LATERAL (VALUES ('firearm_type', s.firearm_type), ('recovery_type', s.recovery_type),
                           ('status', coalesce(s.status, 'unknown')),
                           ('police_district', s.police_district)) AS k(dim, key)
WHERE k.key IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1
"""


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")
    op.create_table(
        "agg_gun_seizure_month",
        sa.Column("m", sa.Date(), nullable=False),
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.execute(FILL)
    op.create_index("ix_agg_gun_seizure_month_m", "agg_gun_seizure_month", ["m"], unique=False)
    op.execute("ANALYZE agg_gun_seizure_month")


def downgrade() -> None:
    op.drop_index("ix_agg_gun_seizure_month_m", table_name="agg_gun_seizure_month")
    op.drop_table("agg_gun_seizure_month")
