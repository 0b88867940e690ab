"""The small forms of micro-projects and the quarterly review: promote an issue, add a milestone,
enter a score. Each returns a typed value through `dismiss` (None when cancelled)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, TextArea

from screens.dialogs.small_form import DAY_HINT, SmallForm, parse_day
from tui.i18n import t

_SCORE = re.compile(r"[0-9]{1,3}")


def parse_score(value: str) -> int | None:
    """A whole score 0–100, or None."""
    value = value.strip()
    if not _SCORE.fullmatch(value):
        return None
    score = int(value)
    return score if score <= 100 else None


@dataclass(frozen=True)
class PromoteInput:
    title: str
    description: str


class PromoteModal(SmallForm):
    """The new micro-project's title (the issue's, to edit) and what it will do."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.initial = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("projects.promote_title"), classes="dialog-title")
            yield Label(t("projects.promote_hint"))
            yield Label(t("projects.field_title"))
            yield Input(self.initial, max_length=100, id="promote-title")
            yield Label(t("projects.field_description"))
            yield TextArea(id="promote-description", soft_wrap=True, show_line_numbers=False)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#promote-title", Input).focus()

    def action_save(self) -> None:
        title = self.query_one("#promote-title", Input).value
        if not title.strip():
            self.show_error(t("field.required"))
            return
        description = self.query_one("#promote-description", TextArea).text
        self.dismiss(PromoteInput(title, description))


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_on: date | None


class MilestoneModal(SmallForm):
    """A milestone's title and, optionally, the day it is due."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("projects.milestone_add"), classes="dialog-title")
            yield Label(t("projects.field_title"))
            yield Input(max_length=100, id="milestone-title")
            yield Label(t("projects.field_due"))
            yield Input(placeholder=DAY_HINT, id="milestone-due")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#milestone-title", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        title = self.query_one("#milestone-title", Input).value
        due_text = self.query_one("#milestone-due", Input).value
        due = parse_day(due_text)
        if not title.strip():
            self.show_error(t("field.required"))
        elif due_text.strip() and due is None:
            self.show_error(t("projects.bad_date"))
        else:
            self.dismiss(MilestoneInput(title, due))


class ScoreModal(SmallForm):
    """One score, 0–100, for the target named in the title."""

    def __init__(self, target: str, current: int | None) -> None:
        super().__init__()
        self.target = target
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("review.score_title", name=self.target), classes="dialog-title")
            yield Input(
                "" if self.current is None else str(self.current),
                max_length=3,
                restrict=r"[0-9]*",
                id="score-input",
                placeholder="0–100",
            )
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#score-input", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        score = parse_score(self.query_one("#score-input", Input).value)
        if score is None:
            self.show_error(t("review.bad_score", low=0, high=100))
        else:
            self.dismiss(score)
