"""One issue (事项): its visits and history; add progress, close with evaluation, reopen."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.notifications import SeverityLevel
from textual.widgets import Header, Static

from screens.base.actions_menu import MORE_BINDING, ActionsMenu, MenuTarget
from screens.base.reveal import REVEAL_BINDING
from screens.base.through import through_text
from screens.base.tier_moves import MOVE_BINDINGS, ask_move, can_move
from screens.dialogs.issue_forms import CloseInput, CloseModal, ProgressInput, ProgressModal
from screens.dialogs.note import NoteModal
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.project_forms import PromoteInput, PromoteModal
from store.core.clock import to_local
from store.core.errors import IssueMerged
from store.core.models import IssueStatus, ProgressCreate, Satisfaction
from store.core.validation import mask_phone
from store.desk.issue_page import IssueDetail, TimelineEntry, get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress, change_unit, close_issue, reopen_issue
from store.desk.moves import MoveRow
from store.desk.visits import ConsentChange, VisitRow, set_consent
from store.reference.lists import Choice, list_units
from store.trust.reveals import reveal_issue_phones
from tui.i18n import label, t, tn
from tui.messages import OpenAudit, OpenProject
from tui.theme import badge, colour_style
from tui.widgets.cells import due_text, plain, when
from tui.widgets.chrome import DeskFooter
from tui.widgets.urgency import urgency_text


class IssueScreen(ActionsMenu):
    """An issue's page. `p` progress, `c` close with the resident's evaluation, `r` reopen,
    `+`/`-` move it a tier up or down (升级/降级), `u` another unit of its tier; `.` the actions
    menu (corrections of the issue and of its visits)."""

    HELP_TEXT = t("help.issue")
    BINDINGS = [
        Binding("p", "progress", t("key.progress"), tooltip=t("tip.progress"), id="add-progress"),
        Binding("c", "close_issue", t("key.close"), tooltip=t("tip.close_issue"), id="close-issue"),
        Binding("r", "reopen", t("key.reopen"), tooltip=t("tip.reopen"), id="reopen-issue"),
        Binding(
            "u",
            "change_unit",
            t("key.unit"),
            tooltip=t("tip.change_unit"),
            show=False,
            id="change-unit",
        ),
        *MOVE_BINDINGS,
        MORE_BINDING,
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        REVEAL_BINDING,
        # Official slips (store.reports.slips): to the unit, and a reminder once it is overdue.
        Binding(
            "a",
            "print_slip('assignment')",
            t("key.slip_assignment"),
            tooltip=t("tip.slip_assignment"),
            id="print-assignment",
        ),
        Binding(
            "e",
            "print_slip('reminder')",
            t("key.slip_reminder"),
            tooltip=t("tip.slip_reminder"),
            show=False,
            id="print-reminder",
        ),
        # 同意转交 given or withdrawn after the visit was logged (PIPL: withdrawn at any time).
        Binding(
            "f",
            "consent",
            t("key.consent"),
            tooltip=t("tip.consent"),
            show=False,
            id="change-consent",
        ),
        Binding(
            "m", "promote", t("key.promote"), tooltip=t("tip.promote"), show=False, id="promote"
        ),
        Binding(
            "l",
            "audit",
            t("key.issue_audit"),
            tooltip=t("tip.issue_audit"),
            show=False,
            id="issue-audit",
        ),
    ]

    def __init__(self, issue_id: str) -> None:
        super().__init__()
        self.issue_id = issue_id
        self.detail: IssueDetail | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="issue"):
            yield Static("", id="issue-head")
            yield Static("", id="issue-visits")
            yield Static("", id="issue-timeline")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.title = t("issue.title")
        self.query_one("#issue", VerticalScroll).loading = True
        self.reload()

    def reload(self) -> None:
        self.run_store(
            self._load, self._show, group="issue_loaders", exclusive=True, on_error=self._gone
        )

    def show_issue(self, issue_id: str) -> None:
        """Turn the page to another issue (the one this was merged into)."""
        self.issue_id = issue_id
        self.revealed = False
        self.reload()

    def _gone(self, exc: BaseException) -> bool:
        """The issue was merged into another (here, on another terminal, or by a sync): its
        survivor opens in its place, said in one line. Other errors as any screen's."""
        survivor = exc.params.get("survivor") if isinstance(exc, IssueMerged) else None
        if not isinstance(survivor, str):
            return False
        self.notify(t("issue.merged_opened"), severity="warning")
        self.show_issue(survivor)
        return True

    def menu_target(self) -> MenuTarget | None:
        if self.detail is None:
            return None
        return MenuTarget(issue_id=self.issue_id, visits=tuple(self.detail.visits))

    def _load(self) -> IssueDetail:
        with self.desk.store.read() as session:
            return get_issue(session=session, issue_id=self.issue_id, today=self.today)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.detail is None:
            return True
        # None greys a key out in the footer rather than hiding it.
        closed = self.detail.row.status == IssueStatus.closed
        if action == "progress":
            return None if closed else True
        if action == "close_issue":
            return True if not closed or self.detail.satisfaction is None else None
        if action == "reopen":
            return True if closed else None
        if action == "change_unit":
            return None if closed else True
        if action == "move_tier":
            step = parameters[0] if parameters and isinstance(parameters[0], int) else 1
            return can_move(self.detail.row, step)
        if action == "print_slip" and parameters == ("reminder",):
            return True if not closed and self.detail.row.due_on < self.today else None
        return True

    def _show(self, detail: IssueDetail) -> None:
        self.detail = detail
        self.query_one("#issue", VerticalScroll).loading = False
        self.refresh_bindings()
        self.query_one("#issue-head", Static).update(self._head(detail))
        self.query_one("#issue-visits", Static).update(self._visits(detail))
        self.query_one("#issue-timeline", Static).update(self._timeline(detail))

    def _head(self, d: IssueDetail) -> Text:
        row = d.row
        out = badge(self.app, row.colour)
        out.append(" ")
        # Numbers in residents' words show in clear only after `v` (a recorded reveal).
        out.append_text(plain(row.title, "bold", reveal=self.revealed))
        out.append("\n")
        out.append(
            t(
                "issue.meta",
                tier=label(row.tier),
                unit=row.unit,
                village=row.village,
                category=row.category,
            )
            + "\n"
        )
        if d.moves:
            # Why it is at this tier: the last move, its reason and words (a county issue sent
            # back down says why).
            out.append_text(self._move_text(d.moves[-1], with_date=True))
            out.append("\n")
        status = Text(
            t(
                "issue.status_line",
                status=label(row.status),
                due=row.due_on.isoformat(),
                left=due_text(row),
            ),
            style=colour_style(self.app, row.colour),
        )
        out.append_text(status)
        if d.reopen_count:
            out.append(t("text.gap") + t("issue.reopened_n", count=d.reopen_count), style="bold")
        out.append("\n")
        if row.status != IssueStatus.closed:
            out.append_text(urgency_text(d.urgency))
            out.append("\n")
        out.append(t("issue.opened", date=row.opened_on.isoformat(), window=d.window_days))
        if row.lead_deputy:
            out.append(t("text.gap") + t("issue.lead", name=row.lead_deputy))
        if d.closed_on is not None and d.withdrawn_at is not None:
            # Closed because its residents withdrew: not judged on time, never evaluated.
            out.append("\n" + t("issue.closed_withdrawn", date=d.closed_on.isoformat()))
        elif d.closed_on is not None:
            within = t("issue.within") if d.closed_within_window else t("issue.late")
            out.append("\n" + t("issue.closed_line", date=d.closed_on.isoformat(), within=within))
            if d.resolution and d.satisfaction:
                out.append(
                    t("text.gap")
                    + t(
                        "issue.eval",
                        resolution=label(d.resolution),
                        satisfaction=label(d.satisfaction),
                    )
                )
            elif d.gave_up:
                # Said in words, not left waiting: the station gave up calling.
                gave_up = tn("issue.unreachable", d.unanswered_calls)
                out.append(t("text.gap") + gave_up, style="bold")
            else:
                out.append(t("text.gap") + t("issue.awaiting_eval"), style="italic")
                if d.unanswered_calls:
                    out.append(t("text.gap") + tn("issue.no_answer_n", d.unanswered_calls))
        return out

    def _visits(self, d: IssueDetail) -> Text:
        tz = self.desk.store.clock.tz
        out = Text("\n" + tn("issue.visits", len(d.visits)) + "\n", style="bold")
        for number, v in enumerate(d.visits):
            phone = v.phone if self.revealed else mask_phone(v.phone)
            if number:
                out.append("\n")
            out.append(when(to_local(v.received_at, tz), "%Y-%m-%d %H:%M "), style="dim")
            # A resident purged after the retention period (store.trust.purge) has no name left.
            who = f"{v.resident} {phone}" if v.resident else t("issue.resident_purged")
            source = d.visit_sources.get(v.id)
            channel = label(v.channel)
            if source is not None:
                channel = through_text(channel, source.observer, source.point)
            out.append(f"{who} · {v.village} · {channel}", style="dim")
            if source is not None and source.session is not None:
                kind, day = source.session
                out.append(
                    " · " + t("issue.at_session", kind=label(kind), day=day.isoformat()),
                    style="dim",
                )
            if v.id in d.repeat_visits:
                out.append(" · " + t("issue.repeat_mark"), style="bold")
            # Withdrawn (撤回): kept for the record, no longer asked for.
            if v.withdrawn_at is not None:
                out.append(" · " + t("issue.withdrawn_mark"), style="bold")
            # Per visit: it decides what the unit's slips say about this resident.
            if v.consent_forward:
                out.append(" · " + t("issue.consent_yes"), style="dim")
            else:
                out.append(" · " + t("issue.consent_no"), style="bold")
            # Told nothing of the issue's progress (告知).
            if v.no_callback:
                out.append(" · " + t("issue.no_callback"), style="dim")
            out.append("\n")
            out.append_text(plain(d.visit_texts.get(v.id, v.summary), reveal=self.revealed))
            out.append("\n")
        return out

    def _timeline(self, d: IssueDetail) -> Text:
        tz = self.desk.store.clock.tz
        out = Text("\n" + t("issue.timeline") + "\n", style="bold")
        for entry in d.timeline:
            if entry.kind == "visit":
                continue
            out.append(when(to_local(entry.at, tz), "%Y-%m-%d %H:%M "), style="dim")
            out.append_text(self._entry(entry))
            if entry.deputy:
                out.append(f"  {entry.deputy}", style="dim")
            out.append("\n")
            if entry.text:
                out.append("  ")
                out.append_text(plain(entry.text, reveal=self.revealed))
                out.append("\n")
        return out

    def _move_text(self, move: MoveRow, *, with_date: bool = False) -> Text:
        """`↑ 升级 村级→乡级（青石村村委会→青石镇人民政府）：超出本级职权`, the tier left judged
        on time or late; with the day of the move on the page's head."""
        names = dict(
            before=label(move.from_tier),
            after=label(move.to_tier),
            from_unit=move.from_unit,
            to_unit=move.to_unit,
            reason=label(move.reason),
        )
        if move.up:
            out = Text(t("issue.tl_up", **names))
        else:
            out = Text(t("issue.tl_down", **names), style="bold")
        if with_date:
            day = to_local(move.at, self.desk.store.clock.tz).date().isoformat()
            out.append(t("text.gap") + t("issue.moved_on", date=day), style="dim")
        due = move.from_due_on.isoformat()
        if move.from_on_time:
            out.append(t("text.gap") + t("issue.left_in_time", due=due), style="dim")
        else:
            out.append(t("text.gap") + t("issue.left_late", due=due), style="bold")
        if with_date and move.note:
            out.append("\n  ")
            out.append_text(plain(move.note))
        return out

    def _entry(self, entry: TimelineEntry) -> Text:
        if entry.kind in ("merged", "split_to", "split_from"):
            # Another issue, by its title: merged into this one, split off it, or split from.
            prefix = {
                "merged": t("issue.tl_merged"),
                "split_to": t("issue.tl_split_to"),
                "split_from": t("issue.tl_split_from"),
            }[entry.kind]
            out = Text(prefix)
            # The title may hold a resident's words: plain, numbers masked until revealed.
            out.append_text(plain(entry.issue_title, reveal=self.revealed))
            return out
        if entry.kind == "withdrawn":
            who = entry.resident or t("issue.resident_purged")
            return Text(t("issue.tl_withdrawn", resident=who), style="bold")
        if entry.kind == "move":
            assert entry.move is not None
            return self._move_text(entry.move)
        if entry.kind == "told":
            assert entry.event is not None and entry.way is not None
            # A resident purged since has no name left.
            who = entry.resident or t("issue.resident_purged")
            return Text(
                t("issue.tl_told", resident=who, event=label(entry.event), way=label(entry.way))
            )
        if entry.kind == "unanswered":
            out = Text(t("issue.tl_no_answer", attempt=entry.attempt))
            if entry.gave_up:
                out.append(t("text.gap") + t("issue.tl_gave_up"), style="bold")
            return out
        if entry.kind == "evaluation":
            assert entry.resolution and entry.satisfaction
            return Text(
                t(
                    "issue.tl_eval",
                    resolution=label(entry.resolution),
                    satisfaction=label(entry.satisfaction),
                )
            )
        assert entry.kind == "progress", entry.kind
        before, after = entry.status_before, entry.status_after
        assert before is not None and after is not None
        if entry.withdrawal:
            return Text(t("issue.tl_withdrawn_close"), style="bold")
        if before == IssueStatus.closed:
            return Text(t("issue.tl_reopen"), style="bold")
        if before == after:
            return Text(t("issue.tl_note"))
        return Text(t("issue.tl_move", before=label(before), after=label(after)))

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_reveal(self) -> None:
        if self.detail is None:
            return
        if self.revealed:
            self.revealed = False
            self._show(self.detail)
            return
        # The reveal is recorded (store.trust.reveals) before any phone shows in clear.
        issue_id = self.issue_id

        def write() -> int:
            with self.desk.store.write(self.desk.actor) as session:
                return reveal_issue_phones(session=session, issue_id=issue_id)

        def shown(_count: int) -> None:
            self.revealed = True
            if self.detail is not None:
                self._show(self.detail)

        self.run_store(write, shown, group="reveal_writers")

    def action_audit(self) -> None:

        title = self.detail.row.title if self.detail is not None else ""
        self.post_message(OpenAudit(self.issue_id, title))

    def action_consent(self) -> None:
        """Pick one of the issue's visits and turn its resident's consent around (given ↔
        withdrawn), for all their visits on this issue (store.desk.visits.set_consent)."""
        if self.detail is None or not self.detail.visits:
            return
        tz = self.desk.store.clock.tz
        items = []
        for v in self.detail.visits:
            line = Text(when(to_local(v.received_at, tz), "%Y-%m-%d %H:%M "), style="dim")
            # Names as the page shows them; phones masked whatever the page reveals.
            who = (
                f"{v.resident} {mask_phone(v.phone)}" if v.resident else t("issue.resident_purged")
            )
            line.append_text(plain(who))
            if v.consent_forward:
                line.append(" · " + t("issue.consent_yes"), style="dim")
            else:
                line.append(" · " + t("issue.consent_no"), style="bold")
            items.append(PickItem(v.id, line))
        visits = {v.id: v for v in self.detail.visits}

        def chosen(visit_id: str | None) -> None:
            if visit_id is None or visit_id not in visits:
                return
            visit = visits[visit_id]
            self.run_store(
                partial(self._set_consent, visit_id, not visit.consent_forward),
                partial(self._consent_set, visit),
                group="issue_writers",
            )

        self.app.push_screen(PickModal(t("issue.consent_pick"), items), chosen)

    def _set_consent(self, visit_id: str, consent: bool) -> ConsentChange:
        with self.desk.store.write(self.desk.actor) as session:
            return set_consent(session=session, visit_id=visit_id, consent=consent)

    def _consent_set(self, visit: VisitRow, change: ConsentChange) -> None:
        name = visit.resident or t("issue.resident_purged")
        if change.row.consent_forward:
            message: str = t("issue.consent_given", name=name)
        else:
            message = t("issue.consent_withdrawn", name=name)
        if change.changed > 1:
            message += tn("issue.consent_visits", change.changed)
        self._written(message)

    def action_progress(self) -> None:
        if self.detail is None:
            return

        def chosen(value: ProgressInput | None) -> None:
            if value is not None:
                self.run_store(
                    partial(self._add_progress, value),
                    lambda _row: self._written(t("issue.progress_saved")),
                    group="issue_writers",
                )

        self.app.push_screen(ProgressModal(self.detail.row.status), chosen)

    def _add_progress(self, value: ProgressInput) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return add_progress(
                session=session,
                issue_id=self.issue_id,
                progress_in=ProgressCreate(status=value.status, note=value.note),
            )

    def action_close_issue(self) -> None:
        if self.detail is None:
            return
        closed = self.detail.row.status == IssueStatus.closed

        def chosen(value: CloseInput | None) -> None:
            if value is not None:
                self.run_store(
                    partial(self._close, value),
                    partial(self._after_close, value),
                    group="issue_writers",
                )

        self.app.push_screen(CloseModal(allow_not_yet=not closed), chosen)

    def _close(self, value: CloseInput) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return close_issue(
                session=session, issue_id=self.issue_id, evaluation_in=value.evaluation
            )

    def _after_close(self, value: CloseInput, row: IssueRow) -> None:
        evaluation = value.evaluation
        if row.resupervision and evaluation is not None:
            verdict = (
                label(evaluation.satisfaction)
                if evaluation.satisfaction == Satisfaction.unsatisfied
                else label(evaluation.resolution)
            )
            self._written(t("issue.closed_reopened", verdict=verdict), severity="warning")
        elif evaluation is not None and self.detail and self.detail.row.status == "closed":
            self._written(t("issue.evaluated"))
        else:
            self._written(t("issue.closed_ok"))

    def action_change_unit(self) -> None:
        if self.detail is None:
            return
        current = self.detail.unit_id
        self.run_store(self._units, partial(self._pick_unit, current), group="unit_loaders")

    def _units(self) -> list[Choice]:
        with self.desk.store.read() as session:
            return list_units(session=session)

    def _pick_unit(self, current: str, units: list[Choice]) -> None:
        # Another unit of the same tier: another tier is a move (+/-), with its reason and its
        # own window (store.desk.moves).
        assert self.detail is not None
        tier = self.detail.row.tier
        items = [PickItem(u.id, u.name) for u in units if u.tier == tier]

        def chosen(unit_id: str | None) -> None:
            if unit_id and unit_id != current:
                self.run_store(
                    partial(self._change_unit, unit_id),
                    lambda row: self._written(
                        t("issue.unit_changed", tier=label(row.tier), unit=row.unit)
                    ),
                    group="issue_writers",
                )

        title = t("triage.pick_unit", tier=label(tier))
        self.app.push_screen(PickModal(title, items, highlight=current), chosen)

    def _change_unit(self, unit_id: str) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return change_unit(session=session, issue_id=self.issue_id, unit_id=unit_id)

    def action_move_tier(self, step: int) -> None:
        """`+` a tier up (升级), `-` a tier down (降级), asking why and to which unit."""
        if self.detail is not None:
            ask_move(self, self.detail.row, step, lambda _row: self.reload())

    def action_reopen(self) -> None:
        def chosen(note: str | None) -> None:
            if note is not None:
                self.run_store(
                    partial(self._reopen, note),
                    lambda _row: self._written(t("issue.reopened"), severity="warning"),
                    group="issue_writers",
                )

        self.app.push_screen(NoteModal(t("reopen.title"), t("reopen.note")), chosen)

    def _reopen(self, note: str) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return reopen_issue(session=session, issue_id=self.issue_id, note=note)

    def action_promote(self) -> None:
        """Promote the issue to a micro-project (民生微实事), or open the one it belongs to."""
        from store.projects.projects import project_of_issue

        def load() -> str | None:
            with self.desk.store.read() as session:
                found = project_of_issue(session=session, issue_id=self.issue_id)
                return found.id if found else None

        self.run_store(load, self._promote_or_open, group="project_loaders")

    def _promote_or_open(self, project_id: str | None) -> None:
        if project_id is not None:
            self.post_message(OpenProject(project_id))
            return
        if self.detail is None:
            return

        def chosen(value: object) -> None:
            if isinstance(value, PromoteInput):
                self.run_store(partial(self._promote, value), self._promoted, group="issue_writers")

        self.app.push_screen(PromoteModal(self.detail.row.title), chosen)

    def _promote(self, value: PromoteInput) -> tuple[str, str]:
        from store.projects.projects import promote_issue

        with self.desk.store.write(self.desk.actor) as session:
            row = promote_issue(
                session=session,
                issue_id=self.issue_id,
                title=value.title,
                description=value.description,
            )
        return row.id, row.title

    def _promoted(self, project: tuple[str, str]) -> None:
        self.notify(t("projects.promoted", title=project[1]))
        self.post_message(OpenProject(project[0]))

    def action_print_slip(self, kind: str) -> None:
        """Write the assignment slip (交办单) or the reminder notice (催办通知书) into prints/."""
        from screens.base.slips import print_folders, say_printed
        from store.reports.slips import SlipKind, print_slip

        slip, deputy_id = SlipKind(kind), self.desk.deputy_id
        today, tz = self.today, self.desk.store.clock.tz

        def write() -> tuple[Path, Path]:
            templates, prints = print_folders(self.desk.store)
            # A write: the first print gives the issue its slip number, kept for ever.
            with self.desk.store.write(self.desk.actor) as session:
                return print_slip(
                    session=session,
                    issue_id=self.issue_id,
                    kind=slip,
                    today=today,
                    tz=tz,
                    templates=templates,
                    out_dir=prints,
                    deputy_id=deputy_id,
                )

        # The slips for the unit leave out whoever did not consent (store.reports.slips.FOR_UNIT):
        # say so, so the deputy can ask the resident before sending it.
        visits = self.detail.visits if self.detail else []
        # A resident without consent on one visit is left out of all theirs
        # (store.reports.slips.for_unit).
        refused = {v.resident for v in visits if not v.consent_forward}
        withheld = sum(v.resident in refused for v in visits)

        def written(paths: tuple[Path, Path]) -> None:
            say_printed(self, kind, paths)
            if withheld:
                self.notify(tn("slip.withheld", withheld), severity="warning", timeout=15)

        self.run_store(write, written, group="slip_writers")

    def _written(self, message: str, severity: SeverityLevel = "information") -> None:
        self.notify(message, severity=severity)
        self.reload()
