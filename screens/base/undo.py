"""`ctrl+z` on the screens whose keys delete or change records: the screen keeps what each of its
writes changed, newest last, and undoes the newest with a compensating write
(store.changelog.undo), logged and synced like any other. What the screen keeps goes with it:
closed, it undoes nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from textual.binding import ActiveBinding, Binding

from screens.base.desk_screen import DeskScreen
from store.changelog.undo import Undo, UndoResult, record_changes, revert_changes
from tui.i18n import t, tn

R = TypeVar("R")

UNDO_BINDING = Binding("ctrl+z", "undo", t("key.undo"), tooltip=t("tip.undo"), id="undo")


@dataclass(frozen=True)
class Done:
    """One write the screen can undo, and what it did in the deputy's words."""

    what: str
    undo: Undo


class Undoable(DeskScreen):
    """The base of a screen whose writes `ctrl+z` undoes (before its other DeskScreen bases).
    Its writes go through `write_undoable`; it lists UNDO_BINDING among its bindings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._done: list[Done] = []

    def reload(self) -> None:
        raise NotImplementedError

    def after_undo(self) -> None:
        """Show the records as the undo left them (a screen may keep its cursor)."""
        self.reload()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # ^z takes footer room (80 columns) only when it has something to undo; help lists it
        # always, and with nothing to undo it still answers, with a toast.
        bindings = super().active_bindings
        if self._done:
            return bindings
        return {
            key: active._replace(binding=replace(active.binding, show=False))
            if active.binding.id == UNDO_BINDING.id
            else active
            for key, active in bindings.items()
        }

    def write_undoable(
        self,
        job: Callable[..., R],
        what: str,
        on_done: Callable[[R], None],
        *,
        group: str,
    ) -> None:
        """Run `job(session=…)` in one write transaction, in a worker; remember what it changed
        as `what` (a phrase: "已撤销：{what}"), then `on_done(result)` on the UI thread."""
        desk = self.desk

        def write() -> tuple[R, Undo]:
            with desk.store.write(desk.actor) as session, record_changes(session) as changes:
                result = job(session=session)
            return result, changes.undo()

        def written(outcome: tuple[R, Undo]) -> None:
            result, undo = outcome
            if undo:
                self._done.append(Done(what, undo))
                self.refresh_bindings()
            on_done(result)

        self.run_store(write, written, group=group)

    def action_undo(self) -> None:
        if not self._done:
            self.notify(t("undo.nothing"), severity="warning")
            return
        # Off the list while it is undone; a failure puts it back.
        done = self._done.pop()
        self.refresh_bindings()
        desk = self.desk

        def write() -> UndoResult:
            with desk.store.write(desk.actor) as session:
                return revert_changes(session=session, undo=done.undo)

        def undone(result: UndoResult) -> None:
            if not result.kept:
                self.notify(t("undo.done", what=done.what))
            elif result.restored:
                self.notify(tn("undo.partly", result.kept, what=done.what), severity="warning")
            else:
                self.notify(t("undo.stale", what=done.what), severity="warning")
            self.after_undo()

        def failed(_exc: BaseException) -> bool:
            self._done.append(done)  # still to undo; the error is reported as any other
            self.refresh_bindings()
            return False

        self.run_store(write, undone, group="undo_writers", on_error=failed)
