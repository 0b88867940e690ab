"""Correcting what was typed, from the actions menu (screens.base.actions_menu): each flow reads
what is saved, opens its form filled in, writes the correction in a worker and says what it
did (store.desk.corrections). The screen then shows the records as corrected.

The forms show what screens mask (a resident's phone, numbers in their words) in clear, to be
corrected: opening one is a reveal, recorded first (store.trust.reveals), as `v` is."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.markup import escape

from screens.base.desk_screen import DeskScreen
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.corrections import (
    IssueCorrectionModal,
    ResidentCorrectionModal,
    VisitCorrectionModal,
)
from screens.dialogs.pick import PickItem, PickModal
from store.core.clock import to_local
from store.core.errors import PhoneTaken
from store.core.models import IssueCorrection, ResidentCorrection, VisitCorrection
from store.core.validation import mask_numbers, mask_phone
from store.desk.corrections import (
    IssueFields,
    ResidentCorrected,
    ResidentFacts,
    VisitCorrected,
    correct_issue,
    correct_resident,
    correct_visit,
    get_issue_fields,
    get_resident,
    move_visit_to_resident,
)
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitDetail, VisitRow, get_visit
from store.reference.lists import Choice, list_categories, list_deputies, list_villages
from store.trust.reveals import log_reveal
from tui.i18n import t, tn


def after_action(screen: DeskScreen) -> None:
    """The screen shows its records again, as corrected (ActionsMenu.after_menu_action)."""
    again = getattr(screen, "after_menu_action", None)
    if callable(again):
        again()


def visit_about(screen: DeskScreen, row: VisitRow) -> Text:
    """Whose visit, and when: the line under a form's title (plain text, phone masked)."""
    when = to_local(row.received_at, screen.desk.store.clock.tz).strftime("%Y-%m-%d %H:%M")
    who = f"{row.resident} {mask_phone(row.phone)}" if row.resident else t("issue.resident_purged")
    return Text(f"{when} · {who} · {row.village}")


# -- a visit's own fields ------------------------------------------------------------------------


@dataclass(frozen=True)
class _VisitForm:
    detail: VisitDetail
    categories: list[Choice]


def correct_visit_flow(screen: DeskScreen, visit_id: str) -> None:
    """改来访: the visit's channel, kind, category, words and consent."""
    desk = screen.desk

    def load() -> _VisitForm:
        with desk.store.read() as session:
            detail = get_visit(session=session, visit_id=visit_id)
            categories = list_categories(session=session)
        if mask_numbers(detail.text) != detail.text:
            # Numbers in the words show in clear in the form: recorded as `v` records them.
            with desk.store.write(desk.actor) as session:
                log_reveal(
                    session=session, table_name="constituent", row_ids=[detail.constituent_id]
                )
        return _VisitForm(detail, categories)

    def show(form: _VisitForm) -> None:
        detail, row = form.detail, form.detail.row
        modal = VisitCorrectionModal(
            about=visit_about(screen, row),
            channel=row.channel,
            kind=row.kind,
            category_id=detail.category_id,
            category=row.category,
            categories=form.categories,
            text=detail.text,
            consent_forward=row.consent_forward,
            no_callback=row.no_callback,
        )
        screen.app.push_screen(modal, partial(chosen, detail))

    def chosen(detail: VisitDetail, correction: VisitCorrection | None) -> None:
        if correction is None:
            return
        screen.run_store(
            partial(write, correction), partial(written, detail), group="visit_writers"
        )

    def write(correction: VisitCorrection) -> VisitCorrected:
        with desk.store.write(desk.actor) as session:
            return correct_visit(session=session, visit_id=visit_id, correction=correction)

    def written(detail: VisitDetail, done: VisitCorrected) -> None:
        if not done.changed:
            screen.notify(t("correct.unchanged"))
            return
        message: str = t("correct.visit_done")
        if done.issue_category is not None:
            message += t("text.gap") + t("correct.issue_followed", category=done.issue_category)
        # The resident's answers (consent, 不用回电) change on all their visits on the issue.
        answered = max(done.consent_visits, done.no_callback_visits)
        if answered > 1:
            message += tn("issue.consent_visits", answered)
        screen.notify(message)
        after_action(screen)

    screen.run_store(load, show, group="correction_loaders")


# -- a resident's details ------------------------------------------------------------------------


@dataclass(frozen=True)
class _ResidentForm:
    visit: VisitRow
    facts: ResidentFacts
    villages: list[Choice]


def correct_resident_flow(screen: DeskScreen, visit_id: str) -> None:
    """改群众信息: the name, phone and village of the visit's resident, for all their visits."""
    desk = screen.desk

    def load() -> _ResidentForm:
        with desk.store.read() as session:
            detail = get_visit(session=session, visit_id=visit_id)
            facts = get_resident(session=session, constituent_id=detail.constituent_id)
            villages = list_villages(session=session)
        # The form shows the phone in clear: recorded first.
        with desk.store.write(desk.actor) as session:
            log_reveal(session=session, table_name="constituent", row_ids=[facts.id])
        return _ResidentForm(detail.row, facts, villages)

    def show(form: _ResidentForm, typed: ResidentCorrection | None = None) -> None:
        facts = form.facts
        about = visit_about(screen, form.visit)
        about.append("\n" + tn("correct.resident_visits", facts.visits))
        modal = ResidentCorrectionModal(
            about=about,
            phone=typed.phone if typed else facts.phone,
            name=typed.name if typed else facts.name,
            village_id=typed.village_id if typed else facts.village_id,
            village=facts.village,
            villages=form.villages,
        )
        screen.app.push_screen(modal, partial(chosen, form))

    def chosen(form: _ResidentForm, correction: ResidentCorrection | None) -> None:
        if correction is None:
            return
        facts = form.facts
        changes = _resident_changes(facts, correction, form.villages)
        if not changes:
            screen.notify(t("correct.unchanged"))
            return
        if facts.visits <= 1:
            save(form, correction)
            return
        # Said before it is done: every visit of theirs shows the new details.
        question = tn("correct.resident_confirm", facts.visits, changes=escape(changes))

        def answered(yes: bool | None) -> None:
            if yes:
                save(form, correction)

        screen.app.push_screen(ConfirmModal(question), answered)

    def save(form: _ResidentForm, correction: ResidentCorrection, share: bool = False) -> None:
        screen.run_store(
            partial(write, form.facts.id, correction, share),
            written,
            group="resident_writers",
            on_error=partial(refused, form, correction),
        )

    def write(resident_id: str, correction: ResidentCorrection, share: bool) -> ResidentCorrected:
        with desk.store.write(desk.actor) as session:
            return correct_resident(
                session=session,
                constituent_id=resident_id,
                correction=correction,
                share_phone=share,
            )

    def written(done: ResidentCorrected) -> None:
        message: str = tn("correct.resident_done", done.visits)
        if done.village_issues:
            message += t("text.gap") + tn("correct.village_issues", done.village_issues)
        screen.notify(message)
        after_action(screen)

    def refused(form: _ResidentForm, correction: ResidentCorrection, exc: BaseException) -> bool:
        if not isinstance(exc, PhoneTaken):
            return False
        screen.run_store(
            partial(other_of, exc.other_id),
            partial(offer, form, correction),
            group="correction_loaders",
        )
        return True

    def other_of(other_id: str) -> ResidentFacts:
        with desk.store.read() as session:
            return get_resident(session=session, constituent_id=other_id)

    def offer(form: _ResidentForm, correction: ResidentCorrection, other: ResidentFacts) -> None:
        """The phone is another resident's: never merged unasked. The visit may be theirs, the
        phone a household's, or the phone typed wrong again."""
        heading = Text(
            f"{other.name} {mask_phone(other.phone)} · {other.village} · "
            + tn("correct.other_visits", other.visits)
        )
        items = [
            PickItem(None, heading),
            PickItem("move", Text(t("correct.move_visit", name=other.name))),
            PickItem("share", t("correct.share_phone")),
            PickItem("again", t("correct.edit_again")),
        ]

        def answered(choice: str | None) -> None:
            if choice == "move":
                screen.run_store(
                    partial(move, other.id),
                    lambda _row: moved(other),
                    group="resident_writers",
                )
            elif choice == "share":
                save(form, correction, share=True)
            elif choice == "again":
                show(form, correction)

        screen.app.push_screen(PickModal(t("correct.phone_taken"), items), answered)

    def move(other_id: str) -> VisitRow:
        with desk.store.write(desk.actor) as session:
            return move_visit_to_resident(
                session=session, visit_id=visit_id, constituent_id=other_id
            )

    def moved(other: ResidentFacts) -> None:
        # A resident's name: never read as markup.
        screen.notify(t("correct.visit_moved", name=other.name), markup=False)
        after_action(screen)

    screen.run_store(load, show, group="correction_loaders")


def _resident_changes(
    facts: ResidentFacts, correction: ResidentCorrection, villages: list[Choice]
) -> str:
    """What a resident's correction changes, in words: `姓名 王秀兰、电话 139****1111`."""
    parts = []
    if correction.name != facts.name:
        parts.append(t("correct.change_name", name=correction.name))
    if correction.phone != facts.phone:
        parts.append(t("correct.change_phone", phone=mask_phone(correction.phone)))
    if correction.village_id != facts.village_id:
        village = next((v.name for v in villages if v.id == correction.village_id), "")
        parts.append(t("correct.change_village", village=village))
    return t("correct.list_sep").join(parts)


# -- an issue's own fields -----------------------------------------------------------------------


@dataclass(frozen=True)
class _IssueForm:
    fields: IssueFields
    categories: list[Choice]
    deputies: list[Choice]


def correct_issue_flow(screen: DeskScreen, issue_id: str) -> None:
    """改事项: the issue's title, category and lead deputy (领衔代表)."""
    desk = screen.desk

    def load() -> _IssueForm:
        with desk.store.read() as session:
            return _IssueForm(
                get_issue_fields(session=session, issue_id=issue_id),
                list_categories(session=session),
                list_deputies(session=session),
            )

    def show(form: _IssueForm) -> None:
        fields = form.fields
        modal = IssueCorrectionModal(
            title=fields.title,
            category_id=fields.category_id,
            category=fields.category,
            categories=form.categories,
            lead_deputy_id=fields.lead_deputy_id,
            lead_deputy=fields.lead_deputy,
            deputies=form.deputies,
        )
        screen.app.push_screen(modal, partial(chosen, fields))

    def chosen(fields: IssueFields, correction: IssueCorrection | None) -> None:
        if correction is None:
            return
        same = (fields.title, fields.category_id, fields.lead_deputy_id) == (
            correction.title,
            correction.category_id,
            correction.lead_deputy_id,
        )
        if same:
            screen.notify(t("correct.unchanged"))
            return
        screen.run_store(partial(write, correction), written, group="issue_writers")

    def write(correction: IssueCorrection) -> IssueRow:
        with desk.store.write(desk.actor) as session:
            return correct_issue(session=session, issue_id=issue_id, correction=correction)

    def written(_row: IssueRow) -> None:
        screen.notify(t("correct.issue_done"))
        after_action(screen)

    screen.run_store(load, show, group="correction_loaders")
