"""A station and two laptops holding four open issues of two visits each (two residents apiece),
for the sync tests of splits, merges and withdrawals (store.desk.regroup,
store.sync.regroup_rule). Built once and copied, like sync_helpers' trio."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from small_station import NOW, SMALL_STATION
from sqlmodel import col, select
from sync_helpers import Device, close_trio, log_on, make_trio, open_trio, settle

from store.core.models import Issue, SyncConflict, Visit
from store.desk.triage import link_visit
from store.trust.backup import backup_to

ISSUES = 4


def make_regroup_trio(directory: Path) -> Path:
    """Files station.db, laptop1.db and laptop2.db in `directory` (module docstring)."""
    base = make_trio(directory / "base", SMALL_STATION, NOW, issues=ISSUES)
    devices = open_trio(base, directory / "work", NOW)
    try:
        station = devices["station"]
        for n, issue_id in enumerate(issue_ids(station)):
            station.clock.advance(timedelta(minutes=1))
            visit = log_on(
                station.store, station.info, f"第{n}号路灯还是不亮", phone=f"1370000{n:04d}"
            )
            with station.store.write(station.info.actor()) as session:
                link_visit(session=session, visit_id=visit.id, issue_id=issue_id)
        settle(devices, directory)
    finally:
        close_trio(devices)
    directory.mkdir(exist_ok=True)
    for name in devices:
        backup_to(directory / "work" / f"{name}.db", directory / f"{name}.db")
    return directory


def issue_ids(device: Device) -> list[str]:
    """The device's live issues, by id."""
    with device.store.read() as session:
        return list(
            session.exec(
                select(Issue.id).where(col(Issue.deleted_at).is_(None)).order_by(col(Issue.id))
            ).all()
        )


def visits_of(device: Device, issue_id: str) -> list[str]:
    """An issue's live visits, oldest first."""
    with device.store.read() as session:
        return list(
            session.exec(
                select(Visit.id)
                .where(Visit.issue_id == issue_id, col(Visit.deleted_at).is_(None))
                .order_by(col(Visit.received_at), col(Visit.id))
            ).all()
        )


def conflicts(device: Device) -> list[tuple[str, str, Any]]:
    """The conflict list: (table, field, losing value)."""
    with device.store.read() as session:
        return sorted(
            (c.table_name, c.field, c.value) for c in session.exec(select(SyncConflict)).all()
        )
