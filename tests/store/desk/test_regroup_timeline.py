"""Regrouping in an issue's timeline (store.desk.issue_page, issue 18): a split on both halves,
the issues merged into a survivor, each visit withdrawn (撤回) with its reason, and the close of
an issue withdrawn read as such; each with when and who (the deputy from the change log where
the record has no deputy of its own), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from small_station import DEPUTY, NOW, OTHER_DEPUTY, TODAY, Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import IssueStatus, Tier
from store.db import Store
from store.desk.issue_page import IssueDetail, TimelineEntry, get_issue
from store.desk.issue_rows import IssueRow
from store.desk.regroup import merge_issues, split_issue, withdraw_visit
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from store.station import StationInfo

pytestmark = pytest.mark.both_backends

LI = {"name": "李秀英", "phone": "13955556666", "text": "路灯也不亮"}
ZHAO = {"name": "赵建国", "phone": "13700001111", "text": "桥头的路灯也坏了"}
QIAN = {"name": "钱文华", "phone": "13611112222", "text": "村口路灯坏了好几天"}


def _detail(store: Store, issue_id: str) -> IssueDetail:
    with store.read() as session:
        return get_issue(session=session, issue_id=issue_id, today=TODAY)


def _kinds(detail: IssueDetail, *kinds: str) -> list[TimelineEntry]:
    return [e for e in detail.timeline if e.kind in kinds]


def test_a_split_shows_on_both_halves_with_who_and_when(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    zhao = make_visit(**ZHAO)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=zhao.id, issue_id=issue.id)
    clock.advance(timedelta(days=2))
    with store.write(actor) as session:
        split = split_issue(
            session=session, issue_id=issue.id, visit_ids=[zhao.id], title="桥头路灯"
        ).new
    [out] = _kinds(_detail(store, issue.id), "split_to")
    assert (out.issue_title, out.issue_ref, out.deputy) == ("桥头路灯", split.id, DEPUTY)
    assert out.at == NOW + timedelta(days=2)
    [back] = _kinds(_detail(store, split.id), "split_from")
    assert (back.issue_title, back.issue_ref, back.deputy) == (issue.title, issue.id, DEPUTY)
    assert back.at == NOW + timedelta(days=2)
    # Nothing else was regrouped.
    assert not _kinds(_detail(store, issue.id), "split_from", "merged", "withdrawn")


def test_a_survivor_lists_each_issue_merged_into_it_by_whoever_merged_it(
    store: Store,
    actor: Actor,
    station_info: StationInfo,
    clock: FrozenClock,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
) -> None:
    survivor = make_issue(**LI)
    first = make_issue(**ZHAO)
    second = make_issue(**QIAN)
    clock.advance(timedelta(hours=1))
    with store.write(actor) as session:
        merge_issues(session=session, issue_id=first.id, into_id=survivor.id)
    clock.advance(timedelta(hours=1))
    other = station_info.actor(refs.deputies[OTHER_DEPUTY])
    with store.write(other) as session:
        merge_issues(session=session, issue_id=second.id, into_id=survivor.id)
    merged = _kinds(_detail(store, survivor.id), "merged")
    assert [(e.issue_title, e.issue_ref, e.deputy, e.at) for e in merged] == [
        (first.title, first.id, DEPUTY, NOW + timedelta(hours=1)),
        (second.title, second.id, OTHER_DEPUTY, NOW + timedelta(hours=2)),
    ]


def test_withdrawals_show_their_reason_and_the_close_reads_as_a_withdrawal(
    store: Store,
    actor: Actor,
    station_info: StationInfo,
    clock: FrozenClock,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(**LI)
    zhao = make_visit(**ZHAO)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=zhao.id, issue_id=issue.id)
    first = next(v for v in _detail(store, issue.id).visits if v.id != zhao.id)
    clock.advance(timedelta(hours=1))
    with store.write(actor) as session:
        withdraw_visit(
            session=session, visit_id=zhao.id, reason="[b]已自行修好[/b]，电话13700001111"
        )
    detail = _detail(store, issue.id)
    [one] = _kinds(detail, "withdrawn")
    assert (one.resident, one.text, one.deputy) == (
        "赵建国",
        "[b]已自行修好[/b]，电话13700001111",
        DEPUTY,
    )
    assert one.at == NOW + timedelta(hours=1)
    assert not [e for e in detail.timeline if e.withdrawal]
    # The last visit withdrawn (by another deputy) closes the issue: its withdrawal, then the
    # close that reads as one (its note is the reason already shown).
    clock.advance(timedelta(hours=1))
    other = station_info.actor(refs.deputies[OTHER_DEPUTY])
    with store.write(other) as session:
        withdraw_visit(session=session, visit_id=first.id, reason="村里已修")
    timeline = _detail(store, issue.id).timeline
    last_two = timeline[-2:]
    assert [(e.kind, e.resident, e.deputy, e.text) for e in last_two] == [
        ("withdrawn", "李秀英", OTHER_DEPUTY, "村里已修"),
        ("progress", "", OTHER_DEPUTY, ""),
    ]
    close = last_two[1]
    assert close.withdrawal and close.status_after == IssueStatus.closed
    assert [e.resident for e in _kinds(_detail(store, issue.id), "withdrawn")] == [
        "赵建国",
        "李秀英",
    ]
