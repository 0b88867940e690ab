"""Each station keeps its own files (issue 16, part 5; docs/rules/data.md): prints, templates,
reports and daily backups go in a folder beside the database (`demo.db.files/`), never shared
with another database on the machine.

Before, they all went to one folder in the user's data dir: two stations' slips overwrote each
other (both print 交办第1号), the backup of `a/demo.db` was skipped because `b/demo.db` had written
`demo-<date>.sqlite3` first, and pruning deleted by the file's stem. The two databases here are
copies of one station, as a laptop and its station are (same station id)."""

from __future__ import annotations

import gzip
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from desk_helpers import notes, press, settle
from small_station import SMALL_STATION, VILLAGE

from screens.issue import IssueScreen
from store.core.clock import FrozenClock
from store.core.models import Channel, Tier, VisitCreate, VisitKind
from store.db import Store
from store.desk.triage import open_issue
from store.desk.visits import log_visit
from store.duty.dashboard import start_duty
from store.reference.lists import list_categories, list_deputies, list_units, list_villages
from store.station import load_station, open_store
from store.trust.backup import backup_to
from tui.app import make_app
from tui.cli_maintenance import take_daily_backup

DEPUTY = "沈国强"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data dir (XDG_DATA_HOME): where the files of every database went before."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "liaison-desk"


@pytest.fixture
def two(tmp_path: Path, station_template: Path, clock: FrozenClock) -> Iterator[dict[str, Store]]:
    """`a/demo.db` and `b/demo.db`: one station in two folders of one machine."""
    stores = {}
    for name in ("a", "b"):
        path = backup_to(station_template, tmp_path / name / "demo.db")
        stores[name] = open_store(path, clock=clock)
    yield stores
    for store in stores.values():
        store.dispose()


def _issue(store: Store, text: str) -> str:
    info = load_station(store)
    with store.read() as session:
        village = next(v.id for v in list_villages(session=session) if v.name == VILLAGE)
        category = list_categories(session=session)[0].id
        unit = next(u.id for u in list_units(session=session) if u.tier == Tier.township)
        deputy = next(d.id for d in list_deputies(session=session) if d.name == DEPUTY)
    with store.write(info.actor(deputy)) as session:
        start_duty(session=session, deputy_id=deputy)
        visit = log_visit(
            session=session,
            visit_in=VisitCreate(
                phone="13812341234",
                name="王阿姨",
                village_id=village,
                category_id=category,
                channel=Channel.walk_in,
                kind=VisitKind.request,
                text=text,
            ),
        )
        return open_issue(session=session, visit_id=visit.id, tier=Tier.township, unit_id=unit).id


async def _print_assignment(store: Store, issue_id: str) -> Path:
    """`a` on the issue's page; returns the HTML slip the desk says it wrote."""
    app = make_app(store, load_station(store))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(IssueScreen(issue_id))
        await settle(pilot)
        await press(pilot, "a")
        said = "\n".join(notes(app))
    html = [line.strip() for line in said.splitlines() if line.strip().endswith(".html")]
    assert len(html) == 1, said
    return Path(html[0])


async def test_two_stations_on_one_machine_keep_their_own_slips(
    two: dict[str, Store], home: Path, tmp_path: Path
) -> None:
    words = {"a": "甲处：村口路灯坏了", "b": "乙处：桥边栏杆松了"}
    slips = {}
    for name, store in two.items():
        slips[name] = await _print_assignment(store, _issue(store, words[name]))
    # Both are the first slip of their database: the same number, in two folders.
    assert slips["a"].name == slips["b"].name == "交办单-青石〔2026〕交办第1号.html"
    assert slips["a"] == tmp_path / "a" / "demo.db.files" / "prints" / slips["a"].name
    assert slips["b"] == tmp_path / "b" / "demo.db.files" / "prints" / slips["b"].name
    for name, other in (("a", "b"), ("b", "a")):
        html = slips[name].read_text(encoding="utf-8")
        assert words[name] in html and words[other] not in html
        # Readable by their owner only, the folders the desk made too (issue 15, part 4).
        made = [slips[name], slips[name].parent, slips[name].parent.parent]
        assert [stat.S_IMODE(p.stat().st_mode) for p in made] == [0o600, 0o700, 0o700]
    assert not (home / "prints").exists()


async def test_templates_edited_in_the_shared_folder_are_copied_once(
    two: dict[str, Store], home: Path
) -> None:
    """A station that edited its template in the folder every database shared keeps its edit;
    the shared folder stays as it was (another database may be using it)."""
    shared = home / "templates" / "assignment.html"
    shared.parent.mkdir(parents=True)
    shared.write_text("<p>本站专用交办单 $number $title</p>", encoding="utf-8")
    a = two["a"]
    slip = await _print_assignment(a, _issue(a, "路灯坏了"))
    assert "本站专用交办单" in slip.read_text(encoding="utf-8")
    own = slip.parent.parent / "templates" / "assignment.html"
    assert "本站专用交办单" in own.read_text(encoding="utf-8")
    # Copied once: later edits in the shared folder are not the station's any more.
    shared.write_text("<p>后来又改了 $number</p>", encoding="utf-8")
    again = await _print_assignment(a, _issue(a, "井盖松了"))
    assert "本站专用交办单" in again.read_text(encoding="utf-8")
    assert shared.read_text(encoding="utf-8") == "<p>后来又改了 $number</p>"
    # The templates the station did not edit are the defaults (the Markdown one here).
    assert "本站专用交办单" not in (own.parent / "assignment.md").read_text(encoding="utf-8")


def _texts_in(backup: Path) -> set[str]:
    """The visits' words in a daily copy (gzip data of a SQLite file)."""
    plain = backup.with_name("read.sqlite3")
    plain.write_bytes(gzip.decompress(backup.read_bytes()))
    try:
        with closing(sqlite3.connect(plain)) as db:
            return {text for (text,) in db.execute("SELECT text FROM visit")}
    finally:
        plain.unlink()


def test_each_database_takes_its_own_daily_backup(
    two: dict[str, Store], home: Path, tmp_path: Path
) -> None:
    """b's backup first, then a's: a's is not skipped, each holds its own records, each is named
    after the station, and each database prunes only its own folder."""
    words = {"a": "甲处的事", "b": "乙处的事"}
    paths = {}
    for name, store in two.items():
        _issue(store, words[name])
        target = store.target
        assert isinstance(target, Path)
        paths[name] = target
    made = {"b": take_daily_backup(paths["b"])}
    # An old copy of b's, past keeping: a's backup and pruning do not touch it.
    stale = (
        tmp_path / "b" / "demo.db.files" / "backups" / f"{SMALL_STATION.name}-2020-01-01.sqlite3"
    )
    stale.write_bytes(b"an old copy")
    made["a"] = take_daily_backup(paths["a"])
    assert stale.exists()
    for name, other in (("a", "b"), ("b", "a")):
        backup = made[name]
        assert backup is not None
        assert backup.parent == tmp_path / name / "demo.db.files" / "backups"
        assert backup.name.startswith(f"{SMALL_STATION.name}-")
        assert backup.name.endswith(".sqlite3.gz")
        texts = _texts_in(backup)
        assert words[name] in texts and words[other] not in texts
    # One a day; b's own pruning removes b's old copy.
    assert take_daily_backup(paths["b"]) is None
    assert not stale.exists() and made["b"] is not None and made["b"].exists()
    assert not (home / "backups").exists()
