"""The log form (登记来访): fields checked in place, nothing written until they pass, and a
returning resident filled in from the phone (docs/rules/data.md, STYLE §6)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from desk_helpers import content, notes, press, settle
from small_station import Refs
from textual.widgets import Input, Select, TextArea

from screens.log_visit import FIELDS, LogVisitScreen
from screens.triage import TriageScreen
from store.db import Store
from store.desk.visits import VisitRow
from tui.app import LiaisonApp
from tui.i18n import t

REQUIRED = ("phone", "name", "village_id", "category_id", "text")


def _count(store: Store, table: str) -> int:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return int(db.execute(f"select count(*) from {table}").fetchone()[0])


def _errors(screen: LogVisitScreen) -> dict[str, str]:
    """Each field marked invalid, with the message shown under it."""
    out = {}
    for name in FIELDS:
        widget = screen.query_one(f"#{name}")
        label = screen.query_one(f"#{name}-error")
        if widget.has_class("-invalid"):
            assert label.has_class("-shown") and label.display, name
            out[name] = content(label)
        else:
            assert not label.has_class("-shown"), name
    return out


async def test_empty_and_bad_fields_are_refused_in_place(
    desk: LiaisonApp, store: Store, refs: Refs
) -> None:
    visits = _count(store, "visit")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")  # triage opened once: see test_first_visit_after_start_…
        await press(pilot, "n")
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)

        # Nothing filled in: every required field says so; channel and kind have defaults.
        await press(pilot, "ctrl+s")
        assert desk.screen is screen
        assert _errors(screen) == dict.fromkeys(REQUIRED, t("field.required"))
        assert t("log.fix") in notes(desk)
        assert desk.focused is screen.query_one("#phone", Input)
        assert _count(store, "visit") == visits

        # Editing a field clears its mark; the others stay marked.
        phone = screen.query_one("#phone", Input)
        phone.value = "12345"
        await settle(pilot)
        assert "phone" not in _errors(screen)
        assert "name" in _errors(screen)

        screen.query_one("#name", Input).value = "赵大伯"
        screen.query_one("#village_id", Select).value = refs.villages["青石村"]
        screen.query_one("#category_id", Select).value = refs.categories["环境卫生"]
        screen.query_one("#text", TextArea).text = "垃圾桶满了没人清。"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert _errors(screen) == {"phone": t("field.phone")}
        assert _count(store, "visit") == visits

        # Full-width digits look like a mobile number but are not ASCII digits (docs/rules/data.md).
        for bad in ("１３８００１３８０００", "138001380001", "23800138000"):
            phone.value = bad
            await settle(pilot)
            await press(pilot, "ctrl+s")
            assert desk.screen is screen, bad
            assert _errors(screen) == {"phone": t("field.phone")}, bad
            assert _count(store, "visit") == visits

        # A landline with its area code is a phone too; the visit is saved.
        phone.value = "0571-87654321"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, TriageScreen)
        assert _count(store, "visit") == visits + 1


async def test_a_returning_resident_is_filled_in_from_the_phone(
    desk: LiaisonApp, store: Store, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(phone="13812341234", name="王阿姨", village="东塘村")
    residents = _count(store, "constituent")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")  # triage opened once: see test_first_visit_after_start_…
        await press(pilot, "n")
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        name = screen.query_one("#name", Input)
        village = screen.query_one("#village_id", Select)

        await press(pilot, *"13812341234")
        note = content(screen.query_one("#resident-note"))
        assert note == t("log.returning", name="王阿姨", village="东塘村", count=2)
        assert name.value == "王阿姨"
        assert village.value == refs.villages["东塘村"]

        # One digit less is somebody else: the filled-in name goes, so does the note.
        await press(pilot, "backspace")
        assert content(screen.query_one("#resident-note")) == ""
        assert name.value == ""

        await press(pilot, "4")
        assert name.value == "王阿姨"
        screen.query_one("#category_id", Select).value = refs.categories["道路交通"]
        screen.query_one("#text", TextArea).text = "路灯还是没修好。"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, TriageScreen)

    assert _count(store, "constituent") == residents
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (visits,) = db.execute(
            "select count(*) from visit v join constituent c on c.id = v.constituent_id "
            "where c.phone = '13812341234'"
        ).fetchone()
    assert visits == 2


async def test_a_wrong_phone_is_marked_as_soon_as_the_field_is_left(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = desk.screen
        assert isinstance(form, LogVisitScreen)
        form.query_one("#phone", Input).value = "12345"
        await press(pilot, "tab")
        assert form.query_one("#phone", Input).has_class("-invalid")
        assert content(form.query_one("#phone-error")) == t("field.phone")
        assert isinstance(form.focused, Input) and form.focused.id == "name"
