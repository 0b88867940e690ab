"""Command palette (Ctrl+P): the desk's actions, titled `area: action`, in the language of the
moment (each search reads the catalogue again). The palette itself speaks it too: its prompt and
its "no matches" are the catalogue's, and Textual's own commands (Theme, Keys, Screenshot…, in
English) are not offered; quitting is ours."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from tui.i18n import t
from tui.language import switch_language
from tui.messages import Place

if TYPE_CHECKING:
    from tui.app import LiaisonApp


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object]]]:
        # Imported when the palette opens: the menu brings the correction forms and their store
        # code, which the first screen does not need (start-up, BENCHMARKS.md).
        from screens.base.actions_menu import menu_commands

        app = cast("LiaisonApp", self.app)
        go, open_place = app.action_go, app.open_place
        # The actions menu of the screen below first (`.`: corrections…), where it has one.
        commands = menu_commands(self.screen) + [
            (t("cmd.log_visit"), partial(open_place, Place.log_visit)),
            (t("cmd.triage"), partial(go, "triage")),
            (t("cmd.board"), partial(go, "board")),
            (t("cmd.dashboard"), partial(go, "dashboard")),
            (t("cmd.stats"), partial(go, "stats")),
            (t("cmd.search"), partial(go, "search")),
            (t("cmd.hot_words"), partial(go, "hot_words")),
            (t("cmd.sync"), partial(go, "sync")),
            (t("cmd.ledger"), partial(open_place, Place.ledger)),
            (t("cmd.switch_deputy"), app.action_switch_deputy),
            (t("cmd.follow_up"), partial(open_place, Place.follow_up)),
            (t("cmd.notices"), partial(open_place, Place.notices)),
            (t("cmd.roster"), partial(open_place, Place.roster)),
            (t("cmd.calendar"), partial(open_place, Place.calendar)),
            (t("cmd.leader_visits"), partial(open_place, Place.leader_visits)),
            (t("cmd.deputies"), partial(open_place, Place.deputies)),
            (t("cmd.projects"), partial(open_place, Place.projects)),
            (t("cmd.suggestions"), partial(open_place, Place.suggestions)),
            (t("cmd.legislation"), partial(open_place, Place.legislation)),
            (t("cmd.deliberations"), partial(open_place, Place.deliberations)),
            (t("cmd.observers"), partial(open_place, Place.observers)),
            (t("cmd.review"), partial(open_place, Place.review)),
            (t("cmd.audit"), partial(open_place, Place.audit)),
            (t("cmd.reference"), partial(open_place, Place.reference)),
            (t("cmd.help"), app.action_help),
            (t("cmd.quit"), app.exit),
            # In the other language's words as well, so that it is found whichever is shown.
            (t("cmd.language"), partial(switch_language, app)),
        ]
        if not app.desk_ready or not app.desk.station.hub:
            return commands
        # A county hub has no duty desk: nobody logs, triages or takes the seat there.
        duty = {t("cmd.log_visit"), t("cmd.triage"), t("cmd.switch_deputy")}
        return [(title, run) for title, run in commands if title not in duty]

    async def discover(self) -> Hits:
        for title, run in self._commands():
            yield DiscoveryHit(title, run)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run)


class DeskPalette(CommandPalette):
    """Textual's palette with its prompt and its "no matches" from the catalogue."""

    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder=t("palette.placeholder"))

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's, but for its English "No matches found".
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                no_matches = Text(t("palette.no_matches"), style="not bold")
                self.query_one(CommandList).add_option(
                    Option(Align.center(no_matches), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
