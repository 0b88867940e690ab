"""An issue's life in a ledger written by hand (issue 16, part 3): accepted, due and closed dates,
whether it was done on time, the verdict and the evaluation history, as another station's clerk
would type them, on one row of the issue or on each; and what is wrong with such a cell named."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ledger_helpers import FULL_HEADER, GOOD, change_count, write_csv
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.models import Deputy, Evaluation, Issue
from store.db import Store
from store.ledger import LedgerInvalid, import_ledger

LIFE = [
    "受理日期",
    "期限",
    "办结日期",
    "按期办结",
    "解决情况",
    "评价日期",
    "再监督次数",
    "评价记录",
]
HEADER = [*FULL_HEADER, "主办代表", *LIFE]
TZ = ZoneInfo("Asia/Shanghai")


def _row(date_: str, ref: str, status: str, satisfaction: str, *life: str) -> list[str]:
    base = [date_, *GOOD[1:], "村级", "青石村村委会", status, satisfaction, "沈国强", ref]
    return [*base, *life]


def test_a_hand_written_life_is_the_issues_life(store: Store, actor: Actor, tmp_path: Path) -> None:
    history = "2026-08-01 10:20 未解决 不满意 王德明；2026-08-12 15:00 已解决 基本满意"
    rows = [
        HEADER,
        _row(
            "2026-07-20 09:30",
            "A-1",
            "已办结",
            "基本满意",
            "",  # 主办代表: the issue has none
            "2026-07-21",
            "2026-08-05",
            "2026-08-10",
            "否",
            "已解决",
            "2026-08-12 15:00",
            "1",
            history,
        ),
        # A second visit of the same issue, its life left to the first row.
        _row("2026-07-25 10:00", "A-1", "已办结", "基本满意"),
    ]
    summary = import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "l.csv", rows))
    assert summary.visits_added == 2 and summary.issues_created == 1
    assert summary.deputies_added == ("王德明",)
    with store.read() as session:
        issue = session.exec(select(Issue)).one()
        evaluations = session.exec(select(Evaluation).order_by(col(Evaluation.at))).all()
        names = dict(session.exec(select(Deputy.id, Deputy.name)).all())
    assert (issue.opened_on, issue.due_on, issue.closed_on) == (
        date(2026, 7, 21),
        date(2026, 8, 5),
        date(2026, 8, 10),
    )
    assert issue.closed_within_window is False and issue.lead_deputy_id is None
    assert (issue.status, issue.resolution, issue.satisfaction) == ("closed", "resolved", "fairly")
    assert issue.evaluated_at is not None
    assert issue.evaluated_at.astimezone(TZ).replace(tzinfo=None) == datetime(2026, 8, 12, 15)
    assert issue.reopen_count == 1 and issue.resupervision is False
    assert [
        (e.at.astimezone(TZ).strftime("%m-%d %H:%M"), e.resolution, e.satisfaction)
        for e in evaluations
    ] == [("08-01 10:20", "unresolved", "unsatisfied"), ("08-12 15:00", "resolved", "fairly")]
    assert names[evaluations[0].deputy_id or ""] == "王德明" and evaluations[1].deputy_id is None


def test_an_issue_under_resupervision_stays_red(store: Store, actor: Actor, tmp_path: Path) -> None:
    rows = [
        HEADER,
        _row(
            "2026-10-02 09:30",
            "B",
            "督事",
            "不满意",
            "沈国强",
            "2026-10-02",
            "2026-10-17",
            "",
            "",
            "",
            "",
            "1",
            "2026-10-15 11:00 部分解决 不满意",
        ),
    ]
    import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "l.csv", rows))
    with store.read() as session:
        issue = session.exec(select(Issue)).one()
    assert (issue.status, issue.resupervision, issue.reopen_count) == ("supervising", True, 1)
    assert issue.closed_on is None and issue.satisfaction is None


@pytest.mark.parametrize(
    ("column", "value", "key"),
    [
        ("办结日期", "2026-08-40", "ledger.date"),
        ("办结日期", "2026-07-01", "ledger.closed_before"),
        ("受理日期", "2027-03-01", "ledger.date_future"),
        ("按期办结", "也许", "ledger.yes_no"),
        ("再监督次数", "两次", "ledger.count"),
        ("解决情况", "解决了", "ledger.unknown"),
        ("评价记录", "2026-08-01 10:20 未解决 不满意\n八月中旬 已解决 满意", "ledger.evaluations"),
    ],
)
def test_a_bad_life_cell_is_named_and_nothing_imports(
    column: str, value: str, key: str, store: Store, actor: Actor, tmp_path: Path
) -> None:
    life = dict.fromkeys(LIFE, "") | {"受理日期": "2026-07-21", column: value}
    rows = [
        HEADER,
        _row("2026-07-20 09:30", "A", "已办结", "满意", "沈国强", *life.values()),
        GOOD,  # a good row of another visit
    ]
    before = change_count(store)
    with pytest.raises(LedgerInvalid) as caught:
        import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "l.csv", rows))
    assert [(e.row, e.column, e.key) for e in caught.value.errors] == [(2, column, key)]
    if key == "ledger.evaluations":
        assert caught.value.errors[0].params == {"line": 2}
    assert change_count(store) == before


def test_a_closed_date_on_an_open_issue_is_refused(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    life = dict.fromkeys(LIFE, "") | {"办结日期": "2026-08-10"}
    rows = [HEADER, _row("2026-07-20 09:30", "A", "办事", "", "", *life.values())]
    with pytest.raises(LedgerInvalid) as caught:
        import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "l.csv", rows))
    assert [(e.row, e.column, e.key) for e in caught.value.errors] == [
        (2, "办结日期", "ledger.closed_open")
    ]


def test_rows_of_one_issue_that_disagree_on_its_life_are_named(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    first = dict.fromkeys(LIFE, "") | {"办结日期": "2026-08-10"}
    second = dict.fromkeys(LIFE, "") | {"办结日期": "2026-08-11"}
    rows = [
        HEADER,
        _row("2026-07-20 09:30", "A", "已办结", "", "", *first.values()),
        _row("2026-07-22 09:30", "A", "已办结", "", "", *second.values()),
    ]
    with pytest.raises(LedgerInvalid) as caught:
        import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "l.csv", rows))
    assert [(e.row, e.column, e.key) for e in caught.value.errors] == [
        (3, "事项", "ledger.issue_mismatch")
    ]
