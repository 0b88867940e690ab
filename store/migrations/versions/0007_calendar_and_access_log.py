"""The working-day calendar (holidays and make-up workdays, seeded for 2026) and the access log
(who revealed a resident's phone).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 23:00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED_DEVICE = "00000000-0000-0000-0000-000000000000"
SEED_AT = datetime(2026, 1, 1, tzinfo=UTC)
CALENDAR_NAMESPACE = uuid.UUID("0b7f8a52-3d1e-4c7a-9a55-2f6e1d0c9b21")


def _span(first: date, days: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(days)]


# The State Council's 2026 schedule (国办发明电〔2025〕7号), frozen here; stations edit their own.
HOLIDAYS_2026 = [
    *((d, "元旦") for d in _span(date(2026, 1, 1), 3)),
    *((d, "春节") for d in _span(date(2026, 2, 15), 9)),
    *((d, "清明节") for d in _span(date(2026, 4, 4), 3)),
    *((d, "劳动节") for d in _span(date(2026, 5, 1), 5)),
    *((d, "端午节") for d in _span(date(2026, 6, 19), 3)),
    *((d, "中秋节") for d in _span(date(2026, 9, 25), 3)),
    *((d, "国庆节") for d in _span(date(2026, 10, 1), 7)),
]
WORKDAYS_2026 = [
    (date(2026, 1, 4), "元旦调休"),
    (date(2026, 2, 14), "春节调休"),
    (date(2026, 2, 28), "春节调休"),
    (date(2026, 5, 9), "劳动节调休"),
    (date(2026, 9, 20), "国庆节调休"),
    (date(2026, 10, 10), "国庆节调休"),
]

calendar_day = sa.table(
    "calendar_day",
    sa.column("id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("device_id", sa.String),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
    sa.column("day", sa.Date),
    sa.column("kind", sa.String),
    sa.column("name", sa.String),
)


def _common() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        *_common(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_day")),
    )
    op.create_index("ix_calendar_day_day", "calendar_day", ["day"])
    op.create_table(
        "access_log",
        *_common(),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("deputy_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.bulk_insert(
        calendar_day,
        [
            {
                "id": str(uuid.uuid5(CALENDAR_NAMESPACE, day.isoformat())),
                "created_at": SEED_AT,
                "updated_at": SEED_AT,
                "device_id": SEED_DEVICE,
                "deleted_at": None,
                "day": day,
                "kind": kind,
                "name": name,
            }
            for kind, days in (("holiday", HOLIDAYS_2026), ("workday", WORKDAYS_2026))
            for day, name in days
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_table("access_log")
    op.drop_index("ix_calendar_day_day", table_name="calendar_day")
    op.drop_table("calendar_day")
