"""Urgency (one definition, Python and SQL agree), repeat visits (重复诉求), vulnerable residents,
similar issues and visits, and the cluster of visits opened as one issue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from small_station import Refs
from sqlalchemy import text
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Channel, Constituent, Issue, Tier, Visit, VisitCreate, VisitKind
from store.db import Store
from store.desk.board import BoardOrder, list_board
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.similar import similar_untriaged, suggest_issues
from store.desk.triage import link_visit, link_visits, open_issue_from_visits
from store.desk.urgency import (
    IssueFacts,
    VisitFacts,
    issue_urgency,
    issue_urgency_sql,
    visit_urgency,
    visit_urgency_sql,
)
from store.desk.visits import VisitRow, find_resident, list_untriaged, log_visit
from store.trust.check import check_database

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 24)


@pytest.fixture
def log(store: Store, actor: Actor, refs: Refs) -> Callable[..., VisitRow]:
    """Log a visit; `vulnerable` is the form's 困难群体 box (None: leave it)."""

    def make(
        *,
        phone: str = "13812341234",
        name: str = "王阿姨",
        village: str = "青石村",
        category: str = "道路交通",
        text: str = "村口的路灯坏了一个多月，晚上走路看不见。",
        kind: VisitKind = VisitKind.request,
        vulnerable: bool | None = None,
    ) -> VisitRow:
        form = VisitCreate(
            phone=phone,
            name=name,
            village_id=refs.villages[village],
            category_id=refs.categories[category],
            channel=Channel.walk_in,
            kind=kind,
            text=text,
            vulnerable=vulnerable,
        )
        with store.write(actor) as session:
            return log_visit(session=session, visit_in=form)

    return make


def _open(store: Store, actor: Actor, refs: Refs, *visits: VisitRow) -> IssueRow:
    with store.write(actor) as session:
        return open_issue_from_visits(
            session=session,
            visit_ids=[v.id for v in visits],
            unit_id=refs.unit_for(Tier.village),
        )


def _scalar(store: Store, sql: str, **params: object) -> object:
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


# -- urgency -----------------------------------------------------------------------------------


def test_issue_urgency_in_sql_is_the_python_score(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    kinds = list(VisitKind)
    for n in range(12):
        _open(store, actor, refs, log(phone=f"1381234{n:04d}", name=f"居民{n}"))
    with store.write(actor) as session:
        issues = session.exec(select(Issue).order_by(col(Issue.id))).all()
        for n, issue in enumerate(issues):
            # Due from 40 days ago to 20 days ahead; every kind, repeats past the cap, and so on.
            issue.due_on = TODAY + timedelta(days=20 - 5 * n)
            issue.warn_on = issue.due_on - timedelta(days=5)
            issue.repeat_count = n % 7
            issue.kind = kinds[n % len(kinds)]
            issue.vulnerable = n % 3 == 0
            issue.resupervision = n % 4 == 1
            if n == 11:
                issue.status = "closed"
                issue.closed_on = TODAY
    for today in (TODAY, TODAY + timedelta(days=3), TODAY + timedelta(days=40)):
        with store.read() as session:
            rows = session.exec(select(Issue, issue_urgency_sql(today))).all()
        assert len(rows) == 12
        for issue, in_sql in rows:
            assert in_sql == issue_urgency(IssueFacts.of(issue), today).score, issue.title
    # The range covered: capped overdue days, due soon, nothing for a closed issue.
    scores = [issue_urgency(IssueFacts.of(i), TODAY) for i, _ in rows]
    keys = {p.key for u in scores for p in u.parts}
    assert {"overdue", "due_soon", "repeat", "vulnerable", "resupervision"} <= keys
    assert any(u.score == 0 for u in scores)


def test_the_breakdown_names_each_reason() -> None:
    facts = IssueFacts(
        status="handling",
        due_on=TODAY - timedelta(days=5),
        warn_on=TODAY - timedelta(days=10),
        resupervision=False,
        repeat_count=2,
        kind="request",
        vulnerable=True,
    )
    urgency = issue_urgency(facts, TODAY)
    assert [(p.key, p.amount, p.points) for p in urgency.parts] == [
        ("overdue", 5, 10),
        ("repeat", 2, 6),
        ("vulnerable", 1, 5),
        ("kind.request", 1, 4),
    ]
    assert urgency.score == 25


def test_visit_urgency_in_sql_is_the_python_score(
    store: Store, clock: FrozenClock, log: Callable[..., VisitRow]
) -> None:
    log(phone="13900000001", name="甲", kind=VisitKind.consultation)
    clock.advance(timedelta(hours=30))
    log(phone="13900000001", name="甲", kind=VisitKind.request, vulnerable=True)
    clock.advance(timedelta(days=3, hours=2))
    log(phone="13900000002", name="乙", kind=VisitKind.suggestion)
    log(phone="13900000001", name="甲", kind=VisitKind.opinion, category="环境卫生")
    clock.advance(timedelta(days=20))
    now = clock.now()
    with store.read() as session:
        rows = session.exec(
            select(Visit, Constituent.vulnerable, visit_urgency_sql(now)).join(
                Constituent, col(Constituent.id) == Visit.constituent_id
            )
        ).all()
        by_time = sorted(rows, key=lambda r: r[0].received_at)
        for n, (visit, vulnerable, in_sql) in enumerate(by_time):
            earlier = sum(
                1
                for other, _, _ in by_time[:n]
                if other.constituent_id == visit.constituent_id
                and other.category_id == visit.category_id
            )
            facts = VisitFacts(visit.kind, vulnerable, earlier, visit.received_at)
            assert in_sql == visit_urgency(facts, now).score
        # 甲's second 道路交通 visit: a request, vulnerable, came before, waited 23 days (capped).
        assert by_time[1][2] == 4 + 5 + 3 + 14

        # The queue by urgency: the most urgent first, the order of the scores.
        page = list_untriaged(session=session, by_urgency_at=now)
        scores = {v.id: s for v, _, s in rows}
        listed = [scores[v.id] for v in page.items]
        assert listed == sorted(listed, reverse=True)
        assert page.items[0].id == by_time[1][0].id


def test_board_by_urgency_lists_the_most_urgent_first(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    for n in range(6):
        _open(store, actor, refs, log(phone=f"1381234{n:04d}", name=f"居民{n}"))
    with store.write(actor) as session:
        for n, issue in enumerate(session.exec(select(Issue).order_by(col(Issue.id))).all()):
            issue.repeat_count = n
    with store.read() as session:
        page = list_board(session=session, today=TODAY, order=BoardOrder.urgency)
        colour_page = list_board(session=session, today=TODAY)
        urgency = {
            i.id: issue_urgency(IssueFacts.of(i), TODAY).score
            for i in session.exec(select(Issue)).all()
        }
    listed = [urgency[r.id] for r in page.items]
    assert listed == sorted(listed, reverse=True) and listed[0] > listed[-1]
    assert {r.id for r in page.items} == {r.id for r in colour_page.items}


# -- repeats and the vulnerable flag --------------------------------------------------------------


def test_a_second_visit_by_the_same_resident_is_a_repeat(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    first = log()
    issue = _open(store, actor, refs, first)
    again = log()  # the same phone and name: the same resident
    neighbour = log(phone="13700001111", name="李大伯")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=neighbour.id, issue_id=issue.id)
        row = link_visit(session=session, visit_id=again.id, issue_id=issue.id)
    assert row.visit_count == 3
    assert _scalar(store, "SELECT repeat_count FROM issue WHERE id = :i", i=issue.id) == 1
    assert _scalar(store, "SELECT is_repeat FROM visit WHERE id = :v", v=again.id) == 1
    assert _scalar(store, "SELECT is_repeat FROM visit WHERE id = :v", v=neighbour.id) == 0
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY)
    assert detail.repeat_visits == {again.id}
    assert ("repeat", 1, 3) in [(p.key, p.amount, p.points) for p in detail.urgency.parts]
    assert check_database(engine=store.engine).findings == []


def test_a_cluster_opens_one_issue_with_its_counts(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    log: Callable[..., VisitRow],
) -> None:
    # Minutes apart: of one resident's visits, the earlier is the first, the later the repeat.
    a = log(kind=VisitKind.suggestion)
    clock.advance(timedelta(minutes=5))
    b = log(phone="13700001111", name="李大伯", kind=VisitKind.opinion, vulnerable=True)
    clock.advance(timedelta(minutes=5))
    c = log(kind=VisitKind.consultation)
    issue = _open(store, actor, refs, c, b, a)  # in any order: the earliest gives the title
    assert issue.visit_count == 3
    with store.read() as session:
        row = session.get(Issue, issue.id)
        assert row is not None
        assert (row.repeat_count, row.kind, row.vulnerable) == (1, "opinion", True)
        marks = dict(session.exec(select(Visit.id, Visit.is_repeat)).all())
    assert marks == {a.id: False, b.id: False, c.id: True}
    assert check_database(engine=store.engine).findings == []

    # Linking two more at once: one is the vulnerable resident's second visit.
    d = log(phone="13700001111", name="李大伯")
    e = log(phone="13600002222", name="赵师傅", kind=VisitKind.request)
    with store.write(actor) as session:
        link_visits(session=session, visit_ids=[d.id, e.id], issue_id=issue.id)
    with store.read() as session:
        row = session.get(Issue, issue.id)
        assert row is not None
        assert (row.visit_count, row.repeat_count, row.kind) == (5, 2, "request")
    assert check_database(engine=store.engine).findings == []


def test_check_finds_a_wrong_repeat_count(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    issue = _open(store, actor, refs, log(), log())
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE issue SET repeat_count = 0 WHERE id = :i"), {"i": issue.id})
    keys = [f.key for f in check_database(engine=store.engine).findings]
    assert "check.repeat_count" in keys
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE visit SET is_repeat = false"))
    keys = [f.key for f in check_database(engine=store.engine).findings]
    assert "check.repeat_flags" in keys and "check.repeat_count" not in keys


def test_the_vulnerable_flag_is_saved_and_follows_to_the_issues(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    issue = _open(store, actor, refs, log())
    with store.read() as session:
        resident = find_resident(session=session, phone="13812341234")
    assert resident is not None
    assert (resident.vulnerable, resident.open_issues) == (False, 1)

    log(vulnerable=True)  # the deputy ticks 困难群体 for the returning resident
    assert _scalar(store, "SELECT vulnerable FROM issue WHERE id = :i", i=issue.id) == 1
    with store.read() as session:
        resident = find_resident(session=session, phone="13812341234")
    assert resident is not None and resident.vulnerable

    log(vulnerable=None)  # an import, say: the flag stays
    assert _scalar(store, "SELECT vulnerable FROM issue WHERE id = :i", i=issue.id) == 1
    log(vulnerable=False)
    assert _scalar(store, "SELECT vulnerable FROM issue WHERE id = :i", i=issue.id) == 0


# -- similar issues and visits --------------------------------------------------------------------

FLYING_WIRES = (
    "楼道里有人飞线充电，电线从三楼窗户拉下来，太危险了。",
    "我们这栋楼飞线充电的情况很多，电动车在楼道里充电，怕着火。",
    "飞线充电又出现了，电线横穿楼道，晚上充电不安全。",
)
STREET_LIGHT = "村口的路灯坏了一个多月，晚上走路看不见。"


def test_known_duplicates_are_proposed_and_the_other_problem_is_not(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    fire = "安全生产与消防"
    wires = [
        log(phone=f"1390000000{n}", name=f"居民{n}", category=fire, text=words)
        for n, words in enumerate(FLYING_WIRES)
    ]
    light = log(phone="13700001111", name="李大伯", category="道路交通", text=STREET_LIGHT)
    with store.read() as session:
        alike = similar_untriaged(session=session, visit_id=wires[0].id)
    assert {s.id for s in alike} == {wires[1].id, wires[2].id}
    assert all("飞线充电" in s.likeness.shared_words for s in alike)

    wire_issue = _open(store, actor, refs, wires[0], wires[1])
    light_issue = _open(store, actor, refs, light)
    with store.read() as session:
        suggestions = suggest_issues(session=session, visit_id=wires[2].id, today=TODAY)
    proposed = [s for s in suggestions if s.proposed]
    assert [s.row.id for s in proposed] == [wire_issue.id]
    first = proposed[0].likeness
    assert first.same_village and first.same_category and "飞线充电" in first.shared_words
    # The street light of the same village may be offered for linking, never proposed.
    assert light_issue.id not in [s.row.id for s in proposed]


def test_the_residents_own_open_issue_comes_first(
    store: Store,
    actor: Actor,
    refs: Refs,
    log: Callable[..., VisitRow],
) -> None:
    other = _open(store, actor, refs, log(phone="13700001111", name="李大伯"))
    own = _open(store, actor, refs, log(text="路灯还是没修好，天一黑就看不见。"))
    again = log(text="又来说路灯的事。")
    with store.read() as session:
        suggestions = suggest_issues(session=session, visit_id=again.id, today=TODAY)
    assert [s.row.id for s in suggestions][:2] == [own.id, other.id]
    assert suggestions[0].own and suggestions[0].proposed
