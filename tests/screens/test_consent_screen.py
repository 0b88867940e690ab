"""同意转交 at the desk (issue 7 part 4): the log form's box starts unticked at every visit and is
reached by Tab and ticked by Space; the issue page says per visit whether the resident agreed,
and printing a slip for the unit says whose details it leaves out."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from desk_helpers import content, notes, press, screen_lines, settle
from english_desk import run_in_english
from small_station import Refs
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, TextArea

from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from store.reports.slips import NOT_CONSENTED
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import t, tn


def _consents(store: Store) -> list[tuple[str, int]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("select text, consent_forward from visit").fetchall()


async def _log(
    pilot: Pilot[None], screen: LogVisitScreen, refs: Refs, text: str, *, tick: bool
) -> None:
    """Fill the form from the keyboard as far as the consent box, then save."""
    await press(pilot, *"13812341234")
    await press(pilot, "tab")  # the name (filled in for a returning resident)
    if not screen.query_one("#name", Input).value:
        screen.query_one("#name", Input).value = "王阿姨"
    await press(pilot, "tab", "tab")  # 困难群体, then 同意转交
    box = screen.query_one("#consent-forward", Checkbox)
    assert screen.app.focused is box
    assert box.value is False  # never ticked for the deputy
    if tick:
        await press(pilot, "space")
        assert box.value is True
    screen.query_one("#village_id", Select).value = refs.villages["青石村"]
    screen.query_one("#category_id", Select).value = refs.categories["道路交通"]
    screen.query_one("#text", TextArea).text = text
    await settle(pilot)
    await press(pilot, "ctrl+s")


async def test_the_form_asks_for_consent_at_every_visit(
    desk: LiaisonApp, store: Store, refs: Refs
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        # On an 80×24 screen, without scrolling.
        assert any(t("log.consent") in line for line in screen_lines(desk))
        await _log(pilot, screen, refs, "路灯坏了", tick=True)
        # Saved, on to triage, where the visit says it may be forwarded.
        assert isinstance(desk.screen, TriageScreen)
        assert t("issue.consent_yes") in content(desk.screen.query_one("#triage-visit"))
    # The same resident comes back: asked again, the box starts unticked; not ticked, not given.
    again = make_app(store, load_station(store))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        screen = again.screen
        assert isinstance(screen, LogVisitScreen)
        await _log(pilot, screen, refs, "路灯还是没修", tick=False)
        assert isinstance(again.screen, TriageScreen)
        assert t("issue.consent_no") in content(again.screen.query_one("#triage-visit"))
    assert sorted(_consents(store)) == [("路灯坏了", 1), ("路灯还是没修", 0)]


@pytest.fixture
def mixed_issue(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> IssueRow:
    issue = make_issue(name="王阿姨", phone="13812341234", text="路灯坏了", consent=True)
    clock.advance(timedelta(minutes=5))
    other = make_visit(name="李秀英", phone="13955556666", text="我是李秀英，路灯也不亮")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=other.id, issue_id=issue.id)
    return issue


async def test_the_issue_page_and_the_slip_honour_consent(
    desk: LiaisonApp, mixed_issue: IssueRow, prints: Path
) -> None:
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(mixed_issue.id))
        await settle(pilot)
        visits = content(desk.screen.query_one("#issue-visits")).splitlines()
        wang = next(line for line in visits if "王阿姨" in line)
        li = next(line for line in visits if "李秀英" in line and "138" not in line)
        assert t("issue.consent_yes") in wang and t("issue.consent_no") not in wang
        assert t("issue.consent_no") in li

        await press(pilot, "a")
        assert tn("slip.withheld", 1) in notes(desk)
        (md,) = prints.glob("交办单-*.md")
        slip = md.read_text(encoding="utf-8")
        assert "王阿姨" in slip and NOT_CONSENTED in slip
        assert "李秀英" not in slip and "6666" not in slip


def test_the_form_and_the_issue_page_in_english(
    store: Store, station_path: Path, mixed_issue: IssueRow, rostered: str
) -> None:
    out = run_in_english(
        station_path,
        r"""
        from screens.issue import IssueScreen
        app.push_screen(IssueScreen(sys.argv[3]))
        await settle(pilot)
        out["issue"] = content(app.screen.query_one("#issue-visits"))
        await press(pilot, "escape", "n")
        out["form"] = look(app)
        """,
        mixed_issue.id,
    )
    assert "consents to forwarding" in out["issue"] and "not consented" in out["issue"]
    assert (
        "Consents to forwarding (name and phone may go to the handling unit)"
        in (out["form"]["text"])
    )
