"""Every screen and dialog of the desk at 80×24 on the demo station (issue 17, part 4).

Each is reached as a deputy would reach it, by its keys from the dashboard, where a key leads
there; a place only the command palette opens is opened as the palette's command opens it
(`app.open_place`); a dialog no key of the demo station can open is pushed with the arguments
its screen gives it. The last test checks that these snapshots, with those of test_snapshots.py,
cover every screen and dialog class in screens/: a new screen without a snapshot fails it.

Review a changed snapshot in the report pytest writes before accepting it with
`--snapshot-update`."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from county_desk import Hub
from desk_helpers import hold_still, press, screen_lines, settle, shown_whole
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, TextArea

import screens
from screens.audit import AuditScreen
from screens.calendar import CalendarScreen
from screens.county import CountyScreen
from screens.deliberations import DeliberationScreen, DeliberationsScreen
from screens.deputies import DeputiesScreen, DeputyRecordScreen
from screens.dialogs.board_filter import FilterModal
from screens.dialogs.bundle import BundleModal
from screens.dialogs.calendar_day import CalendarDayModal
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.corrections import (
    IssueCorrectionModal,
    ResidentCorrectionModal,
    VisitCorrectionModal,
)
from screens.dialogs.deliberation_forms import DeliberationModal, VoteModal
from screens.dialogs.help import HelpModal
from screens.dialogs.issue_forms import CloseModal, ProgressModal
from screens.dialogs.leader_visit import LeaderVisitModal
from screens.dialogs.legislation_forms import DraftLoadModal, OpinionModal
from screens.dialogs.move import MoveModal
from screens.dialogs.note import NoteModal
from screens.dialogs.observer_forms import ObserverModal, PointModal
from screens.dialogs.pick import PickModal
from screens.dialogs.pin import PinModal
from screens.dialogs.project_forms import MilestoneModal, PromoteModal, ScoreModal
from screens.dialogs.regroup import SplitModal, SplitVisit, WithdrawModal
from screens.dialogs.suggestion_forms import SuggestionDraftModal, SuggestionStepModal
from screens.dialogs.text_input import TextInputModal
from screens.follow_up import FollowUpScreen
from screens.leader_visits import LeaderVisitScreen, LeaderVisitsScreen
from screens.ledger import LedgerScreen
from screens.legislation import DraftScreen, DraftsScreen
from screens.notices import NoticesScreen
from screens.observers import ObserversScreen, PointsScreen
from screens.opening import OpeningScreen
from screens.projects import ProjectScreen, ProjectsScreen
from screens.reference import ReferenceScreen
from screens.review import ReviewScreen
from screens.roster import RosterScreen
from screens.search import SearchScreen
from screens.stats import StatsScreen
from screens.suggestions import SuggestionScreen, SuggestionsScreen
from screens.sync import SyncScreen
from store.core.models import Tier
from store.reference.lists import Choice
from tui.app import LiaisonApp, make_app
from tui.i18n import t
from tui.messages import Place

Compare = Callable[..., bool]
Step = str | Callable[[LiaisonApp], object]


def _visit(
    *steps: Step, expect: type, dialog: bool = False
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Settle, take each step (a key, or a call on the app: what a palette command does),
    settling after each, and stop every cursor from blinking; the footer is then recomposed
    from the bindings of that moment (see test_snapshots._visit)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for step in steps:
            if isinstance(step, str):
                await press(pilot, step)
            else:
                assert isinstance(pilot.app, LiaisonApp)
                step(pilot.app)
                await settle(pilot)
        await hold_still(pilot)
        assert isinstance(pilot.app.screen, expect), pilot.app.screen
        # Every column of a list is in sight at 80 columns: none scrolls out sideways, but
        # for a table of figures that scrolls under its fixed name column (statistics); a
        # table in a tab not shown is checked where its tab is.
        for table in pilot.app.screen.query(DataTable):
            if table.region.width and not table.fixed_columns:
                assert table.virtual_size.width <= table.scrollable_content_region.width, table.id
        if dialog:
            # A dialog opens at its top: its title and the widget with the focus (its first
            # field, or the button that answers it) drawn whole, whether or not it scrolls.
            app = pilot.app
            title = app.screen.query(".dialog-title").first()
            assert shown_whole(app, title), screen_lines(app)
            assert app.focused is not None and shown_whole(app, app.focused), (
                app.focused,
                screen_lines(app),
            )

    return run_before


def _place(place: Place) -> Callable[[LiaisonApp], object]:
    """What the palette's command for `place` does (tui.commands)."""
    return lambda app: app.open_place(place)


def _push(make: Callable[[], Screen[Any]]) -> Callable[[LiaisonApp], object]:
    return lambda app: app.push_screen(make())


# The demo station has neither micro-projects nor leader visits: the first issue on the board
# made a project (its title as proposed), and a leader's visit logged, back on the dashboard.
PROMOTED: tuple[Step, ...] = ("b", "enter", "m", "ctrl+s", "d")
LEADER_VISIT: tuple[Step, ...] = (
    _place(Place.leader_visits),
    "a",
    *"王建国",
    "tab",
    *"副县长",
    "tab",
    *"汛期水利设施",
    "ctrl+s",
)


# The board's first issue made a deputies' suggestion from its actions menu (`.`, the entry found
# by typing), saved as proposed: its page opens (the demo's own suggestions are on the list).
TO_SUGGEST: tuple[Step, ...] = ("b", "enter", "full_stop", "本", "事", "项", "enter")
# The toast saying so cleared first: one left when a dialog opens over the page is drawn on it.
SUGGESTED: tuple[Step, ...] = (*TO_SUGGEST, "ctrl+s", lambda app: app.clear_notifications())


# The demo station's residents were told of their issues' news long ago (it writes no notices):
# the first visit waiting is triaged to the township's first unit, and its resident is to be
# told (告知), `i` on the dashboard (the triage's toast gone).
TOLD: tuple[Step, ...] = ("t", "2", "enter", lambda app: app.clear_notifications(), "d", "i")


def _split_modal() -> SplitModal:
    """The split dialog of an issue of three visits, as screens.base.regroup opens it."""
    unit = Choice("u-1", "青石村村委会", Tier.village)
    return SplitModal(
        title="村口路灯坏了一个多月",
        visits=[
            SplitVisit("v-1", "2026-11-20 09:12 · 王阿姨 138****1234 · 青石村 · 村口路灯坏了", ""),
            SplitVisit("v-2", "2026-11-21 15:40 · 李秀英 139****6666 · 青石村 · 路灯还是不亮", ""),
            SplitVisit(
                "v-3", "2026-11-23 10:05 · 周阿姨 137****2222 · 青石村 · 排水沟堵了", "排水沟堵了"
            ),
        ],
        unit_id=unit.id,
        unit=unit.name,
        units=[unit, Choice("u-2", "青石镇人民政府", Tier.township)],
        category_id="c-1",
        category="道路交通",
        categories=[Choice("c-1", "道路交通"), Choice("c-2", "环境卫生")],
    )


def _same_chain_link(app: LiaisonApp) -> None:
    """The handover note ends with the change log's latest link, a hash over entries that
    carry random ids (the deputy put on duty as the desk opens), and its number, which counts
    that write or not as it landed before or after the note was drafted (under load, after):
    the same on every run, so that the snapshot does not change with them."""
    note = app.screen.query_one(TextArea)
    note.text = re.sub(r"第 \d+ 条 · [0-9a-f]{12}", "第 4862 条 · " + "x" * 12, note.text)


# -- the screens ---------------------------------------------------------------------------------
# (dashboard, triage, board, issue, log form, hot words and a word's visits: test_snapshots.py)

SCREENS: list[tuple[str, tuple[Step, ...], type]] = [
    ("opening", (_push(OpeningScreen),), OpeningScreen),
    ("stats", ("s",), StatsScreen),
    ("search_typed", ("slash", "路", "灯"), SearchScreen),
    ("sync", ("y",), SyncScreen),
    ("roster", ("o",), RosterScreen),
    ("calendar", ("o", "c"), CalendarScreen),
    ("follow_up", ("f",), FollowUpScreen),
    ("notices", TOLD, NoticesScreen),
    ("projects", ("m",), ProjectsScreen),
    ("project", (*PROMOTED, "m", "enter"), ProjectScreen),
    ("review", ("g",), ReviewScreen),
    ("audit", ("l",), AuditScreen),
    ("deputies", (_place(Place.deputies),), DeputiesScreen),
    ("deputy_record", (_place(Place.deputies), "enter"), DeputyRecordScreen),
    ("leader_visits", (_place(Place.leader_visits),), LeaderVisitsScreen),
    ("leader_visit", (*LEADER_VISIT, "enter"), LeaderVisitScreen),
    ("ledger", (_place(Place.ledger),), LedgerScreen),
    ("reference", (_place(Place.reference),), ReferenceScreen),
    ("suggestions", (_place(Place.suggestions),), SuggestionsScreen),
    # The demo's draft regulation (fixtures/demo_legislation.py): `r` on the dashboard.
    ("legislation", ("r",), DraftsScreen),
    ("draft", ("r", "enter"), DraftScreen),
    # The demo's sessions (fixtures/demo_sessions.py): `c` on the dashboard; the latest first,
    # a 百姓夜话 with the 议事活动 visits of its evening and its vote.
    ("deliberations", ("c",), DeliberationsScreen),
    ("deliberation", ("c", "enter"), DeliberationScreen),
    ("suggestion", SUGGESTED, SuggestionScreen),
    # The demo's observers and points (fixtures.demo_observers): `u` on the dashboard.
    ("observers", ("u",), ObserversScreen),
    ("points", ("u", "2"), PointsScreen),
]

# -- the dialogs ---------------------------------------------------------------------------------

DIALOGS: list[tuple[str, tuple[Step, ...], type]] = [
    ("help", ("question_mark",), HelpModal),
    ("board_filter", ("b", "f"), FilterModal),
    ("progress", ("b", "enter", "p"), ProgressModal),
    ("close", ("b", "enter", "c"), CloseModal),
    ("move", ("b", "enter", "plus"), MoveModal),
    ("promote", ("b", "enter", "m"), PromoteModal),
    ("handover_note", ("e", _same_chain_link), NoteModal),
    ("pick_unit", ("t", "u"), PickModal),
    ("pin", ("o", "p"), PinModal),
    ("calendar_day", ("o", "c", "a"), CalendarDayModal),
    ("confirm_remove_day", ("o", "c", "x"), ConfirmModal),
    ("milestone", (*PROMOTED, "m", "enter", "a"), MilestoneModal),
    ("score", ("g", "enter"), ScoreModal),
    ("leader_visit_form", (_place(Place.leader_visits), "a"), LeaderVisitModal),
    ("reference_add", (_place(Place.reference), "a"), TextInputModal),
    # The actions menu (`.`) of the board's first issue, and its corrections (issue 18).
    # (The demo's first issue has one visit: a visit's action needs no choosing of it.)
    ("actions_menu", ("b", "enter", "full_stop"), PickModal),
    ("correct_visit", ("b", "enter", "full_stop", "enter"), VisitCorrectionModal),
    ("correct_resident", ("b", "enter", "full_stop", "down", "enter"), ResidentCorrectionModal),
    ("correct_issue", ("b", "enter", "full_stop", "down", "down", "enter"), IssueCorrectionModal),
    ("notices_station_phone", (*TOLD, "p"), TextInputModal),
    # Putting triage right (issue 18, part 3): withdraw the board's first issue's visit (the
    # menu filtered by typing), and a split of an issue of three visits (the demo's first
    # issue has one: pushed as the menu pushes it).
    ("withdraw", ("b", "enter", "full_stop", "撤", "回", "enter"), WithdrawModal),
    ("split", (_push(lambda: _split_modal()),), SplitModal),
    ("suggestion_draft", TO_SUGGEST, SuggestionDraftModal),
    ("draft_load", ("r", "a"), DraftLoadModal),
    # On 第一条 (under 总体意见 and the heading 第一章).
    ("opinion", ("r", "enter", "down", "down", "a"), OpinionModal),
    ("deliberation_form", ("c", "a"), DeliberationModal),
    ("deliberation_vote", ("c", "enter", "v"), VoteModal),
    ("suggestion_step", (*SUGGESTED, "g"), SuggestionStepModal),
    # Editing the first observer (the phone masked, as the field's placeholder); a new point.
    ("observer_form", ("u", "e"), ObserverModal),
    ("point_form", ("u", "2", "a"), PointModal),
    (
        # The export's own path lies under the user's data dir, which differs from one machine
        # to the next: the dialog as the sync screen opens it, on a fixed path.
        "bundle_export",
        (
            "y",
            _push(
                lambda: BundleModal(t("sync.export_title"), "/media/usb/联络站主机-20250314.bundle")
            ),
        ),
        BundleModal,
    ),
]


@pytest.mark.parametrize(
    ("steps", "expect", "dialog"),
    [
        pytest.param(steps, expect, dialog, id=name)
        for places, dialog in ((SCREENS, False), (DIALOGS, True))
        for name, steps, expect in places
    ],
)
def test_snapshot(
    snap_compare: Compare,
    demo_desk: LiaisonApp,
    steps: tuple[Step, ...],
    expect: type,
    dialog: bool,
) -> None:
    """Each screen and dialog at 80×24 as its snapshot shows it; every list's columns in sight,
    and each dialog open at its top (`_visit`)."""
    assert snap_compare(demo_desk, run_before=_visit(*steps, expect=expect, dialog=dialog))


def test_county_snapshot(snap_compare: Compare, county_hub: Hub) -> None:
    """A county hub's first screen: its two stations side by side and the county's totals."""
    app = make_app(county_hub.store, county_hub.info)
    assert snap_compare(app, run_before=_visit(expect=CountyScreen))


# -- every class has its snapshot ----------------------------------------------------------------

# Bases that are never shown by themselves.
BASES = {
    "SmallForm",
    "_CorrectionModal",
    "ActionsMenu",
    "PeriodMixin",
    "PagedTableScreen",
    "StationScoped",
    "DeskScreen",
    "Undoable",
}


def _screen_classes() -> set[type]:
    found: set[type] = set()
    for module_info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, Screen | ModalScreen)
                and value.__module__ == module.__name__
                and value.__name__ not in BASES
                and not value.__name__.startswith("_")
            ):
                found.add(value)
    return found


def _expected_in(path: Path) -> set[str]:
    """The class names a snapshot test module waits for (`expect=Name`, or `isinstance(…,
    Name)` in its run_before)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg == "expect":
            if isinstance(node.value, ast.Name):
                names.add(node.value.id)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Name)
        ):
            names.add(node.args[1].id)
    return names


def test_every_screen_and_dialog_has_a_snapshot() -> None:
    here = Path(__file__).parent
    covered = {expect.__name__ for _name, _steps, expect in SCREENS + DIALOGS}
    for module in ("test_snapshots.py", "test_search_snapshot.py", Path(__file__).name):
        covered |= _expected_in(here / module)
    classes = _screen_classes()
    assert len(classes) > 30, sorted(c.__name__ for c in classes)
    missing = sorted(c.__name__ for c in classes if c.__name__ not in covered)
    assert not missing, f"screens and dialogs without an 80×24 snapshot: {missing}"
