"""The app on an encrypted database (issue 7 part 1): given the passphrase (asked on the command
line before Textual starts) it opens, logs a visit and takes its daily backup, all encrypted; with a
wrong one it closes with the catalogue's one line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from desk_helpers import pick, pick_options, press, settle
from small_station import NOW, SMALL_STATION
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from screens.dialogs.pick import PickModal
from screens.log_visit import LogVisitScreen
from store.core.clock import FrozenClock
from store.core.files import is_encrypted_file
from store.reference.lists import list_categories, list_villages
from store.station import init_station
from tui.app import LiaisonApp, make_app_at
from tui.i18n import t

KEY = "laptop passphrase 1"
NAME, PHONE = "赵大伯", "13957004321"


@pytest.fixture
def encrypted_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The app's daily backup goes beside the database; the user-data dir is this test's own.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = tmp_path / "laptop.db"
    init_station(engine_path=path, station=SMALL_STATION, clock=FrozenClock(NOW), key=KEY)
    return path


async def _opened(app: LiaisonApp, pilot: Pilot[None]) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if app.return_code is not None or (
            app.desk_ready and not any(w.is_running for w in app.workers)
        ):
            return


async def _pick_deputy(pilot: Pilot[None]) -> None:
    while isinstance(pilot.app.screen, PickModal):
        await pick(pilot, next(o for o, _, off in pick_options(pilot.app) if o and not off))
        await settle(pilot)


async def test_the_app_opens_an_encrypted_database_and_logs_a_visit(
    encrypted_path: Path, tmp_path: Path
) -> None:
    app = make_app_at(encrypted_path, key=KEY)
    async with app.run_test(size=(100, 30)) as pilot:
        await _opened(app, pilot)
        assert app.return_code is None
        assert app.desk.station.name == SMALL_STATION.name
        with app.desk.store.read() as session:
            village = list_villages(session=session)[0].id
            category = list_categories(session=session)[0].id
        # Nobody is rostered today: the desk asks who is on duty.
        await _pick_deputy(pilot)
        await press(pilot, "n")
        await _pick_deputy(pilot)
        screen = app.screen
        assert isinstance(screen, LogVisitScreen)
        screen.query_one("#phone", Input).value = PHONE
        screen.query_one("#name", Input).value = NAME
        screen.query_one("#village_id", Select).value = village
        screen.query_one("#category_id", Select).value = category
        screen.query_one("#text", TextArea).text = "村口的桥栏杆松了。"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, LogVisitScreen)
        with app.desk.store.read() as session:
            names = session.connection().exec_driver_sql("SELECT name FROM constituent").scalars()
            assert NAME in list(names)
        store = app.desk.store
    store.dispose()
    for suffix in ("", "-wal"):
        side = Path(f"{encrypted_path}{suffix}")
        if side.exists():
            data = side.read_bytes()
            assert NAME.encode() not in data and PHONE.encode() not in data
    # Today's automatic backup, taken in a thread once the desk was shown, is encrypted too.
    # Beside the database, named after the station, not compressed (it would not shrink).
    backups = tmp_path / "laptop.db.files" / "backups"
    pattern = f"{SMALL_STATION.name}-*.sqlite3"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not list(backups.glob(pattern)):
        time.sleep(0.1)
    made = list(backups.glob(pattern))
    assert made and all(is_encrypted_file(p) for p in made)


async def test_a_wrong_passphrase_closes_the_app_with_one_line(
    encrypted_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = encrypted_path.read_bytes()
    app = make_app_at(encrypted_path, key="not the passphrase")
    async with app.run_test(size=(80, 24)) as pilot:
        await _opened(app, pilot)
    assert app.return_code == 1
    said = capsys.readouterr()
    assert t("error.db_wrong_passphrase") in said.out + said.err
    assert encrypted_path.read_bytes() == before
