"""The Textual app: modes, global keys, and where messages lead. Screens do the work; the
session is the desk (tui.desk), opened by tui.opening_flow; the deputy on duty is tui.duty_seat;
every screen it opens is named in tui.navigation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.screen import Screen

from screens.base.desk_screen import DeskScreen, global_bindings
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.help import HelpModal
from screens.opening import OpeningScreen
from tui import navigation
from tui.commands import DeskCommands, DeskPalette
from tui.compositor import keep_wide_characters_whole
from tui.crash_report import crash_report
from tui.desk import Desk, find_stations
from tui.duty_seat import DutySeat
from tui.i18n import set_language, shown, t
from tui.idle_collector import IdleCollector
from tui.messages import (
    FiguresShown,
    LeaveSearch,
    LogVisitAt,
    Open,
    OpenAudit,
    OpenDrillDown,
    OpenIssue,
    OpenProject,
    OpenStation,
    OpenSuggestion,
    OpenTriage,
    Place,
    SwitchDeputy,
    TriageVisit,
    VisitSaved,
)
from tui.opening_flow import StationOpener
from tui.paste import read_pastes_whole
from tui.terminal_watch import watch_terminal
from tui.typeahead import KeyHandled, TypeAhead
from tui.widgets.chrome import drop_closed_watchers

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.binding import BindingType
    from textual.content import Content
    from textual.driver import Driver
    from textual.screen import Screen

    from store.db import Store
    from store.station import StationInfo


class LiaisonApp(App[None]):
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {**navigation.MODES}
    # Ours only: Textual's own commands are in English (tui.commands).
    COMMANDS = {DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = [*global_bindings()]

    def __init__(
        self,
        desk: Desk | None = None,
        *,
        db_path: Path | str | None = None,
        db_key: str | None = None,
    ) -> None:
        keep_wide_characters_whole()
        super().__init__()
        # Either an open desk (tests, embedding) or a database to open once the app has painted.
        self._desk = desk
        self._opener = (
            StationOpener(self, db_path, db_key, self._desk_opened) if db_path is not None else None
        )
        self._seat = DutySeat(self, desk) if desk is not None else None
        # The keys and pastes typed, one at a time (tui.typeahead).
        self.typeahead = TypeAhead(self, super().on_event)
        self.collector = IdleCollector()
        # The screen the command palette's chosen command uncovered (`on_command_palette_closed`).
        self._uncovered: Screen[Any] | None = None
        # The mode the deputy came from: Esc in search goes back to it.
        self.mode_before = "dashboard"
        self.title = t("app.title")
        self.sub_title = desk.station.name if desk else ""

    def get_driver_class(self) -> type[Driver]:
        # A paste is read whole, escape sequences and all (tui.paste).
        return read_pastes_whole(super().get_driver_class())

    @property
    def desk(self) -> Desk:
        """The session every screen works in (tui.desk)."""
        assert self._desk is not None, "the desk is opened before any screen uses it"
        return self._desk

    @property
    def desk_ready(self) -> bool:
        return self._desk is not None

    def on_mount(self) -> None:
        watch_terminal(self)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.collector.start(self)
        if self._opener is None:
            self._start_desk()
            return
        self.push_screen(OpeningScreen())
        self._opener.open()

    def _desk_opened(self, desk: Desk, upgraded: list[Path]) -> None:
        self._desk, self._seat = desk, DutySeat(self, desk)
        self.sub_title = desk.station.name
        if isinstance(self.screen, OpeningScreen):
            self.pop_screen()
        for path in upgraded:
            self.notify(t("cli.upgraded", path=path), timeout=10)
        self._start_desk()

    def _start_desk(self) -> None:
        # A county hub opens on the county's dashboard: nobody is on duty there.
        self.switch_mode(self._mode("dashboard"))
        assert self._seat is not None
        self._seat.start()

    def lock_if_idle(self) -> None:
        """The idle lock now (tui.duty_seat asks it every IDLE_CHECK_SECONDS itself)."""
        if self._seat is not None:
            self._seat.lock_if_idle()

    def _screen_changed(self, screen: Screen[Any]) -> None:
        # The widgets of a closed screen that watched the app (its header, its text areas) are
        # forgotten at the next change of screen (tui.widgets.chrome).
        drop_closed_watchers(self)
        if self.desk_ready and self._uncovered is not None and screen is not self._uncovered:
            # Where the palette's command led (or the deputy went next): no longer passing.
            self.desk.passing_through, self._uncovered = False, None

    def on_command_palette_closed(self, event: CommandPalette.Closed) -> None:
        """A command chosen: the screen under the palette, resumed for the moment before the
        command opens its place, need not read its data again beside that place's load (the
        county's dashboard under the palette read 126-233 ms of SQL on a 600,000-visit hub)."""
        if not (event.option_selected and self.desk_ready):
            return
        # The palette may be off the stack already (the message comes as it is dismissed).
        under = [s for s in self.screen_stack if not isinstance(s, CommandPalette)]
        if under:
            self._uncovered = under[-1]
            self.desk.passing_through = True

    async def on_event(self, event: events.Event) -> None:
        # Any key, click or paste is the desk in use: the idle lock counts from the last one, and
        # the collector's full passes wait for a quiet second.
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self.collector.touch()
            if self._seat is not None:
                self._seat.touch()
        # Keys and pastes one at a time, each where the one before left the desk (tui.typeahead).
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            await self.typeahead.arrived(event)
            return
        await super().on_event(event)

    def on_key_handled(self, message: KeyHandled) -> None:
        self.typeahead.handled(message)

    # -- keys and messages: where they lead (tui.navigation) ------------------------------

    async def action_go(self, mode: str) -> None:
        """A global key: that mode's own top level, with current data. Screens opened over it
        before (an issue page from the board, the roster from the dashboard) are closed, unless
        one holds typed text (`keeps_edits`), which is then shown instead."""
        if not self.desk_ready:
            return
        if not self._may_go(mode):
            return
        mode = self._mode(mode)
        if self.current_mode != mode:
            self.mode_before = self.current_mode
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not getattr(self.screen, "keeps_edits", False):
            await self.pop_screen()
        screen = self.screen
        if isinstance(screen, DeskScreen):
            screen.check_fresh()

    def _mode(self, mode: str) -> str:
        """The mode a key leads to here: on a county hub, the duty dashboard is the county's."""
        return "county" if mode == "dashboard" and self.desk.station.hub else mode

    def _may_go(self, mode: str | Place) -> bool:
        """False (and says why) for the duty desk's own work on a county hub: logging a visit
        and triage (the store refuses them there too: store.core.hub_mark)."""
        if not (self.desk.station.hub and mode in ("triage", Place.log_visit)):
            return True
        self.notify(t("error.hub_no_logging"), severity="error")
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On a county hub the keys of the duty desk are not offered (nor shown in a footer).
        if self.desk_ready and self.desk.station.hub:
            if action in ("log_visit", "switch_deputy"):
                return False
            if action in ("go", "open") and parameters in (("triage",), (Place.log_visit,)):
                return False
        return True

    async def on_open_station(self, message: OpenStation) -> None:
        """One station's board or statistics (or every station's), from the county's dashboard."""
        from screens.base.station_scoped import StationScoped

        self.desk.shown_station = message.station_id
        await self.action_go(message.mode)
        screen = self.screen
        # Its own load (on mounting, or on being shown again) asked for this station already:
        # another only for the first page, or when it had asked for another station.
        if isinstance(screen, StationScoped) and (
            screen.page_offset or screen.station_id != message.station_id
        ):
            screen.page_offset = 0
            screen.reload()

    def action_open(self, place: str) -> None:
        self.open_place(Place(place))

    def action_log_visit(self) -> None:
        self.open_place(Place.log_visit)

    def action_ledger(self) -> None:
        self.open_place(Place.ledger)

    def open_place(self, place: Place) -> None:
        """Open a place over the current screen, unless it is the one shown."""
        if self.desk_ready and self._may_go(place) and navigation.place_of(self.screen) != place:
            self.push_screen(navigation.PLACES[place]())

    def on_open(self, message: Open) -> None:
        self.open_place(message.place)

    def on_open_issue(self, message: OpenIssue) -> None:
        self.push_screen(navigation.issue_screen(message.issue_id))

    def on_log_visit_at(self, message: LogVisitAt) -> None:
        if self._may_go(Place.log_visit):
            self.push_screen(navigation.log_visit_at(message.deliberation_id, message.name))

    async def on_open_triage(self, message: OpenTriage) -> None:
        await self.switch_mode("triage")
        self.screen.post_message(TriageVisit(message.visit_id))

    def on_open_project(self, message: OpenProject) -> None:
        self.push_screen(navigation.project_screen(message.project_id))

    def on_open_suggestion(self, message: OpenSuggestion) -> None:
        self.push_screen(navigation.suggestion_screen(message.suggestion_id))

    def on_open_audit(self, message: OpenAudit) -> None:
        self.push_screen(navigation.audit_screen(message.issue_id, message.title))

    def on_open_drill_down(self, message: OpenDrillDown) -> None:
        self.push_screen(navigation.drill_down_screen(message.filters, message.heading))

    async def on_leave_search(self, _message: LeaveSearch) -> None:
        before = self.mode_before
        await self.action_go(before if before != "search" else "dashboard")

    async def on_visit_saved(self, message: VisitSaved) -> None:
        """After logging a visit, go straight to its triage."""
        if navigation.place_of(self.screen) == Place.log_visit:
            await self.pop_screen()
        # The triage screen may not exist yet: wait until it is mounted.
        await self.switch_mode("triage")
        self.screen.post_message(TriageVisit(message.visit_id))

    def on_figures_shown(self, _message: FiguresShown) -> None:
        if self._opener is not None:
            self._opener.figures_shown()

    def on_switch_deputy(self, _message: SwitchDeputy) -> None:
        self.action_switch_deputy()

    def action_switch_deputy(self) -> None:
        if self._seat is not None and not self.desk.station.hub:
            self._seat.find_deputy(ask=True)

    async def action_quit(self) -> None:
        """`q`: quit, after asking when a form holds typed words (`keeps_edits`) in any mode: a
        `q` meant for a form's list or checkbox would otherwise lose the walk-in's words."""
        stacks = getattr(self, "_screen_stacks", {}).values()
        typed = any(getattr(s, "keeps_edits", False) for stack in stacks for s in stack)
        if not typed:
            self.exit()
            return
        if isinstance(self.screen, ConfirmModal):
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(ConfirmModal(t("app.quit_unsaved")), answered)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, DeskPalette):
            self.push_screen(DeskPalette())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal(self.screen))

    def validate_title(self, title: object) -> str:
        # Textual's makes every title a plain str; a catalogue text (tui.i18n.Msg) stays one, so
        # that format_title shows it in the language of the moment (tui.language).
        return title if isinstance(title, str) else str(title)

    def validate_sub_title(self, sub_title: object) -> str:
        return self.validate_title(sub_title)

    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(shown(title), shown(sub_title))

    def _fatal_error(self) -> None:
        """The crash report of tui.crash_report, in place of Textual's."""
        from rich.segment import Segments

        report = crash_report(self._exception)
        self.bell()
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


def make_app(store: Store, station: StationInfo, lang: str = "zh") -> LiaisonApp:
    """The app on an open store, in `lang` (switchable later: tui.language)."""
    set_language(lang)
    return LiaisonApp(Desk(store=store, station=station, stations=find_stations(store)))


def make_app_at(db_path: Path | str, lang: str = "zh", *, key: str | None = None) -> LiaisonApp:
    """The app on the station database at `db_path` (a SQLite file, or a PostgreSQL URL),
    opened after the first paint; `key` is the passphrase of an encrypted file."""
    set_language(lang)
    return LiaisonApp(db_path=db_path, db_key=key)
