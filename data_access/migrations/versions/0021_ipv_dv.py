"""IPV pre-aggregates (issue 15): the incidents flagged as domestic per month and year, offense
("*": every offense together) and area fields, the numerator of the Plan KPI's domestic-violence
share (``data_access.ipv.kpi_dv_share``), which read every incident of its years (770,000 at demo
scale 10). Filled here from ``ipv_incident``; every rebuild of the Part 1 tables, and every IPV
load, rebuilds them after (``data_access.ipv.refresh_dv``).

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_FIELDS = ("offense", "police_district", "neighborhood", "council_district", "legislative_district")
_AREAS = ", ".join(_FIELDS[1:])
# the tables' fill as of this revision (data_access.ipv.refresh_dv makes the same counts)
FILL = (f"""
INSERT INTO ipv_dv_month (m, offense, {_AREAS}, n)
SELECT date_trunc('month', occurred_date)::date, CASE WHEN GROUPING(offense) = 1 THEN '*' ELSE offense END,
       {_AREAS}, count(*)
FROM ipv_incident
GROUP BY GROUPING SETS ((date_trunc('month', occurred_date), offense, {_AREAS}),
                        (date_trunc('month', occurred_date), {_AREAS}))""", f"""
INSERT INTO ipv_dv_year (y, offense, {_AREAS}, n)
SELECT date_trunc('year', m)::date, offense, {_AREAS}, sum(n) FROM ipv_dv_month
GROUP BY 1, offense, {_AREAS}""")


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")
    for name, key in (("ipv_dv_month", "m"), ("ipv_dv_year", "y")):
        op.create_table(name, sa.Column(key, sa.Date(), nullable=False),
                        *[sa.Column(c, sa.Text(), nullable=True) for c in _FIELDS],
                        sa.Column("n", sa.Integer(), nullable=False))
    for stmt in FILL:
        op.execute(stmt)
    for name, key in (("ipv_dv_month", "m"), ("ipv_dv_year", "y")):
        op.create_index(f"ix_{name}_offense_{key}", name, ["offense", key], unique=False)
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    op.drop_table("ipv_dv_year")
    op.drop_table("ipv_dv_month")
