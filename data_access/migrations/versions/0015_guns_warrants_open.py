"""Reserved (issue 15): Guns and warrants' open-warrant pre-aggregates (brief G). A no-op until it is filled in.

Revision ID: 0015
Revises: 0014
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
