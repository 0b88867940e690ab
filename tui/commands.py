"""Command palette (Ctrl+P): the desk's actions, titled `area: action`, in the language of the
moment (each search reads the catalogue again)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.i18n import t
from tui.language import switch_language

if TYPE_CHECKING:
    from tui.app import LiaisonApp


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object]]]:
        app: LiaisonApp = self.app  # type: ignore[assignment]
        return [
            (t("cmd.log_visit"), app.action_log_visit),
            (t("cmd.triage"), partial(app.action_go, "triage")),
            (t("cmd.board"), partial(app.action_go, "board")),
            (t("cmd.dashboard"), partial(app.action_go, "dashboard")),
            (t("cmd.stats"), partial(app.action_go, "stats")),
            (t("cmd.sync"), partial(app.action_go, "sync")),
            (t("cmd.ledger"), app.action_ledger),
            (t("cmd.switch_deputy"), app.action_switch_deputy),
            (t("cmd.follow_up"), partial(app.action_push, "screens.follow_up", "FollowUpScreen")),
            (t("cmd.roster"), partial(app.action_push, "screens.roster", "RosterScreen")),
            (t("cmd.calendar"), partial(app.action_push, "screens.calendar", "CalendarScreen")),
            (
                t("cmd.leader_visits"),
                partial(app.action_push, "screens.leader_visits", "LeaderVisitsScreen"),
            ),
            (t("cmd.deputies"), partial(app.action_push, "screens.deputies", "DeputiesScreen")),
            (t("cmd.projects"), partial(app.action_push, "screens.projects", "ProjectsScreen")),
            (t("cmd.review"), partial(app.action_push, "screens.review", "ReviewScreen")),
            (t("cmd.audit"), partial(app.action_push, "screens.audit", "AuditScreen")),
            (t("cmd.help"), app.action_help),
            # In the other language's words as well, so that it is found whichever is shown.
            (t("cmd.language"), partial(switch_language, app)),
        ]

    async def discover(self) -> Hits:
        for title, run in self._commands():
            yield DiscoveryHit(title, run)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run)
