"""Legislative consultation (基层立法联系点, issue 20 part 2) in the store: a draft loaded from its
text, opinions from visits and typed, the legislature's answers, the adoption rate by hand
(tests/helpers/legislation_fixture.py), and the summary with no personal data in clear; SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from legislation_fixture import (
    DRAFT_ADOPTED,
    DRAFT_ANSWERED,
    DRAFT_OPINIONS,
    O2_NAME,
    O2_PHONE,
    Q3_ADOPTED,
    Q3_ANSWERED,
    Q3_GIVEN,
    Q4_ADOPTED,
    Q4_ANSWERED,
    Q4_GIVEN,
    RESIDENTS,
    SOURCE,
    TITLE,
    VISIT_PHONES,
    build_legislation,
)
from openpyxl import load_workbook
from small_station import NOW, VILLAGE, Refs
from sqlmodel import col, func, select

from store.changelog.changes import Actor
from store.changelog.undo import record_changes, revert_changes
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import (
    Adoption,
    ChangeLog,
    Channel,
    DraftArticle,
    DraftRegulation,
    LegislativeOpinion,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.visits import list_untriaged, log_visit
from store.duty.dashboard import load_dashboard
from store.legislation.drafts import get_draft, list_drafts, load_draft
from store.legislation.figures import adoption_figures
from store.legislation.opinions import (
    ArticleNotFound,
    NotLegislativeVisit,
    add_opinion,
    answer_opinion,
    legislative_visits,
    list_opinions,
    opinion_places,
)
from store.legislation.parse import DraftWithoutArticles
from store.legislation.summary import read_summary, write_summary
from store.reports.stats import Period, PeriodKind

pytestmark = pytest.mark.both_backends

Q4 = Period.parse_quarter("2026Q4")


def test_the_hand_written_draft_gives_the_hand_computed_rates(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_legislation(store, actor, refs)
    with store.read() as session:
        detail = get_draft(session=session, draft_id=made.draft)
        listed = list_drafts(session=session)
        q4 = adoption_figures(session=session, period=Q4)
        q3 = adoption_figures(session=session, period=Q4.shift(-1))
        november = adoption_figures(
            session=session, period=Period.of(PeriodKind.month, date(2026, 11, 1))
        )
        page = list_opinions(session=session, draft_id=made.draft)
    row = detail.row
    assert (row.title, row.source, row.articles) == (TITLE, SOURCE, 6)
    assert listed.total == 1 and listed.items[0] == row
    counts = row.counts
    assert (counts.opinions, counts.answered) == (DRAFT_OPINIONS, DRAFT_ANSWERED)
    assert counts.adopted + counts.partly == DRAFT_ADOPTED and counts.awaiting == 1
    assert str(counts.adoption_rate) == "60.0% (3/5)"
    # Headings kept as headings, in the order of the text.
    assert [(p.label, p.is_heading) for p in detail.parts[:3]] == [
        ("第一章", True),
        ("第一条", False),
        ("第二条", False),
    ]
    assert [p.text for p in detail.parts if p.is_heading] == ["总则", "分类投放", "附则"]
    per_article = {a.label: a.counts.opinions for a in detail.articles}
    assert per_article == {
        "第一条": 1,
        "第二条": 0,
        "第三条": 2,
        "第四条": 1,
        "第五条": 1,
        "第六条": 0,
    }
    third = next(a for a in detail.articles if a.label == "第三条")
    assert str(third.counts.adoption_rate) == "100.0% (2/2)"
    assert detail.general.opinions == 1 and detail.general.adopted == 1
    assert (q4.opinions, q4.answers.answered) == (Q4_GIVEN, Q4_ANSWERED)
    assert q4.answers.adopted + q4.answers.partly == Q4_ADOPTED
    assert str(q4.adoption_rate) == "50.0% (2/4)"
    assert (q3.opinions, q3.answers.answered, q3.answers.adopted) == (
        Q3_GIVEN,
        Q3_ANSWERED,
        Q3_ADOPTED,
    )
    assert str(q3.adoption_rate) == "100.0% (1/1)"
    assert november.opinions == 1 and str(november.adoption_rate) == "50.0% (2/4)"
    # The whole draft first, then article by article; who gave each, where.
    assert [(o.article, o.who, o.place) for o in page.items] == [
        ("", "赵德明", ""),
        ("第一条", "", "新桥社区"),
        ("第三条", RESIDENTS[0], "青石村"),
        ("第三条", O2_NAME, "青石村村民代表会议"),
        ("第四条", "陈美华", ""),
        ("第五条", RESIDENTS[1], "东塘村"),
    ]
    assert page.items[2].text.startswith("建议垃圾分类条例草案第三条")
    assert page.items[2].resident_id is not None and page.items[3].resident_id is None


def test_what_is_refused_changes_nothing_and_each_write_is_logged(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_legislation(store, actor, refs)

    def rows() -> tuple[int, ...]:
        with store.read() as session:
            return tuple(
                session.exec(select(func.count()).select_from(model)).one()
                for model in (DraftRegulation, DraftArticle, LegislativeOpinion)
            )

    before = rows()
    with pytest.raises(DraftWithoutArticles), store.write(actor) as session:
        load_draft(session=session, text="关于垃圾分类的几点想法\n一、……\n二、……")
    heading = "第一章"
    with store.read() as session:
        detail = get_draft(session=session, draft_id=made.draft)
        heading_id = next(p.id for p in detail.parts if p.label == heading)
    with pytest.raises(ArticleNotFound), store.write(actor) as session:
        add_opinion(session=session, draft_id=made.draft, article_id=heading_id, text="意见")
    with pytest.raises(FieldInvalid), store.write(actor) as session:
        add_opinion(session=session, draft_id=made.draft, article_id=None, text="  ")
    with store.write(actor) as session:
        request = log_visit(
            session=session,
            visit_in=VisitCreate(
                phone="13800000099",
                name="路人甲",
                village_id=refs.villages["青石村"],
                category_id=refs.categories["道路交通"],
                channel=Channel.walk_in,
                kind=VisitKind.request,
                text="路灯坏了",
            ),
        )
    with pytest.raises(NotLegislativeVisit), store.write(actor) as session:
        add_opinion(session=session, draft_id=made.draft, article_id=None, visit_id=request.id)
    assert rows() == before
    # The 立法建议 visits offered, each with how many opinions it gave this draft.
    with store.read() as session:
        offered = legislative_visits(session=session, draft_id=made.draft)
    assert {(v.id, v.used) for v in offered} == {(made.visit_1, 1), (made.visit_2, 1)}
    # An answer taken back: awaiting again.
    with store.write(actor) as session:
        row = answer_opinion(session=session, opinion_id=made.opinions[0], adoption=None)
    assert (row.adoption, row.answered_on, row.answer) == (None, None, "")
    with store.read() as session:
        logged = session.exec(
            select(ChangeLog.table_name, ChangeLog.deputy_id).where(
                col(ChangeLog.table_name).in_(
                    ["draft_regulation", "draft_article", "legislative_opinion"]
                )
            )
        ).all()
    assert {t for t, _ in logged} == {"draft_regulation", "draft_article", "legislative_opinion"}
    assert {d for _, d in logged} == {actor.deputy_id}


def test_the_summary_shows_counts_and_words_with_no_personal_data(
    store: Store, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    made = build_legislation(store, actor, refs)
    with store.read() as session:
        summary = read_summary(session=session, draft_id=made.draft, today=date(2026, 11, 24))
    templates = tmp_path / "templates"
    md, html, xlsx = (
        write_summary(summary, tmp_path / f"汇总.{fmt}", templates=templates)
        for fmt in ("md", "html", "xlsx")
    )
    book = load_workbook(xlsx)
    cells = [
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    # Markdown escapes the masks' stars (王\*\*): read as it renders.
    texts = {
        "md": md.read_text(encoding="utf-8").replace("\\", ""),
        "html": html.read_text(encoding="utf-8"),
    }
    texts["xlsx"] = "\n".join(cells)
    personal = [O2_NAME, O2_PHONE, *VISIT_PHONES, *RESIDENTS, "陈美华", "赵德明"]
    for fmt, text in texts.items():
        assert not [p for p in personal if p in text], fmt
        assert "张**" in text and "139****5678" in text and "李**" in text, fmt
        assert "建议第三条把" in text, fmt
    page = texts["md"]
    assert f"# 《{TITLE}》立法意见汇总" in page
    assert "采纳率（含部分采纳）60.0% (3/5)" in page
    assert "| 第三条 | 2 | 1 | 1 | 0 | 0 | 100.0% |" in page
    assert "| 合计 | 6 | 2 | 1 | 2 | 1 | 60.0% |" in page
    assert "其余 2 条未收到意见。" in page
    assert "### 总体意见（1 条）" in page and "### 第三条（2 条）" in page
    assert "<title>立法意见汇总 " in texts["html"] and "$" not in texts["html"].replace("$$", "")
    counts = {r[0]: r[1:] for r in book["按条款统计"].iter_rows(values_only=True) if r}
    assert counts["第三条"] == (2, 1, 1, 0, 0, 1.0)
    assert counts["合计"] == (6, 2, 1, 2, 1, 0.6)
    assert book["意见汇总"].max_row == 1 + DRAFT_OPINIONS
    # The template is the station's to edit.
    assert (templates / "legislative_summary.md").is_file()
    assert not (tmp_path / "汇总.xlsx.part").exists()
    assert made.opinions and Adoption.partly.zh == "部分采纳"


def test_a_visit_taken_as_an_opinion_leaves_the_triage_queue(
    store: Store, actor: Actor, refs: Refs, clock: FrozenClock
) -> None:
    """A 立法建议 visit is answered by the legislature, not handled by a unit: once it is an
    opinion it is no longer 待分办 (the queue, the dashboard, the handover agree), and where it
    went (the draft, the article) is what its visit says. Not taken, it waits as any visit."""
    made = build_legislation(store, actor, refs)
    form = VisitCreate(
        phone="13800000013",
        name="孙立言",
        village_id=refs.villages[VILLAGE],
        category_id=refs.categories["垃圾分类"],
        channel=Channel.walk_in,
        kind=VisitKind.legislative,
        text="建议第四条的投放时间由村民会议商定。",
    )
    with store.write(actor) as session:
        fresh = log_visit(session=session, visit_in=form).id

    def queued() -> tuple[list[str], int]:
        with store.read() as session:
            page = list_untriaged(session=session)
            board = load_dashboard(session=session, today=NOW.date(), tz=clock.tz)
        return [v.id for v in page.items], board.untriaged

    assert queued() == ([fresh], 1)
    with store.read() as session:
        assert opinion_places(session=session, visit_id=fresh) == ()
        assert opinion_places(session=session, visit_id=made.visit_1) == ((TITLE, "第三条"),)
    with store.write(actor) as session, record_changes(session) as taken:
        add_opinion(
            session=session,
            draft_id=made.draft,
            article_id=made.articles["第四条"],
            visit_id=fresh,
        )
    with store.write(actor) as session:
        add_opinion(session=session, draft_id=made.draft, article_id=None, visit_id=fresh)
    assert queued() == ([], 0)
    with store.read() as session:
        assert opinion_places(session=session, visit_id=fresh) == ((TITLE, ""), (TITLE, "第四条"))
    # Taken back (undone), one opinion is left: still no triage; both taken back, it waits.
    with store.write(actor) as session:
        revert_changes(session=session, undo=taken.undo())
    assert queued() == ([], 0)
    with store.write(actor) as session:
        for opinion in session.exec(
            select(LegislativeOpinion).where(LegislativeOpinion.visit_id == fresh)
        ):
            opinion.deleted_at = clock.now()
    assert queued() == ([fresh], 1)
