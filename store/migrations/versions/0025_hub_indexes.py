"""Statistics that stay instant on a county hub (issue 19, part 3), on PostgreSQL:

- the daily sums of the statistics' additive counts (store.reports.figure_days: `figure_day`,
  their monthly totals `figure_month`, the days written since they were counted in
  `figure_dirty`, and the triggers that note those days), counted here for every day a hub
  holds, in its stations' time zone; a station's database on PostgreSQL gets the tables but no
  sums (its statistics stay live);
- a partial index of the open issues by the day opened, with their due and warning dates,
  whether re-supervised, and groups: what the sums cannot hold (overdue today, the colours) is
  read from it alone; and one of the closed issues no
  evaluation came for, which turn yellow after the grace period: with the open ones, the only
  issues a period's colour mix reads (the rest are green: how many, the sums say).

Measured with the county drill at 180,000 visits (bench/county_drill.py, BENCHMARKS.md): a year's
statistics by tier took 1.94 s of SQL; covering partial indexes for the live GROUP BY queries
(the period's visits with their issue and groups, live issues by id with their groups, the
period's issues with what their figures read, evaluations by time, each issue's first visit)
brought it to 0.62 s at 119 MB of indexes, which does not meet 100 ms and grows with the county;
the sums bring it under 0.1 s, and those indexes are not kept.

SQLite: nothing (a station's statistics read a station's own rows).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = "deleted_at IS NULL"
# name → what it indexes (store.trust.migrate.include_object leaves `*_figures` out of the
# comparison with the models: they exist on PostgreSQL only).
FIGURE_INDEXES = {
    "ix_issue_open_figures": (
        "issue (opened_on) INCLUDE (due_on, warn_on, resupervision, tier, unit_id, station_id,"
        " village_id, category_id)"
        f" WHERE status <> 'closed' AND {_LIVE} AND withdrawn_at IS NULL"
    ),
    # The closed issues no evaluation came for: yellow once the grace period is over (the
    # colour mix of a period, store.reports.stats.colour_mix).
    "ix_issue_unevaluated_figures": (
        "issue (opened_on) INCLUDE (closed_on, tier, unit_id, station_id)"
        f" WHERE status = 'closed' AND satisfaction IS NULL AND {_LIVE} AND withdrawn_at IS NULL"
    ),
}


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    from store.core.clock import STATION_TZ
    from store.reports.figure_days import install_figure_days

    for name, target in FIGURE_INDEXES.items():
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    # Counted on a hub's database only (a station's statistics on PostgreSQL, for trials and
    # tests, stay live), in the stations' time zone when they share one (a county's do).
    hub = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = 'hub'").scalar()
    zones = conn.exec_driver_sql(
        "SELECT DISTINCT timezone FROM station WHERE timezone IS NOT NULL"
    ).all()
    zone = zones[0][0] if len(zones) == 1 else STATION_TZ
    install_figure_days(conn, zone if hub == "1" else None)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    from store.reports.figure_days import drop_figure_days

    drop_figure_days(conn)
    for name in FIGURE_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
