"""Telling residents at the desk (告知, issue 18, part 4), at 80×24: the dashboard counts them and
`i` lists them with what to say; 1/2/3 record how each was told, 0 that nobody answered; the
phone shows masked until `v` (logged); the issue's timeline and audit trail show each telling; a
resident who ticked 不用回电 on the form never appears."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from desk_helpers import (
    content,
    descriptions,
    footer_keys,
    footer_width,
    notes,
    press,
    rows,
    screen_lines,
    settle,
)
from small_station import Refs
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from screens.audit import AuditScreen
from screens.dashboard import DashboardScreen
from screens.dialogs.help import HelpModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.notices import NoticesScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import AccessLog
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.visits import VisitRow
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import set_language, t, tn
from tui.messages import OpenIssue

PHONE = "13812341234"


async def _open_list(desk: LiaisonApp, pilot: Pilot[Any]) -> NoticesScreen:
    """From the dashboard, `i`: the list, loaded."""
    await settle(pilot)
    if not isinstance(desk.screen, DashboardScreen):
        await press(pilot, "d")
    await press(pilot, "i")
    screen = desk.screen
    assert isinstance(screen, NoticesScreen)
    return screen


def _message(screen: NoticesScreen) -> str:
    return content(screen.query_one("#notice-message", Static))


async def test_a_resident_is_told_twice_and_the_issue_shows_it(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(name="王阿姨", phone=PHONE, text="村口的路灯坏了[bold]一个月[/bold]")
    make_visit(name="李大伯", phone="13900001111", text="不用给我回电", no_callback=True)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any(tn("dash.notices", 1) in line for line in screen_lines(desk))
        screen = await _open_list(desk, pilot)
        table = screen.query_one("#notices-table", DataTable)
        [row] = rows(table)
        assert "王阿姨" in row and "138****1234" in row and PHONE not in row
        assert "李大伯" not in "\n".join(screen_lines(desk))
        said = _message(screen)
        # What to say, whole on the screen: markup in the title is shown as typed.
        assert "王阿姨您好" in said and "[bold]一个月[/bold]" in said
        whole = "".join(line.strip() for line in screen_lines(desk))
        assert "".join(said.split()) in "".join(whole.split())
        # The phone for the call: shown once the reveal is recorded.
        await press(pilot, "v")
        assert PHONE in rows(table)[0]
        with store.read() as session:
            assert len(session.exec(select(AccessLog)).all()) == 1
        clock.advance(timedelta(minutes=5))
        await press(pilot, "1")
        assert t("notices.told", resident="王阿姨", way="电话") in notes(desk)
        assert rows(table) == [] and t("notices.none") in _message(screen)

        # Closed: the resident is on the list again, with the closure's message.
        clock.advance(timedelta(days=3))
        with store.write(actor) as session:
            close_issue(session=session, issue_id=issue.id, evaluation_in=None)
        await press(pilot, "escape")
        assert any(tn("dash.notices", 1) in line for line in screen_lines(desk))
        screen = await _open_list(desk, pilot)
        table = screen.query_one("#notices-table", DataTable)
        assert "已办结" in rows(table)[0] and "138****1234" in rows(table)[0]
        assert "已由" in _message(screen)
        # Nobody answered: still on the list, the try counted.
        await press(pilot, "0")
        assert "1 次" in rows(table)[0]
        clock.advance(timedelta(hours=2))
        await press(pilot, "2")
        assert rows(table) == []

        # The issue's timeline says who was told of what, how, by whom; so does its audit trail.
        desk.post_message(OpenIssue(issue.id))
        await settle(pilot)
        assert isinstance(desk.screen, IssueScreen)
        page = content(desk.screen.query_one("#issue-timeline", Static))
        assert "已告知 王阿姨：已受理（电话）  沈国强" in page
        assert "已告知 王阿姨：已办结（短信）  沈国强" in page
        await press(pilot, "l")
        assert isinstance(desk.screen, AuditScreen)
        trail = "\n".join(" ".join(r) for r in rows(desk.screen.query_one(DataTable)))
        assert trail.count("告知") >= 4  # two queued, two told (and the try)
        assert PHONE not in trail


async def _log(pilot: Pilot[Any], screen: LogVisitScreen, refs: Refs, *, decline: bool) -> None:
    """Fill the form from the keyboard as far as 不用回电, then save."""
    await press(pilot, *PHONE)
    await press(pilot, "tab")
    screen.query_one("#name", Input).value = "王阿姨"
    await press(pilot, "tab", "tab", "tab")  # 困难群体, 同意转交, then 不用回电
    box = screen.query_one("#no-callback", Checkbox)
    assert screen.app.focused is box and box.value is False
    if decline:
        await press(pilot, "space")
    screen.query_one("#village_id", Select).value = refs.villages["青石村"]
    screen.query_one("#category_id", Select).value = refs.categories["道路交通"]
    screen.query_one("#text", TextArea).text = "路灯坏了"
    await settle(pilot)
    await press(pilot, "ctrl+s")


async def test_the_form_asks_whether_to_call_back(
    desk: LiaisonApp, store: Store, refs: Refs
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        await _log(pilot, screen, refs, decline=True)
        # Triage says so; once the issue is opened, nobody is to be told.
        assert t("issue.no_callback") in content(desk.screen.query_one("#triage-visit"))
        await press(pilot, "2", "enter")  # the township's first unit
        await press(pilot, "d")
        assert any(tn("dash.notices", 0) in line for line in screen_lines(desk))
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("select no_callback from visit").fetchall() == [(1,)]
        assert db.execute("select count(*) from issue").fetchone() == (1,)
        assert db.execute("select count(*) from notice").fetchone() == (0,)


async def test_the_list_fits_80_columns_and_help_names_its_keys(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(phone=PHONE)
    for english in (False, True):
        app = make_app(store, load_station(store), lang="en") if english else desk
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await _open_list(app, pilot)
                assert footer_width(app) <= 80, descriptions(footer_keys(app))
                assert all(key.region.right <= 80 for key in footer_keys(app))
                assert t("notices.prompt") in content(screen.query_one("#notices-prompt"))
                await press(pilot, "question_mark")
                assert isinstance(app.screen, HelpModal)
                keys = {key: text for key, text, _ in app.screen.rows}
                assert {"1", "2", "3", "0", "v", "p", "Enter"} <= keys.keys()
                assert keys["p"] == t("key.station_phone")
        finally:
            set_language("zh")


async def test_p_sets_the_station_phone_the_message_gives(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(phone=PHONE)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open_list(desk, pilot)
        assert t("notices.no_station_phone") in content(screen.query_one("#notices-title"))
        await press(pilot, "p")
        await press(pilot, *"0572-1234567", "enter")
        assert desk.screen is screen
        assert t("notices.no_station_phone") not in content(screen.query_one("#notices-title"))
        assert "请致电0572-1234567" in _message(screen)
        # Not a phone: said, and nothing changes.
        await press(pilot, "p", "ctrl+a")
        await press(pilot, *"12345", "enter")
        assert t("field.phone") in notes(desk)
        assert "请致电0572-1234567" in _message(screen)


async def test_the_issue_pages_actions_menu_leads_to_the_residents_to_tell(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """告知 sits in the actions menu (issue 18, part 5): on an issue's page, `.` then 待告知."""
    issue = make_issue(phone=PHONE)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.post_message(OpenIssue(issue.id))
        await settle(pilot)
        assert isinstance(desk.screen, IssueScreen)
        await press(pilot, "full_stop", *"dgz", "enter")
        await settle(pilot)
        listed = desk.screen
        assert isinstance(listed, NoticesScreen)
        assert any(issue.title[:6] in " ".join(row) for row in rows(listed.table))
