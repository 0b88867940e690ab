"""Reference data (基础资料): the station's units, villages, categories and deputies, edited.

`1`–`4` (or ←/→) choose the list; `a` adds, `r` renames (the old name is kept as a former name,
so ledgers written with it still find the record), `m` merges the record under the cursor into
another (units and villages: what points at it follows), `x` retires it or brings it back, `e`
changes a unit's tier or a deputy's level, group and phone. Every change is logged and synced
(store.reference.editing)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from screens.base.paged import PagedTableScreen
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.text_input import TextInputModal
from store.core.enums import DeputyLevel, Tier
from store.core.paging import Page
from store.reference.editing import (
    ReferenceRow,
    add_category,
    add_deputy,
    add_unit,
    add_village,
    list_records,
    merge,
    rename,
    set_active,
    set_deputy,
    set_unit_tier,
)
from tui.i18n import label, t
from tui.messages import Place
from tui.widgets.cells import fit

KINDS = ("unit", "village", "category", "deputy")
KIND_NAMES = {
    "unit": t("reference.kind.unit"),
    "village": t("reference.kind.village"),
    "category": t("reference.kind.category"),
    "deputy": t("reference.kind.deputy"),
}


class ReferenceScreen(Undoable, PagedTableScreen):
    """One list of reference records at a time, retired ones last."""

    CONTAINER_ID = "reference"
    PLACE = Place.reference
    HELP_TEXT = t("help.reference")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("a", "add", t("key.add"), tooltip=t("tip.reference_add"), id="add"),
        Binding("r", "rename", t("key.rename"), tooltip=t("tip.reference_rename"), id="rename"),
        Binding("m", "merge", t("key.merge"), tooltip=t("tip.reference_merge"), id="merge"),
        Binding("x", "retire", t("key.retire"), tooltip=t("tip.reference_retire"), id="retire"),
        Binding("e", "edit", t("key.edit"), tooltip=t("tip.reference_edit"), show=False, id="edit"),
        UNDO_BINDING,
        Binding("1", "kind('unit')", show=False),
        Binding("2", "kind('village')", show=False),
        Binding("3", "kind('category')", show=False),
        Binding("4", "kind('deputy')", show=False),
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
        # One page holds the whole list: PgDn has nothing to turn to, and ^z takes its room.
        *PagedTableScreen.QUIET_PAGING_BINDINGS,
    ]
    TABLE_ID = "reference-table"
    COLUMNS = (
        (t("reference.col_name"), 20, "name"),
        (t("reference.col_what"), 8, "what"),
        (t("reference.col_where"), 12, "where"),
        (t("reference.col_state"), 6, "state"),
        (t("reference.col_former"), 16, "former"),
    )
    FLEX_COLUMN = "former"

    def __init__(self) -> None:
        super().__init__()
        self.kind = "unit"
        self.rows: list[ReferenceRow] = []

    def compose_above(self) -> ComposeResult:
        yield Label("", id="reference-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("reference.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        kind = self.kind

        def load() -> list[ReferenceRow]:
            with self.desk.store.read() as session:
                return list_records(session=session, kind=kind)

        self.run_store(load, self._show, group="reference_loaders", exclusive=True)

    def _show(self, rows: list[ReferenceRow]) -> None:
        keep = self.current_id()
        self.rows = rows
        tabs = Text()
        for n, kind in enumerate(KINDS, start=1):
            # The list shown is marked by brackets as well as by reverse video (NO_COLOR).
            if kind == self.kind:
                tabs.append(f"[{n} {KIND_NAMES[kind]}]", style="reverse bold")
            else:
                tabs.append(f" {n} {KIND_NAMES[kind]} ", style="dim")
        tabs.append("  " + t("reference.count", count=len(rows)))
        self.query_one("#reference-title", Label).update(tabs)
        cells = [(row.id, self._cells(row)) for row in rows]
        self.show_rows(Page(tuple(rows), len(rows), 0, max(len(rows), 1)), cells, keep)

    def _cells(self, row: ReferenceRow) -> list[Text]:
        if row.tier is not None:
            what = label(row.tier)
        elif row.level:
            what = label(DeputyLevel(row.level))
        else:
            what = ""
        state = t("reference.active") if row.active else t("reference.state_retired")
        return [
            fit(row.name, self.width_of("name")),
            Text(what),
            fit(row.village or row.group, self.width_of("where")),
            Text(state, style="" if row.active else "dim"),
            fit(t("text.list").join(row.former), self.width_of("former")),
        ]

    def _current(self) -> ReferenceRow | None:
        row_id = self.current_id()
        return next((r for r in self.rows if r.id == row_id), None)

    # -- choosing the list -------------------------------------------------------------

    def action_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self.reload()

    def action_step(self, step: int) -> None:
        self.action_kind(KINDS[(KINDS.index(self.kind) + step) % len(KINDS)])

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- editing -----------------------------------------------------------------------

    def _write(self, job: Callable[..., Any], done: str, what: str) -> None:
        """Write, say `done`; `what` names the write for ctrl+z (screens.base.undo)."""

        def written(_result: Any) -> None:
            self.notify(done)
            self.reload()

        self.write_undoable(job, what, written, group="reference_writers")

    def action_add(self) -> None:
        kind = self.kind

        def named(name: str | None) -> None:
            if not name:
                return
            if kind == "unit":
                self._pick_tier(lambda tier: self._add_unit(name, tier))
            elif kind == "village":
                self._write(
                    partial(add_village, name=name),
                    t("reference.added", name=name),
                    t("undo.add", name=name),
                )
            elif kind == "category":
                self._write(
                    partial(add_category, name=name),
                    t("reference.added", name=name),
                    t("undo.add", name=name),
                )
            else:
                self._write(
                    partial(add_deputy, name=name),
                    t("reference.added", name=name),
                    t("undo.add", name=name),
                )

        self.app.push_screen(TextInputModal(t("reference.add_title", kind=KIND_NAMES[kind])), named)

    def _pick_tier(self, then: Callable[[Tier], None]) -> None:
        items = [PickItem(tier.value, label(tier)) for tier in Tier]

        def chosen(value: str | None) -> None:
            if value:
                then(Tier(value))

        self.app.push_screen(PickModal(t("reference.pick_tier"), items), chosen)

    def _add_unit(self, name: str, tier: Tier) -> None:
        if tier != Tier.village:
            self._write(
                partial(add_unit, name=name, tier=tier),
                t("reference.added", name=name),
                t("undo.add", name=name),
            )
            return

        def load() -> list[ReferenceRow]:
            with self.desk.store.read() as session:
                return list_records(session=session, kind="village", retired=False)

        def pick(villages: list[ReferenceRow]) -> None:
            items = [PickItem(v.id, v.name) for v in villages]

            def chosen(village_id: str | None) -> None:
                if village_id:
                    self._write(
                        partial(add_unit, name=name, tier=tier, village=village_id),
                        t("reference.added", name=name),
                        t("undo.add", name=name),
                    )

            self.app.push_screen(PickModal(t("reference.pick_village"), items), chosen)

        self.run_store(load, pick, group="reference_loaders")

    def action_rename(self) -> None:
        row, kind = self._current(), self.kind
        if row is None:
            return

        def named(name: str | None) -> None:
            if name and name != row.name:
                self._write(
                    partial(rename, kind=kind, record=row.id, name=name),
                    t("reference.renamed", old=row.name, name=name),
                    t("undo.rename", old=row.name, name=name),
                )

        self.app.push_screen(TextInputModal(t("reference.rename_title"), row.name), named)

    def action_merge(self) -> None:
        row, kind = self._current(), self.kind
        if row is None or kind not in ("unit", "village"):
            self.notify(t("reference.cannot_merge"), severity="warning")
            return
        others = [r for r in self.rows if r.id != row.id and r.active and r.tier == row.tier]
        items = [PickItem(r.id, r.name) for r in others]

        def chosen(target: str | None) -> None:
            into = next((r for r in others if r.id == target), None)
            if into is None:
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._write(
                        partial(merge, kind=kind, source=row.id, target=into.id),
                        t("reference.merged_short", name=row.name, into=into.name),
                        t("undo.merge", name=row.name, into=into.name),
                    )

            self.app.push_screen(
                ConfirmModal(t("reference.merge_confirm", name=row.name, into=into.name)),
                confirmed,
            )

        self.app.push_screen(PickModal(t("reference.merge_title", name=row.name), items), chosen)

    def action_retire(self) -> None:
        row, kind = self._current(), self.kind
        if row is None:
            return
        if not row.active:
            self._write(
                partial(set_active, kind=kind, record=row.id, active=True),
                t("reference.restored", name=row.name),
                t("undo.restore", name=row.name),
            )
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._write(
                    partial(set_active, kind=kind, record=row.id, active=False),
                    t("reference.retired_one", name=row.name),
                    t("undo.retire", name=row.name),
                )

        self.app.push_screen(ConfirmModal(t("reference.retire_confirm", name=row.name)), confirmed)

    def action_edit(self) -> None:
        row, kind = self._current(), self.kind
        if row is None:
            return
        if kind == "unit":
            self._pick_tier(
                lambda tier: self._write(
                    partial(set_unit_tier, record=row.id, tier=tier),
                    t("reference.saved", what=row.name),
                    t("undo.edit", name=row.name),
                )
            )
        elif kind == "deputy":
            items = [PickItem(level.value, label(level)) for level in DeputyLevel]

            def chosen(level: str | None) -> None:
                if level:
                    self._write(
                        partial(set_deputy, record=row.id, level=DeputyLevel(level)),
                        t("reference.saved", what=row.name),
                        t("undo.edit", name=row.name),
                    )

            self.app.push_screen(PickModal(t("reference.pick_level"), items), chosen)
