"""privacy clean-up of values stored before issue 13's rules: every stored block re-cut with
the current rule (``normalize.block_of_one``: a block or nothing, no house number whatever the
location's shape) and every stored sentence reduced to the sentence vocabulary
(``vocabulary.reduce_sentence``); the data version moves on when anything changed, so no cache
keeps serving the old text. Data only, no schema change; the downgrade leaves the values as they
are (what was removed is not kept anywhere). Uses the current rules rather than frozen copies: on
a new database there is nothing to clean, and on an old one the current rule is the one wanted.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _recut(conn, table: str, column: str, fn) -> int:
    olds = [r[0] for r in conn.execute(sa.text(
        f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'))]
    pairs = [{"old": o, "new": fn(o)} for o in olds]
    pairs = [p for p in pairs if p["new"] != p["old"]]
    if not pairs:
        return 0
    conn.execute(sa.text("CREATE TEMP TABLE privacy_recut (old text PRIMARY KEY, new text) ON COMMIT DROP"))
    conn.execute(sa.text("INSERT INTO privacy_recut (old, new) VALUES (:old, :new)"), pairs)
    n = conn.execute(sa.text(
        f'UPDATE "{table}" t SET "{column}" = r.new FROM privacy_recut r WHERE t."{column}" = r.old')).rowcount
    conn.execute(sa.text("DROP TABLE privacy_recut"))
    return n


def upgrade() -> None:
    from data_access.ingest.normalize import block_of_one
    from data_access.vocabulary import reduce_sentence

    conn = op.get_bind()
    changed = (_recut(conn, "victim", "block", block_of_one) + _recut(conn, "arrest", "block", block_of_one)
               + _recut(conn, "case_charge", "sentence_summary", reduce_sentence))
    if changed:
        conn.execute(sa.text("UPDATE data_state SET version = version + 1, updated_at = now() WHERE id = 1"))


def downgrade() -> None:
    pass
