"""Purges chained into the log: each device's entries that a purge sealed "p:" are named, by their
digest, in a redaction record chained after them (store.changelog.chain), and from now on every
purge writes one. This writes the record for the purges done before, so that the check (which
now calls an entry sealed "p:" that no record names a break) finds the log as it was.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:00:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from store.changelog.chain import LOG_TABLE, REDACT_OP, chain_head, chain_rows, redaction_record
from store.changelog.changes import format_hlc, next_hlc, parse_hlc

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REDACTION_ROW = "redaction"


def upgrade() -> None:
    conn = op.get_bind()
    sealed = [
        [hlc, device, seal[2:]]
        for hlc, device, seal in conn.execute(
            sa.text("SELECT hlc, device_id, seal FROM change_log WHERE seal LIKE :p ORDER BY seq"),
            {"p": "p:%"},
        )
    ]
    device = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = 'device_id'").scalar()
    if not sealed or device is None:
        return
    now = datetime.now(UTC)
    latest = conn.exec_driver_sql("SELECT max(hlc) FROM change_log").scalar()
    stamp = next_hlc(parse_hlc(latest) if latest else None, int(now.timestamp() * 1000))
    row = {
        "hlc": format_hlc(*stamp),
        "device_id": device,
        "deputy_id": None,
        "table_name": LOG_TABLE,
        "row_id": REDACTION_ROW,
        "op": REDACT_OP,
        "fields": json.dumps(redaction_record(sealed), ensure_ascii=False),
        "at": now,
        "base": None,
    }
    chain_rows(chain_head(conn), [row])
    # The log's columns as its model declares them (the timestamp stored as every entry's is).
    log = sa.table(
        "change_log",
        *(sa.column(name, sa.String) for name in row if name != "at"),
        sa.column("at", sa.DateTime),
    )
    conn.execute(sa.insert(log).values(**row))


def downgrade() -> None:
    # The records stay: the chain runs through them, and an older version reads them as
    # entries of a table it does not sync.
    pass
