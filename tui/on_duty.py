"""Who is on duty: the rostered deputy, or the one chosen; a PIN first where one is set. Every
write is attributed to the deputy on duty, so someone must be on duty before any write."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import work

from screens.pick import PickItem, PickModal
from tui.i18n import t
from tui.lazy_screens import is_screen

if TYPE_CHECKING:
    from store.desk.reference import Choice
    from tui.app import LiaisonApp

    _Base = LiaisonApp
else:
    _Base = object


class OnDuty(_Base):
    """The App's part that puts a deputy on duty (mixed into LiaisonApp)."""

    @work(thread=True, exit_on_error=False, group="duty_loaders")
    def _find_deputy(self, ask: bool = False) -> None:
        from store.desk.reference import list_deputies
        from store.duty.dashboard import deputies_on_duty

        if self.station.hub:
            return  # the county's view of its stations: nobody is on duty there
        with self.store.read() as session:
            rostered = deputies_on_duty(session=session, day=self._today())
            everyone = list_deputies(session=session)
        if len(rostered) == 1 and not ask:
            self.call_from_thread(self._set_deputy, rostered[0].id)
        else:
            self.call_from_thread(self._ask_deputy, rostered, everyone)

    def _today(self) -> date:
        from store.core.clock import today

        return today(self.store.clock)

    def _ask_deputy(self, rostered: list[Choice], everyone: list[Choice]) -> None:
        items = [PickItem(None, t("deputy.rostered"))] if rostered else []
        items += [PickItem(d.id, "  " + d.name) for d in rostered]
        others = [d for d in everyone if d not in rostered]
        if others:
            items.append(PickItem(None, t("deputy.others")))
            items += [PickItem(d.id, "  " + d.name) for d in others]

        def chosen(deputy_id: str | None) -> None:
            if deputy_id:
                self._set_deputy(deputy_id)

        # At start someone must be on duty: every write is attributed to them.
        required = self.deputy_id is None
        self.push_screen(PickModal(t("deputy.title"), items, required=required), chosen)

    @work(thread=True, exit_on_error=False, group="duty_writers")
    def _set_deputy(self, deputy_id: str, pin: str | None = None) -> None:
        """Put a deputy on duty, asking for their PIN first if they have one."""
        from store.core.clock import to_local
        from store.desk.reference import list_deputies
        from store.duty.dashboard import start_duty
        from store.duty.pins import has_pin, verify_pin

        actor = self.station.actor(deputy_id)
        refused = ""
        # One transaction either way: a wrong PIN's count must be kept (store.duty.pins).
        with self.store.write(actor) as session:
            name = next(d.name for d in list_deputies(session=session) if d.id == deputy_id)
            if has_pin(session=session, deputy_id=deputy_id):
                if pin is None:
                    self.call_from_thread(self._ask_pin, deputy_id, name, "")
                    return
                check = verify_pin(session=session, deputy_id=deputy_id, pin=pin)
                if check.locked_until is not None:
                    local = to_local(check.locked_until, self.store.clock.tz)
                    refused = t("error.pin_locked", until=local.strftime("%H:%M"))
                elif not check.ok:
                    refused = t("error.pin_wrong", left=check.left)
            shift_id = None if refused else start_duty(session=session, deputy_id=deputy_id)
        if refused:
            self.call_from_thread(self._ask_pin, deputy_id, name, refused)
            return
        self.call_from_thread(self._deputy_set, deputy_id, name, shift_id)

    def _ask_pin(self, deputy_id: str, name: str, message: str) -> None:
        from screens.dialogs import PinModal

        def entered(pin: str | None) -> None:
            if pin is not None:
                self._set_deputy(deputy_id, pin)
            elif self.deputy_id is None:
                self._find_deputy(ask=True)  # someone must be on duty before any write

        self.push_screen(PinModal(t("pin.title", name=name), message), entered)

    def _deputy_set(self, deputy_id: str, name: str, shift_id: str | None) -> None:
        first = self.deputy_id is None
        self.deputy_id, self.deputy_name, self.shift_id = deputy_id, name, shift_id
        self.sub_title = t("app.sub_title", station=self.station.name, name=name)
        if not first:
            self.notify(t("deputy.switched", name=name))
        if is_screen(self.screen, "screens.dashboard", "DashboardScreen"):
            self.screen.reload()  # type: ignore[attr-defined]

    def action_switch_deputy(self) -> None:
        if self._store is not None:
            self._find_deputy(ask=True)
