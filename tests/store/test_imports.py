"""Import hygiene (STYLE §2): the store and the demo generator never load Textual or Rich."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_store_and_fixtures_load_neither_textual_nor_rich() -> None:
    out = _run(
        "import store.station, store.desk.issues, store.desk.visits, store.duty.dashboard; "
        "import fixtures.demo; "
        "import sys; "
        'print("textual" in sys.modules, "rich" in sys.modules, "store.desk.issues" in sys.modules)'
    )
    assert out == "False False True"


def test_opening_an_up_to_date_station_needs_no_ui_and_no_alembic(station_path: Path) -> None:
    """store.trust.migrate promises that start-up need not import Alembic when nothing is to do."""
    out = _run(
        "import json, sys; from pathlib import Path; "
        "from store.station import open_store, load_station; "
        "s = open_store(Path(sys.argv[1])); info = load_station(s); s.dispose(); "
        "print(json.dumps({m: m in sys.modules for m in ('textual', 'rich', 'alembic', 'typer')}"
        " | {'station': info.name}))",
        str(station_path),
    )
    assert json.loads(out) == {
        "textual": False,
        "rich": False,
        "alembic": False,
        "typer": False,
        "station": "青石镇人大代表联络站",
    }
