"""Sync (`y`): this device and the devices it exchanges bundles with, bundles out and in, a new
laptop's bundle (on the station), and the conflict list (docs/rules/sync.md).

Sealing, opening and merging a bundle run in a worker (Argon2 alone takes a moment; a big bundle
takes seconds); the conflict list is one SQL page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Label, ProgressBar, Static

from screens.base.labels import value_name
from screens.base.paged import PagedTableScreen
from screens.dialogs.bundle import BundleInput, BundleModal
from screens.dialogs.confirm import ConfirmModal
from store.core.errors import StoreError
from store.core.models import (
    DeviceKind,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.validation import mask_numbers
from store.reference.lists import list_categories, list_deputies, list_units, list_villages
from store.sync.conflicts import ConflictRow, keep_current, list_conflicts, restore_lost
from store.sync.exchange import (
    ExportSummary,
    ImportSummary,
    SyncStatus,
    export_bundle,
    export_join_bundle,
    import_bundle,
    sync_status,
)
from tui.i18n import t, tn
from tui.names import device_kind_name, field_name, table_name
from tui.settings import data_dir
from tui.sync_summary import import_summary_lines
from tui.widgets.cells import fit

# (heading, width in cells, column key); 80 columns with padding.
COLUMNS = (
    (t("sync.col.record"), 8, "record"),
    (t("sync.col.field"), 8, "field"),
    (t("sync.col.lost"), 16, "lost"),
    (t("sync.col.current"), 14, "current"),
    (t("sync.col.device"), 8, "device"),
    (t("sync.col.at"), 11, "at"),
)

# What a county hub's sync screen does not offer: bundles, and answers to conflicts.
HUB_REFUSES = frozenset({"export", "import", "new_laptop", "keep", "restore"})


def bundle_name(device: str, at: datetime) -> str:
    """`<device>-<YYYYmmdd-HHMM>.bundle`, the device's name made safe for a file name."""
    safe = "".join("-" if c in '/\\:*?"<>|' or c.isspace() else c for c in device).strip("-.")
    return f"{safe or 'device'}-{at:%Y%m%d-%H%M}.bundle"


# -- asking for a file -----------------------------------------------------------------------------


# -- the screen ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncData:
    status: SyncStatus
    page: Page[ConflictRow]
    # Names of the units, deputies, villages and categories a conflict's value may point at.
    names: dict[str, str]


class SyncScreen(PagedTableScreen):
    """Where this device stands with its peers; bundles out and in; conflicts answered (a page
    of them in the table)."""

    CONTAINER_ID = "sync"
    HELP_TEXT = t("help.sync")
    TABLE_ID = "sync-conflicts"
    COLUMNS = COLUMNS
    BINDINGS = [
        Binding("e", "export", t("key.sync_export"), tooltip=t("tip.sync_export"), id="sync-e"),
        Binding("i", "import", t("key.sync_import"), tooltip=t("tip.sync_import"), id="sync-i"),
        Binding("l", "new_laptop", t("key.new_laptop"), tooltip=t("tip.new_laptop"), id="sync-l"),
        Binding("a", "keep", t("key.keep_current"), tooltip=t("tip.keep_current"), id="sync-a"),
        Binding("r", "restore", t("key.restore_lost"), tooltip=t("tip.restore_lost"), id="sync-r"),
        Binding(
            "c",
            "conflicts",
            t("key.conflicts"),
            tooltip=t("tip.conflicts"),
            show=False,
            id="sync-c",
        ),
        Binding(
            "pagedown",
            "page(1)",
            t("key.next_page"),
            tooltip=t("tip.next_page"),
            show=False,
            id="sync-next-page",
        ),
        Binding(
            "pageup",
            "page(-1)",
            t("key.prev_page"),
            tooltip=t("tip.prev_page"),
            show=False,
            id="sync-prev-page",
        ),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]
    DEFAULT_CSS = """
    #sync { height: 1fr; padding: 0 1; }
    #sync-status, #sync-result { height: auto; }
    #sync-result { padding-bottom: 1; }
    #sync-bar { height: auto; padding-bottom: 1; }
    #sync-bar Button { margin-right: 1; }
    #sync-conflicts { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: SyncData | None = None
        self.busy = False

    def compose_above(self) -> ComposeResult:
        yield Static("", id="sync-status")
        with Horizontal(id="sync-bar"):
            yield Button(t("key.sync_export"), id="sync-export", compact=True)
            yield Button(t("key.sync_import"), id="sync-import", compact=True)
            yield Button(t("key.new_laptop"), id="sync-new-laptop", compact=True)
        yield ProgressBar(id="sync-progress", show_eta=False, show_percentage=False)
        yield Static("", id="sync-result")
        yield Label(t("sync.conflicts_title"), classes="screen-title")

    def help_text(self) -> str:
        # A hub makes no bundles and answers no conflicts: the bundles' help would mislead.
        return t("help.sync_hub") if self.desk.station.hub else self.HELP_TEXT

    @property
    def is_station(self) -> bool:
        return self.data is not None and self.data.status.device_kind == DeviceKind.station

    def on_mount(self) -> None:
        self.title = t("sync.title")
        self.add_columns()
        self.query_one("#sync-progress", ProgressBar).display = False
        self.query_one("#sync-new-laptop", Button).display = False
        self.reload()

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self.run_store(
            partial(self._load, self.page_offset),
            self._show,
            group="sync_loaders",
            exclusive=True,
        )

    def _load(self, offset: int) -> SyncData:
        with self.desk.store.read() as session:
            status = sync_status(session=session, info=self.desk.station)
            page = list_conflicts(session=session, offset=offset, limit=PAGE_SIZE)
            names: dict[str, str] = {}
            if page.items:
                for listing in (list_units, list_deputies, list_villages, list_categories):
                    names.update({c.id: c.name for c in listing(session=session)})
        return SyncData(status=status, page=page, names=names)

    def _show(self, data: SyncData) -> None:
        self.data, self.shown_page, self.page_offset = data, data.page, data.page.offset
        self.query_one("#sync-status", Static).update(self._status_text(data.status))
        self.query_one("#sync-new-laptop", Button).display = self.is_station
        self.query_one("#sync-bar").display = not self.desk.station.hub
        table = self.table
        keep = self.current_id()
        table.clear()
        tz = self.desk.store.clock.tz
        for row in data.page.items:
            table.add_row(*self._cells(row, data.names, tz), key=row.id)
        index = next((i for i, r in enumerate(data.page.items) if r.id == keep), 0)
        if data.page.items:
            table.move_cursor(row=index)
        self.refresh_bindings()

    def _status_text(self, status: SyncStatus) -> Text:
        text = Text()
        text.append(t("sync.this_device"), style="bold")
        text.append(status.device_name)
        text.append(f" · {device_kind_name(status.device_kind)}\n")
        if self.desk.station.hub:
            text.append(t("sync.hub_reads") + "\n", style="dim")
        elif not status.peers:
            if status.device_kind == DeviceKind.station:
                text.append(t("sync.no_laptops") + "\n", style="dim")
            else:
                text.append(t("sync.no_peers") + "\n", style="dim")
        for peer in status.peers:
            text.append("  ")
            text.append(peer.name, style="bold")
            text.append(f" · {device_kind_name(peer.kind)} · ")
            if peer.pending:
                text.append(tn("sync.pending", peer.pending), style="yellow")
            else:
                text.append(t("sync.up_to_date"), style="green")
            text.append(" · " + (t("sync.heard") if peer.heard_from else t("sync.never_heard")))
            text.append("\n")
        if status.conflicts:
            text.append(tn("sync.conflicts", status.conflicts), style="bold red")
        else:
            text.append(t("sync.no_conflicts"), style="dim")
        return text

    def _cells(self, row: ConflictRow, names: dict[str, str], tz: tzinfo) -> list[Text]:
        widths = {key: width for _, width, key in COLUMNS}
        current = (
            t("sync.deleted")
            if row.deleted
            else value_name(row.table_name, row.field, row.current_value, names)
        )
        return [
            fit(table_name(row.table_name), widths["record"]),
            fit(field_name(row.field), widths["field"]),
            fit(value_name(row.table_name, row.field, row.lost_value, names), widths["lost"]),
            fit(current, widths["current"]),
            fit(row.lost_device, widths["device"]),
            fit(f"{row.lost_at.astimezone(tz):%m-%d %H:%M}", widths["at"]),
        ]

    def _current(self) -> ConflictRow | None:
        conflict_id = self.current_id()
        if self.data is None or conflict_id is None:
            return None
        return next((r for r in self.data.page.items if r.id == conflict_id), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in HUB_REFUSES and self.desk.station.hub:
            # The county's hub exchanges by the stations' push and pull, not by bundles, and
            # its conflicts are the stations' to answer (the store refuses it there too).
            return False
        if action == "new_laptop" and not self.is_station:
            # Only the station's own device can make a laptop: elsewhere the key is not shown.
            return False
        if action in ("export", "import", "new_laptop") and self.busy:
            return None
        if action in ("keep", "restore"):
            # None greys a key out in the footer rather than hiding it.
            return True if self._current() is not None and not self.busy else None
        return True

    # -- bundles ----------------------------------------------------------------------

    def _default_path(self, device: str) -> str:
        now = self.desk.store.clock.now().astimezone(self.desk.store.clock.tz)
        return str(data_dir() / "sync" / bundle_name(device, now))

    @on(Button.Pressed, "#sync-export")
    def action_export(self) -> None:
        if self.busy or self.data is None:
            return
        path = self._default_path(self.data.status.device_name)
        modal = BundleModal(t("sync.export_title"), path)
        self.app.push_screen(modal, self._export_chosen)

    def _export_chosen(self, chosen: BundleInput | None) -> None:
        if chosen is None:
            return
        self._start(t("sync.exporting"))
        self.run_store(
            partial(
                export_bundle,
                store=self.desk.store,
                out=chosen.path,
                passphrase=chosen.passphrase or None,
            ),
            self._exported,
            group="sync_workers",
            on_error=self._failed,
        )

    def _exported(self, summary: ExportSummary) -> None:
        self._finish()
        text = Text(tn("sync.exported", summary.changes, path=str(summary.path)), style="bold")
        if summary.peers:
            peers = t("text.list").join(summary.peers)
            text.append("\n" + t("sync.exported_for", peers=peers))
        self.query_one("#sync-result", Static).update(text)
        self.notify(tn("sync.exported", summary.changes, path=summary.path.name))
        self.reload()

    @on(Button.Pressed, "#sync-import")
    def action_import(self) -> None:
        if self.busy:
            return
        folder = data_dir() / "sync"
        modal = BundleModal(t("sync.import_title"), f"{folder}/", must_exist=True)
        self.app.push_screen(modal, self._import_chosen)

    def _import_chosen(self, chosen: BundleInput | None) -> None:
        if chosen is None:
            return
        self._start(t("sync.importing"))
        self.run_store(
            partial(
                import_bundle,
                store=self.desk.store,
                path=chosen.path,
                passphrase=chosen.passphrase or None,
            ),
            self._imported,
            group="sync_workers",
            on_error=self._failed,
        )

    def _imported(self, summary: ImportSummary) -> None:
        self._finish()
        self.query_one("#sync-result", Static).update(import_summary_text(summary))
        self.notify(tn("sync.imported", summary.merge.new, sender=summary.sender))
        self.page_offset = 0
        self.reload()

    @on(Button.Pressed, "#sync-new-laptop")
    def action_new_laptop(self) -> None:
        if self.busy or not self.is_station:
            return
        if self._db_path() is None:
            self.notify(t("sync.no_db_file"), severity="error")
            return
        modal = BundleModal(
            t("sync.new_laptop_title"),
            self._default_path(t("sync.new_laptop_file")),
            need_passphrase=True,
        )
        self.app.push_screen(modal, self._new_laptop_chosen)

    def _db_path(self) -> Path | None:
        """The station's database file (a copy of it makes the laptop); None on PostgreSQL."""
        if isinstance(self.desk.db_path, Path):
            return self.desk.db_path
        url = self.desk.store.engine.url
        return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None

    def _new_laptop_chosen(self, chosen: BundleInput | None) -> None:
        db_path = self._db_path()
        if chosen is None or db_path is None:
            return
        self._start(t("sync.exporting"))
        self.run_store(
            partial(
                export_join_bundle,
                store=self.desk.store,
                db_path=db_path,
                out=chosen.path,
                passphrase=chosen.passphrase,
            ),
            self._laptop_written,
            group="sync_workers",
            on_error=self._failed,
        )

    def _laptop_written(self, summary: ExportSummary) -> None:
        self._finish()
        text = Text(t("sync.new_laptop_written", path=str(summary.path)), style="bold")
        text.append("\n" + t("sync.new_laptop_next", path=str(summary.path)))
        self.query_one("#sync-result", Static).update(text)
        self.notify(t("sync.new_laptop_done"))

    def _start(self, message: str) -> None:
        self.busy = True
        for button in self.query("#sync-bar Button"):
            button.disabled = True
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#sync-result", Static).update(Text(message))
        self.refresh_bindings()

    def _finish(self) -> None:
        self.busy = False
        for button in self.query("#sync-bar Button"):
            button.disabled = False
        self.query_one("#sync-progress", ProgressBar).display = False
        self.refresh_bindings()

    def _failed(self, exc: BaseException) -> bool:
        """A refused bundle: its one-line message stays on the screen (and shows as a toast)."""
        self._finish()
        if isinstance(exc, StoreError):
            self.query_one("#sync-result", Static).update(
                Text(t(exc.key, **exc.params), style="bold red")
            )
        else:
            self.query_one("#sync-result", Static).update("")
        return False

    # -- conflicts --------------------------------------------------------------------

    def action_conflicts(self) -> None:
        self.table.focus()

    def action_cursor(self, step: int) -> None:
        super().action_cursor(step)
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def action_keep(self) -> None:
        row = self._current()
        if row is not None and not self.busy:
            self._answer(keep_current, row, t("sync.kept"))

    def action_restore(self) -> None:
        row = self._current()
        if row is None or self.busy:
            return
        question = t(
            "sync.confirm_restore",
            field=field_name(row.field),
            # A visit's words asked about: their numbers masked, as in the table.
            value=mask_numbers(
                value_name(
                    row.table_name, row.field, row.lost_value, self.data.names if self.data else {}
                )
            ),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._answer(restore_lost, row, t("sync.restored"))

        self.app.push_screen(ConfirmModal(question), answered)

    def _answer(self, answer: Any, row: ConflictRow, done: str) -> None:
        def job() -> None:
            with self.desk.store.write(self.desk.actor) as session:
                answer(session=session, conflict_id=row.id)

        def answered(_result: None) -> None:
            self.notify(done)
            self.reload()

        self.run_store(job, answered, group="sync_writers")


def import_summary_text(summary: ImportSummary) -> Text:
    """What came in (tui.sync_summary's words), each line styled by what it says."""
    styles = {"header": "bold", "detail": "", "conflicts": "bold red", "warning": "bold yellow"}
    text = Text()
    for n, line in enumerate(import_summary_lines(summary)):
        text.append(
            ("\n" if n else "") + ("  " if line.kind == "detail" else "") + line.text,
            style=styles[line.kind],
        )
    return text
