"""The quarterly review (季度评议): the deputy on duty scores each micro-project and each unit of
the quarter 0–100, and the quarter's three-colour board ranks them by average score.

Type the score's digits and press Enter to save it for the row under the cursor (Enter with no
digits opens a small form); Backspace takes a digit back. `w` switches between the targets and
the board, `[` `]` change quarter, `f` finalises the review (after a confirmation): its board is
then the record and takes no more scores.

On a county hub the review is a station's (its deputies score its projects and units): `z` picks
the station, as on the board, and the screen only reads (no one is on duty there to score)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label
from textual.widgets.data_table import ColumnKey

from screens.base.paged import PagedTableScreen
from screens.base.station_scoped import StationScoped, station_binding
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.project_forms import ScoreModal, parse_score
from store.core.models import ReviewTarget
from store.core.paging import PAGE_SIZE, Page
from store.projects.review import (
    BoardRow,
    ReviewInfo,
    TargetRow,
    finalise_review,
    get_review,
    list_targets,
    review_board,
    score_target,
)
from store.reports.stats import Period, PeriodKind
from tui.i18n import label, t, tn
from tui.messages import Place
from tui.theme import badge
from tui.widgets.cells import fit

TARGETS, BOARD = "targets", "board"


@dataclass(frozen=True)
class Loaded:
    review: ReviewInfo | None
    page: Page[TargetRow] | Page[BoardRow]
    # Which view the page was read for: a page read before `w` switched views is stale.
    view: str


class ReviewScreen(StationScoped, Undoable, PagedTableScreen):
    CONTAINER_ID = "review"
    PLACE = Place.review
    HELP_TEXT = t("help.review")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "save_score", t("key.score"), tooltip=t("tip.score"), id="save-score"),
        Binding("w", "switch_view", t("key.review_view"), tooltip=t("tip.review_view"), id="view"),
        Binding("f", "finalise", t("key.finalise"), tooltip=t("tip.finalise"), id="finalise"),
        Binding(
            "left_square_bracket",
            "quarter(-1)",
            t("key.prev_quarter"),
            tooltip=t("tip.prev_quarter"),
            show=False,
            id="prev-q",
        ),
        Binding(
            "right_square_bracket",
            "quarter(1)",
            t("key.next_quarter"),
            tooltip=t("tip.next_quarter"),
            show=False,
            id="next-q",
        ),
        Binding(
            "backspace",
            "erase",
            t("key.erase_digit"),
            tooltip=t("tip.erase_digit"),
            show=False,
            id="erase-digit",
        ),
        *[Binding(str(d), f"digit({d})", show=False) for d in range(10)],
        UNDO_BINDING,
        # PgDn in help only: its footer room is ^z's (80 columns in English).
        *PagedTableScreen.QUIET_PAGING_BINDINGS,
        station_binding("review-station"),
    ]
    TABLE_ID = "review-table"
    STATION_BUTTON = "review-station-button"
    ROW_ACTION = "save_score"
    # Both views share the table's widths: 80 columns, the name taking what is left.
    COLUMNS = (
        (t("review.col_colour"), 2, "colour"),
        (t("review.col_kind"), 8, "kind"),
        (t("review.col_name"), 22, "name"),
        (t("review.col_mine"), 6, "mine"),
        (t("review.col_average"), 6, "average"),
        (t("review.col_scores"), 6, "scores"),
    )
    FLEX_COLUMN = "name"

    def __init__(self) -> None:
        super().__init__()
        # The current quarter, set at mount (the clock is the app's).
        self.quarter: Period | None = None
        self.view = TARGETS
        self.typed = ""
        self.review: ReviewInfo | None = None
        self.targets: dict[str, TargetRow] = {}

    def compose_above(self) -> ComposeResult:
        yield from self.compose_station_button()
        yield Label("", id="review-title", classes="screen-title")
        yield Label("", id="review-prompt", classes="hint")

    def on_mount(self) -> None:
        self.station_id = None
        self.title = t("review.title")
        self.quarter = Period.of(PeriodKind.quarter, self.today)
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        assert self.quarter is not None
        code, view, offset = self.quarter.code, self.view, self.page_offset
        deputy_id = self.desk.deputy_id
        # The station shown is the app's (the board or statistics may have changed it).
        self.station_id = station_id = self.desk.shown_station
        self.show_station()
        if self.desk.many_stations and station_id is None:
            # Every station's review at once would mix their scores and their units (which
            # share names): nothing to read until a station is picked.
            self._show(Loaded(None, Page((), 0, 0, PAGE_SIZE), view))
            return

        def load() -> Loaded:
            with self.desk.store.read() as session:
                review = get_review(session=session, quarter=code, station_id=station_id)
                page: Page[TargetRow] | Page[BoardRow]
                if view == TARGETS:
                    page = list_targets(
                        session=session,
                        quarter=code,
                        deputy_id=deputy_id,
                        station_id=station_id,
                        offset=offset,
                    )
                else:
                    page = review_board(
                        session=session, quarter=code, station_id=station_id, offset=offset
                    )
                return Loaded(review, page, view)

        self.run_store(load, self._show, group="review_loaders", exclusive=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        writes = ("save_score", "digit", "erase", "finalise")
        if action in writes and self.desk.station.hub:
            return False  # no one is on duty on a county hub: its review screen only reads
        finalised = self.review is not None and self.review.finalised
        if action in ("save_score", "digit", "erase"):
            return None if finalised or self.view == BOARD else True
        if action == "finalise":
            return None if finalised or self.review is None else True
        return super().check_action(action, parameters)

    def _show(self, loaded: Loaded) -> None:
        if loaded.view != self.view:
            return  # read for the other view: the load `w` started shows instead
        self.review = loaded.review
        self.refresh_bindings()
        page = loaded.page
        if self.view == TARGETS:
            targets = cast(Page[TargetRow], page).items
            self.targets = {row.id: row for row in targets}
            rows = [(row.id, self._target_cells(row)) for row in targets]
        else:
            rows = [(row.id, self._board_cells(row)) for row in cast(Page[BoardRow], page).items]
        self.show_rows(page, rows, self.current_id())
        self._heading(page)
        self._prompt()

    def _target_cells(self, row: TargetRow) -> list[Text]:
        if self.desk.station.hub:
            # No one scores on a hub: the fourth column is the colour's name, as on the board.
            fourth = Text(label(row.colour) if row.colour else "—")
        else:
            fourth = Text("—" if row.mine is None else str(row.mine), style="bold")
        return [
            badge(self.app, row.colour) if row.colour else Text("·", style="dim"),
            Text(label(row.kind)),
            fit(row.name, self.width_of("name")),
            fourth,
            Text("—" if row.average is None else f"{row.average:.1f}"),
            Text(str(row.scores)),
        ]

    def _board_cells(self, row: BoardRow) -> list[Text]:
        return [
            badge(self.app, row.colour),
            Text(label(row.kind)),
            fit(row.name, self.width_of("name")),
            Text(label(row.colour)),
            Text(f"{row.average:.1f}", style="bold"),
            Text(str(row.scores)),
        ]

    def _heading(self, page: Page[TargetRow] | Page[BoardRow]) -> None:
        review = self.review
        if review is None:
            state = t("review.not_started")
        elif review.finalised:
            state = t("review.finalised_state", date=review.held_on.isoformat())
        else:
            state = tn("review.open_state", review.scores, targets=review.targets_scored)
        view = t("review.view_board") if self.view == BOARD else t("review.view_targets")
        self.query_one("#review-title", Label).update(
            t(
                "review.heading",
                quarter=self.quarter.code if self.quarter else "",
                view=view,
                state=state,
                page=page.number,
                pages=page.count,
            )
        )
        # The fourth column is the deputy's own score in the targets, the colour on the board (and
        # on a hub, where no one scores).
        mine = self.view == TARGETS and not self.desk.station.hub
        heading = t("review.col_mine") if mine else t("review.col_colour_name")
        column = self.table.columns.get(ColumnKey("mine"))
        if column is not None and column.label.plain != heading:
            column.label = Text(heading)
            self.table.refresh()

    def _prompt(self) -> None:
        if self.desk.many_stations and self.station_id is None:
            text = t("review.prompt_pick_station")
        elif self.desk.station.hub:
            text = t("review.prompt_hub")
        elif self.review is not None and self.review.finalised:
            text = t("review.prompt_finalised")
        elif self.view == BOARD:
            text = t("review.prompt_board")
        elif self.typed:
            text = t("review.prompt_typed", score=self.typed)
        else:
            text = t("review.prompt")
        self.query_one("#review-prompt", Label).update(text)

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        if self.typed:
            self.typed = ""
            self._prompt()
            return
        self.app.pop_screen()

    def action_digit(self, digit: int) -> None:
        if len(self.typed) < 3:
            self.typed += str(digit)
        self._prompt()

    def action_erase(self) -> None:
        self.typed = self.typed[:-1]
        self._prompt()

    def action_quarter(self, step: int) -> None:
        if self.quarter is None:
            return
        self.quarter = self.quarter.shift(step)
        self.typed, self.page_offset, self.shown_page = "", 0, None
        self.reload()

    def action_switch_view(self) -> None:
        self.view = BOARD if self.view == TARGETS else TARGETS
        self.typed, self.page_offset = "", 0
        self.reload()

    def action_save_score(self) -> None:
        target = self.targets.get(self.current_id() or "")
        if target is None or self.view != TARGETS:
            return
        if not self.typed:
            self.app.push_screen(
                ScoreModal(target.name, target.mine), partial(self._scored, target)
            )
            return
        score, self.typed = parse_score(self.typed), ""
        if score is None:
            self._prompt()
            self.notify(t("review.bad_score", low=0, high=100), severity="error")
            return
        self._scored(target, score)

    def _scored(self, target: TargetRow, score: object) -> None:
        if not isinstance(score, int):
            return
        assert self.quarter is not None
        code, kind = self.quarter.code, ReviewTarget(target.kind)

        def done(_info: ReviewInfo) -> None:
            self.notify(t("review.saved", name=target.name, score=score))
            self.table.action_cursor_down()
            self.reload()

        self.write_undoable(
            partial(score_target, quarter=code, kind=kind, target_id=target.id, score=score),
            t("undo.score", name=target.name, score=score),
            done,
            group="review_writers",
        )

    def action_finalise(self) -> None:
        if self.review is None or self.review.finalised or self.quarter is None:
            return
        code = self.quarter.code

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def done(_info: ReviewInfo) -> None:
                self.notify(t("review.finalised", quarter=code))
                self.view = BOARD
                self.page_offset = 0
                self.reload()

            self.write_undoable(
                partial(finalise_review, quarter=code),
                t("undo.finalise", quarter=code),
                done,
                group="review_writers",
            )

        self.app.push_screen(ConfirmModal(t("review.confirm_finalise", quarter=code)), confirmed)
