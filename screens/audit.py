"""The audit trail (操作留痕, `l` on the dashboard, `l` on an issue's page): who changed what and
when, and who saw a phone in clear, newest first, one SQL page at a time (store.trust.audit).

`p` shows one deputy's actions, `x` clears the filters, Enter opens the issue a row belongs to.
Residents' names and words never show here: their fields read （已隐藏）; phones and ID numbers
show masked, before and after (a corrected phone: 138****1234→139****5678)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from screens.base.labels import value_name
from screens.base.paged import PagedTableScreen
from screens.dialogs.pick import PickItem, PickModal
from store.changelog.chain import ChainVerdict, verify_chain
from store.core.clock import to_local
from store.core.paging import PAGE_SIZE, Page
from store.core.validation import mask_numbers
from store.deliberations.reading import places_of
from store.observers.points import point_choices
from store.reference.lists import Choice, list_categories, list_deputies, list_units, list_villages
from store.trust.audit import ACCESS, AuditField, AuditRow, list_audit
from tui.i18n import t, tn
from tui.messages import OpenIssue, Place
from tui.names import ACTIONS, OPS, audit_field_name, name_in, table_name, yes_no
from tui.widgets.cells import fit

# A record id (a UUID as text): shown by its first characters when it has no name.
ID_LENGTH = 36

# The picker's first choice: every deputy (no filter).
ANY = "*"


@dataclass(frozen=True)
class AuditData:
    page: Page[AuditRow]
    # Names of the deputies, units, villages and categories a value may point at, by id.
    names: dict[str, str]
    deputies: list[Choice]


class AuditScreen(PagedTableScreen):
    """The trail; opened on one issue (from its page) or on everything (from the dashboard)."""

    CONTAINER_ID = "audit"
    PLACE = Place.audit
    HELP_TEXT = t("help.audit")
    TABLE_ID = "audit-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("audit.col.at"), 11, "at"),
        (t("audit.col.deputy"), 6, "deputy"),
        (t("audit.col.device"), 8, "device"),
        (t("audit.col.op"), 8, "op"),
        (t("audit.col.record"), 16, "record"),
        (t("audit.col.change"), 15, "change"),
    )
    FLEX_COLUMN = "change"
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-issue"),
        Binding(
            "p",
            "pick_deputy",
            t("key.audit_deputy"),
            tooltip=t("tip.audit_deputy"),
            id="audit-deputy",
        ),
        Binding("x", "show_all", t("key.audit_all"), tooltip=t("tip.audit_all"), id="audit-all"),
        # Not in the footer (80 columns): the status line says to press it.
        Binding(
            "c",
            "verify",
            t("key.audit_verify"),
            tooltip=t("tip.audit_verify"),
            show=False,
            id="audit-verify",
        ),
        *PagedTableScreen.PAGING_BINDINGS,
    ]
    DEFAULT_CSS = """
    #audit { height: 1fr; padding: 0 1; }
    #audit-status { height: auto; }
    #audit-table { height: 1fr; }
    #audit-detail { height: auto; max-height: 7; padding-top: 1; }
    """

    def __init__(self, issue_id: str | None = None, issue_title: str = "") -> None:
        super().__init__()
        self.issue_id = issue_id
        self.issue_title = issue_title
        self.deputy_id: str | None = None
        self.deputy_name = ""
        self.data: AuditData | None = None
        # The hash chain's verdict (store.changelog.chain), once asked for: it reads the whole log.
        self.chain: ChainVerdict | None = None
        self.verifying = False

    def compose_above(self) -> ComposeResult:
        yield Static("", id="audit-status")

    def compose_below(self) -> ComposeResult:
        yield Static("", id="audit-detail")

    def on_mount(self) -> None:
        self.title = t("audit.title")
        self.add_columns()
        self.table.loading = True
        self.reload()

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        job = partial(self._load, self.page_offset, self.issue_id, self.deputy_id)
        self.run_store(job, self._show, group="audit_loaders", exclusive=True)

    def action_verify(self) -> None:
        """Check the whole change log's hash chain, as `liaison check` does."""
        if self.verifying:
            return
        self.verifying = True
        self._show_status()
        self.run_store(self._verify, self._verified, group="chain_checkers")

    def _verify(self) -> ChainVerdict:
        with self.desk.store.read() as session:
            return verify_chain(session.connection())

    def _verified(self, verdict: ChainVerdict) -> None:
        self.verifying = False
        self.chain = verdict
        self._show_status()

    def _show_status(self) -> None:
        if self.data is not None:
            self.query_one("#audit-status", Static).update(self.status_text(self.data))

    def _load(self, offset: int, issue_id: str | None, deputy_id: str | None) -> AuditData:
        with self.desk.store.read() as session:
            page = list_audit(
                session=session,
                issue_id=issue_id,
                deputy_id=deputy_id,
                offset=offset,
                limit=PAGE_SIZE,
            )
            names: dict[str, str] = {}
            deputies = list_deputies(session=session)
            names.update({c.id: c.name for c in deputies})
            if page.items:
                for listing in (list_units, list_villages, list_categories):
                    names.update({c.id: c.name for c in listing(session=session)})
                # A deliberation session a change names (a visit raised there, a deputy
                # present) reads as its place.
                sessions = {
                    str(value)
                    for row in page.items
                    for f in row.fields
                    if f.name == "deliberation_id"
                    for value in (f.old, f.new)
                    if value
                }
                names.update(places_of(session=session, ids=sorted(sessions)))
                # Observation points by name (places); an observer stays an id (personal).
                names.update({p.id: p.name for p in point_choices(session=session)})
        return AuditData(page=page, names=names, deputies=deputies)

    def _show(self, data: AuditData) -> None:
        self.data = data
        tz = self.desk.store.clock.tz
        # An issue id in a change reads as the issue's title (shown on the row anyway).
        for row in data.page.items:
            if row.issue_id and row.issue_title:
                data.names.setdefault(row.issue_id, row.issue_title)
        rows = [(str(row.seq), self._cells(row, data.names, tz)) for row in data.page.items]
        self.show_rows(data.page, rows, self.current_id())
        self.query_one("#audit-status", Static).update(self.status_text(data))
        self._show_detail()
        self.refresh_bindings()

    def status_text(self, data: AuditData) -> Text:
        """What the trail shows (the filters) and which page. Resident-derived text (an issue's
        title) goes in as plain text."""
        text = Text(t("audit.filter"), style="bold")
        parts: list[Text] = []
        if self.issue_id is not None:
            title = mask_numbers(self.issue_title)
            parts.append(Text(t("audit.by_issue", title=title)))
        if self.deputy_id is not None:
            parts.append(Text(t("audit.by_deputy", name=self.deputy_name)))
        if not parts:
            parts.append(Text(t("audit.all")))
        text.append_text(Text(t("audit.and")).join(parts))
        page = data.page
        text.append("  " + t("audit.page", n=page.number), style="dim")
        text.append("\n")
        text.append_text(self.chain_text())
        if not page.items:
            text.append("\n" + t("audit.empty"), style="dim italic")
        return text

    def chain_text(self) -> Text:
        """Whether the log is as it was written: asked for with `c`."""
        if self.verifying:
            return Text(t("audit.chain_checking"), style="italic")
        if self.chain is None:
            return Text(t("audit.chain_unchecked"), style="dim")
        broken = self.chain.broken
        if broken is None:
            return Text(tn("audit.chain_ok", self.chain.entries), style="green")
        return Text(
            t(
                "audit.chain_broken",
                seq=broken.seq,
                table=table_name(broken.table_name),
                at=broken.at,
            ),
            style="bold red",
        )

    # -- cells --------------------------------------------------------------------------

    def _cells(self, row: AuditRow, names: dict[str, str], tz: tzinfo) -> list[Text]:
        return [
            Text(f"{to_local(row.at, tz):%m-%d %H:%M}", style="dim"),
            fit(row.deputy or t("audit.nobody"), self.width_of("deputy")),
            fit(row.device, self.width_of("device")),
            fit(op_text(row), self.width_of("op"), "bold" if row.op == ACCESS else ""),
            fit(record_text(row), self.width_of("record")),
            fit(change_text(row, names, tz), self.width_of("change")),
        ]

    def _current(self) -> AuditRow | None:
        key = self.current_id()
        if self.data is None or key is None:
            return None
        return next((r for r in self.data.page.items if str(r.seq) == key), None)

    def _show_detail(self) -> None:
        """The row under the cursor in full: its record and every field it wrote."""
        row = self._current()
        detail = self.query_one("#audit-detail", Static)
        if row is None or self.data is None:
            detail.update("")
            return
        tz = self.desk.store.clock.tz
        text = Text(f"{to_local(row.at, tz):%Y-%m-%d %H:%M:%S} ", style="dim")
        text.append(op_text(row), style="bold")
        text.append(" · ")
        text.append(mask_numbers(record_text(row)))
        if row.fields:
            text.append("\n")
            text.append(mask_numbers(change_text(row, self.data.names, tz)))
        detail.update(text)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            row = self._current()
            return True if row is not None and row.issue_id is not None else None
        if action == "show_all":
            return True if self.issue_id or self.deputy_id else None
        return True

    # -- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.issue_id is None:
            self.notify(t("audit.no_issue"), severity="warning")
            return
        self.post_message(OpenIssue(row.issue_id))

    def action_pick_deputy(self) -> None:
        if self.data is None:
            return
        items = [PickItem(ANY, t("audit.any_deputy"))] + [
            PickItem(c.id, Text(c.name)) for c in self.data.deputies
        ]
        self.app.push_screen(
            PickModal(t("audit.pick_deputy"), items, highlight=self.deputy_id or ANY),
            self._deputy_picked,
        )

    def _deputy_picked(self, deputy_id: str | None) -> None:
        if deputy_id is None or self.data is None:
            return  # cancelled
        names = {c.id: c.name for c in self.data.deputies}
        self.deputy_id = None if deputy_id == ANY else deputy_id
        self.deputy_name = names.get(deputy_id, "")
        self.page_offset = 0
        self.reload()

    def action_show_all(self) -> None:
        self.issue_id, self.deputy_id = None, None
        self.page_offset = 0
        self.reload()


# -- how a row reads (module functions: the English test and the screen share them) ---------


def op_text(row: AuditRow) -> str:
    """新增 · 修改 · 删除, or what was done for an access event (查看电话...)."""
    if row.op == ACCESS:
        return name_in(ACTIONS, str(row.action))
    return name_in(OPS, row.op)


def record_text(row: AuditRow) -> str:
    """The kind of record in words, and which: the issue's title, a reference record's name."""
    if row.op == ACCESS:
        if row.count is not None:
            return tn("audit.export_rows", row.count)
        table = table_name(row.target_table or "")
        hidden = t("audit.hidden")
        return f"{table} {hidden}" + (f" · {row.issue_title}" if row.issue_title else "")
    table = table_name(row.table_name)
    if row.table_name == "constituent":
        which: str = t("audit.hidden")
        if row.issue_title:
            which += f" · {row.issue_title}"
    else:
        which = row.subject or row.issue_title or ""
    return f"{table} {which}".strip()


def change_text(row: AuditRow, names: dict[str, str], tz: tzinfo) -> str:
    """The fields a change wrote, on one line."""
    return t("audit.field_sep").join(field_text(row.table_name, f, names, tz) for f in row.fields)


def field_name(field: str) -> str:
    """A field's name in the interface language (the sync screen's words first)."""
    return audit_field_name(field)


def field_text(table: str, field: AuditField, names: dict[str, str], tz: tzinfo) -> str:
    """`承办单位 青石村村委会→青石镇人民政府`; a personal field by its name alone."""
    name = field_name(field.name)
    if field.hidden:
        return name + t("audit.hidden")
    new = value_text(table, field.name, field.new, names, tz)
    if field.has_old:
        return f"{name} {value_text(table, field.name, field.old, names, tz)}→{new}"
    return f"{name} {new}"


def value_text(table: str, field: str, value: Any, names: dict[str, str], tz: tzinfo) -> str:
    """A value as a deputy reads it: a name for an id, a term for an enum value, a local time
    for an instant (the sync screen's words for the rest)."""
    if value is None:
        return t("sync.empty")
    if isinstance(value, bool):
        return yes_no(value)
    text = str(value)
    if isinstance(value, str) and len(text) > 19 and text[10:11] == "T":
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if instant.tzinfo is not None:
                return f"{to_local(instant, tz):%Y-%m-%d %H:%M}"
    if field.endswith("_id") and text not in names and len(text) == ID_LENGTH:
        return "#" + text[:8]  # an id with no name to show (an issue, a resident): its start
    return value_name(table, field, text, names)
