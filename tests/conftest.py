"""Shared fixtures: a frozen clock, a small station on a real SQLite file, and a demo station.

Store, screen and CLI tests all build on these. Everything writes to real SQLite files under
pytest's tmp dirs; nothing is mocked. The demo database is built once per session and must be
treated as read-only: tests that write to a demo station use `demo_copy_path`.

Tests marked `both_backends` run twice, on SQLite and on PostgreSQL (a server of the session's
own, tests/helpers/pg.py): their `store` is the same small station in a database of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pg import PgServer, PostgresUnavailable, required, start_server
from small_station import (  # noqa: F401  (re-exported to the tests)
    CATEGORY,
    COMMUNITY,
    DEMO_VISITS,
    DEPUTY,
    NOW,
    OTHER_DEPUTY,
    OTHER_VILLAGE,
    SMALL_STATION,
    STATION_TZ,
    TODAY,
    VILLAGE,
    Refs,
)

from fixtures.demo import build_demo
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Channel, Tier, VisitCreate, VisitKind
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import open_issue
from store.desk.visits import VisitRow, log_visit
from store.reference.lists import list_categories, list_deputies, list_units, list_villages
from store.station import (
    StationInfo,
    init_station,
    load_station,
    open_store,
)
from store.trust.backup import backup_to
from tui.i18n import set_language


@pytest.fixture(autouse=True)
def chinese_interface() -> Iterator[None]:
    """Each test ends with the interface in Chinese, the default, whatever language it set or
    switched to (the language is the process's: tui.i18n)."""
    yield
    set_language("zh")


@pytest.fixture(autouse=True)
def toasts_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast stays until the test has read it: Textual's last 5 s, which the steps before the
    reading outlast on a loaded machine (a test then found no toast at all)."""
    from textual.app import App

    monkeypatch.setattr(App, "NOTIFICATION_TIMEOUT", 3600.0)


@pytest.fixture
def clock() -> FrozenClock:
    """A clock standing at 2026-11-24 10:00 Asia/Shanghai; tests may `advance` it."""
    return FrozenClock(NOW, tz="Asia/Shanghai")


@pytest.fixture(scope="session")
def station_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small station made once per session by `init_station` at `NOW`; never opened again.

    Running the migrations costs about 0.1 s, copying the result a few milliseconds."""
    path = tmp_path_factory.mktemp("template") / "station.db"
    init_station(engine_path=path, station=SMALL_STATION, clock=FrozenClock(NOW))
    return path


@pytest.fixture
def station_path(tmp_path: Path, station_template: Path) -> Path:
    """A fresh station database file of this test's own, as `init_station` makes it: 2 deputies,
    2 villages and a community, the default units, categories and settings.

    Every test gets a byte-for-byte copy of one session-wide station, so ids are the same
    across tests, never shared state."""
    return backup_to(station_template, tmp_path / "station.db")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run on SQLite and on PostgreSQL (the `store` fixture's)"
    )
    config.addinivalue_line(
        "markers", "sqlite_only: in a both_backends module, a test of SQLite itself (FTS5...)"
    )


# A test that reads the SQLite file itself (or the demo's) stays on SQLite, marked or not.
_FILE_FIXTURES = {"station_path", "demo_path", "demo_copy_path"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = set(metafunc.fixturenames)
    marked = metafunc.definition.get_closest_marker
    if (
        "backend" in names
        and not names & _FILE_FIXTURES
        and marked("both_backends")
        and not marked("sqlite_only")
    ):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database the `store` fixture is on: sqlite unless the test is `both_backends`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the session, started on first use; skips (fails, with
    LIAISON_REQUIRE_PG set) where PostgreSQL is not installed."""
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        if required():
            pytest.fail(f"PostgreSQL is required here (LIAISON_REQUIRE_PG): {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url_factory(pg_server: PgServer) -> Iterator[Callable[[], str]]:
    """Call it for the URL of a new, empty PostgreSQL database (a hub, a station...); each is
    dropped after the test."""
    made: list[str] = []

    def make() -> str:
        made.append(pg_server.create_database())
        return made[-1]

    yield make
    for url in made:
        pg_server.drop_database(url)


@pytest.fixture(scope="session")
def pg_station_template(pg_server: PgServer) -> str:
    """The small station made once per session by `init_station` at `NOW` on PostgreSQL: the
    database each PostgreSQL test's station is copied from (CREATE DATABASE … TEMPLATE)."""
    url = pg_server.create_database()
    init_station(engine_path=url, station=SMALL_STATION, clock=FrozenClock(NOW))
    return url.rsplit("/", 1)[1]


@pytest.fixture
def store_url(request: pytest.FixtureRequest, backend: str) -> Iterator[Path | str]:
    """The small station's database for this test: a SQLite file (`station_path`), or a
    PostgreSQL database copied from `pg_station_template`, dropped afterwards."""
    if backend == "sqlite":
        yield request.getfixturevalue("station_path")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.create_database(template=request.getfixturevalue("pg_station_template"))
    yield url
    server.drop_database(url)


@pytest.fixture
def store(store_url: Path | str, clock: FrozenClock) -> Iterator[Store]:
    """The small station opened with `open_store` on the frozen clock; disposed afterwards."""
    opened = open_store(store_url, clock=clock)
    yield opened
    opened.dispose()


@pytest.fixture
def station_info(store: Store) -> StationInfo:
    """The small station's station and device ids."""
    return load_station(store)


@pytest.fixture
def refs(store: Store) -> Refs:
    """Ids of the small station's villages, categories, units and deputies, by name."""
    with store.read() as session:
        return Refs(
            villages={c.name: c.id for c in list_villages(session=session)},
            categories={c.name: c.id for c in list_categories(session=session)},
            units={c.name: c for c in list_units(session=session)},
            deputies={c.name: c.id for c in list_deputies(session=session)},
        )


@pytest.fixture
def actor(station_info: StationInfo, refs: Refs) -> Actor:
    """The deputy on duty (沈国强) writing on this station's device."""
    return station_info.actor(refs.deputies[DEPUTY])


@pytest.fixture
def make_visit(store: Store, actor: Actor, refs: Refs) -> Callable[..., VisitRow]:
    """Log one visit through `log_visit` in its own write transaction.

    Keyword arguments override the form's fields; `village` and `category` take names."""

    def make(
        *,
        phone: str = "13812341234",
        name: str = "王阿姨",
        village: str = VILLAGE,
        category: str = CATEGORY,
        text: str = "村口的路灯坏了一个多月，晚上走路看不见。",
        channel: Channel = Channel.walk_in,
        kind: VisitKind = VisitKind.request,
        consent: bool = False,
        no_callback: bool = False,
    ) -> VisitRow:
        form = VisitCreate(
            phone=phone,
            name=name,
            village_id=refs.villages[village],
            category_id=refs.categories[category],
            channel=channel,
            kind=kind,
            text=text,
            consent_forward=consent,
            no_callback=no_callback,
        )
        with store.write(actor) as session:
            return log_visit(session=session, visit_in=form)

    return make


@pytest.fixture
def make_issue(
    store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]
) -> Callable[..., IssueRow]:
    """Log a visit and triage it to a new issue at `tier` (default village), today."""

    def make(*, tier: Tier = Tier.village, village: str = VILLAGE, **visit: Any) -> IssueRow:
        row = make_visit(village=village, **visit)
        with store.write(actor) as session:
            return open_issue(
                session=session,
                visit_id=row.id,
                tier=tier,
                unit_id=refs.unit_for(tier, village),
            )

    return make


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo station of 600 visits built once per session at the same instant as `clock`.

    Read-only by convention: write to `demo_copy_path` instead."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, visits=DEMO_VISITS, clock=FrozenClock(NOW, tz="Asia/Shanghai"))
    return path


@pytest.fixture
def demo_copy_path(demo_path: Path, tmp_path: Path) -> Path:
    """A private copy of the demo station that a test may write to."""
    return backup_to(demo_path, tmp_path / "demo.db")
