"""Undo (issue 17, part 5): a write's changes noted as it is made, put back by a compensating
write. After the undo the station's data is what it was before the write; the change log only
grew: the write and its undo are both in it, chained, and travel by sync."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from record_fixture import TZ
from small_station import OTHER_VILLAGE, VILLAGE, Refs
from sqlmodel import Session, col, select
from store_rows import live_rows, must_get

from store.changelog.changes import Actor
from store.changelog.undo import Undo, UndoResult, record_changes, revert_changes
from store.core.clock import from_local
from store.core.enums import DayKind
from store.core.models import (
    CalendarDay,
    ChangeLog,
    Issue,
    ProjectStatus,
    ReviewTarget,
    Tier,
    Unit,
    calendar_day_id,
)
from store.db import Store
from store.desk.forms import validate_form
from store.desk.issue_rows import IssueRow
from store.duty.calendar import list_calendar, mark_day, set_window_unit, unmark_day
from store.duty.roster import assign_shift, clear_shift, generate_roster
from store.projects.leader_visits import (
    LeaderVisitCreate,
    link_issues,
    log_leader_visit,
    unlink_issue,
)
from store.projects.projects import move_project, promote_issue
from store.projects.review import finalise_review, score_target
from store.reference.editing import merge, rename, set_active
from store.trust.check import check_database

pytestmark = pytest.mark.both_backends

Write = Callable[[Session], object]
NEW_YEAR = date(2026, 1, 1)


def _log(store: Store) -> list[tuple[int | None, str, str]]:
    with store.read() as session:
        rows = session.exec(select(ChangeLog).order_by(col(ChangeLog.seq))).all()
        return [(r.seq, r.hlc, r.chain or "") for r in rows]


def _record(store: Store, actor: Actor, write: Write) -> Undo:
    with store.write(actor) as session, record_changes(session) as recorder:
        write(session)
    return recorder.undo()


def _revert(store: Store, actor: Actor, undo: Undo) -> UndoResult:
    with store.write(actor) as session:
        return revert_changes(session=session, undo=undo)


def _undone(store: Store, actor: Actor, write: Write) -> UndoResult:
    """Do `write`, undo it; check the data is back as it was and the log only grew."""
    with store.read() as session:
        before = live_rows(session)
    log_before = _log(store)
    undo = _record(store, actor, write)
    assert undo
    with store.read() as session:
        assert live_rows(session) != before  # the write did change something
    log_written = _log(store)
    result = _revert(store, actor, undo)
    with store.read() as session:
        assert live_rows(session) == before
    log_after = _log(store)
    # Nothing taken out of the log: the write's entries stay, the undo's follow them.
    assert log_after[: len(log_written)] == log_written
    assert log_written[: len(log_before)] == log_before
    assert len(log_after) > len(log_written) > len(log_before)
    assert check_database(engine=store.engine).findings == []
    return result


# -- the calendar -------------------------------------------------------------------------------


def test_a_deleted_official_day_comes_back_with_its_kind_and_name(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue()
    with store.read() as session:
        shown = list_calendar(session=session, year=2026)
    result = _undone(store, actor, lambda s: unmark_day(session=s, day=NEW_YEAR))
    assert result == UndoResult(restored=1, kept=0)
    with store.read() as session:
        again = list_calendar(session=session, year=2026)
    # The same days, kinds and names; the day is now the station's own write (an undo is one).
    assert [(e.day, e.kind, e.name) for e in again] == [(e.day, e.kind, e.name) for e in shown]
    assert next(e for e in again if e.day == NEW_YEAR).name == "元旦"


def test_a_deleted_official_day_of_a_year_not_seeded_shows_again(
    store: Store, actor: Actor
) -> None:
    with store.read() as session:
        shown = list_calendar(session=session, year=2027)
    day = shown[0].day
    _undone(store, actor, lambda s: unmark_day(session=s, day=day))
    with store.read() as session:
        assert list_calendar(session=session, year=2027) == shown
        # The override the deletion made is itself deleted: the official day shows through.
        assert must_get(session, CalendarDay, calendar_day_id(day)).deleted_at is not None


def test_a_stations_own_day_deleted_or_replaced_comes_back(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue()
    day = date(2026, 11, 30)
    with store.write(actor) as session:
        set_window_unit(session=session, unit="working")
        mark_day(session=session, day=day, kind=DayKind.holiday, name="测试")
    _undone(store, actor, lambda s: unmark_day(session=s, day=day))
    _undone(store, actor, lambda s: mark_day(session=s, day=day, kind=DayKind.workday, name="补"))
    holiday = date(2026, 12, 1)
    _undone(store, actor, lambda s: mark_day(session=s, day=holiday, kind=DayKind.holiday))


def test_counting_working_days_is_undone_with_every_due_date(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    rows = [make_issue(), make_issue(tier=Tier.township), make_issue(tier=Tier.county)]
    result = _undone(store, actor, lambda s: set_window_unit(session=s, unit="working"))
    # The setting and each issue's due and warning dates.
    assert result == UndoResult(restored=1 + len(rows), kept=0)
    with store.read() as session:
        assert must_get(session, Issue, rows[0].id).due_on == date(2026, 12, 9)


# -- reference data ----------------------------------------------------------------------------


def test_a_retired_unit_is_back_in_use(store: Store, actor: Actor, refs: Refs) -> None:
    unit = refs.unit_for(Tier.county)
    _undone(store, actor, lambda s: set_active(session=s, kind="unit", record=unit, active=False))


def test_a_merge_of_units_is_undone_record_by_record(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    source = make_issue(tier=Tier.county)
    with store.read() as session:
        from_id = must_get(session, Issue, source.id).unit_id
        into = session.exec(
            select(Unit.id).where(Unit.tier == Tier.county, Unit.id != from_id)
        ).first()
    assert into is not None
    # What pointed at the first unit points at it again; its name is no former name of the other.
    _undone(store, actor, lambda s: merge(session=s, kind="unit", source=str(from_id), target=into))


def test_a_merge_of_villages_is_undone(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(village=OTHER_VILLAGE)
    source, target = refs.villages[OTHER_VILLAGE], refs.villages[VILLAGE]
    _undone(store, actor, lambda s: merge(session=s, kind="village", source=source, target=target))


def test_a_rename_is_undone(store: Store, actor: Actor, refs: Refs) -> None:
    village = refs.villages[VILLAGE]
    _undone(store, actor, lambda s: rename(session=s, kind="village", record=village, name="新名"))


# -- leader visits, projects, the review, the roster --------------------------------------------


def test_an_issue_unlinked_from_a_leader_visit_is_linked_again(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    values = {"at": from_local(datetime(2026, 11, 24, 9), TZ), "leader": "王副县长"}
    with store.write(actor) as session:
        visit = log_leader_visit(
            session=session, visit_in=validate_form(LeaderVisitCreate, values), tz=TZ
        ).id
        link_issues(session=session, leader_visit_id=visit, issue_ids=[issue.id])
    _undone(
        store,
        actor,
        lambda s: unlink_issue(session=s, leader_visit_id=visit, issue_id=issue.id),
    )


def test_a_project_moved_to_done_is_back_where_it_was(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        project = promote_issue(session=session, issue_id=make_issue().id).id
        move_project(session=session, project_id=project, status=ProjectStatus.underway)
    _undone(
        store,
        actor,
        lambda s: move_project(session=s, project_id=project, status=ProjectStatus.done),
    )


def test_a_finalised_review_takes_scores_again(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        project = promote_issue(session=session, issue_id=make_issue().id).id
        score_target(
            session=session,
            quarter="2026Q4",
            kind=ReviewTarget.micro_project,
            target_id=project,
            score=88,
        )
    _undone(store, actor, lambda s: finalise_review(session=s, quarter="2026Q4"))


def test_a_first_score_and_a_score_given_again_are_undone(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        project = promote_issue(session=session, issue_id=make_issue().id).id

    def score(value: int) -> Write:
        return lambda s: score_target(
            session=s,
            quarter="2026Q4",
            kind=ReviewTarget.micro_project,
            target_id=project,
            score=value,
        )

    # The quarter's first score makes its review: undone, neither is left.
    _undone(store, actor, score(88))
    with store.write(actor) as session:
        score(88)(session)
    _undone(store, actor, score(60))


def test_a_cleared_or_generated_roster_is_undone(store: Store, actor: Actor, refs: Refs) -> None:
    day = date(2026, 11, 26)
    with store.write(actor) as session:
        assign_shift(session=session, day=day, deputy_id=refs.deputies["朱秀芬"])
    _undone(store, actor, lambda s: clear_shift(session=s, day=day))
    end = date(2026, 11, 30)
    _undone(store, actor, lambda s: generate_roster(session=s, start=day, end=end))


# -- later writes stand -------------------------------------------------------------------------


def test_a_field_changed_since_is_left_as_it_is_now(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    unit = refs.unit_for(Tier.county)
    undo = _record(
        store, actor, lambda s: set_active(session=s, kind="unit", record=unit, active=False)
    )
    with store.write(actor) as session:  # another terminal brings it back meanwhile
        set_active(session=session, kind="unit", record=unit, active=True)
    assert _revert(store, actor, undo) == UndoResult(restored=0, kept=1)
    with store.read() as session:
        assert must_get(session, Unit, unit).active

    # Of a station-wide change, the records written since stay as they are; the rest go back.
    first, second = make_issue(), make_issue()
    undo = _record(store, actor, lambda s: set_window_unit(session=s, unit="working"))
    with store.write(actor) as session:
        must_get(session, Issue, second.id).due_on = date(2027, 1, 1)
    result = _revert(store, actor, undo)
    assert result == UndoResult(restored=2, kept=1)
    with store.read() as session:
        assert must_get(session, Issue, first.id).due_on == date(2026, 12, 9)
        assert must_get(session, Issue, second.id).due_on == date(2027, 1, 1)


def test_changes_over_several_flushes_keep_the_first_value_before(
    store: Store, actor: Actor, refs: Refs
) -> None:
    village = refs.villages[VILLAGE]

    def twice(session: Session) -> None:
        rename(session=session, kind="village", record=village, name="一名")
        rename(session=session, kind="village", record=village, name="二名")

    _undone(store, actor, twice)


def test_a_field_set_without_being_loaded_is_read_from_the_database(
    store: Store, actor: Actor, refs: Refs
) -> None:
    unit = refs.unit_for(Tier.county)

    def expired(session: Session) -> Any:
        row = must_get(session, Unit, unit)
        session.expire(row)
        row.active = False
        return row

    _undone(store, actor, expired)


def test_nothing_written_nothing_to_undo(store: Store, actor: Actor) -> None:
    undo = _record(store, actor, lambda s: None)
    assert not undo
    assert _revert(store, actor, undo) == UndoResult(restored=0, kept=0)
