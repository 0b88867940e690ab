"""Micro-projects (民生微实事): promoting issues, linking more, milestones, stages, 公示."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from small_station import Refs
from sqlmodel import col, select
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid, IssueNotFound
from store.core.models import ChangeLog, Colour, Issue, MicroProject, ProjectStatus
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.projects.projects import (
    IssueInProject,
    MilestoneDone,
    ProjectMoveInvalid,
    ProjectNeedsLead,
    ProjectNotFound,
    ProjectRow,
    add_milestone,
    complete_milestone,
    get_project,
    link_issue,
    list_projects,
    move_project,
    project_of_issue,
    promote_issue,
    promote_issues,
    set_published,
)
from store.station import StationInfo

TODAY = date(2026, 11, 24)
VILLAGE, OTHER_VILLAGE = "青石村", "东塘村"
OTHER_DEPUTY = "朱秀芬"


def _promote(store: Store, actor: Actor, issue_id: str, **kw: Any) -> ProjectRow:
    with store.write(actor) as session:
        return promote_issue(session=session, issue_id=issue_id, **kw)


def test_promoting_an_issue_makes_a_planned_project_led_by_the_deputy_on_duty(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], refs: Refs
) -> None:
    issue = make_issue(text="楼道里电动车飞线充电，很危险")
    row = _promote(store, actor, issue.id, description="统一建设充电棚")
    assert row.title == issue.title
    assert row.status == ProjectStatus.planned
    assert row.lead_deputy == "沈国强"
    assert row.village == VILLAGE and row.category == "道路交通"
    assert row.started_on == TODAY and row.done_on is None
    assert row.issue_count == 1 and not row.published
    with store.read() as session:
        detail = get_project(session=session, project_id=row.id, today=TODAY)
        assert project_of_issue(session=session, issue_id=issue.id) == row
    assert detail.description == "统一建设充电棚"
    assert [i.id for i in detail.issues.items] == [issue.id]
    assert detail.issues.items[0].colour == Colour.green
    assert detail.lead_deputy_id == refs.deputies["沈国强"]


def test_the_lead_defaults_to_the_issues_lead_and_can_be_given(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], refs: Refs
) -> None:
    first, second = make_issue(text="路灯坏了"), make_issue(text="井盖松动")
    with store.write(actor) as session:
        must_get(session, Issue, first.id).lead_deputy_id = refs.deputies[OTHER_DEPUTY]
    assert _promote(store, actor, first.id).lead_deputy == OTHER_DEPUTY
    given = _promote(store, actor, second.id, lead_deputy_id=refs.deputies[OTHER_DEPUTY])
    assert given.lead_deputy == OTHER_DEPUTY


def test_without_any_deputy_a_project_needs_a_lead(
    store: Store, station_info: StationInfo, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    nobody = station_info.actor(None)
    with store.write(nobody) as session:
        must_get(session, Issue, issue.id).lead_deputy_id = None
    with pytest.raises(ProjectNeedsLead), store.write(nobody) as session:
        promote_issue(session=session, issue_id=issue.id)


def test_several_issues_of_one_kind_become_one_project(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    a = make_issue(text="飞线充电一", village=VILLAGE)
    b = make_issue(text="飞线充电二", village=OTHER_VILLAGE)
    with store.write(actor) as session:
        row = promote_issues(
            session=session, issue_ids=[a.id, b.id, a.id], title="  飞线充电\n整治 "
        )
    assert row.title == "飞线充电 整治"
    assert row.issue_count == 2
    # Villages differ: the project belongs to none; the category is shared.
    assert row.village is None and row.category == "道路交通"


def test_an_issue_belongs_to_one_project_at_most(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    a, b = make_issue(text="堆物一"), make_issue(text="堆物二")
    row = _promote(store, actor, a.id)
    with pytest.raises(IssueInProject) as caught, store.write(actor) as session:
        promote_issue(session=session, issue_id=a.id)
    assert caught.value.params == {"title": row.title}
    with store.write(actor) as session:
        linked = link_issue(session=session, project_id=row.id, issue_id=b.id)
    assert linked.issue_count == 2
    with pytest.raises(IssueInProject), store.write(actor) as session:
        link_issue(session=session, project_id=row.id, issue_id=b.id)
    with pytest.raises(IssueNotFound), store.write(actor) as session:
        link_issue(session=session, project_id=row.id, issue_id="no-such-issue")
    with pytest.raises(ProjectNotFound), store.write(actor) as session:
        link_issue(session=session, project_id="no-such-project", issue_id=b.id)


@pytest.mark.parametrize(
    ("title", "key"),
    [("", "field.required"), ("\x1b\x07 \t", "field.required"), ("长" * 101, "field.too_long")],
)
def test_titles_are_checked(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], title: str, key: str
) -> None:
    issue = make_issue()
    with pytest.raises(FieldInvalid) as caught, store.write(actor) as session:
        promote_issue(session=session, issue_id=issue.id, title=title)
    assert caught.value.key == key
    with store.read() as session:
        assert session.exec(select(MicroProject)).all() == []


def test_milestones_are_added_in_order_and_marked_done(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    row = _promote(store, actor, make_issue().id)
    with store.write(actor) as session:
        first = add_milestone(session=session, project_id=row.id, title="现场勘查")
        add_milestone(
            session=session, project_id=row.id, title="充电棚建成", due_on=TODAY + timedelta(30)
        )
    clock.advance(timedelta(days=2))
    with store.write(actor) as session:
        done = complete_milestone(session=session, milestone_id=first.id)
    assert done.done_on == TODAY + timedelta(days=2)
    with pytest.raises(MilestoneDone), store.write(actor) as session:
        complete_milestone(session=session, milestone_id=first.id)
    with store.read() as session:
        detail = get_project(session=session, project_id=row.id, today=TODAY)
    assert [(m.title, m.position, m.done_on is not None) for m in detail.milestones.items] == [
        ("现场勘查", 0, True),
        ("充电棚建成", 1, False),
    ]
    assert (detail.row.milestones_done, detail.row.milestones_total) == (1, 2)
    with pytest.raises(FieldInvalid), store.write(actor) as session:
        add_milestone(session=session, project_id=row.id, title="   ")


def test_stages_move_forward_and_done_sets_the_day(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    row = _promote(store, actor, make_issue().id)
    with store.write(actor) as session:
        assert (
            move_project(session=session, project_id=row.id, status=ProjectStatus.underway).status
            == ProjectStatus.underway
        )
    with pytest.raises(ProjectMoveInvalid), store.write(actor) as session:
        move_project(session=session, project_id=row.id, status=ProjectStatus.planned)
    clock.advance(timedelta(days=10))
    with store.write(actor) as session:
        done = move_project(session=session, project_id=row.id, status=ProjectStatus.done)
    assert done.status == ProjectStatus.done and done.done_on == TODAY + timedelta(days=10)
    with pytest.raises(ProjectMoveInvalid), store.write(actor) as session:
        move_project(session=session, project_id=row.id, status=ProjectStatus.done)


def test_the_publication_list_holds_the_published_projects(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    rows = [
        _promote(store, actor, make_issue(text=f"问题{n}").id, title=f"项目{n}") for n in range(3)
    ]
    with store.write(actor) as session:
        set_published(session=session, project_id=rows[0].id, published=True)
        set_published(session=session, project_id=rows[2].id, published=True)
        set_published(session=session, project_id=rows[2].id, published=False)
        move_project(session=session, project_id=rows[1].id, status=ProjectStatus.underway)
    with store.read() as session:
        published = list_projects(session=session, published_only=True)
        everything = list_projects(session=session, limit=2)
        rest = list_projects(session=session, limit=2, offset=2)
    assert [p.title for p in published.items] == ["项目0"] and published.total == 1
    # Under way first, then planned (newest first: same day, so by id), paged from SQL.
    assert everything.total == 3 and everything.items[0].title == "项目1"
    assert len(everything.items) == 2 and len(rest.items) == 1
    assert {p.title for p in everything.items + rest.items} == {"项目0", "项目1", "项目2"}


def test_every_project_write_is_logged_under_the_deputy_on_duty(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue, other = make_issue(text="甲"), make_issue(text="乙")
    row = _promote(store, actor, issue.id)
    with store.write(actor) as session:
        link_issue(session=session, project_id=row.id, issue_id=other.id)
        milestone = add_milestone(session=session, project_id=row.id, title="立项")
        complete_milestone(session=session, milestone_id=milestone.id)
        move_project(session=session, project_id=row.id, status=ProjectStatus.underway)
        set_published(session=session, project_id=row.id, published=True)
    with store.read() as session:
        logged = session.exec(
            select(ChangeLog).where(
                col(ChangeLog.table_name).in_(["micro_project", "micro_project_issue", "milestone"])
            )
        ).all()
    assert {(c.table_name, c.op) for c in logged} == {
        ("micro_project", "insert"),
        ("micro_project", "update"),
        ("micro_project_issue", "insert"),
        ("milestone", "insert"),
        ("milestone", "update"),
    }
    assert {c.deputy_id for c in logged} == {actor.deputy_id}


def test_the_publication_lists_published_projects_and_quotes_no_resident(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    from store.projects.publication import build_publication, md_escape, write_publication

    words = "王阿姨说：2号楼门口的垃圾桶太臭了"
    row = _promote(store, actor, make_issue(text=words).id, title="1. 垃圾桶 | 移位")
    _promote(store, actor, make_issue(text="没公示的").id, title="未公示项目")
    with store.write(actor) as session:
        set_published(session=session, project_id=row.id, published=True)
        add_milestone(session=session, project_id=row.id, title="# 勘查", due_on=TODAY)
    with store.read() as session:
        publication = build_publication(session=session, today=TODAY)
    assert [p.row.title for p in publication.projects] == ["1. 垃圾桶 | 移位"]
    assert publication.projects[0].colours == {Colour.green: 1}
    html, markdown = write_publication(
        publication, tmp_path / "prints", text=lambda key, **kw: key, name=lambda m: m.value
    )
    assert html.name == "publicity-2026-11-24.html" and markdown.suffix == ".md"
    for path in (html, markdown):
        body = path.read_text(encoding="utf-8")
        assert "王阿姨" not in body and "未公示项目" not in body
    assert "## 1\\. 1\\. 垃圾桶 \\| 移位" in markdown.read_text(encoding="utf-8")
    assert "\\# 勘查" in markdown.read_text(encoding="utf-8")
    assert not list((tmp_path / "prints").glob("*.part"))
    assert md_escape("2026-11-25") == "2026-11-25"
    assert md_escape("- 列表") == "\\- 列表" and md_escape("<b>") == "\\<b\\>"
