"""Search and urgency: residents' names in pinyin, a trigram index of visit texts, the
vulnerable-resident flag and repeat visits (重复诉求).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite does it in place). Batch mode would rebuild these tables, which
    # fails on a station with data: other tables' foreign keys point at them.
    op.add_column(
        "constituent",
        sa.Column("vulnerable", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "constituent",
        sa.Column("name_pinyin", sa.String(length=200), nullable=False, server_default=""),
    )
    op.add_column(
        "constituent",
        sa.Column("name_initials", sa.String(length=50), nullable=False, server_default=""),
    )
    op.create_index("ix_constituent_name_initials", "constituent", ["name_initials"])
    op.add_column(
        "issue", sa.Column("repeat_count", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "visit",
        sa.Column("is_repeat", sa.Boolean(), nullable=False, server_default=sa.false()),
    )

    conn = op.get_bind()
    _backfill_pinyin(conn)
    # The index's DDL lives in one place; a later migration that changes it re-installs it.
    from store.search.index import install_search_index

    install_search_index(conn)


def _backfill_pinyin(conn: sa.Connection) -> None:
    # Derived columns, not a change of the residents' records: written without change-log rows.
    from store.core.pinyin import name_keys

    constituent = sa.table(
        "constituent",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("name_pinyin", sa.String),
        sa.column("name_initials", sa.String),
    )
    rows = conn.execute(sa.select(constituent.c.id, constituent.c.name)).all()
    if not rows:
        return
    conn.execute(
        constituent.update()
        .where(constituent.c.id == sa.bindparam("row_id"))
        .values(name_pinyin=sa.bindparam("p"), name_initials=sa.bindparam("i")),
        [
            {"row_id": row_id, "p": keys["name_pinyin"], "i": keys["name_initials"]}
            for row_id, name in rows
            for keys in (name_keys(name),)
        ],
    )


def downgrade() -> None:
    from store.search.index import drop_search_index

    drop_search_index(op.get_bind())
    # Plain DROP COLUMN (SQLite 3.35+), for the reason upgrade() avoids batch mode.
    op.drop_column("visit", "is_repeat")
    op.drop_column("issue", "repeat_count")
    op.drop_index("ix_constituent_name_initials", table_name="constituent")
    op.drop_column("constituent", "name_initials")
    op.drop_column("constituent", "name_pinyin")
    op.drop_column("constituent", "vulnerable")
