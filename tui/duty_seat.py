"""Who is on duty: the rostered deputy, or the one chosen; a PIN first where one is set. Every
write is attributed to the deputy on duty, so someone must be on duty before any write."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from screens.dialogs.pick import PickItem, PickModal
from tui.i18n import t
from tui.messages import DeputyChanged

if TYPE_CHECKING:
    from textual.app import App

    from store.reference.lists import Choice
    from tui.desk import Desk


# The worker group of the seat's store reads: keys typed after `w` wait for it (tui.typeahead).
SEAT_WORK = "duty_loaders"
# How often the idle lock looks at the time since the last key.
IDLE_CHECK_SECONDS = 20.0


class DutySeat:
    """Puts a deputy on duty on the App's desk: the App holds one, made when the desk opens."""

    def __init__(self, app: App[Any], desk: Desk) -> None:
        self.app = app
        self.desk = desk
        # The idle lock: the last key or click, and after how long the desk locks (None: never,
        # as for a deputy without a PIN where PINs are not required).
        self.last_active: datetime = desk.store.clock.now()
        self.lock_after: timedelta | None = None
        self.locked = False

    def find_deputy(self, ask: bool = False) -> None:
        """The rostered deputy if there is exactly one (unless `ask`), else ask who it is."""
        if self.desk.station.hub:
            return  # the county's view of its stations: nobody is on duty there
        self.app.run_worker(
            partial(self._find_deputy, ask),
            thread=True,
            exit_on_error=False,
            group=SEAT_WORK,
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
        from store.core.settings import load_settings
        from store.duty.dashboard import start_duty
        from store.duty.pins import has_pin, verify_pin
        from store.reference.lists import list_deputies

        store = self.desk.store
        actor = self.desk.station.actor(deputy_id)
        refused = ""
        # One transaction either way: a wrong PIN's count must be kept (store.duty.pins).
        with store.write(actor) as session:
            name = next(d.name for d in list_deputies(session=session) if d.id == deputy_id)
            settings = load_settings(session=session)
            pinned = has_pin(session=session, deputy_id=deputy_id)
            if not pinned and settings.pin_required:
                # The station requires a PIN of every deputy on duty: this one sets theirs first.
                self.app.call_from_thread(self._ask_first_pin, deputy_id, name)
                return
            minutes = settings.lock_idle_minutes
            lock_after = timedelta(minutes=minutes) if pinned and minutes else None
            if pinned:
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
        self.app.call_from_thread(self._deputy_set, deputy_id, name, shift_id, lock_after)

    def _ask_first_pin(self, deputy_id: str, name: str) -> None:
        from screens.dialogs.pin import ask_new_pin
        from store.duty.pins import set_pin

        def write(pin: str) -> None:
            with self.desk.store.write(self.desk.station.actor(deputy_id)) as session:
                set_pin(session=session, deputy_id=deputy_id, pin=pin)
            self.app.call_from_thread(self.set_deputy, deputy_id, pin)

        def chosen(pin: str) -> None:
            self.app.run_worker(
                partial(write, pin), thread=True, exit_on_error=False, group="duty_writers"
            )

        def gave_up() -> None:
            if self.desk.deputy_id is None:
                self.find_deputy(ask=True)  # someone must be on duty before any write

        ask_new_pin(self.app, chosen, t("pin.first", name=name), gave_up=gave_up)

    # -- the idle lock ---------------------------------------------------------------------

    def start(self) -> None:
        """Put the rostered deputy on duty (or ask), and look for idleness from now on."""
        self.find_deputy()
        self.app.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle, name="idle-lock")

    def touch(self) -> None:
        """A key or a click: the desk is in use."""
        self.last_active = self.desk.store.clock.now()

    def lock_if_idle(self) -> None:
        """Lock the desk when it has been left idle longer than the station allows."""
        if self.locked or self.lock_after is None or self.desk.deputy_id is None:
            return
        if self.desk.store.clock.now() - self.last_active >= self.lock_after:
            self.locked = True
            self._ask_unlock("")

    def _ask_unlock(self, message: str) -> None:
        from screens.dialogs.pin import PinModal

        deputy_id, name = self.desk.deputy_id, self.desk.deputy_name
        assert deputy_id is not None

        def entered(pin: str | None) -> None:
            if pin is None:  # another deputy takes the seat (with their own PIN, if any)
                self.locked = False
                self.find_deputy(ask=True)
                return
            self.app.run_worker(
                partial(self._unlock, deputy_id, pin),
                thread=True,
                exit_on_error=False,
                group="duty_writers",
            )

        self.app.push_screen(PinModal(t("lock.title", name=name or ""), message), entered)

    def _unlock(self, deputy_id: str, pin: str) -> None:
        from store.core.clock import to_local
        from store.duty.pins import verify_pin

        store = self.desk.store
        with store.write(self.desk.station.actor(deputy_id)) as session:
            check = verify_pin(session=session, deputy_id=deputy_id, pin=pin)
        if check.ok:
            self.app.call_from_thread(self._unlocked)
            return
        if check.locked_until is not None:
            local = to_local(check.locked_until, store.clock.tz)
            message = t("error.pin_locked", until=local.strftime("%H:%M"))
        else:
            message = t("error.pin_wrong", left=check.left)
        self.app.call_from_thread(self._ask_unlock, message)

    def _unlocked(self) -> None:
        self.locked = False
        self.touch()

    def _ask_pin(self, deputy_id: str, name: str, message: str) -> None:
        from screens.dialogs.pin import PinModal

        def entered(pin: str | None) -> None:
            if pin is not None:
                self.set_deputy(deputy_id, pin)
            elif self.desk.deputy_id is None:
                self.find_deputy(ask=True)  # someone must be on duty before any write

        self.app.push_screen(PinModal(t("pin.title", name=name), message), entered)

    def _deputy_set(
        self,
        deputy_id: str,
        name: str,
        shift_id: str | None,
        lock_after: timedelta | None = None,
    ) -> None:
        self.lock_after, self.locked = lock_after, False
        self.touch()
        first = self.desk.deputy_id is None
        desk = self.desk
        desk.deputy_id, desk.deputy_name, desk.shift_id = deputy_id, name, shift_id
        self.app.sub_title = t("app.sub_title", station=desk.station.name, name=name)
        if not first:
            self.app.notify(t("deputy.switched", name=name))
        self.app.screen.post_message(DeputyChanged())
