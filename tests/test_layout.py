"""A newcomer finds a feature's store code, its screen and its tests from the folder names alone
(issue 14): for each feature, by one name, the store module or package that holds it, the screen
(or the dialog, or the command for features without one) and at least one test file."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The feature as a deputy calls it, and the one name its code goes by. A feature whose screen is
# its package's (sync conflicts are on the sync screen) is found under the package's name; one
# with no screen of its own is a `liaison` command (tui/cli_<name>.py).
FEATURES: dict[str, str] = {
    "回访 follow-up calls": "follow_up",
    "告知 telling residents": "notices",
    "交接班 handover": "handover",
    "分办 triage": "triage",
    "季度评议 quarterly review": "review",
    "民意热词 hot words": "hot_words",
    "同步冲突 sync conflicts": "conflicts",
    "搜索 search": "search",
    "台账 ledger": "ledger",
    "三色榜 board": "board",
    "紧迫度 urgency": "urgency",
    "值班表 roster": "roster",
    "工作日历 calendar": "calendar",
    "统计 statistics": "stats",
    "季度报告 quarterly report": "quarterly_report",
    "交办单 slips": "slips",
    "微实事 projects": "projects",
    "领导接访 leader visits": "leader_visits",
    "名录 reference data": "reference",
    "留痕 audit trail": "audit",
    "清除个人信息 purge": "purge",
    "备份 backup": "backup",
    "设备密钥 device keys": "device_keys",
    "县级汇总 county hub": "hub",
    "代表履职 deputy record": "deputy_record",
    "升级降级 tier moves": "move",
    "更正 corrections": "corrections",
    "拆分、合并、撤回 regrouping": "regroup",
    "全县视图 county view": "county",
    "代表建议 deputies' suggestions": "suggestions",
    "基层立法联系点 legislative consultation": "legislation",
    "议事活动 deliberation sessions": "deliberations",
    "民情观察员 observers": "observers",
}


# Features a deputy meets on a screen of the desk rather than their own: the handover on the
# dashboard (screens/dashboard.py).
ON_THE_DESK = {"handover"}


def _store(name: str) -> list[Path]:
    return [p for p in (ROOT / "store").rglob(f"*{name}*") if "migrations" not in p.parts]


def _package(module: Path) -> str:
    return module.parent.name if module.parent.name != "store" else module.stem


def _screens(names: set[str]) -> list[Path]:
    """Screens and dialogs named so, and the modules of `liaison` commands named so."""
    found: list[Path] = []
    commands = (ROOT / "tui" / "cli.py").read_text(encoding="utf-8")
    for name in names | {n.removesuffix("s") for n in names}:
        found += list((ROOT / "screens").rglob(f"*{name}*.py"))
        found += list((ROOT / "tui").glob(f"cli_{name}.py"))
        if f"\ndef {name}(" in commands:  # `liaison backup` in tui/cli.py
            found.append(ROOT / "tui" / "cli.py")
    return found


def _tests(names: set[str]) -> list[Path]:
    return [p for name in names for p in (ROOT / "tests").rglob(f"test_*{name}*.py")]


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_is_found_by_its_name(feature: str) -> None:
    name = FEATURES[feature]
    store = _store(name)
    assert store, f"{feature}: no store/**/*{name}*"
    # The feature's own name first; then its package's (conflicts → sync).
    names = {name} | {_package(p) for p in store}
    screens, tests = _screens(names), _tests(names)
    # Commands a deputy types at a shell are the screen of the features without one.
    commands = [p for p in screens if p.parent.name == "tui"]
    assert screens or name in ON_THE_DESK, (
        f"{feature}: no screen, dialog or command named after {sorted(names)}"
    )
    assert tests, f"{feature}: no tests/**/test_*{name}*.py"
    assert all(p.suffix == ".py" for p in screens + tests + commands)


def test_every_screen_belongs_to_a_feature_or_to_the_desk() -> None:
    """A screen module a newcomer opens is one of the features above, or a part of the desk
    every feature uses (the opening, the dashboard, logging a visit, an issue's page…)."""
    desk = {"opening", "dashboard", "log_visit", "issue", "deputies", "sync"}
    named = set(FEATURES.values())
    modules = {p.stem for p in (ROOT / "screens").glob("*.py")} - {"__init__"}
    unexplained = {m for m in modules if m not in desk and not any(n in m for n in named)}
    assert unexplained == set()
