"""Where a sync bundle goes or comes from, and its passphrase."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from screens.base.field_errors import show_in_view
from store.sync.exchange import (
    PASSPHRASE_MIN,
)
from tui.i18n import t


@dataclass(frozen=True)
class BundleInput:
    path: Path
    passphrase: str


class BundleModal(ModalScreen[BundleInput | None]):
    """A bundle's file and its passphrase (masked): optional, or required for a new laptop."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(
        self, title: str, path: str, *, must_exist: bool = False, need_passphrase: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.path = path
        self.must_exist = must_exist
        self.need_passphrase = need_passphrase

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(t("sync.path"))
            yield Input(self.path, id="bundle-path")
            yield Label(
                t("sync.passphrase_needed", min=PASSPHRASE_MIN)
                if self.need_passphrase
                else t("sync.passphrase_optional")
            )
            yield Input(password=True, id="bundle-passphrase")
            yield Label("", id="bundle-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("confirm.yes"), variant="primary", id="bundle-ok")
                yield Button(t("key.cancel"), id="bundle-cancel")

    def on_mount(self) -> None:
        field = self.query_one("#bundle-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def _error(self, message: str, field: str) -> None:
        error = self.query_one("#bundle-error", Label)
        error.update(message)
        error.add_class("-shown")
        self.query_one(field, Input).add_class("-invalid")
        self.query_one(field, Input).focus()
        show_in_view(error)

    @on(Input.Submitted)
    @on(Button.Pressed, "#bundle-ok")
    def action_save(self) -> None:
        for field in self.query(Input):
            field.remove_class("-invalid")
        raw = self.query_one("#bundle-path", Input).value.strip()
        path = Path(raw).expanduser()
        passphrase = self.query_one("#bundle-passphrase", Input).value
        if not raw:
            self._error(t("sync.need_path"), "#bundle-path")
        elif self.must_exist and not path.is_file():
            self._error(t("sync.no_file"), "#bundle-path")
        elif not self.must_exist and path.is_dir():
            self._error(t("sync.path_is_dir"), "#bundle-path")
        elif self.need_passphrase and len(passphrase) < PASSPHRASE_MIN:
            self._error(t("sync.short_passphrase", min=PASSPHRASE_MIN), "#bundle-passphrase")
        else:
            self.dismiss(BundleInput(path, passphrase))

    @on(Button.Pressed, "#bundle-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
