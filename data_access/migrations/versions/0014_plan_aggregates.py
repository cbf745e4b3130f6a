"""Reserved (issue 15): Plan KPIs' pre-aggregates (brief P). A no-op until it is filled in.

Revision ID: 0014
Revises: 0013
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
