"""one finest victim aggregate (agg_victim_detail: day, hour, offense, gun flag, every area) in
place of agg_victim_daily, agg_victim_hourly and agg_victim_area, three near copies of the
victim table; all offenses per area field by day and by year x weekday x hour
(agg_victim_field_daily, agg_victim_hourly_year); geography indexes for whole months
(agg_victim_area_month, agg_victim_area_year) and the gun-violence goal; citywide victims per
month (agg_victim_city_month); no case-charge index that the (case_id, seq)
unique constraint already covers

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")
AREAS = ("police_district", "police_district_pre2023", "police_district_2023", "neighborhood",
         "council_district", "legislative_district", "csa")


def _per_field(table: str, keys: str, source: str) -> str:
    # A frozen copy of data_access.aggregates._per_field, as of this revision.
    return f"""
        INSERT INTO {table} (field, value, {keys}, n)
        SELECT CASE WHEN GROUPING(police_district) = 0 THEN 'police_district'
                    WHEN GROUPING(council_district) = 0 THEN 'council_district'
                    WHEN GROUPING(legislative_district) = 0 THEN 'legislative_district' ELSE 'city' END,
               coalesce(police_district, council_district, legislative_district, ''), {keys}, sum(n)
        FROM ({source}) s
        GROUP BY GROUPING SETS (({keys}), (police_district, {keys}), (council_district, {keys}),
                                (legislative_district, {keys}))
        HAVING GROUPING(police_district) + GROUPING(council_district) + GROUPING(legislative_district) = 3
            OR coalesce(police_district, council_district, legislative_district) IS NOT NULL"""


def upgrade() -> None:
    # Filling the new tables from already-loaded data can outlast the app's statement timeout.
    op.execute("SET LOCAL statement_timeout = 0")
    op.create_table(
        "agg_victim_detail",
        sa.Column("d", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=True),
        sa.Column("offense", sa.Text(), nullable=False),
        sa.Column("gun", sa.Boolean(), nullable=False),
        *[sa.Column(c, sa.Text(), nullable=True) for c in AREAS],
        sa.Column("n", sa.Integer(), nullable=False),
    )
    # Filled from what is already loaded, so an upgraded database needs no reload.
    areas = ", ".join(AREAS)
    op.execute(f"""INSERT INTO agg_victim_detail (d, hour, offense, gun, {areas}, n)
                   SELECT occurred_date, occurred_hour, offense, is_gun_violence, {areas}, count(*)
                   FROM victim GROUP BY occurred_date, occurred_hour, offense, is_gun_violence, {areas}
                   ORDER BY neighborhood, occurred_date""")
    op.create_index("ix_agg_victim_detail_d", "agg_victim_detail", ["d"], unique=False)
    for col in GEO:
        op.create_index(f"ix_agg_victim_detail_{col}_d", "agg_victim_detail", [col, "d"], unique=False)
    for table in ("agg_victim_daily", "agg_victim_hourly", "agg_victim_area"):
        op.drop_table(table)

    fields = [sa.Column("field", sa.Text(), nullable=False), sa.Column("value", sa.Text(), nullable=False)]
    op.create_table("agg_victim_field_daily", *fields, sa.Column("d", sa.Date(), nullable=False),
                    sa.Column("n", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("field", "value", "d"))
    op.create_table("agg_victim_hourly_year", sa.Column("field", sa.Text(), nullable=False),
                    sa.Column("value", sa.Text(), nullable=False), sa.Column("y", sa.Date(), nullable=False),
                    sa.Column("dow", sa.SmallInteger(), nullable=False),
                    sa.Column("hour", sa.SmallInteger(), nullable=False),
                    sa.Column("n", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("field", "value", "y", "dow", "hour"))
    op.execute(_per_field("agg_victim_field_daily", "d",
                          "SELECT d, police_district, council_district, legislative_district, n FROM agg_victim_detail"))
    op.execute(_per_field("agg_victim_hourly_year", "y, dow, hour",
                          "SELECT date_trunc('year', d)::date AS y, date_part('isodow', d)::smallint AS dow, hour, "
                          "police_district, council_district, legislative_district, n "
                          "FROM agg_victim_detail WHERE hour IS NOT NULL"))

    for col in GEO:
        op.create_index(f"ix_agg_victim_area_month_{col}_m", "agg_victim_area_month", [col, "m"], unique=False)
        op.create_index(f"ix_agg_victim_gun_daily_{col}_d", "agg_victim_gun_daily", [col, "d"], unique=False)
    op.create_index("ix_agg_victim_city_daily_gun_d", "agg_victim_city_daily", ["d"], unique=False,
                    postgresql_where="gun")
    op.drop_index("ix_charge_case", table_name="case_charge")
    for col in GEO:
        op.create_index(f"ix_agg_victim_area_year_{col}_y", "agg_victim_area_year", [col, "y"], unique=False)
    op.create_table(
        "agg_victim_city_month",
        sa.Column("m", sa.Date(), nullable=False),
        sa.Column("offense", sa.Text(), nullable=False),
        sa.Column("gun", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("m", "offense", "gun"),
    )
    op.execute("""INSERT INTO agg_victim_city_month (m, offense, gun, n)
                  SELECT date_trunc('month', d)::date, offense, gun, sum(n) FROM agg_victim_city_daily
                  GROUP BY 1, 2, 3""")
    for table in ("agg_victim_detail", "agg_victim_field_daily", "agg_victim_hourly_year",
                  "agg_victim_city_month"):
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")
    op.drop_table("agg_victim_city_month")
    for col in GEO:
        op.drop_index(f"ix_agg_victim_area_year_{col}_y", table_name="agg_victim_area_year")
    op.create_index("ix_charge_case", "case_charge", ["case_id"], unique=False)
    op.drop_index("ix_agg_victim_city_daily_gun_d", table_name="agg_victim_city_daily")
    for col in GEO:
        op.drop_index(f"ix_agg_victim_gun_daily_{col}_d", table_name="agg_victim_gun_daily")
        op.drop_index(f"ix_agg_victim_area_month_{col}_m", table_name="agg_victim_area_month")
    for table in ("agg_victim_field_daily", "agg_victim_hourly_year"):
        op.drop_table(table)

    geo = [sa.Column(c, sa.Text(), nullable=True) for c in GEO]
    op.create_table("agg_victim_daily", sa.Column("d", sa.Date(), nullable=False),
                    sa.Column("offense", sa.Text(), nullable=False), sa.Column("gun", sa.Boolean(), nullable=False),
                    *geo, sa.Column("n", sa.Integer(), nullable=False))
    op.create_table("agg_victim_hourly", sa.Column("d", sa.Date(), nullable=False),
                    sa.Column("hour", sa.SmallInteger(), nullable=False), sa.Column("offense", sa.Text(), nullable=False),
                    *[sa.Column(c, sa.Text(), nullable=True) for c in GEO], sa.Column("n", sa.Integer(), nullable=False))
    op.create_table("agg_victim_area", sa.Column("d", sa.Date(), nullable=False),
                    sa.Column("offense", sa.Text(), nullable=False),
                    *[sa.Column(c, sa.Text(), nullable=True) for c in AREAS], sa.Column("n", sa.Integer(), nullable=False))
    g, areas = ", ".join(GEO), ", ".join(AREAS)
    op.execute(f"""INSERT INTO agg_victim_daily (d, offense, gun, {g}, n) SELECT d, offense, gun, {g}, sum(n)
                   FROM agg_victim_detail GROUP BY d, offense, gun, {g} ORDER BY neighborhood, d""")
    op.execute(f"""INSERT INTO agg_victim_hourly (d, hour, offense, {g}, n) SELECT d, hour, offense, {g}, sum(n)
                   FROM agg_victim_detail WHERE hour IS NOT NULL GROUP BY d, hour, offense, {g}
                   ORDER BY neighborhood, d""")
    op.execute(f"""INSERT INTO agg_victim_area (d, offense, {areas}, n) SELECT d, offense, {areas}, sum(n)
                   FROM agg_victim_detail GROUP BY d, offense, {areas}""")
    op.create_index("ix_agg_victim_area_d", "agg_victim_area", ["d"], unique=False)
    for table in ("agg_victim_daily", "agg_victim_hourly"):
        op.create_index(f"ix_{table}_d", table, ["d"], unique=False)
        for col in GEO:
            op.create_index(f"ix_{table}_{col}_d", table, [col, "d"], unique=False)
    op.drop_table("agg_victim_detail")
