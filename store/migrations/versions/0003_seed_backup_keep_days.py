"""Seed the setting for how many days of automatic backups to keep.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED_DEVICE = "00000000-0000-0000-0000-000000000000"
SEED_AT = datetime(2026, 1, 1, tzinfo=UTC)
KEY, VALUE = "backup_keep_days", "14"

setting = sa.table(
    "setting",
    sa.column("key", sa.String),
    sa.column("value", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("device_id", sa.String),
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.select(setting.c.key).where(setting.c.key == KEY)).first() is None:
        op.bulk_insert(
            setting,
            [{"key": KEY, "value": VALUE, "updated_at": SEED_AT, "device_id": SEED_DEVICE}],
        )


def downgrade() -> None:
    op.execute(
        setting.delete().where(sa.and_(setting.c.key == KEY, setting.c.device_id == SEED_DEVICE))
    )
