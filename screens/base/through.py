"""The log form's observer and point (民情观察员, 民情观察点): two dropdowns that find as you type,
shown while the channel is 民情观察员 (store.observers). Choosing an observer fills in their usual
point when none is chosen yet."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Select

from store.observers.observers import ObserverRow
from store.observers.points import PointRow
from tui.i18n import label, shown, t
from tui.widgets.find_select import FindSelect

# The form's fields these two are (store.core.models.VisitCreate), their labels by id.
THROUGH_LABELS = {
    "observer_id": t("log.observer"),
    "point_id": t("log.point"),
}


def through_text(channel: str, observer: str | None, point: str | None) -> str:
    """`民情观察员 赵大海 @ 青石村文化礼堂`: a visit's channel with who relayed it and where."""
    if observer:
        channel += f" {observer}"
    if point:
        channel += f" @ {point}"
    return channel


def _field(name: str, widget: Widget) -> Vertical:
    # As the log form lays out its own fields: its errors are shown under the one at fault.
    return Vertical(
        Label(shown(THROUGH_LABELS[name]), classes="field-label"),
        widget,
        Label("", id=f"{name}-error", classes="field-error"),
        classes="field",
    )


class ThroughPickers(Horizontal):
    """Who relayed the visit and where; hidden (and naming nobody) for other channels."""

    DEFAULT_CSS = """
    ThroughPickers { height: auto; display: none; }
    ThroughPickers.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="through", classes="form-row")
        self.usual_points: dict[str, str | None] = {}
        self.point_ids: set[str] = set()

    def compose(self) -> ComposeResult:
        yield _field(
            "observer_id", FindSelect([], id="observer_id", prompt=t("log.observer_choose"))
        )
        yield _field("point_id", FindSelect([], id="point_id", prompt=t("log.point_choose")))

    def set_choices(self, observers: list[ObserverRow], points: list[PointRow]) -> None:
        """The serving observers (`王建国（五老）`) and the active points."""
        self.usual_points = {o.id: o.point_id for o in observers}
        self.query_one("#observer_id", Select).set_options(
            (f"{o.name}（{label(o.group)}）", o.id) for o in observers
        )
        self.point_ids = {p.id for p in points}
        self.query_one("#point_id", Select).set_options((p.name, p.id) for p in points)

    def show(self, shown: bool) -> None:
        self.set_class(shown, "-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def values(self) -> tuple[str | None, str | None]:
        """The observer's and the point's ids; (None, None) while hidden."""
        if not self.shown:
            return None, None
        return self._value("#observer_id"), self._value("#point_id")

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else str(value)

    @on(Select.Changed, "#observer_id")
    def _observer_chosen(self, event: Select.Changed) -> None:
        usual = self.usual_points.get(str(event.value)) if event.value is not Select.NULL else None
        point = self.query_one("#point_id", Select)
        # A usual point retired since is not offered: left for the deputy to choose.
        if usual in self.point_ids and point.is_blank():
            point.value = usual
