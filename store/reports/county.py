"""The county's dashboard on a hub (store.sync.hub): its stations side by side — open issues,
overdue, red now; the two-month rate and satisfaction of a period; when each last pushed — and
the county's totals.

No figure is counted here: the period's figures are the statistics' own (store.reports.stats,
grouped by station in the same GROUP BY queries), and the board's now (open, overdue, red) one
GROUP BY over the open issues with the board's clauses (store.desk.issue_rows,
store.reports.figure_sql). So a station's row always equals its own statistics and board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, select

from store.core.models import Colour, Issue
from store.desk.issue_rows import RANK_COLOUR, colour_rank, open_clause
from store.desk.station_scope import StationChoice, list_stations
from store.reports import figure_sql
from store.reports.stats import Breakdown, Figures, Period, Share, added, breakdown_figures
from store.sync.pushes import last_pushes


@dataclass(frozen=True)
class Board:
    """A station's open issues today: all of them, those past their due date, the red ones."""

    open: int = 0
    overdue: int = 0
    red: int = 0


@dataclass(frozen=True)
class CountyRow:
    """One station of the county (or, `station` None, the county's totals)."""

    station: StationChoice | None
    board: Board
    figures: Figures
    last_push: datetime | None = None

    @property
    def two_month(self) -> Share:
        return self.figures.two_month

    @property
    def satisfaction(self) -> Share:
        return self.figures.satisfaction


@dataclass(frozen=True)
class CountyView:
    period: Period
    rows: tuple[CountyRow, ...]
    totals: CountyRow


def county_view(*, session: Session, period: Period, today: date, tz: Any) -> CountyView:
    """Every station the hub holds, with its board today and its figures of `period`.

    Three kinds of query whatever the number of stations: the stations, one GROUP BY over the
    open issues, the statistics' grouped queries.

    Args:
        period: the period of the two-month rate and satisfaction.
        today: the day the figures are read (colours, overdue, decided).
        tz: the stations' time zone (visits and evaluations are stamped in UTC).
    """
    stations = list_stations(session=session)
    boards = station_boards(session=session, today=today)
    grouped = breakdown_figures(
        session=session, period=period, today=today, tz=tz, breakdown=Breakdown.station
    )
    figures = {row.key: row.figures for row in grouped.rows}
    pushes = last_pushes(session)
    rows = tuple(
        CountyRow(
            station=station,
            board=boards.get(station.id, Board()),
            figures=figures.get(station.id, Figures()),
            last_push=pushes.get(station.id),
        )
        for station in stations
    )
    totals = CountyRow(
        station=None,
        board=Board(*(sum(getattr(r.board, f) for r in rows) for f in ("open", "overdue", "red"))),
        figures=added(r.figures for r in rows),
        last_push=max((r.last_push for r in rows if r.last_push), default=None),
    )
    return CountyView(period=period, rows=rows, totals=totals)


def station_boards(*, session: Session, today: date) -> dict[str, Board]:
    """Each station's open issues, overdue and red ones today: the board's own clauses
    (`board_counts`, `list_overdue`) in one GROUP BY station."""
    overdue = figure_sql.overdue(today)
    red = colour_rank(today) == next(r for r, c in RANK_COLOUR.items() if c == Colour.red)
    rows = session.exec(
        select(
            Issue.station_id,
            func.count(),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
            func.coalesce(func.sum(case((red, 1), else_=0)), 0),
        )
        .where(open_clause())
        .group_by(Issue.station_id)
    ).all()
    return {station: Board(int(n), int(late), int(r)) for station, n, late, r in rows}


__all__ = ["Board", "CountyRow", "CountyView", "county_view", "station_boards"]
