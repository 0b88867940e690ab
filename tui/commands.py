"""Command palette (Ctrl+P): the desk's actions, titled `area: action`, in the language of the
moment (each search reads the catalogue again)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.i18n import t
from tui.language import switch_language
from tui.messages import Place

if TYPE_CHECKING:
    from tui.app import LiaisonApp


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object]]]:
        app = cast("LiaisonApp", self.app)
        go, open_place = app.action_go, app.open_place
        return [
            (t("cmd.log_visit"), partial(open_place, Place.log_visit)),
            (t("cmd.triage"), partial(go, "triage")),
            (t("cmd.board"), partial(go, "board")),
            (t("cmd.dashboard"), partial(go, "dashboard")),
            (t("cmd.stats"), partial(go, "stats")),
            (t("cmd.sync"), partial(go, "sync")),
            (t("cmd.ledger"), partial(open_place, Place.ledger)),
            (t("cmd.switch_deputy"), app.action_switch_deputy),
            (t("cmd.follow_up"), partial(open_place, Place.follow_up)),
            (t("cmd.roster"), partial(open_place, Place.roster)),
            (t("cmd.calendar"), partial(open_place, Place.calendar)),
            (t("cmd.leader_visits"), partial(open_place, Place.leader_visits)),
            (t("cmd.deputies"), partial(open_place, Place.deputies)),
            (t("cmd.projects"), partial(open_place, Place.projects)),
            (t("cmd.review"), partial(open_place, Place.review)),
            (t("cmd.audit"), partial(open_place, Place.audit)),
            (t("cmd.reference"), partial(open_place, Place.reference)),
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
