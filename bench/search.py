"""Search (`/`) on a large station: the SQL of each kind of query against a bare page read, and
a keystroke to the repainted results in a headless app against a bare Textual repaint.

Run alone with `python -m bench.search` (or `--db FILE`); `make bench` runs it too."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import frames_of

# (what it is, the query, the kind a deputy would be looking at)
SQL_CASES = (
    ("visits, 1 character", "路", "visits"),
    ("visits, 2 characters", "飞线", "visits"),
    ("visits, 2 characters, rare", "鑫", "visits"),
    ("visits, 3 characters", "飞线充", "visits"),
    ("visits, 10 characters", "从楼上窗户吊根电线下", "visits"),
    ("residents, pinyin initials", "zxm", "residents"),
    ("residents, full pinyin", "zhangxiaoming", "residents"),
    ("residents, name", "张晓明", "residents"),
    ("residents, phone's last 4 digits", "1234", "residents"),
    ("issues, title", "飞线充电", "issues"),
)
# What the deputy types, one keystroke at a time; the box is cleared (untimed) between words.
KEYSTROKES = ("飞线充电", "zxm", "张晓明", "楼道堆物", "1234", "路灯")


def _clock() -> Any:
    """The instant the demo was built at: its roster has a deputy on duty then."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from store.core.clock import FrozenClock

    return FrozenClock(datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")))


def run(db: Path, label: str) -> list[str]:
    from bench.common import median_ms, report

    lines = [*_sql(db, label, median_ms, report)]
    lines += asyncio.run(_keystrokes(db, label, report))
    return lines


def _sql(db: Path, label: str, median_ms: Any, report: Any) -> list[str]:
    from datetime import date

    from store.search.query import SearchKind, count_hits, search
    from store.station import open_store

    store = open_store(db, clock=_clock())
    raw = sqlite3.connect(db)

    def floor_page() -> None:
        raw.execute(
            "SELECT id, received_at, summary FROM visit ORDER BY received_at DESC LIMIT 50"
        ).fetchall()

    floor = median_ms(floor_page, repeat=30)
    today = date(2026, 11, 24)
    lines = []
    for name, text, kind in SQL_CASES:

        def page(text: str = text, kind: str = kind) -> None:
            with store.read() as session:
                search(
                    session=session, text=text, today=today, kind=SearchKind(kind), fallback=False
                )

        lines.append(report(f"search {name} ({label})", median_ms(page), "50-row page read", floor))

    def keystroke_sql(text: str = "飞线") -> None:
        # What the screen asks on a keystroke: the first kind with hits, from residents on.
        with store.read() as session:
            search(session=session, text=text, today=today)

    lines.append(
        report(
            f"search page as typed, 飞线 ({label})",
            median_ms(keystroke_sql),
            "50-row page read",
            floor,
        )
    )

    def counts(text: str = "飞线") -> None:
        with store.read() as session:
            for kind in SearchKind:
                count_hits(session=session, text=text, kind=kind)

    lines.append(
        report(
            f"search counts (capped 1,000), 飞线 ({label})",
            median_ms(counts, repeat=7),
            "50-row page read",
            floor,
        )
    )
    raw.close()
    store.dispose()
    return lines


async def _keystrokes(db: Path, label: str, report: Any) -> list[str]:
    floor = await _bare_repaint()
    figure = await _search_repaint(db)
    return [
        report(
            f"search keystroke → repainted results ({label})",
            figure,
            "bare Textual repaint",
            floor,
            target_ms=50,
        )
    ]


async def _until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen never showed the results")
        await asyncio.sleep(0.0005)


async def _bare_repaint() -> float:
    """The floor: a Textual app whose Static shows what is typed in its Input."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="box")
            yield Static(id="echo")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.shown = event.value
            self.shown_at = time.perf_counter()
            self.query_one("#echo", Static).update(event.value)

    app = Bare()
    app.shown, app.shown_at = "", 0.0
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        frames = frames_of(app)
        await pilot.pause()
        for word in KEYSTROKES:
            app.query_one("#box", Input).value = ""
            await pilot.pause()
            for ch in word:
                start = time.perf_counter()
                await pilot.press(ch)
                await _until(lambda: any(f > app.shown_at for f in frames[-3:]))
                painted = min(f for f in frames if f > app.shown_at)
                samples.append((painted - start) * 1000)
    return statistics.median(samples)


async def _search_repaint(db: Path) -> float:
    """A keystroke in the search box to the first frame composed after its results are set."""
    from screens.search import SearchScreen
    from store.station import load_station, open_store
    from tui.app import make_app

    store = open_store(db, clock=_clock())
    app = make_app(store, load_station(store))
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(
            lambda: (
                (app.desk_ready and app.desk.deputy_id is not None) or len(app.screen_stack) > 1
            ),
            30,
        )
        if app.desk.deputy_id is None:
            await pilot.press("enter")  # the deputy chooser, when nobody is rostered
        await pilot.press("slash")
        await _until(lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        frames = frames_of(app)
        shown: dict[str, float] = {}
        show = screen._show

        def timed_show(answer: Any) -> None:
            show(answer)
            shown[answer.request.text] = time.perf_counter()

        screen._show = timed_show  # type: ignore[method-assign]
        for word in KEYSTROKES:
            screen.box.value = ""
            await pilot.pause()
            for i in range(1, len(word) + 1):
                text = word[:i]
                start = time.perf_counter()
                await pilot.press(word[i - 1])
                await _until(lambda t=text: t in shown and bool(frames) and frames[-1] > shown[t])
                # The first frame composed after the results were set is the one that shows
                # them; the loop may have composed another (a scrollbar's) before this wakes.
                painted = min(f for f in frames if f > shown[text])
                samples.append((painted - start) * 1000)
                shown.clear()
    store.dispose()
    return statistics.median(samples)


def main() -> None:
    import argparse

    from bench.common import demo_db

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="a station database instead of the cached demo")
    args = parser.parse_args()
    db = args.db or demo_db(args.visits)
    run(db, f"{args.visits:,} visits" if args.db is None else db.name)


if __name__ == "__main__":
    main()
