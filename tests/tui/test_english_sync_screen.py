"""`--lang en` on the sync screen: the footer fits 80 columns with every key live, and the
screen speaks English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desk_helpers import press
from english_desk import chinese_leaks, in_english, look
from small_station import Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import change_unit
from store.duty.dashboard import start_duty
from store.station import load_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station


async def test_sync_screen_in_english(
    store: Store,
    station_path: Path,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
    clock: FrozenClock,
) -> None:
    issue: IssueRow = make_issue()
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
    # A laptop and a conflict, so that the conflict keys are live too.
    export_join_bundle(
        store=store, db_path=station_path, out=tmp_path / "j.bundle", passphrase="12345678"
    )
    join_station(
        bundle=tmp_path / "j.bundle",
        db_path=tmp_path / "laptop.db",
        passphrase="12345678",
        device_name="laptop-1",
        clock=clock,
    )
    laptop = open_store(tmp_path / "laptop.db", clock=clock)
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.township))
    with laptop.write(load_station(laptop).actor(actor.deputy_id)) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.county))
    export_bundle(store=laptop, out=tmp_path / "l.bundle")
    laptop.dispose()
    import_bundle(store=store, path=tmp_path / "l.bundle")

    # On the sync screen, every key live (the laptop has sent a conflict).
    async with in_english(store) as (app, pilot):
        await press(pilot, "y")
        shown = look(app)
    assert shown["screen"] == "SyncScreen"
    for key in ("Export", "Import", "New laptop", "Keep", "Restore"):
        assert key in shown["footer"], shown["footer"]
    assert shown["width"] <= 80, shown["footer"]
    assert "This device: 值班台 · station" in shown["text"]
    assert "Lost value" in shown["text"] and "Unit" in shown["text"]

    assert chinese_leaks(shown["text"]) == []
