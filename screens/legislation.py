"""Legislative consultation (基层立法联系点): the draft regulations and one draft's page.

The list (`r` on the dashboard, or the palette) shows every draft with its opinions and adoption
rate (采纳率); `a` loads a draft from a text file; Enter opens it. A draft's page shows its
figures, its articles (chapter headings between them) with their opinions' counts, and the
opinions on the article under the cursor: `a` types one, `f` takes one from a 立法建议 visit,
`m` (or `1` `2` `3`, `0` to take it back) records the legislature's answer to the opinion under
the cursor, `e` its note, `x` exports the 立法意见汇总 (HTML, Markdown and .xlsx in prints/),
`v` shows the givers' names and phones (a recorded reveal). Names are masked until then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.legislation_forms import (
    DraftLoadInput,
    DraftLoadModal,
    OpinionInput,
    OpinionModal,
)
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.text_input import TextInputModal
from store.core.clock import to_local
from store.core.models import Adoption
from store.core.paging import Page
from store.core.validation import mask_name
from store.legislation.drafts import (
    ArticleRow,
    Counts,
    DraftDetail,
    DraftRow,
    get_draft,
    list_drafts,
    load_draft,
)
from store.legislation.opinions import (
    LegislativeVisit,
    OpinionRow,
    add_opinion,
    answer_opinion,
    legislative_visits,
    list_opinions,
)
from tui.i18n import label, t, tn
from tui.messages import Place
from tui.widgets.cells import fit, plain
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable

# The row of the articles' table that stands for the draft as a whole (总体意见).
GENERAL = "general"
# An answer reads by its word and a glyph, never by colour alone (spec §3).
GLYPHS = {Adoption.adopted: "●", Adoption.partly: "◐", Adoption.not_adopted: "○"}
# The quick keys of the answers (`m` asks the same with a list).
ANSWER_KEYS = {"1": Adoption.adopted, "2": Adoption.partly, "3": Adoption.not_adopted}


def answer_text(adoption: Adoption | None) -> str:
    """`● 采纳`, or `… 待反馈` while the legislature has not answered."""
    if adoption is None:
        return "… " + t("legislation.awaiting")
    return f"{GLYPHS[adoption]} {label(adoption)}"


def rate_text(counts: Counts) -> str:
    return str(counts.adoption_rate) if counts.answered else "—"


class DraftsScreen(Undoable, PagedTableScreen):
    """Every draft regulation the station gathers opinions on, the latest loaded first."""

    CONTAINER_ID = "drafts"
    PLACE = Place.legislation
    HELP_TEXT = t("help.legislation")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-draft"),
        Binding(
            "a",
            "load",
            t("key.draft_load"),
            tooltip=t("tip.draft_load"),
            id="load-draft",
        ),
        UNDO_BINDING,
        *PagedTableScreen.PAGING_BINDINGS,
    ]
    TABLE_ID = "drafts-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("legislation.col_title"), 24, "title"),
        (t("legislation.col_loaded"), 10, "loaded"),
        (t("legislation.col_articles"), 4, "articles"),
        (t("legislation.col_opinions"), 4, "opinions"),
        (t("legislation.col_answered"), 6, "answered"),
        (t("legislation.col_rate"), 12, "rate"),
    )
    FLEX_COLUMN = "title"

    def compose_above(self) -> ComposeResult:
        yield Label("", id="drafts-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("legislation.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        offset = self.page_offset

        def load() -> Page[DraftRow]:
            with self.desk.store.read() as session:
                return list_drafts(session=session, offset=offset)

        self.run_store(load, self._show, group="draft_loaders", exclusive=True)

    def _show(self, page: Page[DraftRow]) -> None:
        rows = [
            (
                row.id,
                [
                    fit(row.title, self.width_of("title")),
                    Text(row.loaded_on.isoformat()),
                    Text(str(row.articles), justify="right"),
                    Text(str(row.counts.opinions), justify="right"),
                    Text(str(row.counts.answered), justify="right"),
                    Text(rate_text(row.counts)),
                ],
            )
            for row in page.items
        ]
        self.show_rows(page, rows, self.current_id())
        heading: str = tn("legislation.heading", page.total, page=page.number, pages=page.count)
        if not page.total:
            heading += t("text.gap") + t("legislation.empty")
        self.query_one("#drafts-title", Label).update(heading)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        draft_id = self.current_id()
        if draft_id is not None:
            self.app.push_screen(DraftScreen(draft_id))

    def action_load(self) -> None:
        self.app.push_screen(DraftLoadModal(), self._loaded)

    def _loaded(self, value: object) -> None:
        if not isinstance(value, DraftLoadInput):
            return

        def done(draft: DraftDetail) -> None:
            # The title is the file's: text, never markup.
            self.notify(
                tn(
                    "legislation.loaded",
                    draft.row.articles,
                    title=draft.row.title,
                    headings=len(draft.parts) - draft.row.articles,
                ),
                markup=False,
            )
            self.reload()
            self.app.push_screen(DraftScreen(draft.row.id))

        self.write_undoable(
            partial(
                load_draft,
                text=value.text,
                title=value.title,
                source=value.source,
                due_on=value.due,
            ),
            t("undo.draft_load"),
            done,
            group="draft_writers",
        )


@dataclass
class _Shown:
    """What the draft's page shows now, and where its cursors are."""

    detail: DraftDetail | None = None
    opinions: tuple[OpinionRow, ...] = ()
    article: str | None = None


class DraftScreen(Undoable):
    """One draft: its figures, its articles with their opinions' counts, the opinions on the
    article under the cursor."""

    HELP_TEXT = t("help.draft")
    DEFAULT_CSS = """
    DraftScreen #draft { padding: 0 1; }
    DraftScreen #draft-summary { height: auto; max-height: 3; }
    DraftScreen #draft-articles { height: 7; }
    DraftScreen #draft-article-text { height: 2; color: $text-muted; }
    DraftScreen #draft-opinions { height: 1fr; min-height: 4; }
    DraftScreen #draft-opinion { height: 3; }
    """
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("a", "add", t("key.opinion_add"), tooltip=t("tip.opinion_add"), id="add-opinion"),
        Binding(
            "f",
            "from_visit",
            t("key.opinion_from_visit"),
            tooltip=t("tip.opinion_from_visit"),
            id="opinion-from-visit",
        ),
        Binding(
            "m", "mark", t("key.opinion_mark"), tooltip=t("tip.opinion_mark"), id="mark-opinion"
        ),
        Binding(
            "x", "export", t("key.draft_export"), tooltip=t("tip.draft_export"), id="export-summary"
        ),
        Binding(
            "1",
            "answer('adopted')",
            t("key.adopted"),
            tooltip=t("tip.adopted"),
            show=False,
            id="adopted",
        ),
        Binding(
            "2",
            "answer('partly')",
            t("key.partly"),
            tooltip=t("tip.partly"),
            show=False,
            id="partly",
        ),
        Binding(
            "3",
            "answer('not_adopted')",
            t("key.not_adopted"),
            tooltip=t("tip.not_adopted"),
            show=False,
            id="not-adopted",
        ),
        Binding(
            "0",
            "answer('')",
            t("key.awaiting"),
            tooltip=t("tip.awaiting"),
            show=False,
            id="awaiting",
        ),
        Binding(
            "e",
            "note",
            t("key.answer_note"),
            tooltip=t("tip.answer_note"),
            show=False,
            id="answer-note",
        ),
        Binding(
            "v",
            "reveal",
            t("key.reveal_names"),
            tooltip=t("tip.reveal_names"),
            show=False,
            id="reveal-names",
        ),
        UNDO_BINDING,
    ]

    def __init__(self, draft_id: str) -> None:
        super().__init__()
        self.draft_id = draft_id
        self.shown = _Shown()
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="draft"):
            yield Static("", id="draft-summary")
            yield PageTable(id="draft-articles", cursor_type="row")
            yield Static("", id="draft-article-text")
            yield PageTable(id="draft-opinions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="draft-opinion")
        yield DeskFooter()

    @property
    def articles(self) -> DataTable[Text]:
        return self.query_one("#draft-articles", DataTable)

    @property
    def opinions(self) -> DataTable[Text]:
        return self.query_one("#draft-opinions", DataTable)

    def on_mount(self) -> None:
        self.title = t("legislation.draft_title")
        self.articles.add_column(t("legislation.col_article"), width=12, key="label")
        self.articles.add_column(t("legislation.col_text"), width=26, key="text")
        for key, heading in (
            ("opinions", t("legislation.col_opinions")),
            ("adopted", t("legislation.col_adopted")),
            ("partly", t("legislation.col_partly")),
            ("not_adopted", t("legislation.col_not_adopted")),
            ("awaiting", t("legislation.col_awaiting")),
        ):
            self.articles.add_column(heading, width=4, key=key)
        self.opinions.add_column(t("legislation.col_day"), width=10, key="day")
        self.opinions.add_column(t("legislation.col_who"), width=6, key="who")
        self.opinions.add_column(t("legislation.col_place"), width=10, key="place")
        self.opinions.add_column(t("legislation.col_words"), width=24, key="words")
        self.opinions.add_column(t("legislation.col_answer"), width=10, key="answer")
        self.articles.loading = True
        self.reload()

    # -- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        article = self.shown.article or GENERAL

        def load() -> tuple[DraftDetail, tuple[OpinionRow, ...]]:
            with self.desk.store.read() as session:
                detail = get_draft(session=session, draft_id=self.draft_id)
            return detail, self._read_opinions(article)

        self.run_store(load, self._show, group="draft_loaders", exclusive=True)

    def _read_opinions(self, article: str) -> tuple[OpinionRow, ...]:
        """The opinions on `article` (or on the whole draft): an article gathers tens at most,
        so the first page of them is all of them."""
        with self.desk.store.read() as session:
            page = list_opinions(
                session=session,
                draft_id=self.draft_id,
                article_id=None if article == GENERAL else article,
                whole_draft=article == GENERAL,
                limit=200,
            )
        return page.items

    def _show(self, loaded: tuple[DraftDetail, tuple[OpinionRow, ...]]) -> None:
        detail, opinions = loaded
        self.shown.detail = detail
        self.query_one("#draft-summary", Static).update(self._summary(detail))
        table = self.articles
        table.loading = False
        keep = self.shown.article or GENERAL
        table.clear()
        table.add_row(*self._article_cells(None, detail.general), key=GENERAL)
        for part in detail.parts:
            table.add_row(*self._article_cells(part, part.counts), key=part.id)
        keys = [GENERAL, *(p.id for p in detail.parts)]
        table.move_cursor(row=keys.index(keep) if keep in keys else 0)
        self.shown.article = keys[table.cursor_row] if keys else None
        self._show_opinions(opinions)
        if self.focused is None:
            table.focus()

    def _summary(self, d: DraftDetail) -> Text:
        row, counts = d.row, d.row.counts
        out = plain(row.title, "bold")
        out.append("\n")
        out.append(
            t(
                "legislation.summary",
                source=row.source or "—",
                due=row.due_on.isoformat() if row.due_on else "—",
                articles=row.articles,
                opinions=counts.opinions,
                answered=counts.answered,
                rate=rate_text(counts),
                awaiting=counts.awaiting,
            )
        )
        return out

    def _article_cells(self, part: ArticleRow | None, counts: Counts) -> list[Text]:
        if part is not None and part.is_heading:
            # A chapter heading: no opinions, its label and title bold.
            return [Text(part.label, style="bold"), fit(part.text, 26, "bold"), *[Text("")] * 5]
        label_text = part.label if part is not None else t("legislation.general")
        first_line = part.text if part is not None else t("legislation.general_hint")

        def n(value: int) -> Text:
            return Text(str(value) if value else "·", justify="right")

        return [
            Text(label_text),
            fit(first_line, 26, "dim"),
            n(counts.opinions),
            n(counts.adopted),
            n(counts.partly),
            n(counts.not_adopted),
            n(counts.awaiting),
        ]

    def _show_opinions(self, opinions: tuple[OpinionRow, ...]) -> None:
        self.shown.opinions = opinions
        table = self.opinions
        keep = self._opinion_id()
        table.clear()
        for o in opinions:
            table.add_row(
                Text(o.given_on.isoformat()),
                Text(self._who(o)),
                fit(o.place or "—", 10),
                fit(o.text, 24, reveal=self.revealed),
                fit(answer_text(o.adoption), 10),
                key=o.id,
            )
        ids = [o.id for o in opinions]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self._show_article_text()
        self._show_opinion()

    def _who(self, o: OpinionRow) -> str:
        if not o.who:
            return "—"
        return o.who if self.revealed else mask_name(o.who)

    def _current_article(self) -> ArticleRow | None:
        detail = self.shown.detail
        if detail is None:
            return None
        return next((p for p in detail.parts if p.id == self.shown.article), None)

    def _show_article_text(self) -> None:
        part = self._current_article()
        if self.shown.article == GENERAL:
            text = Text(t("legislation.general_hint"))
        elif part is None or part.is_heading:
            text = Text(t("legislation.heading_hint"))
        else:
            text = plain(part.text)
        self.query_one("#draft-article-text", Static).update(text)

    def _opinion_id(self) -> str | None:
        table = self.opinions
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def _current_opinion(self) -> OpinionRow | None:
        wanted = self._opinion_id()
        return next((o for o in self.shown.opinions if o.id == wanted), None)

    def _show_opinion(self) -> None:
        o = self._current_opinion()
        box = self.query_one("#draft-opinion", Static)
        if o is None:
            box.update(Text(t("legislation.no_opinions"), style="italic"))
            return
        out = plain(o.text, reveal=self.revealed)
        out.append("\n")
        how = label(o.channel) if o.channel else t("legislation.typed")
        out.append(t("legislation.opinion_meta", who=self._who(o), how=how), style="dim")
        if o.deputy:
            out.append(f" · {o.deputy}", style="dim")
        out.append(" · " + answer_text(o.adoption))
        if o.answered_on is not None:
            out.append(f" {o.answered_on.isoformat()}")
        if o.answer:
            out.append(" · ")
            out.append_text(plain(o.answer, reveal=self.revealed))
        box.update(out)

    @on(DataTable.RowHighlighted, "#draft-articles")
    def _article_moved(self, event: DataTable.RowHighlighted) -> None:
        # A table refilled posts a highlight for each cursor move: only the last one counts.
        if event.cursor_row != event.data_table.cursor_row:
            return
        article = str(event.row_key.value) if event.row_key.value is not None else None
        if article is None or article == self.shown.article:
            return
        self.shown.article = article
        self._show_article_text()
        self.run_store(
            partial(self._read_opinions, article),
            self._show_opinions,
            group="opinion_loaders",
            exclusive=True,
        )

    @on(DataTable.RowHighlighted, "#draft-opinions")
    def _opinion_moved(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row == event.data_table.cursor_row:
            self._show_opinion()

    # -- writing ------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def _write(self, job: Callable[..., object], message: str, what: str) -> None:
        def written(_result: object) -> None:
            self.notify(message)
            self.reload()

        self.write_undoable(job, what, written, group="opinion_writers")

    def _target(self) -> tuple[str | None, str, str] | None:
        """The article under the cursor, for a new opinion: its id (None for the whole draft),
        label and text; None (and a warning) on a chapter heading."""
        if self.shown.detail is None:
            return None
        if self.shown.article == GENERAL:
            return None, t("legislation.whole_draft"), ""
        part = self._current_article()
        if part is None or part.is_heading:
            self.notify(t("legislation.pick_article"), severity="warning")
            return None
        return part.id, part.label, f"{part.label}　{part.text}"[:120]

    def action_add(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, article, excerpt = target

        def entered(value: object) -> None:
            if isinstance(value, OpinionInput):
                self._write(
                    partial(
                        add_opinion,
                        draft_id=self.draft_id,
                        article_id=article_id,
                        text=value.text,
                        who=value.who,
                        place=value.place,
                        day=value.day,
                    ),
                    t("legislation.opinion_added", article=article),
                    t("undo.opinion_add", article=article),
                )

        self.app.push_screen(OpinionModal(article, excerpt, today=self.today), entered)

    def action_from_visit(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, article, _excerpt = target

        def load() -> list[LegislativeVisit]:
            with self.desk.store.read() as session:
                return legislative_visits(session=session, draft_id=self.draft_id)

        def show(visits: list[LegislativeVisit]) -> None:
            tz = self.desk.store.clock.tz
            items = []
            for v in visits:
                line = Text(to_local(v.received_at, tz).strftime("%m-%d "))
                line.append(f"{v.village} {mask_name(v.resident) if v.resident else '—'} ")
                line.append_text(fit(v.summary, 30))
                if v.used:
                    line.append(" " + t("legislation.visit_used", count=v.used), style="dim")
                items.append(PickItem(v.id, line))
            self.app.push_screen(
                PickModal(
                    t("legislation.pick_visit", article=article),
                    items,
                    empty=t("legislation.no_visits"),
                ),
                chosen,
            )

        def chosen(visit_id: str | None) -> None:
            if visit_id:
                self._write(
                    partial(
                        add_opinion,
                        draft_id=self.draft_id,
                        article_id=article_id,
                        visit_id=visit_id,
                    ),
                    t("legislation.opinion_added", article=article),
                    t("undo.opinion_add", article=article),
                )

        self.run_store(load, show, group="opinion_loaders")

    def _answer(self, adoption: Adoption | None, note: str | None = None) -> None:
        o = self._current_opinion()
        if o is None:
            self.notify(t("legislation.pick_opinion"), severity="warning")
            return
        kept = o.answer if note is None else note
        self._write(
            partial(answer_opinion, opinion_id=o.id, adoption=adoption, note=kept),
            t("legislation.answered", answer=answer_text(adoption)),
            t("undo.opinion_answer"),
        )

    def action_answer(self, value: str) -> None:
        self._answer(Adoption(value) if value else None)

    def action_mark(self) -> None:
        if self._current_opinion() is None:
            self.notify(t("legislation.pick_opinion"), severity="warning")
            return
        items = [PickItem(a.value, answer_text(a)) for a in Adoption]
        items.append(PickItem("awaiting", answer_text(None)))

        def chosen(value: str | None) -> None:
            if value:
                self._answer(None if value == "awaiting" else Adoption(value))

        self.app.push_screen(PickModal(t("legislation.mark_title"), items), chosen)

    def action_note(self) -> None:
        o = self._current_opinion()
        if o is None or o.adoption is None:
            self.notify(t("legislation.note_needs_answer"), severity="warning")
            return
        adoption = o.adoption

        def entered(note: str | None) -> None:
            if note is not None:
                self._answer(adoption, note)

        modal = TextInputModal(t("legislation.note_title"), o.answer, max_length=200)
        self.app.push_screen(modal, entered)

    def action_export(self) -> None:
        from screens.base.slips import print_folders
        from store.legislation.summary import export_summary

        desk, today = self.desk, self.today

        def write() -> tuple[Path, ...]:
            templates, prints = print_folders(desk.store)
            with desk.store.read() as session:
                return export_summary(
                    session=session,
                    draft_id=self.draft_id,
                    today=today,
                    templates=templates,
                    out_dir=prints,
                )

        def written(paths: tuple[Path, ...]) -> None:
            paths_text = "\n".join(map(str, paths))
            # Paths are the file system's: text, never markup.
            self.notify(t("legislation.exported_to", paths=paths_text), timeout=15, markup=False)

        self.run_store(write, written, group="summary_writers")

    def action_reveal(self) -> None:
        if self.revealed:
            self.revealed = False
            self._show_opinions(self.shown.opinions)
            return
        from store.trust.reveals import log_reveal

        opinions = self.shown.opinions
        desk = self.desk

        def write() -> int:
            with desk.store.write(desk.actor) as session:
                residents = [o.resident_id for o in opinions if o.resident_id]
                typed = [o.id for o in opinions if o.who and not o.resident_id]
                return log_reveal(
                    session=session, table_name="constituent", row_ids=residents
                ) + log_reveal(session=session, table_name="legislative_opinion", row_ids=typed)

        def shown(_count: int) -> None:
            self.revealed = True
            self._show_opinions(opinions)

        self.run_store(write, shown, group="reveal_writers")
