"""Whatever fails while the desk opens its store, the app closes with one clear message: it
never sits on the opening screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import make_app_at
from tui.i18n import t
from tui.navigation import MODE_MODULES


async def test_an_unexpected_error_while_opening_closes_the_app_with_a_message(
    station_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A module that cannot be imported: what a broken install looks like.
    monkeypatch.setitem(MODE_MODULES, "dashboard", "screens.no_such_screen")
    app = make_app_at(station_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.return_code is not None:
                break
    assert app.return_code == 1
    said = capsys.readouterr()
    assert t("error.unexpected") in said.out + said.err
    assert "ModuleNotFoundError" in said.out + said.err
