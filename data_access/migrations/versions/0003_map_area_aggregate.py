"""map: victims per day, offense and every area layer (agg_victim_area)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filling the aggregates from already-loaded data can outlast the app's statement timeout.
    op.execute("SET LOCAL statement_timeout = 0")
    op.create_table('agg_victim_area',
    sa.Column('d', sa.Date(), nullable=False),
    sa.Column('offense', sa.Text(), nullable=False),
    sa.Column('police_district', sa.Text(), nullable=True),
    sa.Column('police_district_pre2023', sa.Text(), nullable=True),
    sa.Column('police_district_2023', sa.Text(), nullable=True),
    sa.Column('neighborhood', sa.Text(), nullable=True),
    sa.Column('council_district', sa.Text(), nullable=True),
    sa.Column('legislative_district', sa.Text(), nullable=True),
    sa.Column('csa', sa.Text(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False)
    )
    op.create_index('ix_agg_victim_area_d', 'agg_victim_area', ['d'], unique=False)
    # Fill it from whatever is already loaded, so an upgraded database needs no reload.
    op.execute("""INSERT INTO agg_victim_area (d, offense, police_district, police_district_pre2023,
                  police_district_2023, neighborhood, council_district, legislative_district, csa, n)
                  SELECT occurred_date, offense, police_district, police_district_pre2023,
                         police_district_2023, neighborhood, council_district, legislative_district,
                         csa, count(*)
                  FROM victim GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9""")

    op.create_table('agg_victim_area_month',
    sa.Column('m', sa.Date(), nullable=False),
    sa.Column('offense', sa.Text(), nullable=False),
    sa.Column('police_district', sa.Text(), nullable=True),
    sa.Column('police_district_pre2023', sa.Text(), nullable=True),
    sa.Column('police_district_2023', sa.Text(), nullable=True),
    sa.Column('neighborhood', sa.Text(), nullable=True),
    sa.Column('council_district', sa.Text(), nullable=True),
    sa.Column('legislative_district', sa.Text(), nullable=True),
    sa.Column('csa', sa.Text(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False)
    )
    op.create_index('ix_agg_victim_area_month_offense_m', 'agg_victim_area_month', ['offense', 'm'], unique=False)
    for sql in MONTH_SQL:
        op.execute(sql)
    op.create_table('agg_victim_cell_month',
    sa.Column('m', sa.Date(), nullable=False),
    sa.Column('offense', sa.Text(), nullable=False),
    sa.Column('gx', sa.Integer(), nullable=False),
    sa.Column('gy', sa.Integer(), nullable=False),
    sa.Column('police_district', sa.Text(), nullable=True),
    sa.Column('neighborhood', sa.Text(), nullable=True),
    sa.Column('council_district', sa.Text(), nullable=True),
    sa.Column('legislative_district', sa.Text(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False)
    )
    op.create_index('ix_agg_victim_cell_month_offense_m', 'agg_victim_cell_month', ['offense', 'm'], unique=False)
    for sql in CELL_SQL[1:]:
        op.execute(sql)
    op.create_table('agg_victim_area_year',
    sa.Column('y', sa.Date(), nullable=False),
    sa.Column('offense', sa.Text(), nullable=False),
    sa.Column('police_district', sa.Text(), nullable=True),
    sa.Column('police_district_pre2023', sa.Text(), nullable=True),
    sa.Column('police_district_2023', sa.Text(), nullable=True),
    sa.Column('neighborhood', sa.Text(), nullable=True),
    sa.Column('council_district', sa.Text(), nullable=True),
    sa.Column('legislative_district', sa.Text(), nullable=True),
    sa.Column('csa', sa.Text(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False)
    )
    op.create_index('ix_agg_victim_area_year_offense_y', 'agg_victim_area_year', ['offense', 'y'], unique=False)
    op.execute(f"""INSERT INTO agg_victim_area_year (y, offense, {AREAS}, n)
                   SELECT date_trunc('year', m)::date, offense, {AREAS}, sum(n)
                   FROM agg_victim_area_month GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9""")
    op.execute("ANALYZE agg_victim_area_year")
    op.execute("ANALYZE agg_victim_area")
    op.execute("ANALYZE agg_victim_area_month")
    op.execute("ANALYZE agg_victim_cell_month")


AREAS = ("police_district, police_district_pre2023, police_district_2023, neighborhood, council_district, "
         "legislative_district, csa")
MONTH_SQL = (
    f"""INSERT INTO agg_victim_area_month (m, offense, {AREAS}, n)
        SELECT date_trunc('month', d)::date, offense, {AREAS}, sum(n)
        FROM agg_victim_area GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9""",
    f"""INSERT INTO agg_victim_area_month (m, offense, {AREAS}, n)
        SELECT m, '*', {AREAS}, sum(n) FROM agg_victim_area_month
        GROUP BY m, {AREAS}""",
)


GEO4 = "police_district, neighborhood, council_district, legislative_district"
CELL_SQL = (
    None,
    f"""INSERT INTO agg_victim_cell_month (m, offense, gx, gy, {GEO4}, n)
        SELECT date_trunc('month', occurred_date)::date, offense, floor(lon / 0.0047)::int,
               floor(lat / 0.0036)::int, {GEO4}, count(*)
        FROM victim
        WHERE lon IS NOT NULL AND lat IS NOT NULL
          AND offense IN (SELECT code FROM offense_category WHERE NOT sexual)
        GROUP BY 1, 2, 3, 4, {GEO4}""",
    f"""INSERT INTO agg_victim_cell_month (m, offense, gx, gy, {GEO4}, n)
        SELECT m, '*', gx, gy, {GEO4}, sum(n) FROM agg_victim_cell_month
        GROUP BY m, gx, gy, {GEO4}""",
)


def downgrade() -> None:
    op.drop_index('ix_agg_victim_area_year_offense_y', table_name='agg_victim_area_year')
    op.drop_table('agg_victim_area_year')
    op.drop_index('ix_agg_victim_cell_month_offense_m', table_name='agg_victim_cell_month')
    op.drop_table('agg_victim_cell_month')
    op.drop_index('ix_agg_victim_area_month_offense_m', table_name='agg_victim_area_month')
    op.drop_table('agg_victim_area_month')
    op.drop_index('ix_agg_victim_area_d', table_name='agg_victim_area')
    op.drop_table('agg_victim_area')
