"""`ctrl+z` undoes what a screen just did, while it is open (issue 17, part 5): the day deleted in
the calendar is back, every re-dated issue has its due date again, a retired or merged unit is in
use again, an unlinked issue is linked, a project's stage and a finalised review are as they
were, a cleared roster day has its deputy. The undo is a new write in the change log; with
nothing to undo, ctrl+z says so; the footer shows ^z once there is something to undo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from desk_helpers import (
    content,
    descriptions,
    footer_keys,
    footer_width,
    notes,
    pick,
    press,
    rows,
    settle,
)
from english_desk import run_in_english
from record_fixture import TZ
from sqlalchemy import func
from sqlmodel import col, select
from store_rows import live_rows, must_get
from textual.pilot import Pilot
from textual.widgets import DataTable

from screens.base.undo import Done, Undoable
from screens.calendar import CalendarScreen
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.help import HelpModal
from screens.dialogs.pick import PickModal
from screens.leader_visits import LeaderVisitScreen
from screens.projects import ProjectScreen
from screens.reference import ReferenceScreen
from screens.review import ReviewScreen
from screens.roster import RosterScreen
from store.changelog.changes import Actor
from store.changelog.undo import Undo
from store.core.clock import from_local
from store.core.models import (
    ChangeLog,
    Issue,
    LeaderVisitIssue,
    MicroProject,
    QuarterlyReview,
    ReviewTarget,
    Shift,
    Tier,
    Unit,
)
from store.db import Store
from store.desk.forms import validate_form
from store.desk.issue_rows import IssueRow
from store.projects.leader_visits import LeaderVisitCreate, link_issues, log_leader_visit
from store.projects.projects import promote_issue
from store.projects.review import score_target
from tui.app import LiaisonApp
from tui.i18n import label, set_language, t
from tui.messages import Place

UNDO = t("key.undo")


def _log_size(store: Store) -> int:
    with store.read() as session:
        return int(session.exec(select(func.count()).select_from(ChangeLog)).one())


def _data(store: Store) -> dict[str, dict[str, dict[str, object]]]:
    with store.read() as session:
        return live_rows(session)


async def _place(pilot: Pilot[Any], place: Place) -> Any:
    app = pilot.app
    assert isinstance(app, LiaisonApp)
    await settle(pilot)
    app.open_place(place)
    await settle(pilot)
    return app.screen


async def _push(pilot: Pilot[Any], screen: Any) -> Any:
    await settle(pilot)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen
    return screen


async def test_x_in_the_calendar_then_ctrl_z_brings_the_day_back(
    desk: LiaisonApp, store: Store
) -> None:
    before, logged = _data(store), _log_size(store)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _place(pilot, Place.calendar)
        assert isinstance(screen, CalendarScreen)
        shown = rows(screen.table)
        assert shown[0][:4] == ["2026-01-01", "周四", "放假", "元旦"]
        assert UNDO not in descriptions(footer_keys(desk))  # nothing to undo yet

        await press(pilot, "x")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "enter")
        assert rows(screen.table)[0][0] != "2026-01-01"
        assert UNDO in descriptions(footer_keys(desk))
        assert footer_width(desk) <= 80

        await press(pilot, "ctrl+z")
        assert [r[:4] for r in rows(screen.table)] == [r[:4] for r in shown]
        # Date, weekday, kind and name as before; the source now says the station's: the seeded
        # day was written by this station (its deletion, its undo), as if marked again by hand.
        assert rows(screen.table)[0][4] == t("calendar.source_station")
        what = t("undo.remove_day", day="2026-01-01", name="元旦")
        assert t("undo.done", what=what) in notes(desk)
        assert notes(desk)[-1].startswith("已撤销：")
        assert UNDO not in descriptions(footer_keys(desk))

        await press(pilot, "ctrl+z")
        assert notes(desk)[-1] == t("undo.nothing")
    assert _data(store) == before
    assert _log_size(store) > logged  # the deletion and its undo, both logged


async def test_u_then_ctrl_z_puts_back_every_due_date(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issues = [make_issue(), make_issue(tier=Tier.county)]
    with store.read() as session:
        due = {i.id: must_get(session, Issue, i.id).due_on for i in issues}
    before = _data(store)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _place(pilot, Place.calendar)
        title = screen.query_one("#calendar-title")
        assert t("calendar.unit_calendar") in content(title)
        await press(pilot, "u")
        await press(pilot, "enter")
        assert t("calendar.unit_working") in content(title)
        with store.read() as session:
            assert must_get(session, Issue, issues[0].id).due_on != due[issues[0].id]
        await press(pilot, "ctrl+z")
        assert t("calendar.unit_calendar") in content(title)
        assert notes(desk)[-1].startswith("已撤销：")
    with store.read() as session:
        assert {i.id: must_get(session, Issue, i.id).due_on for i in issues} == due
    assert _data(store) == before


async def test_the_undo_goes_with_the_screen(desk: LiaisonApp, store: Store) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _place(pilot, Place.calendar)
        await press(pilot, "x", "enter")
        gone = rows(screen.table)[0][0]
        await press(pilot, "escape")  # the calendar closes
        screen = await _place(pilot, Place.calendar)
        await press(pilot, "ctrl+z")
        assert notes(desk)[-1] == t("undo.nothing")
        assert rows(screen.table)[0][0] == gone  # 2026-01-01 stays deleted


async def test_undo_steps_back_one_write_at_a_time(desk: LiaisonApp, store: Store) -> None:
    before = _data(store)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _place(pilot, Place.calendar)
        first = rows(screen.table)
        await press(pilot, "x", "enter")
        await press(pilot, "x", "enter")
        assert rows(screen.table)[0][0] == first[2][0]
        await press(pilot, "ctrl+z")
        assert rows(screen.table)[0][0] == first[1][0]
        await press(pilot, "ctrl+z")
        assert [r[:4] for r in rows(screen.table)] == [r[:4] for r in first]
    assert _data(store) == before


async def test_help_lists_ctrl_z(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await _place(pilot, Place.calendar)
        await press(pilot, "question_mark")
        assert isinstance(desk.screen, HelpModal)
        assert ("Ctrl+Z", UNDO) in [(key, what) for key, what, _ in desk.screen.rows]


async def test_a_retired_then_a_merged_unit_back_in_use(desk: LiaisonApp, store: Store) -> None:
    with store.read() as session:
        townships = session.exec(
            select(Unit).where(Unit.tier == "township").order_by(Unit.name)
        ).all()
    source, target = townships[0], townships[1]
    before = _data(store)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _place(pilot, Place.reference)
        assert isinstance(screen, ReferenceScreen)

        def state(name: str) -> str:
            return next(r for r in rows(screen.table) if r[0] == name)[3]

        names = [r[0] for r in rows(screen.table)]
        screen.table.move_cursor(row=names.index(source.name))
        await press(pilot, "x", "enter")
        assert state(source.name) == "停用"
        await press(pilot, "ctrl+z")
        assert state(source.name) == "在用"
        assert notes(desk)[-1] == t("undo.done", what=t("undo.retire", name=source.name))

        screen.table.move_cursor(row=[r[0] for r in rows(screen.table)].index(source.name))
        await press(pilot, "m")
        assert isinstance(desk.screen, PickModal)
        await pick(pilot, target.id)
        await press(pilot, "enter")
        assert state(source.name) == "停用"
        await press(pilot, "ctrl+z")
        assert state(source.name) == "在用"
        into = next(r for r in rows(screen.table) if r[0] == target.name)
        assert into[-1] == ""  # no former name of the other any more
    assert _data(store) == before


async def test_an_unlinked_issue_is_linked_again(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    values = {"at": from_local(datetime(2026, 11, 24, 9), TZ), "leader": "王副县长"}
    with store.write(actor) as session:
        visit = log_leader_visit(
            session=session, visit_in=validate_form(LeaderVisitCreate, values), tz=TZ
        ).id
        link_issues(session=session, leader_visit_id=visit, issue_ids=[issue.id])
    async with desk.run_test(size=(80, 24)) as pilot:
        page = await _push(pilot, LeaderVisitScreen(visit))
        table = page.query_one("#leader-issues", DataTable)
        await press(pilot, "x", "enter")
        assert table.row_count == 0
        await press(pilot, "ctrl+z")
        assert [str(k.value) for k in table.rows] == [issue.id]
    with store.read() as session:
        links = session.exec(
            select(LeaderVisitIssue.issue_id).where(col(LeaderVisitIssue.deleted_at).is_(None))
        ).all()
    assert links == [issue.id]


async def test_a_projects_next_stage_is_undone(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        project = promote_issue(session=session, issue_id=make_issue().id, title="井盖整治").id
    async with desk.run_test(size=(80, 24)) as pilot:
        page = await _push(pilot, ProjectScreen(project))
        head = page.query_one("#project-head")
        await press(pilot, "g", "enter")
        assert "实施中" in content(head)
        await press(pilot, "ctrl+z")
        assert "计划中" in content(head)
        assert notes(desk)[-1] == t(
            "undo.done", what=t("undo.move_project", status=label(_status("underway")))
        )
    with store.read() as session:
        assert must_get(session, MicroProject, project).status == "planned"


def _status(value: str) -> Any:
    from store.core.enums import ProjectStatus

    return ProjectStatus(value)


async def test_a_finalised_review_takes_scores_again(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        project = promote_issue(session=session, issue_id=make_issue().id, title="路灯修复").id
        score_target(
            session=session,
            quarter="2026Q4",
            kind=ReviewTarget.micro_project,
            target_id=project,
            score=88,
        )
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        screen = desk.screen
        assert isinstance(screen, ReviewScreen)
        await press(pilot, "f", "enter")
        assert "已定稿" in content(screen.query_one("#review-title"))
        await press(pilot, "ctrl+z")
        assert "已定稿" not in content(screen.query_one("#review-title"))
    with store.read() as session:
        assert not session.exec(select(QuarterlyReview)).one().finalised


async def test_a_cleared_roster_day_has_its_deputy_again(desk: LiaisonApp, store: Store) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        roster = desk.screen
        assert isinstance(roster, RosterScreen)
        table = roster.query_one("#roster-table", DataTable)
        row = table.cursor_row  # today: 沈国强 is rostered
        deputy = str(table.get_row_at(row)[2])
        await press(pilot, "x")
        assert str(table.get_row_at(row)[2]) == t("roster.nobody")
        await press(pilot, "ctrl+z")
        assert str(table.get_row_at(row)[2]) == deputy
    with store.read() as session:
        shift = session.exec(
            select(Shift).where(Shift.duty_date == date(2026, 11, 24), Shift.deleted_at == None)  # noqa: E711
        ).one()
    assert shift.deputy_id


def test_in_english_ctrl_z_says_undone(store: Store, rostered: str) -> None:
    body = """
        from tui.messages import Place
        app.open_place(Place.calendar)
        await settle(pilot)
        await press(pilot, "x", "enter")
        out["width"] = footer_width(app)
        out["keys"] = descriptions(footer_keys(app))
        await press(pilot, "ctrl+z")
        out["notes"] = [n.message for n in app._notifications]
    """
    out = run_in_english(str(store.engine.url.database), body)
    assert out["width"] <= 80
    assert "Undo" in out["keys"]
    assert "Undone: unmarking 2026-01-01 元旦" in out["notes"]


async def test_with_something_to_undo_every_footer_fits_80_columns(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    """^z joins the footer once a write can be undone, on each screen that undoes, in Chinese
    and in English."""
    with store.write(actor) as session:
        project = promote_issue(session=session, issue_id=make_issue().id).id
    values = {"at": from_local(datetime(2026, 11, 24, 9), TZ), "leader": "王副县长"}
    with store.write(actor) as session:
        visit = log_leader_visit(
            session=session, visit_in=validate_form(LeaderVisitCreate, values), tz=TZ
        ).id
    opens: list[Callable[[LiaisonApp], object]] = [
        lambda app: app.open_place(Place.calendar),
        lambda app: app.open_place(Place.reference),
        lambda app: app.open_place(Place.roster),
        lambda app: app.open_place(Place.review),
        lambda app: app.push_screen(ProjectScreen(project)),
        lambda app: app.push_screen(LeaderVisitScreen(visit)),
    ]
    widths: dict[tuple[str, str], int] = {}
    async with desk.run_test(size=(80, 24)) as pilot:
        for language in ("zh", "en"):
            set_language(language)
            for open_screen in opens:
                open_screen(desk)
                await settle(pilot)
                screen = desk.screen
                assert isinstance(screen, Undoable)
                screen._done.append(Done("…", Undo()))
                screen.refresh_bindings()
                await settle(pilot)
                assert t("key.undo") in descriptions(footer_keys(desk))
                widths[(language, type(screen).__name__)] = footer_width(desk)
                desk.pop_screen()
                await settle(pilot)
    assert len(widths) == 12
    assert {k: w for k, w in widths.items() if w > 80} == {}
