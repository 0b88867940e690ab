"""Every screen of a county hub, from the key to the first frame painted with its data (issue 19:
"every screen ≤ 1 s to show"), against a bare Textual app that fills a DataTable of 50 rows on a
key (the floor).

The app is opened as `liaison --db postgresql://…` opens it, headless at 80×24, on the county's
dashboard; then, one key at a time: the dashboard's periods, the county's board, an issue's page,
one station's board (`z`, and enter on its row), statistics of the quarter and the year with each
breakdown `g` switches to, the charts and tabs (`c`), a figure's issues (enter), the report
(`r`), one station's statistics, search for 路, 垃圾 and 电动车棚 typed a character at a time and
their counts, hot words and a word's visits, sync, and every other place the hub's command
palette lists. A screen's data is shown when the store calls the key started
(`DeskScreen.run_store`) have handed their results to it (a table filled, a chart drawn; search:
a keystroke's results set, as in bench/search.py); the figure is the first frame composed after
that. Under each figure: the time in the store calls' workers, the SQL of the screen's own store
calls (what issue 19 holds to 100 ms) and apart what other screens sent meanwhile (one passed
through reloading, freshness checks), and the time on the UI thread handing the results over.
Each tour is a new app on a newly opened store; medians of `--repeat` tours, after one untimed.

The hub is only read: every session the bench opens is a read-only transaction, so a screen that
wrote would fail here (and be reported) instead of changing the hub. Its day is the demo's
(bench.county_drill.AT), its reports go to a temporary folder.

    python -m bench hub_screens --hub postgresql://user@host:port/hub [--repeat 5]

`python -m bench county_drill` builds and keeps a hub (its URL while it runs), as do
`liaison demo`, `liaison hub init` and `liaison sync push`. Not in `make bench`'s default run."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import tempfile
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from bench.common import frames_of, report

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from textual.pilot import Pilot
    from textual.worker import Worker

    from tui.app import LiaisonApp

# Issue 19's aim for a screen, from the key to its data on screen.
TARGET_MS = 1000
# What search types, one character at a time (bench/county_drill.py's SEARCHES).
WORDS = ("路", "垃圾", "电动车棚")
# The places the hub's command palette lists beyond the global keys' screens, each with words
# typed into the palette that find it (untimed; the enter that runs it is timed).
PALETTE = (
    ("ledger", "台账"),
    ("follow_up", "回访"),
    ("notices", "告知"),
    ("roster", "排班"),
    ("calendar", "日历"),
    ("leader_visits", "领导"),
    ("deputies", "履职"),
    ("projects", "项目列表"),
    ("suggestions", "代表建议"),
    ("legislation", "草案"),
    ("deliberations", "议事"),
    ("observers", "观察员"),
    ("review", "评议"),
    ("audit", "留痕"),
    ("reference", "基础资料"),
)
# Store calls that are no screen's data: the freshness check every screen runs every 2 s.
NOT_DATA = frozenset({"freshness_checks"})
# The longest a screen may take before the bench gives up on it.
GIVE_UP_S = 60.0
FLOOR_ROWS = 50


# -------------------------------------------------------------------------------------------
# Watching the app: its frames, its store calls (in the worker, on the UI thread), its SQL.

Span = tuple[float, float]


@dataclass
class Watch:
    """What one app did, each with its perf_counter times."""

    # Frames composed, and of which screen.
    frames: list[tuple[float, weakref.ReferenceType[Any]]] = field(default_factory=list)
    # Store callbacks run on the UI thread: (began, ended), screen, group.
    callbacks: list[tuple[Span, weakref.ReferenceType[Any], str]] = field(default_factory=list)
    # Store calls' jobs in their worker threads, and the SQL statements they sent.
    jobs: list[tuple[Span, str]] = field(default_factory=list)
    # Each statement, with the store call that sent it: its screen and its group (None: sent
    # outside a store call).
    sql: list[tuple[Span, str, weakref.ReferenceType[Any] | None, str | None]] = field(
        default_factory=list
    )
    # Keys handed over by tui.typeahead (its marker back at the app).
    handled: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, app: LiaisonApp, engine: Engine) -> None:
        from sqlalchemy import event

        display = app._display

        def timed(screen: Any, renderable: Any) -> None:
            # Headless apps compose every frame and skip only the write to a terminal.
            if renderable is not None:
                # Screens by weak references, here and in `callbacks`: a screen held here would
                # outlive its dismissal, and every screen of the tour would stay in the
                # collector's full passes (which grew from 40 to 530 ms over a tour).
                self.frames.append((time.perf_counter(), weakref.ref(screen)))
            display(screen, renderable)

        app._display = timed  # type: ignore[method-assign]
        handled = app.typeahead.handled

        def key_handled(message: Any) -> None:
            self.handled.append(time.perf_counter())
            handled(message)

        app.typeahead.handled = key_handled  # type: ignore[method-assign]

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, *_args: Any) -> None:
            conn.info["bench_began"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            span = (conn.info.pop("bench_began"), time.perf_counter())
            owner = getattr(_store_call, "owner", None)
            self.sql.append((span, statement, *(owner or (None, None))))

    def frame_after(self, when: float, screen: Any) -> float | None:
        return next((f for f, s in self.frames if f > when and s() is screen), None)

    def sample(self, began: float, painted: float, screen: Any) -> Sample:
        """The figure, and where its time went: the store calls' jobs, their SQL, and their
        callbacks on the UI thread, of those that ran between the key and the frame. The SQL
        is the shown `screen`'s own store calls' (its data); what other screens' sent meanwhile
        (a screen passed through reloading, the freshness checks) apart."""

        def inside(span: Span) -> bool:
            return span[0] >= began and span[1] <= painted

        def within(spans: list[Span]) -> float:
            return sum(b - a for a, b in spans if inside((a, b))) * 1000

        return Sample(
            ms=(painted - began) * 1000,
            jobs_ms=within([span for span, group in self.jobs if group not in NOT_DATA]),
            sql_ms=within([span for span, _, s, g in self.sql if _owned(s, g, screen)]),
            others_sql_ms=within([span for span, _, s, g in self.sql if not _owned(s, g, screen)]),
            ui_ms=within([span for span, _, group in self.callbacks if group not in NOT_DATA]),
            statements=tuple(
                ((b - a) * 1000, sql)
                for (a, b), sql, s, g in self.sql
                if inside((a, b)) and _owned(s, g, screen)
            ),
        )


def _owned(screen_ref: weakref.ReferenceType[Any] | None, group: str | None, screen: Any) -> bool:
    return screen_ref is not None and screen_ref() is screen and group not in NOT_DATA


# The store call a worker thread is running: (its screen, its group), for the SQL it sends.
_store_call = threading.local()


@dataclass(frozen=True)
class Sample:
    ms: float
    jobs_ms: float
    sql_ms: float
    ui_ms: float
    others_sql_ms: float = 0.0
    # Each statement sent meanwhile: (ms, SQL).
    statements: tuple[tuple[float, str], ...] = ()


def pending(screen: Any) -> list[Worker[Any]]:
    """The screen's store calls whose results it has not been handed yet (not the freshness
    check's)."""
    return [w for w in getattr(screen, "store_work", ()) if w.group not in NOT_DATA]


@contextmanager
def watching_store_calls(watch: Watch) -> Iterator[None]:
    """`DeskScreen.run_store` with its job and its callback timed: a screen's data is shown once
    its callback has run (the screens' `_show`)."""
    from screens.base.desk_screen import DeskScreen

    original = DeskScreen.run_store

    def run_store(
        self: DeskScreen,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        *,
        group: str,
        exclusive: bool = False,
        on_error: Callable[[BaseException], bool] | None = None,
    ) -> Any:
        def timed_job() -> Any:
            began = time.perf_counter()
            _store_call.owner = (weakref.ref(self), group)
            try:
                return job()
            finally:
                _store_call.owner = None
                watch.jobs.append(((began, time.perf_counter()), group))

        def done(result: Any) -> None:
            began = time.perf_counter()
            on_done(result)
            watch.callbacks.append(((began, time.perf_counter()), weakref.ref(self), group))

        def failed(exc: BaseException) -> bool:
            watch.errors.append(f"{type(self).__name__} {group}: {type(exc).__name__}: {exc}")
            return on_error(exc) if on_error is not None else False

        return original(self, timed_job, done, group=group, exclusive=exclusive, on_error=failed)

    DeskScreen.run_store = run_store  # type: ignore[method-assign]
    try:
        yield
    finally:
        DeskScreen.run_store = original  # type: ignore[method-assign]


async def until(what: str, condition: Callable[[], Any]) -> Any:
    """Poll (every half millisecond, on the app's own loop) until `condition` gives a value."""
    deadline = time.perf_counter() + GIVE_UP_S
    while True:
        got = condition()
        if got is not None and got is not False:
            return got
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: not shown in {GIVE_UP_S:.0f} s")
        await asyncio.sleep(0.0005)


# -------------------------------------------------------------------------------------------
# One tour of the hub's screens.

Keys = Callable[[], Awaitable[Any]]
IsScreen = Callable[[Any], bool]


@dataclass
class Tour:
    app: LiaisonApp
    pilot: Pilot[None]
    watch: Watch
    figures: dict[str, list[Sample]]
    record: bool = True

    def note(self, name: str | None, began: float, painted: float) -> None:
        if self.record and name is not None:
            sample = self.watch.sample(began, painted, self.app.screen)
            self.figures.setdefault(name, []).append(sample)
        self.read()

    def read(self) -> None:
        """The deputy reads what the screen shows before the next key: a quiet second, in which
        the app's timer runs the collector's full pass if one is due (tui.idle_collector). Off
        the figures' clock, as a deputy's reading is; without it the tour, never resting,
        measured passes a deputy's pauses would hold."""
        from tui.idle_collector import IDLE_SECONDS

        self.app.collector.last_input -= IDLE_SECONDS
        self.app.collector.tick()

    def press(self, *keys: str) -> Keys:
        return lambda: self.pilot.press(*keys)

    async def loaded(
        self, name: str | None, keys: Keys, is_screen: IsScreen, began: float | None = None
    ) -> None:
        """Press the keys; the figure is the first frame of the screen they lead to after its
        store calls (at least one, started after the keys) have handed it their results. No
        name: untimed (the way back to where the next figure starts)."""
        app, watch = self.app, self.watch
        began = time.perf_counter() if began is None else began
        await keys()

        def shown() -> float | None:
            screen = app.screen
            if not is_screen(screen) or pending(screen):
                return None
            ran = [
                ended
                for (_, ended), s, group in watch.callbacks
                if ended > began and s() is screen and group not in NOT_DATA
            ]
            return watch.frame_after(max(ran), screen) if ran else None

        try:
            painted = await until(name or "a screen", shown)
        except TimeoutError as exc:
            raise TimeoutError(
                f"{exc}: {app.screen!r}, waiting for {pending(app.screen)}"
            ) from None
        self.note(name, began, painted)

    async def opened(self, name: str, keys: Keys, is_screen: IsScreen) -> None:
        """A screen without data of its own (a form, a picker): its first frame."""
        app, watch = self.app, self.watch
        began = time.perf_counter()
        await keys()
        screen = await until(name, lambda: app.screen if is_screen(app.screen) else None)
        self.note(name, began, await until(name, lambda: watch.frame_after(began, screen)))

    async def handled(self, name: str, key: str) -> None:
        """A key that shows what is loaded already (a tab of tables): the first frame after the
        key was handled."""
        watch = self.watch
        began = time.perf_counter()
        await self.pilot.press(key)
        at = await until(name, lambda: next((h for h in watch.handled if h > began), None))
        self.note(name, began, await until(name, lambda: watch.frame_after(at, self.app.screen)))


async def tour(
    hub_url: str, figures: dict[str, list[Sample]], *, record: bool, biggest: str
) -> list[str]:
    """A new app on a newly opened store, through every screen; returns the store errors."""
    from bench.county_drill import AT
    from screens.board import BoardScreen
    from screens.county import TOTALS, CountyScreen
    from screens.dialogs.pick import PickModal
    from screens.hot_words import HotWordsScreen, WordVisitsScreen
    from screens.issue import IssueScreen
    from screens.search import SearchScreen
    from screens.stats import StatsScreen
    from screens.sync import SyncScreen
    from store.core.clock import FrozenClock
    from store.station import load_station, open_store
    from tui.app import make_app
    from tui.navigation import place_of
    from tui.opening_flow import collect_from_now_on, load_every_mode

    began = time.perf_counter()
    # As `liaison --db URL` opens it (tui.cli.open_app, tui.opening_flow), on the demo's day:
    # the collector off until the dashboard has shown its figures.
    gc.disable()
    store = open_store(hub_url, clock=FrozenClock(AT))
    app = make_app(store, load_station(store))
    watch = Watch()
    watch.attach(app, store.engine)
    is_county, is_board, is_stats = _is(CountyScreen), _is(BoardScreen), _is(StatsScreen)
    with watching_store_calls(watch):
        # Toasts shown, as in a terminal (the report says in one where it went).
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            go = Tour(app, pilot, watch, figures, record)

            async def nothing() -> None:
                return None

            async def pick_biggest(name: str, then: IsScreen) -> None:
                await go.opened(f"{name}: the station picker (z)", go.press("z"), _is(PickModal))
                options: Any = app.screen.query_one("#pick-list")
                options.highlighted = options.get_option_index(biggest)
                await go.loaded(f"{name}: the largest station (z, enter)", go.press("enter"), then)

            def county_row(key: str) -> None:
                county = app.screen
                assert isinstance(county, CountyScreen)
                county.table.move_cursor(row=county.table.get_row_index(key))

            name = "start → the county's dashboard (store opened)"
            await go.loaded(name, nothing, is_county, began)
            # Then what the app does once the figures are shown (off the clock: in a worker).
            load_every_mode()
            collect_from_now_on()
            await go.loaded("county's dashboard, year (m)", go.press("m"), is_county)
            await go.loaded("county's dashboard, month (m)", go.press("m"), is_county)
            await go.loaded(None, go.press("m"), is_county)  # the quarter again

            # The board: the county's, an issue's page, one station's.
            await go.loaded("board, the county (b)", go.press("b"), is_board)
            await go.loaded("an issue's page (enter)", go.press("enter"), _is(IssueScreen))
            await go.loaded(None, go.press("escape"), is_board)
            await pick_biggest("board", is_board)
            await go.loaded("county's dashboard again (d)", go.press("d"), is_county)
            county_row(biggest)
            name = "board, the largest station (enter on its row)"
            await go.loaded(name, go.press("enter"), is_board)
            await go.loaded(None, go.press("d"), is_county)

            # Statistics of every station: the quarter, then the year, each breakdown.
            county_row(TOTALS)
            await go.loaded("statistics, quarter, by tier (s)", go.press("s"), is_stats)
            breakdowns = ("unit", "village", "category", "channel", "station")
            for by in breakdowns:
                await go.loaded(f"statistics, quarter, by {by} (g)", go.press("g"), is_stats)
            await go.loaded(None, go.press("g"), is_stats)  # by tier again
            await go.loaded("statistics, year, by tier (m)", go.press("m"), is_stats)
            for by in breakdowns:
                await go.loaded(f"statistics, year, by {by} (g)", go.press("g"), is_stats)
            await go.loaded(None, go.press("g"), is_stats)
            for chart in ("visits a week", "colours", "two-month trend"):
                await go.loaded(f"statistics, year, chart: {chart} (c)", go.press("c"), is_stats)
            await go.handled("statistics, year, tab: sessions (c)", "c")
            await go.handled("statistics, year, tab: observers (c)", "c")
            await go.handled("statistics, year, tab: the table again (c)", "c")
            await go.loaded(
                "statistics, a figure's issues (enter)",
                go.press("enter"),
                lambda s: isinstance(s, BoardScreen) and s.heading is not None,
            )
            await go.loaded(None, go.press("escape"), is_stats)
            await go.loaded("statistics, the quarter's report (r)", go.press("r"), is_stats)
            await pick_biggest("statistics, year", is_stats)
            await go.loaded(None, go.press("d"), is_county)
            county_row(biggest)
            name = "statistics, the largest station (s on its row)"
            await go.loaded(name, go.press("s"), is_stats)

            # Search, typed a character at a time; then the counts once the typing stops.
            await go.opened("search (/)", go.press("slash"), _is(SearchScreen))
            await _search(go)
            await go.loaded(None, go.press("escape"), is_stats)  # back where it was

            await go.loaded("hot words (h)", go.press("h"), _is(HotWordsScreen))
            await go.loaded("a hot word's visits (enter)", go.press("enter"), _is(WordVisitsScreen))
            await go.loaded("sync (y)", go.press("y"), _is(SyncScreen))

            # Every other place of the command palette.
            for place, words in PALETTE:
                # Back to the county's dashboard (as `d`, which a form's field would take).
                await go.loaded(None, lambda: app.action_go("dashboard"), is_county)
                await _palette(app, pilot, place, words)
                wanted = _place(place, place_of)
                if place == "ledger":  # a form: nothing to load
                    await go.opened(f"palette: {place}", go.press("enter"), wanted)
                else:
                    await go.loaded(f"palette: {place}", go.press("enter"), wanted)
    store.dispose()
    return watch.errors


def _is(kind: type) -> IsScreen:
    return lambda screen: isinstance(screen, kind)


def _place(place: str, place_of: Callable[[Any], Any]) -> IsScreen:
    return lambda screen: getattr(place_of(screen), "value", None) == place


async def _palette(app: LiaisonApp, pilot: Pilot[None], place: str, words: str) -> None:
    """Open the command palette and type `words`: the place's command highlighted, untimed."""
    from textual.command import CommandList, CommandPalette

    from tui.i18n import t

    title = str(t(f"cmd.{place}"))
    await pilot.press("ctrl+p")
    await until("the palette", lambda: isinstance(app.screen, CommandPalette))
    palette = app.screen
    await pilot.press(*words)
    commands = palette.query_one(CommandList)

    def found() -> int | None:
        for index in range(commands.option_count):
            if str(commands.get_option_at_index(index).prompt).startswith(title):
                return index
        return None

    commands.highlighted = await until(f"{title} in the palette", found)


async def _search(go: Tour) -> None:
    """Each keystroke to the first frame after its results are set (SearchScreen._show), and
    each word's counts from its last keystroke to the frame after they are set (they wait for
    the typing to pause: screens.search.COUNT_AFTER)."""
    from screens.search import SearchScreen

    screen = go.app.screen
    assert isinstance(screen, SearchScreen)
    shown: dict[str, float] = {}
    counted: dict[str, float] = {}
    show, count = screen._show, screen._counted

    def timed_show(answer: Any) -> None:
        show(answer)
        shown[answer.request.text] = time.perf_counter()

    def timed_count(text: str, counts: Any) -> None:
        count(text, counts)
        if counts is not None:
            counted[text] = time.perf_counter()

    screen._show = timed_show  # type: ignore[method-assign]
    screen._counted = timed_count  # type: ignore[method-assign]

    def painted_after(at: dict[str, float], text: str) -> float | None:
        return go.watch.frame_after(at[text], screen) if text in at else None

    for word in WORDS:
        screen.box.value = ""
        await go.pilot.pause()
        began = time.perf_counter()
        for i in range(1, len(word) + 1):
            text = word[:i]
            began = time.perf_counter()
            await go.pilot.press(word[i - 1])
            painted = await until(f"search {text}", partial(painted_after, shown, text))
            go.note(f"search {word}: keystroke {i}, {text}", began, painted)
        painted = await until(f"counts of {word}", partial(painted_after, counted, word))
        go.note(f"search {word}: its counts, from the last key", began, painted)
        shown.clear()
        counted.clear()


# -------------------------------------------------------------------------------------------
# The floor.


async def bare_table(repeat: int) -> float:
    """A bare Textual app that fills a DataTable of 50 rows on a key: the key to the first frame
    composed after the rows are set."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    columns = (("色", 2), ("层级", 4), ("标题", 20), ("单位", 12), ("村社", 8), ("状态", 4))
    pages = [
        [[Text(f"{name}{page}-{row}"[:width]) for name, width in columns] for row in range(50)]
        for page in range(2)
    ]

    class Bare(App[None]):
        shown_at = 0.0
        page = 0

        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for name, width in columns:
                table.add_column(name, width=width)

        def on_key(self) -> None:
            table = self.query_one(DataTable)
            table.clear()
            self.page = 1 - self.page
            for cells in pages[self.page]:
                table.add_row(*cells)
            self.shown_at = time.perf_counter()

    app = Bare()
    frames = frames_of(app)

    def painted(began: float) -> float | None:
        if app.shown_at < began:
            return None
        return next((f for f in frames if f > app.shown_at), None)

    samples: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(repeat + 2):
            began = time.perf_counter()
            await pilot.press("x")
            samples.append((await until("the bare table", partial(painted, began)) - began) * 1000)
    return statistics.median(samples[2:])


# -------------------------------------------------------------------------------------------


def read_only() -> None:
    """Every PostgreSQL session opened from now on reads only: the bench never changes the hub."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("psycopg"):
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()


def hub_facts(url: str) -> tuple[int, int, str]:
    """(visits, stations, the id of the station with most visits). A hub at another schema than
    the app's is refused: opening it would upgrade it."""
    import psycopg

    from store.trust.migrate import HEAD_REVISION

    with psycopg.connect(url) as conn:
        conn.read_only = True
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None or row[0] != HEAD_REVISION:
            raise SystemExit(
                f"the hub is at schema {row[0] if row else '?'}, the app at {HEAD_REVISION}: "
                "opening it would upgrade it (open it once with `liaison` first)"
            )
        visits = conn.execute("SELECT count(*) FROM visit").fetchone()
        stations = conn.execute(
            "SELECT station_id, count(*) FROM visit GROUP BY station_id ORDER BY 2 DESC"
        ).fetchall()
    assert visits is not None and stations
    return int(visits[0]), len(stations), str(stations[0][0])


def run(url: str, *, repeat: int, slow_ms: float | None = None) -> None:
    visits, stations, biggest = hub_facts(url)
    read_only()
    print(
        f"\n-- a county hub's screens: {stations} stations, {visits:,} visits; "
        f"median of {repeat} tours --",
        flush=True,
    )
    floor = asyncio.run(bare_table(max(15, repeat)))
    figures: dict[str, list[Sample]] = {}
    errors: list[str] = []
    # The reports `r` writes go to the hub's folder in the user-data dir: a temporary one.
    with tempfile.TemporaryDirectory(prefix="liaison-hub-screens-") as data_home:
        os.environ["XDG_DATA_HOME"] = data_home
        for i in range(repeat + 1):
            errors += asyncio.run(tour(url, figures, record=i > 0, biggest=biggest))
    for name, samples in figures.items():

        def median(of: Callable[[Sample], float], samples: list[Sample] = samples) -> float:
            return statistics.median(of(s) for s in samples)

        floor_name = f"{FLOOR_ROWS} rows in a bare DataTable"
        report(name, median(lambda s: s.ms), floor_name, floor, target_ms=TARGET_MS)
        print(
            f"    in the workers {median(lambda s: s.jobs_ms):.0f} ms "
            f"(its SQL {median(lambda s: s.sql_ms):.0f} ms; other screens' meanwhile "
            f"{median(lambda s: s.others_sql_ms):.0f} ms), handing over the results "
            f"{median(lambda s: s.ui_ms):.0f} ms; slowest run {max(s.ms for s in samples):.0f} ms",
            flush=True,
        )
        if slow_ms is not None:
            _slow_statements(samples, slow_ms)
    for error in dict.fromkeys(errors):
        print(f"!!! a store call failed: {error}", flush=True)


def _slow_statements(samples: list[Sample], slow_ms: float) -> None:
    """The statements over `slow_ms` of the tour whose figure was the median one, slowest
    first, one line each."""
    middle = sorted(samples, key=lambda s: s.ms)[len(samples) // 2]
    for ms, sql in sorted(middle.statements, key=lambda each: -each[0]):
        if ms >= slow_ms:
            flat = " ".join(sql.split())
            print(f"      {ms:7.1f} ms {flat[:100]}{'…' * (len(flat) > 100)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench hub_screens",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--hub", required=True, help="the hub's postgresql:// URL (only read)")
    parser.add_argument("--repeat", type=int, default=5, help="tours timed (median), after one")
    parser.add_argument(
        "--slow", type=float, metavar="MS", help="show each screen's statements slower than MS"
    )
    args = parser.parse_args()
    run(args.hub, repeat=args.repeat, slow_ms=args.slow)


if __name__ == "__main__":
    main()
