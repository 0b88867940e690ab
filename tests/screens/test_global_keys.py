"""No screen gives a global key (spec §6: `n`, `t`, `b`, `/`, `h`, `s`, `d`, `y`, `?`, `q`) another
meaning: found trying the suggestions by hand, where `s` on a suggestion's page added a source
instead of opening the statistics. Dialogs may (a confirmation's `y`/`n`); the two screens
listed do the global key's own thing in their place."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.screen import ModalScreen, Screen

import screens
from screens.base.desk_screen import GLOBAL_KEYS

# (screen, key): the county's `s` opens the statistics of the station under the cursor; search's
# `/` goes back to its field.
# The same meaning, narrowed to the screen: a station's statistics from the county's view, the
# search box again, a visit logged with the session's channel and session preset.
SAME_MEANING = {
    ("CountyScreen", "s"),
    ("SearchScreen", "slash"),
    ("DeliberationScreen", "n"),
}


def test_no_screen_gives_a_global_key_another_meaning() -> None:
    actions = {key: action for key, action, *_ in GLOBAL_KEYS.values()}
    found = []
    for module in pkgutil.walk_packages(screens.__path__, "screens."):
        loaded = importlib.import_module(module.name)
        for name, screen in inspect.getmembers(loaded, inspect.isclass):
            if not issubclass(screen, Screen) or issubclass(screen, ModalScreen):
                continue
            for binding in screen.BINDINGS:
                if not isinstance(binding, Binding):
                    continue
                for key in binding.key.split(","):
                    if key not in actions or (name, key) in SAME_MEANING:
                        continue
                    if binding.action.removeprefix("app.") != actions[key]:
                        found.append((name, key, binding.action))
    assert found == []
