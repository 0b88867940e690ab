"""Reference data a station edits: former names kept (`name_alias`: a name a village, unit,
category or deputy had before a rename, or of one merged into it), and villages that can be
retired like units, categories and deputies (`village.active`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "name_alias",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_name_alias_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_alias")),
    )
    op.create_index("ix_name_alias_name", "name_alias", ["table_name", "name"])
    # A plain ADD COLUMN with a constant default: for an expression default Alembic copies the
    # table on SQLite, which the foreign keys pointing at villages forbid.
    default: str | sa.ColumnElement[bool] = (
        "1" if op.get_bind().dialect.name == "sqlite" else sa.true()
    )
    with op.batch_alter_table("village") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=default))


def downgrade() -> None:
    # SQLite drops a column in place since 3.35 (copying the table is refused by the foreign
    # keys pointing at villages).
    op.drop_column("village", "active")
    op.drop_index("ix_name_alias_name", table_name="name_alias")
    op.drop_table("name_alias")
