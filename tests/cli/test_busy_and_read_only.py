"""A database another terminal is writing to, and a file that cannot be written, are called what
they are (issue 15, part 6): `check` during a lock said the search index was incomplete, and a
read-only file was "not a desk database (or damaged)", which tempts a restore over it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from shell import run
from textual.pilot import Pilot

from tui.app import LiaisonApp, make_app_at
from tui.i18n import t

BUSY = "数据库正被另一终端占用"
READ_ONLY = "数据库文件是只读的"


def test_check_while_another_terminal_writes_says_busy(station_path: Path) -> None:
    """The other terminal holds the write lock through the whole busy timeout (10 s)."""
    writer = sqlite3.connect(station_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        done = run("--db", str(station_path), "check")
    finally:
        writer.rollback()
        writer.close()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [BUSY + "，请稍后再试"]
    assert run("--db", str(station_path), "check").returncode == 0


@pytest.fixture
def read_only(station_path: Path) -> Iterator[Path]:
    """The station's file made unwritable: immutable for root (whom modes do not stop), 0444
    for anyone else."""
    if os.geteuid() != 0:
        os.chmod(station_path, 0o444)
        yield station_path
        os.chmod(station_path, 0o600)
        return
    made = subprocess.run(["chattr", "+i", str(station_path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("no way to make a file read-only for root here (chattr +i)")
    try:
        yield station_path
    finally:
        subprocess.run(["chattr", "-i", str(station_path)], check=False)


def test_a_read_only_file_is_called_read_only(read_only: Path) -> None:
    before = read_only.read_bytes()
    for args in (["check"], ["units", "add", "新设的办公室", "--tier", "乡级"]):
        done = run("--db", str(read_only), *args)
        assert done.returncode == 1, args
        said = done.stderr.strip().splitlines()
        assert len(said) == 1 and READ_ONLY in said[0], (args, done.stderr)
        assert "损坏" not in done.stderr and "内部错误" not in done.stderr
    # What only reads still works.
    assert run("--db", str(read_only), "units").returncode == 0
    assert read_only.read_bytes() == before


async def _opened(app: LiaisonApp, pilot: Pilot[None]) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if app.return_code is not None or (
            app.desk_ready and not any(w.is_running for w in app.workers)
        ):
            return


async def test_the_app_on_a_read_only_file_says_so(
    read_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app_at(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opened(app, pilot)
    assert app.return_code == 1
    said = capsys.readouterr()
    assert t("error.db_read_only") in said.out + said.err
    assert t("error.db_unreadable") not in said.out + said.err
