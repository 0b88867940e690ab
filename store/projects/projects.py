"""Micro-projects (民生微实事): a recurring problem promoted to a small public project with a lead
deputy (领衔代表), milestones, a stage (planned → underway → done) and a place on the publication
list (公示).

A project takes over one or more issues (the problem "from one case to a class of cases"); an
issue belongs to at most one project. Every write is one transaction of the caller's
`write_session`, so the change log records it under the deputy on duty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Subquery, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import (
    N_,
    DeputyNotFound,
    FieldInvalid,
    IssueNotFound,
    NotFound,
    StoreError,
)
from store.core.models import (
    Category,
    Deputy,
    Issue,
    IssueStatus,
    MicroProject,
    MicroProjectIssue,
    Milestone,
    ProjectStatus,
    Village,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.settings import load_settings
from store.core.validation import TEXT_MAX, strip_controls
from store.desk.issue_rows import IssueRow, rows_query, to_row

TITLE_MAX = 100
# The order of the stages: a project only moves forward (a done project stays done).
STAGES = (ProjectStatus.planned, ProjectStatus.underway, ProjectStatus.done)


class ProjectNotFound(NotFound):
    key = N_("error.project_not_found")


class MilestoneNotFound(NotFound):
    key = N_("error.milestone_not_found")


class IssueInProject(StoreError):
    """An issue already belongs to a micro-project (`title` names it)."""

    key = N_("error.issue_in_project")


class ProjectNeedsLead(StoreError):
    """No lead deputy given, none on the issue and no deputy on duty."""

    key = N_("error.project_needs_lead")


class ProjectMoveInvalid(StoreError):
    key = N_("error.project_move")


class MilestoneDone(StoreError):
    key = N_("error.milestone_done")


@dataclass(frozen=True)
class ProjectRow:
    """A micro-project as the list shows it."""

    id: str
    title: str
    lead_deputy: str
    status: ProjectStatus
    village: str | None
    category: str | None
    started_on: date
    done_on: date | None
    published: bool
    issue_count: int
    milestones_done: int
    milestones_total: int


@dataclass(frozen=True)
class MilestoneRow:
    id: str
    title: str
    due_on: date | None
    done_on: date | None
    position: int


@dataclass(frozen=True)
class ProjectDetail:
    row: ProjectRow
    description: str
    lead_deputy_id: str
    # The first page of its issues (as the board shows them, with colours) and of its milestones.
    issues: Page[IssueRow]
    milestones: Page[MilestoneRow]


# ---------------------------------------------------------------------------------------------
# Rules


def clean_title(value: str, *, field: str = "title") -> str:
    """A one-line title: controls removed, runs of white space made one space."""
    title = " ".join(strip_controls(value).split())
    if not title:
        raise FieldInvalid("field.required", field)
    if len(title) > TITLE_MAX:
        raise FieldInvalid("field.too_long", field, limit=TITLE_MAX)
    return title


def clean_description(value: str) -> str:
    text = strip_controls(value).strip()
    if len(text) > TEXT_MAX:
        raise FieldInvalid("field.too_long", "description", limit=TEXT_MAX)
    return text


def can_move(before: ProjectStatus, after: ProjectStatus) -> bool:
    """Stages only go forward: planned → underway → done (planned → done too, for a project
    finished before anyone marked it underway)."""
    return STAGES.index(after) > STAGES.index(before)


def next_stage(status: ProjectStatus) -> ProjectStatus | None:
    index = STAGES.index(status)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


# ---------------------------------------------------------------------------------------------
# Reading

_Lead = aliased(Deputy)


def _issue_counts() -> Subquery:
    return (
        select(MicroProjectIssue.micro_project_id, func.count().label("n"))
        .where(live(MicroProjectIssue))
        .group_by(col(MicroProjectIssue.micro_project_id))
        .subquery()
    )


def _milestone_counts() -> Subquery:
    return (
        select(
            Milestone.micro_project_id,
            func.count().label("total"),
            func.count(col(Milestone.done_on)).label("done"),
        )
        .where(live(Milestone))
        .group_by(col(Milestone.micro_project_id))
        .subquery()
    )


# A project row: the project, its lead's, village's and category's names, its issues, and its
# milestones done and in all.
ProjectRowQuery = Select[MicroProject, str, str | None, str | None, int, int, int]


def _rows_query() -> ProjectRowQuery:
    issues, milestones = _issue_counts(), _milestone_counts()
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: ProjectRowQuery = Select(
        MicroProject,
        col(_Lead.name),
        col(Village.name),
        col(Category.name),
        func.coalesce(issues.c.n, 0),
        func.coalesce(milestones.c.done, 0),
        func.coalesce(milestones.c.total, 0),
    )
    return (
        query.join(_Lead, col(_Lead.id) == MicroProject.lead_deputy_id)
        .outerjoin(Village, col(Village.id) == MicroProject.village_id)
        .outerjoin(Category, col(Category.id) == MicroProject.category_id)
        .outerjoin(issues, issues.c.micro_project_id == MicroProject.id)
        .outerjoin(milestones, milestones.c.micro_project_id == MicroProject.id)
        .where(live(MicroProject))
    )


def _to_row(
    project: MicroProject,
    lead: str,
    village: str | None,
    category: str | None,
    issues: int,
    done: int,
    total: int,
) -> ProjectRow:
    return ProjectRow(
        id=project.id,
        title=project.title,
        lead_deputy=lead,
        status=ProjectStatus(project.status),
        village=village,
        category=category,
        started_on=project.started_on,
        done_on=project.done_on,
        published=project.published,
        issue_count=int(issues),
        milestones_done=int(done),
        milestones_total=int(total),
    )


def list_projects(
    *,
    session: Session,
    published_only: bool = False,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[ProjectRow]:
    """Micro-projects, those under way first, then planned, then done; newest first within.

    Args:
        published_only: only those on the publication list (公示).
    """
    where = [live(MicroProject)]
    if published_only:
        where.append(col(MicroProject.published).is_(True))
    total = session.exec(select(func.count()).select_from(MicroProject).where(*where)).one()
    stage = case(
        (col(MicroProject.status) == ProjectStatus.underway, 0),
        (col(MicroProject.status) == ProjectStatus.planned, 1),
        else_=2,
    )
    query = _rows_query().where(*where[1:])
    found = session.exec(
        query.order_by(stage, col(MicroProject.started_on).desc(), col(MicroProject.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(tuple(_to_row(*f) for f in found), int(total), offset, limit)


def project_issues(
    *, session: Session, project_id: str, today: date, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[IssueRow]:
    """A project's issues as the board shows them (with their colours), oldest first."""
    linked = select(MicroProjectIssue.issue_id).where(
        MicroProjectIssue.micro_project_id == project_id, live(MicroProjectIssue)
    )
    total = session.exec(
        select(func.count()).select_from(Issue).where(col(Issue.id).in_(linked), live(Issue))
    ).one()
    settings = load_settings(session=session)
    found = session.exec(
        rows_query()
        .where(col(Issue.id).in_(linked))
        .order_by(col(Issue.opened_on), col(Issue.id))
        .limit(limit)
        .offset(offset)
    ).all()
    items = tuple(to_row(*f, today=today, settings=settings) for f in found)
    return Page(items, int(total), offset, limit)


def list_milestones(
    *, session: Session, project_id: str, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[MilestoneRow]:
    """A project's milestones in the order they were added."""
    where = (Milestone.micro_project_id == project_id, live(Milestone))
    total = session.exec(select(func.count()).select_from(Milestone).where(*where)).one()
    found = session.exec(
        select(Milestone)
        .where(*where)
        .order_by(col(Milestone.position), col(Milestone.id))
        .limit(limit)
        .offset(offset)
    ).all()
    items = tuple(
        MilestoneRow(
            id=m.id, title=m.title, due_on=m.due_on, done_on=m.done_on, position=m.position
        )
        for m in found
    )
    return Page(items, int(total), offset, limit)


def get_project_row(*, session: Session, project_id: str) -> ProjectRow:
    """Raises:
    ProjectNotFound: no such project."""
    found = session.exec(_rows_query().where(MicroProject.id == project_id)).first()
    if found is None:
        raise ProjectNotFound()
    return _to_row(*found)


def get_project(*, session: Session, project_id: str, today: date) -> ProjectDetail:
    """A project with the first page of its issues and of its milestones.

    Raises:
        ProjectNotFound: no such project.
    """
    row = get_project_row(session=session, project_id=project_id)
    project = session.get(MicroProject, project_id)
    assert project is not None
    return ProjectDetail(
        row=row,
        description=project.description,
        lead_deputy_id=project.lead_deputy_id,
        issues=project_issues(session=session, project_id=project_id, today=today),
        milestones=list_milestones(session=session, project_id=project_id),
    )


def project_of_issue(*, session: Session, issue_id: str) -> ProjectRow | None:
    """The micro-project an issue belongs to, if any."""
    project_id = session.exec(
        select(MicroProjectIssue.micro_project_id)
        .join(MicroProject, col(MicroProject.id) == MicroProjectIssue.micro_project_id)
        .where(
            MicroProjectIssue.issue_id == issue_id,
            live(MicroProjectIssue),
            live(MicroProject),
        )
    ).first()
    return None if project_id is None else get_project_row(session=session, project_id=project_id)


def linkable_issues(
    *, session: Session, project_id: str, today: date, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[IssueRow]:
    """Issues a project could take over: in no project yet, of the project's category when it
    has one; open ones first, those of the project's village first, then the newest.

    Raises:
        ProjectNotFound: no such project.
    """
    project = _project(session, project_id)
    in_a_project = (
        select(MicroProjectIssue.issue_id)
        .join(MicroProject, col(MicroProject.id) == MicroProjectIssue.micro_project_id)
        .where(live(MicroProjectIssue), live(MicroProject))
    )
    where = [live(Issue), col(Issue.id).not_in(in_a_project)]
    if project.category_id is not None:
        where.append(col(Issue.category_id) == project.category_id)
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    closed_last = case((col(Issue.status) == IssueStatus.closed, 1), else_=0)
    # The same problem in the project's own village is the likeliest to belong to it.
    elsewhere = case((col(Issue.village_id) == project.village_id, 0), else_=1)
    settings = load_settings(session=session)
    found = session.exec(
        rows_query()
        .where(*where)
        .order_by(closed_last, elsewhere, col(Issue.opened_on).desc(), col(Issue.id))
        .limit(limit)
        .offset(offset)
    ).all()
    items = tuple(to_row(*f, today=today, settings=settings) for f in found)
    return Page(items, int(total), offset, limit)


# ---------------------------------------------------------------------------------------------
# Writing


def _project(session: Session, project_id: str) -> MicroProject:
    return get_live(session, MicroProject, project_id, ProjectNotFound)


def _free_issue(session: Session, issue_id: str) -> Issue:
    issue = get_live(session, Issue, issue_id, IssueNotFound)
    taken = project_of_issue(session=session, issue_id=issue_id)
    if taken is not None:
        raise IssueInProject(title=taken.title)
    return issue


def _deputy(session: Session, deputy_id: str) -> Deputy:
    return get_live(session, Deputy, deputy_id, DeputyNotFound)


def _common(values: Sequence[str]) -> str | None:
    """The one value all issues share, or None when they differ."""
    return values[0] if values and all(v == values[0] for v in values) else None


def promote_issues(
    *,
    session: Session,
    issue_ids: Sequence[str],
    title: str | None = None,
    description: str = "",
    lead_deputy_id: str | None = None,
) -> ProjectRow:
    """Promote one issue, or several of one kind, to a new micro-project (民生微实事).

    Args:
        issue_ids: the issues it takes over (at least one; none may belong to a project yet).
        title: defaults to the first issue's title.
        lead_deputy_id: the lead deputy (领衔代表); defaults to the first issue's lead deputy,
            else the deputy on duty.

    Returns:
        The new project as the list shows it. Its village and category are the issues' own
        when they all share one.

    Raises:
        IssueNotFound, IssueInProject, ProjectNeedsLead, FieldInvalid (title, description).
    """
    ctx = write_context(session)
    if not issue_ids:
        raise IssueNotFound()
    # Each issue once, in the order given.
    issues = [_free_issue(session, issue_id) for issue_id in dict.fromkeys(issue_ids)]
    first = issues[0]
    lead = lead_deputy_id or first.lead_deputy_id or ctx.actor.deputy_id
    if lead is None:
        raise ProjectNeedsLead()
    _deputy(session, lead)
    project = MicroProject(
        station_id=first.station_id,
        title=clean_title(title if title is not None else first.title),
        description=clean_description(description),
        lead_deputy_id=lead,
        category_id=_common([i.category_id for i in issues]),
        village_id=_common([i.village_id for i in issues]),
        status=ProjectStatus.planned,
        started_on=today_of(ctx.clock),
    )
    session.add(project)
    session.flush()
    for issue in issues:
        session.add(MicroProjectIssue(micro_project_id=project.id, issue_id=issue.id))
    session.flush()
    return get_project_row(session=session, project_id=project.id)


def promote_issue(
    *,
    session: Session,
    issue_id: str,
    title: str | None = None,
    description: str = "",
    lead_deputy_id: str | None = None,
) -> ProjectRow:
    """Promote one issue to a micro-project; see `promote_issues`."""
    return promote_issues(
        session=session,
        issue_ids=[issue_id],
        title=title,
        description=description,
        lead_deputy_id=lead_deputy_id,
    )


def link_issue(*, session: Session, project_id: str, issue_id: str) -> ProjectRow:
    """Add another issue of the same problem to a project.

    Raises:
        ProjectNotFound, IssueNotFound, IssueInProject.
    """
    _project(session, project_id)
    issue = _free_issue(session, issue_id)
    session.add(MicroProjectIssue(micro_project_id=project_id, issue_id=issue.id))
    session.flush()
    return get_project_row(session=session, project_id=project_id)


def add_milestone(
    *, session: Session, project_id: str, title: str, due_on: date | None = None
) -> MilestoneRow:
    """Add a milestone at the end of the project's list.

    Raises:
        ProjectNotFound, FieldInvalid (title).
    """
    _project(session, project_id)
    last = session.exec(
        select(func.max(Milestone.position)).where(Milestone.micro_project_id == project_id)
    ).one()
    milestone = Milestone(
        micro_project_id=project_id,
        title=clean_title(title),
        due_on=due_on,
        position=(last if last is not None else -1) + 1,
    )
    session.add(milestone)
    session.flush()
    return MilestoneRow(milestone.id, milestone.title, due_on, None, milestone.position)


def complete_milestone(
    *, session: Session, milestone_id: str, done_on: date | None = None
) -> MilestoneRow:
    """Mark a milestone done (today unless `done_on` is given).

    Raises:
        MilestoneNotFound, MilestoneDone.
    """
    milestone = get_live(session, Milestone, milestone_id, MilestoneNotFound)
    if milestone.done_on is not None:
        raise MilestoneDone()
    milestone.done_on = done_on or today_of(write_context(session).clock)
    session.add(milestone)
    session.flush()
    return MilestoneRow(
        milestone.id, milestone.title, milestone.due_on, milestone.done_on, milestone.position
    )


def move_project(*, session: Session, project_id: str, status: ProjectStatus) -> ProjectRow:
    """Move a project to a later stage; reaching done sets its done date (today).

    Raises:
        ProjectNotFound, ProjectMoveInvalid (not a later stage).
    """
    project = _project(session, project_id)
    before = ProjectStatus(project.status)
    if not can_move(before, status):
        raise ProjectMoveInvalid(before=before.value, after=status.value)
    project.status = status
    if status == ProjectStatus.done:
        project.done_on = today_of(write_context(session).clock)
    session.add(project)
    session.flush()
    return get_project_row(session=session, project_id=project_id)


def set_published(*, session: Session, project_id: str, published: bool) -> ProjectRow:
    """Put a project on the publication list (公示) or take it off.

    Raises:
        ProjectNotFound.
    """
    project = _project(session, project_id)
    if project.published != published:
        project.published = published
        session.add(project)
        session.flush()
    return get_project_row(session=session, project_id=project_id)
