"""Indexes for the screens that read a county's whole history for a page (issue 19, "every
screen ≤ 1 s"), on SQLite and PostgreSQL alike, measured on the 600,000-visit drill hub
(BENCHMARKS.md):

- the closed issues awaiting their residents' verdict by closing day, with their reopen count:
  the follow-up calls' page is read in its order, and counted from it alone (477 ms of SQL to
  66 ms: 64,000 such issues were read and sorted for a page of 50);
- each deputy's issues and the visits each received, partial to the live ones: the deputies'
  list (237 ms to 70 ms: every issue was read to find the page's deputies');
- the few issues split off another, which an issue's page looks up;
- the live issues by the day opened with all that their colour and the board's order read: a
  figure's issues (the statistics' drill-down) are counted by colour and sorted for their page
  from it alone (a county's year: 590 ms of SQL to 110 ms; 47 MB, 80 bytes a visit). It
  replaces the index of the issues by the day opened alone, which every query of it read
  alongside `deleted_at IS NULL` (the smaller one was the planner's choice on a small hub, and
  a heap read per issue on a large one).

- a unit's issues by their closing day (in place of the unit's issues alone): whether a unit had
  an issue open in a quarter, which the quarterly review lists, is two ranges of it (150 ms a
  statement to 3 ms).

Indexes only: no table is copied, and the downgrade puts back those replaced.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AWAITING_VERDICT = (
    "status = 'closed' AND satisfaction IS NULL AND withdrawn_at IS NULL AND deleted_at IS NULL"
)
# name → (table, columns, the rows indexed)
INDEXES = {
    "ix_issue_awaiting_verdict": ("issue", ["closed_on", "id", "reopen_count"], _AWAITING_VERDICT),
    "ix_issue_lead_deputy": (
        "issue",
        ["lead_deputy_id", "id"],
        "lead_deputy_id IS NOT NULL AND deleted_at IS NULL",
    ),
    "ix_visit_deputy": ("visit", ["deputy_id", "received_at"], "deleted_at IS NULL"),
    "ix_issue_split_from": ("issue", ["split_from"], "split_from IS NOT NULL"),
    "ix_issue_opened_colour": (
        "issue",
        [
            "opened_on",
            "tier",
            "status",
            "satisfaction",
            "closed_on",
            "resupervision",
            "due_on",
            "warn_on",
            "withdrawn_at",
            "id",
        ],
        "deleted_at IS NULL",
    ),
}


def upgrade() -> None:
    op.drop_index("ix_issue_opened_on", table_name="issue")
    op.drop_index("ix_issue_unit", table_name="issue")
    op.create_index("ix_issue_unit_closed", "issue", ["unit_id", "closed_on"], unique=False)
    for name, (table, columns, where) in INDEXES.items():
        op.create_index(
            name,
            table,
            columns,
            unique=False,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, (table, _columns, _where) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.drop_index("ix_issue_unit_closed", table_name="issue")
    op.create_index("ix_issue_unit", "issue", ["unit_id"], unique=False)
    op.create_index("ix_issue_opened_on", "issue", ["opened_on"], unique=False)
