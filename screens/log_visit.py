"""Log a visit (登记来访): phone first, a returning resident filled in, saved in one keystroke.

Opened from a deliberation session's page (议事活动), the form logs a visit raised there: the
channel 议事活动 and the session preset, and once saved the session's page again, for the next
resident who speaks (the visit waits in the triage queue like any other)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, TextArea

from screens.base.desk_screen import DeskScreen
from screens.base.field_errors import show_in_view
from screens.base.through import ThroughPickers
from screens.dialogs.confirm import ConfirmModal
from store.core.errors import FormInvalid
from store.core.models import Channel, VisitCreate, VisitKind
from store.core.validation import is_valid_phone, normalise_phone
from store.desk.forms import validate_form
from store.desk.suggestions import CategoryHint, suggest_category
from store.desk.visits import Resident, VisitRow, find_resident, log_visit
from store.hot_words.words import warm_segmenter
from store.observers.observers import ObserverRow, observer_choices
from store.observers.points import PointRow, point_choices
from store.reference.lists import Choice, list_categories, list_villages
from tui.i18n import label, shown, t, tn
from tui.messages import Place, VisitSaved
from tui.widgets.chrome import DeskFooter
from tui.widgets.find_select import FindSelect
from tui.widgets.toggles import TextCheckbox

FIELDS = (
    "phone",
    "name",
    "village_id",
    "channel",
    "observer_id",
    "point_id",
    "kind",
    "category_id",
    "text",
)
# The fields a walk-in needs, in the order Enter (or a choice made) goes through those still
# empty: a returning resident's phone leads straight to the words (issue 17, part 6).
ENTRY_ORDER = ("phone", "name", "village_id", "text", "category_id")
# Seconds of pause in the typing before the category is proposed from the words.
HINT_DELAY = 0.4


@dataclass(frozen=True)
class Choices:
    """What the form's dropdowns offer, read in one worker."""

    villages: list[Choice]
    categories: list[Choice]
    observers: list[ObserverRow]
    points: list[PointRow]


# Each field's label, by the field's id.
FIELD_LABELS = {
    "phone": t("log.phone"),
    "name": t("log.name"),
    "village_id": t("log.village"),
    "channel": t("log.channel"),
    "kind": t("log.kind"),
    "category_id": t("log.category"),
    "text": t("log.text"),
}


class LogVisitScreen(DeskScreen):
    """The intake form. Every field is checked in place; Ctrl+S saves and opens triage."""

    PLACE = Place.log_visit
    HELP_TEXT = t("help.log")
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("log.hint"), id="save-visit"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel-visit"),
        # `?` types a question mark here; F1 reaches help from any field.
        Binding(
            "f1", "app.help", t("key.help"), tooltip=t("tip.help"), priority=True, id="show-help"
        ),
        # Not a text key, so it works from the words themselves (issue 17, part 6).
        Binding(
            "f2",
            "accept_hint",
            t("key.accept_hint"),
            tooltip=t("tip.accept_hint"),
            priority=True,
            id="accept-hint",
        ),
    ]

    def __init__(self, *, deliberation_id: str | None = None, deliberation_name: str = "") -> None:
        super().__init__()
        # The deliberation session the visit was raised at, and its name as the form shows it.
        self.deliberation_id = deliberation_id
        self.deliberation_name = deliberation_name
        self.resident: Resident | None = None
        self.saving = False
        self.hint: CategoryHint | None = None
        self._hint_timer: Timer | None = None
        # A resident being looked up by phone, and Enter pressed meanwhile: the cursor moves once
        # the name and village are known, so it skips them for a returning resident.
        self._lookups = 0
        self._looking_up = False
        self._advance_when_found = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="log-form"):
            if self.deliberation_id is None:
                yield Label(t("log.hint"), classes="hint")
            else:
                # In place of the hint: the session, and where saving leads (not to triage).
                yield Label(
                    t("log.at_session", name=self.deliberation_name),
                    id="log-session",
                    classes="hint",
                    markup=False,
                )
            with Horizontal(classes="form-row"):
                yield self._field("phone", Input(id="phone", max_length=20, type="text"))
                yield self._field("name", Input(id="name", max_length=60))
            yield Label("", id="resident-note", classes="hint")
            yield TextCheckbox(t("log.vulnerable"), id="vulnerable")
            # 同意转交 is asked at every visit and never carried over from an earlier one: it
            # starts unticked, so consent is always the deputy's explicit act (PIPL).
            consent = TextCheckbox(t("log.consent"), id="consent-forward")
            consent.tooltip = t("log.consent_tip")
            yield consent
            # 不用回电, another question: unticked, the resident is told of the issue's progress
            # (告知, store.desk.notices). Asked at every visit, like consent.
            no_callback = TextCheckbox(t("log.no_callback"), id="no-callback")
            no_callback.tooltip = t("log.no_callback_tip")
            yield no_callback
            with Horizontal(classes="form-row"):
                yield self._field(
                    "village_id", FindSelect([], id="village_id", prompt=t("log.choose"))
                )
                yield self._field(
                    "channel",
                    FindSelect(
                        [(label(c), c.value) for c in Channel],
                        id="channel",
                        value=(Channel.forum if self.deliberation_id else Channel.walk_in).value,
                        allow_blank=False,
                    ),
                )
            # Who relayed it and where: while the channel is 民情观察员.
            yield ThroughPickers()
            with Horizontal(classes="form-row"):
                yield self._field(
                    "kind",
                    FindSelect(
                        [(label(k), k.value) for k in VisitKind],
                        id="kind",
                        value=VisitKind.request.value,
                        allow_blank=False,
                    ),
                )
                yield self._field(
                    "category_id", FindSelect([], id="category_id", prompt=t("log.choose"))
                )
            yield self._field(
                "text", TextArea(id="text", soft_wrap=True, show_line_numbers=False), wide=True
            )
            yield Label("", id="category-hint", classes="hint")
        yield DeskFooter()

    def _field(self, name: str, widget: Widget, *, wide: bool = False) -> Vertical:
        return Vertical(
            Label(shown(FIELD_LABELS[name]), classes="field-label"),
            widget,
            Label("", id=f"{name}-error", classes="field-error"),
            classes="field -wide" if wide else "field",
        )

    def on_mount(self) -> None:
        self.title = t("log.title")
        self.query_one("#phone", Input).focus()
        self.run_store(self._load_choices, self._show_choices, group="form_loaders")
        # The segmenter takes about 0.5 s to build (store.hot_words.words): while the deputy types,
        # not on save.
        self.run_worker(warm_segmenter, thread=True, group="segmenter_warmers", exit_on_error=False)

    def _load_choices(self) -> Choices:
        with self.desk.store.read() as session:
            return Choices(
                list_villages(session=session),
                list_categories(session=session),
                observer_choices(session=session),
                point_choices(session=session),
            )

    def _show_choices(self, choices: Choices) -> None:
        self.query_one("#village_id", Select).set_options((c.name, c.id) for c in choices.villages)
        self.query_one("#category_id", Select).set_options(
            (c.name, c.id) for c in choices.categories
        )
        self.query_one(ThroughPickers).set_choices(choices.observers, choices.points)
        if self.resident is not None:
            self._fill_resident(self.resident)

    # -- the returning resident -------------------------------------------------------

    @on(Input.Changed, "#phone")
    def _phone_changed(self, event: Input.Changed) -> None:
        self._clear_error("phone")
        digits = "".join(ch for ch in event.value if ch.isdigit())
        if len(digits) >= 7:
            self._looking_up = True
            self._lookups += 1
            self.run_store(
                partial(self._find, event.value),
                partial(self._found_by, self._lookups),
                group="resident_lookups",
                exclusive=True,
            )
        else:
            self._lookups += 1
            self._found(None)

    @on(Input.Blurred, "#phone")
    def _phone_left(self, event: Input.Blurred) -> None:
        """Say at once when a phone cannot be right, not only at saving."""
        if event.value.strip() and not is_valid_phone(normalise_phone(event.value)):
            self._show_errors({"phone": "field.phone"}, focus=False)

    def _find(self, phone: str) -> Resident | None:
        with self.desk.store.read() as session:
            return find_resident(session=session, phone=phone)

    def _found_by(self, lookup: int, resident: Resident | None) -> None:
        # An earlier lookup (of the first seven digits, say) that ended after a later one began
        # says nothing about the phone typed now.
        if lookup == self._lookups:
            self._found(resident)

    def _found(self, resident: Resident | None) -> None:
        self._looking_up = False
        previous, self.resident = self.resident, resident
        if self._advance_when_found:
            self._advance_when_found = False
            self.call_after_refresh(self._advance, "phone")
        note = self.query_one("#resident-note", Label)
        vulnerable = self.query_one("#vulnerable", TextCheckbox)
        if resident is None:
            note.update("")
            if previous is not None and self.query_one("#name", Input).value == previous.name:
                self.query_one("#name", Input).value = ""
                vulnerable.value = False
            return
        line: str = t(
            "log.returning",
            name=resident.name,
            village=resident.village,
            count=resident.visit_count + 1,
        )
        if resident.open_issues:
            # A repeat (重复诉求) is linked on triage, where this visit goes after saving.
            line += "\n" + tn("log.open_issues", resident.open_issues)
        note.update(line)
        if previous is None or previous.id != resident.id:
            vulnerable.value = resident.vulnerable
        self._fill_resident(resident)

    def _fill_resident(self, resident: Resident) -> None:
        name = self.query_one("#name", Input)
        if not name.value:
            name.value = resident.name
        village = self.query_one("#village_id", Select)
        if village.is_blank():
            try:
                village.value = resident.village_id
            except Exception:  # options not loaded yet: _show_choices fills it in
                pass

    # -- going through the form ------------------------------------------------------

    @on(Input.Submitted, "#phone, #name")
    def _entered(self, event: Input.Submitted) -> None:
        if event.input.id == "phone" and self._looking_up:
            self._advance_when_found = True
            return
        self._advance(str(event.input.id))

    @on(Select.Changed, "#channel")
    def _channel_chosen(self, event: Select.Changed) -> None:
        through = event.value == Channel.observer.value
        self.query_one(ThroughPickers).show(through)
        # Chosen by the deputy (not filled in): who relayed it is the next thing to say.
        if through and event.select.has_focus:
            picker = self.query_one("#observer_id", Select)
            if picker.is_blank():
                self.call_after_refresh(self._open, picker)

    def _open(self, picker: Select[Any]) -> None:
        picker.focus()
        picker.action_show_overlay()

    @on(Select.Changed, "#village_id, #category_id")
    def _chosen(self, event: Select.Changed) -> None:
        # Only a choice the deputy made in the open list (the dropdown has focus again then);
        # a value filled in from the resident or a proposal leaves the cursor where it is.
        if event.select.has_focus and not event.select.is_blank():
            self._advance(str(event.select.id))

    def _advance(self, after: str) -> None:
        """To the next field of ENTRY_ORDER still empty, a dropdown opened; none: stay."""
        values = self._values()
        later = ENTRY_ORDER[ENTRY_ORDER.index(after) + 1 :]
        empty = next((name for name in later if not values[name]), None)
        if empty is None:
            return
        widget = self.query_one(f"#{empty}")
        widget.focus()
        if isinstance(widget, Select):
            widget.action_show_overlay()

    # -- validation in place ----------------------------------------------------------

    def _values(self) -> dict[str, Any]:
        def select_value(name: str) -> str:
            value = self.query_one(f"#{name}", Select).value
            return "" if value is Select.NULL else str(value)

        through = self.query_one(ThroughPickers).values()
        return {
            "phone": self.query_one("#phone", Input).value,
            "name": self.query_one("#name", Input).value,
            "village_id": select_value("village_id"),
            "channel": select_value("channel"),
            "kind": select_value("kind"),
            "category_id": select_value("category_id"),
            "text": self.query_one("#text", TextArea).text,
            "deputy_id": self.desk.deputy_id,
            "vulnerable": self.query_one("#vulnerable", TextCheckbox).value,
            "consent_forward": self.query_one("#consent-forward", TextCheckbox).value,
            "no_callback": self.query_one("#no-callback", TextCheckbox).value,
            "deliberation_id": self.deliberation_id,
            "observer_id": through[0],
            "point_id": through[1],
        }

    def _show_errors(self, errors: dict[str, str], *, focus: bool = True) -> None:
        for name in FIELDS:
            key = errors.get(name)
            widget = self.query_one(f"#{name}")
            message = self.query_one(f"#{name}-error", Label)
            widget.set_class(key is not None, "-invalid")
            params = {"limit": 10_000 if name == "text" else 50} if key == "field.too_long" else {}
            message.update(t(key, **params) if key else "")
            message.set_class(key is not None, "-shown")
        first = next((n for n in FIELDS if n in errors), None)
        if first is not None and focus:
            field = self.query_one(f"#{first}")
            field.focus()
            if isinstance(field.parent, Widget):
                show_in_view(field.parent)
            self.notify(t("log.fix"), severity="warning")

    def _clear_error(self, name: str) -> None:
        self.query_one(f"#{name}").remove_class("-invalid")
        message = self.query_one(f"#{name}-error", Label)
        message.update("")
        message.remove_class("-shown")

    # -- the category proposed from the words ------------------------------------------

    @on(TextArea.Changed, "#text")
    def _words_changed(self) -> None:
        # Asked once the deputy pauses, not at every character.
        if self._hint_timer is not None:
            self._hint_timer.stop()
        self._hint_timer = self.set_timer(HINT_DELAY, self._ask_hint)

    def _ask_hint(self) -> None:
        words = self.query_one("#text", TextArea).text
        self.run_store(
            partial(self._load_hint, words), self._show_hint, group="hint_loaders", exclusive=True
        )

    def _load_hint(self, words: str) -> CategoryHint | None:
        with self.desk.store.read() as session:
            return suggest_category(session=session, words_of=words)

    def _show_hint(self, hint: CategoryHint | None) -> None:
        chosen = self.query_one("#category_id", Select).value
        self.hint = hint if hint is not None and hint.category_id != chosen else None
        line = self.query_one("#category-hint", Label)
        if self.hint is None:
            line.update("")
            return
        line.update(tn("log.category_hint", self.hint.visits, name=self.hint.name))

    def action_accept_hint(self) -> None:
        if self.hint is None:
            return
        self.query_one("#category_id", Select).value = self.hint.category_id
        self._show_hint(None)

    @on(Input.Changed, "#name")
    @on(Select.Changed)
    @on(TextArea.Changed, "#text")
    def _edited(self, event: Any) -> None:
        widget_id = event.control.id if hasattr(event, "control") else None
        if widget_id in FIELDS:
            self._clear_error(widget_id)

    # -- saving -----------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        try:
            visit_in = validate_form(VisitCreate, self._values())
        except FormInvalid as exc:
            self._show_errors(exc.errors)
            return
        self.saving = True
        self.run_store(
            partial(self._save, visit_in),
            self._saved,
            group="visit_writers",
            on_error=self._save_failed,
        )

    def _save(self, visit_in: VisitCreate) -> VisitRow:
        with self.desk.store.write(self.desk.actor) as session:
            return log_visit(session=session, visit_in=visit_in)

    def _save_failed(self, exc: BaseException) -> bool:
        self.saving = False
        if isinstance(exc, FormInvalid):
            self._show_errors(exc.errors)
            return True
        return False

    def _saved(self, row: VisitRow) -> None:
        if self.deliberation_id is not None:
            # Raised at a session: back to its page; the visit waits in the triage queue.
            self.notify(t("log.saved_at_session", name=self.deliberation_name))
            self.dismiss()
            return
        self.notify(t("log.saved"))
        self.post_message(VisitSaved(row.id))

    @property
    def keeps_edits(self) -> bool:
        """Something typed: a global key shows the form rather than closing it (tui.app)."""
        values = self._values()
        return any(values[k] for k in ("phone", "name", "text"))

    def action_cancel(self) -> None:
        if not self.keeps_edits:
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmModal(t("log.discard")), answered)
