"""Deliberation sessions across devices: one logged on a laptop in a village, with a visit raised
there and its vote, reaches the station with its deputies and the visit's link, and the county
hub (SQLite and PostgreSQL); the vote recorded apart on two devices is a conflict like any
edit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sqlalchemy import text
from sync_helpers import Device, exchange, later

from store.core.clock import FrozenClock
from store.core.models import Channel, DeliberationKind, VisitCreate, VisitKind
from store.deliberations.deliberations import DeliberationIn, log_deliberation, record_vote
from store.deliberations.reading import get_deliberation
from store.desk.visits import log_visit
from store.reference.lists import list_categories, list_deputies, list_villages
from store.sync.conflicts import count_conflicts
from store.sync.hub import init_hub, open_hub, push_to_hub


def _held_on(laptop: Device) -> tuple[str, str]:
    """A 百姓夜话 on the laptop, a visit raised there and the vote: (session, visit)."""
    with laptop.store.write(laptop.info.actor()) as session:
        deputies = [d.id for d in list_deputies(session=session)]
        village = list_villages(session=session)[0].id
        category = list_categories(session=session)[0].id
        row = log_deliberation(
            session=session,
            deliberation_in=DeliberationIn(
                kind=DeliberationKind.evening_talk,
                held_on=date(2026, 11, 23),
                place="青石村文化礼堂",
                residents=32,
                topics="电动车充电",
                deputy_ids=deputies,
            ),
        )
        visit = log_visit(
            session=session,
            visit_in=VisitCreate(
                phone="13900003333",
                name="陈阿婆",
                village_id=village,
                category_id=category,
                channel=Channel.forum,
                kind=VisitKind.request,
                text="楼道里飞线充电",
                deliberation_id=row.id,
            ),
        )
        record_vote(session=session, deliberation_id=row.id, satisfied=25, fairly=5, unsatisfied=2)
    return row.id, visit.id


@pytest.mark.parametrize("hub_kind", ["sqlite", "postgresql"])
def test_a_laptops_session_reaches_the_station_and_the_hub(
    trio: dict[str, Device], tmp_path: Path, request: pytest.FixtureRequest, hub_kind: str
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    session_id, visit_id = _held_on(laptop)
    exchange(laptop, station, tmp_path)
    with station.store.read() as session:
        detail = get_deliberation(session=session, deliberation_id=session_id, today=NOW.date())
    assert detail.row.kind == DeliberationKind.evening_talk and len(detail.deputies) == 2
    assert [v.id for v in detail.visits] == [visit_id]
    assert detail.row.vote is not None and str(detail.row.vote.rate) == "93.8% (30/32)"
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
            held = conn.execute(
                text("SELECT place, satisfied FROM deliberation WHERE id = :id"), {"id": session_id}
            ).one()
            present = conn.execute(
                text("SELECT count(*) FROM deliberation_deputy WHERE deliberation_id = :id"),
                {"id": session_id},
            ).scalar_one()
            raised = conn.execute(
                text("SELECT deliberation_id FROM visit WHERE id = :id"), {"id": visit_id}
            ).scalar_one()
    finally:
        hub.dispose()
    assert tuple(held) == ("青石村文化礼堂", 25) and present == 2 and raised == session_id


def test_the_vote_recorded_apart_is_a_conflict(trio: dict[str, Device], tmp_path: Path) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    session_id, _visit = _held_on(laptop)
    exchange(laptop, station, tmp_path)
    for device, satisfied in ((laptop, 26), (station, 24)):
        later(device)
        with device.store.write(device.info.actor()) as session:
            record_vote(
                session=session,
                deliberation_id=session_id,
                satisfied=satisfied,
                fairly=5,
                unsatisfied=2,
            )
    exchange(laptop, station, tmp_path)
    with station.store.read() as session:
        assert count_conflicts(session=session) == 1
