"""`liaison sync export|import` and `liaison init --from-bundle`, through a real subprocess (the
way a deputy runs them from a USB stick) and typer's runner."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from shell import count, run
from typer.testing import CliRunner

from tui.cli import cli

PASSPHRASE = "青石村 correct horse"


@pytest.fixture(scope="module")
def station_and_laptop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A small demo station and a laptop made from it by the commands themselves."""
    folder = tmp_path_factory.mktemp("sync-cli")
    station, laptop = folder / "station.sqlite3", folder / "laptop.sqlite3"
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert run("demo", "--db", str(station), "--visits", "40", "--no-open").returncode == 0
    out = run(
        "--db", str(station), "sync", "export", "--out", str(folder / "join.bundle"),
        "--new-laptop", "--passphrase-file", str(secret),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    made = run(
        "--db", str(laptop), "init", "--from-bundle", str(folder / "join.bundle"),
        "--name", "青石村笔记本", "--passphrase-file", str(secret),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "青石村笔记本" in made.stdout
    return station, laptop, folder


def test_a_laptop_made_from_the_station_holds_its_visits(
    station_and_laptop: tuple[Path, Path, Path],
) -> None:
    station, laptop, _ = station_and_laptop
    assert count(laptop, "visit") == count(station, "visit") == 40
    with sqlite3.connect(laptop) as db:
        kinds = dict(db.execute("SELECT name, kind FROM device").fetchall())
    assert kinds["青石村笔记本"] == "laptop"


def test_bundles_carry_a_laptops_visits_to_the_station_and_back(
    station_and_laptop: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    station, laptop, _ = station_and_laptop
    station_copy = tmp_path / "station.sqlite3"
    laptop_copy = tmp_path / "laptop.sqlite3"
    for src, dst in ((station, station_copy), (laptop, laptop_copy)):
        with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
            a.backup(b)
    runner = CliRunner()
    bundle = tmp_path / "laptop.bundle"
    out = runner.invoke(cli, ["--db", str(laptop_copy), "sync", "export", "--out", str(bundle)])
    assert out.exit_code == 0, out.output
    taken = run("--db", str(station_copy), "sync", "import", str(bundle))
    assert taken.returncode == 0, taken.stderr
    assert "青石村笔记本" in taken.stdout
    again = run("--lang", "en", "--db", str(station_copy), "sync", "import", str(bundle))
    assert again.returncode == 0
    assert "0 new, " in again.stdout


def test_a_refused_bundle_is_one_line_and_changes_nothing(
    station_and_laptop: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    station, laptop, _ = station_and_laptop
    bundle = tmp_path / "laptop.bundle"
    assert run("--db", str(laptop), "sync", "export", "--out", str(bundle)).returncode == 0
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bundle.write_bytes(bytes(data))
    before = count(station, "change_log")
    result = run("--lang", "en", "--db", str(station), "sync", "import", str(bundle))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "The sync bundle is damaged, altered or cut short; nothing was taken in"
    ]
    assert count(station, "change_log") == before


def test_a_secret_needed_without_a_terminal_is_an_error_not_a_hang(
    station_and_laptop: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    station, _, folder = station_and_laptop
    result = run(
        "--db", str(station), "sync", "export", "--out", str(tmp_path / "j.bundle"), "--new-laptop"
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "此同步包需要口令"
    assert not (tmp_path / "j.bundle").exists()
    wrong = run(
        "--db", str(tmp_path / "l.sqlite3"), "init", "--from-bundle", str(folder / "join.bundle")
    )
    assert wrong.returncode == 1 and "口令" in wrong.stderr
    assert not (tmp_path / "l.sqlite3").exists()


def test_the_passphrase_from_the_environment(
    station_and_laptop: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, folder = station_and_laptop
    laptop = tmp_path / "second.sqlite3"
    made = run(
        "--db", str(laptop), "init", "--from-bundle", str(folder / "join.bundle"),
        env={"LIAISON_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    wrong = run(
        "--db", str(tmp_path / "third.sqlite3"), "init", "--from-bundle",
        str(folder / "join.bundle"), env={"LIAISON_PASSPHRASE": "guess"},
    )  # fmt: skip
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "口令不对，同步包未打开"
    assert not (tmp_path / "third.sqlite3").exists()


def test_a_huge_file_with_a_bundle_s_header_is_refused_before_it_is_read(
    station_and_laptop: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Issue 15: a 300 MB file that starts with a valid bundle header took 1.5 GB of memory before
    it was refused. The header says how long the bundle is: a file of another length is refused
    from its size, with one line, in a process that never grows to the file's size."""

    from store.sync.bundle import peek_header

    station, laptop, _ = station_and_laptop
    laptop_copy = tmp_path / "laptop.sqlite3"
    with sqlite3.connect(laptop) as a, sqlite3.connect(laptop_copy) as b:
        a.backup(b)
    real = tmp_path / "real.bundle"
    made = run("--db", str(laptop_copy), "sync", "export", "--out", str(real))
    assert made.returncode == 0, made.stderr
    assert peek_header(real).length == real.stat().st_size - len(_prefix(real))
    huge = tmp_path / "huge.bundle"
    with huge.open("wb") as fh:
        fh.write(_prefix(real))
        fh.truncate(300 * 2**20)  # zeros after the header (sparse: no 300 MB written)
    # The process's own high-water mark (VmHWM), read as it exits: the rusage of a child counts
    # the forking test worker's memory too, which under xdist alone passed 200 MiB.
    peak_file = tmp_path / "peak"
    watch = (
        "import atexit, re, sys\n"
        "def peak():\n"
        "    status = open('/proc/self/status').read()\n"
        f"    open({str(peak_file)!r}, 'w').write(re.search(r'VmHWM:\\s+(\\d+)', status)[1])\n"
        "atexit.register(peak)\n"
        "from tui.cli import main\n"
        "sys.argv[0] = 'liaison'\n"
        "main()\n"
    )
    argv = [sys.executable, "-c", watch, "--db", str(station), "sync", "import", str(huge)]
    child = subprocess.run(argv, capture_output=True, text=True)
    said = child.stderr.strip().splitlines()
    assert child.returncode == 1
    assert said == ["同步包已损坏或被改动（或不完整），未导入"]
    peak_mib = int(peak_file.read_text()) / 1024
    assert peak_mib < 200, peak_mib


def _prefix(bundle: Path) -> bytes:
    """A bundle's magic, header length and header: what comes before its ciphertext."""
    data = bundle.read_bytes()
    size = int.from_bytes(data[8:12], "big")
    return data[: 12 + size]
