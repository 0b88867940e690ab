"""The ledger screen (台账): import a spreadsheet or export the ledger, in a worker."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, ProgressBar, Static

from screens.base.desk_screen import DeskScreen
from store.ledger import ImportSummary, LedgerInvalid, RowError, export_ledger, import_ledger
from store.trust.reveals import log_export
from tui.i18n import import_summary_lines, row_error_lines, t, tn
from tui.messages import Place
from tui.widgets.chrome import DeskFooter
from tui.widgets.toggles import TextCheckbox

# A wrong station's ledger can fail on every row: enough lines to see the pattern.
ERRORS_SHOWN = 200


def default_export_path(today: date) -> Path:
    return Path.home() / f"台账-{today.isoformat()}.xlsx"


class LedgerScreen(DeskScreen):
    """Import a ledger file (all or nothing) or write the ledger out, without freezing the desk."""

    PLACE = Place.ledger
    HELP_TEXT = t("help.ledger")
    BINDINGS = [Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back")]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ledger"):
            with Vertical(classes="ledger-part"):
                yield Label(t("ledger.import_title"), classes="screen-title")
                yield Input(placeholder=t("ledger.import_placeholder"), id="import-path")
                with Horizontal(classes="ledger-actions"):
                    yield TextCheckbox(t("ledger.dry_run_label"), id="dry-run")
                    yield Button(t("ledger.import_button"), variant="primary", id="import")
            with Vertical(classes="ledger-part"):
                yield Label(t("ledger.export_title"), classes="screen-title")
                yield Input(id="export-path")
                with Horizontal(classes="ledger-actions"):
                    yield TextCheckbox(t("ledger.reveal_label"), id="reveal")
                    yield Button(t("ledger.export_button"), id="export")
            yield ProgressBar(id="ledger-progress", show_eta=False)
            yield Static("", id="ledger-result")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.title = t("ledger.title")
        self.query_one("#export-path", Input).value = str(default_export_path(self.today))
        self.query_one("#ledger-progress", ProgressBar).display = False
        self.query_one("#import-path", Input).focus()

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss()

    def _progress(self, done: int, total: int) -> None:
        """Called from the worker thread."""
        self.app.call_from_thread(self._show_progress, done, total)

    def _show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#ledger-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(total, 1), progress=done)

    def _start(self, message: str) -> None:
        self.busy = True
        for button in self.query(Button):
            button.disabled = True
        bar = self.query_one("#ledger-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#ledger-result", Static).update(Text(message))

    def _finish(self) -> None:
        self.busy = False
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#ledger-progress", ProgressBar).display = False

    # -- import -----------------------------------------------------------------------

    @on(Button.Pressed, "#import")
    @on(Input.Submitted, "#import-path")
    def _import(self) -> None:
        raw = self.query_one("#import-path", Input).value.strip()
        path = Path(raw).expanduser()
        if not raw or not path.is_file():
            self.query_one("#import-path", Input).add_class("-invalid")
            self.notify(t("ledger.no_file"), severity="error")
            return
        self.query_one("#import-path", Input).remove_class("-invalid")
        dry_run = self.query_one("#dry-run", TextCheckbox).value
        self._start(t("ledger.importing"))
        self.run_store(
            partial(
                import_ledger,
                store=self.desk.store,
                actor=self.desk.actor,
                path=path,
                dry_run=dry_run,
                progress=self._progress,
            ),
            self._imported,
            group="ledger_workers",
            on_error=self._import_failed,
        )

    def _imported(self, summary: ImportSummary) -> None:
        self._finish()
        first, *rest = import_summary_lines(summary)
        text = Text(first + "\n", style="bold")
        for line in rest:
            text.append(line + "\n")
        self._append_errors(text, list(summary.errors))
        self.query_one("#ledger-result", Static).update(text)
        self.notify(t("ledger.dry_run") if summary.dry_run else t("ledger.imported"))

    def _import_failed(self, exc: BaseException) -> bool:
        self._finish()
        if isinstance(exc, LedgerInvalid):
            text = Text(t(exc.key, **exc.params) + "\n", style="bold")
            self._append_errors(text, exc.errors)
            self.query_one("#ledger-result", Static).update(text)
            self.notify(t(exc.key, **exc.params), severity="error")
            return True
        self.query_one("#ledger-result", Static).update("")
        return False

    def _append_errors(self, text: Text, errors: list[RowError]) -> None:
        for line in row_error_lines(errors, ERRORS_SHOWN):
            text.append(line + "\n")

    # -- export -----------------------------------------------------------------------

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#export-path")
    def _export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        out = Path(raw).expanduser()
        if not raw or out.suffix.lower() not in (".xlsx", ".csv") or not out.parent.is_dir():
            self.query_one("#export-path", Input).add_class("-invalid")
            self.notify(t("ledger.bad_out"), severity="error")
            return
        self.query_one("#export-path", Input).remove_class("-invalid")
        reveal = self.query_one("#reveal", TextCheckbox).value
        self._start(t("ledger.exporting"))
        self.run_store(
            partial(self._write, out, reveal),
            partial(self._exported, out, reveal),
            group="ledger_workers",
            on_error=self._export_failed,
        )

    def _export_failed(self, _exc: BaseException) -> bool:
        """The form comes back; the failure is reported as any store error is (False)."""
        self._finish()
        return False

    def _write(self, out: Path, reveal: bool) -> int:
        with self.desk.store.read() as session:
            rows = export_ledger(
                session=session, out=out, today=self.today, reveal=reveal, progress=self._progress
            )
        if reveal:
            # Phones written in clear: recorded in the access log (who, when, how many).
            with self.desk.store.write(self.desk.actor) as session:
                log_export(session=session, rows=rows)
        return rows

    def _exported(self, out: Path, reveal: bool, rows: int) -> None:
        self._finish()
        text = Text(tn("ledger.exported", rows, path=out) + "\n", style="bold")
        if not reveal:
            text.append(t("ledger.masked_here") + "\n")
        self.query_one("#ledger-result", Static).update(text)
        self.notify(tn("ledger.exported", rows, path=out.name))
