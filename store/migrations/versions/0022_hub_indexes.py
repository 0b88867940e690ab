"""Statistics that stay instant on a county hub (issue 19, part 3): on PostgreSQL, covering partial
indexes for the statistics' GROUP BY queries, so that each reads an index alone (an index-only
scan) instead of every visit, issue and evaluation of the county: the period's live visits with
their issue, channel and groups; the live issues by id with their groups (the visits' and
evaluations' join); the period's issues with what their figures read; the evaluations of a
period; the withdrawn visits and issues, counted apart; each issue's first visit (its channel).

The county drill at 180,000 visits (bench/county_drill.py): a year's statistics by tier 1.94 →
0.62 s of SQL (the EXTRACT rewrite of store.reports.figure_sql included).

SQLite: nothing (a station's statistics read a station's own rows; it has no INCLUDE, and its
plans for the same queries stay as they are).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = "deleted_at IS NULL"
# name → what it indexes (store.trust.migrate.include_object leaves `*_figures` out of the
# comparison with the models: they exist on PostgreSQL only).
FIGURE_INDEXES = {
    "ix_visit_received_figures": (
        "visit (received_at) INCLUDE (issue_id, channel, station_id, village_id, category_id)"
        f" WHERE {_LIVE} AND withdrawn_at IS NULL"
    ),
    "ix_visit_withdrawn_figures": (
        f"visit (received_at) WHERE withdrawn_at IS NOT NULL AND {_LIVE}"
    ),
    "ix_visit_first_figures": f"visit (issue_id, received_at, id) INCLUDE (channel) WHERE {_LIVE}",
    "ix_issue_id_figures": (
        f"issue (id) INCLUDE (tier, unit_id, station_id, village_id, category_id) WHERE {_LIVE}"
    ),
    "ix_issue_opened_figures": (
        "issue (opened_on) INCLUDE (status, closed_on, due_on, closed_within_window, tier,"
        f" unit_id, station_id, village_id, category_id) WHERE {_LIVE} AND withdrawn_at IS NULL"
    ),
    "ix_issue_withdrawn_figures": (f"issue (opened_on) WHERE withdrawn_at IS NOT NULL AND {_LIVE}"),
    "ix_evaluation_at_figures": f"evaluation (at) INCLUDE (issue_id, satisfaction) WHERE {_LIVE}",
}


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for name, target in FIGURE_INDEXES.items():
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for name in FIGURE_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
