"""A crash never prints residents' data: Textual's own report shows local variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.core.clock import FrozenClock
from store.station import load_station, open_store
from tui.app import make_app


class Boom(Exception):
    pass


async def test_crash_report_names_the_error_but_no_local_values(
    station_path: Path, clock: FrozenClock, capfd: pytest.CaptureFixture[str]
) -> None:
    store = open_store(station_path, clock=clock)
    app = make_app(store, load_station(store))

    def explode() -> None:
        resident_phone = "13912345678"  # a local the stock report would print
        raise Boom(resident_phone)

    with pytest.raises(Boom):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.call_later(explode)
            await pilot.pause()
    store.dispose()
    printed = capfd.readouterr()
    text = printed.out + printed.err
    assert "Boom" in text
    assert "13912345678" not in text
    assert "test_crash_report.py" in text
