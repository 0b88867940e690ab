"""The sync screen (`y`): bundles written and read through it land in real databases, a refused
bundle changes nothing, and conflicts are listed and answered.

A laptop is made the way a deputy makes one: a joining bundle from the station, then
`join_station` into a file of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from desk_helpers import (
    content,
    descriptions,
    footer_keys,
    footer_width,
    hold_still,
    notes,
    press,
    rows,
    settle,
)
from small_station import Refs
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from screens.dialogs.bundle import BundleModal
from screens.dialogs.confirm import ConfirmModal
from screens.sync import SyncScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow, get_issue_row
from store.desk.issues import change_unit
from store.desk.visits import VisitRow, log_visit
from store.station import load_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station
from tui.app import LiaisonApp, make_app
from tui.i18n import t

PASSPHRASE = "correct horse"
TODAY = date(2026, 11, 24)


@pytest.fixture
def laptop_path(store: Store, station_path: Path, tmp_path: Path, clock: FrozenClock) -> Path:
    """A laptop of the small station, as `liaison init --from-bundle` makes one."""
    bundle = tmp_path / "join.bundle"
    export_join_bundle(store=store, db_path=station_path, out=bundle, passphrase=PASSPHRASE)
    laptop = tmp_path / "laptop.db"
    join_station(
        bundle=bundle, db_path=laptop, passphrase=PASSPHRASE, device_name="笔记本甲", clock=clock
    )
    return laptop


@pytest.fixture
def laptop(laptop_path: Path, clock: FrozenClock) -> Iterator[Store]:
    opened = open_store(laptop_path, clock=clock)
    yield opened
    opened.dispose()


def _laptop_actor(laptop: Store, actor: Actor) -> Actor:
    return load_station(laptop).actor(actor.deputy_id)


def _count(store: Store, table: str) -> int:
    with store.read() as session:
        return int(session.connection().execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


async def _open_sync(pilot: Pilot[None]) -> SyncScreen:
    await settle(pilot)
    await press(pilot, "y")
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    return screen


async def _fill_bundle_form(pilot: Pilot[None], path: Path, passphrase: str = "") -> None:
    modal = pilot.app.screen
    assert isinstance(modal, BundleModal)
    modal.query_one("#bundle-path", Input).value = str(path)
    modal.query_one("#bundle-passphrase", Input).value = passphrase
    await press(pilot, "ctrl+s")


def _result(screen: SyncScreen) -> str:
    return content(screen.query_one("#sync-result", Static))


async def test_export_on_the_screen_is_taken_in_by_a_laptop(
    desk: LiaisonApp,
    laptop: Store,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
) -> None:
    """What the station decides after the laptop was made reaches it through a bundle written
    from the screen (with a passphrase): the summary names the file and the count."""
    issue: IssueRow = make_issue(text="桥头的护栏松了")
    out = tmp_path / "stick" / "station.bundle"
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open_sync(pilot)
        assert "联络站主机" in content(screen.query_one("#sync-status", Static))
        await press(pilot, "e")
        modal = desk.screen
        assert isinstance(modal, BundleModal)
        # The default: <data dir>/sync/<device>-<YYYYmmdd-HHMM>.bundle, at the station's time.
        default = modal.query_one("#bundle-path", Input).value
        assert default.endswith("-20261124-1000.bundle") and "/sync/" in default
        await _fill_bundle_form(pilot, out, "a passphrase")
        assert desk.screen is screen
        shown = _result(screen)
        assert str(out) in shown and "已导出" in shown
    assert out.is_file()
    with pytest.raises(Exception):  # noqa: B017 - sealed with the passphrase too
        import_bundle(store=laptop, path=out)
    summary = import_bundle(store=laptop, path=out, passphrase="a passphrase")
    assert summary.merge.by_table["issue"] == 1 and summary.merge.by_table["visit"] >= 1
    with laptop.read() as session:
        assert get_issue_row(session=session, issue_id=issue.id, today=TODAY) is not None


async def test_import_on_the_screen_shows_what_came_in(
    desk: LiaisonApp,
    store: Store,
    laptop: Store,
    actor: Actor,
    refs: Refs,
    tmp_path: Path,
) -> None:
    """Two visits logged on the laptop arrive at the station through the screen, counted by
    kind in the summary; the laptop then shows as heard from, and the same bundle again adds
    nothing."""
    from store.core.models import Channel, VisitCreate, VisitKind

    laptop_actor = _laptop_actor(laptop, actor)
    for words in ("村里的井水有异味", "晒谷场被占了"):
        form = VisitCreate(
            phone="13900001111",
            name="李大爷",
            village_id=refs.villages["青石村"],
            category_id=refs.categories["道路交通"],
            channel=Channel.home_visit,
            kind=VisitKind.request,
            text=words,
        )
        with laptop.write(laptop_actor) as session:
            log_visit(session=session, visit_in=form)
    bundle = tmp_path / "laptop.bundle"
    export_bundle(store=laptop, out=bundle)
    visits_before = _count(store, "visit")
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open_sync(pilot)
        await press(pilot, "i")
        await _fill_bundle_form(pilot, bundle)
        shown = _result(screen)
        assert "已导入「笔记本甲」的同步包" in shown
        assert "来访 2" in shown and "群众 1" in shown
        assert _count(store, "visit") == visits_before + 2
        status = content(screen.query_one("#sync-status", Static))
        assert "笔记本甲" in status and t("sync.heard") in status
        # Again: nothing new, all skipped.
        await press(pilot, "i")
        await _fill_bundle_form(pilot, bundle)
        assert "新更改 0 条" in _result(screen)
    assert _count(store, "visit") == visits_before + 2


async def test_a_tampered_bundle_is_refused_and_nothing_changes(
    desk: LiaisonApp,
    store: Store,
    laptop: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "laptop.bundle"
    export_bundle(store=laptop, out=bundle, full=True)
    data = bytearray(bundle.read_bytes())
    data[-20] ^= 0x01
    bundle.write_bytes(bytes(data))
    changes = _count(store, "change_log")
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open_sync(pilot)
        await press(pilot, "i")
        await _fill_bundle_form(pilot, bundle)
        assert _result(screen) == t("sync.damaged")
        assert t("sync.damaged") in notes(desk)
        # A file that is not there is caught in the form, before any work.
        await press(pilot, "i")
        await _fill_bundle_form(pilot, tmp_path / "nowhere.bundle")
        assert isinstance(desk.screen, BundleModal)
        assert content(desk.screen.query_one("#bundle-error")) == t("sync.no_file")
        await press(pilot, "escape")
    assert _count(store, "change_log") == changes


def _make_conflicts(
    store: Store, laptop: Store, actor: Actor, refs: Refs, issues: list[IssueRow], tmp_path: Path
) -> None:
    """The station hands each issue to a township unit, the laptop (offline) to a county
    unit; the laptop's bundle then reaches the station."""
    export_bundle(store=store, out=tmp_path / "to-laptop.bundle")
    import_bundle(store=laptop, path=tmp_path / "to-laptop.bundle")
    for issue in issues:
        with store.write(actor) as session:
            change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.township))
    for issue in issues:
        with laptop.write(_laptop_actor(laptop, actor)) as session:
            change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.county))
    export_bundle(store=laptop, out=tmp_path / "to-station.bundle")
    import_bundle(store=store, path=tmp_path / "to-station.bundle")


async def test_conflicts_are_listed_and_answered(
    desk: LiaisonApp,
    store: Store,
    laptop: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
) -> None:
    """Both edited the same issue's unit: one value won everywhere, the other is listed (by
    names, never ids). `a` keeps the current value; `r` asks, then writes the lost one back."""
    issue = make_issue()
    _make_conflicts(store, laptop, actor, refs, [issue], tmp_path)
    with store.read() as session:
        won = get_issue_row(session=session, issue_id=issue.id, today=TODAY)
    assert won is not None
    async with desk.run_test(size=(100, 30)) as pilot:
        screen = await _open_sync(pilot)
        listed = rows(screen.table)
        assert len(listed) == 2, listed
        by_field = {row[1]: row for row in listed}
        assert set(by_field) == {"承办单位", "层级"}
        unit_row, tier_row = by_field["承办单位"], by_field["层级"]
        assert unit_row[0] == "事项"
        names = {refs.unit_for(Tier.township): None, refs.unit_for(Tier.county): None}
        assert not any(cell in names for cell in unit_row)
        assert {tier_row[2], tier_row[3]} == {"乡级", "县级"}
        assert "冲突 2 条待处理" in content(screen.query_one("#sync-status", Static))
        assert t("key.keep_current") in descriptions(footer_keys(desk))

        # Keep the current tier.
        index = listed.index(tier_row)
        screen.table.move_cursor(row=index)
        await press(pilot, "a")
        assert [r[1] for r in rows(screen.table)] == ["承办单位"]
        lost_unit = unit_row[2]

        # Restore the lost unit: asked first; "no" changes nothing.
        await press(pilot, "r")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "n")
        assert len(rows(screen.table)) == 1
        await press(pilot, "r")
        await press(pilot, "y")
        assert rows(screen.table) == []
        assert "没有冲突" in content(screen.query_one("#sync-status", Static))
    with store.read() as session:
        now = get_issue_row(session=session, issue_id=issue.id, today=TODAY)
    assert now is not None and now.unit == lost_unit != won.unit
    assert _count(store, "conflict_resolution") == 2


async def test_footer_fits_and_help_names_the_keys(
    desk: LiaisonApp,
    store: Store,
    laptop: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
) -> None:
    """With conflicts listed (every key live) the footer fits 80 columns; help lists them."""
    _make_conflicts(store, laptop, actor, refs, [make_issue()], tmp_path)
    async with desk.run_test(size=(80, 24)) as pilot:
        await _open_sync(pilot)
        keys = descriptions(footer_keys(desk))
        for key in ("sync_export", "sync_import", "new_laptop", "keep_current", "restore_lost"):
            assert t(f"key.{key}") in keys
        assert footer_width(desk) <= 80, keys
        await press(pilot, "question_mark")
        from screens.dialogs.help import HelpModal

        assert isinstance(desk.screen, HelpModal)
        shown = {key: description for key, description, _ in desk.screen.rows}
        assert shown["e"] == t("key.sync_export") and shown["r"] == t("key.restore_lost")
        assert shown["c"] == t("key.conflicts")
        assert t("help.sync") in desk.screen.text


async def test_new_laptop_from_the_screen(
    desk: LiaisonApp, tmp_path: Path, clock: FrozenClock, station_path: Path
) -> None:
    """On the station, `l` writes a joining bundle (a passphrase of 8 characters or more is
    required); `join_station` makes a laptop of it."""
    out = tmp_path / "new.bundle"
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open_sync(pilot)
        await press(pilot, "l")
        await _fill_bundle_form(pilot, out, "short")
        assert isinstance(desk.screen, BundleModal)
        assert "8" in content(desk.screen.query_one("#bundle-error"))
        await _fill_bundle_form(pilot, out, PASSPHRASE)
        assert desk.screen is screen
        assert "liaison init --from-bundle" in _result(screen)
    info = join_station(
        bundle=out,
        db_path=tmp_path / "made.db",
        passphrase=PASSPHRASE,
        device_name="笔记本乙",
        clock=clock,
    )
    assert info.id == desk.desk.station.id and info.device_id != desk.desk.station.device_id


async def test_a_laptop_has_no_new_laptop_key(rostered: str, laptop: Store) -> None:
    """A laptop names its station as its peer and cannot make another laptop."""
    app = make_app(laptop, load_station(laptop))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_sync(pilot)
        assert t("key.new_laptop") not in descriptions(footer_keys(app))
        status = content(screen.query_one("#sync-status", Static))
        assert "笔记本甲 · 笔记本" in status and "联络站主机" in status


def test_snapshot_after_an_import(
    snap_compare: Callable[..., bool],
    desk: LiaisonApp,
    laptop: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    tmp_path: Path,
) -> None:
    """The screen at 80×24 once a laptop's bundle is in: the peer, the summary, the empty list."""
    from store.core.models import Channel, VisitCreate, VisitKind

    with laptop.read() as session:
        from store.reference.lists import list_categories, list_villages

        village = list_villages(session=session)[0].id
        category = list_categories(session=session)[0].id
    with laptop.write(_laptop_actor(laptop, actor)) as session:
        log_visit(
            session=session,
            visit_in=VisitCreate(
                phone="13900002222",
                name="周阿婆",
                village_id=village,
                category_id=category,
                channel=Channel.home_visit,
                kind=VisitKind.request,
                text="屋后的排水沟堵了",
            ),
        )
    bundle = tmp_path / "laptop.bundle"
    export_bundle(store=laptop, out=bundle)

    async def run_before(pilot: Pilot[None]) -> None:
        await _open_sync(pilot)
        await press(pilot, "i")
        await _fill_bundle_form(pilot, bundle)
        await hold_still(pilot)

    assert snap_compare(desk, run_before=run_before)
