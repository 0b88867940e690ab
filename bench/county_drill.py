"""The county drill as a benchmark (issue 19, part 6): demo stations of distinct seeds pushed to a
county hub on a throwaway PostgreSQL server, then what the county's people wait for, each figure
with a floor measured in the same run:

- each station's first push (time, and the pushing process's peak memory), and a push with
  nothing new;
- the hub's screens' reads: the county's dashboard, the board (the county's and the largest
  station's), the statistics of the quarter and of the year (totals and each breakdown, charts),
  search for words of 1, 2 and 4 characters (a page and the counts of every kind);
- the county's quarterly report, and `liaison check` (full, then --quick).

    python -m bench.county_drill                     # make bench's size: 2 × 1,000 visits
    python -m bench county_drill --stations 5 --visits 20000,20000,20000,20000,100000
    python -m bench.county_drill --visits 20000,100000,20000 --seeds 1,5,7

Stations and the pushed hub are built once and kept outside the repository (LIAISON_BENCH_CACHE,
default /var/tmp/liaison-bench: the server runs as `postgres`, who cannot enter /root); a re-run
starts the kept server, shows the first pushes' figures as measured when it was built, and times
everything else again. A hub kept at an older schema is upgraded when opened, as a county's is.
Needs PostgreSQL's binaries (Debian's packages)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bench.common import ROOT, report

if TYPE_CHECKING:
    from pg import PgServer
    from sqlalchemy import Engine

    from store.db import Store

# The demo's "now" (bench.common's): the screens read the county as of its day.
AT = datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
DEFAULT_VISITS = (1000, 1000)
CACHE_ENV = "LIAISON_BENCH_CACHE"
DEFAULT_CACHE = Path("/var/tmp/liaison-bench")
HUB_DB = "hub"
COUNTY = "临溪县"
# The issue's aims (issue 19, "Done when").
SQL_TARGET_MS = 100
NOTHING_NEW_TARGET_S = 0.3
PUSH_MEMORY_TARGET_MIB = 500
# (what, the words typed): search as a deputy types.
# The hub's server as README.md ("The county hub") advises setting one up: shared buffers a
# quarter of the memory of a server holding a 1.5 M-visit county (8 GB), as PostgreSQL's manual
# advises for a dedicated server. At the default 128 MB a 600,000-visit hub (7 GB) reads most
# pages of every screen from the system's cache again: measured in the tour of its screens
# (bench.hub_screens), the statements of a search keystroke 171 ms against 81, a figure's issues
# 121 against 72.
HUB_SERVER = {"shared_buffers": "2GB"}

SEARCHES = (("1 character", "路"), ("2 characters", "垃圾"), ("4 characters", "电动车棚"))


def _cache_dir(given: Path | None) -> Path:
    return given or Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE)


def _demo_sources() -> str:
    """The demo generator's source: stations built by an older generator are built again. (Not
    the schema: a station or hub kept at an older one is upgraded when opened.)"""
    digest = hashlib.sha256()
    for source in ("fixtures/demo.py", "fixtures/texts.py"):
        digest.update((ROOT / source).read_bytes())
    return digest.hexdigest()[:10]


def station_db(cache: Path, visits: int, seed: int) -> Path:
    """A demo station of `visits` visits and `seed` (its own name), built once and kept."""
    from fixtures.demo import build_demo
    from store.core.clock import FrozenClock

    folder = cache / "stations"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"station-{visits}-seed{seed}-{_demo_sources()}.sqlite3"
    if not path.exists():
        began = time.perf_counter()
        print(f"building {path.name} (once) …", flush=True)
        build_demo(path, visits=visits, seed=seed, clock=FrozenClock(AT))
        print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)
    return path


# -------------------------------------------------------------------------------------------
# Pushes, each in a child process of its own (its peak memory is the push's).

# Peak memory is the process's VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across
# fork and exec, so a child of the bench process (hundreds of MiB once it has built a 100,000-visit
# demo) starts with its parent's peak (a drill measured 269.6 MiB before and after every push).
PUSH_CHILD = """
import json, sys, time
from pathlib import Path

def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

from store.station import open_store
from store.sync.hub import open_hub, push_to_hub
from store.sync.stream import version_vector

station_path, url, first = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "first"
hub, _ = open_hub(url)
station = open_store(station_path)
out = {}
if first:
    # The floor: this process with the store imported and both databases open.
    out["peak_mib_before"] = round(peak_mib(), 1)
    began = time.perf_counter()
    done = push_to_hub(station=station, hub=hub)
    out["push_s"] = round(time.perf_counter() - began, 2)
    out["peak_mib"] = round(peak_mib(), 1)
    out["changes"] = done.merge.new
times = []
for _ in range(3):
    began = time.perf_counter()
    again = push_to_hub(station=station, hub=hub)
    times.append(time.perf_counter() - began)
    assert again.merge.new == 0, again.merge
out["nothing_new_s"] = round(sorted(times)[1], 4)
# The floor of a push with nothing new: learning what each side holds (both version vectors).
times = []
for _ in range(3):
    began = time.perf_counter()
    with hub.engine.connect() as a, station.engine.connect() as b:
        version_vector(a)
        version_vector(b)
    times.append(time.perf_counter() - began)
out["vectors_s"] = round(sorted(times)[1], 4)
station.dispose()
hub.dispose()
print(json.dumps(out))
"""


def _child(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _copy_floor_ms(station: Path, url: str) -> float:
    """The floor of a first push: the station's change log read with sqlite3 and copied into a
    bare table on the hub's server (PostgreSQL's COPY), nothing checked or merged."""
    import sqlite3

    import psycopg

    from store.sync.merge import CHANGE_COLUMNS

    began = time.perf_counter()
    source = sqlite3.connect(station)
    try:
        with psycopg.connect(url) as conn:
            columns = ", ".join(f"{c} text" for c in CHANGE_COLUMNS)
            conn.execute(f"CREATE TEMPORARY TABLE bare_log ({columns})")
            rows = source.execute(f"SELECT {', '.join(CHANGE_COLUMNS)} FROM change_log")
            with conn.cursor().copy("COPY bare_log FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.rollback()
    finally:
        source.close()
    return (time.perf_counter() - began) * 1000


# -------------------------------------------------------------------------------------------
# The hub, built once and kept with the first pushes' figures.


@dataclass
class Hub:
    server: PgServer
    url: str
    stations: list[Path]
    pushes: list[dict[str, Any]] = field(default_factory=list)
    built: str = ""


def _hub_root(cache: Path, sizes: list[tuple[int, int]]) -> Path:
    name = "-".join(f"{v}s{s}" for v, s in sizes)
    digest = hashlib.sha256(name.encode()).hexdigest()[:8] if len(name) > 80 else name
    return cache / f"hub-{digest}-{_demo_sources()}"


@contextmanager
def county_hub(cache: Path, sizes: list[tuple[int, int]], *, rebuild: bool) -> Iterator[Hub]:
    """The county hub of these (visits, seed) stations, pushed once and kept; the server runs
    while the caller measures. A kept hub of the first of these stations is copied and the
    others pushed on top: a larger county grows from a smaller one's build."""
    from pg import start_server

    root = _hub_root(cache, sizes)
    stations = [station_db(cache, visits, seed) for visits, seed in sizes]
    figures = root / "pushes.json"
    if rebuild or not figures.exists():
        shutil.rmtree(root, ignore_errors=True)  # an older or half-made build
    grown = None if rebuild or figures.exists() else _smaller_hub(cache, sizes)
    if grown is not None:
        print(f"copying {grown.name} to push the other stations on top …", flush=True)
        root.mkdir(parents=True)
        for part in ("data", "stations"):
            subprocess.run(["cp", "-a", str(grown / part), str(root / part)], check=True)
    server = start_server(root, HUB_SERVER)
    try:
        url = server.url(HUB_DB)
        if figures.exists():
            kept = json.loads(figures.read_text())
            pushed = [root / "stations" / p.name for p in stations]
            yield Hub(server, url, pushed, kept["pushes"], kept["built"])
            return
        hub = Hub(server, url, [], built=time.strftime("%Y-%m-%d"))
        if grown is None:
            init_county(server)
        else:
            hub.pushes = json.loads((grown / "pushes.json").read_text())["pushes"]
            hub.stations = [root / "stations" / p.name for p in stations[: len(hub.pushes)]]
        _push_stations(hub, root, stations[len(hub.pushes) :])
        kept = {"pushes": hub.pushes, "built": hub.built, "sizes": sizes}
        figures.write_text(json.dumps(kept, indent=1))
        yield hub
    finally:
        server.stop()


def _smaller_hub(cache: Path, sizes: list[tuple[int, int]]) -> Path | None:
    """The kept hub of the most of the first of these stations, if any."""
    best: tuple[int, Path] | None = None
    for figures in cache.glob(f"hub-*-{_demo_sources()}/pushes.json"):
        kept = [(int(v), int(s)) for v, s in json.loads(figures.read_text()).get("sizes", [])]
        if 0 < len(kept) < len(sizes) and kept == sizes[: len(kept)]:
            if best is None or len(kept) > best[0]:
                best = (len(kept), figures.parent)
    return None if best is None else best[1]


def init_county(server: PgServer) -> None:
    from store.core.clock import SystemClock
    from store.sync.hub import init_hub

    url = server.create_database(name=HUB_DB)
    init_hub(target=url, county=COUNTY, clock=SystemClock())


def _push_stations(hub: Hub, root: Path, stations: list[Path]) -> None:
    (root / "stations").mkdir(exist_ok=True)
    for source in stations:
        # The hub keeps the copies that pushed to it: a push with nothing new needs one.
        station = root / "stations" / source.name
        shutil.copyfile(source, station)
        print(f"pushing {station.name} …", flush=True)
        figures = _child(PUSH_CHILD, str(station), hub.url, "first")
        print(f"  {figures['push_s']:.0f} s, peak {figures['peak_mib']:.0f} MiB", flush=True)
        figures["copy_floor_ms"] = round(_copy_floor_ms(station, hub.url), 1)
        figures["visits"] = int(station.name.split("-")[1])
        hub.pushes.append(figures)
        hub.stations.append(station)
    _psql_maintenance(hub.url)


def _psql_maintenance(url: str) -> None:
    """VACUUM ANALYZE, as a hub's nightly maintenance would have it (`liaison vacuum`)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# -------------------------------------------------------------------------------------------
# Timing the hub's reads: the whole call, and each SQL statement it sends.


@dataclass
class Statement:
    ms: float
    sql: str
    params: Any


@dataclass
class SqlLog:
    """Every statement an engine runs while `recording`, with its time."""

    recording: bool = False
    statements: list[Statement] = field(default_factory=list)

    def attach(self, engine: Engine) -> None:
        from sqlalchemy import event

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, *_args: Any) -> None:
            conn.info["bench_began"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, _cursor: Any, sql: str, params: Any, *_args: Any) -> None:
            if self.recording:
                ms = (time.perf_counter() - conn.info.pop("bench_began")) * 1000
                self.statements.append(Statement(ms, sql, params))


@dataclass(frozen=True)
class Timed:
    ms: float  # the whole call, median
    sql_ms: float  # its statements' time, median of the runs' sums
    statements: int
    slowest: Statement


def timed(log: SqlLog, fn: Callable[[], object], repeat: int, warmup: int = 1) -> Timed:
    for _ in range(warmup):
        fn()
    wall, sums, runs = [], [], []
    for _ in range(repeat):
        log.statements = []
        log.recording = True
        began = time.perf_counter()
        fn()
        wall.append((time.perf_counter() - began) * 1000)
        log.recording = False
        sums.append(sum(s.ms for s in log.statements))
        runs.append(log.statements)
    # The slowest statement of the run whose SQL took the median time.
    middle = runs[sorted(range(repeat), key=lambda i: sums[i])[repeat // 2]]
    slowest = max(middle, key=lambda s: s.ms, default=Statement(0.0, "", None))
    return Timed(statistics.median(wall), statistics.median(sums), len(middle), slowest)


def _explain(engine: Engine, statement: Statement) -> str:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.params)
        plan = "\n".join(f"      {row[0]}" for row in cursor.fetchall())
        raw.rollback()
        return plan
    finally:
        raw.close()


def _one_line(sql: str, width: int = 90) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# -------------------------------------------------------------------------------------------
# The screens, as each loads in its worker (screens/county.py, board.py, stats.py, search.py).


def _screens(hub: Store, biggest: str) -> dict[str, Callable[[], object]]:
    from store.desk.board import BoardFilter, board_counts, list_board
    from store.desk.moves import last_moves
    from store.reports.county import county_view
    from store.reports.stats import (
        Breakdown,
        Period,
        PeriodKind,
        colour_mix,
        list_breakdown,
        period_figures,
        two_month_trend,
        visits_per_week,
    )
    from store.search.query import SearchKind, count_hits, search
    from store.suggestions.figures import suggestion_figures

    today, tz = AT.date(), AT.tzinfo
    quarter = Period.of(PeriodKind.quarter, today)
    year = Period.of(PeriodKind.year, today)

    def dashboard() -> None:
        with hub.read() as session:
            county_view(session=session, period=quarter, today=today, tz=tz)

    def board(station_id: str | None) -> Callable[[], object]:
        def load() -> None:
            filters = BoardFilter(station_id=station_id)
            with hub.read() as session:
                # As screens.board reads them: the counts, then the page they place.
                counts = board_counts(session=session, today=today, filters=filters)
                page = list_board(session=session, today=today, filters=filters, counts=counts)
                last_moves(session=session, issue_ids=[row.id for row in page.items])

        return load

    def stats(period: Period, by: Breakdown, station_id: str | None = None) -> Callable[[], object]:
        def load() -> None:
            with hub.read() as session:
                period_figures(
                    session=session, period=period, today=today, tz=tz, station_id=station_id
                )
                list_breakdown(
                    session=session,
                    period=period,
                    today=today,
                    tz=tz,
                    breakdown=by,
                    station_id=station_id,
                )
                suggestion_figures(session=session, period=period, station_id=station_id)

        return load

    def charts(period: Period) -> Callable[[], object]:
        def load() -> None:
            with hub.read() as session:
                visits_per_week(session=session, period=period, tz=tz)
                colour_mix(session=session, period=period, today=today)
                two_month_trend(session=session, period=period, today=today)

        return load

    def find(words: str) -> Callable[[], object]:
        def load() -> None:
            with hub.read() as session:
                search(session=session, text=words, today=today, kind=SearchKind.visits)
                for kind in SearchKind:
                    count_hits(session=session, text=words, kind=kind)

        return load

    screens: dict[str, Callable[[], object]] = {
        "county dashboard (quarter)": dashboard,
        "board, the county": board(None),
        "board, the largest station": board(biggest),
        "statistics, quarter, by tier": stats(quarter, Breakdown.tier),
        "statistics, year, by tier": stats(year, Breakdown.tier),
    }
    for by in (Breakdown.unit, Breakdown.village, Breakdown.category, Breakdown.channel):
        screens[f"statistics, year, by {by.value}"] = stats(year, by)
    screens["statistics, year, a station by tier"] = stats(year, Breakdown.tier, biggest)
    screens["statistics charts, year"] = charts(year)
    for what, words in SEARCHES:
        screens[f"search {words} ({what}), page + counts"] = find(words)
    screens.update(_more_screens(hub, today, tz))
    return screens


def _more_screens(hub: Store, today: Any, tz: Any) -> dict[str, Callable[[], object]]:
    """The other screens whose store calls the tour (bench.hub_screens) found slowest, each as
    its screen calls them."""
    from datetime import timedelta

    from sqlalchemy import text

    from store.desk.board import list_board
    from store.desk.follow_up import count_unreachable, list_follow_ups
    from store.desk.issue_page import get_issue
    from store.hot_words.words import rising_words
    from store.reports.deputy_record import list_deputy_records
    from store.reports.stats import Period, PeriodKind, drill_filter, figure_issue_counts
    from store.search.query import SearchKind, search

    quarter = Period.of(PeriodKind.quarter, today)
    year = Period.of(PeriodKind.year, today)

    def figure_issues() -> None:
        filters = drill_filter(period=year, tz=tz, figure="opened")
        with hub.read() as session:
            counts = figure_issue_counts(session=session, today=today, filters=filters)
            list_board(session=session, today=today, filters=filters, counts=counts)

    def follow_up() -> None:
        with hub.read() as session:
            list_follow_ups(session=session, today=today, now=AT)
            count_unreachable(session=session)

    def deputies() -> None:
        with hub.read() as session:
            list_deputy_records(session=session, period=quarter, today=today, tz=tz)

    def hot_words() -> None:
        with hub.read() as session:
            rising_words(session=session, end=today + timedelta(days=1), days=30, limit=50)

    def keystroke() -> None:
        with hub.read() as session:
            search(session=session, text="电动车", today=today, kind=SearchKind.residents)

    with hub.read() as session:
        open_issue = (
            session.connection()
            .execute(
                text(
                    "SELECT id FROM issue WHERE deleted_at IS NULL AND status <> 'closed' "
                    "ORDER BY opened_on, id LIMIT 1"
                )
            )
            .one()[0]
        )

    def issue_page() -> None:
        with hub.read() as session:
            get_issue(session=session, issue_id=open_issue, today=today)

    return {
        "statistics, year, a figure's issues (opened)": figure_issues,
        "follow-up calls": follow_up,
        "deputies, quarter": deputies,
        "hot words, 30 days": hot_words,
        "search 电动车 (a keystroke: the first kind with hits)": keystroke,
        "an issue's page": issue_page,
    }


def _floor(hub: Store) -> Callable[[], object]:
    """A bare page read on the hub: the newest 50 issues' ids through their index (the live ones:
    the index, ix_issue_opened_colour, holds no others; without the clause, a sort of them all)."""
    from sqlalchemy import text

    def load() -> None:
        with hub.read() as session:
            session.connection().execute(
                text(
                    "SELECT id FROM issue WHERE deleted_at IS NULL ORDER BY opened_on DESC LIMIT 50"
                )
            ).all()

    return load


def measure_screens(hub: Store, biggest: str, *, repeat: int, explain_ms: float | None) -> None:
    log = SqlLog()
    log.attach(hub.engine)
    base = timed(log, _floor(hub), repeat=15, warmup=2)
    floor_name = "50 issue ids"
    for name, load in _screens(hub, biggest).items():
        got = timed(log, load, repeat=repeat)
        report(f"{name}: SQL", got.sql_ms, floor_name, base.ms, target_ms=SQL_TARGET_MS)
        print(
            f"    whole load {got.ms:.1f} ms, {got.statements} statements; slowest "
            f"{got.slowest.ms:.1f} ms: {_one_line(got.slowest.sql)}",
            flush=True,
        )
        if explain_ms is not None and got.slowest.ms >= explain_ms:
            print(_explain(hub.engine, got.slowest), flush=True)


# -------------------------------------------------------------------------------------------
# The report and the check, as a county's clerk runs them.


def measure_report(hub: Store, url: str, *, repeat: int) -> None:
    from store.reports.stats import Period, PeriodKind
    from tui.cli_report import write_quarter_report

    quarter = Period.of(PeriodKind.quarter, AT.date())
    with tempfile.TemporaryDirectory(prefix="liaison-drill-") as tmp:
        out = Path(tmp) / "report.html"
        log = SqlLog()
        got = timed(log, lambda: write_quarter_report(url, quarter, [out], AT.date()), repeat)
    floor = timed(SqlLog(), _floor(hub), repeat=15, warmup=2)
    report(f"quarterly report {quarter.code} (html)", got.ms, "50 issue ids", floor.ms)


def _log_read_ms(url: str) -> float:
    """The floor of a full check: the change log read through, as the chain's check reads it."""
    from sqlalchemy import create_engine

    from store.changelog.chain import _COLUMNS

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        began = time.perf_counter()
        with engine.connect() as conn:
            rows = conn.execution_options(stream_results=True, yield_per=5000).exec_driver_sql(
                f"SELECT {_COLUMNS}, chain FROM change_log ORDER BY seq"
            )
            for _row in rows:
                pass
        return (time.perf_counter() - began) * 1000
    finally:
        engine.dispose()


def measure_check(url: str) -> None:
    liaison = Path(sys.executable).with_name("liaison")
    floor_ms = _log_read_ms(url)
    for args in ([], ["--quick"]):
        began = time.perf_counter()
        done = subprocess.run(
            [str(liaison), "check", "--db", url, *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - began
        verdict = "" if done.returncode == 0 else f" (exit {done.returncode})"
        report(
            f"liaison check {' '.join(args)}{verdict}".rstrip(),
            seconds,
            "the log read through",
            floor_ms / 1000,
            unit="s",
        )
        if done.returncode != 0:
            print(f"    {(done.stderr or done.stdout).strip()[-500:]}", flush=True)


# -------------------------------------------------------------------------------------------


def print_pushes(hub: Hub) -> None:
    """The first pushes' figures, as measured when the hub was built (a kept hub is not pushed
    again: `--rebuild` does)."""
    for figures in hub.pushes:
        visits = figures["visits"]
        report(
            f"first push, {visits:,} visits ({figures['changes']:,} changes) †",
            figures["push_s"],
            "COPY of its log",
            figures["copy_floor_ms"] / 1000,
            unit="s",
        )
        report(
            "  its peak memory †",
            figures["peak_mib"],
            "the process before it",
            figures["peak_mib_before"],
            unit="MiB",
            target_ms=PUSH_MEMORY_TARGET_MIB,
        )
    print(f"  † measured when the hub was built ({hub.built})", flush=True)


def measure_nothing_new(hub: Hub) -> None:
    for station in hub.stations:
        figures = _child(PUSH_CHILD, str(station), hub.url, "again")
        report(
            f"push with nothing new, {station.name.split('-')[1]} visits",
            figures["nothing_new_s"] * 1000,
            "both version vectors",
            figures["vectors_s"] * 1000,
            target_ms=NOTHING_NEW_TARGET_S * 1000,
        )


def hub_size(url: str) -> tuple[int, int, int]:
    """(visits, bytes of the database, bytes of the change log and its indexes)."""
    import psycopg

    with psycopg.connect(url) as conn:
        visits = conn.execute("SELECT count(*) FROM visit").fetchone()
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        log = conn.execute("SELECT pg_total_relation_size('change_log')").fetchone()
    assert visits is not None and size is not None and log is not None
    return int(visits[0]), int(size[0]), int(log[0])


def parse_sizes(
    stations: int | None, visits: str | None, seeds: str | None = None
) -> list[tuple[int, int]]:
    """(visits, seed) of each station: seeds 1, 2, 3… (each its own station name), or those
    listed (a county grown from a kept hub with stations kept from another run)."""
    counts = [int(v) for v in visits.split(",")] if visits else list(DEFAULT_VISITS)
    if stations is not None:
        if len(counts) == 1:
            counts = counts * stations
        elif len(counts) != stations:
            raise SystemExit(f"--visits lists {len(counts)} stations, --stations says {stations}")
    numbers = [int(s) for s in seeds.split(",")] if seeds else list(range(1, len(counts) + 1))
    if len(numbers) != len(counts) or len(set(numbers)) != len(numbers):
        raise SystemExit(f"--seeds lists {len(numbers)} distinct seeds for {len(counts)} stations")
    return list(zip(counts, numbers, strict=True))


def run(
    sizes: list[tuple[int, int]] | None = None,
    *,
    cache: Path | None = None,
    rebuild: bool = False,
    repeat: int = 5,
    check: bool = True,
    explain_ms: float | None = None,
) -> None:
    from store.core.clock import FrozenClock
    from store.sync.hub import open_hub

    sys.path.insert(0, str(ROOT / "tests" / "helpers"))
    from pg import find_bindir

    sizes = sizes or parse_sizes(None, None)
    total = sum(v for v, _ in sizes)
    print(f"\n-- county drill: {len(sizes)} stations, {total:,} visits --", flush=True)
    if find_bindir() is None:
        print("skipped: no PostgreSQL binaries (initdb, pg_ctl) on this machine", flush=True)
        return
    with county_hub(_cache_dir(cache), sizes, rebuild=rebuild) as built:
        began = time.perf_counter()
        hub, _info = open_hub(built.url, clock=FrozenClock(AT))
        print(f"hub opened (schema brought up to date) in {time.perf_counter() - began:.1f} s")
        try:
            visits, size, log = hub_size(built.url)
            print(
                f"hub: {visits:,} visits, {size / 2**20:,.0f} MiB "
                f"({size / visits / 1024:.1f} KiB a visit; change log {log / visits / 1024:.1f})",
                flush=True,
            )
            print_pushes(built)
            measure_nothing_new(built)
            biggest = _largest_station(hub)
            measure_screens(hub, biggest, repeat=repeat, explain_ms=explain_ms)
            measure_report(hub, built.url, repeat=max(1, repeat // 2))
        finally:
            hub.dispose()
        if check:
            measure_check(built.url)


def _largest_station(hub: Store) -> str:
    from sqlalchemy import text

    with hub.read() as session:
        row = (
            session.connection()
            .execute(
                text("SELECT station_id FROM visit GROUP BY station_id ORDER BY count(*) DESC")
            )
            .first()
        )
    assert row is not None
    return str(row[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.county_drill",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stations", type=int, help="how many stations (default: as --visits)")
    parser.add_argument(
        "--visits",
        help="each station's visits, comma-separated (one number: every station's); "
        f"default {','.join(map(str, DEFAULT_VISITS))}",
    )
    parser.add_argument(
        "--seeds", help="each station's seed, comma-separated, as many as --visits (default 1, 2…)"
    )
    parser.add_argument("--cache", type=Path, help=f"where built databases are kept ({CACHE_ENV})")
    parser.add_argument("--rebuild", action="store_true", help="push the hub again")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each read (median)")
    parser.add_argument("--no-check", action="store_true", help="skip `liaison check`")
    parser.add_argument(
        "--explain", type=float, metavar="MS", help="EXPLAIN ANALYZE a screen's slowest statement"
    )
    args = parser.parse_args(argv)
    run(
        parse_sizes(args.stations, args.visits, args.seeds),
        cache=args.cache,
        rebuild=args.rebuild,
        repeat=args.repeat,
        check=not args.no_check,
        explain_ms=args.explain,
    )


if __name__ == "__main__":
    main()
