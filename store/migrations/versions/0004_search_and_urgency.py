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
    with op.batch_alter_table("constituent") as batch:
        batch.add_column(
            sa.Column("vulnerable", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("name_pinyin", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("name_initials", sa.String(length=50), nullable=False, server_default="")
        )
        batch.create_index("ix_constituent_name_initials", ["name_initials"])
    with op.batch_alter_table("issue") as batch:
        batch.add_column(
            sa.Column("repeat_count", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("visit") as batch:
        batch.add_column(
            sa.Column("is_repeat", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    conn = op.get_bind()
    _backfill_pinyin(conn)
    # The index's DDL lives in one place; a later migration that changes it re-installs it.
    from store.search_index import install_search_index

    install_search_index(conn)


def _backfill_pinyin(conn: sa.Connection) -> None:
    # Derived columns, not a change of the residents' records: written without change-log rows.
    from store.pinyin import name_keys

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
    from store.search_index import drop_search_index

    drop_search_index(op.get_bind())
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("is_repeat")
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("repeat_count")
    with op.batch_alter_table("constituent") as batch:
        batch.drop_index("ix_constituent_name_initials")
        batch.drop_column("name_initials")
        batch.drop_column("name_pinyin")
        batch.drop_column("vulnerable")
