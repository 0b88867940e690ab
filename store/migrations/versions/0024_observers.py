"""Observers and observation points (民情观察员, 民情观察点, issue 20, part 4): `observation_point`
(a place, ordinary or a trade point), `observer` (recommended by a deputy, from a group; name
and phone personal data, purged like a resident's), and a visit through an observer naming both
(`visit.observer_id`, `visit.point_id`).

New tables and nullable columns, nothing else changes: visits logged before name no observer.
The visit's columns carry no foreign key: SQLite adds one to an existing table only by rebuilding
it (batch mode), which would drop what hangs on `visit` (its search triggers); the store checks
them when it writes them. Numbered 0022 on its branch beside other parts' 0022; the chain is put
in order when they are brought together.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-14 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime
_WITH_OBSERVER = sa.text("observer_id IS NOT NULL")
_AT_POINT = sa.text("point_id IS NOT NULL")


def _record() -> list[sa.Column[object]]:
    return [
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("updated_at", _AT(), nullable=False),
        sa.Column("device_id", _TEXT(length=36), nullable=False),
        sa.Column("deleted_at", _AT(), nullable=True),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "observation_point",
        *_record(),
        sa.Column("station_id", _TEXT(length=36), nullable=False),
        sa.Column("name", _TEXT(length=50), nullable=False),
        sa.Column("place", _TEXT(length=100), nullable=False),
        sa.Column("village_id", _TEXT(length=36), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("observation_point", "station_id", "station"),
        _fk("observation_point", "village_id", "village"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_point")),
    )
    op.create_index("ix_observation_point_station_id", "observation_point", ["station_id"])
    op.create_table(
        "observer",
        *_record(),
        sa.Column("station_id", _TEXT(length=36), nullable=False),
        sa.Column("name", _TEXT(length=50), nullable=False),
        sa.Column("phone", _TEXT(length=20), nullable=False),
        sa.Column("group_kind", sa.String(length=16), nullable=False),
        sa.Column("deputy_id", _TEXT(length=36), nullable=True),
        sa.Column("point_id", _TEXT(length=36), nullable=True),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("consent_named", sa.Boolean(), nullable=False),
        sa.Column("purged_at", _AT(), nullable=True),
        _fk("observer", "station_id", "station"),
        _fk("observer", "deputy_id", "deputy"),
        _fk("observer", "point_id", "observation_point"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observer")),
    )
    op.create_index("ix_observer_station_id", "observer", ["station_id"])
    # add_column, never batch mode: a rebuilt table would lose what points at it.
    op.add_column("visit", sa.Column("observer_id", _TEXT(length=36), nullable=True))
    op.add_column("visit", sa.Column("point_id", _TEXT(length=36), nullable=True))
    op.create_index(
        "ix_visit_observer",
        "visit",
        ["observer_id", "received_at"],
        sqlite_where=_WITH_OBSERVER,
        postgresql_where=_WITH_OBSERVER,
    )
    op.create_index(
        "ix_visit_point",
        "visit",
        ["point_id", "received_at"],
        sqlite_where=_AT_POINT,
        postgresql_where=_AT_POINT,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_visit_point", table_name="visit", sqlite_where=_AT_POINT, postgresql_where=_AT_POINT
    )
    op.drop_index(
        "ix_visit_observer",
        table_name="visit",
        sqlite_where=_WITH_OBSERVER,
        postgresql_where=_WITH_OBSERVER,
    )
    op.drop_column("visit", "point_id")
    op.drop_column("visit", "observer_id")
    op.drop_index("ix_observer_station_id", table_name="observer")
    op.drop_table("observer")
    op.drop_index("ix_observation_point_station_id", table_name="observation_point")
    op.drop_table("observation_point")
