"""Deputies' suggestions (代表建议): the list and one suggestion's page.

The list (`p` on the dashboard, or the palette) shows every suggestion, those awaiting a step
first; `f` shows one stage at a time; `a` drafts one from a class of problems (a hot word, a
category or a village: their issues or visits as its sources); Enter opens it. A suggestion's
page shows 案由, 理由, 建议, the lead and co-signers, its sources and its steps; `g` takes the
next step (submit, assign, record the reply, the deputies' satisfaction), `e` rewrites the texts
and the co-signers, `a` adds sources (an issue or a visit found by its words, or a class of
problems), `x` takes one off, `p` prints the standard form (Markdown and A4 HTML in prints/).
Stages read by their names and a glyph, never by colour."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.suggest import DraftFrom, draft_flow
from screens.base.suggestion_sources import (
    Found,
    ask_class,
    ask_removal,
    ask_search,
    source_line,
)
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.suggestion_forms import (
    DraftInput,
    StepInput,
    SuggestionDraftModal,
    SuggestionStepModal,
)
from store.core.models import Satisfaction, SuggestionStatus, SuggestionStep
from store.core.paging import Page
from store.reference.lists import Choice, list_deputies
from store.suggestions.co_signers import set_co_signers
from store.suggestions.sources import ClassPick, add_class
from store.suggestions.suggestions import (
    SourceRow,
    SuggestionDetail,
    SuggestionRow,
    add_sources,
    answer_suggestion,
    assign_suggestion,
    edit_suggestion,
    evaluate_suggestion,
    get_suggestion,
    list_suggestions,
    next_step,
    remove_source,
    submit_suggestion,
)
from tui.i18n import label, t, tn
from tui.messages import Place
from tui.widgets.cells import fit, plain
from tui.widgets.chrome import DeskFooter

# A glyph a stage, so that it reads without colour (spec §3): empty → full as it goes on.
GLYPHS = {
    SuggestionStatus.draft: "○",
    SuggestionStatus.submitted: "◔",
    SuggestionStatus.assigned: "◑",
    SuggestionStatus.answered: "◕",
    SuggestionStatus.closed: "●",
}
# `f` steps through: every stage, then each one.
FILTERS: tuple[SuggestionStatus | None, ...] = (None, *SuggestionStatus)


def stage_text(status: SuggestionStatus, resupervised: int = 0) -> str:
    """`◑ 已交办`, and `↻1` once re-supervised (再督办)."""
    text = f"{GLYPHS[status]} {label(status)}"
    return text + (f" ↻{resupervised}" if resupervised else "")


def print_form(screen: Undoable | SuggestionsScreen, suggestion_id: str) -> None:
    """Write the suggestion's standard form into prints/ (in a worker), and say where."""
    from screens.base.slips import print_folders
    from store.suggestions.form import print_suggestion

    desk, today = screen.desk, screen.today

    def write() -> tuple[Path, Path]:
        templates, prints = print_folders(desk.store)
        with desk.store.read() as session:
            return print_suggestion(
                session=session,
                suggestion_id=suggestion_id,
                today=today,
                tz=desk.store.clock.tz,
                templates=templates,
                out_dir=prints,
            )

    def written(paths: tuple[Path, Path]) -> None:
        screen.notify(t("suggestion.printed", paths="\n".join(map(str, paths))), timeout=15)

    screen.run_store(write, written, group="suggestion_printers")


class SuggestionsScreen(PagedTableScreen):
    """Every deputies' suggestion, those awaiting a step first."""

    CONTAINER_ID = "suggestions"
    PLACE = Place.suggestions
    HELP_TEXT = t("help.suggestions")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-suggestion"),
        Binding(
            "a",
            "draft",
            t("key.suggestion_draft"),
            tooltip=t("tip.suggestion_draft"),
            id="draft-suggestion",
        ),
        Binding(
            "f",
            "next_filter",
            t("key.suggestion_filter"),
            tooltip=t("tip.suggestion_filter"),
            id="filter-suggestions",
        ),
        *PagedTableScreen.PAGING_BINDINGS,
    ]
    TABLE_ID = "suggestions-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("suggestions.col_status"), 11, "status"),
        (t("suggestions.col_title"), 24, "title"),
        (t("suggestions.col_lead"), 8, "lead"),
        (t("suggestions.col_submitted"), 10, "submitted"),
        (t("suggestions.col_sources"), 4, "sources"),
        (t("suggestions.col_satisfaction"), 8, "satisfaction"),
    )
    FLEX_COLUMN = "title"

    def __init__(self) -> None:
        super().__init__()
        self.status: SuggestionStatus | None = None

    def compose_above(self) -> ComposeResult:
        yield Label("", id="suggestions-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("suggestions.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        offset, status = self.page_offset, self.status

        def load() -> Page[SuggestionRow]:
            with self.desk.store.read() as session:
                return list_suggestions(session=session, status=status, offset=offset)

        self.run_store(load, self._show, group="suggestion_loaders", exclusive=True)

    def _show(self, page: Page[SuggestionRow]) -> None:
        rows = [
            (
                row.id,
                [
                    Text(stage_text(row.status, row.resupervised)),
                    fit(row.title, self.width_of("title")),
                    fit(row.lead_deputy, 8),
                    Text(row.submitted_on.isoformat() if row.submitted_on else "—"),
                    Text(str(row.sources), justify="right"),
                    Text(label(row.satisfaction) if row.satisfaction else "—"),
                ],
            )
            for row in page.items
        ]
        self.show_rows(page, rows, self.current_id())
        shown_status = label(self.status) if self.status else t("suggestions.all")
        heading: str = tn(
            "suggestions.heading",
            page.total,
            status=shown_status,
            page=page.number,
            pages=page.count,
        )
        if not page.total:
            heading += t("text.gap") + t("suggestions.empty")
        self.query_one("#suggestions-title", Label).update(heading)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        suggestion_id = self.current_id()
        if suggestion_id is not None:
            self.app.push_screen(SuggestionScreen(suggestion_id))

    def action_next_filter(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.page_offset = 0
        self.reload()

    # -- a class of problems ----------------------------------------------------------

    def action_draft(self) -> None:
        ask_class(self, self._draft_from)

    def _draft_from(self, picked: ClassPick) -> None:
        draft = DraftFrom(
            issue_ids=picked.issue_ids,
            visit_ids=picked.visit_ids,
            basis=picked.basis,
            sources=tn("suggestions.class_found", picked.count, basis=picked.basis),
        )
        draft_flow(self, draft, lambda _row: self.reload())


@dataclass(frozen=True)
class _Step:
    heading: str
    field: str
    max_length: int
    write: Callable[..., object]


class SuggestionScreen(Undoable):
    """One suggestion: 案由, 理由, 建议, the lead and co-signers, its sources and steps."""

    HELP_TEXT = t("help.suggestion")
    DEFAULT_CSS = """
    SuggestionScreen #suggestion-body { padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding(
            "g",
            "next_step",
            t("key.suggestion_step"),
            tooltip=t("tip.suggestion_step"),
            id="suggestion-step",
        ),
        Binding(
            "e",
            "edit",
            t("key.suggestion_edit"),
            tooltip=t("tip.suggestion_edit"),
            id="suggestion-edit",
        ),
        Binding(
            "p",
            "print",
            t("key.suggestion_print"),
            tooltip=t("tip.suggestion_print"),
            id="suggestion-print",
        ),
        # `a` adds (as on the list, where it drafts); `s` is statistics everywhere (spec §6).
        Binding(
            "a",
            "add_source",
            t("key.suggestion_add_source"),
            tooltip=t("tip.suggestion_add_source"),
            id="suggestion-add-source",
        ),
        # Out of the footer (80 columns in English): in help and the palette.
        Binding(
            "x",
            "remove_source",
            t("key.suggestion_remove_source"),
            tooltip=t("tip.suggestion_remove_source"),
            show=False,
            id="suggestion-remove-source",
        ),
        UNDO_BINDING,
    ]

    def __init__(self, suggestion_id: str) -> None:
        super().__init__()
        self.suggestion_id = suggestion_id
        self.detail: SuggestionDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="suggestion"):
            yield Static("", id="suggestion-body")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.title = t("suggestion.title")
        self.query_one("#suggestion", VerticalScroll).loading = True
        self.reload()

    def on_screen_resume(self) -> None:
        if self.shown_again():
            self.reload()

    def reload(self) -> None:
        def load() -> SuggestionDetail:
            with self.desk.store.read() as session:
                return get_suggestion(session=session, suggestion_id=self.suggestion_id)

        self.run_store(load, self._show, group="suggestion_loaders", exclusive=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_step" and self.detail is not None:
            return None if next_step(self.detail.row.status) is None else True
        return True

    def _show(self, detail: SuggestionDetail) -> None:
        self.detail = detail
        scroll = self.query_one("#suggestion", VerticalScroll)
        scroll.loading = False
        self.refresh_bindings()
        self.query_one("#suggestion-body", Static).update(self._body(detail))
        scroll.focus()

    def _body(self, d: SuggestionDetail) -> Text:
        row = d.row
        out = plain(row.title, "bold")
        out.append("\n" + stage_text(row.status, row.resupervised) + t("text.gap"))
        out.append(
            t(
                "suggestion.meta",
                lead=row.lead_deputy,
                co_signers="、".join(d.co_signers) or "—",
                drafted=row.drafted_on.isoformat(),
            )
        )
        for heading, value in (
            (t("suggestion.field_reason"), d.reason),
            (t("suggestion.field_proposal"), d.proposal),
        ):
            out.append("\n\n" + heading + "\n", style="bold")
            out.append_text(plain(value) if value else Text("—", style="dim"))
        out.append("\n\n" + t("suggestion.sources", count=len(d.sources)), style="bold")
        if d.basis:
            out.append_text(plain(f"（{d.basis}）", "dim"))
        tz = self.desk.store.clock.tz
        for source in d.sources:
            out.append("\n")
            out.append_text(source_line(source, tz, 56))
        out.append("\n\n" + t("suggestion.steps"), style="bold")
        for step in d.steps:
            out.append(f"\n{step.day.isoformat()} {label(step.step)}")
            if step.satisfaction is not None:
                out.append(f" · {label(step.satisfaction)}")
            if step.note:
                out.append(" · ")
                out.append_text(fit(step.note, 44))
            if step.deputy:
                out.append(f" · {step.deputy}", style="dim")
        awaiting = next_step(row.status)
        if awaiting is not None:
            out.append("\n\n" + t("suggestion.awaiting", step=label(awaiting)), style="italic")
        return out

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def _write(self, job: Callable[..., object], message: str, what: str) -> None:
        self.write_undoable(
            job, what, lambda _result: self._written(message), group="suggestion_writers"
        )

    def _written(self, message: str) -> None:
        self.notify(message)
        self.reload()

    def action_next_step(self) -> None:
        if self.detail is None:
            return
        step = next_step(self.detail.row.status)
        sid = self.suggestion_id
        if step is None:
            return
        if step == SuggestionStep.evaluated:
            items = [PickItem(s.value, label(s)) for s in Satisfaction]

            def chosen(value: str | None) -> None:
                if value:
                    satisfaction = Satisfaction(value)
                    self._write(
                        partial(evaluate_suggestion, suggestion_id=sid, satisfaction=satisfaction),
                        t("suggestion.step_done", step=label(step)),
                        t("undo.suggestion_step", step=label(step)),
                    )

            self.app.push_screen(PickModal(t("suggestion.evaluate_title"), items), chosen)
            return
        forms = {
            SuggestionStep.submitted: _Step(
                t("suggestion.submit_title"),
                t("suggestion.field_body"),
                100,
                lambda value, **kw: submit_suggestion(
                    suggestion_id=sid, body=value.text, day=value.day, **kw
                ),
            ),
            SuggestionStep.assigned: _Step(
                t("suggestion.assign_title"),
                t("suggestion.field_units"),
                200,
                lambda value, **kw: assign_suggestion(
                    suggestion_id=sid, units=value.text, day=value.day, **kw
                ),
            ),
            SuggestionStep.answered: _Step(
                t("suggestion.answer_title"),
                t("suggestion.field_answer"),
                2000,
                lambda value, **kw: answer_suggestion(
                    suggestion_id=sid, summary=value.text, day=value.day, **kw
                ),
            ),
        }
        form = forms[step]

        def entered(value: object) -> None:
            if isinstance(value, StepInput):
                self._write(
                    partial(form.write, value),
                    t("suggestion.step_done", step=label(step)),
                    t("undo.suggestion_step", step=label(step)),
                )

        modal = SuggestionStepModal(
            form.heading,
            form.field,
            max_length=form.max_length,
            today=self.today,
            after=self.detail.steps[-1].day if self.detail.steps else None,
        )
        self.app.push_screen(modal, entered)

    def action_edit(self) -> None:
        """Rewrite 案由, 理由 and 建议, and tick the co-signers again (the lead is not on the
        roster shown)."""
        if self.detail is None:
            return
        detail = self.detail

        def load() -> list[Choice]:
            with self.desk.store.read() as session:
                return [d for d in list_deputies(session=session) if d.id != detail.lead_deputy_id]

        def ask(deputies: list[Choice]) -> None:
            modal = SuggestionDraftModal(
                detail.row.title,
                reason=detail.reason,
                proposal=detail.proposal,
                deputies=deputies,
                co_signers=detail.co_signer_ids,
            )
            self.app.push_screen(modal, partial(entered, {d.id for d in deputies}))

        def entered(shown: set[str], value: object) -> None:
            if isinstance(value, DraftInput):
                # A co-signer no longer serving is not on the roster shown: kept.
                kept = [d for d in detail.co_signer_ids if d not in shown]
                self._write(
                    partial(self._rewrite, value, (*kept, *value.co_signer_ids)),
                    t("suggestion.edited"),
                    t("undo.suggestion_edit"),
                )

        self.run_store(load, ask, group="suggestion_form_loaders")

    def _rewrite(self, value: DraftInput, co_signers: tuple[str, ...], *, session: Any) -> object:
        """One write: the texts, then the co-signers (each a logged change only if it changed)."""
        row = edit_suggestion(
            session=session,
            suggestion_id=self.suggestion_id,
            title=value.title,
            reason=value.reason,
            proposal=value.proposal,
        )
        set_co_signers(session=session, suggestion_id=self.suggestion_id, deputy_ids=co_signers)
        return row

    # -- sources ------------------------------------------------------------------------

    def action_add_source(self) -> None:
        """An issue or a visit found by its words, or a class of problems."""
        items = [
            PickItem("search", t("suggestion.add_by_search")),
            PickItem("class", t("suggestion.add_by_class")),
        ]

        def chosen(how: str | None) -> None:
            if how == "search":
                ask_search(self, self._add_found)
            elif how == "class":
                ask_class(self, self._add_class)

        self.app.push_screen(PickModal(t("suggestion.add_title"), items), chosen)

    def _add_found(self, found: Found) -> None:
        self._add(
            partial(
                add_sources,
                suggestion_id=self.suggestion_id,
                issue_ids=[found.issue_id] if found.issue_id else [],
                visit_ids=[found.visit_id] if found.visit_id else [],
            )
        )

    def _add_class(self, picked: ClassPick) -> None:
        self._add(partial(add_class, suggestion_id=self.suggestion_id, picked=picked))

    def _add(self, job: Callable[..., int]) -> None:
        """Add sources; say how many were new (those already attached are skipped)."""
        self.write_undoable(
            job,
            t("undo.suggestion_source_add"),
            lambda added: self._written(tn("suggestion.sources_added", added)),
            group="suggestion_writers",
        )

    def action_remove_source(self) -> None:
        if self.detail is None:
            return
        ask_removal(self, self.detail.sources, self._remove)

    def _remove(self, source: SourceRow) -> None:
        self._write(
            partial(remove_source, source_id=source.id),
            t("suggestion.source_removed"),
            t("undo.suggestion_source_remove"),
        )

    def action_print(self) -> None:
        print_form(self, self.suggestion_id)
