"""不用回电 corrected at 80×24 (issue 18): 改来访 shows the answer as saved, `[ ]` or `[x]`
(state by glyph, not colour); ticked and saved, the issue page says 不用回电 and the resident
leaves the 待告知 list (docs/rules/duty-loop.md, "Telling residents")."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import content, notes, pick, press, screen_lines, settle
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from screens.dialogs.corrections import VisitCorrectionModal
from screens.dialogs.pick import PickModal
from screens.issue import IssueScreen
from store.core.models import Notice, Visit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.notices import count_notices
from tui.app import LiaisonApp
from tui.i18n import t
from tui.widgets.toggles import TextCheckbox


async def _correct_visit(pilot: Pilot[None]) -> VisitCorrectionModal:
    await press(pilot, "full_stop")
    assert isinstance(pilot.app.screen, PickModal), screen_lines(pilot.app)
    await pick(pilot, "correct-visit")  # one visit: no need to ask which
    form = pilot.app.screen
    assert isinstance(form, VisitCorrectionModal)
    return form


def _pending(store: Store) -> int:
    with store.read() as session:
        return count_notices(session=session)


async def test_no_callback_ticked_on_a_saved_visit_takes_the_resident_off_the_list(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    assert _pending(store) == 1  # told of the triage, unless they decline
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        form = await _correct_visit(pilot)
        check = form.query_one("#correct-no_callback", TextCheckbox)
        assert check.value is False
        assert f"[ ] {t('log.no_callback')}" in "\n".join(screen_lines(desk))
        check.focus()
        await press(pilot, "space")
        assert f"[x] {t('log.no_callback')}" in "\n".join(screen_lines(desk))
        # Checked in place like the rest: the words are still required (the checkboxes have
        # no error line of their own).
        area = form.query_one("#correct-text", TextArea)
        words = area.text
        area.text = ""
        await press(pilot, "ctrl+s")
        assert desk.screen is form
        assert t("field.required") in "\n".join(screen_lines(desk))
        area.text = words
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, IssueScreen)
        assert t("correct.visit_done") in notes(desk)
        page = "\n".join(content(w) for w in desk.screen.query(Static))
        assert t("issue.no_callback") in page

        # Saved as a logged change; the untold notice dropped, the list empty.
        with store.read() as session:
            [visit] = session.exec(select(Visit).where(Visit.issue_id == issue.id)).all()
            assert visit.no_callback is True
            [notice] = session.exec(select(Notice)).all()
            assert notice.deleted_at is not None
        assert _pending(store) == 0

        # The form opens on what is saved.
        form = await _correct_visit(pilot)
        assert form.query_one("#correct-no_callback", TextCheckbox).value is True
        assert f"[x] {t('log.no_callback')}" in "\n".join(screen_lines(desk))
