"""`liaison units|villages|categories|deputies` as a clerk runs them (issue 16, part 2), and a
ledger of another station imported into a station made by `liaison init` (part 1), each a real
process."""

from __future__ import annotations

from pathlib import Path

from shell import count, run

LEDGER = Path(__file__).resolve().parents[1] / "data" / "ledgers" / "shanbei.csv"
INIT = (
    "init --station 山北代表联络站 --township 和平镇 --county 长兴县"
    " --deputy 王建国 --deputy 李秀英 --village 山北村 --village 东岙村"
).split()


def test_a_new_station_takes_its_ledger_then_tidies_its_units(tmp_path: Path) -> None:
    db = str(tmp_path / "shanbei.db")
    assert run("--db", db, *INIT).returncode == 0
    dry = run("--db", db, "import", "--dry-run", str(LEDGER))
    assert dry.returncode == 0, dry.stderr
    assert "新增责任单位：县交通局（县级）" in dry.stdout
    assert "新增代表（往届，不排班）：赵德明、钱老师" in dry.stdout
    assert count(Path(db), "visit") == 0
    imported = run("--db", db, "import", str(LEDGER))
    assert imported.returncode == 0, imported.stderr
    assert count(Path(db), "visit") == 80

    merged = run("--db", db, "units", "merge", "县交通局", "长兴县交通运输局")
    assert merged.returncode == 0, merged.stderr
    assert "已把「县交通局」并入「长兴县交通运输局」" in merged.stdout
    renamed = run("--db", db, "units", "rename", "镇建设办", "和平镇建设办")
    assert "曾用名：镇建设办" in renamed.stdout
    listed = run("--db", db, "units").stdout.splitlines()
    assert "长兴县交通运输局　县级　曾用名：县交通局" in listed
    assert "县交通局　县级　（已停用）" in listed
    assert run("--db", db, "check").returncode == 0

    unknown = run("--db", db, "--lang", "en", "villages", "rename", "没有这个村", "新名")
    assert unknown.returncode != 0
    assert unknown.stderr.strip().splitlines() == ["Nothing is called 没有这个村"]


def test_each_group_takes_the_database_after_its_name(tmp_path: Path) -> None:
    """`liaison import --db FILE` and `liaison devices --db FILE` take it after the command's name,
    so a clerk typed `liaison categories --db FILE` and was told `No such option: --db`."""
    db = str(tmp_path / "shanbei.db")
    assert run("--db", db, *INIT).returncode == 0
    firsts = {"categories": "道路交通", "villages": "山北村", "deputies": "王建国"}
    for group, first in firsts.items():
        listed = run(group, "--db", db)
        assert listed.returncode == 0, listed.stderr
        assert first in listed.stdout.split()
    added = run("units", "--db", db, "add", "长兴县档案馆", "--tier", "县级")
    assert added.returncode == 0, added.stderr
    assert "长兴县档案馆　县级" in run("--db", db, "units").stdout.splitlines()
    for group in ("observers", "points"):
        assert run(group, "--db", db).returncode == 0


def test_a_station_restored_from_an_early_backup_brings_no_device_key_conflicts(
    tmp_path: Path,
) -> None:
    """Seen on a hand-made station: backed up, then its first laptop made (the station's device
    got its keys), then restored from the backup into a new file (it retires the old device and
    goes on as a new one). Pushed to the county's hub, the old device's keys were listed as three
    conflicts (设备 sign_key, box_key, key_cert, raw column names), none a deputy's to weigh."""
    db, saved, restored = (str(tmp_path / n) for n in ("s.db", "backup.db", "restored.db"))
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("shan-bei-2026-pass\n", encoding="utf-8")
    hub = str(tmp_path / "hub.db")
    steps = [
        ("--db", db, *INIT),
        ("--db", db, "backup", "--out", saved),
        ("--db", db, "sync", "export", "--new-laptop", "--out", str(tmp_path / "join.bundle"))
        + ("--passphrase-file", str(passphrase)),
        ("--db", restored, "restore", saved),
        ("hub", "init", "--county", "长兴县", "--db", hub),
        ("--db", db, "sync", "push", "--hub", hub),
    ]
    for step in steps:
        done = run(*step)
        assert done.returncode == 0, (step, done.stderr)
    pushed = run("--db", restored, "sync", "push", "--hub", hub)
    assert pushed.returncode == 0, pushed.stderr
    assert "冲突" not in pushed.stdout, pushed.stdout
    assert count(Path(hub), "sync_conflict") == 0


def test_a_station_restored_from_before_its_first_laptop_says_why_it_cannot_read_it(
    tmp_path: Path,
) -> None:
    """The station's sync key is made with its first laptop: restored from a copy older than
    that, it could not open the laptop's bundle and gave a laptop's advice (make this device
    again from a new-laptop bundle). It says what happened, and writes nothing."""
    db, saved, restored = (str(tmp_path / n) for n in ("s.db", "backup.db", "restored.db"))
    laptop, join, bundle = (str(tmp_path / n) for n in ("laptop.db", "join.bundle", "l.bundle"))
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("shan-bei-2026-pass\n", encoding="utf-8")
    secret = ("--passphrase-file", str(passphrase))
    steps = [
        ("--db", db, *INIT),
        ("--db", db, "backup", "--out", saved),
        ("--db", db, "sync", "export", "--new-laptop", "--out", join, *secret),
        ("--db", laptop, "init", "--from-bundle", join, "--name", "东岙笔记本", *secret),
        ("--db", laptop, "sync", "export", "--out", bundle, *secret),
        ("--db", restored, "restore", saved),
    ]
    for step in steps:
        done = run(*step)
        assert done.returncode == 0, (step, done.stderr)
    before = count(Path(restored), "change_log")
    refused = run("--db", restored, "sync", "import", bundle, *secret)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "本站主机没有同步密钥：它是从建立第一台笔记本之前的备份恢复的，"
        "请改从更晚的备份恢复（值班台每天自动备份）"
    ]
    assert count(Path(restored), "change_log") == before
