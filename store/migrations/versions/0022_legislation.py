"""Legislative consultation (基层立法联系点, issue 20, part 2): draft regulations
(`draft_regulation`), their articles and headings (`draft_article`) and the opinions gathered on
them with the legislature's answers (`legislative_opinion`). New tables only.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def _record() -> list[sa.Column[object]]:
    return [
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("updated_at", _AT(), nullable=False),
        sa.Column("device_id", _TEXT(length=36), nullable=False),
        sa.Column("deleted_at", _AT(), nullable=True),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "draft_regulation",
        *_record(),
        sa.Column("station_id", _TEXT(length=36), nullable=False),
        sa.Column("title", _TEXT(length=100), nullable=False),
        sa.Column("source", _TEXT(length=100), nullable=False),
        sa.Column("loaded_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        _fk("draft_regulation", "station_id", "station"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_regulation")),
    )
    op.create_table(
        "draft_article",
        *_record(),
        sa.Column("draft_id", _TEXT(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("label", _TEXT(length=50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("draft_article", "draft_id", "draft_regulation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_article")),
    )
    op.create_index("ix_draft_article_draft_id", "draft_article", ["draft_id"])
    op.create_table(
        "legislative_opinion",
        *_record(),
        sa.Column("draft_id", _TEXT(length=36), nullable=False),
        sa.Column("article_id", _TEXT(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visit_id", _TEXT(length=36), nullable=True),
        sa.Column("who", _TEXT(length=50), nullable=False),
        sa.Column("place", _TEXT(length=100), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("deputy_id", _TEXT(length=36), nullable=True),
        sa.Column("adoption", sa.String(length=16), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        _fk("legislative_opinion", "draft_id", "draft_regulation"),
        _fk("legislative_opinion", "article_id", "draft_article"),
        _fk("legislative_opinion", "visit_id", "visit"),
        _fk("legislative_opinion", "deputy_id", "deputy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legislative_opinion")),
    )
    for column in ("draft_id", "article_id", "visit_id", "given_on", "answered_on"):
        op.create_index(f"ix_legislative_opinion_{column}", "legislative_opinion", [column])


def downgrade() -> None:
    op.drop_table("legislative_opinion")
    op.drop_table("draft_article")
    op.drop_table("draft_regulation")
