"""Reference data every station starts with: the 28 categories and the default settings.

The rows get fixed ids and stamps so that every device seeds the same records and sync has
nothing to reconcile; a station's own edits later go through the change log as usual.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:40:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here rather than imported: a migration must seed what it seeded on the day it was written.
DEFAULT_CATEGORIES = (
    "道路交通", "公共交通", "停车管理", "环境卫生", "垃圾分类", "河道水利", "供水供电供气",
    "生态环保", "物业管理", "老旧小区改造", "住房保障", "城乡规划建设", "养老服务", "医疗卫生",
    "教育", "托育", "就业创业", "社会保障", "农业农村", "征地拆迁", "安全生产与消防", "社会治安",
    "市场监管与食品安全", "营商环境", "文体旅游", "新就业群体权益", "矛盾纠纷", "其他",
)  # fmt: skip
DEFAULT_SETTINGS = {
    "window_days.village": "15",
    "window_days.township": "30",
    "window_days.county": "60",
    "window_unit": "calendar",
    "yellow_left_ratio": "1/3",
    "evaluation_grace_days": "7",
    "purge_after_years": "5",
}
CATEGORY_NAMESPACE = uuid.UUID("6f1d6c53-4c1e-4a55-9b0e-1c2a3d4e5f60")


def category_id_for(name: str) -> str:
    return str(uuid.uuid5(CATEGORY_NAMESPACE, name))


SEED_DEVICE = "00000000-0000-0000-0000-000000000000"
SEED_AT = datetime(2026, 1, 1, tzinfo=UTC)

category = sa.table(
    "category",
    sa.column("id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("device_id", sa.String),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
    sa.column("name", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
)
setting = sa.table(
    "setting",
    sa.column("key", sa.String),
    sa.column("value", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("device_id", sa.String),
)


def upgrade() -> None:
    # Only what is missing: a database may already hold a row that a station wrote itself.
    conn = op.get_bind()
    have_categories = {row[0] for row in conn.execute(sa.select(category.c.id))}
    have_settings = {row[0] for row in conn.execute(sa.select(setting.c.key))}
    categories = [
        {
            "id": category_id_for(name),
            "created_at": SEED_AT,
            "updated_at": SEED_AT,
            "device_id": SEED_DEVICE,
            "deleted_at": None,
            "name": name,
            "position": position,
            "active": True,
        }
        for position, name in enumerate(DEFAULT_CATEGORIES)
        if category_id_for(name) not in have_categories
    ]
    settings = [
        {"key": key, "value": value, "updated_at": SEED_AT, "device_id": SEED_DEVICE}
        for key, value in DEFAULT_SETTINGS.items()
        if key not in have_settings
    ]
    if categories:
        op.bulk_insert(category, categories)
    if settings:
        op.bulk_insert(setting, settings)


def downgrade() -> None:
    op.execute(
        setting.delete().where(
            sa.and_(setting.c.key.in_(list(DEFAULT_SETTINGS)), setting.c.device_id == SEED_DEVICE)
        )
    )
    op.execute(
        category.delete().where(
            sa.and_(
                category.c.id.in_([category_id_for(n) for n in DEFAULT_CATEGORIES]),
                category.c.device_id == SEED_DEVICE,
            )
        )
    )
