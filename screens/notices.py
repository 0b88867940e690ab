"""Telling residents (告知): the residents waiting to hear what became of their issue, the longest
waiting first, and under the list what to tell the one under the cursor (the station's template,
store.desk.notice_text).

`1` told by phone, `2` by SMS, `3` in person; `0` nobody answered (未接通): the resident stays on
the list, after the others. `v` shows the resident's phone for the call (the reveal is logged),
`enter` opens the issue, `p` sets the station's phone that the messages give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.reveal import REVEAL_BINDING, log_reveals
from store.core.clock import to_local
from store.core.models import NoticeWay
from store.core.paging import Page
from store.core.settings import load_settings
from store.core.validation import mask_phone
from store.desk.notices import (
    NoticeRow,
    Telling,
    list_notices,
    record_not_reached,
    record_told,
    set_station_phone,
)
from tui.i18n import label, t, tn
from tui.messages import OpenIssue, Place
from tui.widgets.cells import fit

WAYS = (NoticeWay.phone, NoticeWay.sms, NoticeWay.in_person)


@dataclass(frozen=True)
class NoticesData:
    page: Page[NoticeRow]
    station_phone: str


class NoticesScreen(PagedTableScreen):
    CONTAINER_ID = "notices"
    PLACE = Place.notices
    HELP_TEXT = t("help.notices")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("1", "told(0)", t("key.told_phone"), tooltip=t("tip.told_phone"), id="told-phone"),
        Binding("2", "told(1)", t("key.told_sms"), tooltip=t("tip.told_sms"), id="told-sms"),
        Binding(
            "3",
            "told(2)",
            t("key.told_in_person"),
            tooltip=t("tip.told_in_person"),
            id="told-in-person",
        ),
        Binding(
            "0",
            "not_reached",
            t("key.no_answer"),
            tooltip=t("tip.notice_no_answer"),
            id="notice-no-answer",
        ),
        REVEAL_BINDING,
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), show=False, id="open-issue"),
        Binding(
            "p",
            "station_phone",
            t("key.station_phone"),
            tooltip=t("tip.station_phone"),
            show=False,
            id="station-phone",
        ),
        *PagedTableScreen.QUIET_PAGING_BINDINGS,
    ]
    TABLE_ID = "notices-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.queued"), 11, "queued"),
        (t("col.event"), 8, "event"),
        (t("col.resident"), 8, "resident"),
        (t("col.phone"), 13, "phone"),
        (t("col.title"), 14, "title"),
        (t("col.tries"), 6, "tries"),
    )
    FLEX_COLUMN = "title"

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, NoticeRow] = {}
        # Residents whose phones the deputy revealed here (logged first), by resident id.
        self.revealed: set[str] = set()
        # Where the cursor goes at the next showing: the row a told resident leaves, which the
        # next one takes.
        self.want_row: int | None = None
        # The station's phone the messages give (empty: not set yet).
        self.station_phone = ""

    def compose_above(self) -> ComposeResult:
        yield Label("", id="notices-title", classes="screen-title")

    def compose_below(self) -> ComposeResult:
        yield Static("", id="notice-message")
        yield Label(t("notices.prompt"), id="notices-prompt", classes="hint")

    def on_mount(self) -> None:
        self.title = t("notices.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        today, offset, deputy_id = self.today, self.page_offset, self.desk.deputy_id
        store = self.desk.store

        def load() -> NoticesData:
            from screens.base.slips import print_folders  # the station's edited templates

            templates, _prints = print_folders(store)
            with store.read() as session:
                page = list_notices(
                    session=session,
                    today=today,
                    templates=templates,
                    deputy_id=deputy_id,
                    offset=offset,
                )
                return NoticesData(page, load_settings(session=session).station_phone)

        self.run_store(load, self._show, group="notice_loaders", exclusive=True)

    def _show(self, data: NoticesData) -> None:
        page, self.station_phone = data.page, data.station_phone
        self.rows = {row.id: row for row in page.items}
        tz = self.desk.store.clock.tz
        rows = []
        for row in page.items:
            shown = row.constituent_id in self.revealed
            rows.append(
                (
                    row.id,
                    [
                        Text(to_local(row.queued_at, tz).strftime("%m-%d %H:%M"), style="dim"),
                        Text(label(row.event)),
                        fit(row.resident, 8),
                        Text(
                            row.phone if shown else mask_phone(row.phone),
                            style="bold" if shown else "dim",
                        ),
                        fit(row.title, self.width_of("title")),
                        self._tries(row),
                    ],
                )
            )
        self.show_rows(page, rows, self.current_id())
        if self.want_row is not None and rows:
            self.table.move_cursor(row=min(self.want_row, len(rows) - 1))
        self.want_row = None
        heading: str = tn("notices.heading", page.total, page=page.number, pages=page.count)
        if not self.station_phone:
            # The messages say "call the station": they cannot give its number yet.
            heading += t("text.gap") + t("notices.no_station_phone")
        self.query_one("#notices-title", Label).update(heading)
        self._show_message()

    def _tries(self, row: NoticeRow) -> Text:
        if not row.tries:
            return Text("")
        return Text(t("notices.tries", tries=row.tries), style="bold")

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self._show_message()

    def _current(self) -> NoticeRow | None:
        notice_id = self.current_id()
        return self.rows.get(notice_id) if notice_id is not None else None

    def _show_message(self) -> None:
        """What to tell the resident under the cursor: plain text (a `[` in a title is not
        markup), numbers in it masked by the store."""
        row = self._current()
        message = self.query_one("#notice-message", Static)
        if row is None:
            message.update(Text(t("notices.none"), style="dim"))
            return
        text = Text(t("notices.say", resident=row.resident) + "\n", style="bold")
        text.append(row.message)
        if row.last_try_at is not None:
            text.append("\n")
            text.append(t("notices.last_try", time=self._when(row.last_try_at)), style="dim")
        message.update(text)

    def _when(self, moment: datetime) -> str:
        local = to_local(moment, self.desk.store.clock.tz)
        return local.strftime("%H:%M") if local.date() == self.today else local.strftime("%m-%d")

    # -- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_told(self, index: int) -> None:
        row = self._current()
        if row is None:
            return
        way, notice_id = WAYS[index], row.id
        self.want_row = self.table.cursor_row

        def write() -> Telling:
            with self.desk.store.write(self.desk.actor) as session:
                return record_told(session=session, notice_id=notice_id, way=way)

        self.run_store(write, lambda _done: self._told(row, way), group="notice_writers")

    def _told(self, row: NoticeRow, way: NoticeWay) -> None:
        self.notify(t("notices.told", resident=row.resident, way=label(way)))
        self.revealed.discard(row.constituent_id)
        self.reload()

    def action_not_reached(self) -> None:
        row = self._current()
        if row is None:
            return
        notice_id = row.id
        self.want_row = self.table.cursor_row

        def write() -> Telling:
            with self.desk.store.write(self.desk.actor) as session:
                return record_not_reached(session=session, notice_id=notice_id)

        def done(telling: Telling) -> None:
            self.notify(t("notices.not_reached", resident=row.resident, tries=telling.tries))
            self.reload()

        self.run_store(write, done, group="notice_writers")

    def action_reveal(self) -> None:
        row = self._current()
        if row is None or row.constituent_id in self.revealed:
            return
        resident = row.constituent_id

        def shown() -> None:
            self.revealed.add(resident)
            self.reload()

        # Recorded (store.trust.reveals) before the phone shows in clear.
        log_reveals(self, [resident], then=shown)

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            self.post_message(OpenIssue(row.issue_id))

    def action_station_phone(self) -> None:
        from screens.dialogs.text_input import TextInputModal

        def chosen(phone: str | None) -> None:
            if phone is not None:
                self._set_phone(phone)

        self.app.push_screen(
            TextInputModal(t("notices.station_phone"), self.station_phone, max_length=20), chosen
        )

    def _set_phone(self, phone: str) -> None:
        def write() -> str:
            with self.desk.store.write(self.desk.actor) as session:
                return set_station_phone(session=session, phone=phone)

        def done(stored: str) -> None:
            self.notify(t("notices.phone_set", phone=stored))
            self.reload()

        self.run_store(write, done, group="notice_writers")
