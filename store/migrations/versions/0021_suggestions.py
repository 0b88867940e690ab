"""Deputies' suggestions (代表建议, issue 20, part 1): `suggestion` (案由, 理由, 建议, its stage and
the latest of each step), its co-signers (`suggestion_deputy`, 附议), its sources (issues and
visits, `suggestion_source`) and its steps (`suggestion_step`). New tables only.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
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
        "suggestion",
        *_record(),
        sa.Column("station_id", _TEXT(length=36), nullable=False),
        sa.Column("title", _TEXT(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("basis", _TEXT(length=100), nullable=False),
        sa.Column("lead_deputy_id", _TEXT(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("submitted_to", _TEXT(length=100), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("handling_units", _TEXT(length=200), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.String(length=16), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("resupervised", sa.Integer(), nullable=False),
        _fk("suggestion", "station_id", "station"),
        _fk("suggestion", "lead_deputy_id", "deputy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
    )
    op.create_index("ix_suggestion_submitted_on", "suggestion", ["submitted_on"])
    op.create_table(
        "suggestion_deputy",
        *_record(),
        sa.Column("suggestion_id", _TEXT(length=36), nullable=False),
        sa.Column("deputy_id", _TEXT(length=36), nullable=False),
        _fk("suggestion_deputy", "suggestion_id", "suggestion"),
        _fk("suggestion_deputy", "deputy_id", "deputy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_deputy")),
    )
    op.create_index("ix_suggestion_deputy_suggestion_id", "suggestion_deputy", ["suggestion_id"])
    op.create_table(
        "suggestion_source",
        *_record(),
        sa.Column("suggestion_id", _TEXT(length=36), nullable=False),
        sa.Column("issue_id", _TEXT(length=36), nullable=True),
        sa.Column("visit_id", _TEXT(length=36), nullable=True),
        _fk("suggestion_source", "suggestion_id", "suggestion"),
        _fk("suggestion_source", "issue_id", "issue"),
        _fk("suggestion_source", "visit_id", "visit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_source")),
    )
    for column in ("suggestion_id", "issue_id", "visit_id"):
        op.create_index(f"ix_suggestion_source_{column}", "suggestion_source", [column])
    op.create_table(
        "suggestion_step",
        *_record(),
        sa.Column("suggestion_id", _TEXT(length=36), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.String(length=16), nullable=True),
        sa.Column("deputy_id", _TEXT(length=36), nullable=True),
        _fk("suggestion_step", "suggestion_id", "suggestion"),
        _fk("suggestion_step", "deputy_id", "deputy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_step")),
    )
    op.create_index("ix_suggestion_step_suggestion_id", "suggestion_step", ["suggestion_id"])


def downgrade() -> None:
    op.drop_table("suggestion_step")
    op.drop_table("suggestion_source")
    op.drop_table("suggestion_deputy")
    op.drop_table("suggestion")
