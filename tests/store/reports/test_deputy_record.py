"""The deputies' record (store.reports.deputy_record) against the hand-worked quarter of
tests/helpers/record_fixture.py, and the printable summary for the report to voters (述职)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from record_fixture import D1, D2, TZ, build_record
from small_station import Refs

from store.core.clock import FrozenClock
from store.core.errors import DeputyNotFound
from store.core.models import Colour
from store.db import Store
from store.reports.deputy_record import (
    DeputyRecord,
    get_deputy_record,
    list_deputy_records,
    list_led_issues,
    print_deputy_record,
)
from store.reports.stats import Period, PeriodKind
from store.station import StationInfo

TODAY_DATE = date(2026, 11, 24)
Q4 = Period.parse_quarter("2026Q4")
Q3 = Period.parse_quarter("2026Q3")


@pytest.fixture
def ids(store: Store, clock: FrozenClock, station_info: StationInfo, refs: Refs) -> dict[str, str]:
    return build_record(store=store, clock=clock, station=station_info, refs=refs)


def _figures(record: DeputyRecord) -> dict[str, object]:
    return {
        "shifts": record.shifts,
        "handovers": record.handovers,
        "visits": record.visits,
        "issues": record.issues,
        "closed": record.closed,
        "evaluated": record.evaluated,
        "satisfied": record.satisfied,
        "leader_visits": record.leader_visits,
        "colours": {c.value: n for c, n in record.colours.items() if n},
    }


def _records(store: Store, period: Period) -> dict[str, DeputyRecord]:
    with store.read() as session:
        page = list_deputy_records(session=session, period=period, today=TODAY_DATE, tz=TZ)
    assert page.total == 2
    return {r.name: r for r in page.items}


def test_the_quarter_by_hand(store: Store, ids: dict[str, str]) -> None:
    q4 = _records(store, Q4)
    assert list(q4) == sorted([D1, D2])  # by name
    assert _figures(q4[D1]) == {
        "shifts": 3,
        "handovers": 1,
        "visits": 4,
        "issues": 4,
        "closed": 1,
        "evaluated": 2,
        "satisfied": 1,
        "leader_visits": 2,
        "colours": {"green": 2, "red": 2},
    }
    assert q4[D1].closure_rate == 0.25 and q4[D1].satisfaction_rate == 0.5
    assert _figures(q4[D2]) == {
        "shifts": 1,
        "handovers": 1,
        "visits": 1,
        "issues": 1,
        "closed": 0,
        "evaluated": 0,
        "satisfied": 0,
        "leader_visits": 1,
        "colours": {"green": 1},
    }
    assert q4[D2].closure_rate == 0.0 and q4[D2].satisfaction_rate is None

    q3 = _records(store, Q3)
    assert (q3[D1].shifts, q3[D1].visits, q3[D1].issues, q3[D1].leader_visits) == (1, 1, 1, 0)
    assert (q3[D2].shifts, q3[D2].issues, q3[D2].leader_visits) == (0, 0, 1)


def test_a_month_and_a_year(store: Store, ids: dict[str, str], refs: Refs) -> None:
    with store.read() as session:
        november = get_deputy_record(
            session=session,
            deputy_id=refs.deputies[D1],
            period=Period.of(PeriodKind.month, TODAY_DATE),
            today=TODAY_DATE,
            tz=TZ,
        )
        year = get_deputy_record(
            session=session,
            deputy_id=refs.deputies[D1],
            period=Period.of(PeriodKind.year, TODAY_DATE),
            today=TODAY_DATE,
            tz=TZ,
        )
    # November: shifts 11-10 and 11-24 (12-01 is ahead), issue A, leader visits 11-02, 11-20.
    assert (november.shifts, november.issues, november.leader_visits) == (2, 1, 2)
    assert november.colours[Colour.green] == 1
    assert (year.shifts, year.issues, year.visits, year.leader_visits) == (4, 5, 5, 2)


def test_led_issues_and_unknown_deputy(store: Store, ids: dict[str, str], refs: Refs) -> None:
    with store.read() as session:
        page = list_led_issues(
            session=session, deputy_id=refs.deputies[D1], period=Q4, today=TODAY_DATE, limit=3
        )
        assert page.total == 4
        assert [r.id for r in page.items] == [ids["B"], ids["C"], ids["D"]]
        assert [r.colour for r in page.items] == [Colour.red, Colour.green, Colour.red]
        with pytest.raises(DeputyNotFound):
            get_deputy_record(
                session=session, deputy_id="nobody", period=Q4, today=TODAY_DATE, tz=TZ
            )


def test_printed_summary(store: Store, ids: dict[str, str], refs: Refs, tmp_path: Path) -> None:
    with store.read() as session:
        md, html = print_deputy_record(
            session=session,
            deputy_id=refs.deputies[D1],
            period=Q4,
            today=TODAY_DATE,
            tz=TZ,
            templates=tmp_path / "templates",
            out_dir=tmp_path / "prints",
        )
    assert md.name == f"述职-{D1}-2026Q4.md" and html.suffix == ".html"
    text, page = md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")
    for out in (text, page):
        assert f"{D1} 代表履职情况" in out and "2026年第4季度" in out
        assert "3 次" in out and "4 件" in out and "25.0%" in out and "50.0%" in out
        assert "桥头护栏断了" in out and "■ 红" in out and "● 绿" in out
        # The deputies' suggestions (none in this quarter's fixture: counted in
        # tests/store/suggestions).
        assert "领衔 0 件，附议 0 件" in out and "0 件，代表满意 0 件" in out
    assert "@page { size: A4" in page and "<table>" in page
