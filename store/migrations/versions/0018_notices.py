"""Telling residents (告知, issue 18, part 4): a visit's 不用回电 (`visit.no_callback`: the
resident does not want to be called back) and `notice`, one record per resident to be told of
something that happened to their issue (triaged, another unit, a move between tiers, closed),
told or tried by a deputy.

Visits logged before the question was asked did not decline: their residents may be told.
Existing issues queue no notices: what happened to them before the upgrade was not news the desk
promised to tell.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    # add_column, never batch mode: a rebuilt table would lose what points at it.
    op.add_column(
        "visit", sa.Column("no_callback", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "notice",
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("updated_at", _AT(), nullable=False),
        sa.Column("device_id", _TEXT(length=36), nullable=False),
        sa.Column("deleted_at", _AT(), nullable=True),
        sa.Column("issue_id", _TEXT(length=36), nullable=False),
        sa.Column("constituent_id", _TEXT(length=36), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("occasion", _TEXT(length=32), nullable=False),
        sa.Column("told_at", _AT(), nullable=True),
        sa.Column("way", sa.String(length=16), nullable=True),
        sa.Column("deputy_id", _TEXT(length=36), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_try_at", _AT(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"], name=op.f("fk_notice_issue_id_issue")),
        sa.ForeignKeyConstraint(
            ["constituent_id"],
            ["constituent.id"],
            name=op.f("fk_notice_constituent_id_constituent"),
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputy.id"], name=op.f("fk_notice_deputy_id_deputy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    op.create_index("ix_notice_issue_constituent", "notice", ["issue_id", "constituent_id"])


def downgrade() -> None:
    op.drop_index("ix_notice_issue_constituent", table_name="notice")
    op.drop_table("notice")
    op.drop_column("visit", "no_callback")
