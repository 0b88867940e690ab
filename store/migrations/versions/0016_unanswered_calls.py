"""Follow-up calls nobody answered (issue 17, part 7): `unanswered_call`, one record a try (who,
when, which closure of the issue it followed up), the last one marked when the station gave up.

A new synced table, nothing else changes: existing stations have no tries yet.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "unanswered_call",
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("updated_at", _AT(), nullable=False),
        sa.Column("device_id", _TEXT(length=36), nullable=False),
        sa.Column("deleted_at", _AT(), nullable=True),
        sa.Column("issue_id", _TEXT(length=36), nullable=False),
        sa.Column("at", _AT(), nullable=False),
        sa.Column("deputy_id", _TEXT(length=36), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("gave_up", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_unanswered_call_issue_id_issue")
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputy.id"], name=op.f("fk_unanswered_call_deputy_id_deputy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_call")),
    )
    op.create_index("ix_unanswered_call_issue", "unanswered_call", ["issue_id", "round"])


def downgrade() -> None:
    op.drop_index("ix_unanswered_call_issue", table_name="unanswered_call")
    op.drop_table("unanswered_call")
