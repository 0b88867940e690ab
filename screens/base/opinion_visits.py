"""A 立法建议 visit taken as a legislative opinion is on no issue and no longer in the triage
queue (store.desk.visits.awaiting_triage): the legislature answers it, no unit handles it.
Opening such a visit from a list (search, a hot word's visits) says where it went — the draft
and the article — instead of opening a queue it is not in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from screens.base.desk_screen import DeskScreen
from store.legislation.opinions import opinion_places
from tui.i18n import t


def went_text(places: tuple[tuple[str, str], ...]) -> str:
    """已作为立法意见：《title》第三条、《title》总体意见."""
    shown = t("text.list").join(
        t("legislation.went_place", draft=title, article=label or t("legislation.general"))
        for title, label in places
    )
    return t("legislation.visit_went", places=shown)


def open_visit_off_issue(
    screen: DeskScreen, visit_id: str, triage: Callable[[str], Awaitable[None]]
) -> None:
    """Open a visit on no issue: where it went when it is an opinion (a toast), else its place
    in the triage queue (`triage`)."""

    def load() -> tuple[tuple[str, str], ...]:
        with screen.desk.store.read() as session:
            return opinion_places(session=session, visit_id=visit_id)

    def done(places: tuple[tuple[str, str], ...]) -> None:
        if places:
            # A draft's title is the file's: text, never markup.
            screen.notify(went_text(places), markup=False, timeout=10)
        else:
            screen.app.call_later(triage, visit_id)

    screen.run_store(load, done, group="visit_openers")
