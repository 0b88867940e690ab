"""Choosing a suggestion's sources (代表建议的来源) on screen: a class of problems (a hot word, a
category or a village: store.suggestions.sources.pick_class), or issues and visits found by
their words (store.search), one at a time. The suggestions list drafts from a class; a
suggestion's page adds either kind and takes one off. Reads run in the group `source_loaders`:
a screen's own loaders, exclusive, start again when a dialog closes over it and would cancel
them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial

from rich.text import Text

from screens.base.desk_screen import DeskScreen
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.text_input import TextInputModal
from store.core.clock import to_local
from store.reference.lists import Choice, list_categories, list_villages
from store.search.query import IssueHit, VisitHit, search_issues, search_visits
from store.suggestions.sources import ClassPick, pick_recent_class
from store.suggestions.suggestions import SourceRow
from tui.i18n import label, t
from tui.theme import badge
from tui.widgets.cells import fit, plain

# Hits offered of each kind: the deputy types more words to narrow, as in search.
HITS_SHOWN = 20
# A hot word is one word (store.hot_words): longer text finds nothing.
WORD_MAX = 20


def ask_class(screen: DeskScreen, done: Callable[[ClassPick], None]) -> None:
    """Which class of problems (a hot word, a category, a village), then which one; `done` is
    given its sources over the last quarter, or the last year when the quarter has none
    (store.suggestions.sources.pick_recent_class)."""
    items = [
        PickItem("word", t("suggestions.by_word")),
        PickItem("category", t("suggestions.by_category")),
        PickItem("village", t("suggestions.by_village")),
    ]

    def kind_chosen(kind: str | None) -> None:
        if kind == "word":
            screen.app.push_screen(
                TextInputModal(t("suggestions.word_prompt"), max_length=WORD_MAX),
                lambda word: _pick(screen, done, word=word) if word else None,
            )
        elif kind in ("category", "village"):

            def load() -> list[Choice]:
                with screen.desk.store.read() as session:
                    if kind == "category":
                        return list_categories(session=session)
                    return list_villages(session=session)

            screen.run_store(load, partial(_choose, screen, done, kind), group="source_loaders")

    screen.app.push_screen(PickModal(t("suggestions.pick_class"), items), kind_chosen)


def _choose(
    screen: DeskScreen, done: Callable[[ClassPick], None], kind: str, choices: list[Choice]
) -> None:
    items = [PickItem(c.id, Text(c.name)) for c in choices]

    def chosen(choice_id: str | None) -> None:
        if choice_id and kind == "category":
            _pick(screen, done, category_id=choice_id)
        elif choice_id:
            _pick(screen, done, village_id=choice_id)

    screen.app.push_screen(PickModal(t("suggestions.pick_class"), items), chosen)


def _pick(
    screen: DeskScreen,
    done: Callable[[ClassPick], None],
    word: str | None = None,
    category_id: str | None = None,
    village_id: str | None = None,
) -> None:
    today = screen.today

    def load() -> ClassPick:
        with screen.desk.store.read() as session:
            return pick_recent_class(
                session=session,
                today=today,
                word=word,
                category_id=category_id,
                village_id=village_id,
            )

    def found(picked: ClassPick) -> None:
        if not picked.count:
            screen.notify(t("suggestions.class_empty"), severity="warning")
            return
        done(picked)

    screen.run_store(load, found, group="source_loaders")


# -- one issue or visit, by its words ------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """An issue or a visit chosen as a source (one of the two ids)."""

    issue_id: str | None = None
    visit_id: str | None = None


def ask_search(screen: DeskScreen, done: Callable[[Found], None]) -> None:
    """Words to look for, then a pick among the issues and visits that have them."""

    def typed(words: str | None) -> None:
        if words:
            screen.run_store(
                partial(_search, screen, words),
                partial(_offer, screen, done),
                group="source_loaders",
            )

    screen.app.push_screen(TextInputModal(t("suggestion.search_prompt"), max_length=50), typed)


def _search(screen: DeskScreen, words: str) -> tuple[Sequence[IssueHit], Sequence[VisitHit]]:
    today = screen.today
    with screen.desk.store.read() as session:
        issues = search_issues(session=session, text=words, today=today, limit=HITS_SHOWN)
        visits = search_visits(session=session, text=words, today=today, limit=HITS_SHOWN)
    return issues.items[:HITS_SHOWN], visits.items[:HITS_SHOWN]


def _offer(
    screen: DeskScreen,
    done: Callable[[Found], None],
    hits: tuple[Sequence[IssueHit], Sequence[VisitHit]],
) -> None:
    issues, visits = hits
    tz = screen.desk.store.clock.tz
    items: list[PickItem] = []
    if issues:
        items.append(PickItem(None, Text(t("suggestion.found_issues"), style="bold")))
    for hit in issues:
        line = badge(screen.app, hit.row.colour)
        line.append(f" {label(hit.row.tier)} {hit.row.opened_on.isoformat()} ")
        line.append_text(fit(hit.row.title, 36))
        items.append(PickItem(f"i:{hit.row.id}", line))
    if visits:
        items.append(PickItem(None, Text(t("suggestion.found_visits"), style="bold")))
    for visit in visits:
        # The resident's words and village, never their name or phone: a source is quoted
        # as the printed form quotes it.
        line = Text(to_local(visit.received_at, tz).strftime("%Y-%m-%d "), style="dim")
        line.append_text(plain(f"{visit.village} · "))
        line.append_text(fit(visit.summary, 40))
        items.append(PickItem(f"v:{visit.id}", line))

    def chosen(picked: str | None) -> None:
        if picked:
            kind, _, ref = picked.partition(":")
            done(Found(issue_id=ref) if kind == "i" else Found(visit_id=ref))

    screen.app.push_screen(
        PickModal(t("suggestion.add_pick"), items, empty=t("suggestion.found_none")), chosen
    )


def source_line(source: SourceRow, tz: tzinfo, width: int) -> Text:
    """`▸ 事项 2026-10-25 …` or `▹ 来访 2026-11-02 …`: the page's line of a source."""
    if source.issue_id is not None:
        when = source.opened_on.isoformat() if source.opened_on else ""
        line = Text("▸ " + t("suggestion.source_issue", date=when) + " ")
    else:
        at = to_local(source.received_at, tz) if source.received_at else None
        when = at.strftime("%Y-%m-%d") if at else ""
        line = Text("▹ " + t("suggestion.source_visit", date=when) + " ")
    line.append_text(fit(source.text, width))
    return line


def ask_removal(
    screen: DeskScreen, sources: Sequence[SourceRow], done: Callable[[SourceRow], None]
) -> None:
    """Which source to take off (one)."""
    if not sources:
        screen.notify(t("suggestion.no_sources"), severity="warning")
        return
    tz = screen.desk.store.clock.tz
    items = [PickItem(s.id, source_line(s, tz, 52)) for s in sources]
    by_id = {s.id: s for s in sources}

    def chosen(source_id: str | None) -> None:
        if source_id in by_id:
            done(by_id[source_id])

    screen.app.push_screen(PickModal(t("suggestion.remove_pick"), items), chosen)
