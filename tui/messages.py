"""App-wide messages. Screens never import each other: to open another screen they post one of
these, and the App routes it through its one registry (tui.navigation). Facts are in the past
tense (`VisitSaved`); requests name what they open (`OpenIssue`)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from store.desk.board import BoardFilter


class Place(StrEnum):
    """The screens opened over the current one by a key, a command or a message."""

    follow_up = "follow_up"
    notices = "notices"
    roster = "roster"
    calendar = "calendar"
    leader_visits = "leader_visits"
    deputies = "deputies"
    projects = "projects"
    review = "review"
    audit = "audit"
    ledger = "ledger"
    log_visit = "log_visit"
    reference = "reference"
    suggestions = "suggestions"
    legislation = "legislation"
    deliberations = "deliberations"
    observers = "observers"


class Open(Message):
    """Open a place (the roster, the follow-up calls…) over the current screen."""

    def __init__(self, place: Place) -> None:
        super().__init__()
        self.place = place


class OpenIssue(Message):
    """Open an issue's page."""

    def __init__(self, issue_id: str) -> None:
        super().__init__()
        self.issue_id = issue_id


class LogVisitAt(Message):
    """Log a visit raised at a deliberation session (议事活动): the visit form with its channel
    and the session preset (`name`, as the form shows it)."""

    def __init__(self, deliberation_id: str, name: str) -> None:
        super().__init__()
        self.deliberation_id = deliberation_id
        self.name = name


class OpenTriage(Message):
    """Open the triage queue at one visit awaiting triage."""

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id


class OpenProject(Message):
    """Open a micro-project's page."""

    def __init__(self, project_id: str) -> None:
        super().__init__()
        self.project_id = project_id


class OpenSuggestion(Message):
    """Open a deputies' suggestion's page (代表建议)."""

    def __init__(self, suggestion_id: str) -> None:
        super().__init__()
        self.suggestion_id = suggestion_id


class OpenAudit(Message):
    """Open the audit trail of one issue (titled `title`)."""

    def __init__(self, issue_id: str, title: str) -> None:
        super().__init__()
        self.issue_id = issue_id
        self.title = title


class OpenDrillDown(Message):
    """Open the board narrowed to the issues a figure counts, under `heading`."""

    def __init__(self, filters: BoardFilter, heading: str) -> None:
        super().__init__()
        self.filters = filters
        self.heading = heading


class LeaveSearch(Message):
    """Go back from search to the area the deputy came from."""


class SwitchDeputy(Message):
    """Ask who is on duty now (the next deputy takes over)."""


class VisitSaved(Message):
    """A visit was logged: its triage comes next."""

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id


class TriageVisit(Message, bubble=False):
    """Sent to the triage screen: show this visit (the one just logged)."""

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id


class FiguresShown(Message):
    """The dashboard has shown its first figures: what start-up put off may load now."""


class DeputyChanged(Message):
    """Another deputy is on duty (sent to the screen shown, which may say so)."""


class OpenStation(Message):
    """Show one station's board or statistics (the county's dashboard on a hub): the desk's
    shown station becomes `station_id` (None: every station) and `mode` opens."""

    def __init__(self, station_id: str | None, mode: str) -> None:
        super().__init__()
        self.station_id = station_id
        self.mode = mode
