"""The correction forms (issue 18, part 2): a visit's own fields, a resident's details, an
issue's title, category and lead deputy. Each opens filled in with what is saved, checks every
field in place as the log form does (store.desk.forms), and returns the validated correction;
Ctrl+S saves, Esc asks before throwing typed changes away."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from sqlmodel import SQLModel
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, TextArea

from screens.base.field_errors import show_in_view
from screens.dialogs.confirm import ask_discard
from store.core.errors import FormInvalid
from store.core.models import (
    Channel,
    IssueCorrection,
    ResidentCorrection,
    VisitCorrection,
    VisitKind,
)
from store.core.validation import ISSUE_TITLE_MAX, NAME_MAX, TEXT_MAX
from store.desk.forms import validate_form
from store.reference.lists import Choice
from tui.i18n import Msg, label, shown, t
from tui.widgets.find_select import FindSelect
from tui.widgets.toggles import TextCheckbox

M = TypeVar("M", bound=SQLModel)

# The lead deputy's "nobody" choice (an issue may have no lead deputy).
NOBODY = "-"

# What `field.too_long` says the limit is, by field.
LIMITS = {"name": NAME_MAX, "text": TEXT_MAX, "title": ISSUE_TITLE_MAX}


def options(choices: Sequence[Choice], current: str | None, current_name: str) -> list[Any]:
    """A dropdown's options, the saved value among them even when it is no longer offered (a
    village merged away, a category retired): a form must open on what is saved."""
    found = [(c.name, c.id) for c in choices]
    if current and all(c.id != current for c in choices):
        found.append((current_name or current[:8], current))
    return found


class _CorrectionModal(ModalScreen[M | None], Generic[M]):
    """A correction form: fields named as the store's model names them, each with its label and
    error line; `initial` is what the form opened with."""

    # Screen CSS (it outranks the app's dialog rules, as the leader-visit form's does): the
    # consent checkbox on one line, as on the log form, so that the words keep their lines.
    CSS = """
    .correct-check { border: none; height: 1; padding: 0; background: transparent; }
    .correct-about { color: $text-muted; padding-bottom: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]
    MODEL: ClassVar[type[SQLModel]]
    FORM_TITLE: ClassVar[Msg]
    # The fields in the order they are shown and checked.
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, about: Text | str = "") -> None:
        super().__init__()
        self.about = about
        self.initial: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide"):
            yield Label(shown(self.FORM_TITLE), classes="dialog-title")
            if self.about:
                yield Label(self.about, classes="correct-about", markup=False)
            yield from self.compose_fields()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="correct-save", compact=True)
                yield Button(t("key.cancel"), id="correct-cancel", compact=True)

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def field(self, name: str, caption: Msg, widget: Widget) -> Vertical:
        widget.id = f"correct-{name}"
        return Vertical(
            Label(shown(caption), classes="field-label"),
            widget,
            Label("", id=f"correct-{name}-error", classes="field-error"),
            classes="field",
        )

    def on_mount(self) -> None:
        self.initial = self.values()
        self.query_one(f"#correct-{self.FIELDS[0]}").focus()

    def values(self) -> dict[str, Any]:
        """The form's values by the model's field names, as typed."""
        out: dict[str, Any] = {}
        for name in self.FIELDS:
            widget = self.query_one(f"#correct-{name}")
            if isinstance(widget, Input):
                out[name] = widget.value
            elif isinstance(widget, TextArea):
                out[name] = widget.text
            elif isinstance(widget, TextCheckbox):
                out[name] = widget.value
            elif isinstance(widget, Select):
                value = widget.value
                out[name] = "" if value is Select.NULL else str(value)
        return out

    def model_values(self) -> dict[str, Any]:
        """What the model is built from (a form may map a choice, such as "nobody")."""
        return self.values()

    @property
    def edited(self) -> bool:
        return self.values() != self.initial

    def show_errors(self, errors: dict[str, str]) -> None:
        for name in self.FIELDS:
            key = errors.get(name)
            self.query_one(f"#correct-{name}").set_class(key is not None, "-invalid")
            # A checkbox has no error line: a yes or no is never wrong.
            for message in self.query(f"#correct-{name}-error").results(Label):
                message.update(t(key, limit=LIMITS.get(name, TEXT_MAX)) if key else "")
                message.set_class(key is not None, "-shown")
        first = next((n for n in self.FIELDS if n in errors), None)
        if first is not None:
            widget = self.query_one(f"#correct-{first}")
            widget.focus()
            if isinstance(widget.parent, Widget):
                show_in_view(widget.parent)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _edited_field(self, event: Any) -> None:
        widget = event.control
        if widget is not None and widget.has_class("-invalid"):
            name = str(widget.id).removeprefix("correct-")
            widget.remove_class("-invalid")
            self.query_one(f"#correct-{name}-error", Label).remove_class("-shown")

    @on(Button.Pressed, "#correct-save")
    def action_save(self) -> None:
        try:
            correction = validate_form(self.MODEL, self.model_values())
        except FormInvalid as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(correction)  # type: ignore[arg-type]

    @on(Button.Pressed, "#correct-cancel")
    def action_cancel(self) -> None:
        ask_discard(self, self.edited, lambda: self.dismiss(None))


class VisitCorrectionModal(_CorrectionModal[VisitCorrection]):
    """Correct a saved visit's channel, kind, category, words, consent (同意转交) and 不用回电."""

    MODEL = VisitCorrection
    FORM_TITLE = t("correct.visit_title")
    FIELDS = ("channel", "kind", "category_id", "text", "consent_forward", "no_callback")

    def __init__(
        self,
        *,
        about: Text | str,
        channel: Channel,
        kind: VisitKind,
        category_id: str,
        category: str,
        categories: Sequence[Choice],
        text: str,
        consent_forward: bool,
        no_callback: bool,
    ) -> None:
        super().__init__(about)
        self.start = (channel, kind, category_id, category, text, consent_forward, no_callback)
        self.categories = categories

    def compose_fields(self) -> ComposeResult:
        channel, kind, category_id, category, text, consent, no_callback = self.start
        with Horizontal(classes="form-row"):
            yield self.field(
                "channel",
                t("log.channel"),
                FindSelect(
                    [(label(c), c.value) for c in Channel], value=channel.value, allow_blank=False
                ),
            )
            yield self.field(
                "kind",
                t("log.kind"),
                FindSelect(
                    [(label(k), k.value) for k in VisitKind], value=kind.value, allow_blank=False
                ),
            )
            yield self.field(
                "category_id",
                t("log.category"),
                FindSelect(
                    options(self.categories, category_id, category),
                    value=category_id,
                    allow_blank=False,
                ),
            )
        area = TextArea(text, soft_wrap=True, show_line_numbers=False)
        yield self.field("text", t("log.text"), area)
        # 同意转交 as the resident answered it; the help line says it covers their visits on
        # the same issue (store.desk.visits.set_consent).
        check = TextCheckbox(t("log.consent"), consent, classes="correct-check")
        check.id = "correct-consent_forward"
        check.tooltip = t("correct.consent_tip")
        yield check
        # 不用回电, another question, the same way: ticked, the resident's notices of the issue
        # not yet told are dropped (store.desk.notices.apply_no_callback).
        declines = TextCheckbox(t("log.no_callback"), no_callback, classes="correct-check")
        declines.id = "correct-no_callback"
        declines.tooltip = t("correct.no_callback_tip")
        yield declines


class ResidentCorrectionModal(_CorrectionModal[ResidentCorrection]):
    """Correct a resident's name, phone and village: once, for all their visits."""

    MODEL = ResidentCorrection
    FORM_TITLE = t("correct.resident_title")
    FIELDS = ("phone", "name", "village_id")

    def __init__(
        self,
        *,
        about: Text | str,
        phone: str,
        name: str,
        village_id: str,
        village: str,
        villages: Sequence[Choice],
    ) -> None:
        super().__init__(about)
        self.start = (phone, name, village_id, village)
        self.villages = villages

    def compose_fields(self) -> ComposeResult:
        phone, name, village_id, village = self.start
        with Horizontal(classes="form-row"):
            yield self.field("phone", t("log.phone"), Input(phone, max_length=20))
            yield self.field("name", t("log.name"), Input(name, max_length=60))
        yield self.field(
            "village_id",
            t("log.village"),
            FindSelect(options(self.villages, village_id, village), value=village_id),
        )


class IssueCorrectionModal(_CorrectionModal[IssueCorrection]):
    """Correct an issue's title, category and lead deputy (领衔代表)."""

    MODEL = IssueCorrection
    FORM_TITLE = t("correct.issue_title")
    FIELDS = ("title", "category_id", "lead_deputy_id")

    def __init__(
        self,
        *,
        title: str,
        category_id: str,
        category: str,
        categories: Sequence[Choice],
        lead_deputy_id: str | None,
        lead_deputy: str,
        deputies: Sequence[Choice],
    ) -> None:
        super().__init__()
        self.start = (title, category_id, category, lead_deputy_id, lead_deputy)
        self.categories, self.deputies = categories, deputies

    def compose_fields(self) -> ComposeResult:
        title, category_id, category, lead_id, lead = self.start
        yield self.field("title", t("correct.title"), Input(title, max_length=60))
        with Horizontal(classes="form-row"):
            yield self.field(
                "category_id",
                t("log.category"),
                FindSelect(
                    options(self.categories, category_id, category),
                    value=category_id,
                    allow_blank=False,
                ),
            )
            leads = [(shown(t("correct.nobody")), NOBODY), *options(self.deputies, lead_id, lead)]
            yield self.field(
                "lead_deputy_id",
                t("correct.lead"),
                FindSelect(leads, value=lead_id or NOBODY, allow_blank=False),
            )

    def model_values(self) -> dict[str, Any]:
        values = self.values()
        if values["lead_deputy_id"] == NOBODY:
            values["lead_deputy_id"] = None
        return values
