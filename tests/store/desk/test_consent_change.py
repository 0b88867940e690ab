"""Consent to forwarding given or withdrawn after the visit (issue 7 part 4; PIPL lets a resident
withdraw at any time): `set_consent` changes every visit of that resident on the issue, as an
ordinary logged update that syncs, shows in the audit trail and decides the unit's next slip."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from small_station import NOW, SMALL_STATION, TODAY
from sqlmodel import col, select
from sync_helpers import Device, close_trio, exchange, make_trio, open_trio

from store.changelog.changes import Actor
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock
from store.core.errors import VisitNotFound
from store.core.models import ChangeLog, Visit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow, get_visit, list_issue_visits, set_consent
from store.reports.slips import NOT_CONSENTED, SlipKind, print_slip
from store.station import load_station
from store.trust.audit import list_audit

TZ = ZoneInfo("Asia/Shanghai")


def _slip(store: Store, issue_id: str, tmp: Path) -> str:
    # A write: the first print gives the issue its slip number (store.reports.slips).
    with store.write(load_station(store).actor()) as session:
        md, _html = print_slip(
            session=session,
            issue_id=issue_id,
            kind=SlipKind.assignment,
            today=TODAY,
            tz=TZ,
            templates=tmp / "templates",
            out_dir=tmp / "prints",
        )
    return md.read_text(encoding="utf-8")


def _consents(store: Store, issue_id: str) -> dict[str, bool]:
    with store.read() as session:
        return {
            v.id: v.consent_forward for v in list_issue_visits(session=session, issue_id=issue_id)
        }


@pytest.fixture
def wang_twice(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> tuple[IssueRow, list[str]]:
    """An issue fed by 王阿姨 twice (both with consent) and by 李秀英 once (with consent):
    the visit ids in that order."""
    issue = make_issue(name="王阿姨", phone="13812341234", text="路灯坏了", consent=True)
    ids = [v for v in _consents(store, issue.id)]
    for name, phone, words in (
        ("王阿姨", "13812341234", "路灯还是没修"),
        ("李秀英", "13955556666", "路灯也不亮"),
    ):
        clock.advance(timedelta(minutes=5))
        other = make_visit(name=name, phone=phone, text=words, consent=True)
        with store.write(actor) as session:
            link_visit(session=session, visit_id=other.id, issue_id=issue.id)
        ids.append(other.id)
    return issue, ids


@pytest.mark.both_backends
def test_withdrawing_covers_the_residents_visits_on_the_issue_and_is_logged(
    store: Store, actor: Actor, wang_twice: tuple[IssueRow, list[str]], tmp_path: Path
) -> None:
    issue, (first, second, li) = wang_twice
    assert "王阿姨" in _slip(store, issue.id, tmp_path)
    with store.write(actor) as session:
        change = set_consent(session=session, visit_id=second, consent=False)
    assert change.changed == 2 and change.row.id == second
    assert change.row.consent_forward is False
    # 王阿姨's two visits, not 李秀英's.
    assert _consents(store, issue.id) == {first: False, second: False, li: True}

    # One logged update per visit, by the deputy on duty, naming the field.
    with store.read() as session:
        logged = session.exec(
            select(ChangeLog)
            .where(ChangeLog.table_name == "visit", col(ChangeLog.row_id).in_([first, second]))
            .where(ChangeLog.op == "update")
        ).all()
        values = [logged_values(session.connection(), entry) for entry in logged]
        withdrawn = [e for e, v in zip(logged, values, strict=True) if "consent_forward" in v]
        assert len(withdrawn) == 2
        assert {entry.deputy_id for entry in withdrawn} == {actor.deputy_id}
        assert all(v["consent_forward"] is False for v in values if "consent_forward" in v)
        # The audit trail of the issue shows it, old and new value (nothing hidden).
        trail = list_audit(session=session, issue_id=issue.id).items
        # Newest first: the withdrawal, before the visit's own insert.
        field = next(
            f
            for row in trail
            if row.row_id == second
            for f in row.fields
            if f.name == "consent_forward"
        )
        assert (field.old, field.new, field.hidden, field.has_old) == (True, False, False, True)

    slip = _slip(store, issue.id, tmp_path)
    assert "王阿姨" not in slip and "1234" not in slip and NOT_CONSENTED in slip
    assert "李秀英" in slip

    # She rings back and agrees: the next slip names her again.
    with store.write(actor) as session:
        assert set_consent(session=session, visit_id=first, consent=True).changed == 2
    assert "王阿姨" in _slip(store, issue.id, tmp_path)


def test_the_same_answer_again_changes_and_logs_nothing(
    store: Store, actor: Actor, wang_twice: tuple[IssueRow, list[str]]
) -> None:
    _issue, (first, _second, _li) = wang_twice
    with store.read() as session:
        before = len(session.exec(select(ChangeLog.seq)).all())
    with store.write(actor) as session:
        assert set_consent(session=session, visit_id=first, consent=True).changed == 0
    with store.read() as session:
        assert len(session.exec(select(ChangeLog.seq)).all()) == before


def test_a_visit_awaiting_triage_changes_alone(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow], clock: FrozenClock
) -> None:
    one = make_visit(text="路灯坏了")
    clock.advance(timedelta(minutes=1))
    two = make_visit(text="垃圾没人收")
    with store.write(actor) as session:
        assert set_consent(session=session, visit_id=one.id, consent=True).changed == 1
    with store.read() as session:
        assert get_visit(session=session, visit_id=one.id).row.consent_forward is True
        assert get_visit(session=session, visit_id=two.id).row.consent_forward is False


def test_an_unknown_or_deleted_visit_is_refused(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow], clock: FrozenClock
) -> None:
    gone = make_visit()
    with store.write(actor) as session:
        visit = session.get(Visit, gone.id)
        assert visit is not None
        visit.deleted_at = clock.now()
    for visit_id in (gone.id, "no-such-visit"):
        with pytest.raises(VisitNotFound) as refused, store.write(actor) as session:
            set_consent(session=session, visit_id=visit_id, consent=True)
        assert refused.value.key == "error.visit_not_found"
    with store.read() as session:
        found = session.get(Visit, gone.id)
        assert found is not None and found.consent_forward is False


def test_one_visit_without_consent_keeps_the_resident_off_the_whole_slip(
    store: Store, actor: Actor, wang_twice: tuple[IssueRow, list[str]], tmp_path: Path
) -> None:
    """Mixed answers from one resident (a later visit logged unticked): the heading of the
    visit with consent would name whom the words were scrubbed of. The slip leaves her out."""
    issue, (_first, second, _li) = wang_twice
    with store.write(actor) as session:
        visit = session.get(Visit, second)
        assert visit is not None
        visit.consent_forward = False  # as the log form leaves it when not asked
    slip = _slip(store, issue.id, tmp_path)
    assert "王阿姨" not in slip and "138****1234" not in slip
    assert slip.count(NOT_CONSENTED) >= 2 and "李秀英" in slip


# -- sync ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("consent-change-trio"), SMALL_STATION, NOW, issues=1)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def test_consent_given_on_a_laptop_and_withdrawn_at_the_station_travels(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    with station.store.read() as session:
        visit = session.exec(select(Visit)).one()
        issue_id, visit_id = visit.issue_id, visit.id
    assert issue_id is not None and visit.consent_forward is False
    assert "王阿姨" not in _slip(station.store, issue_id, tmp_path / "a")

    # In the village the resident agrees; the station's slip then names her.
    laptop.clock.advance(timedelta(minutes=5))
    with laptop.store.write(laptop.info.actor()) as session:
        set_consent(session=session, visit_id=visit_id, consent=True)
    exchange(laptop, station, tmp_path)
    assert _consents(station.store, issue_id) == {visit_id: True}
    assert "王阿姨" in _slip(station.store, issue_id, tmp_path / "b")

    # She rings the station to withdraw it: the laptop learns it too.
    station.clock.advance(timedelta(minutes=10))
    with station.store.write(station.info.actor()) as session:
        set_consent(session=session, visit_id=visit_id, consent=False)
    exchange(station, laptop, tmp_path)
    assert _consents(laptop.store, issue_id) == {visit_id: False}
    assert "王阿姨" not in _slip(laptop.store, issue_id, tmp_path / "c")
