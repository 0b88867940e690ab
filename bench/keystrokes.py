"""Keys a walk-in takes (issue 17, part 6): the desk driven headless at 80×24 through walk-ins
written by hand (bench/data/walk_ins.csv: one for each category, returning and new residents,
every one triaged to the township), on a demo station whose triaged visits the proposals learn
from. None of these words are the demo's.

A scripted deputy types the phone, the name and the words (the typed text, not counted), and
counts every other key: Enter to go on, F2 to take a proposal, a wrong proposal fixed by opening
the list and typing the name's pinyin initials until it is highlighted, Ctrl+S, the tier and
unit. Every walk-in is checked in the database afterwards (its category, tier and unit), so a
run that counts few keys for a wrong issue fails instead of looking good.

The floor is the fewest keys the desk allows for the same walk-ins (every proposal right); the
targets are the issue's: ≤ 12 keys for a returning resident, ≤ 15 for a new one, on average."""

from __future__ import annotations

import asyncio
import csv
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import OptionList, Select, TextArea
from textual.widgets._select import SelectOverlay
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from bench.common import MISSED, ROOT, report

WALK_INS = ROOT / "bench" / "data" / "walk_ins.csv"
TARGETS = {"returning": 12.0, "new": 15.0}


@dataclass(frozen=True)
class WalkIn:
    resident: str
    name: str
    village: str
    category: str
    unit: str
    words: str


@dataclass
class Tally:
    keys: dict[str, list[int]] = field(default_factory=lambda: {"returning": [], "new": []})
    floor: dict[str, list[int]] = field(default_factory=lambda: {"returning": [], "new": []})
    category_right: int = 0
    route_right: int = 0
    wrong: list[str] = field(default_factory=list)


def read_walk_ins(path: Path = WALK_INS) -> list[WalkIn]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [WalkIn(**row) for row in csv.DictReader(handle)]


class Deputy:
    """Presses keys on the desk and counts those that are not typed text."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.count = 0

    async def settle(self) -> None:
        app: Any = self.pilot.app
        for _ in range(100):
            try:
                await app.workers.wait_for_complete()
            except (WorkerFailed, WorkerCancelled):
                pass
            await self.pilot.pause()
            busy = app.typeahead.busy or any(
                w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers
            )
            if not busy:
                return

    async def key(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await self.settle()

    async def type(self, typed: str) -> None:
        """The typed text: not counted (an IME's candidates are the IME's keys, not the desk's)."""
        await self.pilot.press(*typed)
        await self.settle()

    async def find(self, name: str, highlighted: Any, wanted: Any) -> None:
        """Type `name`'s pinyin initials until `highlighted()` is `wanted` (arrows if they never
        get there)."""
        from store.core.pinyin import name_syllables

        for initial in (s[0] for s in name_syllables(name)):
            if highlighted() == wanted:
                return
            await self.key(initial)
        for _ in range(40):
            if highlighted() == wanted:
                return
            await self.key("down")


def _overlay_value(select: Select[Any]) -> Any:
    overlay = select.query_one(SelectOverlay)
    index = overlay.highlighted
    return None if index is None else select._options[index][1]


@dataclass(frozen=True)
class Walked:
    visit_id: str
    category_right: bool
    route_right: bool
    fixing: int
    """Keys spent because a proposal was wrong, beyond the F2 that takes a right one."""


async def walk_in(deputy: Deputy, visit: WalkIn, phone: str, ids: dict[str, str]) -> Walked:
    """One walk-in, logged and triaged."""
    from screens.dialogs.pick import PickModal
    from screens.log_visit import HINT_DELAY, LogVisitScreen
    from screens.triage import TriageScreen

    app: Any = deputy.pilot.app
    await deputy.key("n")
    form = app.screen
    assert isinstance(form, LogVisitScreen)
    await deputy.type(phone)
    await deputy.key("enter")
    if visit.resident == "new":
        await deputy.type(visit.name)
        await deputy.key("enter")
        village = form.query_one("#village_id", Select)
        await deputy.find(visit.village, lambda: _overlay_value(village), ids[visit.village])
        await deputy.key("enter")
    assert form.focused is form.query_one("#text", TextArea), "Enter did not reach the words"
    # The words arrive as an IME commits them: text, not keys.
    form.query_one("#text", TextArea).insert(visit.words)
    await deputy.pilot.pause(HINT_DELAY + 0.1)
    await deputy.settle()
    category_right = form.hint is not None and form.hint.name == visit.category
    before = deputy.count
    if category_right:
        await deputy.key("f2")
    else:
        await deputy.key("shift+tab", "enter")
        category = form.query_one("#category_id", Select)
        await deputy.find(visit.category, lambda: _overlay_value(category), ids[visit.category])
        await deputy.key("enter")
    fixing = deputy.count - before - 1
    await deputy.key("ctrl+s")
    queue = app.screen
    assert isinstance(queue, TriageScreen), "saving did not lead to triage"
    await deputy.settle()
    assert queue.info is not None, "the visit saved is not shown on the queue"
    visit_id = queue.info.detail.row.id
    route = queue.info.route
    route_right = route is not None and route.unit == visit.unit
    before = deputy.count
    if route_right:
        await deputy.key("f2")
    else:
        await deputy.key("2")
        picker = app.screen
        assert isinstance(picker, PickModal)
        options = picker.query_one("#pick-list", OptionList)
        short = visit.unit.removeprefix("青石镇")

        def highlighted() -> Any:
            index = options.highlighted
            return None if index is None else options.get_option_at_index(index).id

        await deputy.find(short, highlighted, ids[visit.unit])
        await deputy.key("enter")
    fixing += deputy.count - before - 1
    return Walked(visit_id, category_right, route_right, fixing)


def _reference_ids(conn: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    for table in ("village", "category", "unit"):
        for row in conn.execute(text(f"SELECT name, id FROM {table} WHERE deleted_at IS NULL")):
            ids[str(row[0])] = str(row[1])
    return ids


def _returning_phones(conn: Any, count: int) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT phone FROM constituent WHERE phone IS NOT NULL AND deleted_at IS NULL"
            " AND purged_at IS NULL ORDER BY id LIMIT :n"
        ),
        {"n": count},
    )
    return [str(r[0]) for r in rows]


def _check(conn: Any, visit: WalkIn, visit_id: str, ids: dict[str, str]) -> str | None:
    row = conn.execute(
        text(
            "SELECT v.category_id, i.tier, i.unit_id FROM visit v LEFT JOIN issue i"
            " ON i.id = v.issue_id WHERE v.id = :id"
        ),
        {"id": visit_id},
    ).first()
    wanted = (ids[visit.category], "township", ids[visit.unit])
    if row is None or tuple(row) != wanted:
        return f"{visit.category}: the issue is {tuple(row) if row else None}, not {wanted}"
    return None


async def _drive(path: Path, walk_ins: Iterable[WalkIn]) -> Tally:
    from store.station import load_station, open_store
    from tui.app import make_app

    store = open_store(path)
    walk_ins = list(walk_ins)
    with store.engine.connect() as conn:
        ids = _reference_ids(conn)
        phones = iter(_returning_phones(conn, len(walk_ins)))
    tally = Tally()
    logged: list[tuple[WalkIn, str]] = []
    app = make_app(store, load_station(store))
    async with app.run_test(size=(80, 24)) as pilot:
        deputy = Deputy(pilot)
        await deputy.settle()
        for number, visit in enumerate(walk_ins):
            phone = next(phones) if visit.resident == "returning" else f"137{number:08d}"
            deputy.count = 0
            walked = await walk_in(deputy, visit, phone, ids)
            logged.append((visit, walked.visit_id))
            tally.keys[visit.resident].append(deputy.count)
            tally.floor[visit.resident].append(deputy.count - walked.fixing)
            tally.category_right += walked.category_right
            tally.route_right += walked.route_right
            await deputy.key("escape")
    with store.engine.connect() as conn:
        tally.wrong = [w for w in (_check(conn, v, i, ids) for v, i in logged) if w]
    store.dispose()
    return tally


def run(demo: Path) -> None:
    print("keys per walk-in (hand-written walk-ins, 80×24, the demo's triaged visits learned)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "station.db"
        shutil.copyfile(demo, path)
        walk_ins = read_walk_ins()
        tally = asyncio.run(_drive(path, walk_ins))
    for wrong in tally.wrong:
        line = f"!!! keystrokes: a walk-in was filed wrong: {wrong}"
        MISSED.append(line)
        print(line)
    for resident in ("returning", "new"):
        keys = tally.keys[resident]
        floor = tally.floor[resident]
        report(
            f"keys, {resident} resident ({len(keys)} walk-ins)",
            sum(keys) / len(keys),
            "every proposal right",
            sum(floor) / len(floor),
            target_ms=TARGETS[resident],
            unit="key",
        )
    total = len(walk_ins)
    print(
        f"first proposal right: category {tally.category_right}/{total}"
        f" ({tally.category_right / total:.0%}), tier and unit {tally.route_right}/{total}"
        f" ({tally.route_right / total:.0%})",
        flush=True,
    )


if __name__ == "__main__":
    from bench.common import demo_db

    run(demo_db(2400))
