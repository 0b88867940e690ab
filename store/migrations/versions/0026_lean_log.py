"""A leaner change log (issue 19, part 5): entries written from now on keep their values without
their keys (store.changelog.lean): `change_log.layout` names the keys, kept once in
`change_log_layout`. Entries already written keep their JSON objects (`layout` NULL) and their
links: nothing is rewritten, on SQLite or PostgreSQL (a column added without a default and a new
table: no table is copied). The index of entries by deputy leaves out those written by no
deputy (imports, the demo, system writes).

The downgrade writes every lean entry's JSON object back, as the earlier version reads it, and
links the chain again from the first of them (the earlier version hashes the object): peers that
witnessed a head after that point will find its link changed (store.sync.witness).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_log_layout",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log_layout")),
    )
    op.add_column("change_log", sa.Column("layout", sa.Integer(), nullable=True))
    # Entries written by no deputy (imports, the demo, system writes) are never looked up by
    # deputy: out of that index.
    op.drop_index("ix_change_log_deputy_hlc", table_name="change_log")
    op.create_index(
        "ix_change_log_deputy_hlc",
        "change_log",
        ["deputy_id", "hlc"],
        sqlite_where=sa.text("deputy_id IS NOT NULL"),
        postgresql_where=sa.text("deputy_id IS NOT NULL"),
    )


def downgrade() -> None:
    from store.changelog.chain import seal_new_entries
    from store.changelog.lean import entry_json

    conn = op.get_bind()
    first = conn.exec_driver_sql(
        "SELECT min(seq) FROM change_log WHERE layout IS NOT NULL"
    ).scalar()
    if first is not None:
        rows = conn.exec_driver_sql(
            "SELECT seq, fields, layout, row_id, device_id FROM change_log"
            " WHERE layout IS NOT NULL ORDER BY seq"
        ).all()
        update = sa.text("UPDATE change_log SET fields = :f, layout = NULL WHERE seq = :s")
        conn.execute(
            update,
            [{"f": entry_json(conn, r[1], r[2], r[3], r[4]), "s": r[0]} for r in rows],
        )
        # Linked again from there on, as the earlier version links JSON objects.
        conn.execute(sa.text("UPDATE change_log SET chain = NULL WHERE seq >= :s"), {"s": first})
        seal_new_entries(conn, int(first) - 1)
    op.drop_index("ix_change_log_deputy_hlc", table_name="change_log")
    op.create_index("ix_change_log_deputy_hlc", "change_log", ["deputy_id", "hlc"])
    # In place (SQLite 3.35+ and PostgreSQL): batch mode would copy the log, and its indexes
    # as reflected (without their WHERE).
    conn.exec_driver_sql("ALTER TABLE change_log DROP COLUMN layout")
    op.drop_table("change_log_layout")
