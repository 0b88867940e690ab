"""The statistics' SQL in each database's own shape (issue 19, part 3): the same figures as the
rule says, whatever form the SQL takes on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Column, Date, MetaData, Table, insert, select

from store.db import Store
from store.reports.figure_sql import _WithinTwoMonths, add_months

pytestmark = pytest.mark.both_backends


def _pairs() -> list[tuple[date, date]]:
    """Opening days around month ends (31st, 30th, Feb 28/29 of leap and common years, New
    Year), each with closing days from the day itself to ten weeks on."""
    openings = set()
    for year in (2023, 2024, 2026):
        for month in range(1, 13):
            first = date(year, month, 1)
            openings |= {first, first - timedelta(days=1), first - timedelta(days=2)}
            openings.add(first + timedelta(days=14))
    return [
        (opened, opened + timedelta(days=n))
        for opened in sorted(openings)
        for n in (*range(0, 56, 5), *range(56, 72))
    ]


def test_within_two_months_is_add_months_on_every_database(store: Store) -> None:
    pairs = _pairs()
    table = Table(
        "pairs", MetaData(), Column("opened", Date), Column("closed", Date), prefixes=["TEMPORARY"]
    )
    query = select(table.c.opened, table.c.closed, _WithinTwoMonths(table.c.closed, table.c.opened))
    with store.engine.connect() as conn:
        table.create(conn)
        conn.execute(insert(table), [{"opened": o, "closed": c} for o, c in pairs])
        rows = conn.execute(query).all()
        conn.rollback()
    assert len(rows) == len(pairs) > 1000
    wrong = [
        (opened, closed, bool(within))
        for opened, closed, within in rows
        if bool(within) != (closed <= add_months(opened, 2))
    ]
    assert not wrong, wrong[:5]
    # Both answers are there: the month ends' clamps (Dec 31 → Feb 28, Jan 31 → Mar 31).
    found = {(opened, closed): bool(within) for opened, closed, within in rows}
    assert found[(date(2023, 12, 31), date(2024, 2, 29))] is True
    assert found[(date(2023, 12, 31), date(2024, 3, 1))] is False
    assert found[(date(2024, 1, 31), date(2024, 3, 31))] is True
    assert found[(date(2024, 1, 31), date(2024, 4, 1))] is False
