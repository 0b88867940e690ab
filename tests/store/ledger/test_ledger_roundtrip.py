"""An exported ledger imports back into a fresh station to the same visits and issues
(docs/rules/ledger.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from ledger_helpers import change_count, first_sheet, generate_station, issue_states
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.models import Channel, Issue, IssueStatus, Tier, Visit
from store.db import Store
from store.ledger import LedgerInvalid, export_ledger, import_ledger
from store.ledger.export import HEADERS
from store.station import load_station, open_store
from store.trust.backup import backup_to

REF = HEADERS.index("事项")


def _rows(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh))
    book = load_workbook(path)
    rows = [
        ["" if v is None else str(v) for v in row]
        for row in first_sheet(book).iter_rows(values_only=True)
    ]
    return rows


def _without_ref(rows: list[list[str]]) -> list[list[str]]:
    return [row[:REF] + row[REF + 1 :] for row in rows]


@pytest.fixture
def fresh(station_template: Path, tmp_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """A second, empty copy of the small station (same units, deputies and categories)."""
    opened = open_store(backup_to(station_template, tmp_path / "fresh.db"), clock=clock)
    yield opened
    opened.dispose()


def _count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip(
    suffix: str, store: Store, actor: Actor, clock: FrozenClock, fresh: Store, tmp_path: Path
) -> None:
    logged = generate_station(store, actor, clock)
    first = tmp_path / f"first{suffix}"
    with store.read() as session:
        written = export_ledger(session=session, out=first, today=today(clock), reveal=True)
    assert written == logged
    rows = _rows(first)
    # The generated station covers every channel, tier, status and verdict.
    assert {r[1] for r in rows[1:]} == {c.zh for c in Channel}
    assert {r[8] for r in rows[1:]} - {""} == {t.zh for t in Tier}
    assert {r[10] for r in rows[1:]} - {""} == {s.zh for s in IssueStatus}
    assert {r[11] for r in rows[1:]} - {""} == {"满意", "基本满意", "不满意"}

    info = load_station(fresh)
    summary = import_ledger(store=fresh, actor=info.actor(), path=first)
    assert summary.visits_added == logged and summary.duplicates == 0
    assert summary.villages_added == ()
    second = tmp_path / f"second{suffix}"
    with fresh.read() as session:
        export_ledger(session=session, out=second, today=today(clock), reveal=True)

    assert _without_ref(_rows(second)) == _without_ref(rows)
    assert _count(fresh, Visit) == _count(store, Visit)
    assert _count(fresh, Issue) == _count(store, Issue) == summary.issues_created
    assert issue_states(fresh) == issue_states(store)


def test_reimporting_the_same_file_adds_nothing(
    store: Store, actor: Actor, clock: FrozenClock, fresh: Store, tmp_path: Path
) -> None:
    generate_station(store, actor, clock)
    out = tmp_path / "ledger.csv"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)
    info = load_station(fresh)
    first = import_ledger(store=fresh, actor=info.actor(), path=out)
    before = change_count(fresh)
    again = import_ledger(store=fresh, actor=info.actor(), path=out)
    assert again.visits_added == 0 and again.issues_created == 0
    assert again.duplicates == first.rows_read
    assert change_count(fresh) == before


def test_masked_export_does_not_import(
    store: Store, actor: Actor, clock: FrozenClock, fresh: Store, tmp_path: Path
) -> None:
    """A round trip needs reveal=True (`--reveal`): masked phones are not valid phones."""
    generate_station(store, actor, clock)
    out = tmp_path / "masked.xlsx"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock))
    assert "****" in _rows(out)[1][3]
    before = change_count(fresh)
    with pytest.raises(LedgerInvalid) as caught:
        import_ledger(store=fresh, actor=load_station(fresh).actor(), path=out)
    assert {e.key for e in caught.value.errors} == {"field.phone"}
    assert change_count(fresh) == before


def test_xlsx_is_styled(store: Store, actor: Actor, clock: FrozenClock, tmp_path: Path) -> None:
    generate_station(store, actor, clock)
    out = tmp_path / "ledger.xlsx"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)
    sheet = first_sheet(load_workbook(out))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith(f"A1:{get_column_letter(len(HEADERS))}")
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("D9E1F2")
    # 内容 holds long CJK text: its column is wider than 渠道's.
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width
    coloured = [row[-1] for row in sheet.iter_rows(min_row=2) if row[-1].value]
    assert coloured and all(c.fill.fill_type == "solid" for c in coloured)


def test_xlsx_cells_are_what_excel_computes_with(
    store: Store, actor: Actor, clock: FrozenClock, tmp_path: Path
) -> None:
    """Seen: dates were text, phones General-formatted (Excel turns them into numbers on edit),
    and the ledger printed as 212 portrait pages with its columns split across them."""
    generate_station(store, actor, clock)
    out = tmp_path / "ledger.xlsx"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)
    sheet = first_sheet(load_workbook(out))
    rows = list(sheet.iter_rows(min_row=2))
    column = {header: i for i, header in enumerate(HEADERS)}
    for row in rows:
        received = row[column["日期"]]
        assert isinstance(received.value, datetime) and received.number_format == "yyyy-mm-dd hh:mm"
        phone = row[column["电话"]]
        assert phone.data_type == "s" and phone.number_format == "@"
    triaged = [row for row in rows if row[column["事项"]].value]
    for row in triaged:
        opened = row[column["受理日期"]]
        assert isinstance(opened.value, datetime) and opened.number_format == "yyyy-mm-dd"
        assert isinstance(row[column["期限"]].value, datetime)
        assert isinstance(row[column["再监督次数"]].value, int)
    closed = [row for row in triaged if row[column["状态"]].value == "已办结"]
    assert closed and all(isinstance(r[column["办结日期"]].value, datetime) for r in closed)
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"


def test_a_first_import_builds_indexes_once_and_leaves_them_whole(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    fresh: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bulk path (indexes and the search index rebuilt at the end) gives the same station:
    every index and trigger back, the round trip equal, `check` sound."""
    import store.ledger.apply as apply
    from store.trust.check import check_database

    monkeypatch.setattr(apply, "BULK_FROM", 0)  # take the bulk path even for a small ledger
    generate_station(store, actor, clock)
    out = tmp_path / "ledger.csv"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)

    def schema(opened: Store) -> set[str]:
        with opened.engine.connect() as conn:
            return {
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"
                )
            }

    before = schema(fresh)
    import_ledger(store=fresh, actor=load_station(fresh).actor(), path=out)
    assert schema(fresh) == before
    assert check_database(engine=fresh.engine).ok
    assert issue_states(fresh) == issue_states(store)
