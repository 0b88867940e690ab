"""`liaison check --quick` reads what the log changed since the last full check, and only that
(issue 19, part 5: on a county's hub a quick check took 21 s at 600,000 visits whatever had
changed, every rule but the chain's and the records' reading every row).

Each test plants the same fault in two issues, one the log has not touched since the full check
and one a deputy worked on since: the quick check names the second alone, a full check both."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text

from store.changelog.changes import Actor
from store.core.models import IssueStatus, ProgressCreate
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress
from store.trust.check import CheckReport, check_database

pytestmark = pytest.mark.both_backends


def _check(store: Store, quick: bool = False) -> CheckReport:
    return check_database(engine=store.engine, quick=quick)


def _found(report: CheckReport, key: str) -> dict[str, object] | None:
    found = [f.params for f in report.findings if f.key == key]
    return found[0] if found else None


def _progress(store: Store, actor: Actor, issue: IssueRow) -> str:
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.deliberating, note="约了村里商量"),
        )
    with store.engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT id FROM progress WHERE issue_id = :i ORDER BY at DESC LIMIT 1"),
                {"i": issue.id},
            ).scalar()
        )


def _around_the_store(store: Store, sql: str, **params: object) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def pair(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> tuple[IssueRow, IssueRow]:
    """(untouched, worked on): two issues, a progress note on the first; a full check that
    passed; then a progress note on the second only."""
    untouched = make_issue(text="桥头的路灯不亮了")
    worked = make_issue(text="村口的垃圾桶满了没人收")
    _progress(store, actor, untouched)
    assert _check(store).ok
    _progress(store, actor, worked)
    return untouched, worked


def test_a_quick_check_of_a_sound_change_passes(store: Store, pair: tuple[IssueRow, ...]) -> None:
    assert _check(store, quick=True).ok


def _both_planted(
    store: Store, pair: tuple[IssueRow, IssueRow], sql: str
) -> tuple[CheckReport, CheckReport]:
    """`sql` run around the store on both issues (`:a` untouched, `:b` worked on): what a
    quick and a full check then say."""
    untouched, worked = pair
    _around_the_store(store, sql, a=untouched.id, b=worked.id)
    return _check(store, quick=True), _check(store)


@pytest.mark.parametrize(
    ("sql", "keys"),
    [
        (
            "UPDATE issue SET visit_count = visit_count + 5, repeat_count = repeat_count + 1"
            " WHERE id IN (:a, :b)",
            ("check.visit_count", "check.repeat_count"),
        ),
        (
            "UPDATE issue SET closed_on = opened_on, warn_on = '2099-12-31' WHERE id IN (:a, :b)",
            ("check.issue_open_dated", "check.issue_warn_after_due"),
        ),
    ],
    ids=["counts", "dates"],
)
def test_an_issues_rules_are_checked_where_the_log_changed_it(
    store: Store, pair: tuple[IssueRow, IssueRow], sql: str, keys: tuple[str, ...]
) -> None:
    quick, full = _both_planted(store, pair, sql)
    for key in keys:
        assert _found(quick, key) == {"table": "issue", "count": 1, "first": pair[1].id}
        assert (_found(full, key) or {}).get("count") == 2


def test_a_visit_of_a_deleted_issue_is_checked_where_the_log_changed_it(
    store: Store, pair: tuple[IssueRow, IssueRow]
) -> None:
    quick, full = _both_planted(
        store, pair, "UPDATE issue SET deleted_at = updated_at WHERE id IN (:a, :b)"
    )
    found = _found(quick, "check.visit_issue_deleted")
    assert found is not None and found["count"] == 1
    assert (_found(full, "check.visit_issue_deleted") or {}).get("count") == 2


def test_a_record_gone_from_under_its_log_is_found_from_the_entries_since(
    store: Store, actor: Actor, pair: tuple[IssueRow, IssueRow]
) -> None:
    untouched, worked = pair
    with store.engine.connect() as conn:
        old = conn.execute(
            text("SELECT id FROM progress WHERE issue_id = :a"), {"a": untouched.id}
        ).all()
    new = _progress(store, actor, worked)
    gone = [row.id for row in old] + [new]
    assert len(gone) >= 2
    for row_id in gone:
        _around_the_store(store, "DELETE FROM progress WHERE id = :p", p=row_id)
    quick, full = _check(store, quick=True), _check(store)
    assert (_found(quick, "check.log_row_missing") or {}).get("count") == 1
    assert (_found(full, "check.log_row_missing") or {}).get("count") == len(gone)


def test_a_record_that_lost_its_insert_is_found_when_the_log_changed_it_since(
    store: Store, pair: tuple[IssueRow, IssueRow]
) -> None:
    quick, full = _both_planted(
        store,
        pair,
        "DELETE FROM change_log WHERE table_name = 'issue' AND op = 'insert'"
        " AND row_id IN (:a, :b)",
    )
    found = _found(quick, "check.row_unlogged")
    assert found == {"table": "issue", "count": 1, "first": pair[1].id}
    assert (_found(full, "check.row_unlogged") or {}).get("count") == 2


def test_a_stamp_that_goes_back_right_after_the_mark_is_found(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    assert _check(store).ok
    _progress(store, actor, issue)
    with store.engine.connect() as conn:
        first_since = conn.execute(
            text(
                "SELECT min(seq) FROM change_log WHERE seq >"
                " (SELECT value FROM local_meta WHERE key = 'check_seq')"
                + ("::int" if conn.dialect.name == "postgresql" else "")
            )
        ).scalar()
    # The first entry after the mark: it has no entry before it in the quick check's reach,
    # only the stamps the full check vouched for.
    _around_the_store(
        store, "UPDATE change_log SET hlc = '0000000000000-00000' WHERE seq = :s", s=first_since
    )
    found = _found(_check(store, quick=True), "check.hlc_order")
    assert found is not None and found["first"] == first_since


def test_a_visits_words_are_checked_where_the_log_changed_it(
    store: Store, pair: tuple[IssueRow, IssueRow], make_issue: Callable[..., IssueRow]
) -> None:
    untouched, _worked = pair
    fresh = make_issue(text="河道里有人倒建筑垃圾")
    _around_the_store(
        store,
        "DELETE FROM word_visit WHERE visit_id IN"
        " (SELECT id FROM visit WHERE issue_id IN (:a, :b))",
        a=untouched.id,
        b=fresh.id,
    )
    quick = _found(_check(store, quick=True), "check.words")
    full = _found(_check(store), "check.words")
    assert quick is not None and "word_visit −1" in str(quick["what"])
    assert full is not None and "word_visit −2" in str(full["what"])
