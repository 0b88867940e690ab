"""The county's dashboard on a hub (store.reports.county): each pushed station's row equals that
station's own board and statistics, the totals equal the hub's, the last push is kept; and a hub
refuses the duty desk's writes (store.core.hub_mark), so that a pull never carries one back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import COUNTY, STATION_A, STATION_B, build_station
from openpyxl import load_workbook
from small_station import NOW, STATION_TZ, TODAY
from sqlalchemy import event
from sqlmodel import Session, func, select

from store.core.clock import FrozenClock
from store.core.errors import HubRefused
from store.core.hub_mark import is_hub
from store.core.models import (
    Channel,
    Colour,
    Issue,
    IssueStatus,
    Shift,
    Tier,
    UnansweredCall,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.board import board_counts, list_overdue
from store.desk.follow_up import record_no_answer
from store.desk.issues import close_issue
from store.desk.triage import link_visit, open_issue
from store.desk.visits import log_visit
from store.duty.dashboard import start_duty
from store.duty.handover import acknowledge_handover, end_shift
from store.reference.lists import list_categories, list_deputies, list_villages
from store.reports.county import CountyRow, county_view
from store.reports.quarterly_report import (
    MEMBER,
    QuarterReport,
    build_report,
    colour_cells,
    figure_cells,
    unit_layout,
    unit_rows,
    write_report,
)
from store.reports.stats import FigureRow, Figures, Period, added, period_figures
from store.station import StationInfo, load_station, open_store
from store.sync.hub import init_hub, open_hub, pull_from_hub, push_to_hub
from store.trust.backup import backup_to
from tui.i18n import label, t

Q3 = Period.parse_quarter("2026Q3")
Q4 = Period.parse_quarter("2026Q4")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("county-view")
    build_station(directory / "a.db", STATION_A, extra=False)
    build_station(directory / "b.db", STATION_B, extra=True)
    return directory


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    if request.param == "sqlite":
        return tmp_path / "hub.db"
    make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
    return make()


@dataclass
class County:
    a: Store
    b: Store
    hub: Store
    hub_info: StationInfo


@pytest.fixture
def county(template: Path, tmp_path: Path, hub_target: Path | str) -> Iterator[County]:
    """Stations A and B pushed to a fresh hub."""
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    a = open_store(backup_to(template / "a.db", tmp_path / "a.db"), clock=clock)
    b = open_store(backup_to(template / "b.db", tmp_path / "b.db"), clock=clock)
    init_hub(target=hub_target, county=COUNTY, clock=clock)
    hub, hub_info = open_hub(hub_target, clock=clock)
    push_to_hub(station=a, hub=hub)
    push_to_hub(station=b, hub=hub)
    yield County(a, b, hub, hub_info)
    for store in (a, b, hub):
        store.dispose()


def own_row(store: Store, period: Period) -> tuple[int, int, int, Figures]:
    """What a station's own database shows: open, overdue and red on its board, its figures."""
    with store.read() as session:
        counts = board_counts(session=session, today=TODAY)
        overdue = list_overdue(session=session, today=TODAY).total
        figures = period_figures(session=session, period=period, today=TODAY, tz=STATION_TZ)
    open_ = sum(sum(by_colour.values()) for by_colour in counts.values())
    red = sum(by_colour[Colour.red] for by_colour in counts.values())
    return open_, overdue, red, figures


def shown(row: CountyRow) -> tuple[int, int, int, Figures]:
    return row.board.open, row.board.overdue, row.board.red, row.figures


@pytest.mark.parametrize("period", [Q3, Q4], ids=["Q3", "Q4"])
def test_each_station_row_equals_its_own_board_and_statistics(
    county: County, period: Period
) -> None:
    with county.hub.read() as session:
        view = county_view(session=session, period=period, today=TODAY, tz=STATION_TZ)
        whole = period_figures(session=session, period=period, today=TODAY, tz=STATION_TZ)
    a, b = load_station(county.a), load_station(county.b)
    # By township, as the station picker lists them: 东塘镇 before 青石镇.
    assert [row.station.id for row in view.rows if row.station] == [b.id, a.id]
    rows = {row.station.id: row for row in view.rows if row.station}
    for store, info in ((county.a, a), (county.b, b)):
        mine = own_row(store, period)
        row = rows[info.id]
        assert row.station is not None and row.station.name == info.name
        open_, overdue, red, figures = shown(row)
        assert (open_, overdue, red) == mine[:3]
        # The statistics' own figures, rates and the counts they are made of.
        assert figures == _no_leaders(mine[3])
        assert str(row.two_month) == str(mine[3].two_month)
        assert str(row.satisfaction) == str(mine[3].satisfaction)
    totals = view.totals
    assert totals.station is None
    assert totals.board.open == sum(r.board.open for r in view.rows)
    assert totals.figures == _no_leaders(whole)
    assert totals.two_month == whole.two_month and totals.satisfaction == whole.satisfaction


def _no_leaders(figures: Figures) -> Figures:
    """The totals' leader visits are not a station breakdown's figure (store.reports.stats)."""
    from dataclasses import replace

    return replace(figures, leader_visits=0, leader_issues=0, leader_issues_closed=0)


def test_the_figures_are_not_trivial(county: County) -> None:
    # The comparison above means something: stations differ, and have rates and red issues.
    with county.hub.read() as session:
        view = county_view(session=session, period=Q3, today=TODAY, tz=STATION_TZ)
    a, b = (row for row in view.rows)
    assert a.board.open != b.board.open
    assert view.totals.board.red > 0 and view.totals.board.overdue > 0
    assert a.two_month.denominator > 0 and a.satisfaction.denominator > 0


def test_the_last_push_is_kept_per_station(county: County, hub_target: Path | str) -> None:
    with county.hub.read() as session:
        view = county_view(session=session, period=Q4, today=TODAY, tz=STATION_TZ)
    assert all(row.last_push == NOW for row in view.rows)
    assert view.totals.last_push == NOW
    later = FrozenClock(NOW.replace(hour=15), tz="Asia/Shanghai")
    hub = open_hub(hub_target, clock=later)[0]
    try:
        push_to_hub(station=county.a, hub=hub)  # nothing new: still a push
        with hub.read() as session:
            view = county_view(session=session, period=Q4, today=TODAY, tz=STATION_TZ)
    finally:
        hub.dispose()
    a = load_station(county.a)
    pushes = {row.station.id: row.last_push for row in view.rows if row.station}
    assert pushes[a.id] == NOW.replace(hour=15)
    assert [p for s, p in pushes.items() if s != a.id] == [NOW]


def test_the_queries_do_not_grow_with_the_stations(county: County) -> None:
    # One GROUP BY per kind of figure: the same statements for two stations as for the county
    # view of one (station A's own database).
    def statements(store: Store) -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append("")

        event.listen(store.engine, "before_cursor_execute", count)
        try:
            with store.read() as session:
                county_view(session=session, period=Q3, today=TODAY, tz=STATION_TZ)
        finally:
            event.remove(store.engine, "before_cursor_execute", count)
        return len(seen)

    assert statements(county.hub) <= statements(county.a) + 1


# -- a hub has no duty desk -----------------------------------------------------------------------


def _form(store: Store) -> VisitCreate:
    with store.read() as session:
        village = list_villages(session=session)[0].id
        category = list_categories(session=session)[0].id
    return VisitCreate(
        phone="13812341234",
        name="王阿姨",
        village_id=village,
        category_id=category,
        channel=Channel.walk_in,
        kind=VisitKind.request,
        text="村口的路灯坏了",
    )


def test_a_hub_refuses_logging_and_triage(county: County) -> None:
    hub, actor = county.hub, county.hub_info.actor()
    form = _form(hub)
    with hub.read() as session:
        assert is_hub(session)
    with county.a.read() as session:
        assert not is_hub(session)
    with pytest.raises(HubRefused) as refused, hub.write(actor) as session:
        log_visit(session=session, visit_in=form)
    assert refused.value.key == "error.hub_no_logging"
    triages: list[Callable[[Session], object]] = [
        lambda s: open_issue(session=s, visit_id="x", unit_id="y"),
        lambda s: link_visit(session=s, visit_id="x", issue_id="y"),
    ]
    for triage in triages:
        with pytest.raises(HubRefused) as refused, hub.write(actor) as session:
            triage(session)
        assert refused.value.key == "error.hub_no_logging"


def test_a_hub_refuses_duty_and_handover_and_a_pull_carries_none_back(county: County) -> None:
    a = load_station(county.a)
    with county.a.read() as session:
        deputy = list_deputies(session=session)[0].id
    with county.a.write(a.actor(deputy)) as session:
        shift_id = start_duty(session=session, deputy_id=deputy)
        end_shift(session=session, shift_id=shift_id, note="交接：路灯待回访")
    push_to_hub(station=county.a, hub=county.hub)
    hub, actor = county.hub, county.hub_info.actor()
    writes: list[Callable[[Session], object]] = [
        lambda s: acknowledge_handover(session=s, shift_id=shift_id),
        lambda s: end_shift(session=s, shift_id=shift_id, note="改"),
        lambda s: start_duty(session=s, deputy_id=deputy),
    ]
    for write in writes:
        with pytest.raises(HubRefused) as refused, hub.write(actor) as session:
            write(session)
        assert refused.value.key == "error.hub_no_duty"
    pull_from_hub(station=county.a, hub=hub)
    with county.a.read() as session:
        shift = session.get(Shift, shift_id)
        assert shift is not None and shift.acknowledged_at is None
        assert shift.handover_note == "交接：路灯待回访"


# -- the hub's quarterly report -------------------------------------------------------------------


def _report(store: Store, period: Period = Q3) -> QuarterReport:
    with store.read() as session:
        return build_report(session=session, period=period, today=TODAY, tz=STATION_TZ)


def test_the_hub_report_totals_a_county_department_across_stations(county: County) -> None:
    report = _report(county.hub)
    layout = unit_layout(report)
    totals = [(row, members) for row, members in layout if row is None]
    assert len(totals) == 1  # issues C and E: the first county department of both stations
    _none, members = totals[0]
    department = members[0].name
    a, b = load_station(county.a), load_station(county.b)
    assert {report.unit_stations[m.key] for m in members} == {a.name, b.name}
    # The total is what the two stations' own reports say of their department, added.
    own = [
        next(r.figures for r in _report(store).units if r.name == department)
        for store in (county.a, county.b)
    ]
    assert added(m.figures for m in members) == added(own)
    rows = unit_rows(report, label)
    at = [i for i, (row, _m) in enumerate(layout) if row is None][0]
    assert rows[at][0] == f"{department}（{label(Tier.county)}）"
    assert rows[at][1:] == rows_of(added(own), report, members)
    # Its stations' rows beneath it, labelled by station; every other unit by its station too.
    assert sorted(str(r[0]) for r in rows[at + 1 : at + 3]) == sorted(
        [MEMBER + a.name, MEMBER + b.name]
    )
    others = [str(r[0]) for i, r in enumerate(rows) if not at <= i < at + 3]
    assert others and all(o.endswith((" · " + a.name, " · " + b.name)) for o in others)
    assert sum(1 for r in rows if str(r[0]).startswith(department)) == 1


def rows_of(figures: Figures, report: QuarterReport, members: tuple[FigureRow, ...]) -> list[Any]:
    colours = {
        c: sum(report.colours_by_unit.get(m.key, {}).get(c, 0) for m in members) for c in Colour
    }
    return [*figure_cells(figures), *colour_cells(colours)]


def test_one_station_report_on_the_hub_and_a_station_report_are_unlabelled(
    county: County,
) -> None:
    a = load_station(county.a)
    with county.hub.read() as session:
        one = build_report(session=session, period=Q3, today=TODAY, tz=STATION_TZ, station_id=a.id)
    for report in (one, _report(county.a)):
        assert report.unit_stations == {}
        assert all(row is not None for row, _m in unit_layout(report))
        assert all(" · " not in str(r[0]) for r in unit_rows(report, label))


def test_the_hub_report_files_show_the_department_and_its_stations(
    county: County, tmp_path: Path
) -> None:
    report = _report(county.hub)
    b = load_station(county.b)
    write_report(report, tmp_path / "county.html", text=t, name=label)
    page = (tmp_path / "county.html").read_text(encoding="utf-8")
    assert '<tr class="total"><td>临溪县' in page
    assert f"<td>{MEMBER}{b.name}</td>" in page
    write_report(report, tmp_path / "county.xlsx", text=t, name=label)
    sheet = load_workbook(tmp_path / "county.xlsx")[t("report.by_unit")]
    names = [(row[0].value, bool(row[0].font.b)) for row in sheet.iter_rows(min_row=2)]
    total = next(i for i, (value, bold) in enumerate(names) if bold)
    assert str(names[total][0]).startswith("临溪县")
    assert {names[total + 1][0], names[total + 2][0]} >= {MEMBER + b.name}


def test_a_hub_refuses_a_follow_up_try_and_writes_nothing(county: County) -> None:
    """No one is on duty on a hub to call a resident: a no-answer try there is refused, and
    the issue's tries stay as the station made them."""
    a = load_station(county.a)
    with county.a.read() as session:
        deputy = list_deputies(session=session)[0].id
        awaiting = session.exec(select(Issue.id).where(Issue.status != IssueStatus.closed)).first()
    assert awaiting is not None
    with county.a.write(a.actor(deputy)) as session:
        close_issue(session=session, issue_id=awaiting, evaluation_in=None)
    push_to_hub(station=county.a, hub=county.hub)
    hub, actor = county.hub, county.hub_info.actor()
    with hub.read() as session:
        tries = session.exec(select(func.count()).select_from(UnansweredCall)).one()
    with pytest.raises(HubRefused) as refused, hub.write(actor) as session:
        record_no_answer(session=session, issue_id=awaiting)
    assert refused.value.key == "error.hub_no_calls"
    with hub.read() as session:
        assert session.exec(select(func.count()).select_from(UnansweredCall)).one() == tries
