"""The quarterly report (xlsx and HTML) counts the visits and issues through each observer and
point of the hand-written set (tests/helpers/observers_fixture.py), and prints an observer's
name only with their consent: masked otherwise, never a phone."""

from __future__ import annotations

from pathlib import Path

from observers_fixture import (
    NAMES,
    PHONES,
    POINT_NAMES,
    Q4_OBSERVERS,
    Q4_POINTS,
    Q4_SERVING,
    Q4_TOTAL,
    build_observers,
)
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from small_station import DEPUTY, TODAY, Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.reports.quarterly_report import build_report, write_report
from store.reports.stats import Period
from tui.i18n import label, t

# As the report names them: 王建国 agreed to be named; the others are masked.
SHOWN = {"O1": "王建国", "O2": "李**", "O3": "赵**（已退出）", "O4": "孙*"}


def _rows(book_path: Path, title: str) -> list[tuple[object, ...]]:
    sheet = load_workbook(book_path)[title]
    assert isinstance(sheet, Worksheet)
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_report_counts_per_observer_and_point_and_masks_names(
    store: Store, clock: FrozenClock, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    build_observers(store, clock, actor, refs)
    with store.read() as session:
        report = build_report(
            session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=store.clock.tz
        )
    write_report(report, tmp_path / "q4.xlsx", text=t, name=label)
    write_report(report, tmp_path / "q4.html", text=t, name=label)
    observers = _rows(tmp_path / "q4.xlsx", "民情观察员")
    assert {row[0]: (row[3], row[4]) for row in observers[:-1]} == {
        SHOWN[k]: figures for k, figures in Q4_OBSERVERS.items()
    }
    assert observers[-1] == ("合计", None, None, *Q4_TOTAL)
    assert next(row for row in observers if row[0] == "王建国")[1:3] == ("五老", DEPUTY)
    points = _rows(tmp_path / "q4.xlsx", "民情观察点")
    assert {row[0]: (row[3], row[4]) for row in points[:-1]} == {
        POINT_NAMES[k]: figures for k, figures in Q4_POINTS.items()
    }
    assert next(row for row in points if row[0] == POINT_NAMES["P2"])[1] == "外卖骑手"
    head = {r[0]: r[1] for r in _rows(tmp_path / "q4.xlsx", "头条数字")}
    assert head["在岗民情观察员（名）"] == Q4_SERVING
    assert (head["经民情观察员来访（件）"], head["经民情观察员事项（件）"]) == Q4_TOTAL
    page = (tmp_path / "q4.html").read_text(encoding="utf-8")
    assert "<td>王建国</td><td>五老</td>" in page and "<td>李**</td>" in page
    for key in ("O2", "O3", "O4"):
        assert NAMES[key] not in page
    assert not [phone for phone in PHONES.values() if phone in page]
