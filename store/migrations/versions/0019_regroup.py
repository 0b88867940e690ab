"""Split, merge and withdraw (issue 18, part 3): an issue merged into another keeps the survivor's
id (`issue.merged_into`), one split off keeps its origin's (`issue.split_from`); a visit the
resident withdrew (撤回) keeps when and why (`visit.withdrawn_at`, `visit.withdrawn_reason`), and
an issue closed because all its residents withdrew says when (`issue.withdrawn_at`).

New nullable columns, nothing else changes: existing stations have no merges or withdrawals yet.
Numbered 0019 on its branch beside 0017 and 0018 of other parts of the issue; the chain is put
in order when they are brought together.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime
_MERGED = sa.text("merged_into IS NOT NULL")


def upgrade() -> None:
    # add_column, never batch mode: a rebuilt table would lose what points at it (the visits'
    # search triggers among them).
    op.add_column("issue", sa.Column("merged_into", _TEXT(length=36), nullable=True))
    op.add_column("issue", sa.Column("split_from", _TEXT(length=36), nullable=True))
    op.add_column("issue", sa.Column("withdrawn_at", _AT(), nullable=True))
    op.add_column("visit", sa.Column("withdrawn_at", _AT(), nullable=True))
    op.add_column("visit", sa.Column("withdrawn_reason", _TEXT(length=200), nullable=True))
    op.create_index(
        "ix_issue_merged_into",
        "issue",
        ["merged_into"],
        sqlite_where=_MERGED,
        postgresql_where=_MERGED,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_issue_merged_into", table_name="issue", sqlite_where=_MERGED, postgresql_where=_MERGED
    )
    op.drop_column("visit", "withdrawn_reason")
    op.drop_column("visit", "withdrawn_at")
    op.drop_column("issue", "withdrawn_at")
    op.drop_column("issue", "split_from")
    op.drop_column("issue", "merged_into")
