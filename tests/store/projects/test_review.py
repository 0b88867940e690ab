"""The quarterly review (季度评议): scores, replacement, averages, colours, finalising."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from small_station import Refs
from sqlmodel import col, select
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import (
    ChangeLog,
    Colour,
    EvaluationCreate,
    Issue,
    QuarterlyReview,
    Resolution,
    ReviewScore,
    ReviewTarget,
    Satisfaction,
)
from store.core.settings import load_settings, parse_settings, update_setting
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.projects.projects import promote_issue
from store.projects.review import (
    ReviewFinalised,
    ReviewNeedsDeputy,
    ReviewNotFound,
    TargetNotFound,
    finalise_review,
    get_review,
    list_reviews,
    list_targets,
    review_board,
    score_colour,
    score_target,
)
from store.station import StationInfo

Q = "2026Q4"
PROJECT = ReviewTarget.micro_project
UNIT = ReviewTarget.unit


@pytest.fixture
def project(store: Store, actor: Actor, make_issue: Callable[..., IssueRow]) -> str:
    issue = make_issue(text="楼道飞线充电")
    with store.write(actor) as session:
        return promote_issue(session=session, issue_id=issue.id, title="飞线充电整治").id


@pytest.fixture
def other(station_info: StationInfo, refs: Refs) -> Actor:
    return station_info.actor(refs.deputies["朱秀芬"])


def _score(store: Store, actor: Actor, kind: ReviewTarget, target: str, score: int) -> None:
    with store.write(actor) as session:
        score_target(session=session, quarter=Q, kind=kind, target_id=target, score=score)


def test_targets_are_the_quarters_projects_and_units(
    store: Store, actor: Actor, project: str, make_issue: Callable[..., IssueRow], refs: Refs
) -> None:
    with store.read() as session:
        page = list_targets(session=session, quarter=Q, deputy_id=actor.deputy_id)
        # Nothing was open in 2026Q2: no project had started, no issue was open.
        before = list_targets(session=session, quarter="2026Q2", deputy_id=actor.deputy_id)
        assert get_review(session=session, quarter=Q) is None
    assert [(r.kind, r.name) for r in page.items] == [
        (PROJECT, "飞线充电整治"),
        (UNIT, "青石村村委会"),
    ]
    assert all(r.mine is None and r.average is None and r.colour is None for r in page.items)
    assert before.total == 0


def test_scores_average_and_rescoring_replaces(
    store: Store, actor: Actor, other: Actor, project: str, refs: Refs
) -> None:
    tier = refs.units["青石村村委会"].tier
    assert tier is not None
    unit = refs.unit_for(tier)
    _score(store, actor, PROJECT, project, 90)
    _score(store, other, PROJECT, project, 70)
    _score(store, actor, PROJECT, project, 100)  # replaces 90
    _score(store, actor, UNIT, unit, 50)
    with store.read() as session:
        board = review_board(session=session, quarter=Q)
        mine = list_targets(session=session, quarter=Q, deputy_id=other.deputy_id)
        info = get_review(session=session, quarter="2026q4")
        stored = session.exec(select(ReviewScore)).all()
    assert [(b.name, b.average, b.scores, b.colour) for b in board.items] == [
        ("飞线充电整治", 85.0, 2, Colour.green),
        ("青石村村委会", 50.0, 1, Colour.red),
    ]
    assert [(r.mine, r.average, r.scores) for r in mine.items] == [(70, 85.0, 2), (None, 50.0, 1)]
    assert info is not None and (info.scores, info.targets_scored) == (3, 2)
    assert info.held_on == date(2026, 11, 24) and not info.finalised
    assert len(stored) == 3


@pytest.mark.parametrize("score", [-1, 101, 55.5, True])
def test_scores_are_whole_numbers_from_0_to_100(
    store: Store, actor: Actor, project: str, score: Any
) -> None:
    with pytest.raises(FieldInvalid) as caught, store.write(actor) as session:
        score_target(session=session, quarter=Q, kind=PROJECT, target_id=project, score=score)
    assert caught.value.key == "review.bad_score"
    with store.read() as session:
        assert session.exec(select(QuarterlyReview)).all() == []


def test_bad_quarters_targets_and_no_deputy_are_refused(
    store: Store, actor: Actor, station_info: StationInfo, project: str
) -> None:
    with pytest.raises(FieldInvalid) as caught, store.write(actor) as session:
        score_target(session=session, quarter="2026Q5", kind=PROJECT, target_id=project, score=1)
    assert caught.value.key == "stats.bad_quarter"
    with pytest.raises(TargetNotFound), store.write(actor) as session:
        score_target(session=session, quarter=Q, kind=UNIT, target_id=project, score=1)
    with pytest.raises(ReviewNeedsDeputy), store.write(station_info.actor(None)) as session:
        score_target(session=session, quarter=Q, kind=PROJECT, target_id=project, score=1)


@pytest.mark.parametrize(
    ("average", "colour"),
    [
        (100, Colour.green),
        (85, Colour.green),
        (84.9, Colour.yellow),
        (60, Colour.yellow),
        (59.99, Colour.red),
        (0, Colour.red),
    ],
)
def test_colour_thresholds(average: float, colour: Colour) -> None:
    assert score_colour(average, parse_settings({})) == colour


def test_thresholds_are_settings_with_range_checks(
    store: Store, actor: Actor, project: str
) -> None:
    _score(store, actor, PROJECT, project, 80)
    with store.write(actor) as session:
        update_setting(session=session, key="review.green_score", value="75")
    with store.read() as session:
        assert review_board(session=session, quarter=Q).items[0].colour == Colour.green
        assert load_settings(session=session).review_green_score == 75
    for key, value in [
        ("review.green_score", "101"),
        ("review.yellow_score", "-1"),
        ("review.yellow_score", "80"),  # above green
        ("review.green_score", "high"),
    ]:
        with pytest.raises(FieldInvalid), store.write(actor) as session:
            update_setting(session=session, key=key, value=value)


def test_finalise_freezes_the_board_for_the_record(
    store: Store, actor: Actor, other: Actor, project: str, clock: FrozenClock
) -> None:
    with pytest.raises(ReviewNotFound), store.write(actor) as session:
        finalise_review(session=session, quarter=Q)
    _score(store, actor, PROJECT, project, 88)
    with store.write(actor) as session:
        done = finalise_review(session=session, quarter=Q)
    assert done.finalised
    for who, score in ((actor, 10), (other, 95)):
        with pytest.raises(ReviewFinalised) as caught:
            _score(store, who, PROJECT, project, score)
        assert caught.value.params == {"quarter": Q}
    with pytest.raises(ReviewFinalised), store.write(actor) as session:
        finalise_review(session=session, quarter=Q)
    # A later quarter starts its own review; the finalised one stays as it was.
    clock.advance(timedelta(days=40))
    with store.write(other) as session:
        score_target(session=session, quarter="2027Q1", kind=PROJECT, target_id=project, score=60)
    with store.read() as session:
        board = review_board(session=session, quarter=Q)
        reviews = list_reviews(session=session)
    assert [(b.average, b.colour) for b in board.items] == [(88.0, Colour.green)]
    assert [(r.quarter, r.finalised, r.scores) for r in reviews.items] == [
        ("2027Q1", False, 1),
        (Q, True, 1),
    ]


def test_closed_issues_units_count_in_their_quarter(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
            ),
        )
        must_get(session, Issue, issue.id).closed_on = date(2026, 9, 30)
        must_get(session, Issue, issue.id).opened_on = date(2026, 9, 1)
    with store.read() as session:
        q3 = list_targets(session=session, quarter="2026Q3", deputy_id=None)
        q4 = list_targets(session=session, quarter=Q, deputy_id=None)
    assert [r.name for r in q3.items] == ["青石村村委会"]
    assert q4.total == 0


def test_scores_are_logged_under_the_deputy_who_gave_them(
    store: Store, actor: Actor, other: Actor, project: str
) -> None:
    _score(store, actor, PROJECT, project, 90)
    _score(store, other, PROJECT, project, 70)
    _score(store, other, PROJECT, project, 75)
    with store.write(actor) as session:
        finalise_review(session=session, quarter=Q)
    with store.read() as session:
        logged = session.exec(
            select(ChangeLog.table_name, ChangeLog.op, ChangeLog.deputy_id).where(
                col(ChangeLog.table_name).in_(["quarterly_review", "review_score"])
            )
        ).all()
    assert sorted(logged, key=str) == sorted(
        [
            ("quarterly_review", "insert", actor.deputy_id),
            ("review_score", "insert", actor.deputy_id),
            ("review_score", "insert", other.deputy_id),
            ("review_score", "update", other.deputy_id),
            ("quarterly_review", "update", actor.deputy_id),
        ],
        key=str,
    )


def test_the_modules_load_no_interface() -> None:
    """STYLE §2: micro-projects, reviews and the publication list are headless."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import store.projects.projects, store.projects.review, sys; "
            "import store.projects.publication; "
            "print('textual' in sys.modules, 'rich' in sys.modules)",
        ],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "False False"
