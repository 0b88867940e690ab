"""Deputies' suggestions across devices: one drafted and submitted on a laptop reaches the
station with its sources, co-signer and steps, and the county hub (SQLite and PostgreSQL);
the same suggestion edited on two devices while apart is a conflict like any edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sqlalchemy import text
from sync_helpers import Device, close_trio, exchange, later, log_on, open_trio

from store.core.clock import FrozenClock
from store.core.models import SuggestionStatus, SuggestionStep, Tier
from store.desk.triage import open_issue
from store.reference.lists import list_deputies, list_units
from store.suggestions.suggestions import (
    draft_suggestion,
    edit_suggestion,
    get_suggestion,
    submit_suggestion,
)
from store.sync.conflicts import count_conflicts
from store.sync.hub import init_hub, open_hub, push_to_hub


@pytest.fixture
def trio(empty_trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(empty_trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _drafted_on(laptop: Device) -> tuple[str, str, str]:
    issue_row = log_on(laptop.store, laptop.info, "楼道里电动车飞线充电")
    visit = log_on(laptop.store, laptop.info, "充电桩太少", phone="13900002222")
    with laptop.store.write(laptop.info.actor()) as session:
        unit = next(u for u in list_units(session=session) if u.tier == Tier.township)
        issue = open_issue(session=session, visit_id=issue_row.id, unit_id=unit.id).id
        lead, other = (d.id for d in list_deputies(session=session)[:2])
        row = draft_suggestion(
            session=session,
            title="电动车集中充电",
            reason="飞线充电隐患多",
            proposal="建设集中充电棚",
            issue_ids=[issue],
            visit_ids=[visit.id],
            lead_deputy_id=lead,
            co_signer_ids=[other],
        )
        submit_suggestion(session=session, suggestion_id=row.id, body="临溪县人大常委会")
    return row.id, issue, visit.id


@pytest.mark.parametrize("hub_kind", ["sqlite", "postgresql"])
def test_a_laptops_suggestion_reaches_the_station_and_the_hub(
    trio: dict[str, Device], tmp_path: Path, request: pytest.FixtureRequest, hub_kind: str
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    suggestion_id, issue_id, visit_id = _drafted_on(laptop)
    exchange(laptop, station, tmp_path)
    with station.store.read() as session:
        detail = get_suggestion(session=session, suggestion_id=suggestion_id)
    assert detail.row.status == SuggestionStatus.submitted
    assert detail.submitted_to == "临溪县人大常委会" and len(detail.co_signers) == 1
    assert {(s.issue_id, s.visit_id) for s in detail.sources} == {
        (issue_id, None),
        (None, visit_id),
    }
    assert [s.step for s in detail.steps] == [SuggestionStep.drafted, SuggestionStep.submitted]
    if hub_kind == "sqlite":
        target: Path | str = tmp_path / "hub.db"
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
        target = make()
    init_hub(target=target, county=SMALL_STATION.county, clock=FrozenClock(NOW))
    hub, _info = open_hub(target, clock=FrozenClock(NOW))
    try:
        push_to_hub(station=station.store, hub=hub)
        with hub.engine.connect() as conn:
            counts = {
                table: conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE suggestion_id = :id"),
                    {"id": suggestion_id},
                ).scalar_one()
                for table in ("suggestion_source", "suggestion_step", "suggestion_deputy")
            }
            title = conn.execute(
                text("SELECT title FROM suggestion WHERE id = :id"), {"id": suggestion_id}
            ).scalar_one()
    finally:
        hub.dispose()
    assert title == "电动车集中充电"
    assert counts == {"suggestion_source": 2, "suggestion_step": 2, "suggestion_deputy": 1}


def test_the_same_suggestion_edited_apart_is_a_conflict(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    suggestion_id, _issue, _visit = _drafted_on(laptop)
    exchange(laptop, station, tmp_path)
    exchange(station, laptop, tmp_path)
    for device, title in ((laptop, "电动车充电棚建设"), (station, "集中充电设施建设")):
        later(device)
        with device.store.write(device.info.actor()) as session:
            edit_suggestion(
                session=session,
                suggestion_id=suggestion_id,
                title=title,
                reason="飞线充电隐患多",
                proposal="建设集中充电棚",
            )
    exchange(laptop, station, tmp_path)
    with station.store.read() as session:
        assert count_conflicts(session=session) == 1
