"""Reveals of personal data (phones shown in clear, ledgers exported unmasked), each recorded in
the access log in the writer's transaction: who (the deputy on duty, the device), when, whose.

Every screen and command that shows a phone in clear calls `log_reveal` (or `log_export`) first:
the audit screen (store.trust.audit) lists these events beside the changes. The log never holds the
data itself, only the row it came from."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.models import AccessLog, Visit
from store.core.rows import live

# AccessLog.action values (the audit screen names them through the catalogue, audit.action.*).
REVEAL_PHONE = "reveal_phone"
EXPORT_REVEALED = "export_revealed"

# An export's event has no one row: its row_id holds how many visits the file held.
LEDGER = "ledger"


def log_reveal(
    *,
    session: Session,
    table_name: str,
    row_ids: Iterable[str],
    action: str = REVEAL_PHONE,
) -> int:
    """Record that the deputy on duty saw these rows' personal data in clear: one event a row
    (a page shows at most a page of residents), each row once however often it is listed.

    Args:
        session: a write session (its actor is who saw it).
        table_name: the table the data lives in (`constituent` for a resident's phone).
        row_ids: the rows whose data were shown.
        action: what was done (REVEAL_PHONE).
    Returns:
        How many events were recorded.
    """
    ctx = write_context(session)
    now = ctx.clock.now()
    ids = list(dict.fromkeys(row_ids))
    for row_id in ids:
        session.add(
            AccessLog(
                at=now,
                deputy_id=ctx.actor.deputy_id,
                action=action,
                table_name=table_name,
                row_id=row_id,
            )
        )
    session.flush()
    return len(ids)


def log_export(*, session: Session, rows: int) -> None:
    """Record one export of the ledger with phones in clear (导出明文台账): one event for the
    file, its row_id the number of visits it held.

    Args:
        session: a write session (its actor is who exported it).
        rows: how many visits the file holds.
    """
    log_reveal(session=session, table_name=LEDGER, row_ids=[str(rows)], action=EXPORT_REVEALED)


def reveal_issue_phones(*, session: Session, issue_id: str) -> int:
    """Record that the phones of everyone who came about an issue were shown (its page lists
    them all).

    Args:
        session: a write session.
        issue_id: the issue whose visits' residents are shown.
    Returns:
        How many residents' reveals were recorded.
    """
    residents = session.exec(
        select(Visit.constituent_id)
        .where(Visit.issue_id == issue_id, live(Visit))
        .order_by(col(Visit.received_at))
    ).all()
    return log_reveal(session=session, table_name="constituent", row_ids=residents)
