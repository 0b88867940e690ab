"""The desk in English, for the tests that read its screens in English.

`in_english` opens it in this process: labels are resolved when shown (tui.i18n), so the
language can be set at any time. `run_in_english` opens it in a process of its own, as
`--lang en` / LIAISON_LANG would: it runs a script body there; the body (the subprocess's side)
gets `app`, `pilot` and `out`, a dict it fills (often with `look(app)`), which comes back as
JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from store.db import Store
    from tui.app import LiaisonApp

ROOT = Path(__file__).resolve().parents[2]

_PREAMBLE = r"""
import asyncio, json, sys
sys.path[:0] = [sys.argv[2]]  # tests/helpers: this module, desk_helpers

from tui.i18n import set_language
set_language("en")

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from desk_helpers import (
    content, descriptions, footer_keys, footer_width, press, screen_lines, settle,
)
from english_desk import look
from store.core.clock import FrozenClock
from store.station import load_station, open_store
from tui.app import make_app


async def main() -> None:
    clock = FrozenClock(datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    store = open_store(Path(sys.argv[1]), clock=clock)
    app = make_app(store, load_station(store), lang="en")
    out = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
{body}
    store.dispose()
    print(json.dumps(out, ensure_ascii=False))


asyncio.run(main())
"""


@asynccontextmanager
async def in_english(store: Store) -> AsyncIterator[tuple[LiaisonApp, Pilot[None]]]:
    """The desk on `store` in English at 80×24, settled; Chinese again afterwards."""
    from desk_helpers import settle

    from store.station import load_station
    from tui.app import make_app
    from tui.i18n import set_language

    app = make_app(store, load_station(store), lang="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            yield app, pilot
    finally:
        set_language("zh")


def look(app: Any, *, footer: bool = True) -> dict[str, Any]:
    """What the screen shows: its class, the footer's key labels and width, its text. A modal
    has no footer of its own (`footer=False`)."""
    from desk_helpers import descriptions, footer_keys, footer_width, screen_lines

    app.screen.refresh_bindings()
    return {
        "screen": type(app.screen).__name__,
        "footer": descriptions(footer_keys(app)) if footer else [],
        "width": footer_width(app) if footer else 0,
        "text": "\n".join(screen_lines(app)),
    }


def run_in_english(db: Path | str, body: str, *args: str) -> dict[str, Any]:
    """Open the desk in English on the station database `db`, run `body` (statements indented
    for the inside of `async with app.run_test(…) as pilot:`; extra `args` are sys.argv[3:]),
    and return what it put in `out`."""
    lines = textwrap.dedent(body).splitlines()
    indented = "\n".join(("        " + line) if line.strip() else "" for line in lines)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _PREAMBLE.replace("{body}", indented),
            str(db),
            str(ROOT / "tests" / "helpers"),
            *args,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LIAISON_LANG": "en"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def chinese_leaks(text: str, *data: str) -> list[str]:
    """The interface's Chinese words left in a screen's text in English: the catalogue's, once
    the data a screen shows (the small station's names, the terminal's, and `data`) is taken
    out. A word like 代表 is both interface and part of 青石镇人大代表联络站."""
    from small_station import SMALL_STATION

    from tui.i18n import catalogue

    names = [SMALL_STATION.name, SMALL_STATION.township, SMALL_STATION.county, "值班台"]
    names += [d.name for d in SMALL_STATION.deputies] + [
        d.group_name for d in SMALL_STATION.deputies
    ]
    names += [v.name for v in SMALL_STATION.villages]
    for name in sorted({*names, *data}, key=len, reverse=True):
        text = text.replace(name, "")
    chinese = catalogue("zh").values()
    interface = {zh for forms in chinese for zh in forms if "{" not in zh and len(zh) > 1}
    return sorted(word for word in interface if word in text)
