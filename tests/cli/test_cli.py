"""The `liaison` command, through typer's runner and through a real subprocess."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from shell import count, run
from typer.testing import CliRunner

from tui.cli import cli


def test_help_names_every_command_in_both_languages() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "init"):
        assert command in result.stdout
    assert "联络站值班台" in result.stdout and "Liaison Desk" in result.stdout


def test_demo_writes_a_station_without_opening_it(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    result = run("demo", "--db", str(db), "--visits", "300", "--no-open")
    assert result.returncode == 0, result.stderr
    assert count(db, "visit") == 300
    assert count(db, "category") == 28
    assert count(db, "deputy") >= 12
    assert str(db) in result.stderr


def test_a_demo_of_another_seed_is_a_station_of_its_own_name(tmp_path: Path) -> None:
    """Demos pushed to one hub must be told apart (a hub refuses a second station of one name
    and township): another seed names the station after it; the default seed's is the one the
    docs and snapshots show."""
    made = {}
    for seed in ("7", "8", "20260625"):
        db = tmp_path / f"demo-{seed}.sqlite3"
        result = run("demo", "--db", str(db), "--visits", "5", "--seed", seed, "--no-open")
        assert result.returncode == 0, result.stderr
        with sqlite3.connect(db) as conn:
            made[seed] = conn.execute("SELECT name, township FROM station").fetchone()
    assert made["7"] == ("凤山镇人大代表联络站（种子 7）", "凤山镇")
    assert made["8"] == ("梅岭乡人大代表联络站（种子 8）", "梅岭乡")
    assert made["20260625"] == ("青石镇人大代表联络站", "青石镇")


def test_demo_refuses_to_overwrite_an_existing_file_without_force(tmp_path: Path) -> None:
    db = tmp_path / "mine.sqlite3"
    db.write_bytes(b"precious")
    result = run("demo", "--db", str(db), "--visits", "10", "--no-open")
    assert result.returncode == 2
    assert "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == b"precious"
    forced = run("demo", "--db", str(db), "--visits", "10", "--no-open", "--force")
    assert forced.returncode == 0, forced.stderr
    assert count(db, "visit") == 10


def test_init_scripted_creates_the_station(tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    result = run(
        "--db",
        str(db),
        "init",
        "--station",
        "东塘联络站",
        "--township",
        "青石镇",
        "--county",
        "临溪县",
        "--deputy",
        "王建国",
        "--deputy",
        "李秀英",
        "--village",
        "东塘村",
        "--village",
        "新桥社区",
    )
    assert result.returncode == 0, result.stderr
    assert "东塘联络站" in result.stdout
    with sqlite3.connect(db) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT name FROM deputy")) == ["李秀英", "王建国"]
        kinds = dict(conn.execute("SELECT name, kind FROM village").fetchall())
        assert kinds == {"东塘村": "village", "新桥社区": "community"}
        assert conn.execute("SELECT count(*) FROM unit WHERE tier = 'county'").fetchone()[0] > 5
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_init_uses_liaison_db_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite3"
    args = ["init", "--station", "站", "--township", "镇", "--county", "县", "--deputy", "甲"]
    result = run(*args, env={"LIAISON_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert count(db, "station") == 1


def test_init_without_a_terminal_and_missing_options_fails_fast(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    result = run("--db", str(db), "init", "--station", "站")
    assert result.returncode == 2
    assert "--deputy" in result.stderr
    assert not db.exists()


def test_init_refuses_an_existing_station(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    args = ["--db", str(db), "init", "--station", "站", "--township", "镇", "--county", "县"]
    assert run(*args, "--deputy", "甲").returncode == 0
    again = run(*args, "--deputy", "乙")
    assert again.returncode == 2
    assert count(db, "deputy") == 1


def test_init_refuses_a_name_too_long_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = run(
        "--db",
        str(db),
        "init",
        "--station",
        "站",
        "--township",
        "镇",
        "--county",
        "县",
        "--deputy",
        "长" * 51,
    )
    assert result.returncode == 2
    assert "50" in result.stderr
    assert not db.exists() or db.stat().st_size == 0


def test_opening_a_missing_database_says_what_to_do(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "nothing.sqlite3"))
    assert result.returncode == 1
    assert "liaison init" in result.stderr
    assert "Traceback" not in result.stderr


def test_opening_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("这不是数据库", encoding="utf-8")
    result = run("--db", str(junk))
    assert result.returncode == 1
    assert "数据库" in result.stderr
    assert "Traceback" not in result.stderr
    assert junk.read_text(encoding="utf-8") == "这不是数据库"


def test_english_messages_with_lang_en(tmp_path: Path) -> None:
    result = run("--lang", "en", "--db", str(tmp_path / "none.sqlite3"))
    assert result.returncode == 1
    assert "No station database" in result.stderr


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    result = run("--lang", "fr", "--db", str(tmp_path / "none.sqlite3"))
    assert result.returncode == 2
    assert "zh" in result.stderr and "en" in result.stderr


def test_headless_commands_never_load_textual(tmp_path: Path) -> None:
    """init, demo --no-open, export, import, backup, check and report, one after another in one
    process: none of them may import Textual (STYLE §2)."""
    db, out = str(tmp_path / "h.sqlite3"), str(tmp_path / "ledger.csv")
    commands = [
        ["demo", "--db", db, "--visits", "30", "--no-open"],
        ["--db", db, "export", "ledger", "--out", out, "--reveal"],
        ["--db", db, "import", out],
        ["--db", db, "backup", "--out", str(tmp_path / "b.sqlite3")],
        ["--db", db, "check"],
        ["--db", db, "report", "--quarter", "2026Q3", "--out", str(tmp_path / "r.html")],
        ["--db", str(tmp_path / "i.sqlite3"), "init", "--station", "s", "--township", "t",
         "--county", "c", "--deputy", "d"],
    ]  # fmt: skip
    code = (
        "import sys\n"
        "from tui.cli import cli\n"
        f"for args in {commands!r}:\n"
        "    code = cli(args, standalone_mode=False)\n"
        "    assert code in (None, 0), (args, code)\n"
        "print('textual' in sys.modules, 'textual.app' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False False"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_runner_demo_and_init(tmp_path: Path, lang: str) -> None:
    runner = CliRunner()
    db = tmp_path / f"{lang}.sqlite3"
    result = runner.invoke(
        cli, ["--lang", lang, "demo", "--db", str(db), "--visits", "50", "--no-open"]
    )
    assert result.exit_code == 0, result.output
    assert count(db, "visit") == 50


def test_usage_errors_are_one_line_in_the_interfaces_language(tmp_path: Path) -> None:
    """Click printed a usage line, a hint and `Error: No such option: --db` in English: a clerk
    who mistypes gets one line in the interface's language and where to read how it is typed."""
    db = str(tmp_path / "x.sqlite3")
    said = {
        ("check", "--qick"): "没有这个选项：--qick，是不是 --quick？"
        "（liaison check --help 查看用法）",
        ("import",): "缺少 file（liaison import --help 查看用法）",
        ("units", "add", "县档案馆", "--tier", "省级"): "层级应为村级、乡级或县级"
        "（liaison units add --help 查看用法）",
        ("categories", "lst"): "命令有：add、rename、restore、retire"
        "（liaison categories --help 查看用法）",
        ("--lang", "en", "check", "--bogus"): "No such option: --bogus (see liaison check --help)",
    }
    for args, line in said.items():
        result = run("--db", db, *args)
        assert result.returncode == 2, args
        assert result.stderr.splitlines() == [line], args
    for other in (["no-such-command"], ["export", "ledger"], ["demo", "--visits", "x"], ["sync"]):
        result = run("--db", db, *other)
        assert result.returncode == 2, other
        assert len(result.stderr.splitlines()) == 1, (other, result.stderr)
        assert result.stderr.rstrip().endswith("--help 查看用法）"), (other, result.stderr)


def test_backup_check_and_restore_from_the_shell(tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    assert run("demo", "--db", str(db), "--visits", "200", "--no-open").returncode == 0
    saved = tmp_path / "copies" / "backup.sqlite3"
    backup = run("--db", str(db), "backup", "--out", str(saved))
    assert backup.returncode == 0, backup.stderr
    assert count(saved, "visit") == 200
    checked = run("--db", str(db), "check")
    assert checked.returncode == 0, checked.stderr
    assert "检查通过" in checked.stdout

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE issue SET visit_count = visit_count + 1 WHERE rowid = 1")
    broken = run("--db", str(db), "check")
    assert broken.returncode == 1
    assert "visit_count" not in broken.stderr  # the catalogue's words, not the column's
    assert "1" in broken.stderr

    restored = run("--db", str(db), "restore", str(saved))
    assert restored.returncode == 0, restored.stderr
    assert run("--db", str(db), "check").returncode == 0
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1
    assert restored.stdout.splitlines()[0] == f"已从备份恢复；恢复前的数据库保存在：{kept[0]}"

    # Into a new file (a laptop restored on another machine): nothing was there to keep, and
    # it said the copy was kept at "-".
    fresh = tmp_path / "other" / "station.sqlite3"
    into_new = run("--db", str(fresh), "restore", str(saved))
    assert into_new.returncode == 0, into_new.stderr
    assert into_new.stdout.splitlines()[0] == "已从备份恢复到新的数据库文件"
    assert count(fresh, "visit") == 200


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    assert run("demo", "--db", str(db), "--visits", "20", "--no-open").returncode == 0
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database", encoding="utf-8")
    result = run("--db", str(db), "restore", str(junk))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert count(db, "visit") == 20


def test_import_refuses_a_bad_ledger_whole_with_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    assert run("demo", "--db", str(db), "--visits", "0", "--no-open").returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "日期,渠道,姓名,电话,村社,内容,分类,类型\n"
        "2026-11-20,到站来访,张三,13812345678,青石村,路灯坏了,道路交通,诉求\n"
        "2026-11-21,到站来访,李四,12345,青石村,垃圾没人收,环境卫生,诉求\n",
        encoding="utf-8",
    )
    before = count(db, "change_log")
    result = run("--db", str(db), "import", str(bad))
    assert result.returncode == 1
    assert "第 3 行" in result.stderr and "第 2 行" not in result.stderr
    assert count(db, "change_log") == before
    good = tmp_path / "good.csv"
    good.write_text("\n".join(bad.read_text(encoding="utf-8").splitlines()[:2]) + "\n", "utf-8")
    dry = run("--db", str(db), "import", str(good), "--dry-run")
    assert dry.returncode == 0 and count(db, "visit") == 0
    done = run("--db", str(db), "import", str(good))
    assert done.returncode == 0, done.stderr
    assert count(db, "visit") == 1


def test_check_repair_rebuilds_the_derived_data_from_the_shell(tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    assert run("demo", "--db", str(db), "--visits", "100", "--no-open").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM word_visit WHERE no IN (SELECT no FROM word_visit LIMIT 3)")
        conn.execute("DROP TRIGGER visit_fts_insert")
    broken = run("--db", str(db), "check")
    assert broken.returncode == 1
    assert "liaison check --repair" in broken.stderr
    repaired = run("--db", str(db), "check", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "已重建" in repaired.stdout and "检查通过" in repaired.stdout
    assert count(db, "visit") == 100


@pytest.mark.parametrize(("flag", "stored"), [("--require-pin", "1"), (None, "0")])
def test_init_can_require_a_pin_of_every_deputy_on_duty(
    tmp_path: Path, flag: str | None, stored: str
) -> None:
    """Issue 17, part 8: `liaison init` sets the duty seat's rule; a script that does not say
    (no terminal to ask at) keeps PINs optional, as the demo does."""
    db = tmp_path / "s.sqlite3"
    args = ["--db", str(db), "init", "--station", "山北站", "--township", "和平镇"]
    args += ["--county", "长兴县", "--deputy", "王建国", *([flag] if flag else [])]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = 'pin.required'").fetchone()
    assert (row[0] if row else "0") == stored
