"""`liaison report --station NAME|ID`: one station's report from a database of several (a county
hub), on SQLite or on PostgreSQL, by its name, its id or the start of its id; a name that is
not one station's (none, or two) is refused in one line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from second_station import SECOND_NAME, add_second_station
from sqlmodel import select
from stats_fixture import build_quarter
from typer.testing import CliRunner

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Station
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from tui.cli import cli

pytestmark = pytest.mark.both_backends


@pytest.fixture
def two_stations(
    store: Store,
    store_url: Path | str,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> str:
    """The hand-worked quarter at the small station and at a second one; the database's
    `--db` text."""
    build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    second = add_second_station(store=store, by=actor)
    build_quarter(
        store=store,
        clock=clock,
        actor=second.actor,
        make_visit=second.make_visit,
        make_issue=second.make_issue,
    )
    return str(store_url)


def _report(db: str, out: Path, *more: str) -> tuple[int, str]:
    args = ["--db", db, "report", "--quarter", "2026Q3", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--as-of", "2026-11-24", *more])
    return result.exit_code, result.output


def _head(out: Path) -> dict[object, object]:
    rows = load_workbook(out, read_only=True)["头条数字"].iter_rows(min_row=2, values_only=True)
    # A rate as Excel computes with it: the ratio, then its numerator and denominator.
    return {r[0]: (r[1], r[2], r[3]) if isinstance(r[1], float) else r[1] for r in rows}


def test_one_stations_report_and_all_of_them(two_stations: str, tmp_path: Path) -> None:
    code, output = _report(two_stations, tmp_path / "one.xlsx", "--station", SECOND_NAME)
    assert code == 0, output
    assert _head(tmp_path / "one.xlsx")["两月办结率"] == (0.6, 3, 5)
    code, output = _report(two_stations, tmp_path / "all.xlsx")
    assert code == 0, output
    head = _head(tmp_path / "all.xlsx")
    assert head["两月办结率"] == (0.6, 6, 10) and head["满意率"] == (0.8, 8, 10)


def test_an_unknown_station_is_refused(two_stations: str, tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    args = ["--db", two_stations, "report", "--quarter", "2026Q3", "--out", str(out)]
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tui.cli import main; main()",
            *args,
            "--station",
            "无此联络站",
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "无此联络站" in result.stderr and SECOND_NAME in result.stderr
    assert not out.exists()


def _shell_report(db: str, out: Path, station: str) -> subprocess.CompletedProcess[str]:
    args = ["--db", db, "report", "--quarter", "2026Q3", "--out", str(out), "--as-of", "2026-11-24"]
    return subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", *args, "--station", station],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_a_station_by_its_id_or_the_start_of_it(
    two_stations: str, store: Store, tmp_path: Path
) -> None:
    with store.read() as session:
        second = session.exec(select(Station.id).where(Station.name == SECOND_NAME)).one()
    for given in (second, second[:6], second[:6].upper()):
        out = tmp_path / f"{given}.xlsx"
        done = _shell_report(two_stations, out, given)
        assert done.returncode == 0, done.stderr
        assert _head(out)["两月办结率"] == (0.6, 3, 5)


def test_a_name_two_stations_bear_is_refused_with_their_ids(
    two_stations: str, store: Store, actor: Actor, tmp_path: Path
) -> None:
    """A hub holding two stations of one name (pushed before hubs refused that): the name
    cannot pick one, and the message lists both with their ids; an id still does."""
    with store.write(actor) as session:
        first = session.exec(select(Station).where(Station.name != SECOND_NAME)).one()
        first.name = SECOND_NAME
        session.add(first)
    with store.read() as session:
        ids = sorted(session.exec(select(Station.id)).all())
    out = tmp_path / "which.xlsx"
    done = _shell_report(two_stations, out, SECOND_NAME)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert f"「{SECOND_NAME}」可能是不止一个联络站" in done.stderr
    assert all(i in done.stderr for i in ids)
    assert not out.exists()
    assert _shell_report(two_stations, out, ids[0]).returncode == 0
