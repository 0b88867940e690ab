"""Sync (issue 6): the change log learns what each update knew it overwrote (`base`) and where a
far-future stamp was clamped (`clamped_hlc`); what each peer holds, the conflict list and its
answers.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # add_column, never batch mode: a rebuilt table would lose what points at it.
    op.add_column("change_log", sa.Column("clamped_hlc", _ID(length=32), nullable=True))
    op.add_column("change_log", sa.Column("base", sa.Text(), nullable=True))
    # A change is named by its device and stamp: imports skip those already here by it.
    op.create_index("ix_change_log_device_id_hlc", "change_log", ["device_id", "hlc"])
    # Few rows ever have a clamped stamp; the clock reads their greatest through this.
    op.create_index(
        "ix_change_log_clamped_hlc",
        "change_log",
        ["clamped_hlc"],
        sqlite_where=sa.text("clamped_hlc IS NOT NULL"),
        postgresql_where=sa.text("clamped_hlc IS NOT NULL"),
    )
    op.create_table(
        "conflict_resolution",
        sa.Column("id", _ID(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", _ID(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("deputy_id", _ID(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_resolution")),
    )
    op.create_table(
        "sync_peer",
        sa.Column("peer_id", _ID(length=36), nullable=False),
        sa.Column("origin_id", _ID(length=36), nullable=False),
        sa.Column("hlc", _ID(length=32), nullable=False),
        sa.PrimaryKeyConstraint("peer_id", "origin_id", name=op.f("pk_sync_peer")),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", _ID(length=36), nullable=False),
        sa.Column("table_name", _ID(length=32), nullable=False),
        sa.Column("row_id", _ID(length=64), nullable=False),
        sa.Column("field", _ID(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("lost_hlc", _ID(length=32), nullable=False),
        sa.Column("lost_device_id", _ID(length=36), nullable=False),
        sa.Column("lost_deputy_id", _ID(length=36), nullable=True),
        sa.Column("won_hlc", _ID(length=32), nullable=False),
        sa.Column("won_device_id", _ID(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    op.create_index("ix_sync_conflict_row", "sync_conflict", ["table_name", "row_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_conflict_row", table_name="sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_table("sync_peer")
    op.drop_table("conflict_resolution")
    op.drop_index("ix_change_log_clamped_hlc", table_name="change_log")
    op.drop_index("ix_change_log_device_id_hlc", table_name="change_log")
    op.drop_column("change_log", "base")
    op.drop_column("change_log", "clamped_hlc")
