"""Who is on duty: the rostered deputy, or the one chosen; a PIN first where one is set. Every
write is attributed to the deputy on duty, so someone must be on duty before any write."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from screens.dialogs.pick import PickItem, PickModal
from tui.i18n import t
from tui.messages import DeputyChanged

if TYPE_CHECKING:
    from textual.app import App

    from store.reference.lists import Choice
    from tui.desk import Desk


class DutySeat:
    """Puts a deputy on duty on the App's desk: the App holds one, made when the desk opens."""

    def __init__(self, app: App[Any], desk: Desk) -> None:
        self.app = app
        self.desk = desk

    def find_deputy(self, ask: bool = False) -> None:
        """The rostered deputy if there is exactly one (unless `ask`), else ask who it is."""
        if self.desk.station.hub:
            return  # the county's view of its stations: nobody is on duty there
        self.app.run_worker(
            partial(self._find_deputy, ask),
            thread=True,
            exit_on_error=False,
            group="duty_loaders",
        )

    def _find_deputy(self, ask: bool) -> None:
        from store.duty.dashboard import deputies_on_duty
        from store.reference.lists import list_deputies

        with self.desk.store.read() as session:
            rostered = deputies_on_duty(session=session, day=self._today())
            everyone = list_deputies(session=session)
        if len(rostered) == 1 and not ask:
            self.app.call_from_thread(self.set_deputy, rostered[0].id)
        else:
            self.app.call_from_thread(self._ask_deputy, rostered, everyone)

    def _today(self) -> date:
        from store.core.clock import today

        return today(self.desk.store.clock)

    def _ask_deputy(self, rostered: list[Choice], everyone: list[Choice]) -> None:
        items = [PickItem(None, t("deputy.rostered"))] if rostered else []
        items += [PickItem(d.id, "  " + d.name) for d in rostered]
        others = [d for d in everyone if d not in rostered]
        if others:
            items.append(PickItem(None, t("deputy.others")))
            items += [PickItem(d.id, "  " + d.name) for d in others]

        def chosen(deputy_id: str | None) -> None:
            if deputy_id:
                self.set_deputy(deputy_id)

        # At start someone must be on duty: every write is attributed to them.
        required = self.desk.deputy_id is None
        self.app.push_screen(PickModal(t("deputy.title"), items, required=required), chosen)

    def set_deputy(self, deputy_id: str, pin: str | None = None) -> None:
        """Put a deputy on duty, asking for their PIN first if they have one."""
        self.app.run_worker(
            partial(self._set_deputy, deputy_id, pin),
            thread=True,
            exit_on_error=False,
            group="duty_writers",
        )

    def _set_deputy(self, deputy_id: str, pin: str | None) -> None:
        from store.core.clock import to_local
        from store.duty.dashboard import start_duty
        from store.duty.pins import has_pin, verify_pin
        from store.reference.lists import list_deputies

        store = self.desk.store
        actor = self.desk.station.actor(deputy_id)
        refused = ""
        # One transaction either way: a wrong PIN's count must be kept (store.duty.pins).
        with store.write(actor) as session:
            name = next(d.name for d in list_deputies(session=session) if d.id == deputy_id)
            if has_pin(session=session, deputy_id=deputy_id):
                if pin is None:
                    self.app.call_from_thread(self._ask_pin, deputy_id, name, "")
                    return
                check = verify_pin(session=session, deputy_id=deputy_id, pin=pin)
                if check.locked_until is not None:
                    local = to_local(check.locked_until, store.clock.tz)
                    refused = t("error.pin_locked", until=local.strftime("%H:%M"))
                elif not check.ok:
                    refused = t("error.pin_wrong", left=check.left)
            shift_id = None if refused else start_duty(session=session, deputy_id=deputy_id)
        if refused:
            self.app.call_from_thread(self._ask_pin, deputy_id, name, refused)
            return
        self.app.call_from_thread(self._deputy_set, deputy_id, name, shift_id)

    def _ask_pin(self, deputy_id: str, name: str, message: str) -> None:
        from screens.dialogs.pin import PinModal

        def entered(pin: str | None) -> None:
            if pin is not None:
                self.set_deputy(deputy_id, pin)
            elif self.desk.deputy_id is None:
                self.find_deputy(ask=True)  # someone must be on duty before any write

        self.app.push_screen(PinModal(t("pin.title", name=name), message), entered)

    def _deputy_set(self, deputy_id: str, name: str, shift_id: str | None) -> None:
        first = self.desk.deputy_id is None
        desk = self.desk
        desk.deputy_id, desk.deputy_name, desk.shift_id = deputy_id, name, shift_id
        self.app.sub_title = t("app.sub_title", station=desk.station.name, name=name)
        if not first:
            self.app.notify(t("deputy.switched", name=name))
        self.app.screen.post_message(DeputyChanged())
