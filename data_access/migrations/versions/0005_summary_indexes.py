"""summary: geography indexes for whole months (agg_victim_area_month) and the gun-violence goal;
drop a case-charge index the (case_id, seq) unique constraint already covers

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GEO = ("police_district", "neighborhood", "council_district", "legislative_district")


def upgrade() -> None:
    op.execute("SET LOCAL statement_timeout = 0")
    for col in GEO:
        op.create_index(f"ix_agg_victim_area_month_{col}_m", "agg_victim_area_month", [col, "m"], unique=False)
        op.create_index(f"ix_agg_victim_gun_daily_{col}_d", "agg_victim_gun_daily", [col, "d"], unique=False)
    op.create_index("ix_agg_victim_city_daily_gun_d", "agg_victim_city_daily", ["d"], unique=False,
                    postgresql_where="gun")
    op.drop_index("ix_charge_case", table_name="case_charge")


def downgrade() -> None:
    op.create_index("ix_charge_case", "case_charge", ["case_id"], unique=False)
    op.drop_index("ix_agg_victim_city_daily_gun_d", table_name="agg_victim_city_daily")
    for col in GEO:
        op.drop_index(f"ix_agg_victim_gun_daily_{col}_d", table_name="agg_victim_gun_daily")
        op.drop_index(f"ix_agg_victim_area_month_{col}_m", table_name="agg_victim_area_month")
