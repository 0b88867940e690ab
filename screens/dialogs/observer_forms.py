"""The forms of an observer (民情观察员) and an observation point (民情观察点): each returns the
store's form (`ObserverForm`, `PointForm`) through `dismiss`, None when cancelled.

An observer's phone is never put in the form in clear: editing, the field starts empty with the
masked phone as its placeholder, and left empty keeps it (store.observers.observers). 同意公开姓名
starts unticked for a new observer: consent is the observer's explicit act (PIPL)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select

from screens.dialogs.small_form import SmallForm, parse_day
from store.core.models import ObserverGroup, PointKind
from store.core.validation import NAME_MAX, is_valid_phone, normalise_phone
from store.observers.observers import ObserverForm, ObserverRow
from store.observers.points import PLACE_MAX, PointForm, PointRow
from store.reference.lists import Choice
from tui.i18n import label, shown, t
from tui.widgets.find_select import FindSelect
from tui.widgets.toggles import TextCheckbox


def _field(caption: str, widget: Widget) -> Vertical:
    return Vertical(Label(shown(caption), classes="field-label"), widget, classes="field")


def _chosen(select: Select[str]) -> str | None:
    value = select.value
    return None if value is Select.NULL else str(value)


def _buttons() -> ComposeResult:
    """SmallForm's error line and buttons, compact: the form fits 80×24 without scrolling."""
    yield Label("", classes="field-error")
    with Horizontal(classes="dialog-buttons"):
        yield Button(t("key.save"), variant="primary", id="form-save", compact=True)
        yield Button(t("key.cancel"), id="form-cancel", compact=True)


class ObserverModal(SmallForm):
    """An observer's name, phone, group, recommending deputy, usual point, appointment day and
    consent to be named; a new one when `row` is None."""

    CSS = """
    ObserverModal #observer-consent { border: none; height: 1; padding: 0; }
    """

    def __init__(
        self,
        *,
        deputies: list[Choice],
        points: list[PointRow],
        row: ObserverRow | None = None,
        today: date,
    ) -> None:
        super().__init__()
        self.deputies, self.points, self.row, self.today = deputies, points, row, today

    def compose(self) -> ComposeResult:
        row = self.row
        heading = t("observers.edit_title") if row else t("observers.add_title")
        phone_hint = (
            t("observers.phone_keep", phone=row.phone_masked)
            if row and row.has_phone
            else t("observers.phone_optional")
        )
        points = [(p.name, p.id) for p in self.points]
        if row and row.point_id and row.point_id not in {p.id for p in self.points}:
            points.append((row.point, row.point_id))  # retired since: kept for them
        with VerticalScroll(classes="dialog -wide"):
            yield Label(heading, classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield _field(
                    t("observers.field_name"),
                    Input(row.name if row else "", max_length=NAME_MAX, id="observer-name"),
                )
                yield _field(
                    t("observers.field_phone"),
                    Input(placeholder=phone_hint, max_length=20, id="observer-phone"),
                )
            with Horizontal(classes="form-row"):
                yield _field(
                    t("observers.field_group"),
                    FindSelect(
                        [(label(g), g.value) for g in ObserverGroup],
                        value=(row.group if row else ObserverGroup.other).value,
                        allow_blank=False,
                        id="observer-group",
                    ),
                )
                deputies = [(d.name, d.id) for d in self.deputies]
                if row and row.deputy_id and row.deputy_id not in {d.id for d in self.deputies}:
                    deputies.append((row.deputy, row.deputy_id))  # one no longer serving
                yield _field(
                    t("observers.field_deputy"),
                    FindSelect(
                        deputies,
                        value=row.deputy_id if row and row.deputy_id else Select.NULL,
                        prompt=t("observers.none"),
                        id="observer-deputy",
                    ),
                )
            with Horizontal(classes="form-row"):
                yield _field(
                    t("observers.field_point"),
                    FindSelect(
                        points,
                        value=row.point_id if row and row.point_id else Select.NULL,
                        prompt=t("observers.none"),
                        id="observer-point",
                    ),
                )
                appointed = row.appointed_on if row else self.today
                yield _field(
                    t("observers.field_appointed"),
                    Input(appointed.isoformat(), max_length=10, id="observer-appointed"),
                )
            consent = TextCheckbox(
                t("observers.field_consent"),
                bool(row and row.consent_named),
                id="observer-consent",
            )
            consent.tooltip = t("observers.consent_tip")
            yield consent
            yield from _buttons()

    def on_mount(self) -> None:
        self.query_one("#observer-name", Input).focus()

    def action_save(self) -> None:
        name = self.query_one("#observer-name", Input).value
        phone = self.query_one("#observer-phone", Input).value
        appointed = parse_day(self.query_one("#observer-appointed", Input).value)
        if not name.strip():
            self.show_error(t("observers.name_required"))
            return
        if phone.strip() and not is_valid_phone(normalise_phone(phone)):
            self.show_error(t("field.phone"))
            return
        if appointed is None or appointed > self.today:
            self.show_error(t("observers.bad_day"))
            return
        group = _chosen(self.query_one("#observer-group", FindSelect))
        # Editing, an empty phone keeps the one on record; a new observer may have none.
        kept = None if self.row is not None else ""
        self.dismiss(
            ObserverForm(
                name,
                phone=phone if phone.strip() else kept,
                group=ObserverGroup(group or ObserverGroup.other),
                deputy_id=_chosen(self.query_one("#observer-deputy", FindSelect)),
                point_id=_chosen(self.query_one("#observer-point", FindSelect)),
                consent_named=self.query_one("#observer-consent", TextCheckbox).value,
                appointed_on=appointed,
            )
        )


class PointModal(SmallForm):
    """A point's name, where it is, its village (none: a trade point on a road) and its kind; a
    new one when `row` is None."""

    def __init__(self, *, villages: list[Choice], row: PointRow | None = None) -> None:
        super().__init__()
        self.villages, self.row = villages, row

    def compose(self) -> ComposeResult:
        row = self.row
        heading = t("points.edit_title") if row else t("points.add_title")
        with VerticalScroll(classes="dialog -wide"):
            yield Label(heading, classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield _field(
                    t("points.field_name"),
                    Input(row.name if row else "", max_length=NAME_MAX, id="point-name"),
                )
                yield _field(
                    t("points.field_kind"),
                    FindSelect(
                        [(label(k), k.value) for k in PointKind],
                        value=(row.kind if row else PointKind.ordinary).value,
                        allow_blank=False,
                        id="point-kind",
                    ),
                )
            with Horizontal(classes="form-row"):
                yield _field(
                    t("points.field_place"),
                    Input(row.place if row else "", max_length=PLACE_MAX, id="point-place"),
                )
                villages = [(v.name, v.id) for v in self.villages]
                if row and row.village_id and row.village_id not in {v.id for v in self.villages}:
                    villages.append((row.village, row.village_id))  # one merged since
                yield _field(
                    t("points.field_village"),
                    FindSelect(
                        villages,
                        value=row.village_id if row and row.village_id else Select.NULL,
                        prompt=t("observers.none"),
                        id="point-village",
                    ),
                )
            yield from _buttons()

    def on_mount(self) -> None:
        self.query_one("#point-name", Input).focus()

    def action_save(self) -> None:
        name = self.query_one("#point-name", Input).value
        if not name.strip():
            self.show_error(t("observers.name_required"))
            return
        kind = _chosen(self.query_one("#point-kind", FindSelect))
        self.dismiss(
            PointForm(
                name,
                place=self.query_one("#point-place", Input).value,
                village_id=_chosen(self.query_one("#point-village", FindSelect)),
                kind=PointKind(kind or PointKind.ordinary),
            )
        )
