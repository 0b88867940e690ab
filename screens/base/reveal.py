"""Showing phones in clear: every screen that reveals them records it first (store.trust.reveals),
so the audit trail knows who saw whose phone."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.binding import Binding

from screens.base.desk_screen import DeskScreen
from store.trust.reveals import log_reveal
from tui.i18n import t

# `v` on a screen that shows residents' numbers: one binding, the same key, label and id wherever
# numbers can be revealed (help and remapping find it under one id).
REVEAL_BINDING = Binding(
    "v", "reveal", t("key.reveal"), tooltip=t("tip.reveal_phone"), show=False, id="reveal-phone"
)


def log_reveals(
    screen: DeskScreen,
    resident_ids: Iterable[str],
    then: Callable[[], None] | None = None,
) -> None:
    """Record that the deputy on duty sees these residents' phones, in a worker; `then` runs
    once it is recorded (the screen shows the phones only then). A failure is reported as any
    store error and nothing is revealed."""
    ids = list(dict.fromkeys(resident_ids))
    if not ids:
        if then is not None:
            then()
        return
    desk = screen.desk

    def write() -> int:
        with desk.store.write(desk.actor) as session:
            return log_reveal(session=session, table_name="constituent", row_ids=ids)

    def done(_count: Any) -> None:
        if then is not None:
            then()

    screen.run_store(write, done, group="reveal_writers")
