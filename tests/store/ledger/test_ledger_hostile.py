"""Hostile but valid text survives import and export unchanged, with no live formula
(docs/rules/data.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ledger_helpers import GOOD, HEADER, first_sheet, write_csv
from openpyxl import load_workbook
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.models import Visit
from store.db import Store
from store.ledger import export_ledger, import_ledger
from store.ledger.columns import neutralise, restore
from store.station import load_station, open_store
from store.trust.backup import backup_to

HOSTILE = [
    "[bold]x[/] [red]markup[/red]",
    "=1+1",
    "+86",
    "-5",
    "@SUM(A1)",
    '=HYPERLINK("http://example.com","点我")',
    "'=already quoted",
    "''-twice",
    "喜欢 😀👨‍👩‍👧 emoji",
    "生僻字 𠀀𪚥",
    "长" * 5000,
    "两行\n第二行\t带制表符",
]


def _texts(store: Store) -> list[str]:
    with store.read() as session:
        return list(session.exec(select(Visit.text).order_by(col(Visit.received_at))).all())


@pytest.mark.parametrize("cell", ["=1+1", "'=x", "''@y", "+", "-", "plain", "'plain", "\t=x"])
def test_neutralise_round_trips(cell: str) -> None:
    assert restore(neutralise(cell)) == cell


def test_escape_sequences_are_stripped(store: Store, actor: Actor, tmp_path: Path) -> None:
    rows = [HEADER, [*GOOD[:5], "\x1b[31m红字\x1b[0m\x07", *GOOD[6:]]]
    import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "e.csv", rows))
    assert _texts(store) == ["[31m红字[0m"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hostile_text_round_trips(
    suffix: str,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    station_template: Path,
    tmp_path: Path,
) -> None:
    # Written as our exports write CSV: import takes one quote off a neutralised cell.
    rows = [HEADER] + [[*GOOD[:5], neutralise(text), *GOOD[6:]] for text in HOSTILE]
    summary = import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "in.csv", rows))
    assert summary.visits_added == len(HOSTILE)
    assert _texts(store) == HOSTILE

    out = tmp_path / f"out{suffix}"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)
    if suffix == ".xlsx":
        book = load_workbook(out)
        cells = [c for row in first_sheet(book).iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]
        assert [row[5].value for row in first_sheet(book).iter_rows(min_row=2)] == HOSTILE
        formula_like = [row[5] for row in first_sheet(book).iter_rows(min_row=2)][1:6]
        assert all(c.quotePrefix for c in formula_like)
    else:
        with out.open(encoding="utf-8-sig", newline="") as fh:
            written = [row[5] for row in list(csv.reader(fh))[1:]]
        assert written[1:6] == ["'=1+1", "'+86", "'-5", "'@SUM(A1)", "'" + HOSTILE[5]]
        assert written[6:8] == ["''=already quoted", "'''-twice"]
        assert written[0] == HOSTILE[0]

    fresh = open_store(backup_to(station_template, tmp_path / "fresh.db"), clock=clock)
    try:
        import_ledger(store=fresh, actor=load_station(fresh).actor(), path=out)
        assert _texts(fresh) == HOSTILE
    finally:
        fresh.dispose()
