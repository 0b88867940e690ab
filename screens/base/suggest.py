"""Drafting a deputies' suggestion (代表建议) from wherever its sources are shown: the issue on its
page or one visit (the actions menu's 转为代表建议, screens.base.actions_menu), the issues marked
on the board, a hot word's visits, a class of problems picked on the suggestions list. The
draft form opens with 案由 proposed and the roster to tick co-signers on (附议; the lead is the
deputy on duty); once saved, the suggestion's page opens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from screens.base.desk_screen import DeskScreen
from screens.dialogs.suggestion_forms import DraftInput, SuggestionDraftModal
from store.core.models import Issue, Visit
from store.core.validation import summarise
from store.reference.lists import Choice, list_deputies
from store.suggestions.suggestions import TITLE_MAX, SuggestionRow, draft_suggestion
from tui.i18n import t
from tui.messages import OpenSuggestion


@dataclass(frozen=True)
class DraftFrom:
    """What a suggestion is drafted from: its sources, the class they were picked as (`basis`),
    the 案由 proposed and the line the form shows about the sources."""

    issue_ids: tuple[str, ...] = ()
    visit_ids: tuple[str, ...] = ()
    basis: str = ""
    title: str = ""
    sources: str = ""


def draft_flow(
    screen: DeskScreen,
    draft: DraftFrom,
    drafted: Callable[[SuggestionRow], None] | None = None,
) -> None:
    """Ask for the draft (the roster read in a worker), write it, say so and open its page;
    `drafted` is told first (a screen forgets what it had marked)."""
    desk = screen.desk
    lead = desk.deputy_id

    def load() -> list[Choice]:
        with desk.store.read() as session:
            return [d for d in list_deputies(session=session) if d.id != lead]

    def ask(deputies: list[Choice]) -> None:
        modal = SuggestionDraftModal(
            draft.title[:TITLE_MAX], sources=draft.sources, deputies=deputies
        )
        screen.app.push_screen(modal, chosen)

    def chosen(value: object) -> None:
        if isinstance(value, DraftInput):
            screen.run_store(partial(write, value), written, group="suggestion_writers")

    def write(value: DraftInput) -> SuggestionRow:
        with desk.store.write(desk.actor) as session:
            return draft_suggestion(
                session=session,
                title=value.title,
                reason=value.reason,
                proposal=value.proposal,
                issue_ids=draft.issue_ids,
                visit_ids=draft.visit_ids,
                co_signer_ids=value.co_signer_ids,
                basis=draft.basis,
            )

    def written(row: SuggestionRow) -> None:
        screen.notify(t("suggestion.drafted", title=row.title))
        if drafted is not None:
            drafted(row)
        screen.post_message(OpenSuggestion(row.id))

    # Not the screens' own loaders' group: theirs are exclusive, and start again when a
    # dialog closes over them.
    screen.run_store(load, ask, group="suggestion_form_loaders")


def _suggest(screen: DeskScreen, *, issue_id: str | None, visit_id: str | None) -> None:
    desk = screen.desk

    def load() -> str:
        with desk.store.read() as session:
            if issue_id is not None:
                issue = session.get(Issue, issue_id)
                return issue.title if issue else ""
            visit = session.get(Visit, visit_id)
            return summarise(visit.text) if visit else ""

    def show(title: str) -> None:
        draft = DraftFrom(
            issue_ids=(issue_id,) if issue_id else (),
            visit_ids=(visit_id,) if visit_id else (),
            title=title,
        )
        draft_flow(screen, draft)

    screen.run_store(load, show, group="suggestion_form_loaders")


def suggest_issue_flow(screen: DeskScreen, issue_id: str) -> None:
    """转为代表建议 from the issue shown."""
    _suggest(screen, issue_id=issue_id, visit_id=None)


def suggest_visit_flow(screen: DeskScreen, visit_id: str) -> None:
    """转为代表建议 from one visit (the resident's own words as its source)."""
    _suggest(screen, issue_id=None, visit_id=visit_id)
