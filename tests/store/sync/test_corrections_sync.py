"""Corrections travel like any edit (issue 18, part 2): a correction made on a laptop reaches the
station and the other laptop, and one that meets a different edit of the same field made on
the station meanwhile resolves the same everywhere, the losing value in the conflict list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION, TODAY
from sqlmodel import select
from sync_helpers import Device, close_trio, later, ledger, make_trio, open_trio, settle

from store.core.models import (
    Channel,
    Constituent,
    Issue,
    IssueCorrection,
    ResidentCorrection,
    Visit,
    VisitCorrection,
    VisitKind,
)
from store.desk.board import list_board
from store.desk.corrections import correct_issue, correct_resident, correct_visit
from store.desk.issue_page import get_issue
from store.desk.issues import change_unit
from store.reference.lists import list_categories, list_units
from store.reports.stats import Breakdown, Period, PeriodKind, breakdown_figures
from store.sync.conflicts import count_conflicts, list_conflicts


@pytest.fixture(scope="session")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio"), SMALL_STATION, NOW, issues=1)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _the_visit(device: Device) -> Visit:
    with device.store.read() as session:
        issue = session.exec(select(Issue)).one()
        page = get_issue(session=session, issue_id=issue.id, today=TODAY)
        visit = session.get(Visit, page.visits[0].id)
        assert visit is not None
        return visit


def _categories(device: Device) -> dict[str, str]:
    with device.store.read() as session:
        return {c.name: c.id for c in list_categories(session=session)}


def _recategorise(device: Device, visit: Visit, category_id: str) -> None:
    form = VisitCorrection(
        channel=Channel(visit.channel),
        kind=VisitKind(visit.kind),
        category_id=category_id,
        text=visit.text,
        consent_forward=visit.consent_forward,
    )
    with device.store.write(device.info.actor()) as session:
        correct_visit(session=session, visit_id=visit.id, correction=form)


def _rephone(device: Device, person_id: str, phone: str) -> None:
    with device.store.read() as session:
        person = session.get(Constituent, person_id)
        assert person is not None
    with device.store.write(device.info.actor()) as session:
        correct_resident(
            session=session,
            constituent_id=person_id,
            correction=ResidentCorrection(
                phone=phone, name=person.name, village_id=person.village_id
            ),
        )


def _seen(device: Device, issue_id: str) -> tuple[object, ...]:
    """What the deputy reads on this device: the board's row, the issue page's visit, the
    month's figures by category."""
    with device.store.read() as session:
        board = [(r.title, r.category) for r in list_board(session=session, today=TODAY).items]
        page = get_issue(session=session, issue_id=issue_id, today=TODAY)
        figures = breakdown_figures(
            session=session,
            period=Period.of(PeriodKind.month, TODAY),
            today=TODAY,
            tz=device.store.clock.tz,
            breakdown=Breakdown.category,
        ).rows
    return (
        board,
        [(v.category, v.phone) for v in page.visits],
        {(r.name, r.figures.visits, r.figures.opened) for r in figures},
    )


def test_a_laptops_correction_shows_the_same_on_every_device(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    visit = _the_visit(laptop)
    wanted = _categories(laptop)["环境卫生"]
    _recategorise(laptop, visit, wanted)
    _rephone(laptop, visit.constituent_id, "13912345678")
    with laptop.store.write(laptop.info.actor()) as session:
        correct_issue(
            session=session,
            issue_id=str(visit.issue_id),
            correction=IssueCorrection(title="路灯不亮", category_id=wanted, lead_deputy_id=None),
        )
    settle(trio, tmp_path)
    seen = {name: _seen(device, str(visit.issue_id)) for name, device in trio.items()}
    assert seen["station"] == seen["laptop1"] == seen["laptop2"]
    assert seen["station"] == (
        [("路灯不亮", "环境卫生")],
        [("环境卫生", "13912345678")],
        {("环境卫生", 1, 1)},
    )
    for device in trio.values():
        with device.store.read() as session:
            assert count_conflicts(session=session) == 0
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_a_correction_and_a_concurrent_edit_of_the_same_field_meet_as_a_conflict(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    visit = _the_visit(station)
    categories = _categories(station)
    # Neither knows of the other's: the station says 环境卫生, the laptop a minute later 公共交通.
    _recategorise(station, visit, categories["环境卫生"])
    _rephone(station, visit.constituent_id, "13911112222")
    later(laptop)
    _recategorise(laptop, _the_visit(laptop), categories["公共交通"])
    _rephone(laptop, visit.constituent_id, "13933334444")
    settle(trio, tmp_path)
    for device in trio.values():
        assert _seen(device, str(visit.issue_id))[:2] == (
            [("第0号路灯不亮", "公共交通")],
            [("公共交通", "13933334444")],
        )
        with device.store.read() as session:
            listed = {
                (c.table_name, c.field, c.lost_value, c.lost_device)
                for c in list_conflicts(session=session).items
            }
        # The later correction won everywhere; the station's values wait for review, the
        # phone masked there as everywhere.
        assert listed == {
            ("visit", "category_id", categories["环境卫生"], "值班台"),
            ("issue", "category_id", categories["环境卫生"], "值班台"),
            ("constituent", "phone", "139****2222", "值班台"),
        }
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_a_correction_beside_another_fields_edit_keeps_both(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    visit = _the_visit(station)
    with station.store.read() as session:
        units = [u.id for u in list_units(session=session) if u.tier == "township"]
    with station.store.write(station.info.actor()) as session:
        change_unit(session=session, issue_id=str(visit.issue_id), unit_id=units[1])
    later(laptop)
    _recategorise(laptop, _the_visit(laptop), _categories(laptop)["环境卫生"])
    settle(trio, tmp_path)
    for device in trio.values():
        with device.store.read() as session:
            issue = session.get(Issue, visit.issue_id)
            assert issue is not None
            assert (issue.unit_id, issue.category_id) == (units[1], _categories(device)["环境卫生"])
            assert count_conflicts(session=session) == 0
