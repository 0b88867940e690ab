"""Trust (issue 7): the change log chained by hash, residents' consent to forwarding, and the
mark of a purged resident.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from store.changelog.chain import seal_new_entries

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # add_column, never batch mode: a rebuilt table would lose what points at it.
    op.add_column("change_log", sa.Column("chain", _ID(length=64), nullable=True))
    op.add_column("change_log", sa.Column("seal", _ID(length=80), nullable=True))
    op.create_index(
        "ix_change_log_unsealed",
        "change_log",
        ["seq"],
        sqlite_where=sa.text("chain IS NULL"),
        postgresql_where=sa.text("chain IS NULL"),
    )
    op.create_index("ix_change_log_deputy_hlc", "change_log", ["deputy_id", "hlc"])
    # Visits from before consent was asked: not given (nothing personal goes to units unasked).
    op.add_column(
        "visit",
        sa.Column("consent_forward", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "constituent",
        sa.Column("purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    # The log so far is sealed as it stands at the upgrade: tampering before it cannot be told.
    seal_new_entries(op.get_bind())


def downgrade() -> None:
    op.drop_column("constituent", "purged_at")
    op.drop_column("visit", "consent_forward")
    op.drop_index("ix_change_log_deputy_hlc", table_name="change_log")
    op.drop_index("ix_change_log_unsealed", table_name="change_log")
    op.drop_column("change_log", "seal")
    op.drop_column("change_log", "chain")
