"""Screens imported when first needed: the App names them by module and class."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

# The screens behind the global keys, imported when first needed (after the store has loaded).
SCREENS_BY_MODE = {
    "dashboard": ("screens.dashboard", "DashboardScreen"),
    "triage": ("screens.triage", "TriageScreen"),
    "board": ("screens.board", "BoardScreen"),
    "stats": ("screens.stats", "StatsScreen"),
    "search": ("screens.search", "SearchScreen"),
    "hot_words": ("screens.hot_words", "HotWordsScreen"),
    "sync": ("screens.sync", "SyncScreen"),
}


def screen_class(module: str, name: str) -> type[Screen[Any]]:
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def lazy_screen(module: str, name: str) -> Callable[[], Screen[Any]]:
    return lambda: screen_class(module, name)()


def is_screen(screen: Screen[Any], module: str, name: str) -> bool:
    """isinstance without importing a screen module that has not been loaded yet."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(screen, getattr(loaded, name))
