"""The category proposed from the resident's words (issue 17, part 6): learned from the
station's own triaged visits, explained by how many there were, accepted with F2 (a key that is
not text, so it works from inside the words). Seen: 23 keys beside the typed text for a walk-in
whose category was the 21st of 28 in the list."""

from __future__ import annotations

from collections import Counter

from desk_helpers import content, press, settle
from sqlmodel import col, select
from textual.widgets import Select, TextArea

from screens.log_visit import HINT_DELAY, LogVisitScreen
from store.core.models import Category, Visit
from store.db import Store
from store.desk.suggestions import suggest_category
from tui.app import LiaisonApp
from tui.i18n import tn

WORDS = "楼道里又有人飞线充电，电线从窗户挂下来，太危险了"


def test_the_category_proposed_is_the_one_most_visits_with_those_words_had(
    demo_store: Store,
) -> None:
    with demo_store.read() as session:
        hint = suggest_category(session=session, words_of="飞线充电")
        assert hint is not None
        had = Counter(
            session.exec(
                select(Visit.category_id).where(
                    col(Visit.text).contains("飞线充电"), col(Visit.issue_id).is_not(None)
                )
            ).all()
        )
        name = session.exec(select(Category.name).where(Category.id == hint.category_id)).one()
    assert hint.name == name
    assert had.most_common(1)[0][0] == hint.category_id
    assert hint.visits == had[hint.category_id]


def test_words_no_visit_has_propose_nothing(demo_store: Store) -> None:
    with demo_store.read() as session:
        assert suggest_category(session=session, words_of="咕噜咕噜") is None


async def test_f2_takes_the_category_proposed_while_typing_the_words(
    demo_desk: LiaisonApp, demo_store: Store
) -> None:
    with demo_store.read() as session:
        expected = suggest_category(session=session, words_of=WORDS)
    assert expected is not None
    async with demo_desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = demo_desk.screen
        assert isinstance(form, LogVisitScreen)
        form.query_one("#text", TextArea).focus()
        await pilot.press(*"楼道")
        form.query_one("#text", TextArea).insert(WORDS[2:])
        await pilot.pause(HINT_DELAY + 0.3)
        await settle(pilot)
        hint = content(form.query_one("#category-hint"))
        assert hint == str(tn("log.category_hint", expected.visits, name=expected.name))
        assert f"建议分类：{expected.name}（同类来访 {expected.visits} 次" in hint
        await press(pilot, "f2")
        assert form.query_one("#category_id", Select).value == expected.category_id
        assert content(form.query_one("#category-hint")) == ""
