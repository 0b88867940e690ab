"""The forms of a deputies' suggestion (代表建议): the draft (案由, 理由, 建议 and the co-signers,
附议) and a step's one line and day (submitted to, the handling units, the reply's summary).
Each returns a typed value through `dismiss` (None when cancelled)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label

from screens.dialogs.small_form import SmallForm, parse_day
from store.reference.lists import Choice
from tui.i18n import t
from tui.widgets.toggles import TextSelectionList

TEXT_MAX = 2000


@dataclass(frozen=True)
class DraftInput:
    title: str
    reason: str
    proposal: str
    # The deputies ticked as co-signers (附议), in the roster's order.
    co_signer_ids: tuple[str, ...] = ()


class SuggestionDraftModal(SmallForm):
    """案由 (the source's title, to edit), 理由 and 建议: one line each here, rewritten later;
    the co-signers ticked on the roster (the lead deputy is not on it)."""

    # Screen CSS, so that it outranks the app's rules for dialogs. The co-signers' list has a
    # line a deputy up to a few lines (a longer one scrolls itself); at 80×24 the dialog scrolls,
    # and the focus brings what it reaches into view (as the leader visit's form).
    CSS = """
    SuggestionDraftModal #suggestion-co-signers {
        height: auto; max-height: 6; border: none; padding: 0;
    }
    """

    def __init__(
        self,
        title: str = "",
        sources: str = "",
        reason: str = "",
        proposal: str = "",
        *,
        deputies: Sequence[Choice] = (),
        co_signers: Collection[str] = (),
    ) -> None:
        super().__init__()
        self.initial = title
        self.sources = sources
        self.reason = reason
        self.proposal = proposal
        self.deputies = list(deputies)
        self.co_signers = set(co_signers)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(t("suggestion.draft_title"), classes="dialog-title")
            if self.sources:
                yield Label(self.sources, classes="hint", markup=False)
            yield Label(t("suggestion.field_title"))
            yield Input(self.initial, max_length=100, id="suggestion-title")
            yield Label(t("suggestion.field_reason"))
            yield Input(self.reason, max_length=TEXT_MAX, id="suggestion-reason")
            yield Label(t("suggestion.field_proposal"))
            yield Input(self.proposal, max_length=TEXT_MAX, id="suggestion-proposal")
            if self.deputies:
                yield Label(t("suggestion.field_co_signers"))
                yield TextSelectionList(
                    *[(d.name, d.id, d.id in self.co_signers) for d in self.deputies],
                    id="suggestion-co-signers",
                )
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#suggestion-title", Input).focus()

    def action_save(self) -> None:
        title = self.query_one("#suggestion-title", Input).value
        if not title.strip():
            self.show_error(t("field.required"))
            return
        chosen: tuple[str, ...] = ()
        if self.deputies:
            ticked = set(self.query_one("#suggestion-co-signers", TextSelectionList).selected)
            chosen = tuple(d.id for d in self.deputies if d.id in ticked)
        self.dismiss(
            DraftInput(
                title,
                self.query_one("#suggestion-reason", Input).value,
                self.query_one("#suggestion-proposal", Input).value,
                chosen,
            )
        )


@dataclass(frozen=True)
class StepInput:
    text: str
    day: date | None


class SuggestionStepModal(SmallForm):
    """One step's words (the body, the units, the reply's summary) and its day: today's date
    written in the field (a placeholder read like a date given, without colour), today if
    emptied; neither after today nor before the suggestion's last step (`after`)."""

    def __init__(
        self,
        heading: str,
        field: str,
        value: str = "",
        *,
        max_length: int = 100,
        today: date,
        after: date | None = None,
    ) -> None:
        super().__init__()
        self.heading = heading
        self.field = field
        self.value = value
        self.max_length = max_length
        self.today = today
        self.after = after

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.heading, classes="dialog-title")
            yield Label(self.field)
            yield Input(self.value, max_length=self.max_length, id="step-text")
            yield Label(t("suggestion.field_day"))
            yield Input(self.today.isoformat(), max_length=10, id="step-day")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#step-text", Input).focus()

    def action_save(self) -> None:
        text = self.query_one("#step-text", Input).value
        if not text.strip():
            self.show_error(t("field.required"))
            return
        day_text = self.query_one("#step-day", Input).value
        day = parse_day(day_text) if day_text.strip() else None
        if day_text.strip() and day is None:
            self.show_error(t("projects.bad_date"))
            return
        if day is not None and day > self.today:
            self.show_error(t("error.suggestion_day_future"))
            return
        if day is not None and self.after is not None and day < self.after:
            self.show_error(t("error.suggestion_day_before", day=self.after.isoformat()))
            return
        self.dismiss(StepInput(text, day))
