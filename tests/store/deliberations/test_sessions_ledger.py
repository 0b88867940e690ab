"""The ledger names the session a visit was raised at (议事活动, beside 观察点): exported with the
hand-written sessions, imported into a fresh station, the sessions it names are added (listed in
the summary) and each holds the same visits; into a station that recorded the session at another
place, the ledger's visits join it; a cell that is not "kind day place" is refused for that row
alone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ledger_helpers import GOOD, HEADER, write_csv
from sessions_fixture import build_sessions
from small_station import Refs
from sqlalchemy import text

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.models import DeliberationKind
from store.db import Store
from store.deliberations.deliberations import DeliberationIn, log_deliberation
from store.ledger import LedgerInvalid, export_ledger, import_ledger
from store.ledger.export import HEADERS
from store.station import load_station, open_store
from store.trust.backup import backup_to

EVENING_TALK = "百姓夜话 2026-11-05 青石村文化礼堂"
TEA_HOUSE = "民情茶馆 2026-10-20 东塘村茶室"


def _held(store: Store) -> dict[str, int]:
    """Visits per session, as the ledger names it (withdrawn ones too: the ledger has them)."""
    with store.engine.connect() as conn:
        return {
            f"{kind} {day} {place}": n
            for kind, day, place, n in conn.execute(
                text(
                    "SELECT d.kind, d.held_on, d.place, count(v.id) FROM deliberation d"
                    " JOIN visit v ON v.deliberation_id = d.id AND v.deleted_at IS NULL"
                    " GROUP BY d.kind, d.held_on, d.place"
                )
            )
        }


def _named(held: dict[str, int]) -> dict[str, int]:
    return {
        f"{DeliberationKind(key.split()[0]).zh} {' '.join(key.split()[1:])}": n
        for key, n in held.items()
    }


def test_sessions_go_out_and_come_back(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    refs: Refs,
    station_template: Path,
    tmp_path: Path,
) -> None:
    build_sessions(store, actor, refs)
    out = tmp_path / "ledger.csv"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = HEADERS.index("议事活动")
    assert column == HEADERS.index("观察点") + 1
    named = [row[column] for row in rows[1:]]
    # V1–V4 at the evening talk (V4 withdrawn, still a row), V5 at the tea house.
    assert sorted(n for n in named if n) == [TEA_HOUSE] + [EVENING_TALK] * 4
    assert _named(_held(store)) == {EVENING_TALK: 4, TEA_HOUSE: 1}

    fresh = open_store(backup_to(station_template, tmp_path / "fresh.db"), clock=clock)
    try:
        summary = import_ledger(store=fresh, actor=load_station(fresh).actor(), path=out)
        assert summary.sessions_added == (TEA_HOUSE, EVENING_TALK)
        assert _named(_held(fresh)) == {EVENING_TALK: 4, TEA_HOUSE: 1}
        again = import_ledger(store=fresh, actor=load_station(fresh).actor(), path=out)
        assert again.visits_added == 0 and again.sessions_added == ()
    finally:
        fresh.dispose()

    # A station that recorded the evening talk at another place: the ledger's visits join it.
    other = open_store(backup_to(station_template, tmp_path / "other.db"), clock=clock)
    try:
        info = load_station(other)
        with other.write(info.actor()) as session:
            log_deliberation(
                session=session,
                deliberation_in=DeliberationIn(
                    kind=DeliberationKind.evening_talk,
                    held_on=today(clock).replace(month=11, day=5),
                    place="村礼堂",
                ),
            )
        summary = import_ledger(store=other, actor=info.actor(), path=out)
        assert summary.sessions_added == (TEA_HOUSE,)
        assert _named(_held(other)) == {"百姓夜话 2026-11-05 村礼堂": 4, TEA_HOUSE: 1}
    finally:
        other.dispose()


@pytest.mark.parametrize("cell", ["百姓夜话", "夜谈 2026-11-05 礼堂", "百姓夜话 11月5日 礼堂"])
def test_a_session_not_written_as_kind_day_place_is_refused(
    store: Store, actor: Actor, tmp_path: Path, cell: str
) -> None:
    bad = write_csv(tmp_path / "bad.csv", [[*HEADER, "议事活动"], [*GOOD, cell], [*GOOD, ""]])
    with pytest.raises(LedgerInvalid) as refused:
        import_ledger(store=store, actor=actor, path=bad)
    assert [(e.row, e.column, e.key) for e in refused.value.errors] == [
        (2, "议事活动", "ledger.session")
    ]


def test_a_session_named_with_its_place_once_is_the_same_on_later_rows(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    """Seen on a hand-written ledger: the clerk wrote the place on the session's first row only,
    and the next row ("民情茶馆 2026-11-20") was refused as naming no place."""
    second = [*GOOD]
    second[0], second[3] = "2026-11-20 10:00", "13812349999"
    ledger = write_csv(
        tmp_path / "tea.csv",
        [[*HEADER, "议事活动"], [*GOOD, TEA_HOUSE], [*second, "民情茶馆 2026-10-20"]],
    )
    summary = import_ledger(store=store, actor=actor, path=ledger)
    assert summary.sessions_added == (TEA_HOUSE,)
    assert _named(_held(store)) == {TEA_HOUSE: 2}
