"""The triage queue (分办): the pickers for units and issues, linking, and paging
(docs/rules/keys-and-language.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from desk_helpers import (
    content,
    cursor_key,
    notes,
    pick,
    pick_options,
    press,
    row_keys,
    settle,
)
from small_station import Refs
from textual.widgets import DataTable

from screens.dialogs.pick import PickModal
from screens.triage import TriageScreen
from store.core.clock import FrozenClock
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from tui.app import LiaisonApp
from tui.i18n import t, tn


def _query(store: Store, sql: str, *params: object) -> list[tuple[object, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


async def test_pickers_offer_the_likeliest_first_and_linking_counts_the_visit(
    desk: LiaisonApp,
    store: Store,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    elsewhere = make_issue(tier=Tier.township, village="东塘村", category="道路交通")
    other_kind = make_issue(village="青石村", category="环境卫生", text="垃圾桶满了没人清。")
    same = make_issue(village="青石村", category="道路交通")
    unrelated = make_issue(village="东塘村", category="教育", text="校车太挤。")
    visit = make_visit(village="青石村", category="道路交通", text="村口路灯又坏了。")
    issues_before = _query(store, "select count(*) from issue")[0][0]

    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = desk.screen
        assert isinstance(screen, TriageScreen)
        assert cursor_key(screen.query_one("#triage-table", DataTable)) == visit.id

        # `u`: every tier's units under a heading that cannot be chosen.
        await press(pilot, "u")
        assert isinstance(desk.screen, PickModal)
        options = pick_options(desk)
        headings = [(text, disabled) for id_, text, disabled in options if id_ is None]
        assert headings == [("村级", True), ("乡级", True), ("县级", True)]
        under: dict[str, list[str]] = {}
        current = ""
        for id_, text, _ in options:
            if id_ is None:
                current = text
            else:
                under.setdefault(current, []).append(text.strip())
        assert under["村级"][0] == "青石村村委会"
        assert "青石镇人民政府" in under["乡级"]
        assert all(name.startswith("临溪县") for name in under["县级"])
        await press(pilot, "escape")
        assert desk.screen is screen

        # `1`: the village tier, the visit's own village committee first.
        await press(pilot, "1")
        options = pick_options(desk)
        assert options[0] == (refs.unit_for(Tier.village, "青石村"), "青石村村委会", False)
        assert all(o[0] is not None for o in options)
        await press(pilot, "escape")
        assert _query(store, "select count(*) from issue")[0][0] == issues_before

        # `l`: open issues of the same category and village first, then the same category,
        # then the same village; unrelated ones are not offered.
        await press(pilot, "l")
        assert isinstance(desk.screen, PickModal)
        options = pick_options(desk)
        assert [o[0] for o in options] == [same.id, elsewhere.id, other_kind.id]
        assert unrelated.id not in [o[0] for o in options]
        first = options[0][1]
        assert first.startswith("● 村级 ") and "青石村 · 道路交通" in first
        await pick(pilot, same.id)

        assert desk.screen is screen
        assert t("triage.linked", title=same.title) in notes(desk)
        assert visit.id not in row_keys(screen.query_one("#triage-table", DataTable))
        assert _query(store, "select issue_id from visit where id = ?", visit.id) == [(same.id,)]
        assert _query(store, "select visit_count from issue where id = ?", same.id) == [(2,)]
        assert _query(store, "select count(*) from issue")[0][0] == issues_before
        assert content(screen.query_one("#triage-visit")) == t("triage.empty")


async def test_queue_pages_fifty_at_a_time(
    desk: LiaisonApp, clock: FrozenClock, make_visit: Callable[..., VisitRow]
) -> None:
    visits = []
    for n in range(60):
        visits.append(make_visit(name=f"居民{n:02d}", phone=f"138{n:08d}", text=f"第{n}件事。"))
        clock.advance(timedelta(minutes=1))
    ids = [v.id for v in visits]

    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = desk.screen
        assert isinstance(screen, TriageScreen)
        table = screen.query_one("#triage-table", DataTable)
        count = screen.query_one("#triage-count")
        assert row_keys(table) == ids[:50]
        assert content(count).startswith(
            t("triage.count", count=60) + "　" + tn("board.page", 60, page=1, pages=2)
        )

        # j/k move through the queue and the detail follows.
        await press(pilot, "j")
        assert cursor_key(table) == ids[1]
        assert "居民01" in content(screen.query_one("#triage-visit"))
        await press(pilot, "k")
        assert cursor_key(table) == ids[0]

        await press(pilot, "pagedown")
        assert row_keys(table) == ids[50:]
        assert tn("board.page", 60, page=2, pages=2) in content(count)
        assert "居民50" in content(screen.query_one("#triage-visit"))
        await press(pilot, "pagedown")  # there is no third page
        assert row_keys(table) == ids[50:]
        await press(pilot, "pageup")
        assert row_keys(table) == ids[:50]
