"""Official slips (store.reports.slips): the station's edited template wins, residents' words are
escaped and their phones masked, ID numbers left out, and a reminder is only for an overdue
issue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from small_station import Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import EvaluationCreate, Issue, Resolution, Satisfaction, Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.reports.slips import (
    IssueNotOverdue,
    SlipKind,
    ensure_templates,
    load_slip,
    md_escape,
    print_slip,
    scrub,
)
from store.station import load_station

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)
HOSTILE = (
    "<script>alert('x')</script> [bold red]路灯[/] 坏了 & 没人管\n"
    "我的电话 13912345678，身份证 330522199001011234，座机 0571-88889999"
)


def _print(store: Store, issue_id: str, kind: SlipKind, tmp: Path, **kw: Any) -> tuple[str, str]:
    # A write: the first print gives the issue its slip number (store.reports.slips).
    with store.write(load_station(store).actor()) as session:
        md, html = print_slip(
            session=session,
            issue_id=issue_id,
            kind=kind,
            today=kw.pop("today", TODAY),
            tz=TZ,
            templates=tmp / "templates",
            out_dir=tmp / "prints",
            **kw,
        )
    assert md.parent == html.parent == tmp / "prints"
    return md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")


def test_assignment_slip_in_both_formats(
    store: Store,
    make_issue: Callable[..., IssueRow],
    refs: Refs,
    tmp_path: Path,
) -> None:
    issue = make_issue(text=HOSTILE, phone="13812341234", consent=True)
    md, html = _print(
        store, issue.id, SlipKind.assignment, tmp_path, deputy_id=refs.deputies["沈国强"]
    )

    assert "青石〔2026〕交办第 1 号" in md and "青石〔2026〕交办第 1 号" in html
    assert "民情事项交办单" in html and "@page { size: A4" in html
    for text in (md, html):
        assert "青石村村民委员会" in text or "青石村" in text
        assert "2026年12月9日" in text  # due: 15 days after 11-24
        assert "沈国强" in text  # the deputy on duty signs
    # Phones masked, the resident's and those inside the words; the ID number left out. (In
    # Markdown the stars are escaped, so they print as stars, never as emphasis.)
    for text, masked in ((html, str), (md, md_escape)):
        for phone in ("138****1234", "139****5678", "0571-****9999"):
            assert masked(phone) in text, phone
    for text in (md, html):
        assert "13812341234" not in text and "13912345678" not in text
        assert "330522199001011234" not in text and "证件号码已略" in text
    # HTML: the resident's script and markup are printed as characters, never run.
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "[bold red]路灯[/]" in html and "&amp; 没人管" in html
    # Markdown: no raw HTML and no markup made out of the words.
    assert "<script>" not in md and r"\<script\>" in md and r"\[bold red\]" in md


def test_the_stations_edited_template_wins(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(text="路灯坏了")
    templates = tmp_path / "templates"
    ensure_templates(templates)
    assert {p.name for p in templates.iterdir()} >= {"assignment.md", "reminder.html"}
    (templates / "assignment.md").write_text(
        "# 青石镇联络站专用交办单 $number\n事项：$title（$$100）\n$unknown_field\n",
        encoding="utf-8",
    )
    md, html = _print(store, issue.id, SlipKind.assignment, tmp_path)
    assert md.startswith("# 青石镇联络站专用交办单 青石〔2026〕交办第 1 号")
    assert "事项：路灯坏了（$100）" in md and "$unknown_field" in md
    assert "民情事项交办单" in html  # the HTML template was not edited: the default
    # Printing again keeps the station's edit (first use copies only what is missing).
    ensure_templates(templates)
    assert "专用交办单" in (templates / "assignment.md").read_text(encoding="utf-8")


def test_a_number_is_given_on_first_print_and_kept(
    store: Store, clock: FrozenClock, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    """Issue 16: numbers were counted again from the issue's rank at every print, so 第1932号
    became 第1933号 when an older issue arrived by sync or import. Now the first print gives the
    next number, kept for ever; printing again reuses it."""
    first = make_issue(text="一")
    clock.advance(timedelta(minutes=5))
    second = make_issue(text="二")
    numbers = [
        re.findall(
            r"青石〔2026〕交办第 \S+ 号", _print(store, i.id, SlipKind.assignment, tmp_path)[0]
        )[0]
        for i in (second, first, second)
    ]
    assert numbers == [
        "青石〔2026〕交办第 1 号",
        "青石〔2026〕交办第 2 号",
        "青石〔2026〕交办第 1 号",
    ]


def test_an_older_issue_arriving_later_renumbers_nothing(
    store: Store, clock: FrozenClock, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    printed = make_issue(text="先到的事")
    md, _ = _print(store, printed.id, SlipKind.assignment, tmp_path)
    assert "交办第 1 号" in md
    # An issue opened earlier arrives (as by sync or import): opened a day before.
    clock.advance(timedelta(days=-1))
    older = make_issue(text="更早的事")
    clock.advance(timedelta(days=1))
    assert "交办第 1 号" in _print(store, printed.id, SlipKind.assignment, tmp_path)[0]
    assert (
        "交办第 2 号"
        in _print(
            store, older.id, SlipKind.reminder, tmp_path, today=older.due_on + timedelta(days=3)
        )[0]
    )


def test_reminder_only_for_an_overdue_issue(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(text="垃圾没人清")
    with pytest.raises(IssueNotOverdue) as refused:
        _print(store, issue.id, SlipKind.reminder, tmp_path)
    assert refused.value.key == "slip.not_overdue"
    assert not (tmp_path / "prints").exists()

    later = issue.due_on + timedelta(days=11)
    md, html = _print(store, issue.id, SlipKind.reminder, tmp_path, today=later)
    for text in (md, html):
        assert "青石〔2026〕催办第 1 号" in text and "青石〔2026〕交办第 1 号" in text
        assert "已超期 11 天" in text or "已超期 11 天</span>" in text
    assert "民情事项催办通知书" in html


def test_reminder_refused_for_a_closed_issue(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(text="井盖松动")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with store.read() as session, pytest.raises(IssueNotOverdue):
        load_slip(
            session=session,
            issue_id=issue.id,
            kind=SlipKind.reminder,
            today=issue.due_on + timedelta(days=30),
        )


def test_call_record_blank_and_answered(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(text="路灯坏了", phone="13812341234", name="王阿姨")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    md, _html = _print(store, issue.id, SlipKind.call_record, tmp_path)
    assert "青石〔2026〕回访第 1 号" in md and "王阿姨" in md and md_escape("138****1234") in md
    assert "□已解决　□部分解决　□未解决" in md

    evaluation = EvaluationCreate(
        resolution=Resolution.resolved, satisfaction=Satisfaction.fairly, note="<b>修好了</b>"
    )
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=evaluation)
    md, html = _print(store, issue.id, SlipKind.call_record, tmp_path, answered=True)
    assert "☑已解决　□部分解决　□未解决" in md and "□满意　☑基本满意　□不满意" in md
    assert "沈国强" in md and "2026-11-24 10:00" in md
    assert "&lt;b&gt;修好了&lt;/b&gt;" in html and "<b>修好了" not in html


def test_scrub_and_escape() -> None:
    assert scrub("打13812341234或0571-88889999") == "打138****1234或0571-****9999"
    assert scrub("号码12313812341234") == "号码12313812341234"  # not a phone: part of a longer run
    assert scrub("证 11010519491231002X 号") == "证 〔证件号码已略〕 号"
    assert md_escape("*a* [b](c) <d> #e | &f") == r"\*a\* \[b\](c) \<d\> \#e \| \&f"


def test_a_laptop_numbers_with_its_mark_and_never_meets_the_station(tmp_path: Path) -> None:
    from small_station import NOW, SMALL_STATION
    from sync_helpers import close_trio, exchange, log_on, make_trio, open_trio

    from store.desk.triage import open_issue
    from store.reference.lists import list_units

    devices = open_trio(
        make_trio(tmp_path / "t", SMALL_STATION, NOW, issues=0), tmp_path / "db", NOW
    )
    try:
        numbers = {}
        for name in ("station", "laptop1"):
            device = devices[name]
            row = log_on(device.store, device.info, f"{name}的事")
            with device.store.write(device.info.actor()) as session:
                unit = next(u for u in list_units(session=session) if u.tier == Tier.township)
                issue = open_issue(
                    session=session, visit_id=row.id, tier=Tier.township, unit_id=unit.id
                )
            md, _ = _print(device.store, issue.id, SlipKind.assignment, tmp_path / name)
            numbers[name] = re.findall(r"交办第 (\S+) 号", md)[0]
        # Both printed their first slip offline: the station's is 1, the laptop's carries its mark.
        assert numbers["station"] == "1"
        mark, _, seq = numbers["laptop1"].partition("-")
        assert len(mark) == 2 and seq == "1"
        # After they meet, each keeps the number it printed.
        exchange(devices["laptop1"], devices["station"], tmp_path)
        with devices["station"].store.read() as session:
            marks = {(i.slip_mark, i.slip_seq) for i in session.exec(select(Issue)).all()}
        assert marks == {("", 1), (mark, 1)}
    finally:
        close_trio(devices)


def test_the_upgrade_keeps_the_numbers_slips_were_printed_with(tmp_path: Path) -> None:
    """A station upgraded from schema 0011 prints an issue's slip with the number it had before
    (its rank in its year), then numbers new issues after them."""
    import shutil

    from small_station import NOW

    from store.core.clock import FrozenClock
    from store.station import open_store

    data = Path(__file__).resolve().parents[2] / "data"
    path = shutil.copy(data / "station-0011.sqlite3", tmp_path / "station.db")
    store = open_store(path, clock=FrozenClock(NOW))
    try:
        with store.read() as session:
            issues = session.exec(
                select(Issue).order_by(col(Issue.opened_on), col(Issue.created_at), col(Issue.id))
            ).all()
        by_year: dict[int, int] = {}
        for issue in issues:
            by_year[issue.opened_on.year] = by_year.get(issue.opened_on.year, 0) + 1
            assert (issue.slip_year, issue.slip_mark, issue.slip_seq) == (
                issue.opened_on.year,
                "",
                by_year[issue.opened_on.year],
            )
    finally:
        store.dispose()
