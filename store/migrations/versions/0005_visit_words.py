"""Words of visits (民意热词): the vocabulary, each visit's words, and each word's visits per
day; the words of existing visits derived once, here.

Local derived tables (store.hot_words.word_index): never logged, never synced. The counts table is
its own primary key (WITHOUT ROWID): one b-tree, no second index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_word")),
        sa.UniqueConstraint("text", name=op.f("uq_word_text")),
    )
    op.create_table(
        "word_scope",
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_word_scope")),
        sa.UniqueConstraint("ref", name=op.f("uq_word_scope_ref")),
    )
    op.create_table(
        "word_visit",
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("village_no", sa.Integer(), nullable=False),
        sa.Column("category_no", sa.Integer(), nullable=False),
        sa.Column("word_ids", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_word_visit")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_word_visit_visit_id")),
    )
    op.create_index("ix_word_visit_day", "word_visit", ["day"])
    op.create_index("ix_word_visit_village_day", "word_visit", ["village_no", "day"])
    op.create_index("ix_word_visit_category_day", "word_visit", ["category_no", "day"])
    op.create_table(
        "word_day",
        sa.Column("word_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word_id", "day", name=op.f("pk_word_day")),
        sqlite_with_rowid=False,
    )
    # The words of the visits already written (this code at this revision: extraction is
    # deterministic, and a later dictionary change would come with its own rebuild).
    from store.hot_words.word_index import rebuild_visit_words

    rebuild_visit_words(op.get_bind())


def downgrade() -> None:
    for index in ("ix_word_visit_category_day", "ix_word_visit_village_day", "ix_word_visit_day"):
        op.drop_index(index, table_name="word_visit")
    for table in ("word_day", "word_visit", "word_scope", "word"):
        op.drop_table(table)
