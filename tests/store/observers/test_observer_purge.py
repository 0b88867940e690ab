"""Observers' personal data removed after the retention period, as residents' is: retired on or
before the cut-off with every issue through them closed by then; the change log redacted and
its chain still whole; the file rewritten; the counts untouched."""

from __future__ import annotations

from datetime import date

from observers_fixture import NAMES, PHONES, ObserverSet, build_observers
from small_station import STATION_TZ, Refs
from sqlalchemy import text

from store.changelog.chain import verify_chain
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issues import close_issue
from store.observers.figures import observer_figures
from store.observers.observers import get_observer, retire_observer
from store.observers.retention import plan_observer_purge, purge_observers
from store.reports.stats import Period
from store.trust.erase import erase_purged_values

# Five years (the default) before this day is 2027-01-01: after 赵大海 (retired 2026-09-20)
# and 孙丽 (retired below, 2026-11-24) left.
LATER = date(2032, 1, 1)


def test_retired_observers_are_purged_when_nothing_through_them_is_pending(
    store: Store, clock: FrozenClock, actor: Actor, refs: Refs
) -> None:
    made: ObserverSet = build_observers(store, clock, actor, refs)
    o3, o4 = made.observers["O3"], made.observers["O4"]
    with store.write(actor) as session:
        retire_observer(session=session, observer_id=o4)

    def due() -> int:
        with store.read() as session:
            return plan_observer_purge(session=session, today=LATER).observers

    # 赵大海's issues I1 and I6 are still open: only 孙丽 (nothing through her) is due.
    assert due() == 1
    with store.write(actor) as session:
        for issue in ("I1", "I6"):
            close_issue(session=session, issue_id=made.issues[issue], evaluation_in=None)
    assert due() == 2
    with store.read() as session:
        before = observer_figures(
            session=session, period=Period.parse_quarter("2026Q3"), tz=STATION_TZ
        )
    with store.write(actor) as session:
        purged, entries = purge_observers(session=session, today=LATER)
    assert purged == 2 and entries >= 2
    with store.read() as session:
        gone = get_observer(session=session, observer_id=o3)
        after = observer_figures(
            session=session, period=Period.parse_quarter("2026Q3"), tz=STATION_TZ
        )
    assert (gone.name, gone.phone_masked, gone.purged) == ("", "", True)
    # The counts stand: the visits still name his record.
    assert [(o.observer_id, o.visits, o.issues) for o in after.observers] == [
        (o.observer_id, o.visits, o.issues) for o in before.observers
    ]
    with store.engine.connect() as conn:
        assert verify_chain(conn).ok
        for secret in (NAMES["O3"], PHONES["O3"], NAMES["O4"], PHONES["O4"]):
            held = conn.execute(
                text("SELECT count(*) FROM change_log WHERE fields LIKE :s"), {"s": f"%{secret}%"}
            ).scalar_one()
            assert held == 0, secret
        # The serving observers keep theirs.
        kept = conn.execute(
            text("SELECT count(*) FROM observer WHERE phone = :p"), {"p": PHONES["O1"]}
        ).scalar_one()
        assert kept == 1
    assert purge_observers_again(store, actor) == (0, 0)
    assert erase_purged_values(store.engine).complete
    path = store.engine.url.database
    assert path is not None
    with open(path, "rb") as fh:
        data = fh.read()
    assert PHONES["O3"].encode() not in data and NAMES["O3"].encode() not in data
    assert PHONES["O1"].encode() in data


def purge_observers_again(store: Store, actor: Actor) -> tuple[int, int]:
    with store.write(actor) as session:
        return purge_observers(session=session, today=LATER)
