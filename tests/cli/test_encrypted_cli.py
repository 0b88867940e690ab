"""`liaison init --encrypt` and every command on an encrypted database (issue 7 part 1), through
typer's runner and real subprocesses with no terminal: the passphrase comes from
`--db-passphrase-file` or LIAISON_DB_PASSPHRASE, never from the bundle's LIAISON_PASSPHRASE."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from shell import run
from typer.testing import CliRunner

from store.core.cipher import key_opens
from store.core.files import SQLITE_HEADER, is_encrypted_file
from tui.cli import cli

KEY = "laptop passphrase 1"
JOIN = "青石村 correct horse"
STATION = ["--station", "东塘联络站", "--township", "青石镇", "--county", "临溪县"]
WRONG_ZH = "口令不对，无法打开加密的数据库"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _said(result: object) -> str:
    return f"{getattr(result, 'stdout', '')}{getattr(result, 'stderr', '')}"


def test_init_encrypt_through_the_runner(tmp_path: Path) -> None:
    db = tmp_path / "laptop.db"
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["--db", str(db), "init", "--encrypt", *STATION, "--deputy", "沈国强"],
        env={"LIAISON_DB_PASSPHRASE": KEY},
    )
    assert made.exit_code == 0, made.output
    assert db.read_bytes()[:16] != SQLITE_HEADER and key_opens(db, KEY)
    checked = runner.invoke(cli, ["--db", str(db), "check"], env={"LIAISON_DB_PASSPHRASE": KEY})
    assert checked.exit_code == 0, checked.output
    assert KEY not in made.output + checked.output


@pytest.fixture(scope="module")
def encrypted_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station made by `liaison init --encrypt --db-passphrase-file` in a fresh process."""
    folder = tmp_path_factory.mktemp("encrypted-cli")
    secret = folder / "db.pass"
    secret.write_text(KEY + "\n", encoding="utf-8")
    db = folder / "station.db"
    made = run(
        "--db", str(db), "--db-passphrase-file", str(secret), "init", "--encrypt", *STATION,
        "--deputy", "沈国强",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert KEY not in _said(made)
    return db


def test_a_wrong_passphrase_says_so_in_one_line_and_changes_nothing(encrypted_db: Path) -> None:
    before = _digest(encrypted_db)
    for env in ({"LIAISON_DB_PASSPHRASE": "not the passphrase"}, {"LIAISON_LANG": "en"}):
        result = run("--db", str(encrypted_db), "check", env=env)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr and "hmac" not in result.stderr
    wrong = run("--db", str(encrypted_db), "check", env={"LIAISON_DB_PASSPHRASE": "wrong one!"})
    assert wrong.stderr.strip() == WRONG_ZH
    english = run("--db", str(encrypted_db), "--lang", "en", "check")
    assert "LIAISON_DB_PASSPHRASE" in english.stderr  # no terminal, no passphrase: how to give it
    # The sync bundle's variable is not the database's.
    other = run("--db", str(encrypted_db), "check", env={"LIAISON_PASSPHRASE": KEY})
    assert other.returncode == 1
    assert _digest(encrypted_db) == before


def test_a_short_passphrase_makes_no_database(tmp_path: Path) -> None:
    db = tmp_path / "short.db"
    result = run(
        "--db", str(db), "init", "--encrypt", *STATION, "--deputy", "沈国强",
        env={"LIAISON_DB_PASSPHRASE": "1234"},
    )  # fmt: skip
    assert result.returncode != 0
    assert "8" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_every_command_works_on_an_encrypted_laptop(tmp_path: Path) -> None:
    """A plain station makes a laptop with `init --from-bundle --encrypt`; the laptop's
    commands (export, backup, report, sync both ways, import) run with its passphrase."""
    station, laptop = tmp_path / "station.db", tmp_path / "laptop.db"
    both = {"LIAISON_PASSPHRASE": JOIN, "LIAISON_DB_PASSPHRASE": KEY}
    steps = [
        (station, ["init", *STATION, "--deputy", "沈国强"]),
        (station, ["sync", "export", "--new-laptop", "--out", str(tmp_path / "join.bundle")]),
        (laptop, ["init", "--from-bundle", str(tmp_path / "join.bundle"), "--encrypt"]),
        (laptop, ["backup", "--out", str(tmp_path / "copy.db")]),
        (laptop, ["report", "--quarter", "2026Q4", "--out", str(tmp_path / "report.html")]),
        (laptop, ["export", "ledger", "--reveal", "--out", str(tmp_path / "ledger.csv")]),
        (laptop, ["import", "--dry-run", str(tmp_path / "ledger.csv")]),
        (laptop, ["sync", "export", "--out", str(tmp_path / "up.bundle")]),
        (station, ["sync", "import", str(tmp_path / "up.bundle")]),
        (station, ["sync", "export", "--out", str(tmp_path / "down.bundle")]),
        (laptop, ["sync", "import", str(tmp_path / "down.bundle")]),
        (laptop, ["check"]),
    ]
    for db, args in steps:
        result = run("--db", str(db), *args, env=both)
        assert result.returncode == 0, (args, result.stderr)
        assert KEY not in _said(result)
    assert is_encrypted_file(laptop) and is_encrypted_file(tmp_path / "copy.db")
    assert station.read_bytes()[:16] == SQLITE_HEADER
    assert (tmp_path / "report.html").stat().st_size > 0


def test_rekey_encrypts_a_plain_station_and_changes_the_passphrase(tmp_path: Path) -> None:
    db = tmp_path / "station.db"
    first, second = tmp_path / "first.pass", tmp_path / "second.pass"
    first.write_text(KEY, encoding="utf-8")
    second.write_text("another passphrase 2", encoding="utf-8")
    assert run("--db", str(db), "init", *STATION, "--deputy", "沈国强").returncode == 0
    encrypted = run("--db", str(db), "rekey", "--new-passphrase-file", str(first))
    assert encrypted.returncode == 0, encrypted.stderr
    assert is_encrypted_file(db) and key_opens(db, KEY)
    wrong = run("--db", str(db), "rekey", "--new-passphrase-file", str(second))
    assert wrong.returncode == 1  # no terminal and no old passphrase given
    changed = run(
        "--db", str(db), "--db-passphrase-file", str(first), "rekey",
        "--new-passphrase-file", str(second),
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    assert key_opens(db, "another passphrase 2") and not key_opens(db, KEY)
