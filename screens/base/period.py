"""One period on screen: `m` month → quarter → year, `[` and `]` the period before and after
(never one that has not begun). The statistics, the deputies' record and the county's view
share these keys, so they behave the same on each."""

from __future__ import annotations

from textual.binding import Binding

from screens.base.desk_screen import DeskScreen
from store.reports.stats import Period
from tui.i18n import t


class PeriodMixin(DeskScreen):
    """The first base of a screen that shows one period. `period` is None until the screen
    knows today; `period_changed` reloads what the screen shows."""

    period: Period | None = None

    PERIOD_BINDINGS = [
        Binding(
            "m", "period_kind", t("key.period_kind"), tooltip=t("tip.period_kind"), id="period-kind"
        ),
        Binding(
            "left_square_bracket",
            "shift(-1)",
            t("key.prev_period"),
            tooltip=t("tip.prev_period"),
            show=False,
            id="prev-period",
        ),
        Binding(
            "right_square_bracket",
            "shift(1)",
            t("key.next_period"),
            tooltip=t("tip.next_period"),
            id="next-period",
        ),
    ]

    def period_changed(self) -> None:
        raise NotImplementedError

    def action_shift(self, steps: int) -> None:
        if self.period is None:
            return
        wanted = self.period.shift(steps)
        if wanted.start > self.today:
            self.notify(t("stats.future"))
            return
        self.period = wanted
        self.period_changed()

    def action_period_kind(self) -> None:
        if self.period is None:
            return
        self.period = self.period.next_kind(self.today)
        self.period_changed()
