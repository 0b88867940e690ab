"""不用回电 corrected on a laptop travels (issue 18): the station and the other laptop read the
visit declining and the resident off the 待告知 list, the untold notices dropped everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sqlmodel import col, select
from sync_helpers import Device, close_trio, later, make_trio, open_trio, settle

from store.core.models import (
    Channel,
    Issue,
    Notice,
    NoticeEvent,
    Visit,
    VisitCorrection,
    VisitKind,
)
from store.desk.corrections import correct_visit
from store.desk.notices import count_notices, queue_notices


@pytest.fixture(scope="session")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio"), SMALL_STATION, NOW, issues=1)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _read(device: Device) -> tuple[bool, int, list[bool]]:
    """(the visit declines, residents to tell, each notice deleted) on this device."""
    with device.store.read() as session:
        visit = session.exec(select(Visit)).one()
        notices = session.exec(select(Notice).order_by(col(Notice.id))).all()
        deleted = [n.deleted_at is not None for n in notices]
        return bool(visit.no_callback), count_notices(session=session), deleted


def test_a_laptops_no_callback_reaches_every_device(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    # The triage's notice and a move's, neither told yet.
    with station.store.write(station.info.actor()) as session:
        issue = session.exec(select(Issue)).one()
        queue_notices(session=session, issue_id=issue.id, event=NoticeEvent.moved)
    settle(trio, tmp_path)
    before = (False, 1, [False, False])
    assert {name: _read(d) for name, d in trio.items()} == dict.fromkeys(trio, before)
    later(laptop)
    with laptop.store.read() as session:
        visit = session.exec(select(Visit)).one()
    form = VisitCorrection(
        channel=Channel(visit.channel),
        kind=VisitKind(visit.kind),
        category_id=visit.category_id,
        text=visit.text,
        consent_forward=visit.consent_forward,
        no_callback=True,
    )
    with laptop.store.write(laptop.info.actor()) as session:
        correct_visit(session=session, visit_id=visit.id, correction=form)
    settle(trio, tmp_path)
    after = (True, 0, [True, True])
    assert {name: _read(d) for name, d in trio.items()} == dict.fromkeys(trio, after)
