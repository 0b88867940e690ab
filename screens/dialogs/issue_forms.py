"""The issue's forms: a progress entry, and closing it with the resident's evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioSet, Select, TextArea

from screens.base.field_errors import show_in_view
from screens.dialogs.confirm import ask_discard
from store.core.models import EvaluationCreate, IssueStatus, Resolution, Satisfaction
from store.core.rules import PROGRESS_STATUSES
from tui.i18n import label, t
from tui.widgets.toggles import TextRadioButton


@dataclass(frozen=True)
class ProgressInput:
    status: IssueStatus
    note: str


class ProgressModal(ModalScreen[ProgressInput | None]):
    """Add a progress note, keeping the status or moving it forward."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(self, current: IssueStatus) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        allowed = [s for s in PROGRESS_STATUSES if s.step >= self.current.step]
        with Vertical(classes="dialog"):
            yield Label(t("progress.title"), classes="dialog-title")
            yield Label(t("progress.status"))
            yield Select(
                [(label(s), s.value) for s in allowed],
                value=_next_step(self.current, allowed).value,
                allow_blank=False,
                id="progress-status",
            )
            yield Label(t("progress.note"))
            yield TextArea(id="progress-note", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="progress-save")
                yield Button(t("key.cancel"), id="progress-cancel")

    def on_mount(self) -> None:
        self.query_one("#progress-note", TextArea).focus()

    @on(Button.Pressed, "#progress-save")
    def action_save(self) -> None:
        status = IssueStatus(str(self.query_one("#progress-status", Select).value))
        self.dismiss(ProgressInput(status, self.query_one("#progress-note", TextArea).text))

    @on(Button.Pressed, "#progress-cancel")
    def action_cancel(self) -> None:
        edited = bool(self.query_one("#progress-note", TextArea).text.strip())
        ask_discard(self, edited, lambda: self.dismiss(None))


def _next_step(current: IssueStatus, allowed: list[IssueStatus]) -> IssueStatus:
    """The step after `current` (听事 → 议事 → 办事…), proposed; the current one at the last."""
    later = [s for s in allowed if s.step > current.step]
    return min(later, key=lambda s: s.step) if later else current


@dataclass(frozen=True)
class CloseInput:
    """Close now; `evaluation` is None when the resident has not answered yet."""

    evaluation: EvaluationCreate | None


class CloseModal(ModalScreen[CloseInput | None]):
    """Close an issue with the resident's two answers (resolved? satisfied?), or 'not yet'."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(self, *, allow_not_yet: bool = True) -> None:
        super().__init__()
        self.allow_not_yet = allow_not_yet

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("close.title"), classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                with Vertical():
                    yield Label(t("close.resolved"))
                    with RadioSet(id="close-resolution"):
                        for r in Resolution:
                            yield TextRadioButton(label(r), name=r.value)
                with Vertical():
                    yield Label(t("close.satisfied"))
                    with RadioSet(id="close-satisfaction"):
                        for s in Satisfaction:
                            yield TextRadioButton(label(s), name=s.value)
            yield Label(t("close.note"))
            yield TextArea(id="close-note", soft_wrap=True, show_line_numbers=False)
            yield Label("", id="close-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="close-save")
                if self.allow_not_yet:
                    yield Button(t("close.not_yet"), id="close-not-yet")
                yield Button(t("key.cancel"), id="close-cancel")

    def on_mount(self) -> None:
        self.query_one("#close-resolution", RadioSet).focus()

    def _choice(self, set_id: str) -> str | None:
        pressed = self.query_one(set_id, RadioSet).pressed_button
        return pressed.name if pressed is not None else None

    @on(Button.Pressed, "#close-save")
    def action_save(self) -> None:
        resolution = self._choice("#close-resolution")
        satisfaction = self._choice("#close-satisfaction")
        if resolution is None or satisfaction is None:
            error = self.query_one("#close-error", Label)
            error.update(t("close.need_both"))
            error.add_class("-shown")
            show_in_view(error)
            return
        self.dismiss(
            CloseInput(
                EvaluationCreate(
                    resolution=Resolution(resolution),
                    satisfaction=Satisfaction(satisfaction),
                    note=self.query_one("#close-note", TextArea).text,
                )
            )
        )

    @on(Button.Pressed, "#close-not-yet")
    def _not_yet(self) -> None:
        self.dismiss(CloseInput(None))

    @on(Button.Pressed, "#close-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
