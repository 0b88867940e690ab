"""Navigation has one registry (tui.navigation): every place, mode and message builds its screen,
every key that opens a place names one that exists, and no screen imports another (they post
tui.messages), so a renamed screen fails here, not when its key is pressed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from textual.screen import Screen

from screens.base.desk_screen import DeskScreen
from store.desk.board import BoardFilter
from tui import navigation
from tui.app import LiaisonApp
from tui.messages import Place

ROOT = Path(__file__).resolve().parents[2]
SCREEN_MODULES = sorted(p.stem for p in (ROOT / "screens").glob("*.py") if p.stem != "__init__")


async def test_every_registered_screen_builds_and_stands_for_its_place(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)):
        assert set(navigation.PLACES) == set(Place)
        for place, build in navigation.PLACES.items():
            screen = build()
            assert isinstance(screen, DeskScreen), place
            assert navigation.place_of(screen) == place
        for mode, build in navigation.MODES.items():
            assert isinstance(build(), Screen), mode
            assert navigation.MODE_MODULES[mode] in (f"screens.{m}" for m in SCREEN_MODULES)
        built = [
            navigation.issue_screen("x"),
            navigation.project_screen("x"),
            navigation.audit_screen("x", "title"),
            navigation.drill_down_screen(BoardFilter(), "heading"),
        ]
        assert [type(s).__name__ for s in built] == [
            "IssueScreen",
            "ProjectScreen",
            "AuditScreen",
            "BoardScreen",
        ]


def test_every_key_that_opens_a_place_names_one() -> None:
    opened = set()
    for path in (ROOT / "screens").rglob("*.py"):
        for place in re.findall(r"app\.open\('(\w+)'\)", path.read_text(encoding="utf-8")):
            opened.add(place)
            assert place in Place.__members__, (path.name, place)
    assert {"follow_up", "projects", "review", "audit", "roster"} <= opened


def test_no_screen_imports_another() -> None:
    for name in SCREEN_MODULES:
        tree = ast.parse((ROOT / "screens" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] == "screens":
                    # screens.base (what screens share) and screens.dialogs (every modal) only.
                    assert parts[1:2] in (["base"], ["dialogs"]), (name, node.module)
