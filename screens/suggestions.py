"""Deputies' suggestions (代表建议): the list and one suggestion's page.

The list (`p` on the dashboard, or the palette) shows every suggestion, those awaiting a step
first; `f` shows one stage at a time; `a` drafts one from a class of problems (a hot word, a
category or a village: their issues or visits as its sources); Enter opens it. A suggestion's
page shows 案由, 理由, 建议, its sources and its steps; `g` takes the next step (submit, assign,
record the reply, the deputies' satisfaction), `e` rewrites the texts, `p` prints the standard
form (Markdown and A4 HTML in prints/). Stages read by their names and a glyph, never by colour."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.suggestion_forms import (
    DraftInput,
    StepInput,
    SuggestionDraftModal,
    SuggestionStepModal,
)
from screens.dialogs.text_input import TextInputModal
from store.core.clock import to_local
from store.core.models import Satisfaction, SuggestionStatus, SuggestionStep
from store.core.paging import Page
from store.reference.lists import Choice, list_categories, list_villages
from store.suggestions.sources import ClassPick, pick_class
from store.suggestions.suggestions import (
    SuggestionDetail,
    SuggestionRow,
    answer_suggestion,
    assign_suggestion,
    draft_suggestion,
    edit_suggestion,
    evaluate_suggestion,
    get_suggestion,
    list_suggestions,
    next_step,
    submit_suggestion,
)
from tui.i18n import label, t, tn
from tui.messages import Place
from tui.widgets.cells import fit, plain

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
        items = [
            PickItem("word", t("suggestions.by_word")),
            PickItem("category", t("suggestions.by_category")),
            PickItem("village", t("suggestions.by_village")),
        ]
        self.app.push_screen(PickModal(t("suggestions.pick_class"), items), self._class_kind)

    def _class_kind(self, kind: str | None) -> None:
        if kind == "word":
            self.app.push_screen(
                TextInputModal(t("suggestions.word_prompt"), max_length=20),
                lambda word: self._pick(word=word) if word else None,
            )
        elif kind in ("category", "village"):

            def load() -> list[Choice]:
                with self.desk.store.read() as session:
                    if kind == "category":
                        return list_categories(session=session)
                    return list_villages(session=session)

            self.run_store(load, partial(self._choose, kind), group="suggestion_loaders")

    def _choose(self, kind: str, choices: list[Choice]) -> None:
        items = [PickItem(c.id, c.name) for c in choices]

        def chosen(choice_id: str | None) -> None:
            if choice_id and kind == "category":
                self._pick(category_id=choice_id)
            elif choice_id:
                self._pick(village_id=choice_id)

        self.app.push_screen(PickModal(t("suggestions.pick_class"), items), chosen)

    def _pick(
        self, word: str | None = None, category_id: str | None = None, village_id: str | None = None
    ) -> None:
        today = self.today

        def load() -> ClassPick:
            with self.desk.store.read() as session:
                return pick_class(
                    session=session,
                    today=today,
                    word=word,
                    category_id=category_id,
                    village_id=village_id,
                )

        self.run_store(load, self._draft_from, group="suggestion_loaders")

    def _draft_from(self, picked: ClassPick) -> None:
        if not picked.count:
            self.notify(t("suggestions.class_empty"), severity="warning")
            return
        sources = tn("suggestions.class_found", picked.count, basis=picked.basis)
        self.app.push_screen(SuggestionDraftModal(sources=sources), partial(self._drafted, picked))

    def _drafted(self, picked: ClassPick, value: object) -> None:
        if not isinstance(value, DraftInput):
            return
        desk = self.desk

        def write() -> SuggestionRow:
            with desk.store.write(desk.actor) as session:
                return draft_suggestion(
                    session=session,
                    title=value.title,
                    reason=value.reason,
                    proposal=value.proposal,
                    issue_ids=picked.issue_ids,
                    visit_ids=picked.visit_ids,
                    basis=picked.basis,
                )

        def written(row: SuggestionRow) -> None:
            self.notify(t("suggestion.drafted", title=row.title))
            self.reload()
            self.app.push_screen(SuggestionScreen(row.id))

        self.run_store(write, written, group="suggestion_writers")


@dataclass(frozen=True)
class _Step:
    heading: str
    field: str
    max_length: int
    write: Callable[..., object]


class SuggestionScreen(Undoable):
    """One suggestion: 案由, 理由, 建议, its sources and steps."""

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
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("suggestion.title")
        self.query_one("#suggestion", VerticalScroll).loading = True
        self.reload()

    def on_screen_resume(self) -> None:
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
            if source.issue_id is not None:
                when = source.opened_on.isoformat() if source.opened_on else ""
                out.append("\n▸ " + t("suggestion.source_issue", date=when) + " ")
            else:
                at = to_local(source.received_at, tz) if source.received_at else None
                when = at.strftime("%Y-%m-%d") if at else ""
                out.append("\n▹ " + t("suggestion.source_visit", date=when) + " ")
            out.append_text(fit(source.text, 56))
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

        modal = SuggestionStepModal(form.heading, form.field, max_length=form.max_length)
        self.app.push_screen(modal, entered)

    def action_edit(self) -> None:
        if self.detail is None:
            return
        detail = self.detail

        def entered(value: object) -> None:
            if isinstance(value, DraftInput):
                self._write(
                    partial(
                        edit_suggestion,
                        suggestion_id=self.suggestion_id,
                        title=value.title,
                        reason=value.reason,
                        proposal=value.proposal,
                    ),
                    t("suggestion.edited"),
                    t("undo.suggestion_edit"),
                )

        modal = SuggestionDraftModal(
            detail.row.title, reason=detail.reason, proposal=detail.proposal
        )
        self.app.push_screen(modal, entered)

    def action_print(self) -> None:
        print_form(self, self.suggestion_id)
