"""Moving an issue to another tier (升级/降级): why (a reason of the list, and words), and which
unit of the new tier takes it, the likeliest first (store.desk.moves)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet

from screens.base.field_errors import show_in_view
from store.core.models import MoveReason
from store.desk.moves import NOTE_MAX
from tui.i18n import label, t
from tui.widgets.find_select import FindSelect
from tui.widgets.toggles import TextRadioButton


@dataclass(frozen=True)
class MoveInput:
    reason: MoveReason
    note: str
    unit_id: str


class MoveModal(ModalScreen[MoveInput | None]):
    """Why the issue moves, and to which unit: Ctrl+S moves it, Esc leaves it where it is."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        where: str,
        reasons: Sequence[MoveReason],
        units: Sequence[tuple[str, str]],
    ) -> None:
        """Args:
        title: `升级：村级 → 乡级` and the like.
        where: the unit it is with now.
        reasons: the reasons of this direction, the likeliest first (the first is chosen).
        units: (id, name) of the new tier's units, the likeliest first (the first is chosen).
        """
        super().__init__()
        self.title_text = title
        self.where = where
        self.reasons = list(reasons)
        self.units = list(units)

    def compose(self) -> ComposeResult:
        # Two columns, so that the whole form is on an 80×24 screen: the reasons, and the words
        # with the unit.
        with Vertical(classes="dialog -wide"):
            yield Label(self.title_text, classes="dialog-title")
            # Names from the station's lists: shown as typed, never read as markup.
            yield Label(self.where, markup=False)
            with Horizontal(classes="dialog-row"):
                with Vertical():
                    yield Label(t("move.reason"))
                    with RadioSet(id="move-reason"):
                        for number, reason in enumerate(self.reasons):
                            yield TextRadioButton(
                                label(reason), value=number == 0, name=reason.value
                            )
                with Vertical():
                    yield Label(t("move.note"))
                    yield Input(
                        max_length=NOTE_MAX, placeholder=t("move.note_hint"), id="move-note"
                    )
                    yield Label(t("move.unit"))
                    yield FindSelect(
                        [(name, unit_id) for unit_id, name in self.units],
                        value=self.units[0][0] if self.units else FindSelect.BLANK,
                        allow_blank=not self.units,
                        prompt=t("move.no_units"),
                        id="move-unit",
                    )
            yield Label("", id="move-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="move-save")
                yield Button(t("key.cancel"), id="move-cancel")

    def on_mount(self) -> None:
        self.query_one("#move-reason", RadioSet).focus()

    def _error(self, message: str) -> None:
        error = self.query_one("#move-error", Label)
        error.update(message)
        error.add_class("-shown")
        show_in_view(error)

    @on(Input.Submitted, "#move-note")
    @on(Button.Pressed, "#move-save")
    def action_save(self) -> None:
        pressed = self.query_one("#move-reason", RadioSet).pressed_button
        reason = MoveReason(pressed.name) if pressed is not None and pressed.name else None
        note = self.query_one("#move-note", Input).value.strip()
        unit = self.query_one("#move-unit", FindSelect).value
        if reason is None:
            self._error(t("move.reason_required"))
        elif reason == MoveReason.other and not note:
            self._error(t("move.note_required"))
            self.query_one("#move-note", Input).focus()
        elif not isinstance(unit, str):
            self._error(t("move.unit_required"))
        else:
            self.dismiss(MoveInput(reason, note, unit))

    @on(Button.Pressed, "#move-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
