"""The reference data screen (issue 16, part 2): units, villages, categories and deputies
renamed, merged, retired and brought back from the keyboard, at 80×24."""

from __future__ import annotations

from desk_helpers import content, notes, pick, press, rows, settle
from sqlmodel import select
from textual.widgets import Input

from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.pick import PickModal
from screens.dialogs.text_input import TextInputModal
from screens.reference import ReferenceScreen
from store.core.models import Unit, Village
from store.db import Store
from tui.app import LiaisonApp
from tui.messages import Place


async def _open(desk: LiaisonApp, pilot) -> ReferenceScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    desk.open_place(Place.reference)
    await settle(pilot)
    screen = desk.screen
    assert isinstance(screen, ReferenceScreen)
    return screen


async def test_rename_a_village_and_its_former_name_shows(desk: LiaisonApp, store: Store) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(desk, pilot)
        assert "[1 单位]" in content(screen.query_one("#reference-title"))
        await press(pilot, "2")
        assert "[2 村社]" in content(screen.query_one("#reference-title"))
        assert [r[0] for r in rows(screen.table)][:3] == ["青石村", "东塘村", "新桥社区"]
        await press(pilot, "r")
        modal = desk.screen
        assert isinstance(modal, TextInputModal)
        modal.query_one("#text-input", Input).value = "青石新村"
        await press(pilot, "enter")
        await settle(pilot)
        first = rows(screen.table)[0]
        assert first[0] == "青石新村" and first[-1] == "青石村"
        assert any("青石新村" in note for note in notes(desk))
    with store.read() as session:
        assert session.exec(select(Village).where(Village.name == "青石新村")).one()


async def test_merge_a_unit_then_retire_and_restore_one(desk: LiaisonApp, store: Store) -> None:
    with store.read() as session:
        townships = session.exec(
            select(Unit).where(Unit.tier == "township").order_by(Unit.name)
        ).all()
    source, target = townships[0], townships[1]
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(desk, pilot)
        names = [r[0] for r in rows(screen.table)]
        screen.table.move_cursor(row=names.index(source.name))
        await press(pilot, "m")
        assert isinstance(desk.screen, PickModal)
        await pick(pilot, target.id)
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "y")
        await settle(pilot)
        merged = next(r for r in rows(screen.table) if r[0] == target.name)
        assert merged[-1] == source.name  # its former name now
        retired = next(r for r in rows(screen.table) if r[0] == source.name)
        assert retired[3] == "停用"
        # Bringing the retired one back needs no question; retiring one asks.
        screen.table.move_cursor(row=[r[0] for r in rows(screen.table)].index(source.name))
        await press(pilot, "x")
        await settle(pilot)
        assert next(r for r in rows(screen.table) if r[0] == source.name)[3] == "在用"
    with store.read() as session:
        assert session.get(Unit, source.id).active  # type: ignore[union-attr]
