"""升级/降级 wherever an issue is shown with its keys (its page, the board's row under the cursor):
`+` moves it a tier up, `-` a tier down, after asking why and which unit of the new tier takes
it (screens.dialogs.move; store.desk.moves.move_issue)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding

from screens.base.desk_screen import DeskScreen
from screens.dialogs.move import MoveInput, MoveModal
from store.core.models import IssueStatus, Tier
from store.desk.issue_rows import IssueRow
from store.desk.moves import move_issue, move_reasons, next_tier, suggest_move_units
from tui.i18n import label, t

MOVE_BINDINGS = [
    Binding(
        "plus",
        "move_tier(1)",
        t("key.escalate"),
        tooltip=t("tip.escalate"),
        show=False,
        id="escalate-issue",
    ),
    Binding(
        "minus",
        "move_tier(-1)",
        t("key.de_escalate"),
        tooltip=t("tip.de_escalate"),
        show=False,
        id="de-escalate-issue",
    ),
]


def can_move(row: IssueRow | None, step: int) -> bool | None:
    """For `check_action`: True when the issue can move `step` tiers, None (greyed out) when it
    is closed or already at the top (bottom)."""
    if row is None:
        return True
    if row.status == IssueStatus.closed or next_tier(row.tier, step) is None:
        return None
    return True


def ask_move(
    screen: DeskScreen, row: IssueRow, step: int, moved: Callable[[IssueRow], None]
) -> None:
    """Ask why and to which unit, then move the issue a tier up (`step` 1) or down (-1) in a
    worker; `moved` gets its row afterwards, the notice shown."""
    tier = next_tier(row.tier, step)
    if row.status == IssueStatus.closed:
        screen.notify(t("error.move_closed"), severity="warning")
        return
    if tier is None:
        screen.notify(t("move.top") if step > 0 else t("move.bottom"), severity="warning")
        return
    desk = screen.desk

    def units() -> list[tuple[str, str]]:
        with desk.store.read() as session:
            return suggest_move_units(session=session, issue_id=row.id, tier=tier)

    screen.run_store(units, partial(_ask, screen, row, tier, moved), group="unit_loaders")


def _ask(
    screen: DeskScreen,
    row: IssueRow,
    tier: Tier,
    moved: Callable[[IssueRow], None],
    units: list[tuple[str, str]],
) -> None:
    up = list(Tier).index(tier) > list(Tier).index(row.tier)
    names = dict(before=label(row.tier), after=label(tier))
    title = t("move.title_up", **names) if up else t("move.title_down", **names)
    desk = screen.desk

    def write(value: MoveInput) -> IssueRow:
        with desk.store.write(desk.actor) as session:
            return move_issue(
                session=session,
                issue_id=row.id,
                tier=tier,
                unit_id=value.unit_id,
                reason=value.reason,
                note=value.note,
            )

    def done(new: IssueRow) -> None:
        where = dict(tier=label(new.tier), unit=new.unit)
        screen.notify(t("move.done_up", **where) if up else t("move.done_down", **where))
        moved(new)

    def chosen(value: MoveInput | None) -> None:
        if value is not None:
            screen.run_store(partial(write, value), done, group="issue_writers")

    screen.app.push_screen(
        MoveModal(
            title=title,
            where=t("move.where", tier=label(row.tier), unit=row.unit),
            reasons=move_reasons(up=up),
            units=units,
        ),
        chosen,
    )
