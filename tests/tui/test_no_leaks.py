"""No resident's data through failures (issue 7, part 5): an unexpected error's text may quote a
name or a phone (a driver's message, a bug's repr); the command line, the screen's notice and
the log name the error's type only."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

import tui.cli_purge
from store.core.clock import FrozenClock
from store.station import load_station, open_store
from tui.app import make_app
from tui.cli import main

NAME, PHONE, ID_NUMBER = "钱秘密", "13987654321", "330522199001011234"
SECRET = f"{NAME} {PHONE} {ID_NUMBER} 桥下的排水沟堵了"


def _clean(text: str) -> None:
    for secret in (NAME, PHONE, ID_NUMBER, "排水沟"):
        assert secret not in text


def test_the_command_line_names_the_error_only(
    station_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(tui.cli_purge, "purge_command", fail)
    monkeypatch.setattr(sys, "argv", ["liaison", "--db", str(station_path), "purge", "--dry-run"])
    with caplog.at_level(logging.DEBUG), pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    printed = capsys.readouterr()
    assert "RuntimeError" in printed.err
    _clean(printed.out + printed.err)
    _clean(caplog.text)
    assert "RuntimeError" in caplog.text


async def test_a_failed_store_call_on_screen_names_nothing_personal(
    station_path: Path, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(station_path, clock=clock)
    app = make_app(store, load_station(store))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()

            def job() -> None:
                raise ValueError(SECRET)

            with caplog.at_level(logging.DEBUG):
                # The dashboard, under the deputy chooser the app opens with.
                desk = next(s for s in app.screen_stack if hasattr(s, "run_store"))
                desk.run_store(job, lambda _result: None, group="leak_checks")
                for _ in range(40):
                    await pilot.pause(0.05)
                    if app._notifications:
                        break
            shown = " ".join(f"{n.title} {n.message}" for n in app._notifications)
            assert shown.strip()
            _clean(shown)
            _clean(caplog.text)
            assert "ValueError" in caplog.text
    finally:
        store.dispose()
