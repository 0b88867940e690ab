"""The forms of a deliberation session (议事活动): the session itself (its kind, day, place, the
officials, how many residents, the topics and decisions, the deputies present and, for a 代表述职,
the deputy reporting), and the satisfaction vote (测评: 满意 / 基本满意 / 不满意, the rate shown as
the counts are typed). Each returns a typed value through `dismiss` (None when cancelled);
fields are checked in place with the store's own rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, TextArea

from screens.base.field_errors import show_in_view
from screens.dialogs.small_form import DAY_HINT, SmallForm, parse_day
from store.core.errors import N_, FieldInvalid, FormInvalid
from store.core.models import DeliberationKind
from store.deliberations.deliberations import (
    OFFICIALS_MAX,
    PLACE_MAX,
    RESIDENTS_MAX,
    VOTES_MAX,
    DeliberationIn,
    parse_count,
)
from store.deliberations.reading import Vote
from store.desk.forms import validate_form
from store.reference.lists import Choice
from store.reports.stats import percent
from tui.i18n import label, shown, t
from tui.widgets.find_select import FindSelect
from tui.widgets.toggles import TextSelectionList

FIELDS = (
    "kind",
    "held_on",
    "place",
    "residents",
    "officials",
    "topics",
    "decisions",
    "reporting_deputy_id",
)
FIELD_LABELS = {
    "kind": t("deliberation.kind"),
    "held_on": t("deliberation.held_on"),
    "place": t("deliberation.place"),
    "residents": t("deliberation.residents"),
    "officials": t("deliberation.officials"),
    "topics": t("deliberation.topics"),
    "decisions": t("deliberation.decisions"),
    "reporting_deputy_id": t("deliberation.reporting"),
}
# The limit a field's "too long" or "too big" message names.
LIMITS = {
    "place": PLACE_MAX,
    "officials": OFFICIALS_MAX,
    "residents": RESIDENTS_MAX,
    "topics": 10_000,
    "decisions": 10_000,
}


class DeliberationModal(ModalScreen[DeliberationIn | None]):
    """Record a session, or rewrite one (`start`): its fields, the deputies present (the deputy
    on duty ticked for a new one) and, for a 代表述职, who reported."""

    # Screen CSS (not DEFAULT_CSS), so that it outranks the app's rules for dialogs: at 80×24 the
    # dialog scrolls, and the focus brings what it reaches into view.
    CSS = """
    DeliberationModal #deliberation-deputies { height: auto; border: none; padding: 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(
        self,
        *,
        today: date,
        deputies: list[Choice],
        on_duty: str | None,
        start: DeliberationIn | None = None,
    ) -> None:
        super().__init__()
        self.today, self.deputies, self.on_duty, self.start = today, deputies, on_duty, start

    def compose(self) -> ComposeResult:
        s = self.start
        present = set(s.deputy_ids) if s else {self.on_duty}
        title = t("deliberation.edit_title") if s else t("deliberation.form_title")
        with VerticalScroll(classes="dialog -wide"):
            yield Label(title, classes="dialog-title")
            with Horizontal(classes="form-row"):
                kinds = [(label(k), k.value) for k in DeliberationKind]
                kind = s.kind if s else DeliberationKind.tea_house
                yield self._field("kind", FindSelect(kinds, value=kind.value, allow_blank=False))
                day = (s.held_on if s else self.today).isoformat()
                yield self._field("held_on", Input(day, placeholder=DAY_HINT))
            with Horizontal(classes="form-row"):
                yield self._field("place", Input(s.place if s else "", max_length=PLACE_MAX))
                residents = str(s.residents) if s else ""
                yield self._field("residents", Input(residents, max_length=6))
            yield self._field(
                "officials", Input(s.officials if s else "", max_length=OFFICIALS_MAX)
            )
            yield self._field(
                "topics", TextArea(s.topics if s else "", soft_wrap=True, show_line_numbers=False)
            )
            yield self._field(
                "decisions",
                TextArea(s.decisions if s else "", soft_wrap=True, show_line_numbers=False),
            )
            yield Label(t("deliberation.deputies"), classes="field-label")
            yield TextSelectionList(
                *[(d.name, d.id, d.id in present) for d in self.deputies],
                id="deliberation-deputies",
            )
            reporting = s.reporting_deputy_id if s and s.reporting_deputy_id else Select.NULL
            yield self._field(
                "reporting_deputy_id",
                FindSelect(
                    [(d.name, d.id) for d in self.deputies],
                    value=reporting,
                    prompt=t("deliberation.reporting_none"),
                ),
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="deliberation-save", compact=True)
                yield Button(t("key.cancel"), id="deliberation-cancel", compact=True)

    def _field(self, name: str, widget: Widget) -> Vertical:
        widget.id = f"deliberation-{name}"
        return Vertical(
            Label(shown(FIELD_LABELS[name]), classes="field-label"),
            widget,
            Label("", id=f"deliberation-{name}-error", classes="field-error"),
            classes="field",
        )

    def on_mount(self) -> None:
        self.query_one("#deliberation-kind", Select).focus()

    def _values(self) -> tuple[dict[str, Any], bool]:
        """The form's values, and whether the day is one."""
        day = parse_day(self.query_one("#deliberation-held_on", Input).value)
        kind = self.query_one("#deliberation-kind", Select).value
        reporting = self.query_one("#deliberation-reporting_deputy_id", Select).value
        return {
            "kind": kind,
            "held_on": day or self.today,
            "place": self.query_one("#deliberation-place", Input).value,
            "residents": self.query_one("#deliberation-residents", Input).value,
            "officials": self.query_one("#deliberation-officials", Input).value,
            "topics": self.query_one("#deliberation-topics", TextArea).text,
            "decisions": self.query_one("#deliberation-decisions", TextArea).text,
            "deputy_ids": list(
                self.query_one("#deliberation-deputies", TextSelectionList).selected
            ),
            "reporting_deputy_id": None if reporting is Select.NULL else reporting,
        }, day is not None

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            key = errors.get(name)
            self.query_one(f"#deliberation-{name}").set_class(key is not None, "-invalid")
            message = self.query_one(f"#deliberation-{name}-error", Label)
            message.update(t(key, limit=LIMITS.get(name, 0)) if key else "")
            message.set_class(key is not None, "-shown")
        first = next((n for n in FIELDS if n in errors), None)
        if first is not None:
            field = self.query_one(f"#deliberation-{first}")
            field.focus()
            if isinstance(field.parent, Widget):
                show_in_view(field.parent)

    @on(Button.Pressed, "#deliberation-save")
    def action_save(self) -> None:
        values, day_ok = self._values()
        try:
            wanted = validate_form(DeliberationIn, values)
            errors: dict[str, str] = {}
        except FormInvalid as exc:
            errors = dict(exc.errors)
        if not day_ok:
            errors["held_on"] = N_("projects.bad_date")
        if errors:
            self._show_errors(errors)
            return
        self.dismiss(wanted)

    @on(Button.Pressed, "#deliberation-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class VoteInput:
    satisfied: int
    fairly: int
    unsatisfied: int


VOTE_FIELDS = ("satisfied", "fairly", "unsatisfied")


class CountInput(Input):
    """A count of votes: Enter goes on to the next count, and saves from the last. Done in the
    key's own binding, so the focus has moved before the next key typed is handed over
    (tui.typeahead); a Submitted message handled later let `30⏎6` land all in the first."""

    BINDINGS = [Binding("enter", "next_count", show=False)]

    def action_next_count(self) -> None:
        screen = self.screen
        if isinstance(screen, VoteModal):
            screen.after_count(self)


class VoteModal(SmallForm):
    """The satisfaction vote (测评): how many voted 满意, 基本满意 and 不满意; the rate is shown as
    the counts are typed (a blank is 0)."""

    def __init__(self, heading: str, vote: Vote | None = None) -> None:
        super().__init__()
        self.heading = heading
        self.vote = vote

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.heading, classes="dialog-title")
            for name, text in (
                ("satisfied", t("deliberation.vote_satisfied")),
                ("fairly", t("deliberation.vote_fairly")),
                ("unsatisfied", t("deliberation.vote_unsatisfied")),
            ):
                yield Label(text)
                value = str(getattr(self.vote, name)) if self.vote else ""
                yield CountInput(value, max_length=6, id=f"vote-{name}")
            yield Label("", id="vote-rate", classes="hint")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#vote-satisfied", Input).focus()
        self._rate()

    def _counts(self) -> VoteInput:
        """The counts typed; FieldInvalid names the first that is not one."""
        counts = [
            parse_count(self.query_one(f"#vote-{name}", Input).value, name, VOTES_MAX)
            for name in VOTE_FIELDS
        ]
        return VoteInput(*counts)

    @on(Input.Changed)
    def _rate(self) -> None:
        try:
            counts = self._counts()
        except FieldInvalid:
            return
        vote = Vote(counts.satisfied, counts.fairly, counts.unsatisfied)
        self.query_one("#vote-rate", Label).update(
            t("deliberation.vote_rate", rate=percent(vote.rate.ratio), votes=vote.total)
        )

    def after_count(self, count: Input) -> None:
        """Enter on a count: the next one (focused at once), or save from the last."""
        name = str(count.id).removeprefix("vote-")
        if name == VOTE_FIELDS[-1]:
            self.action_save()
        else:
            self.set_focus(self.query_one(f"#vote-{VOTE_FIELDS[VOTE_FIELDS.index(name) + 1]}"))

    def action_save(self) -> None:
        try:
            counts = self._counts()
        except FieldInvalid as exc:
            self.show_error(t(exc.key, **exc.params))
            self.query_one(f"#vote-{exc.field}", Input).focus()
            return
        if not (counts.satisfied or counts.fairly or counts.unsatisfied):
            self.show_error(t("deliberation.vote_empty"))
            return
        self.dismiss(counts)
