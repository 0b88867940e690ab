"""`liaison devices` and `liaison devices retire NAME` (issue 15, part 5), through a real
subprocess as a deputy runs them: the station lists its devices, retires a lost laptop, and the
laptop's next bundle is refused with one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from shell import count, run

PASSPHRASE = "青石村 correct horse"


@pytest.fixture(scope="module")
def station_and_laptop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("devices-cli")
    station, laptop = folder / "station.sqlite3", folder / "laptop.sqlite3"
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    made = run(
        "--db", str(station), "init", "--station", "青石镇人大代表联络站", "--township", "青石镇",
        "--county", "临溪县", "--deputy", "沈国强", "--village", "青石村",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    out = run(
        "--db", str(station), "sync", "export", "--out", str(folder / "join.bundle"),
        "--new-laptop", "--passphrase-file", str(secret),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    joined = run(
        "--db", str(laptop), "init", "--from-bundle", str(folder / "join.bundle"),
        "--name", "青石村笔记本", "--passphrase-file", str(secret),
    )  # fmt: skip
    assert joined.returncode == 0, joined.stderr
    first = folder / "first.bundle"
    assert run("--db", str(laptop), "sync", "export", "--out", str(first)).returncode == 0
    taken = run("--db", str(station), "sync", "import", str(first))
    assert taken.returncode == 0, taken.stderr
    return station, laptop, folder


def test_the_station_lists_its_devices(station_and_laptop: tuple[Path, Path, Path]) -> None:
    station, _, _ = station_and_laptop
    listed = run("--lang", "en", "--db", str(station), "devices")
    assert listed.returncode == 0, listed.stderr
    assert "青石村笔记本" in listed.stdout
    assert "laptop" in listed.stdout


def test_retiring_asks_first_and_scripts_say_yes(
    station_and_laptop: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    station, laptop, _ = station_and_laptop
    station_copy, laptop_copy = tmp_path / "s.sqlite3", tmp_path / "l.sqlite3"
    for src, dst in ((station, station_copy), (laptop, laptop_copy)):
        with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
            a.backup(b)
    asked = run("--db", str(station_copy), "devices", "retire", "青石村笔记本")
    assert asked.returncode == 1 and len(asked.stderr.strip().splitlines()) == 1
    done = run("--db", str(station_copy), "devices", "retire", "青石村笔记本", "--yes")
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "after.bundle"
    assert run("--db", str(laptop_copy), "sync", "export", "--out", str(bundle)).returncode == 0
    before = count(station_copy, "change_log")
    refused = run("--lang", "en", "--db", str(station_copy), "sync", "import", str(bundle))
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "retired" in refused.stderr
    assert count(station_copy, "change_log") == before
