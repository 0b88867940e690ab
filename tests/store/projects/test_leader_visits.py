"""Leader visits (store.projects.leader_visits): logged with their deputies and issues, the day's
领导进站 visits linked in one action, listed a page at a time, and counted in the statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from record_fixture import TZ
from small_station import Refs

from store.changelog.changes import Actor
from store.core.clock import from_local
from store.core.errors import FormInvalid, IssueNotFound, NotFound
from store.core.models import (
    Channel,
    Colour,
    EvaluationCreate,
    IssueStatus,
    Resolution,
    Satisfaction,
)
from store.db import Store
from store.desk.forms import validate_form
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.visits import VisitRow
from store.projects.leader_visits import (
    LeaderVisitCreate,
    LeaderVisitNotFound,
    candidate_issues,
    get_leader_visit,
    link_channel_visits,
    link_issues,
    list_leader_visits,
    log_leader_visit,
    unlink_issue,
)

TODAY = date(2026, 11, 24)


def _log(store: Store, actor: Actor, **fields: object) -> str:
    values = {"at": from_local(datetime(2026, 11, 24, 9), TZ), "leader": "王副县长", **fields}
    visit_in = validate_form(LeaderVisitCreate, values)
    with store.write(actor) as session:
        return log_leader_visit(session=session, visit_in=visit_in, tz=TZ).id


def test_log_with_deputies_issues_and_the_days_visits(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> None:
    raised = make_issue(text="县道拓宽", channel=Channel.leader_visit)
    other = make_issue(text="路灯坏了")
    make_visit(text="还没分办的领导进站来访", channel=Channel.leader_visit)
    lv = _log(
        store,
        actor,
        position="副县长",
        topic="交通出行",
        note="现场协调",
        deputy_ids=[refs.deputies["沈国强"], refs.deputies["朱秀芬"], refs.deputies["沈国强"]],
        issue_ids=[other.id],
        link_channel_visits=True,
    )
    with store.read() as session:
        detail = get_leader_visit(session=session, leader_visit_id=lv, today=TODAY)
    assert detail.row.leader == "王副县长" and detail.row.topic == "交通出行"
    assert detail.deputies == ("朱秀芬", "沈国强")  # each once, by name
    assert (detail.row.deputies, detail.row.issues, detail.row.issues_closed) == (2, 2, 0)
    assert {i.id for i in detail.issues} == {raised.id, other.id}

    # Linking again adds nothing; the untriaged visit of the channel is reported.
    with store.write(actor) as session:
        again = link_channel_visits(session=session, leader_visit_id=lv, tz=TZ)
        assert (again.linked, again.untriaged) == (0, 1)
        assert link_issues(session=session, leader_visit_id=lv, issue_ids=[raised.id]) == 0
        with pytest.raises(IssueNotFound):
            link_issues(session=session, leader_visit_id=lv, issue_ids=["no-such-issue"])


def test_what_became_of_the_issues(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    done, waiting = make_issue(text="井盖松动"), make_issue(text="垃圾清运")
    lv = _log(store, actor, issue_ids=[done.id, waiting.id])
    evaluation = EvaluationCreate(
        resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
    )
    with store.write(actor) as session:
        close_issue(session=session, issue_id=done.id, evaluation_in=evaluation)
    with store.read() as session:
        later = get_leader_visit(
            session=session, leader_visit_id=lv, today=waiting.due_on + timedelta(days=1)
        )
    by_id = {i.id: i for i in later.issues}
    assert by_id[done.id].status == IssueStatus.closed and by_id[done.id].colour == Colour.green
    assert by_id[waiting.id].colour == Colour.red  # overdue by then
    assert later.row.issues_closed == 1

    with store.write(actor) as session:
        unlink_issue(session=session, leader_visit_id=lv, issue_id=waiting.id)
    with store.read() as session:
        detail = get_leader_visit(session=session, leader_visit_id=lv, today=TODAY)
        candidates = candidate_issues(session=session, leader_visit_id=lv, tz=TZ, today=TODAY)
    assert [i.id for i in detail.issues] == [done.id]
    # The unlinked issue had a visit that day: it is offered first; the linked one is not.
    assert candidates[0].id == waiting.id and done.id not in {c.id for c in candidates}


def test_bad_input_is_refused_by_field(store: Store, actor: Actor) -> None:
    with pytest.raises(FormInvalid) as caught:
        validate_form(
            LeaderVisitCreate, {"at": "2026-11-24T09:00:00Z", "leader": "  ", "topic": "x" * 201}
        )
    assert caught.value.errors == {"leader": "field.required", "topic": "field.too_long"}
    with pytest.raises(NotFound):
        _log(store, actor, deputy_ids=["nobody"])
    with store.read() as session, pytest.raises(LeaderVisitNotFound):
        get_leader_visit(session=session, leader_visit_id="nothing", today=TODAY)


def test_listed_newest_first_a_page_at_a_time(store: Store, actor: Actor) -> None:
    for day in range(1, 8):
        _log(store, actor, at=from_local(datetime(2026, 11, day, 9), TZ), leader=f"领导{day}")
    with store.read() as session:
        first = list_leader_visits(session=session, limit=3)
        last = list_leader_visits(session=session, limit=3, offset=6)
    assert first.total == 7 and [r.leader for r in first.items] == ["领导7", "领导6", "领导5"]
    assert [r.leader for r in last.items] == ["领导1"] and not last.has_next
