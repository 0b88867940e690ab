"""Search by residents' names, pinyin and phones' last digits without reading every resident:
an index of the names' pinyin (a typed prefix is a range of it), and on SQLite the characters of
each name (`constituent_name_char`, kept by triggers) and an index of each phone's last four
digits, both made by store.search.index (PostgreSQL's trigram indexes already serve those).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 06:30:00
"""

from collections.abc import Sequence

from alembic import op

from store.search.index import drop_name_index, install_name_index

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_constituent_name_pinyin", "constituent", ["name_pinyin"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        install_name_index(conn)


def downgrade() -> None:
    op.drop_index("ix_constituent_name_pinyin", "constituent")
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        drop_name_index(conn)
