"""`liaison observers|points` as a clerk runs them (issue 20, part 4), each a real process: points
and observers added and listed with phones masked, bad input refused in one line with nothing
written, an observer retired long ago counted by `liaison purge --dry-run`."""

from __future__ import annotations

from pathlib import Path

from shell import count, run


def test_observers_and_points_from_the_command_line(station_path: Path) -> None:
    db = ["--db", str(station_path)]
    point = run(*db, "points", "add", "骑手驿站", "--place", "商贸街12号", "--kind", "外卖骑手")
    assert point.returncode == 0, point.stderr
    assert point.stdout.strip() == "已保存：骑手驿站　外卖骑手　商贸街12号"
    added = run(
        *db,
        "observers",
        "add",
        "王建国",
        "--phone",
        "13900001111",
        "--group",
        "五老",
        "--deputy",
        "沈国强",
        "--point",
        "骑手驿站",
        "--consent",
    )
    assert added.returncode == 0, added.stderr
    bad = run(*db, "observers", "add", "钱某", "--group", "什么群体")
    assert bad.returncode == 2 and "不认识的群体" in bad.stderr
    assert count(station_path, "observer") == 1

    retired = run(*db, "observers", "retire", "王建国", "--on", "2020-01-01")
    assert retired.returncode == 0, retired.stderr
    listed = run(*db, "observers")
    assert listed.stdout.splitlines() == [
        "王建国　139****1111　五老　推荐：沈国强　骑手驿站　2020-01-01 退出"
    ]
    assert "13900001111" not in listed.stdout + added.stdout + retired.stdout
    # Retired more than five years before the day the command runs, nothing through him.
    plan = run(*db, "--lang", "en", "purge", "--dry-run")
    assert plan.returncode == 0, plan.stderr
    assert "1 observer retired on or before" in plan.stdout
