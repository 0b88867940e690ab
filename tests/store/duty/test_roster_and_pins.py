"""The duty roster is fair and keeps hand edits; PINs are hashed and lock out after wrong tries."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from small_station import Refs
from sqlalchemy import text
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import Deputy, DeputyLevel, Shift
from store.db import Store
from store.duty.pins import MAX_WRONG, set_pin, verify_pin
from store.duty.roster import (
    assign_shift,
    clear_shift,
    generate_roster,
    list_roster,
    parse_dates,
    plan_roster,
)

DEPUTY, OTHER_DEPUTY = "沈国强", "朱秀芬"  # the small station's deputies (conftest)
Q4 = [date(2026, 10, 1) + timedelta(days=n) for n in range(92)]


def _add_deputies(store: Store, actor: Actor, names: list[str]) -> None:
    with store.write(actor) as session:
        for name in names:
            session.add(Deputy(station_id=actor.station_id, name=name, level=DeputyLevel.township))


def test_a_quarter_is_shared_within_one_shift() -> None:
    ids = [f"d{n}" for n in range(7)]
    plan = plan_roster(deputy_ids=ids, days=Q4, taken={}, served={}, last_served={}, unavailable={})
    counts = Counter(plan.values())
    assert set(plan) == set(Q4)
    assert max(counts.values()) - min(counts.values()) <= 1
    # Turns rotate: nobody serves two days running while others wait.
    assert all(plan[a] != plan[b] for a, b in zip(Q4, Q4[1:], strict=False))


def test_unavailable_days_are_respected_and_the_rest_stays_fair() -> None:
    ids = ["a", "b", "c"]
    away = {"a": set(Q4[:10])}
    plan = plan_roster(
        deputy_ids=ids, days=Q4, taken={}, served={}, last_served={}, unavailable=away
    )
    assert all(plan[d] != "a" for d in Q4[:10])
    counts = Counter(plan[d] for d in Q4[10:])
    assert counts["a"] >= max(counts["b"], counts["c"])  # a catches up after being away


def test_hand_rostered_days_are_kept_and_counted() -> None:
    ids = ["a", "b"]
    taken = {Q4[0]: "a", Q4[1]: "a"}
    plan = plan_roster(
        deputy_ids=ids, days=Q4[:6], taken=taken, served={"a": 2}, last_served={}, unavailable={}
    )
    assert Q4[0] not in plan and Q4[1] not in plan
    assert Counter(list(plan.values()) + ["a", "a"]) == {"a": 3, "b": 3}


def test_generate_roster_writes_shifts_fairly_and_skips_days(
    store: Store, actor: Actor, refs: Refs
) -> None:
    _add_deputies(store, actor, ["甲", "乙", "丙"])
    holiday = date(2026, 12, 7)
    with store.write(actor) as session:
        roster = generate_roster(
            session=session, start=date(2026, 12, 1), end=date(2026, 12, 31), skip={holiday}
        )
    assert [d.deputy for d in roster if d.day == holiday] == [None]
    served = Counter(d.deputy for d in roster if d.deputy)
    assert sum(served.values()) == 30 and len(served) == 5
    assert max(served.values()) - min(served.values()) <= 1
    with store.engine.connect() as conn:
        logged = conn.execute(
            text("SELECT count(*) FROM change_log WHERE table_name = 'shift'")
        ).scalar()
    assert logged == 30  # every shift is a logged write, attributed to the actor
    # Generating again adds nothing: the days are taken.
    with store.write(actor) as session:
        generate_roster(session=session, start=date(2026, 12, 1), end=date(2026, 12, 31))
        assert (
            len(session.exec(select(Shift).where(Shift.duty_date > date(2026, 11, 30))).all()) == 31
        )


def test_hand_edits_replace_and_clear_a_day(store: Store, actor: Actor, refs: Refs) -> None:
    day = date(2026, 12, 2)
    with store.write(actor) as session:
        generate_roster(session=session, start=day, end=day)
        assign_shift(session=session, day=day, deputy_id=refs.deputies[OTHER_DEPUTY])
    with store.read() as session:
        assert [d.deputy for d in list_roster(session=session, start=day, end=day)] == [
            OTHER_DEPUTY
        ]
    with store.write(actor) as session:
        assert clear_shift(session=session, day=day) == 1
    with store.read() as session:
        assert [d.deputy for d in list_roster(session=session, start=day, end=day)] == [None]


def test_a_backwards_or_huge_range_is_refused(store: Store, actor: Actor) -> None:
    with pytest.raises(FieldInvalid) as backwards, store.write(actor) as session:
        generate_roster(session=session, start=date(2026, 12, 2), end=date(2026, 12, 1))
    assert backwards.value.key == "error.roster_range"
    with pytest.raises(FieldInvalid) as huge, store.write(actor) as session:
        generate_roster(session=session, start=date(2026, 1, 1), end=date(2030, 1, 1))
    assert huge.value.key == "error.roster_too_long"


def test_pins_are_hashed_never_stored_in_clear(store: Store, actor: Actor, refs: Refs) -> None:
    deputy_id = refs.deputies[DEPUTY]
    with store.write(actor) as session:
        set_pin(session=session, deputy_id=deputy_id, pin="482913")
    with store.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT pin_hash FROM deputy WHERE id = :i"), {"i": deputy_id}
        ).scalar_one()
        logged = conn.execute(text("SELECT group_concat(fields) FROM change_log")).scalar_one()
    assert stored.startswith("$argon2id$") and "482913" not in stored
    assert "482913" not in logged
    with store.write(actor) as session:
        assert verify_pin(session=session, deputy_id=deputy_id, pin="482913").ok
    with pytest.raises(FieldInvalid), store.write(actor) as session:
        set_pin(session=session, deputy_id=deputy_id, pin="12a4")


def test_wrong_pins_lock_the_deputy_out_then_time_releases(
    store: Store, actor: Actor, refs: Refs, clock: FrozenClock
) -> None:
    deputy_id = refs.deputies[DEPUTY]
    with store.write(actor) as session:
        set_pin(session=session, deputy_id=deputy_id, pin="4829")
    lefts = []
    for _ in range(MAX_WRONG):
        with store.write(actor) as session:
            lefts.append(verify_pin(session=session, deputy_id=deputy_id, pin="0000"))
    assert [c.left for c in lefts[:-1]] == list(range(MAX_WRONG - 1, 0, -1))
    assert lefts[-1].locked_until is not None
    # Locked: even the right PIN is refused until the lockout ends.
    with store.write(actor) as session:
        assert not verify_pin(session=session, deputy_id=deputy_id, pin="4829").ok
    clock.advance(timedelta(minutes=6))
    with store.write(actor) as session:
        assert verify_pin(session=session, deputy_id=deputy_id, pin="4829").ok


def test_a_deputy_without_a_pin_passes(store: Store, actor: Actor, refs: Refs) -> None:
    with store.write(actor) as session:
        assert verify_pin(session=session, deputy_id=refs.deputies[OTHER_DEPUTY], pin="").ok


def test_dates_are_read_in_the_forms_people_type() -> None:
    assert parse_dates("12-25, 2027-01-01、7", 2026, 12) == {
        date(2026, 12, 25),
        date(2027, 1, 1),
        date(2026, 12, 7),
    }
    # Typed through a Chinese IME: full-width digits and dash, an ideographic comma.
    assert parse_dates("１２－２５，８", 2026, 12) == {date(2026, 12, 25), date(2026, 12, 8)}
    # Other scripts' digits are not dates (docs/rules/data.md: ASCII digits only).
    with pytest.raises(FieldInvalid):
        parse_dates("١٢-٢٥", 2026, 12)
