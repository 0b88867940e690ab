"""Indexes for the screens whose SQL grew with the county (issue 19, "every hub screen's SQL
≤ 100 ms" by the growth measured between 180,000 and 600,000 visits, BENCHMARKS.md), on SQLite
and PostgreSQL alike:

- the open issues by the day opened, with their due and warning days, tier, resupervision,
  withdrawal, the groups the statistics break figures down by (station, unit, village,
  category) and their id: the figures of a period that depend on today (open, overdue, the
  colours of the open issues) and a station's board are read from it alone. It replaces 0025's
  index of them on PostgreSQL, which held no id: a year's overdue issues, each of whose first
  visit (its channel) is read by the issue's id, were found by reading every issue of the year
  instead. Measured on the 600,000-visit drill hub, SQL of the screens' store calls: the year's
  statistics by channel 57 → 40 ms, a station's board 21 → 8;
- the live evaluations by when they were made, with their issue and answer, and 0027's issues
  by the day opened with their lead deputy too: the deputies' list counts a period's
  evaluations and its deputies' issues by colour from them alone (82 → 45 ms).

Indexes only: no table is copied, and the downgrade puts back those replaced.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = "deleted_at IS NULL"
_OPEN = f"status <> 'closed' AND {_LIVE}"
_COLUMNS = [
    "opened_on",
    "due_on",
    "warn_on",
    "tier",
    "resupervision",
    "withdrawn_at",
    "station_id",
    "unit_id",
    "village_id",
    "category_id",
    "id",
]
# 0027's index of the live issues by the day opened, as it made it.
_OPENED_COLOUR = [
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
]
# 0025's, as it made it (PostgreSQL only).
_REPLACED = (
    "CREATE INDEX IF NOT EXISTS ix_issue_open_figures ON issue (opened_on) INCLUDE (due_on,"
    " warn_on, resupervision, tier, unit_id, station_id, village_id, category_id)"
    " WHERE status <> 'closed' AND deleted_at IS NULL AND withdrawn_at IS NULL"
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_issue_open_figures")
    op.create_index(
        "ix_issue_open_opened",
        "issue",
        _COLUMNS,
        unique=False,
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )
    _opened_colour(with_lead=True)
    op.create_index(
        "ix_evaluation_at_issue",
        "evaluation",
        ["at", "issue_id", "satisfaction"],
        unique=False,
        sqlite_where=sa.text(_LIVE),
        postgresql_where=sa.text(_LIVE),
    )


def downgrade() -> None:
    _opened_colour(with_lead=False)
    op.drop_index("ix_evaluation_at_issue", table_name="evaluation")
    op.drop_index("ix_issue_open_opened", table_name="issue")
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_REPLACED)


def _opened_colour(*, with_lead: bool) -> None:
    """0027's index of the live issues by the day opened, made again with (or without) the lead
    deputy as its last column."""
    op.drop_index("ix_issue_opened_colour", table_name="issue")
    op.create_index(
        "ix_issue_opened_colour",
        "issue",
        [*_OPENED_COLOUR, *(["lead_deputy_id"] if with_lead else [])],
        unique=False,
        sqlite_where=sa.text(_LIVE),
        postgresql_where=sa.text(_LIVE),
    )
