"""Observers and observation points (民情观察员, 民情观察点): the station's lists, edited.

`u` on the dashboard (or the palette) opens the observers; `2` (or →) the points, `1` (or ←) the
observers again. `a` adds, `e` or Enter edits, `x` retires one (or brings a retired one back);
ctrl+z undoes. Observers' phones are masked; `v` shows the phone of the one under the cursor,
and the reveal is logged in the access log first (store.observers.observers). Names are shown as
residents' are, as plain text. Every change is logged and synced."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from screens.base.paged import PagedTableScreen
from screens.base.reveal import REVEAL_BINDING
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.observer_forms import ObserverModal, PointModal
from store.core.paging import Page
from store.observers.observers import (
    ObserverForm,
    ObserverRow,
    add_observer,
    list_observers,
    restore_observer,
    retire_observer,
    reveal_observer_phones,
    update_observer,
)
from store.observers.points import (
    PointForm,
    PointRow,
    add_point,
    list_points,
    point_choices,
    set_point_active,
    update_point,
)
from store.reference.lists import Choice, list_deputies, list_villages
from tui.i18n import label, t, tn
from tui.messages import Place
from tui.widgets.cells import fit

TABS = (t("observers.tab_observers"), t("observers.tab_points"))


def tab_line(chosen: int, count: str) -> Text:
    """`[1 民情观察员]  2 民情观察点  共 4 名`: the list shown in brackets and reverse video, so it
    reads without colour (NO_COLOR)."""
    tabs = Text()
    for n, name in enumerate(TABS, start=1):
        if n == chosen:
            tabs.append(f"[{n} {name}]", style="reverse bold")
        else:
            tabs.append(f" {n} {name} ", style="dim")
    tabs.append("  " + count)
    return tabs


class _Lists(Undoable, PagedTableScreen):
    """What the two lists share: the tab line, paging, switching, writing with undo."""

    TAB: ClassVar[int]
    ROW_ACTION = "edit"
    LIST_BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("a", "add", t("key.add"), tooltip=t("tip.observers_add"), id="add"),
        Binding("e", "edit", t("key.edit"), tooltip=t("tip.observers_edit"), id="edit"),
        Binding("x", "retire", t("key.retire"), tooltip=t("tip.observers_retire"), id="retire"),
        UNDO_BINDING,
        Binding("1", "tab(1)", show=False),
        Binding("2", "tab(2)", show=False),
        Binding("left", "tab(1)", show=False),
        Binding("right", "tab(2)", show=False),
        *PagedTableScreen.QUIET_PAGING_BINDINGS,
    ]

    def compose_above(self) -> ComposeResult:
        yield Label("", id="observers-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("observers.title")
        self.add_columns()
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: int) -> None:
        if tab != self.TAB:
            self.app.switch_screen(ObserversScreen() if tab == 1 else PointsScreen())

    def show_count(self, text: str) -> None:
        self.query_one("#observers-title", Label).update(tab_line(self.TAB, text))

    def write(self, job: Callable[..., Any], done: str, what: str) -> None:
        """Write, say `done`; `what` names the write for ctrl+z (screens.base.undo)."""

        def written(_result: Any) -> None:
            self.notify(done)
            self.reload()

        self.write_undoable(job, what, written, group="observer_writers")


class ObserversScreen(_Lists):
    """The station's observers, serving ones first; phones masked unless revealed."""

    CONTAINER_ID = "observers"
    PLACE = Place.observers
    HELP_TEXT = t("help.observers")
    TAB = 1
    BINDINGS = [*_Lists.LIST_BINDINGS, REVEAL_BINDING]
    TABLE_ID = "observers-table"
    COLUMNS = (
        (t("observers.col_name"), 8, "name"),
        (t("observers.col_phone"), 11, "phone"),
        (t("observers.col_group"), 10, "group"),
        (t("observers.col_deputy"), 8, "deputy"),
        (t("observers.col_point"), 14, "point"),
        (t("observers.col_state"), 6, "state"),
    )
    FLEX_COLUMN = "point"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ObserverRow] = []
        # Phones the deputy revealed here (each reveal logged): shown in clear while it is open.
        self.revealed: dict[str, str] = {}

    def reload(self) -> None:
        offset = self.page_offset

        def load() -> Page[ObserverRow]:
            with self.desk.store.read() as session:
                return list_observers(session=session, offset=offset)

        self.run_store(load, self._show, group="observer_loaders", exclusive=True)

    def _show(self, page: Page[ObserverRow]) -> None:
        self.rows = list(page.items)
        cells = [(row.id, self._cells(row)) for row in page.items]
        self.show_rows(page, cells, self.current_id())
        count: str = tn("observers.count", page.total, page=page.number, pages=page.count)
        self.show_count(count)

    def _cells(self, row: ObserverRow) -> list[Text]:
        if row.purged:
            state = t("observers.state_purged")
        else:
            state = t("observers.state_serving") if row.active else t("observers.state_retired")
        phone = self.revealed.get(row.id, row.phone_masked) or "—"
        return [
            fit(row.name or "—", self.width_of("name")),
            Text(phone, style="bold" if row.id in self.revealed else ""),
            fit(label(row.group), self.width_of("group")),
            fit(row.deputy or "—", self.width_of("deputy")),
            fit(row.point or "—", self.width_of("point")),
            Text(state, style="" if row.active else "dim"),
        ]

    def _current(self) -> ObserverRow | None:
        row_id = self.current_id()
        return next((r for r in self.rows if r.id == row_id), None)

    # -- the form ------------------------------------------------------------------------

    def _with_choices(self, row: ObserverRow | None) -> None:
        today = self.today

        def load() -> tuple[list[Choice], list[PointRow]]:
            with self.desk.store.read() as session:
                return list_deputies(session=session), point_choices(session=session)

        def show(choices: tuple[list[Choice], list[PointRow]]) -> None:
            deputies, points = choices
            modal = ObserverModal(deputies=deputies, points=points, row=row, today=today)
            self.app.push_screen(modal, partial(self._entered, row))

        self.run_store(load, show, group="observer_loaders")

    def _entered(self, row: ObserverRow | None, form: object) -> None:
        if not isinstance(form, ObserverForm):
            return
        if row is None:
            self.write(
                partial(add_observer, form=form),
                t("observers.added", name=form.name),
                t("undo.add", name=form.name),
            )
        else:
            self.write(
                partial(update_observer, observer_id=row.id, form=form),
                t("observers.saved", name=form.name),
                t("undo.edit", name=form.name),
            )

    def action_add(self) -> None:
        self._with_choices(None)

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.purged:
            self.notify(t("error.observer_purged"), severity="warning")
            return
        self._with_choices(row)

    def action_retire(self) -> None:
        row = self._current()
        if row is None or row.purged:
            return
        if not row.active:
            self.write(
                partial(restore_observer, observer_id=row.id),
                t("observers.restored", name=row.name),
                t("undo.restore", name=row.name),
            )
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(
                    partial(retire_observer, observer_id=row.id),
                    t("observers.retired", name=row.name),
                    t("undo.retire", name=row.name),
                )

        self.app.push_screen(ConfirmModal(t("observers.retire_confirm", name=row.name)), confirmed)

    def action_reveal(self) -> None:
        """The phone of the observer under the cursor, in clear: the reveal is logged first."""
        row = self._current()
        if row is None or not row.has_phone or row.id in self.revealed:
            return
        desk = self.desk

        def write() -> dict[str, str]:
            with desk.store.write(desk.actor) as session:
                return reveal_observer_phones(session=session, observer_ids=[row.id])

        def shown(phones: dict[str, str]) -> None:
            self.revealed.update(phones)
            self.reload()

        self.run_store(write, shown, group="reveal_writers")


class PointsScreen(_Lists):
    """The station's observation points, active ones first."""

    CONTAINER_ID = "points"
    HELP_TEXT = t("help.points")
    TAB = 2
    BINDINGS = [*_Lists.LIST_BINDINGS]
    TABLE_ID = "points-table"
    COLUMNS = (
        (t("points.col_name"), 16, "name"),
        (t("points.col_kind"), 10, "kind"),
        (t("points.col_village"), 8, "village"),
        (t("points.col_place"), 16, "place"),
        (t("observers.col_state"), 6, "state"),
    )
    FLEX_COLUMN = "place"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PointRow] = []

    def reload(self) -> None:
        offset = self.page_offset

        def load() -> Page[PointRow]:
            with self.desk.store.read() as session:
                return list_points(session=session, offset=offset)

        self.run_store(load, self._show, group="point_loaders", exclusive=True)

    def _show(self, page: Page[PointRow]) -> None:
        self.rows = list(page.items)
        cells = [
            (
                row.id,
                [
                    fit(row.name, self.width_of("name")),
                    fit(label(row.kind), self.width_of("kind")),
                    fit(row.village or "—", self.width_of("village")),
                    fit(row.place or "—", self.width_of("place")),
                    Text(
                        t("points.state_active") if row.active else t("points.state_retired"),
                        style="" if row.active else "dim",
                    ),
                ],
            )
            for row in page.items
        ]
        self.show_rows(page, cells, self.current_id())
        count: str = tn("points.count", page.total, page=page.number, pages=page.count)
        self.show_count(count)

    def _current(self) -> PointRow | None:
        row_id = self.current_id()
        return next((r for r in self.rows if r.id == row_id), None)

    def _with_villages(self, row: PointRow | None) -> None:
        def load() -> list[Choice]:
            with self.desk.store.read() as session:
                return list_villages(session=session)

        def show(villages: list[Choice]) -> None:
            self.app.push_screen(
                PointModal(villages=villages, row=row), partial(self._entered, row)
            )

        self.run_store(load, show, group="point_loaders")

    def _entered(self, row: PointRow | None, form: object) -> None:
        if not isinstance(form, PointForm):
            return
        if row is None:
            self.write(
                partial(add_point, form=form),
                t("observers.added", name=form.name),
                t("undo.add", name=form.name),
            )
        else:
            self.write(
                partial(update_point, point_id=row.id, form=form),
                t("observers.saved", name=form.name),
                t("undo.edit", name=form.name),
            )

    def action_add(self) -> None:
        self._with_villages(None)

    def action_edit(self) -> None:
        row = self._current()
        if row is not None:
            self._with_villages(row)

    def action_retire(self) -> None:
        row = self._current()
        if row is None:
            return
        if not row.active:
            self.write(
                partial(set_point_active, point_id=row.id, active=True),
                t("observers.restored", name=row.name),
                t("undo.restore", name=row.name),
            )
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(
                    partial(set_point_active, point_id=row.id, active=False),
                    t("points.retired", name=row.name),
                    t("undo.retire", name=row.name),
                )

        self.app.push_screen(ConfirmModal(t("points.retire_confirm", name=row.name)), confirmed)
