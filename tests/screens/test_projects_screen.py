"""Micro-projects on screen: promote an issue from its page (m), the project page's keys, the list,
and the publication list (公示) printed into the data folder's prints/."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from desk_helpers import (
    content,
    footer_width,
    notes,
    pick,
    pick_options,
    press,
    rows,
    settle,
)
from english_desk import chinese_leaks, run_in_english
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.pick import PickModal
from screens.dialogs.project_forms import MilestoneModal, PromoteModal
from screens.issue import IssueScreen
from screens.projects import ProjectScreen, ProjectsScreen
from store.changelog.changes import Actor
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.projects.projects import promote_issue
from tui.app import LiaisonApp


def _db(store: Store, sql: str, *params: object) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


async def _open(pilot: Pilot[None], screen: Any) -> Any:
    await settle(pilot)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen
    return screen


async def test_m_on_the_issue_page_promotes_it_to_a_micro_project(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow], rostered: str
) -> None:
    issue = make_issue(text="楼道里电动车飞线充电，很危险")
    async with desk.run_test(size=(80, 24)) as pilot:
        await _open(pilot, IssueScreen(issue.id))
        await press(pilot, "m")
        modal = desk.screen
        assert isinstance(modal, PromoteModal)
        title = modal.query_one("#promote-title", Input)
        assert title.value == issue.title
        title.value = "飞线充电整治"
        modal.query_one("#promote-description", TextArea).text = "建设集中充电棚"
        await press(pilot, "ctrl+s")
        # The new project's page opens on top of the issue.
        page = desk.screen
        assert isinstance(page, ProjectScreen)
        head = content(page.query_one("#project-head"))
        assert "飞线充电整治" in head and "计划中" in head and "沈国强" in head
        assert "建设集中充电棚" in head
        assert any("飞线充电整治" in n for n in notes(desk))
        issues = rows(page.query_one("#project-issues", DataTable))
        assert len(issues) == 1 and issues[0][0] == "●"

        # m again on the issue opens its project instead of promoting it twice.
        await press(pilot, "escape")
        assert isinstance(desk.screen, IssueScreen)
        await press(pilot, "m")
        assert isinstance(desk.screen, ProjectScreen)
    found = _db(store, "select title, description, lead_deputy_id, status from micro_project")
    assert found == [("飞线充电整治", "建设集中充电棚", rostered, "planned")]
    assert _db(store, "select issue_id from micro_project_issue") == [(issue.id,)]


async def test_the_project_page_adds_and_completes_milestones_moves_publishes_and_links(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    first = make_issue(text="井盖松动")
    second = make_issue(text="另一处井盖松动")
    with store.write(actor) as session:
        project_id = promote_issue(session=session, issue_id=first.id, title="井盖整治").id
    async with desk.run_test(size=(80, 24)) as pilot:
        page = await _open(pilot, ProjectScreen(project_id))
        assert "还没有节点" in content(page.query_one("#project-milestones"))

        await press(pilot, "a")
        assert isinstance(desk.screen, MilestoneModal)
        desk.screen.query_one("#milestone-title", Input).value = "排查全村井盖"
        desk.screen.query_one("#milestone-due", Input).value = "2026-12-31"
        await press(pilot, "ctrl+s")
        milestones = content(page.query_one("#project-milestones"))
        assert "☐ 排查全村井盖" in milestones and "计划 2026-12-31" in milestones

        await press(pilot, "x")
        assert isinstance(desk.screen, PickModal)
        (milestone_id,) = [o[0] for o in pick_options(desk) if o[0]]
        await pick(pilot, milestone_id)
        assert "☑ 排查全村井盖" in content(page.query_one("#project-milestones"))

        await press(pilot, "g")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "y")
        assert "实施中" in content(page.query_one("#project-head"))

        await press(pilot, "o")
        assert "已公示" in content(page.query_one("#project-head"))

        await press(pilot, "l")
        assert isinstance(desk.screen, PickModal)
        assert [o[0] for o in pick_options(desk) if o[0]] == [second.id]
        await pick(pilot, second.id)
        assert "关联事项 2 件" in content(page.query_one("#project-issues-title"))
        assert footer_width(desk) <= 80
    assert _db(store, "select status, published from micro_project") == [("underway", 1)]
    assert _db(store, "select title, due_on, done_on from milestone") == [
        ("排查全村井盖", "2026-12-31", "2026-11-24")
    ]
    # Every write is the deputy on duty's in the change log.
    deputies = _db(
        store,
        "select distinct deputy_id from change_log where table_name in "
        "('micro_project', 'micro_project_issue', 'milestone')",
    )
    assert deputies == [(actor.deputy_id,)]


async def test_the_list_opens_projects_and_prints_the_publication_list(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    issue = make_issue(text="路灯坏了")
    with store.write(actor) as session:
        project_id = promote_issue(
            session=session,
            issue_id=issue.id,
            title="<b>路灯</b> | 修复 *全部*",
            description="第一行\n# 第二行",
        ).id
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "m")  # from the dashboard
        screen = desk.screen
        assert isinstance(screen, ProjectsScreen)
        assert rows(screen.table)[0][:2] == ["计划中", "<b>路灯</b> | 修复 *全部*"]
        await press(pilot, "enter")
        assert isinstance(desk.screen, ProjectScreen)
        await press(pilot, "o")  # publish
        await press(pilot, "escape")
        assert rows(screen.table)[0][-1] == "✓"
        await press(pilot, "p")
        assert footer_width(desk) <= 80
        assert any("publicity-2026-11-24.html" in n for n in notes(desk))
    folder = tmp_path / "station.db.files" / "prints"
    html = (folder / "publicity-2026-11-24.html").read_text(encoding="utf-8")
    markdown = (folder / "publicity-2026-11-24.md").read_text(encoding="utf-8")
    assert "&lt;b&gt;路灯&lt;/b&gt; | 修复 *全部*" in html and "<b>路灯" not in html
    assert "@page { size: A4" in html and "<script" not in html
    assert "沈国强" in html and "计划中" in html
    # The issue is counted, never quoted: its title is a resident's words.
    assert issue.title not in html and issue.title not in markdown
    assert r"\<b\>路灯\</b\> \| 修复 \*全部\*" in markdown
    assert r"\# 第二行" in markdown
    assert project_id


async def test_in_english_the_project_keys_fit_80_columns(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], rostered: str
) -> None:
    with store.write(actor) as session:
        promote_issue(session=session, issue_id=make_issue().id)
    out = run_in_english(str(store.engine.url.database), BODY)
    for name in ("projects", "project", "review"):
        assert out[name]["width"] <= 80, (name, out[name]["footer"])
    assert "Print list" in out["projects"]["footer"]
    assert {"Milestone", "Next stage", "Publish"} <= set(out["project"]["footer"])
    assert {"Score", "Board", "Finalise"} <= set(out["review"]["footer"])
    assert "Planned" in out["project"]["text"] and "Not published" in out["project"]["text"]
    assert "Review 2026Q4" in out["review"]["text"] and "Project" in out["review"]["text"]
    for name, screen in out.items():
        assert chinese_leaks(screen["text"]) == [], name


# The micro-projects list, one project, the quarterly review.
BODY = r"""
steps = (("projects", ["m"]), ("project", ["enter"]), ("review", ["escape", "escape", "g"]))
for name, keys in steps:
    for key in keys:
        await press(pilot, key)
    app.screen.refresh_bindings()
    await settle(pilot)
    out[name] = look(app)
    # Below the header, which names the station (data, in Chinese).
    out[name]["text"] = "\n".join(screen_lines(app)[1:])
"""
