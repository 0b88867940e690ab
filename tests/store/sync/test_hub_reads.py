"""A push's and a pull's reads of the hub grow with what they carry, not with the hub (issue 19:
a push's memory flat whatever the hub's size). Pushing stations one after another onto a county
hub once grew each push's peak memory by about 3 KB a visit the hub held (the statistics' days
counted again in the pushing process, every station's rows of them: 469 MiB for a 100,000-visit
station onto 280,000 visits, 738 MiB for a 20,000-visit one onto 440,000). psycopg buffers a
statement's whole result in the client, so what a statement returns is what the process holds:
here every statement the hub answers is counted by its rows, for the same station pushed (and
pulled back) on a hub of one other station and on one of two."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pg import PgServer
from small_station import NOW
from sqlalchemy import event
from sqlmodel import select

from fixtures.demo import build_demo
from store.core.clock import FrozenClock
from store.core.models import Issue, IssueStatus, ProgressCreate
from store.db import Store
from store.desk.issues import add_progress
from store.station import load_station, open_store
from store.sync.hub import init_hub, open_hub, pull_from_hub, push_to_hub
from store.trust.backup import backup_to

CLOCK = FrozenClock(NOW, tz="Asia/Shanghai")
VISITS = 40
# What a push or pull may read more of per station the hub holds: its devices (the version
# vector), the marks of its chain (local_meta), its Station row. Not its records.
PER_STATION = 12
# The search index's words of the batch's texts that the hub knows already (store.search): of
# the words sent, more are known on a larger hub, never more than were sent.
_WORDS_KNOWN = "SELECT id, text FROM word WHERE text IN"


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three demo stations of their own names (seeds), the same months of visits."""
    directory = tmp_path_factory.mktemp("demos")
    made = []
    for seed in (1, 2, 3):
        path = directory / f"demo{seed}.db"
        build_demo(path, visits=VISITS, seed=seed, clock=CLOCK)
        made.append(path)
    return made


@contextmanager
def _rows_read(store: Store) -> Iterator[dict[str, int]]:
    """The rows each statement the store's database answered returned, by statement."""
    read: dict[str, int] = {}

    def count(_conn: Any, cursor: Any, sql: str, *_args: Any) -> None:
        if cursor.description is not None and not sql.startswith(_WORDS_KNOWN):
            read[sql] = read.get(sql, 0) + max(cursor.rowcount, 0)

    event.listen(store.engine, "after_cursor_execute", count)
    try:
        yield read
    finally:
        event.remove(store.engine, "after_cursor_execute", count)


def _push(hub: Store, station: Path, copy: Path) -> None:
    store = open_store(backup_to(station, copy), clock=CLOCK)
    try:
        push_to_hub(station=store, hub=hub)
    finally:
        store.dispose()


def _exchange(hub: Store, station: Path, work: Path) -> tuple[int, int, int, int]:
    """The station pushed to the hub, a county's supervision note written there on one of its
    issues, and the note pulled back: the changes pushed and pulled, the rows the hub returned
    to the push and to the pull."""
    store = open_store(backup_to(station, work / "pushed.db"), clock=CLOCK)
    try:
        with _rows_read(hub) as pushed:
            done = push_to_hub(station=store, hub=hub)
        mine = load_station(store).id
        with hub.write(load_station(hub).actor()) as session:
            issue_id = session.exec(
                select(Issue.id)
                .where(Issue.station_id == mine, Issue.status != IssueStatus.closed)
                .order_by(Issue.id)
            ).first()
            assert issue_id is not None
            add_progress(
                session=session,
                issue_id=issue_id,
                progress_in=ProgressCreate(status=IssueStatus.supervising, note="县里督办"),
            )
        with _rows_read(hub) as pulled:
            back = pull_from_hub(station=store, hub=hub)
    finally:
        store.dispose()
    return done.merge.new, back.merge.new, sum(pushed.values()), sum(pulled.values())


def test_what_a_push_and_a_pull_read_of_the_hub_does_not_grow_with_the_hub(
    demos: list[Path],
    tmp_path: Path,
    pg_url_factory: Callable[[], str],
    pg_server: PgServer,
) -> None:
    first = pg_url_factory()
    init_hub(target=first, county="临溪县", clock=CLOCK)
    hub, _ = open_hub(first, clock=CLOCK)
    _push(hub, demos[0], tmp_path / "first.db")
    # A copy of the hub of one station, and another station pushed to it.
    hub.engine.dispose()
    copy = pg_server.create_database(template=first.rsplit("/", 1)[1])
    bigger, _ = open_hub(copy, clock=CLOCK)
    try:
        _push(bigger, demos[1], tmp_path / "second.db")
        (tmp_path / "small").mkdir()
        (tmp_path / "big").mkdir()
        small = _exchange(hub, demos[2], tmp_path / "small")
        big = _exchange(bigger, demos[2], tmp_path / "big")
    finally:
        hub.dispose()
        bigger.dispose()
        pg_server.drop_database(copy)
    assert small[:2] == big[:2] and small[0] > VISITS and small[1] > 0
    # A station more on the hub (as many records as this one's): the push and the pull read as
    # much of it, but for the few rows a station keeps there.
    assert big[2] <= small[2] + PER_STATION, (small, big)
    assert big[3] <= small[3] + PER_STATION, (small, big)
