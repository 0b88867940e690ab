"""转为代表建议: the actions menu's (`.`) flow that drafts a deputies' suggestion from the issue
shown, or from one visit (screens.base.actions_menu). The draft form's 案由 starts as the
issue's title or the visit's summary; the suggestion then waits on the suggestions list."""

from __future__ import annotations

from functools import partial

from screens.base.desk_screen import DeskScreen
from screens.dialogs.suggestion_forms import DraftInput, SuggestionDraftModal
from store.core.models import Issue, Visit
from store.core.validation import summarise
from store.suggestions.suggestions import SuggestionRow, draft_suggestion
from tui.i18n import t
from tui.messages import Open, Place


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
        screen.app.push_screen(SuggestionDraftModal(title[:100]), chosen)

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
                issue_ids=[issue_id] if issue_id else [],
                visit_ids=[visit_id] if visit_id else [],
            )

    def written(row: SuggestionRow) -> None:
        screen.notify(t("suggestion.drafted", title=row.title))
        screen.post_message(Open(Place.suggestions))

    screen.run_store(load, show, group="suggestion_loaders")


def suggest_issue_flow(screen: DeskScreen, issue_id: str) -> None:
    """转为代表建议 from the issue shown."""
    _suggest(screen, issue_id=issue_id, visit_id=None)


def suggest_visit_flow(screen: DeskScreen, visit_id: str) -> None:
    """转为代表建议 from one visit (the resident's own words as its source)."""
    _suggest(screen, issue_id=None, visit_id=visit_id)
