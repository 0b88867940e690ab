"""The issue page (事项): progress moves the status forward only, closing records the verdict,
and reopening is only offered for a closed issue (docs/rules/duty-loop.md, colours-and-windows.md,
keys-and-language.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk_helpers import content, footer_keys, notes, plain, press, settle
from ledger_helpers import FULL_HEADER, GOOD, write_csv
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import RadioSet, Select, TextArea

from screens.dialogs.issue_forms import CloseModal, ProgressModal
from screens.dialogs.note import NoteModal
from screens.issue import IssueScreen
from store.changelog.changes import Actor
from store.core.models import EvaluationCreate, Issue, Resolution, Satisfaction, Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.ledger import LedgerInvalid, import_ledger
from tui.app import LiaisonApp
from tui.i18n import t


def _issue(store: Store, issue_id: str) -> dict[str, Any]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("select * from issue where id = ?", (issue_id,)).fetchone())


def _progress(store: Store, issue_id: str) -> list[tuple[str, str, str]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(
            "select status_before, status_after, note from progress where issue_id = ? "
            "order by at, rowid",
            (issue_id,),
        ).fetchall()


def _greyed(app: LiaisonApp, description: str) -> bool:
    """Whether the footer shows the key with this description greyed out."""
    (key,) = [k for k in footer_keys(app) if k.description == description]
    return bool(key.has_class("-disabled"))


async def _open(pilot: Pilot[None], issue_id: str) -> IssueScreen:
    app = pilot.app
    await settle(pilot)
    screen = IssueScreen(issue_id)
    await app.push_screen(screen)
    await settle(pilot)
    assert app.screen is screen
    return screen


async def test_progress_moves_the_status_forward_only(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.township)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, issue.id)
        assert "状态：听事" in content(screen.query_one("#issue-head"))

        # Every step from 听事 on is offered (closing is `c`, not progress).
        await press(pilot, "p")
        modal = desk.screen
        assert isinstance(modal, ProgressModal)
        status = modal.query_one("#progress-status", Select)
        assert [plain(p) for p, _ in status._options] == ["听事", "议事", "办事", "督事", "评事"]
        status.value = "handling"
        modal.query_one("#progress-note", TextArea).text = "已约镇城建办现场查看。"
        await settle(pilot)
        await press(pilot, "ctrl+s")

        assert desk.screen is screen
        assert t("issue.progress_saved") in notes(desk)
        assert _issue(store, issue.id)["status"] == "handling"
        assert _progress(store, issue.id) == [("received", "handling", "已约镇城建办现场查看。")]
        assert "状态：办事" in content(screen.query_one("#issue-head"))
        timeline = content(screen.query_one("#issue-timeline"))
        assert "听事 → 办事" in timeline and "已约镇城建办现场查看。" in timeline

        # Now only 办事 and later; a note that keeps the status is a plain progress entry.
        await press(pilot, "p")
        modal = desk.screen
        assert isinstance(modal, ProgressModal)
        status = modal.query_one("#progress-status", Select)
        assert [plain(p) for p, _ in status._options] == ["办事", "督事", "评事"]
        # The next step is proposed (issue 17); keeping the status is one choice away.
        assert status.value == "supervising"
        status.value = "handling"
        modal.query_one("#progress-note", TextArea).text = "施工队下周进场。"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert _issue(store, issue.id)["status"] == "handling"
        assert _progress(store, issue.id)[-1] == ("handling", "handling", "施工队下周进场。")

        # Escape leaves the modal and writes nothing.
        await press(pilot, "p")
        await press(pilot, "escape")
        assert desk.screen is screen
        assert len(_progress(store, issue.id)) == 2


async def test_reopen_is_greyed_out_on_an_open_issue(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, issue.id)
        assert screen.check_action("reopen", ()) is None
        assert _greyed(desk, t("key.reopen"))
        assert not _greyed(desk, t("key.progress"))
        assert not _greyed(desk, t("key.close"))

        await press(pilot, "r")
        assert desk.screen is screen
        assert not isinstance(desk.screen, NoteModal)
        assert _issue(store, issue.id)["status"] == "received"
        assert _progress(store, issue.id) == []


async def _choose(pilot: Pilot[None], radio_set: str, name: str) -> None:
    radios = pilot.app.screen.query_one(radio_set, RadioSet)
    radios.focus()
    await pilot.pause()
    names = [button.name for button in radios.query("RadioButton")]
    for _ in range(names.index(name)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert radios.pressed_button is not None and radios.pressed_button.name == name


async def test_closing_satisfied_turns_it_green_and_records_the_window(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.village)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, issue.id)
        await press(pilot, "c")
        assert isinstance(desk.screen, CloseModal)
        await _choose(pilot, "#close-resolution", "resolved")
        await _choose(pilot, "#close-satisfaction", "satisfied")
        await press(pilot, "ctrl+s")

        assert desk.screen is screen
        assert t("issue.closed_ok") in notes(desk)
        row = _issue(store, issue.id)
        assert row["status"] == "closed"
        assert (row["resolution"], row["satisfaction"]) == ("resolved", "satisfied")
        assert row["closed_on"] == "2026-11-24" and row["closed_within_window"] == 1
        assert row["resupervision"] == 0
        head = content(screen.query_one("#issue-head"))
        assert head.startswith("●")
        assert "已办结" in head and t("issue.within") in head
        assert t("issue.eval", resolution="已解决", satisfaction="满意") in head

        # Closed and evaluated: progress and closing are greyed out, reopening is offered.
        assert _greyed(desk, t("key.progress"))
        assert _greyed(desk, t("key.close"))
        assert not _greyed(desk, t("key.reopen"))


async def test_reopening_a_closed_issue_makes_it_red(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.county)
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.fairly
            ),
        )
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, issue.id)
        assert content(screen.query_one("#issue-head")).startswith("●")
        assert not _greyed(desk, t("key.reopen"))

        await press(pilot, "r")
        modal = desk.screen
        assert isinstance(modal, NoteModal)
        modal.query_one("#note-text", TextArea).text = "群众反映又坏了。"
        await settle(pilot)
        await press(pilot, "ctrl+s")

        assert desk.screen is screen
        assert t("issue.reopened") in notes(desk)
        row = _issue(store, issue.id)
        assert (row["status"], row["resupervision"], row["reopen_count"]) == ("supervising", 1, 1)
        assert row["closed_on"] is None and row["satisfaction"] is None
        assert _progress(store, issue.id)[-1] == ("closed", "supervising", "群众反映又坏了。")
        head = content(screen.query_one("#issue-head"))
        assert head.startswith("■")
        assert "状态：督事" in head and t("issue.reopened_n", count=1) in head
        assert t("issue.tl_reopen") in content(screen.query_one("#issue-timeline"))
        assert _greyed(desk, t("key.reopen"))


async def test_a_ledger_row_dated_without_a_time_shows_no_made_up_time(
    desk: LiaisonApp, store: Store, actor: Actor, tmp_path: Path
) -> None:
    """A clerk's ledger gives days, not times ("2026-11-20"): its visits are imported at the
    day's first minute, and the issue's page showed them at "00:00". A row with a time keeps
    it."""
    unit = ["村级", "青石村村委会"]
    rows = [
        FULL_HEADER,
        ["2026-11-20", *GOOD[1:5], "桥头的路灯不亮了", *GOOD[6:], *unit, "", "", "", "A"],
        ["2026-11-21 09:30", *GOOD[1:5], "还是不亮", *GOOD[6:], *unit, "", "", "", "A"],
    ]
    try:
        import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "l.csv", rows))
    except LedgerInvalid as exc:
        raise AssertionError(exc.errors) from None
    with store.read() as session:
        (issue_id,) = session.exec(select(Issue.id)).all()
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, issue_id)
        visits = content(screen.query_one("#issue-visits")).splitlines()
        assert any(line.startswith("2026-11-20 王阿姨") for line in visits), visits
        assert any(line.startswith("2026-11-21 09:30 王阿姨") for line in visits), visits
        assert not any("00:00" in line for line in visits)
