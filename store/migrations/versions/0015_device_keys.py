"""A key per device, revocable (issue 15, part 5): each device's public keys and who vouches for
them, and the station's retirement of a laptop, on the synced device record.

Existing devices get their keys at their next exchange (store.sync.device_keys); nothing is
written here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # add_column, never batch mode: a rebuilt table would lose what points at it.
    op.add_column("device", sa.Column("sign_key", _TEXT(length=64), nullable=True))
    op.add_column("device", sa.Column("box_key", _TEXT(length=64), nullable=True))
    op.add_column("device", sa.Column("key_cert", _TEXT(length=200), nullable=True))
    op.add_column(
        "device", sa.Column("retired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column("device", sa.Column("retire_cert", _TEXT(length=200), nullable=True))


def downgrade() -> None:
    for column in ("retire_cert", "retired_at", "key_cert", "box_key", "sign_key"):
        op.drop_column("device", column)
