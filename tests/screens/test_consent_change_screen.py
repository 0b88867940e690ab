"""同意转交 given or withdrawn later at the desk (issue 7 part 4): `f` on the issue page picks a
visit (date, resident with the phone masked, current answer) and turns its resident's answer
around; the page, the database, the unit's slip and the audit trail follow. `f` in triage does
the same for the visit under the cursor."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from desk_helpers import content, notes, pick, pick_options, press, rows, settle
from english_desk import chinese_leaks, run_in_english
from textual.widgets import DataTable

from screens.audit import AuditScreen
from screens.dialogs.pick import PickModal
from screens.issue import IssueScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from store.reports.slips import NOT_CONSENTED
from tui.app import LiaisonApp
from tui.i18n import t


def _consent_of(store: Store) -> dict[str, int]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("select text, consent_forward from visit").fetchall())


@pytest.fixture
def mixed_issue(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> IssueRow:
    """王阿姨 agreed when she came; 李秀英 was not asked."""
    issue = make_issue(name="王阿姨", phone="13812341234", text="路灯坏了", consent=True)
    clock.advance(timedelta(minutes=5))
    other = make_visit(name="李秀英", phone="13955556666", text="路灯也不亮")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=other.id, issue_id=issue.id)
    return issue


def _line(app: LiaisonApp, name: str) -> str:
    visits = content(app.screen.query_one("#issue-visits")).splitlines()
    return next(line for line in visits if name in line)


async def test_f_gives_and_withdraws_consent_on_the_issue_page(
    desk: LiaisonApp, store: Store, mixed_issue: IssueRow, prints: Path
) -> None:
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(mixed_issue.id))
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(desk.screen, PickModal)
        options = pick_options(desk)
        wang = next(o for o in options if "王阿姨" in o[1])
        li = next(o for o in options if "李秀英" in o[1])
        # Date, the name, the phone masked, the current answer.
        assert wang[1].startswith("2026-11-24 10:00 ")
        assert "138****1234" in wang[1] and "13812341234" not in wang[1]
        assert t("issue.consent_yes") in wang[1] and t("issue.consent_no") in li[1]

        # 王阿姨 rings: don't pass my name on.
        assert wang[0] is not None
        await pick(pilot, wang[0])
        assert isinstance(desk.screen, IssueScreen)
        assert "已撤回：王阿姨 同意转交" in notes(desk)
        assert t("issue.consent_no") in _line(desk, "王阿姨")

        # 李秀英 agrees after all.
        await press(pilot, "f")
        assert li[0] is not None
        await pick(pilot, li[0])
        assert "已记录：李秀英 同意转交" in notes(desk)
        assert t("issue.consent_yes") in _line(desk, "李秀英")
        assert _consent_of(store) == {"路灯坏了": 0, "路灯也不亮": 1}

        # The unit's slip follows.
        await press(pilot, "a")
        (md,) = prints.glob("交办单-*.md")
        slip = md.read_text(encoding="utf-8")
        assert "李秀英 139\\*\\*\\*\\*6666" in slip  # masked, Markdown-escaped
        assert "王阿姨" not in slip and NOT_CONSENTED in slip

        # The issue's audit trail names the field, old and new.
        await press(pilot, "l")
        assert isinstance(desk.screen, AuditScreen)
        trail = [" ".join(r) for r in rows(desk.screen.query_one("#audit-table", DataTable))]
        # Newest first: printing gave the issue its slip number, the two changes came before.
        assert "交办单年份" in trail[0]
        assert any("同意转交 否→是" in r for r in trail[1:3])
        assert any("同意转交 是→否" in r for r in trail[1:3])


async def test_esc_in_the_list_changes_nothing(
    desk: LiaisonApp, store: Store, mixed_issue: IssueRow
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(mixed_issue.id))
        await settle(pilot)
        await press(pilot, "f", "escape")
        assert isinstance(desk.screen, IssueScreen)
    assert _consent_of(store) == {"路灯坏了": 1, "路灯也不亮": 0}


async def test_f_in_triage_turns_the_visit_under_the_cursor_around(
    desk: LiaisonApp, store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(name="王阿姨", text="垃圾没人收")
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert isinstance(desk.screen, TriageScreen)
        pane = desk.screen.query_one("#triage-visit")
        assert t("issue.consent_no") in content(pane)
        await press(pilot, "f")
        assert "已记录：王阿姨 同意转交" in notes(desk)
        assert t("issue.consent_yes") in content(pane)
        assert t("issue.consent_no") not in content(pane)
    assert _consent_of(store) == {"垃圾没人收": 1}


def test_the_consent_list_and_message_in_english(
    store: Store, station_path: Path, mixed_issue: IssueRow, rostered: str
) -> None:
    out = run_in_english(
        station_path,
        r"""
        from desk_helpers import notes, pick_options
        from screens.issue import IssueScreen
        app.push_screen(IssueScreen(sys.argv[3]))
        await settle(pilot)
        await press(pilot, "f")
        out["list"] = "\n".join(screen_lines(app))
        out["options"] = [o[1] for o in pick_options(app)]
        await press(pilot, "enter")
        out["notes"] = notes(app)
        out["page"] = content(app.screen.query_one("#issue-visits"))
        """,
        mixed_issue.id,
    )
    assert "choose a visit to give or withdraw" in out["list"]
    assert any("consents to forwarding" in o for o in out["options"])
    assert "Withdrawn: 王阿姨 no longer consents to forwarding" in out["notes"]
    assert chinese_leaks(out["list"], "王阿姨", "李秀英", "路灯坏了", "路灯也不亮") == []
