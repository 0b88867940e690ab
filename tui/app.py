"""The Textual app: modes, global keys, the deputy on duty. Screens do the work."""

from __future__ import annotations

from textual import work
from textual.app import App

from screens.base import global_bindings
from screens.board import BoardScreen
from screens.dashboard import DashboardScreen
from screens.dialogs import PickItem, PickModal
from screens.help import HelpModal
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from store.changes import Actor
from store.db import Store
from store.duty import deputies_on_duty, start_duty
from store.reference import Choice, list_deputies
from store.station import StationInfo
from tui.commands import DeskCommands
from tui.i18n import set_language, t


class LiaisonApp(App[None]):
    CSS_PATH = "app.tcss"
    MODES = {"dashboard": DashboardScreen, "triage": TriageScreen, "board": BoardScreen}
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = global_bindings()

    def __init__(self, store: Store, station: StationInfo) -> None:
        super().__init__()
        self.store = store
        self.station = station
        self.deputy_id: str | None = None
        self.deputy_name: str = ""
        # The issue the deputy last triaged: the board opens on it next time.
        self.last_issue_id: str | None = None
        self.title = t("app.title")
        self.sub_title = station.name

    @property
    def actor(self) -> Actor:
        """Every write is attributed to this device and the deputy on duty."""
        return self.station.actor(self.deputy_id)

    def on_mount(self) -> None:
        self.switch_mode("dashboard")
        self._find_deputy()

    # -- the deputy on duty -----------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="duty_loaders")
    def _find_deputy(self, ask: bool = False) -> None:
        with self.store.read() as session:
            rostered = deputies_on_duty(session=session, day=self._today())
            everyone = list_deputies(session=session)
        if len(rostered) == 1 and not ask:
            self.call_from_thread(self._set_deputy, rostered[0].id)
        else:
            self.call_from_thread(self._ask_deputy, rostered, everyone)

    def _today(self):  # type: ignore[no-untyped-def]
        from store.clock import today

        return today(self.store.clock)

    def _ask_deputy(self, rostered: list[Choice], everyone: list[Choice]) -> None:
        items = [PickItem(None, t("deputy.rostered"))] if rostered else []
        items += [PickItem(d.id, "  " + d.name) for d in rostered]
        others = [d for d in everyone if d not in rostered]
        if others:
            items.append(PickItem(None, t("deputy.others")))
            items += [PickItem(d.id, "  " + d.name) for d in others]

        def chosen(deputy_id: str | None) -> None:
            if deputy_id:
                self._set_deputy(deputy_id)

        # At start someone must be on duty: every write is attributed to them.
        required = self.deputy_id is None
        self.push_screen(PickModal(t("deputy.title"), items, required=required), chosen)

    @work(thread=True, exit_on_error=False, group="duty_writers")
    def _set_deputy(self, deputy_id: str) -> None:
        actor = self.station.actor(deputy_id)
        with self.store.write(actor) as session:
            start_duty(session=session, deputy_id=deputy_id)
            name = next(d.name for d in list_deputies(session=session) if d.id == deputy_id)
        self.call_from_thread(self._deputy_set, deputy_id, name)

    def _deputy_set(self, deputy_id: str, name: str) -> None:
        first = self.deputy_id is None
        self.deputy_id, self.deputy_name = deputy_id, name
        self.sub_title = f"{self.station.name} · {t('dash.you', name=name)}"
        if not first:
            self.notify(t("deputy.switched", name=name))
        screen = self.screen
        if isinstance(screen, DashboardScreen):
            screen.reload()

    # -- actions ----------------------------------------------------------------------

    def action_go(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)

    def action_log_visit(self) -> None:
        if not isinstance(self.screen, LogVisitScreen):
            self.push_screen(LogVisitScreen())

    async def visit_saved(self, visit_id: str) -> None:
        """After logging a visit, go straight to its triage."""
        if isinstance(self.screen, LogVisitScreen):
            await self.pop_screen()
        # The triage screen may not exist yet: wait until it is mounted.
        await self.switch_mode("triage")
        screen = self.screen
        if isinstance(screen, TriageScreen):
            screen.show_visit(visit_id)

    def action_ledger(self) -> None:
        from screens.ledger import LedgerScreen  # openpyxl loads with it, only when asked

        if not isinstance(self.screen, LedgerScreen):
            self.push_screen(LedgerScreen())

    def action_switch_deputy(self) -> None:
        self._find_deputy(ask=True)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal(self.screen))

    def _fatal_error(self) -> None:
        """Textual's crash report prints local variables, which may hold residents' data. Ours
        names the error's type and where it happened, and nothing else."""
        import traceback

        from rich.segment import Segments
        from rich.text import Text

        error = self._exception
        report = Text(t("error.unexpected") + "\n", style="bold")
        if error is not None:
            report.append(f"{type(error).__name__}\n")
            for frame in traceback.extract_tb(error.__traceback__)[-8:]:
                report.append(f"  {frame.filename}:{frame.lineno} in {frame.name}\n", style="dim")
        self.bell()
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


def make_app(store: Store, station: StationInfo, lang: str = "zh") -> LiaisonApp:
    """The app on an open store. Set the language before this module's screens are imported
    when it is not Chinese: key labels are read when their classes are defined."""
    set_language(lang)
    return LiaisonApp(store, station)
