"""A county hub's daily sums of the statistics (store.reports.figure_days, PostgreSQL) always give
the live figures: after random writes at a station (visits on random days, issues, links that
change an issue's first visit, closures with evaluations, moves, withdrawals, merges) and their
pushes, the county's own moves, a write made around the store, and a purge. After each step the
sums counted so far equal a count of every day from scratch, and the figures read through them
(the days written since read live) equal the figures read without them."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import STATION_B, build_station, with_store
from small_station import OTHER_VILLAGE, VILLAGE, Refs
from sqlalchemy import select, text
from sqlmodel import col

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import (
    Channel,
    EvaluationCreate,
    Issue,
    IssueStatus,
    MoveReason,
    Resolution,
    Satisfaction,
    Tier,
    Visit,
)
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.moves import move_issue
from store.desk.regroup import merge_issues, withdraw_visit
from store.desk.triage import link_visit, open_issue
from store.desk.visits import VisitRow
from store.reports import figure_days
from store.reports.figure_days import FIGURE_DAY, FIGURE_MONTH, rebuild_figure_days
from store.reports.stats import (
    Breakdown,
    Period,
    PeriodKind,
    _grouped,
    colour_mix,
    drill_filter,
    figure_issue_counts,
    two_month_trend,
    visits_per_week,
)
from store.station import StationInfo
from store.sync.hub import init_hub, open_hub, push_to_hub
from store.trust.check import check_database, repair_derived_data
from store.trust.purge import purge_residents

TZ = "Asia/Shanghai"
TODAY = date(2026, 11, 24)
FIRST = date(2026, 5, 1)
PERIODS = (
    Period.of(PeriodKind.year, TODAY),
    Period.parse_quarter("2026Q3"),
    Period.of(PeriodKind.month, TODAY),
)
TIERS = (Tier.village, Tier.township, Tier.county)
SATISFACTIONS = (Satisfaction.satisfied, Satisfaction.fairly, Satisfaction.unsatisfied)
UP, DOWN = MoveReason.beyond_capacity, MoveReason.sent_back
SHARED_DAYS = tuple(
    date(2026, m, d) for m, d in ((6, 20), (7, 10), (7, 20), (7, 31), (8, 1), (8, 15), (9, 1))
)


@pytest.fixture
def hub(pg_url_factory: Callable[[], str]) -> Iterator[tuple[Store, StationInfo]]:
    url = pg_url_factory()
    clock = FrozenClock(datetime(2026, 11, 24, 18, tzinfo=figure_days_tz()), tz=TZ)
    init_hub(target=url, county="临溪县", clock=clock)
    opened, info = open_hub(url, clock=clock)
    yield opened, info
    opened.dispose()


def figure_days_tz() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(TZ)


def _rows(hub: Store) -> set[tuple[Any, ...]]:
    """The daily sums and the monthly ones."""
    with hub.read() as session:
        conn = session.connection()
        return {("day", *r) for r in conn.execute(select(FIGURE_DAY))} | {
            ("month", *r) for r in conn.execute(select(FIGURE_MONTH))
        }


def _figures(hub: Store, *, summed: bool, every: bool) -> dict[tuple[Any, ...], Any]:
    """The year's figures by every grouping for the county, and its charts; `every`: every
    period's, for the county and for a station."""
    out: dict[tuple[Any, ...], Any] = {}
    with hub.read() as session, pytest.MonkeyPatch.context() as patch:
        if not summed:
            patch.setattr(figure_days, "counted_in", lambda *_args: False)
        stations = [None, *_station_ids(session)[:1]] if every else [None]
        for period in PERIODS if every else PERIODS[:1]:
            for breakdown in (None, *Breakdown):
                for station in stations:
                    got = _grouped(session, period, TODAY, figure_days_tz(), breakdown, station)
                    out[(period.code, breakdown, station)] = got
        # The charts: visits by week, each month's two-month rate.
        year = PERIODS[0]
        out[("weeks",)] = visits_per_week(session=session, period=year, tz=figure_days_tz())
        out[("trend",)] = two_month_trend(session=session, period=year, today=TODAY)
        # The colours of the period's issues, by tier and by unit, the county's and a station's.
        for station in stations:
            for by_unit in (False, True):
                out[("colours", station, by_unit)] = colour_mix(
                    session=session, period=year, today=TODAY, by_unit=by_unit, station_id=station
                )
            # A figure's issues (the drill-down from the figure 开 opened): the board's counts,
            # the county's, a station's and a tier's.
            for tier in (None, *TIERS):
                drill = drill_filter(
                    period=year,
                    tz=figure_days_tz(),
                    figure="opened",
                    breakdown=Breakdown.tier if tier else None,
                    key=tier,
                    station_id=station,
                )
                counts = figure_issue_counts(session=session, today=TODAY, filters=drill)
                out[("figure's issues", station, tier)] = counts
    return out


def _station_ids(session: Any) -> list[str]:
    return sorted(
        str(s)
        for (s,) in session.connection().execute(text("SELECT DISTINCT station_id FROM visit"))
    )


def _check(hub: Store, *, every: bool = False) -> None:
    """The figures read through the sums equal those read live, and the sums counted so far equal
    a count from scratch once the days written since are counted (a push's last step)."""
    summed = _figures(hub, summed=True, every=every)
    live = _figures(hub, summed=False, every=every)
    assert summed == live
    assert any(
        f.visits for groups in live.values() if isinstance(groups, dict) for f in groups.values()
    )
    with hub.engine.begin() as conn:
        figure_days.refresh_figure_days(conn)
    counted = _rows(hub)
    with hub.engine.begin() as conn:
        rebuild_figure_days(conn)
    assert _rows(hub) == counted


class Station:
    """A station writing on random days of its recent past, as its deputies would."""

    def __init__(
        self,
        store: Store,
        clock: FrozenClock,
        actor: Actor,
        refs: Refs,
        make_visit: Callable[..., VisitRow],
        rng: random.Random,
    ) -> None:
        self.store, self.clock, self.actor, self.refs = store, clock, actor, refs
        self.make_visit, self.rng = make_visit, rng
        self.now = clock.now()

    def on_some_day(self) -> None:
        day = FIRST + timedelta(days=self.rng.randrange((TODAY - FIRST).days))
        if self.rng.random() < 0.5:
            # A day the other station wrote on too (its quarter's, tests/helpers/stats_fixture).
            day = self.rng.choice(SHARED_DAYS)
        hour = time(self.rng.choice((0, 7, 10, 15, 23)), self.rng.randrange(60))
        at = datetime.combine(day, hour, figure_days_tz())
        self.clock.advance(at - self.clock.now())

    def back_to_today(self) -> None:
        self.clock.advance(self.now - self.clock.now())

    def visit(self) -> VisitRow:
        return self.make_visit(
            village=self.rng.choice((VILLAGE, OTHER_VILLAGE)),
            channel=self.rng.choice(tuple(Channel)),
            phone=f"139{self.rng.randrange(10**8):08d}",
        )

    def open_issues(self) -> list[str]:
        with self.store.read() as session:
            query = select(col(Issue.id)).where(
                col(Issue.deleted_at).is_(None), col(Issue.status) != IssueStatus.closed
            )
            return sorted(str(i) for (i,) in session.connection().execute(query))

    def round(self) -> list[str]:
        """Each kind of write once, in a random order: what they did."""
        kinds = ["issue", "issue", "link", "untriaged", "close", "move", "withdraw", "merge"]
        self.rng.shuffle(kinds)
        return [self.step(what) for what in kinds]

    def step(self, what: str) -> str:
        """One write at a random day (the clock moved there and back): what it did."""
        self.on_some_day()
        try:
            return self._do(what)
        finally:
            self.back_to_today()

    def earlier_visit(self) -> str:
        """A visit of another channel, made before an issue's first and linked to it: the
        issue's channel (its first visit's) is another now, in every period it counts in."""
        issue = self.rng.choice(self.open_issues())
        with self.store.read() as session:
            first = session.execute(
                select(col(Visit.received_at), col(Visit.channel))
                .where(col(Visit.issue_id) == issue)
                .order_by(col(Visit.received_at))
                .limit(1)
            ).one()
        self.clock.advance(first.received_at - timedelta(days=3) - self.clock.now())
        try:
            channel = next(c for c in Channel if c != first.channel)
            row = self.make_visit(channel=channel, phone="13900000009")
            with self.store.write(self.actor) as session:
                link_visit(session=session, visit_id=row.id, issue_id=issue)
        finally:
            self.back_to_today()
        return issue

    def _do(self, what: str) -> str:
        rng, refs = self.rng, self.refs
        open_ones = self.open_issues()
        with self.store.write(self.actor) as session:
            if what == "issue" or not open_ones:
                row = self.visit()
                tier = rng.choice(TIERS)
                open_issue(
                    session=session,
                    visit_id=row.id,
                    tier=tier,
                    unit_id=refs.unit_for(tier, VILLAGE),
                )
                return "issue"
            issue = rng.choice(open_ones)
            if what == "link":
                # Maybe earlier than its first visit: the issue's channel is another now.
                link_visit(session=session, visit_id=self.visit().id, issue_id=issue)
            elif what == "untriaged":
                self.visit()
            elif what == "close":
                satisfaction = rng.choice(SATISFACTIONS)
                resolution = (
                    Resolution.unresolved
                    if satisfaction == Satisfaction.unsatisfied
                    else Resolution.resolved
                )
                close_issue(
                    session=session,
                    issue_id=issue,
                    evaluation_in=EvaluationCreate(
                        resolution=resolution, satisfaction=satisfaction
                    ),
                )
            elif what == "move":
                _move(session, refs, issue)
            elif what == "withdraw":
                visit = session.execute(
                    select(col(Visit.id)).where(col(Visit.issue_id) == issue).limit(1)
                ).scalar_one()
                withdraw_visit(session=session, visit_id=visit, reason="不再需要")
            elif what == "merge" and len(open_ones) > 1:
                other = rng.choice([i for i in open_ones if i != issue])
                merge_issues(session=session, issue_id=other, into_id=issue)
        return what


def _move(session: Any, refs: Refs, issue_id: str) -> None:
    tier = Tier(session.get(Issue, issue_id).tier)
    target = Tier.township if tier != Tier.township else Tier.county
    reason = UP if TIERS.index(target) > TIERS.index(tier) else DOWN
    move_issue(
        session=session,
        issue_id=issue_id,
        tier=target,
        unit_id=refs.unit_for(target, VILLAGE),
        reason=reason,
    )


@pytest.mark.parametrize("seed", [7])
def test_the_sums_always_give_the_live_figures(
    seed: int,
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    refs: Refs,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
    hub: tuple[Store, StationInfo],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    county, county_info = hub
    # Another station's records on the hub, which counting this one's days again must not touch.
    other = build_station(tmp_path / "other.db", STATION_B, extra=False)
    with_store(tmp_path / "other.db", lambda it: push_to_hub(station=it, hub=county))
    assert other.issues
    # Each day counted alone: a day the triggers fail to note is not counted again by chance
    # with its neighbours.
    monkeypatch.setattr(figure_days, "SPAN_GAP_DAYS", 0)
    # Every push counts what it wrote (a push leaving fewer days waiting: below).
    monkeypatch.setattr(figure_days, "RECOUNT_FROM", 1)
    rng = random.Random(seed)
    station = Station(store, clock, actor, refs, make_visit, rng)
    done: list[str] = []
    for round_ in range(2):
        done += station.round()
        push_to_hub(station=store, hub=county)
        assert not _waiting(county)  # the push counted what it wrote
        _check(county)
        # The county's own writes: a move, and one made around the store (its days read live
        # until counted again).
        open_ones = station.open_issues()
        if open_ones:
            with county.write(county_info.actor()) as session:
                _move(session, refs, rng.choice(open_ones))
        with county.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE issue SET village_id = :v WHERE id IN"
                    " (SELECT id FROM issue ORDER BY id LIMIT 1 OFFSET :n)"
                ),
                {"v": refs.villages[OTHER_VILLAGE], "n": round_},
            )
        assert _waiting(county)
        _check(county)
    # Alone in a push, so that no other write notes the same days: an earlier visit linked to an
    # issue the hub has had since a push before (its channel is another now), then the county
    # moving one (its visits count under another tier).
    station.earlier_visit()
    push_to_hub(station=store, hub=county)
    _check(county)
    with county.write(county_info.actor()) as session:
        _move(session, refs, _spread_issue(county))
    _check(county)
    # A push that leaves fewer than RECOUNT_FROM days waiting counts none of them: they are
    # read live, and the figures are the live ones all the same.
    monkeypatch.setattr(figure_days, "RECOUNT_FROM", 8)
    station.earlier_visit()
    push_to_hub(station=store, hub=county)
    assert 0 < len(_waiting(county)) < 8
    _check(county)
    with county.write(county_info.actor()) as session:
        purge_residents(session=session, today=TODAY + timedelta(days=3 * 366), years=1)
    _check(county, every=True)
    assert set(done) >= {"issue", "close", "link", "move", "withdraw", "merge"}

    # `liaison check` finds sums that a count from scratch does not give; `--repair` mends them.
    # (It finds the issues edited around the store above as well.)
    def figures_found() -> list[Any]:
        report = check_database(engine=county.engine)
        return [f for f in report.findings if f.key == "check.figures"]

    assert not figures_found()
    with county.engine.begin() as conn:
        rows = conn.execute(
            text(
                "UPDATE figure_day SET visits = visits + 1 WHERE day = (SELECT max(day)"
                " FROM figure_day WHERE grouping = 'tier') AND grouping = 'tier' RETURNING day"
            )
        ).all()
    day = rows[0][0]
    (found,) = figures_found()
    assert found.params == {"count": 1, "first": day.strftime("%Y-%m")}
    repair_derived_data(engine=county.engine)
    assert not figures_found()


def _waiting(hub: Store) -> list[date]:
    with hub.read() as session:
        return figure_days.waiting_days(session, date(2000, 1, 1), date(2100, 1, 1))


def _spread_issue(hub: Store) -> str:
    """An open issue whose visits came on more than one day."""
    with hub.read() as session:
        return str(
            session.connection()
            .execute(
                text(
                    "SELECT i.id FROM issue i JOIN visit v ON v.issue_id = i.id"
                    " WHERE i.status <> 'closed' AND i.deleted_at IS NULL GROUP BY i.id"
                    " HAVING count(DISTINCT v.received_at::date) > 1 ORDER BY i.id LIMIT 1"
                )
            )
            .scalar_one()
        )
