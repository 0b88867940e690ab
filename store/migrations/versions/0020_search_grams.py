"""Search on PostgreSQL at a county's scale (issue 19, part 2): the texts searched by substring
(visits' words, issues' titles, residents' names) get a GIN index over their characters and
pairs of characters, which serves terms of every length, one and two characters included; the
phones' last four digits get the index SQLite has. pg_trgm's indexes, which could not serve a
term shorter than three characters, go. SQLite: nothing changes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pg_trgm's indexes as schema 0004 to 0019 made them (store.search.index then).
_TRIGRAM_INDEXES = {
    "ix_visit_text_trgm": "visit USING gin (text gin_trgm_ops)",
    "ix_issue_title_trgm": "issue USING gin (title gin_trgm_ops)",
    "ix_constituent_name_trgm": "constituent USING gin (name gin_trgm_ops)",
    "ix_constituent_name_pinyin_trgm": "constituent USING gin (name_pinyin gin_trgm_ops)",
    "ix_constituent_phone_trgm": "constituent USING gin ((replace(phone, '-', '')) gin_trgm_ops)",
}


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    from store.search.index import install_search_index

    for name in _TRIGRAM_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    install_search_index(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    from store.search.index import drop_search_index

    drop_search_index(conn)
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, target in _TRIGRAM_INDEXES.items():
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
