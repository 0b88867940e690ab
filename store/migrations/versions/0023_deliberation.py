"""Deliberation sessions (议事活动, issue 20, part 3): `deliberation` (民情茶馆, 百姓夜话, 人大有请,
人大开放日, 向人民报告, 代表述职: when, where, who, the topics, the decisions and the satisfaction
vote), the deputies present (`deliberation_deputy`), and `visit.deliberation_id`, the session a
visit was raised at.

New tables and one new nullable column: visits logged before were raised at no session.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-14 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime
_RAISED = sa.text("deliberation_id IS NOT NULL")


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
        "deliberation",
        *_record(),
        sa.Column("station_id", _TEXT(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", _TEXT(length=100), nullable=False),
        sa.Column("officials", _TEXT(length=200), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("reporting_deputy_id", _TEXT(length=36), nullable=True),
        sa.Column("satisfied", sa.Integer(), nullable=True),
        sa.Column("fairly", sa.Integer(), nullable=True),
        sa.Column("unsatisfied", sa.Integer(), nullable=True),
        _fk("deliberation", "station_id", "station"),
        _fk("deliberation", "reporting_deputy_id", "deputy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliberation")),
    )
    op.create_index("ix_deliberation_held_on", "deliberation", ["held_on"])
    op.create_table(
        "deliberation_deputy",
        *_record(),
        sa.Column("deliberation_id", _TEXT(length=36), nullable=False),
        sa.Column("deputy_id", _TEXT(length=36), nullable=False),
        _fk("deliberation_deputy", "deliberation_id", "deliberation"),
        _fk("deliberation_deputy", "deputy_id", "deputy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliberation_deputy")),
    )
    op.create_index(
        "ix_deliberation_deputy_deliberation_id", "deliberation_deputy", ["deliberation_id"]
    )
    op.create_index("ix_deliberation_deputy_deputy", "deliberation_deputy", ["deputy_id"])
    # add_column, never batch mode: a rebuilt table would lose what points at it (the visits'
    # search triggers among them). No foreign key, as the model says why.
    op.add_column("visit", sa.Column("deliberation_id", _TEXT(length=36), nullable=True))
    op.create_index(
        "ix_visit_deliberation",
        "visit",
        ["deliberation_id"],
        sqlite_where=_RAISED,
        postgresql_where=_RAISED,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_visit_deliberation", table_name="visit", sqlite_where=_RAISED, postgresql_where=_RAISED
    )
    op.drop_column("visit", "deliberation_id")
    op.drop_table("deliberation_deputy")
    op.drop_table("deliberation")
