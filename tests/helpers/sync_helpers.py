"""A station and two laptops made from it, on real SQLite files, for the sync tests.

The three files are made once per session (a joining bundle costs two Argon2 stretches) and
copied for each test. Each device has a clock of its own, so tests can set one wrong."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select, text

from store.core.clock import FrozenClock
from store.core.models import Channel, Tier, VisitCreate, VisitKind
from store.db import Store
from store.desk.triage import open_issue
from store.desk.visits import VisitRow, log_visit
from store.reference.lists import list_categories, list_deputies, list_units, list_villages
from store.station import StationIn, StationInfo, init_station, load_station, open_store
from store.suggestions.suggestions import draft_suggestion
from store.sync.exchange import (
    ExportSummary,
    ImportSummary,
    export_bundle,
    export_join_bundle,
    import_bundle,
    join_station,
)
from store.trust.backup import backup_to

PASSPHRASE = "青石村 correct horse"
DEVICES = ("station", "laptop1", "laptop2")
# Local to each file: never compared between devices.
LOCAL_TABLES = {"change_log", "change_log_layout", "local_meta", "sync_peer", "alembic_version"}
# Search indexes each file derives from its own rows, keyed by its own rowids (the order rows
# arrived in there): compared with their rows on each device (search_index_faults), not between.
LOCAL_INDEXES = ("visit_fts", "word", "constituent_name_char")


def make_trio(
    directory: Path,
    station: StationIn,
    now: datetime,
    issues: int = 3,
    suggestion: bool = False,
    setup: Callable[[Store, StationInfo], None] | None = None,
) -> Path:
    """Files station.db, laptop1.db, laptop2.db in `directory`: a station with `issues` open
    issues (and, with `suggestion`, a deputies' suggestion drafted from the first; and what
    `setup` writes there), and two laptops joined from it."""
    directory.mkdir(parents=True, exist_ok=True)
    clock = FrozenClock(now)
    init_station(engine_path=directory / "station.db", station=station, clock=clock)
    store = open_store(directory / "station.db", clock=clock)
    try:
        info = load_station(store)
        for n in range(issues):
            row = log_on(store, info, f"第{n}号路灯不亮", phone=f"1380000{n:04d}")
            with store.write(info.actor()) as session:
                units = [u for u in list_units(session=session) if u.tier == Tier.township]
                opened = open_issue(
                    session=session, visit_id=row.id, tier=Tier.township, unit_id=units[0].id
                )
                if suggestion and n == 0:
                    draft_suggestion(
                        session=session,
                        title="路灯统一维护",
                        issue_ids=[opened.id],
                        lead_deputy_id=list_deputies(session=session)[0].id,
                    )
        if setup is not None:
            setup(store, info)
        bundle = directory / "join.bundle"
        export_join_bundle(
            store=store, db_path=directory / "station.db", out=bundle, passphrase=PASSPHRASE
        )
    finally:
        store.dispose()
    for name in DEVICES[1:]:
        join_station(
            bundle=bundle,
            db_path=directory / f"{name}.db",
            passphrase=PASSPHRASE,
            device_name=name,
            clock=clock,
        )
    return directory


@dataclass
class Device:
    name: str
    store: Store
    info: StationInfo
    clock: FrozenClock

    def export(self, out: Path, **options: Any) -> ExportSummary:
        return export_bundle(store=self.store, out=out, **options)

    def take(self, bundle: Path, **options: Any) -> ImportSummary:
        summary = import_bundle(store=self.store, path=bundle, **options)
        # A file put back in time takes a new device id when a bundle tells it so.
        self.info = load_station(self.store)
        return summary


def open_trio(template: Path, directory: Path, now: datetime) -> dict[str, Device]:
    """Copies of the template's three files, opened, each with its own clock at `now`."""
    directory.mkdir(parents=True, exist_ok=True)
    devices = {}
    for name in DEVICES:
        path = backup_to(template / f"{name}.db", directory / f"{name}.db")
        clock = FrozenClock(now)
        store = open_store(path, clock=clock)
        devices[name] = Device(name, store, load_station(store), clock)
    return devices


def close_trio(devices: dict[str, Device]) -> None:
    for device in devices.values():
        device.store.dispose()


def exchange(src: Device, dst: Device, directory: Path) -> ImportSummary:
    """A bundle from `src` for `dst`, carried over and taken in."""
    out = directory / f"{src.name}-to-{dst.name}-{src.clock.now().timestamp()}.bundle"
    src.export(out, to=dst.info.device_id)
    return dst.take(out)


def settle(devices: dict[str, Device], directory: Path) -> None:
    """Laptops to the station, then the station back to each: everyone holds everything."""
    station = devices["station"]
    for _ in range(2):
        for name in DEVICES[1:]:
            exchange(devices[name], station, directory)
        for name in DEVICES[1:]:
            exchange(station, devices[name], directory)


def log_on(
    store: Store,
    info: StationInfo,
    words: str,
    phone: str = "13900001111",
    deliberation_id: str | None = None,
    *,
    channel: Channel = Channel.walk_in,
    observer_id: str | None = None,
    point_id: str | None = None,
) -> VisitRow:
    with store.read() as session:
        village = list_villages(session=session)[0]
        category = list_categories(session=session)[0]
    with store.write(info.actor()) as session:
        return log_visit(
            session=session,
            visit_in=VisitCreate(
                phone=phone,
                name="王阿姨",
                village_id=village.id,
                channel=channel,
                kind=VisitKind.request,
                category_id=category.id,
                text=words,
                deliberation_id=deliberation_id,
                observer_id=observer_id,
                point_id=point_id,
            ),
        )


def ledger(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows (and the derived conflict list), sorted: what must converge.
    Who last wrote a row and when (device_id, updated_at) is part of it."""
    with store.read() as session:
        conn = session.connection()
        meta = MetaData()
        meta.reflect(conn)
        dump = {}
        for name, table in sorted(meta.tables.items()):
            if name in LOCAL_TABLES or name.startswith(LOCAL_INDEXES):
                continue
            rows = conn.execute(select(table)).all()
            dump[name] = sorted((tuple(row) for row in rows), key=repr)
        return dump


def table_counts(store: Store) -> dict[str, int]:
    with store.read() as session:
        conn = session.connection()
        names = [
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        ]
        return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def later(device: Device, minutes: int = 1) -> None:
    device.clock.advance(timedelta(minutes=minutes))


def copy_file(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst
