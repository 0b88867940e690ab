"""Hot words (`h`, 民意热词): the words of the last 7, 30 or 90 days against the days before,
rising words first, for the whole station, a village or a category; the words that rose with a
word, in the same visits, on its line; Enter lists a word's visits; `a` turns a word's visits of
the window and scope into a deputies' suggestion's sources (转为代表建议: a class of problems).

Reads words stored when each visit was written (store.hot_words.words): no segmentation here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label

from screens.base.actions_menu import MORE_BINDING, ActionsMenu, MenuTarget
from screens.base.desk_screen import DeskScreen, nav_bindings
from screens.base.opinion_visits import open_visit_off_issue
from screens.base.paged import PagedTableScreen
from screens.base.suggest import DraftFrom, draft_flow
from screens.dialogs.pick import PickItem, PickModal
from store.core.clock import to_local
from store.core.paging import Page
from store.desk.visits import VisitRow
from store.hot_words.words import RisingWord, rising_words, word_visits
from store.reference.lists import Choice, list_categories, list_villages
from store.suggestions.sources import ClassPick, pick_class
from tui.i18n import t, tn
from tui.messages import OpenIssue
from tui.widgets.cells import fit, when

WINDOWS = (7, 30, 90)
# One screenful and a little more: the words past the fiftieth say nothing a deputy acts on.
WORDS_SHOWN = 50


@dataclass(frozen=True)
class Scope:
    """What the words are counted over: the whole station, one village or one category."""

    village_id: str | None = None
    category_id: str | None = None
    name: str = ""

    def label(self) -> str:
        return self.name or t("hot.scope_all")


@dataclass(frozen=True)
class ScopeChoices:
    villages: list[Choice]
    categories: list[Choice]


SUGGEST_BINDING = Binding(
    "a", "suggest", t("key.to_suggestion"), tooltip=t("tip.word_to_suggestion"), id="word-suggest"
)


def suggest_word(screen: DeskScreen, word: str, days: int, scope: Scope) -> None:
    """转为代表建议: the visits that used `word` in the window and scope, as a class of problems
    (store.suggestions.sources.pick_class), the sources of a new suggestion."""
    today = screen.today

    def load() -> ClassPick:
        with screen.desk.store.read() as session:
            return pick_class(
                session=session,
                today=today,
                word=word,
                category_id=scope.category_id,
                village_id=scope.village_id,
                days=days,
            )

    def draft(picked: ClassPick) -> None:
        if not picked.count:
            screen.notify(t("suggestions.class_empty"), severity="warning")
            return
        sources = tn("suggestions.class_found", picked.count, basis=picked.basis)
        draft_flow(
            screen,
            DraftFrom(visit_ids=picked.visit_ids, basis=picked.basis, sources=sources),
        )

    screen.run_store(load, draft, group="suggestion_form_loaders")


def change_text(word: RisingWord) -> Text:
    """`↑ +7` for a rising word, `+1`, `0` or `-3` for the others."""
    sign = f"{word.change:+d}" if word.change else "0"
    if word.rising:
        return Text(f"↑ {sign}", style="bold")
    return Text(sign, style="dim" if word.change <= 0 else "")


class HotWordsScreen(PagedTableScreen):
    """The words of a window, rising words first; Enter opens a word's visits."""

    CONTAINER_ID = "hot-words"
    HELP_TEXT = t("help.hot_words")
    BINDINGS = [
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-word"),
        Binding("w", "window", t("key.window"), tooltip=t("tip.window"), id="hot-window"),
        Binding("f", "scope", t("key.scope"), tooltip=t("tip.scope"), id="hot-scope"),
        # Out of this footer (80 columns in English): in help, the palette, and the footer of
        # the word's visits.
        replace(SUGGEST_BINDING, show=False),
        Binding("7", "days(7)", show=False, id="hot-7"),
        Binding("3", "days(30)", show=False, id="hot-30"),
        Binding("9", "days(90)", show=False, id="hot-90"),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
        *nav_bindings("log-visit", "board"),
    ]
    TABLE_ID = "hot-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("hot.col.rank"), 3, "rank"),
        (t("hot.col.word"), 14, "word"),
        (t("hot.col.count"), 6, "count"),
        (t("hot.col.previous"), 6, "previous"),
        (t("hot.col.change"), 7, "change"),
        (t("hot.col.with"), 16, "with"),
    )
    FLEX_COLUMN = "with"

    def __init__(self) -> None:
        super().__init__()
        self.days = 30
        self.scope = Scope()
        self.words: list[RisingWord] = []
        self.choices: ScopeChoices | None = None

    def compose_above(self) -> ComposeResult:
        yield Label("", id="hot-heading", classes="screen-title")
        yield Label("", id="hot-status", classes="hint")

    def on_mount(self) -> None:
        self.title = t("hot.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = not self.words
        self._heading()
        self.run_store(
            partial(self._load, self.days, self.scope),
            self._show,
            group="word_loaders",
            exclusive=True,
        )

    def _load(self, days: int, scope: Scope) -> list[RisingWord]:
        end = self.today + timedelta(days=1)  # the window includes today
        with self.desk.store.read() as session:
            return rising_words(
                session=session,
                end=end,
                days=days,
                village_id=scope.village_id,
                category_id=scope.category_id,
                limit=WORDS_SHOWN,
            )

    def _heading(self) -> None:
        self.query_one("#hot-heading", Label).update(
            Text(t("hot.heading", scope=self.scope.label(), days=self.days))
        )

    def _show(self, words: list[RisingWord]) -> None:
        keep = self.current_id()
        self.words = words
        rows = [
            (
                word.word,
                [
                    Text(str(rank), style="dim"),
                    fit(word.word, 14, style="bold" if word.rising else ""),
                    Text(str(word.count)),
                    Text(str(word.previous), style="dim"),
                    change_text(word),
                    fit(t("text.list").join(word.companions), self.width_of("with"), "dim"),
                ],
            )
            for rank, word in enumerate(words, start=1)
        ]
        self.show_rows(Page(tuple(words), len(words), 0, WORDS_SHOWN), rows, keep)
        rising = sum(1 for w in words if w.rising)
        status = tn("hot.status", len(words), rising=rising) if words else t("hot.empty")
        self.query_one("#hot-status", Label).update(status)

    def action_days(self, days: int) -> None:
        if days != self.days:
            self.days = days
            self.reload()

    def action_window(self) -> None:
        self.action_days(WINDOWS[(WINDOWS.index(self.days) + 1) % len(WINDOWS)])

    def action_scope(self) -> None:
        if self.choices is None:
            self.run_store(self._load_choices, self._pick_scope, group="word_loaders")
        else:
            self._pick_scope(self.choices)

    def _load_choices(self) -> ScopeChoices:
        with self.desk.store.read() as session:
            return ScopeChoices(
                villages=list_villages(session=session),
                categories=list_categories(session=session),
            )

    def _pick_scope(self, choices: ScopeChoices) -> None:
        self.choices = choices
        items = [PickItem("all", t("hot.scope_all")), PickItem(None, t("hot.villages"))]
        items += [PickItem(f"v:{c.id}", Text(c.name)) for c in choices.villages]
        items.append(PickItem(None, t("hot.categories")))
        items += [PickItem(f"c:{c.id}", Text(c.name)) for c in choices.categories]
        current = self.scope.village_id or self.scope.category_id
        highlight = next((i.id for i in items if i.id and i.id[2:] == current), "all")

        def chosen(picked: str | None) -> None:
            if picked is None:
                return
            names = {c.id: c.name for c in choices.villages + choices.categories}
            kind, _, ref = picked.partition(":")
            self.scope = Scope(
                village_id=ref if kind == "v" else None,
                category_id=ref if kind == "c" else None,
                name=names.get(ref, ""),
            )
            self.words = []
            self.reload()

        self.app.push_screen(PickModal(t("hot.pick_scope"), items, highlight=highlight), chosen)

    def action_open(self) -> None:
        word = self.current_id()
        if word is not None:
            self.app.push_screen(WordVisitsScreen(word, self.days, self.scope))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nobody is on duty at a county hub to lead a suggestion.
        return not (action == "suggest" and self.desk.station.hub)

    def action_suggest(self) -> None:
        word = self.current_id()
        if word is not None:
            suggest_word(self, word, self.days, self.scope)


class WordVisitsScreen(ActionsMenu, PagedTableScreen):
    """The visits that used one word in the window, newest first, a page at a time; Enter opens
    the visit's issue, or the triage queue on it if it has none yet."""

    CONTAINER_ID = "word-visits"
    HELP_TEXT = t("help.word_visits")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-word-visit"),
        MORE_BINDING,
        SUGGEST_BINDING,
        *PagedTableScreen.PAGING_BINDINGS,
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="word-visits-back"),
    ]
    TABLE_ID = "word-visits-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.received"), 11, "received"),
        (t("col.village"), 8, "village"),
        (t("col.category"), 8, "category"),
        (t("col.summary"), 30, "summary"),
    )
    FLEX_COLUMN = "summary"

    def __init__(self, word: str, days: int, scope: Scope) -> None:
        super().__init__()
        self.word = word
        self.days = days
        self.scope = scope

    def compose_above(self) -> ComposeResult:
        yield Label(
            Text(t("hot.visits_title", word=self.word, scope=self.scope.label(), days=self.days)),
            id="word-visits-heading",
            classes="screen-title",
        )
        yield Label("", id="word-visits-status", classes="hint")
        # How the count differs from a search's: words, not characters (楼梯 in 楼梯口).
        yield Label(
            Text(t("hot.visits_note", word=self.word)), id="word-visits-note", classes="hint"
        )

    def on_mount(self) -> None:
        self.title = t("hot.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        self.run_store(
            partial(self._load, self.page_offset),
            self._show,
            group="word_visit_loaders",
            exclusive=True,
        )

    def _load(self, offset: int) -> Page[VisitRow]:
        end = self.today + timedelta(days=1)
        with self.desk.store.read() as session:
            return word_visits(
                session=session,
                word=self.word,
                end=end,
                days=self.days,
                village_id=self.scope.village_id,
                category_id=self.scope.category_id,
                offset=offset,
            )

    def _show(self, page: Page[VisitRow]) -> None:
        tz = self.desk.store.clock.tz
        rows = [
            (
                visit.id,
                [
                    Text(when(to_local(visit.received_at, tz), "%m-%d %H:%M")),
                    fit(visit.village, 8),
                    fit(visit.category, 8),
                    fit(visit.summary, self.width_of("summary")),
                ],
            )
            for visit in page.items
        ]
        self.show_rows(page, rows, self.current_id())
        status = tn("hot.visits_status", page.total, page=page.number, pages=page.count)
        self.query_one("#word-visits-status", Label).update(status)

    def menu_target(self) -> MenuTarget | None:
        visit_id = self.current_id()
        page = self.shown_page
        if visit_id is None or page is None:
            return None
        row = next((v for v in page.items if v.id == visit_id), None)
        return MenuTarget(visit_id=visit_id, queued=row is not None and row.issue_id is None)

    def action_open(self) -> None:
        visit_id = self.current_id()
        page = self.shown_page
        if visit_id is None or page is None:
            return
        visit = next((v for v in page.items if v.id == visit_id), None)
        if visit is None:
            return
        if visit.issue_id is not None:
            self.post_message(OpenIssue(visit.issue_id))
        else:
            open_visit_off_issue(self, visit.id, self._triage)

    async def _triage(self, visit_id: str) -> None:
        """An untriaged visit opens where it is dealt with: the triage queue, on it (but on a
        county hub, where nobody triages: store.core.hub_mark)."""
        if self.desk.station.hub:
            self.notify(t("error.hub_no_logging"), severity="error")
            return
        await self.app.switch_mode("triage")
        show = getattr(self.app.screen, "show_visit", None)
        if show is not None:
            show(visit_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "suggest" and self.desk.station.hub)

    def action_suggest(self) -> None:
        suggest_word(self, self.word, self.days, self.scope)

    def action_back(self) -> None:
        self.dismiss()
