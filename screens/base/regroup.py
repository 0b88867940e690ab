"""Putting triage right from the actions menu (issue 18, part 3; store.desk.regroup): unlink a
visit (back to triage), move it to another issue, split an issue, merge it into another,
withdraw a visit (撤回). Each flow reads what it needs first, so that what the store would refuse
(a closed issue, the last visit) is said before the deputy chooses anything; writes in a worker;
says what was done; and shows the records again. A refusal is one line in the interface
language, and nothing is written.

Residents' words and names are shown as plain text, phones and numbers in words masked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.markup import escape

from screens.base.corrections import after_action, visit_about
from screens.base.desk_screen import DeskScreen
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.regroup import SplitInput, SplitModal, SplitVisit, WithdrawModal
from store.core.errors import (
    InvalidStatusMove,
    LastVisitOnIssue,
    SplitInvalid,
    VisitNotTriaged,
    VisitWithdrawn,
)
from store.core.models import IssueStatus
from store.core.validation import mask_numbers, summarise
from store.desk.board import list_board
from store.desk.issue_page import IssueDetail, get_issue
from store.desk.issue_rows import IssueRow, get_issue_row
from store.desk.regroup import (
    SplitResult,
    Withdrawal,
    merge_issues,
    move_visit,
    open_issue_for,
    split_issue,
    unlink_visit,
    withdraw_visit,
)
from store.desk.similar import Suggestion, suggest_issues
from store.desk.visits import VisitRow, get_visit, list_issue_visits
from store.reference.lists import Choice, list_categories, list_units
from tui.i18n import label, t, tn
from tui.messages import OpenIssue
from tui.theme import badge
from tui.widgets.cells import fit
from tui.widgets.urgency import likeness_text

# A visit's words in a dialog's line (CJK characters are two cells wide).
WORDS_SHOWN = 34
# Open issues listed after the likely ones in a picker (it filters as the deputy types).
OTHERS_SHOWN = 500


def _quoted(title: str) -> str:
    """An issue's title in a message or question: its numbers masked, never read as markup."""
    return escape(mask_numbers(title))


def _about(screen: DeskScreen, row: VisitRow) -> str:
    """The visit, named in two plain lines: when, who (phone masked), where; its words, cut to
    a line of a dialog."""
    return f"{visit_about(screen, row).plain}\n{summarise(mask_numbers(row.summary), WORDS_SHOWN)}"


# -- picking another open issue ---------------------------------------------------------------


@dataclass(frozen=True)
class _Targets:
    """The issues a visit or an issue may go to: the likely ones (store.desk.similar), then the
    other open issues."""

    likely: list[Suggestion]
    others: list[IssueRow]


def _targets(screen: DeskScreen, visit_id: str | None, exclude: str) -> _Targets:
    """Read in a worker: open issues but `exclude`, those like `visit_id`'s words first."""
    with screen.desk.store.read() as session:
        likely = (
            [
                s
                for s in suggest_issues(session=session, visit_id=visit_id, today=screen.today)
                if s.row.id != exclude
            ]
            if visit_id is not None
            else []
        )
        seen = {exclude, *(s.row.id for s in likely)}
        board = list_board(session=session, today=screen.today, limit=OTHERS_SHOWN)
        return _Targets(likely, [row for row in board.items if row.id not in seen])


def _issue_line(screen: DeskScreen, row: IssueRow) -> Text:
    line = badge(screen.app, row.colour)
    line.append(f" {label(row.tier)} ")
    line.append_text(fit(row.title, 28))
    line.append(f"  {row.village} · {row.category}", style="dim")
    return line


def _pick_target(
    screen: DeskScreen, title: str, targets: _Targets, chosen: Callable[[IssueRow], None]
) -> None:
    items = []
    for suggestion in targets.likely:
        line = _issue_line(screen, suggestion.row)
        if suggestion.proposed:
            line.append("\n    " + likeness_text(suggestion.likeness, suggestion.own))
        items.append(PickItem(suggestion.row.id, line))
    if targets.likely and targets.others:
        items.append(PickItem(None, Text(t("regroup.other_issues"), style="bold")))
    items += [PickItem(row.id, _issue_line(screen, row)) for row in targets.others]
    rows = {s.row.id: s.row for s in targets.likely} | {r.id: r for r in targets.others}

    def picked(issue_id: str | None) -> None:
        if issue_id in rows:
            chosen(rows[issue_id])

    screen.app.push_screen(PickModal(title, items, empty=t("regroup.no_issues")), picked)


# -- a visit on an issue ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Linked:
    """A visit still asked for on an open issue that keeps another visit."""

    visit: VisitRow
    issue_id: str


def _linked(screen: DeskScreen, visit_id: str) -> _Linked:
    """Read in a worker: the visit and its issue, refused as the store would refuse unlinking
    or moving it (store.desk.regroup.unlink_visit)."""
    with screen.desk.store.read() as session:
        row = get_visit(session=session, visit_id=visit_id).row
        if row.withdrawn_at is not None:
            raise VisitWithdrawn()
        if row.issue_id is None:
            raise VisitNotTriaged()
        issue = open_issue_for(session, row.issue_id)
        asked = [
            v for v in list_issue_visits(session=session, issue_id=issue.id) if not v.withdrawn_at
        ]
        if len(asked) <= 1:
            raise LastVisitOnIssue()
        return _Linked(row, issue.id)


def unlink_flow(screen: DeskScreen, visit_id: str) -> None:
    """移出事项: the visit goes back to the triage queue, once the deputy confirms."""
    desk = screen.desk

    def ask(linked: _Linked) -> None:
        question = t("regroup.unlink_confirm", visit=escape(_about(screen, linked.visit)))

        def answered(yes: bool | None) -> None:
            if yes:
                screen.run_store(write, written, group="visit_writers")

        screen.app.push_screen(ConfirmModal(question), answered)

    def write() -> VisitRow:
        with desk.store.write(desk.actor) as session:
            return unlink_visit(session=session, visit_id=visit_id)

    def written(_row: VisitRow) -> None:
        screen.notify(t("regroup.unlinked"))
        after_action(screen)

    screen.run_store(partial(_linked, screen, visit_id), ask, group="regroup_loaders")


def move_flow(screen: DeskScreen, visit_id: str) -> None:
    """转到其他事项: the visit goes to another open issue, chosen from the likely ones first."""
    desk = screen.desk

    def load() -> tuple[_Linked, _Targets]:
        linked = _linked(screen, visit_id)
        return linked, _targets(screen, visit_id, exclude=linked.issue_id)

    def pick(found: tuple[_Linked, _Targets]) -> None:
        _pick_target(screen, t("regroup.move_pick"), found[1], chosen)

    def chosen(target: IssueRow) -> None:
        screen.run_store(partial(write, target.id), written, group="visit_writers")

    def write(issue_id: str) -> IssueRow:
        with desk.store.write(desk.actor) as session:
            return move_visit(session=session, visit_id=visit_id, issue_id=issue_id)

    def written(row: IssueRow) -> None:
        screen.notify(t("regroup.moved", title=_quoted(row.title)))
        after_action(screen)

    screen.run_store(load, pick, group="regroup_loaders")


# -- an issue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SplitForm:
    detail: IssueDetail
    visits: list[VisitRow]
    units: list[Choice]
    categories: list[Choice]


def split_flow(screen: DeskScreen, issue_id: str) -> None:
    """拆分事项: the visits ticked go to a new issue; the deputy is then shown it."""
    desk = screen.desk

    def load() -> _SplitForm:
        with desk.store.read() as session:
            open_issue_for(session, issue_id)
            detail = get_issue(session=session, issue_id=issue_id, today=screen.today)
            asked = [v for v in detail.visits if v.withdrawn_at is None]
            if len(asked) < 2:
                raise SplitInvalid("error.split_all")
            return _SplitForm(
                detail, asked, list_units(session=session), list_categories(session=session)
            )

    def show(form: _SplitForm) -> None:
        row = form.detail.row
        modal = SplitModal(
            title=row.title,
            visits=[SplitVisit(v.id, _split_line(screen, v), v.summary) for v in form.visits],
            unit_id=form.detail.unit_id,
            unit=row.unit,
            units=form.units,
            category_id=form.detail.category_id,
            category=row.category,
            categories=form.categories,
        )
        screen.app.push_screen(modal, chosen)

    def chosen(value: SplitInput | None) -> None:
        if value is not None:
            screen.run_store(partial(write, value), written, group="issue_writers")

    def write(value: SplitInput) -> SplitResult:
        with desk.store.write(desk.actor) as session:
            return split_issue(
                session=session,
                issue_id=issue_id,
                visit_ids=value.visit_ids,
                unit_id=value.unit_id,
                category_id=value.category_id,
                title=value.title,
            )

    def written(done: SplitResult) -> None:
        # Both halves said; the new one opens over the original (Esc goes back to it).
        screen.notify(
            t(
                "regroup.split_done",
                original=_quoted(done.original.title),
                kept=done.original.visit_count,
                new=_quoted(done.new.title),
                moved=done.new.visit_count,
            ),
            timeout=10,
        )
        after_action(screen)
        screen.post_message(OpenIssue(done.new.id))

    screen.run_store(load, show, group="regroup_loaders")


def _split_line(screen: DeskScreen, row: VisitRow) -> str:
    """One checkbox's line: when, who (phone masked), the words cut short."""
    about = visit_about(screen, row).plain
    return f"{about} · {mask_numbers(row.summary)}"


def merge_flow(screen: DeskScreen, issue_id: str) -> None:
    """合并到…: this issue (A) goes into another (B) about the same problem, once the deputy
    has read what that does; B's page then shows in place of A's."""
    desk = screen.desk

    def load() -> tuple[IssueRow, _Targets]:
        with desk.store.read() as session:
            open_issue_for(session, issue_id)
            detail = get_issue(session=session, issue_id=issue_id, today=screen.today)
        first = next((v.id for v in detail.visits if v.withdrawn_at is None), None)
        return detail.row, _targets(screen, first, exclude=issue_id)

    def pick(found: tuple[IssueRow, _Targets]) -> None:
        merged, targets = found
        _pick_target(screen, t("regroup.merge_pick"), targets, partial(ask, merged))

    def ask(merged: IssueRow, survivor: IssueRow) -> None:
        question = t(
            "regroup.merge_confirm", merged=_quoted(merged.title), survivor=_quoted(survivor.title)
        )

        def answered(yes: bool | None) -> None:
            if yes:
                screen.run_store(partial(write, survivor.id), written, group="issue_writers")

        screen.app.push_screen(ConfirmModal(question), answered)

    def write(into_id: str) -> IssueRow:
        with desk.store.write(desk.actor) as session:
            return merge_issues(session=session, issue_id=issue_id, into_id=into_id)

    def written(row: IssueRow) -> None:
        screen.notify(t("regroup.merged", title=_quoted(row.title)))
        open_survivor(screen, row.id)

    screen.run_store(load, pick, group="regroup_loaders")


def open_survivor(screen: DeskScreen, issue_id: str) -> None:
    """Show the issue a merge kept: the issue page turns to it (the merged one is gone), any
    other screen opens it."""
    show_issue = getattr(screen, "show_issue", None)
    if callable(show_issue):
        show_issue(issue_id)
    else:
        after_action(screen)
        screen.post_message(OpenIssue(issue_id))


# -- a visit, on an issue or waiting ----------------------------------------------------------


def withdraw_flow(screen: DeskScreen, visit_id: str) -> None:
    """撤回: the resident no longer asks. The reason is required; the deputy is told whether
    the issue closed as withdrawn (its last visit still asked for)."""
    desk = screen.desk

    def load() -> VisitRow:
        with desk.store.read() as session:
            row = get_visit(session=session, visit_id=visit_id).row
            issue = (
                get_issue_row(session=session, issue_id=row.issue_id, today=screen.today)
                if row.issue_id is not None
                else None
            )
        if row.withdrawn_at is not None:
            raise VisitWithdrawn()
        if issue is not None and issue.status == IssueStatus.closed:
            raise InvalidStatusMove("error.withdraw_closed")
        return row

    def ask(row: VisitRow) -> None:
        def answered(reason: str | None) -> None:
            if reason:
                screen.run_store(partial(write, reason), written, group="visit_writers")

        screen.app.push_screen(WithdrawModal(_about(screen, row)), answered)

    def write(reason: str) -> Withdrawal:
        with desk.store.write(desk.actor) as session:
            return withdraw_visit(session=session, visit_id=visit_id, reason=reason)

    def written(done: Withdrawal) -> None:
        if done.issue is None:
            screen.notify(t("regroup.withdrawn_queue"))
        elif done.issue_withdrawn:
            screen.notify(
                t("regroup.withdrawn_closed", title=_quoted(done.issue.title)),
                severity="warning",
            )
        else:
            screen.notify(
                tn(
                    "regroup.withdrawn_kept",
                    done.issue.visit_count,
                    title=_quoted(done.issue.title),
                )
            )
        after_action(screen)

    screen.run_store(load, ask, group="regroup_loaders")


__all__: Sequence[str] = (
    "merge_flow",
    "move_flow",
    "open_survivor",
    "split_flow",
    "unlink_flow",
    "withdraw_flow",
)
