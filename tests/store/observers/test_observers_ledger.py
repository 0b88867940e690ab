"""The ledger carries observers and points (观察员, 观察点, beside 代表): exported with the
hand-written set, masked or not no observer's phone is in it; imported into a fresh station, the
observers and points it names are added (listed in the summary) and the figures per observer and
point come back the same; a row of another channel naming an observer is refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ledger_helpers import GOOD, HEADER, write_csv
from observers_fixture import NAMES, PHONES, POINT_NAMES, build_observers
from small_station import STATION_TZ, Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.db import Store
from store.ledger import LedgerInvalid, export_ledger, import_ledger
from store.ledger.export import HEADERS
from store.observers.figures import observer_figures
from store.reports.stats import Period
from store.station import load_station, open_store
from store.trust.backup import backup_to

Q4 = Period.parse_quarter("2026Q4")


def _figures(store: Store) -> tuple[set[tuple[str, int, int]], set[tuple[str, int, int]]]:
    with store.read() as session:
        found = observer_figures(session=session, period=Q4, tz=STATION_TZ)
    return (
        {(o.name, o.visits, o.issues) for o in found.observers if o.visits or o.issues},
        {(p.name, p.visits, p.issues) for p in found.points if p.visits or p.issues},
    )


def test_observers_and_points_go_out_and_come_back(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    refs: Refs,
    station_template: Path,
    tmp_path: Path,
) -> None:
    build_observers(store, clock, actor, refs)
    masked, clear = tmp_path / "masked.csv", tmp_path / "clear.csv"
    with store.read() as session:
        export_ledger(session=session, out=masked, today=today(clock))
        export_ledger(session=session, out=clear, today=today(clock), reveal=True)
    for out in (masked, clear):
        text = out.read_text(encoding="utf-8-sig")
        assert not [phone for phone in PHONES.values() if phone in text]
    with clear.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    observer, point = HEADERS.index("观察员"), HEADERS.index("观察点")
    assert observer == HEADERS.index("代表") + 1 and point == observer + 1
    relayed = {(row[observer], row[point]) for row in rows[1:]}
    assert (NAMES["O1"], POINT_NAMES["P2"]) in relayed and (NAMES["O3"], "") in relayed
    assert ("", "") in relayed  # the walk-in

    fresh = open_store(backup_to(station_template, tmp_path / "fresh.db"), clock=clock)
    try:
        summary = import_ledger(store=fresh, actor=load_station(fresh).actor(), path=clear)
        assert set(summary.observers_added) == {NAMES[k] for k in ("O1", "O2", "O3")}
        assert set(summary.points_added) == {POINT_NAMES["P1"], POINT_NAMES["P2"]}
        assert _figures(fresh) == _figures(store)
        # Imported again: the same visits, no second observer of a name.
        again = import_ledger(store=fresh, actor=load_station(fresh).actor(), path=clear)
        assert again.visits_added == 0 and again.observers_added == ()
    finally:
        fresh.dispose()

    bad = write_csv(tmp_path / "bad.csv", [[*HEADER, "观察员", "观察点"], [*GOOD, NAMES["O1"], ""]])
    with pytest.raises(LedgerInvalid) as refused:
        import_ledger(store=store, actor=actor, path=bad)
    assert [(e.row, e.column, e.key) for e in refused.value.errors] == [
        (2, "观察员", "observer.channel_only")
    ]
