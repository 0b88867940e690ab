"""The actions menu (`.`, 更多): the less frequent actions on an issue and on a visit, in a small
list that filters as the deputy types (the pick dialog), and in the command palette.

The menu is a registry: an action is one line of ENTRIES, saying what it needs (the issue on
screen, or one visit) and the flow it starts with the screen and that record's id. A screen
offers the menu by deriving from ActionsMenu and saying what it shows (`menu_target`): the
issue page its issue and its visits (a visit's action asks which visit first), a list of visits
the one under the cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from rich.text import Text
from textual.binding import Binding

from screens.base.corrections import (
    correct_issue_flow,
    correct_resident_flow,
    correct_visit_flow,
)
from screens.base.desk_screen import DeskScreen
from screens.base.regroup import (
    merge_flow,
    move_flow,
    split_flow,
    unlink_flow,
    withdraw_flow,
)
from screens.base.suggest import suggest_issue_flow, suggest_visit_flow
from screens.dialogs.pick import PickItem, PickModal
from store.core.clock import to_local
from store.core.validation import mask_phone
from store.desk.visits import VisitRow
from tui.i18n import Msg, shown, t
from tui.messages import Open, Place
from tui.widgets.cells import plain


class Needs(StrEnum):
    """What an action acts on."""

    issue = "issue"
    # Any visit (corrections).
    visit = "visit"
    # A visit still asked for, on an issue or awaiting triage (撤回).
    asked_visit = "asked_visit"
    # A visit still asked for on an issue (unlink, move): not one awaiting triage.
    linked_visit = "linked_visit"


@dataclass(frozen=True)
class MenuEntry:
    """One action of the menu: its id (kebab-case), its words, what it needs, and the flow it
    starts, given the screen and the id of the issue or visit."""

    id: str
    label: Msg
    needs: Needs
    run: Callable[[DeskScreen, str], None]


def notices_flow(screen: DeskScreen, _issue_id: str) -> None:
    """待告知: the residents to tell, this issue's among them (the dashboard's `i`)."""
    screen.post_message(Open(Place.notices))


# The menu, in the order it lists: one line an action (issue 18: corrections, 告知, and putting
# triage right, screens.base.regroup).
ENTRIES: tuple[MenuEntry, ...] = (
    MenuEntry("correct-visit", t("menu.correct_visit"), Needs.visit, correct_visit_flow),
    MenuEntry("correct-resident", t("menu.correct_resident"), Needs.visit, correct_resident_flow),
    MenuEntry("correct-issue", t("menu.correct_issue"), Needs.issue, correct_issue_flow),
    MenuEntry("notices", t("menu.notices"), Needs.issue, notices_flow),
    MenuEntry("unlink-visit", t("menu.unlink_visit"), Needs.linked_visit, unlink_flow),
    MenuEntry("move-visit", t("menu.move_visit"), Needs.linked_visit, move_flow),
    MenuEntry("split-issue", t("menu.split_issue"), Needs.issue, split_flow),
    MenuEntry("merge-issue", t("menu.merge_issue"), Needs.issue, merge_flow),
    MenuEntry("withdraw-visit", t("menu.withdraw_visit"), Needs.asked_visit, withdraw_flow),
    # 转为代表建议 (issue 20): a suggestion drafted from the issue, or from one visit.
    MenuEntry("suggest-issue", t("menu.suggest_issue"), Needs.issue, suggest_issue_flow),
    MenuEntry("suggest-visit", t("menu.suggest_visit"), Needs.asked_visit, suggest_visit_flow),
)


@dataclass(frozen=True)
class MenuTarget:
    """What the menu can act on where it is opened: an issue, one visit, or the visits of the
    issue shown (a visit's action then asks which). `queued`: the one visit awaits triage."""

    issue_id: str | None = None
    visit_id: str | None = None
    visits: Sequence[VisitRow] = ()
    queued: bool = False

    def visits_for(self, needs: Needs) -> Sequence[VisitRow]:
        """The issue's visits an action may act on: a withdrawn visit is only corrected."""
        if needs is Needs.visit:
            return self.visits
        return [v for v in self.visits if v.withdrawn_at is None]

    def offers(self, entry: MenuEntry) -> bool:
        if entry.needs is Needs.issue:
            return self.issue_id is not None
        if entry.needs is Needs.linked_visit and self.queued:
            return False
        return self.visit_id is not None or bool(self.visits_for(entry.needs))


# `.` wherever the menu is: one binding, one id (help and remapping find it under it). A key no
# screen of the desk used before; shown in the footer as 更多.
MORE_BINDING = Binding(
    "full_stop", "more", t("key.more"), tooltip=t("tip.more"), key_display=".", id="actions-menu"
)


class ActionsMenu(DeskScreen):
    """The base of a screen with the actions menu (before its other DeskScreen bases). It lists
    MORE_BINDING among its bindings and says what it shows in `menu_target`."""

    def menu_target(self) -> MenuTarget | None:
        """What the menu acts on now (None: nothing selected)."""
        raise NotImplementedError

    def after_menu_action(self) -> None:
        """Show the records again once an action wrote (a screen may keep its cursor)."""
        reload = getattr(self, "reload", None)
        if callable(reload):
            reload()

    def menu_entries(self) -> list[MenuEntry]:
        """The actions available here and now (the palette lists them too)."""
        target = self.menu_target()
        if target is None:
            return []
        return [entry for entry in ENTRIES if target.offers(entry)]

    def action_more(self) -> None:
        entries = self.menu_entries()
        if not entries:
            self.notify(t("menu.nothing"), severity="warning")
            return
        items = [PickItem(entry.id, shown(entry.label)) for entry in entries]
        by_id = {entry.id: entry for entry in entries}

        def chosen(entry_id: str | None) -> None:
            if entry_id in by_id:
                self.run_entry(by_id[entry_id])

        self.app.push_screen(PickModal(t("menu.title"), items), chosen)

    def run_entry(self, entry: MenuEntry) -> None:
        """Start an action on what the screen shows (a visit picked first where needed)."""
        target = self.menu_target()
        if target is None or not target.offers(entry):
            self.notify(t("menu.nothing"), severity="warning")
            return
        if entry.needs is Needs.issue:
            assert target.issue_id is not None
            entry.run(self, target.issue_id)
        elif target.visit_id is not None:
            entry.run(self, target.visit_id)
        else:
            visits = target.visits_for(entry.needs)
            if len(visits) == 1:
                entry.run(self, visits[0].id)
            else:
                self._pick_visit(entry, visits)

    def _pick_visit(self, entry: MenuEntry, visits: Sequence[VisitRow]) -> None:
        tz = self.desk.store.clock.tz
        items = []
        for v in visits:
            line = Text(to_local(v.received_at, tz).strftime("%Y-%m-%d %H:%M "), style="dim")
            # Phones masked whatever the page reveals; names and words as plain text.
            who = (
                f"{v.resident} {mask_phone(v.phone)}" if v.resident else t("issue.resident_purged")
            )
            line.append_text(plain(f"{who} · {v.village} · {v.category}"))
            line.append("\n    ")
            line.append_text(plain(v.summary, "dim"))
            items.append(PickItem(v.id, line))
        ids = {v.id for v in visits}

        def chosen(visit_id: str | None) -> None:
            if visit_id in ids:
                entry.run(self, str(visit_id))

        self.app.push_screen(PickModal(t("menu.pick_visit"), items), chosen)


def menu_commands(screen: object) -> list[tuple[str, Callable[[], object]]]:
    """The command palette's entries for the menu of the screen it was opened on (tui.commands):
    `更多：改来访…`, each as the menu would start it."""
    if not isinstance(screen, ActionsMenu):
        return []
    return [
        (t("cmd.menu_entry", action=shown(entry.label)), partial(screen.run_entry, entry))
        for entry in screen.menu_entries()
    ]
