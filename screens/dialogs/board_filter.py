"""The board's filter: colour, tier, unit, village, category, status."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from store.core.models import Colour, IssueStatus, Tier
from store.core.rules import PROGRESS_STATUSES
from store.desk.board import BoardFilter
from store.reference.lists import Choice
from tui.i18n import label, t


@dataclass(frozen=True)
class FilterChoices:
    units: list[Choice]
    villages: list[Choice]
    categories: list[Choice]


class FilterModal(ModalScreen[BoardFilter | None]):
    """Narrow the board by colour, tier, unit, village, category and status."""

    BINDINGS = [
        Binding(
            "ctrl+s", "apply", t("board.apply"), tooltip=t("tip.apply_filter"), id="apply-filter"
        ),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel-filter"),
    ]

    def __init__(self, current: BoardFilter, choices: FilterChoices) -> None:
        super().__init__()
        self.current = current
        self.choices = choices

    def compose(self) -> ComposeResult:
        c = self.current

        def select(id_: str, options: list[tuple[str, str]], value: str | None) -> Select[str]:
            return Select(
                options, id=id_, prompt=t("board.any"), value=value if value else Select.NULL
            )

        with Vertical(classes="dialog"):
            yield Label(t("board.filter_title"), classes="dialog-title")
            # First, so that "only the red ones" is one field away; each colour by its glyph and
            # its name, never by colour alone.
            yield Label(t("col.colour_filter"))
            yield select(
                "filter-colour",
                [(f"{x.glyph} {label(x)}", x.value) for x in reversed(Colour)],
                c.colour,
            )
            yield Label(t("col.tier"))
            yield select("filter-tier", [(label(x), x.value) for x in Tier], c.tier)
            yield Label(t("col.unit"))
            yield select("filter-unit", [(u.name, u.id) for u in self.choices.units], c.unit_id)
            yield Label(t("col.village"))
            yield select(
                "filter-village", [(v.name, v.id) for v in self.choices.villages], c.village_id
            )
            yield Label(t("col.category"))
            yield select(
                "filter-category",
                [(x.name, x.id) for x in self.choices.categories],
                c.category_id,
            )
            yield Label(t("col.status"))
            yield select(
                "filter-status", [(label(s), s.value) for s in PROGRESS_STATUSES], c.status
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("board.apply"), variant="primary", id="filter-apply")
                yield Button(t("board.clear"), id="filter-clear")

    def on_mount(self) -> None:
        self.query_one("#filter-colour", Select).focus()
        # At 80×24 the dialog scrolls (app.tcss): open it at its title, the first field in view.
        dialog = self.query_one(".dialog")
        self.call_after_refresh(lambda: dialog.scroll_home(animate=False))

    def _value(self, id_: str) -> str | None:
        value = self.query_one(f"#{id_}", Select).value
        return None if value is Select.NULL else str(value)

    @on(Button.Pressed, "#filter-apply")
    def action_apply(self) -> None:
        tier, status = self._value("filter-tier"), self._value("filter-status")
        colour = self._value("filter-colour")
        # `replace` keeps a drill-down's scope and period: the filter narrows within them.
        self.dismiss(
            replace(
                self.current,
                colour=Colour(colour) if colour else None,
                tier=Tier(tier) if tier else None,
                unit_id=self._value("filter-unit"),
                village_id=self._value("filter-village"),
                category_id=self._value("filter-category"),
                status=IssueStatus(status) if status else None,
            )
        )

    @on(Button.Pressed, "#filter-clear")
    def _clear(self) -> None:
        self.dismiss(
            replace(
                self.current,
                colour=None,
                tier=None,
                unit_id=None,
                village_id=None,
                category_id=None,
                status=None,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
