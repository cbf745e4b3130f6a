"""Plan KPIs pre-aggregate (issue 15, brief P): arrestees per calendar year and area fields, one
column per age band (``agg_arrest_age_year``), rolled up from the Demographics page's monthly
``agg_arrest_demo``, so the youth-arrests measure reads a row per year and area (a few thousand)
instead of aggregating the monthly table.

A materialized view, not a table: ``data_access.aggregates`` refreshes it whole
(``REFRESH MATERIALIZED VIEW``) inside every load's transaction that changes the arrests, right
after ``agg_arrest_demo`` is rebuilt, and a view stays out of ``data_access.schema.metadata`` (the
migrations test compares tables only). The bands are data_access.vocabulary's as of this revision;
arrestees in any other band are counted in ``other`` (``data_access.kpi`` reads them, should there
ever be any, from ``agg_arrest_demo``).

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# column -> age band (data_access.vocabulary, frozen here; data_access.kpi.AGE_YEAR_BANDS repeats it)
BANDS = (("under_18", "Under 18"), ("age_18_24", "18-24"), ("age_25_34", "25-34"), ("age_35_44", "35-44"),
         ("age_45_54", "45-54"), ("age_55_plus", "55+"), ("age_unknown", "Unknown"))


def upgrade() -> None:
    known = ", ".join(f"'{band}'" for _, band in BANDS)
    columns = ",\n               ".join(
        f"coalesce(sum(n) FILTER (WHERE age_band = '{band}'), 0)::integer AS {col}" for col, band in BANDS)
    op.execute(f"""
        CREATE MATERIALIZED VIEW agg_arrest_age_year AS
        SELECT extract(year FROM m)::integer AS year, police_district, neighborhood, council_district,
               legislative_district,
               {columns},
               coalesce(sum(n) FILTER (WHERE age_band NOT IN ({known})), 0)::integer AS other
        FROM agg_arrest_demo
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 3""")
    op.execute("CREATE INDEX ix_agg_arrest_age_year_year ON agg_arrest_age_year (year)")


def downgrade() -> None:
    op.execute("DROP MATERIALIZED VIEW IF EXISTS agg_arrest_age_year")
