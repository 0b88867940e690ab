"""`liaison report`: the quarterly report from the command line, headless, whole or not at all."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from moves_fixture import build_moves
from openpyxl import load_workbook
from small_station import Refs
from stats_fixture import build_quarter
from typer.testing import CliRunner

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from tui.cli import CliError, cli


@pytest.fixture
def quarter_db(
    store: Store,
    station_path: Path,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> Path:
    build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    return station_path


def test_runner_writes_xlsx_with_the_hand_counted_figures(quarter_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3.xlsx"
    args = ["--db", str(quarter_db), "report", "--quarter", "2026Q3", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    rows = load_workbook(out, read_only=True)["头条数字"].iter_rows(min_row=2, values_only=True)
    head = {r[0]: r[1:4] for r in rows}
    # Rates are numbers (shown as percentages) beside their numerator and denominator.
    assert head["两月办结率"] == (0.6, 3, 5) and head["满意率"] == (0.8, 4, 5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026Q5"], "2026Q3"),
        (["--quarter", "Q3"], "2026Q3"),
        (["--quarter", "2026Q3", "--as-of", "yesterday"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_message_exit_2_and_no_file(
    quarter_db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "q.html"
    command = [sys.executable, "-c", "from tui.cli import main; main()", "--lang", "en"]
    result = subprocess.run(
        [*command, "--db", str(quarter_db), "report", "--out", str(out), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob("q.html*"))


def test_unknown_suffix_is_refused(quarter_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.pdf"
    result = CliRunner().invoke(
        cli, ["--db", str(quarter_db), "report", "--quarter", "2026Q3", "--out", str(out)]
    )
    # main() turns the CliError into its message and exit code 2; the runner hands it back.
    assert isinstance(result.exception, CliError) and result.exception.code == 2
    assert "xlsx" in str(result.exception) and not out.exists()


def test_real_process_writes_html_without_textual(quarter_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3.html"
    code = (
        "import sys\n"
        "from tui.cli import cli\n"
        f"args = ['--db', {str(quarter_db)!r}, 'report', '--quarter', '2026Q3', '--out', "
        f"{str(out)!r}, '--as-of', '2026-11-24']\n"
        "code = cli(args, standalone_mode=False)\n"
        "assert code in (None, 0), code\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "60.0% (3/5)" in page


def test_liaison_report_shows_the_moves_per_tier(
    store: Store,
    station_path: Path,
    clock: FrozenClock,
    actor: Actor,
    refs: Refs,
    tmp_path: Path,
) -> None:
    """The hand-made station of tests/helpers/moves_fixture.py, its report made in a process of
    its own: the moves and on time per tier (figures worked out by hand), in both formats."""
    build_moves(store=store, clock=clock, actor=actor, refs=refs)
    html, xlsx = tmp_path / "q3.html", tmp_path / "q3.xlsx"
    command = [sys.executable, "-c", "from tui.cli import main; main()"]
    for out in (html, xlsx):
        result = subprocess.run(
            [*command, "--db", str(station_path), "report", "--quarter", "2026Q3"]
            + ["--out", str(out), "--as-of", "2026-11-24"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr
    page = html.read_text(encoding="utf-8")
    assert "<h2>升级、降级与按期办结</h2>" in page
    assert "<tr><td>村级</td><td>3</td><td>0</td><td>66.7% (2/3)</td></tr>" in page
    assert '<tr class="total"><td>合计</td><td>5</td><td>1</td><td>66.7% (6/9)</td></tr>' in page
    head = {
        r[0]: r[1:4]
        for r in load_workbook(xlsx, read_only=True)["头条数字"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert head["升级"][0] == 5 and head["降级"][0] == 1
    assert head["按期"] == (pytest.approx(6 / 9), 6, 9)
    assert head["两月办结率"] == (0.5, 2, 4)
