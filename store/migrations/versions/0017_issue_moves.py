"""Issues move between tiers (issue 18, part 1): `issue_move`, one record a move (升级/降级: who,
when, from which tier and unit to which, why, and the tier it left judged on time or late), and
`issue.tier_since`, the day the present tier's window counts from.

Existing stations have no moves: every issue's window counts from its opening day, which a null
`tier_since` means, so no row is rewritten.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    # Plain ADD COLUMN: batch mode would rebuild `issue`, which fails on a station with data
    # (visits' and progress entries' foreign keys point at it).
    op.add_column("issue", sa.Column("tier_since", sa.Date(), nullable=True))
    op.create_table(
        "issue_move",
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("updated_at", _AT(), nullable=False),
        sa.Column("device_id", _TEXT(length=36), nullable=False),
        sa.Column("deleted_at", _AT(), nullable=True),
        sa.Column("station_id", _TEXT(length=36), nullable=False),
        sa.Column("issue_id", _TEXT(length=36), nullable=False),
        sa.Column("moved_at", _AT(), nullable=False),
        sa.Column("deputy_id", _TEXT(length=36), nullable=True),
        sa.Column("from_tier", sa.String(length=16), nullable=False),
        sa.Column("to_tier", sa.String(length=16), nullable=False),
        sa.Column("from_unit_id", _TEXT(length=36), nullable=False),
        sa.Column("to_unit_id", _TEXT(length=36), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("note", _TEXT(length=200), nullable=False),
        sa.Column("from_due_on", sa.Date(), nullable=False),
        sa.Column("from_on_time", sa.Boolean(), nullable=False),
        sa.Column("to_due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_issue_move_station_id_station")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_issue_move_issue_id_issue")
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputy.id"], name=op.f("fk_issue_move_deputy_id_deputy")
        ),
        sa.ForeignKeyConstraint(
            ["from_unit_id"], ["unit.id"], name=op.f("fk_issue_move_from_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["to_unit_id"], ["unit.id"], name=op.f("fk_issue_move_to_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_move")),
    )
    op.create_index("ix_issue_move_issue", "issue_move", ["issue_id", "moved_at"])
    op.create_index("ix_issue_move_moved_at", "issue_move", ["moved_at"])


def downgrade() -> None:
    op.drop_index("ix_issue_move_moved_at", table_name="issue_move")
    op.drop_index("ix_issue_move_issue", table_name="issue_move")
    op.drop_table("issue_move")
    op.drop_column("issue", "tier_since")
