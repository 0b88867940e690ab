"""Where every key, command and message leads: the App's modes and the screens opened over
them, in one registry. Screens never import each other (they post tui.messages); each screen is
named here once, in a function the type checker reads, so a renamed screen fails the type check
and tests/tui/test_navigation.py rather than the key that opens it. Screens are imported when
first opened: the first screen's figures never wait for the others' modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui.messages import Place

if TYPE_CHECKING:
    from store.desk.board import BoardFilter


# -- the modes (the global keys' areas) ----------------------------------------------------------


def _dashboard() -> Screen[Any]:
    from screens.dashboard import DashboardScreen

    return DashboardScreen()


def _county() -> Screen[Any]:
    from screens.county import CountyScreen

    return CountyScreen()


def _triage() -> Screen[Any]:
    from screens.triage import TriageScreen

    return TriageScreen()


def _board() -> Screen[Any]:
    from screens.board import BoardScreen

    return BoardScreen()


def _stats() -> Screen[Any]:
    from screens.stats import StatsScreen

    return StatsScreen()


def _search() -> Screen[Any]:
    from screens.search import SearchScreen

    return SearchScreen()


def _hot_words() -> Screen[Any]:
    from screens.hot_words import HotWordsScreen

    return HotWordsScreen()


def _sync() -> Screen[Any]:
    from screens.sync import SyncScreen

    return SyncScreen()


MODES: dict[str, Callable[[], Screen[Any]]] = {
    "dashboard": _dashboard,
    # A county hub's first screen, in place of the duty dashboard (tui.app).
    "county": _county,
    "triage": _triage,
    "board": _board,
    "stats": _stats,
    "search": _search,
    "hot_words": _hot_words,
    "sync": _sync,
}
# The modules behind the modes, imported off the UI thread once the first figures are shown (the
# dashboard's first, while the station opens).
MODE_MODULES: dict[str, str] = {mode: f"screens.{mode}" for mode in MODES}


# -- screens opened over the current one ---------------------------------------------------------


def _follow_up() -> Screen[Any]:
    from screens.follow_up import FollowUpScreen

    return FollowUpScreen()


def _notices() -> Screen[Any]:
    from screens.notices import NoticesScreen

    return NoticesScreen()


def _roster() -> Screen[Any]:
    from screens.roster import RosterScreen

    return RosterScreen()


def _calendar() -> Screen[Any]:
    from screens.calendar import CalendarScreen

    return CalendarScreen()


def _leader_visits() -> Screen[Any]:
    from screens.leader_visits import LeaderVisitsScreen

    return LeaderVisitsScreen()


def _deputies() -> Screen[Any]:
    from screens.deputies import DeputiesScreen

    return DeputiesScreen()


def _projects() -> Screen[Any]:
    from screens.projects import ProjectsScreen

    return ProjectsScreen()


def _review() -> Screen[Any]:
    from screens.review import ReviewScreen

    return ReviewScreen()


def _audit() -> Screen[Any]:
    from screens.audit import AuditScreen

    return AuditScreen()


def _ledger() -> Screen[Any]:
    from screens.ledger import LedgerScreen  # openpyxl loads with it, only when asked

    return LedgerScreen()


def _reference() -> Screen[Any]:
    from screens.reference import ReferenceScreen

    return ReferenceScreen()


def _log_visit() -> Screen[Any]:
    from screens.log_visit import LogVisitScreen

    return LogVisitScreen()


def _suggestions() -> Screen[Any]:
    from screens.suggestions import SuggestionsScreen

    return SuggestionsScreen()


def _legislation() -> Screen[Any]:
    from screens.legislation import DraftsScreen

    return DraftsScreen()


def _deliberations() -> Screen[Any]:
    from screens.deliberations import DeliberationsScreen

    return DeliberationsScreen()


def _observers() -> Screen[Any]:
    from screens.observers import ObserversScreen

    return ObserversScreen()


PLACES: dict[Place, Callable[[], Screen[Any]]] = {
    Place.follow_up: _follow_up,
    Place.notices: _notices,
    Place.roster: _roster,
    Place.calendar: _calendar,
    Place.leader_visits: _leader_visits,
    Place.deputies: _deputies,
    Place.projects: _projects,
    Place.review: _review,
    Place.audit: _audit,
    Place.ledger: _ledger,
    Place.log_visit: _log_visit,
    Place.reference: _reference,
    Place.suggestions: _suggestions,
    Place.legislation: _legislation,
    Place.deliberations: _deliberations,
    Place.observers: _observers,
}


def issue_screen(issue_id: str) -> Screen[Any]:
    from screens.issue import IssueScreen

    return IssueScreen(issue_id)


def log_visit_at(deliberation_id: str, name: str) -> Screen[Any]:
    """The visit form for a visit raised at a deliberation session."""
    from screens.log_visit import LogVisitScreen

    return LogVisitScreen(deliberation_id=deliberation_id, deliberation_name=name)


def project_screen(project_id: str) -> Screen[Any]:
    from screens.projects import ProjectScreen

    return ProjectScreen(project_id)


def suggestion_screen(suggestion_id: str) -> Screen[Any]:
    from screens.suggestions import SuggestionScreen

    return SuggestionScreen(suggestion_id)


def audit_screen(issue_id: str, title: str) -> Screen[Any]:
    from screens.audit import AuditScreen

    return AuditScreen(issue_id, title)


def drill_down_screen(filters: BoardFilter, heading: str) -> Screen[Any]:
    from screens.board import BoardScreen

    return BoardScreen(filters, heading)


def place_of(screen: Screen[Any]) -> Place | None:
    """The place a screen stands for (its `PLACE`), so that a key does not open it twice."""
    place = getattr(screen, "PLACE", None)
    return place if isinstance(place, Place) else None
