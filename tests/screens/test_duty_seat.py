"""The duty seat (issue 17, part 8). Seen: every deputy without a PIN could be put on duty by
anyone, and the desk never locked when left. Now a station may require a PIN of every deputy on
duty, and where PINs are set the desk locks after N idle minutes (a setting) and asks the
on-duty deputy's PIN; Esc lets another deputy take the seat."""

from __future__ import annotations

from datetime import timedelta

from desk_helpers import content, press, settle
from textual.widgets import Input

from screens.dashboard import DashboardScreen
from screens.dialogs.pick import PickModal
from screens.dialogs.pin import PinModal
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.settings import update_setting
from store.db import Store
from store.duty.pins import has_pin, set_pin
from tui.app import LiaisonApp
from tui.i18n import t


async def _type_pin(pilot: object, desk: LiaisonApp, pin: str) -> None:
    assert isinstance(desk.screen, PinModal)
    desk.screen.query_one("#pin-input", Input).value = pin
    await press(pilot, "enter")  # type: ignore[arg-type]


async def test_a_station_that_requires_pins_has_a_deputy_without_one_set_it_first(
    desk: LiaisonApp, store: Store, actor: Actor, rostered: str
) -> None:
    with store.write(actor) as session:
        update_setting(session=session, key="pin.required", value="1")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(desk.screen, PinModal) and desk.desk.deputy_id is None
        assert "PIN" in content(desk.screen.query_one(".dialog-title"))
        await _type_pin(pilot, desk, "4829")
        await _type_pin(pilot, desk, "4829")
        await settle(pilot)
        assert desk.desk.deputy_id == rostered
        assert isinstance(desk.screen, DashboardScreen)
    with store.read() as session:
        assert has_pin(session=session, deputy_id=rostered)


async def test_giving_up_the_first_pin_leaves_nobody_on_duty_and_asks_who(
    desk: LiaisonApp, store: Store, actor: Actor, rostered: str
) -> None:
    with store.write(actor) as session:
        update_setting(session=session, key="pin.required", value="1")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(desk.screen, PinModal)
        await press(pilot, "escape")
        await settle(pilot)
        assert desk.desk.deputy_id is None
        assert isinstance(desk.screen, PickModal)


async def test_the_desk_locks_when_left_and_asks_the_deputys_pin(
    desk: LiaisonApp, store: Store, actor: Actor, rostered: str, clock: FrozenClock
) -> None:
    with store.write(actor) as session:
        set_pin(session=session, deputy_id=rostered, pin="4829")
        update_setting(session=session, key="lock.idle_minutes", value="10")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _type_pin(pilot, desk, "4829")
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)
        # Nine minutes idle, then a key: not locked, and the count starts again.
        clock.advance(timedelta(minutes=9))
        desk.lock_if_idle()
        await press(pilot, "right")
        clock.advance(timedelta(minutes=9))
        desk.lock_if_idle()
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)
        # Ten minutes without a key: locked, the on-duty deputy's PIN asked.
        clock.advance(timedelta(minutes=1))
        desk.lock_if_idle()
        await settle(pilot)
        assert isinstance(desk.screen, PinModal)
        title = content(desk.screen.query_one(".dialog-title"))
        assert title == t("lock.title", name=desk.desk.deputy_name or "")
        await _type_pin(pilot, desk, "1111")
        await settle(pilot)
        assert content(desk.screen.query_one("#pin-error")) == t("error.pin_wrong", left=4)
        await _type_pin(pilot, desk, "4829")
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)
        assert desk.desk.deputy_id == rostered


async def test_a_deputy_without_a_pin_is_never_locked_out(
    desk: LiaisonApp, rostered: str, clock: FrozenClock
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert desk.desk.deputy_id == rostered
        clock.advance(timedelta(hours=3))
        desk.lock_if_idle()
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)
