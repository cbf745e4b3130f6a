"""Guns and warrants: the warrants outstanding on the data's last day per area, by age and type,
charge category and neighborhood (``agg_warrant_open_end``). A view inside an area whose end date
reaches the data's end (every view by default) read them by summing ``agg_warrant_open_area``'s
issue months and reading the months an age edge cuts from ``warrant``: 12 ms of a 55 ms update at
demo scale 10. It now reads a few dozen rows. Filled here from ``warrant``, so a database is
right the moment it is migrated; every warrant load rebuilds it after
(``data_access.guns_warrants.compute_open_end``, the same count).

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

FILL = """
WITH last AS (SELECT greatest(max(issued_date), max(closed_date)) AS d FROM warrant),
o AS (SELECT w.*, (SELECT d FROM last) - w.issued_date AS age FROM warrant w WHERE w.closed_date IS NULL)
INSERT INTO agg_warrant_open_end (d, field, area, kind, a, b, n)
SELECT (SELECT d FROM last), g.field, g.area, k.kind, k.a, k.b, count(*)
FROM o
CROSS JOIN LATERAL (VALUES ('police_district', o.police_district), ('neighborhood', o.neighborhood),
                           ('council_district', o.council_district),
                           ('legislative_district', o.legislative_district)) AS g(field, area)
CROSS JOIN LATERAL (VALUES ('age', CASE WHEN o.age <= 29 THEN 'lt30' WHEN o.age <= 89 THEN 'd30_90'
                                        WHEN o.age <= 364 THEN 'd90_365' WHEN o.age <= 1094 THEN 'y1_3'
                                        ELSE 'y3plus' END, o.warrant_type),
                           ('category', o.charge_category, NULL), ('area', o.neighborhood, NULL)) AS k(kind, a, b)
WHERE g.area IS NOT NULL AND k.a IS NOT NULL
GROUP BY g.field, g.area, k.kind, k.a, k.b
ORDER BY g.field, g.area
"""


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")  # the fill reads every open warrant (a second at scale 10)
    op.create_table(
        "agg_warrant_open_end",
        sa.Column("d", sa.Date(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("a", sa.Text(), nullable=False),
        sa.Column("b", sa.Text(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.execute(FILL)
    op.create_index("ix_agg_warrant_open_end", "agg_warrant_open_end", ["field", "area"], unique=False)
    op.execute("ANALYZE agg_warrant_open_end")


def downgrade() -> None:
    op.drop_index("ix_agg_warrant_open_end", table_name="agg_warrant_open_end")
    op.drop_table("agg_warrant_open_end")
