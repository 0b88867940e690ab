"""The dialogs of putting triage right (issue 18, part 3; screens.base.regroup): which visits an
issue splits off, and why a resident withdraws a visit (撤回). Ctrl+S saves, Esc cancels (asking
first when something was chosen or typed); a choice missing is said in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet

from screens.base.field_errors import show_in_view
from screens.dialogs.confirm import ask_discard
from screens.dialogs.corrections import options
from store.core.validation import mask_numbers
from store.desk.regroup import REASON_MAX
from store.desk.triage import TITLE_MAX
from store.reference.lists import Choice
from tui.i18n import Msg, label, shown, t
from tui.widgets.find_select import FindSelect
from tui.widgets.toggles import TextCheckbox, TextRadioButton


@dataclass(frozen=True)
class SplitVisit:
    """A visit the split may take: its id, its one-line description (plain, phone masked) and
    its words cut short (for the new issue's title)."""

    id: str
    line: str
    summary: str


@dataclass(frozen=True)
class SplitInput:
    """What the deputy chose: the visits that go, the new issue's title (None: the first
    visit's words), unit and category."""

    visit_ids: tuple[str, ...]
    title: str | None
    unit_id: str
    category_id: str


class SplitModal(ModalScreen[SplitInput | None]):
    """Split an issue: tick (space) the visits that are another problem, then the new issue's
    title, unit and category (the original's unless changed)."""

    CSS = """
    .split-check { border: none; height: 1; padding: 0; background: transparent; }
    .split-about { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        visits: Sequence[SplitVisit],
        unit_id: str,
        unit: str,
        units: Sequence[Choice],
        category_id: str,
        category: str,
        categories: Sequence[Choice],
    ) -> None:
        """Args:
        title: the issue's title (residents' words: shown as plain text, numbers masked).
        visits: its visits still asked for, oldest first.
        unit_id, unit, units: its unit, and the units of every tier to choose from.
        category_id, category, categories: likewise its category.
        """
        super().__init__()
        self.issue_title = title
        self.visits = list(visits)
        self.start = (unit_id, unit, category_id, category)
        self.units, self.categories = units, categories
        self.initial: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        unit_id, unit, category_id, category = self.start
        with VerticalScroll(classes="dialog -wide"):
            yield Label(t("split.title"), classes="dialog-title")
            yield Label(Content(mask_numbers(self.issue_title)), classes="split-about")
            yield Label(t("split.visits"), classes="field-label")
            for number, visit in enumerate(self.visits):
                # One line each, as plain text: a name typed `[b]` stays `[b]`.
                yield TextCheckbox(
                    Content(visit.line), False, name=visit.id, id=f"split-visit-{number}"
                ).add_class("split-check")
            yield Label("", id="split-error", classes="field-error")
            yield Label(t("split.new_title"), classes="field-label")
            yield Input(max_length=TITLE_MAX, id="split-title")
            with Horizontal(classes="form-row"):
                with Vertical(classes="field"):
                    yield Label(t("split.unit"), classes="field-label")
                    yield FindSelect(
                        self._unit_options(unit_id, unit),
                        value=unit_id,
                        allow_blank=False,
                        id="split-unit",
                    )
                with Vertical(classes="field"):
                    yield Label(t("log.category"), classes="field-label")
                    yield FindSelect(
                        options(self.categories, category_id, category),
                        value=category_id,
                        allow_blank=False,
                        id="split-category",
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="split-save", compact=True)
                yield Button(t("key.cancel"), id="split-cancel", compact=True)

    def _unit_options(self, unit_id: str, unit: str) -> list[tuple[str, str]]:
        """Every tier's units, named with their tier: another tier is a choice too (its window
        starts at the split)."""
        found = [(f"{label(u.tier)} · {u.name}" if u.tier else u.name, u.id) for u in self.units]
        if all(u.id != unit_id for u in self.units):
            found.append((unit or unit_id[:8], unit_id))
        return found

    def on_mount(self) -> None:
        self._placeholder()
        self.initial = self._values()
        if self.visits:
            self.query_one("#split-visit-0", TextCheckbox).focus()

    def chosen(self) -> tuple[str, ...]:
        return tuple(str(box.name) for box in self.query(TextCheckbox) if box.value and box.name)

    def _values(self) -> tuple[Any, ...]:
        return (
            self.chosen(),
            self.query_one("#split-title", Input).value,
            self.query_one("#split-unit", FindSelect).value,
            self.query_one("#split-category", FindSelect).value,
        )

    def _placeholder(self) -> None:
        """Left empty, the new issue is titled with the first chosen visit's words: said in
        the box (numbers masked, as the page shows them)."""
        chosen = set(self.chosen())
        first = next((v for v in self.visits if v.id in chosen), None)
        words = mask_numbers(first.summary)[:TITLE_MAX] if first else ""
        box = self.query_one("#split-title", Input)
        box.placeholder = t("split.title_default", words=words) if words else ""

    @on(TextCheckbox.Changed)
    def _ticked(self) -> None:
        self._placeholder()
        self.query_one("#split-error", Label).remove_class("-shown")

    def _error(self, message: Msg) -> None:
        error = self.query_one("#split-error", Label)
        error.update(shown(message))
        error.add_class("-shown")
        show_in_view(error)

    @on(Button.Pressed, "#split-save")
    def action_save(self) -> None:
        chosen = self.chosen()
        # The store's own rules (store.desk.regroup.split_issue), said here before anything is
        # written: some visits go, at least one stays.
        if not chosen:
            self._error(t("error.split_none"))
            return
        if len(chosen) == len(self.visits):
            self._error(t("error.split_all"))
            return
        title = " ".join(self.query_one("#split-title", Input).value.split())
        unit = self.query_one("#split-unit", FindSelect).value
        category = self.query_one("#split-category", FindSelect).value
        self.dismiss(SplitInput(chosen, title or None, str(unit), str(category)))

    @on(Button.Pressed, "#split-cancel")
    def action_cancel(self) -> None:
        ask_discard(self, self._values() != self.initial, lambda: self.dismiss(None))


# Why a resident withdraws, the likeliest first; the last asks for words.
WITHDRAW_REASONS: tuple[Msg, ...] = (
    t("withdraw.reason_solved"),
    t("withdraw.reason_no_longer"),
    t("withdraw.reason_elsewhere"),
    t("withdraw.reason_other"),
)


class WithdrawModal(ModalScreen[str | None]):
    """撤回: why the resident no longer asks (a reason of the list, and words; words alone for
    "other"). Returns the reason as it is recorded."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(self, about: str) -> None:
        """`about`: the visit, one or two lines of plain text (phone and numbers masked)."""
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        # Two columns, as the tier move's form, so that the whole form is on an 80×24 screen.
        with VerticalScroll(classes="dialog -wide"):
            yield Label(t("withdraw.title"), classes="dialog-title")
            yield Label(Content(self.about))
            with Horizontal(classes="dialog-row"):
                with Vertical():
                    yield Label(t("withdraw.reason"))
                    with RadioSet(id="withdraw-reason"):
                        for number, reason in enumerate(WITHDRAW_REASONS):
                            yield TextRadioButton(
                                shown(reason), value=number == 0, name=str(number)
                            )
                with Vertical():
                    yield Label(t("withdraw.note"))
                    yield Input(
                        # Room for the reason's words before it in REASON_MAX.
                        max_length=REASON_MAX - 40,
                        placeholder=t("withdraw.note_hint"),
                        id="withdraw-note",
                    )
            yield Label("", id="withdraw-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="withdraw-save", compact=True)
                yield Button(t("key.cancel"), id="withdraw-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#withdraw-reason", RadioSet).focus()

    @on(Input.Submitted, "#withdraw-note")
    @on(Button.Pressed, "#withdraw-save")
    def action_save(self) -> None:
        pressed = self.query_one("#withdraw-reason", RadioSet).pressed_button
        note = " ".join(self.query_one("#withdraw-note", Input).value.split())
        number = int(pressed.name) if pressed is not None and pressed.name else 0
        other = number == len(WITHDRAW_REASONS) - 1
        if other and not note:
            error = self.query_one("#withdraw-error", Label)
            error.update(t("withdraw.note_required"))
            error.add_class("-shown")
            self.query_one("#withdraw-note", Input).focus()
            return
        reason = shown(WITHDRAW_REASONS[number])
        if other:
            self.dismiss(note)
        elif note:
            self.dismiss(t("withdraw.reason_note", reason=reason, note=note))
        else:
            self.dismiss(reason)

    @on(Button.Pressed, "#withdraw-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
