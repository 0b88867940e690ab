"""Deputies' suggestions (代表建议, issue 20 part 1): drafted from issues and visits, each step a
logged write, the lifecycle's rules, the figures by hand, the printed form; SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from small_station import DEPUTY, OTHER_DEPUTY, VILLAGE, Refs
from sqlmodel import col, select
from suggestion_fixture import (
    Q3_FROM_RESIDENTS,
    Q3_SUBMITTED,
    Q4_EVALUATED,
    Q4_FROM_RESIDENTS,
    Q4_SATISFIED,
    Q4_SUBMITTED,
    build_suggestions,
)

from store.changelog.changes import Actor
from store.core.errors import FieldInvalid
from store.core.models import (
    ChangeLog,
    Satisfaction,
    SuggestionStatus,
    SuggestionStep,
)
from store.db import Store
from store.ledger.suggestions import suggestion_rows
from store.reports.stats import Period, PeriodKind
from store.suggestions.co_signers import set_co_signers
from store.suggestions.figures import DeputySuggestions, deputy_suggestions, suggestion_figures
from store.suggestions.form import print_suggestion
from store.suggestions.sources import add_class, pick_class, pick_recent_class
from store.suggestions.suggestions import (
    SuggestionDayInvalid,
    SuggestionStepInvalid,
    add_sources,
    answer_suggestion,
    draft_suggestion,
    evaluate_suggestion,
    get_suggestion,
    list_suggestions,
    remove_source,
    submit_suggestion,
)

pytestmark = pytest.mark.both_backends

Q4 = Period.parse_quarter("2026Q4")


def test_the_hand_written_set_gives_the_hand_computed_figures(
    store: Store, actor: Actor, refs: Refs
) -> None:
    build_suggestions(store, actor, refs)
    with store.read() as session:
        q4 = suggestion_figures(session=session, period=Q4)
        q3 = suggestion_figures(session=session, period=Q4.shift(-1))
        november = suggestion_figures(
            session=session, period=Period.of(PeriodKind.month, date(2026, 11, 1))
        )
    assert (q4.submitted, q4.from_residents) == (Q4_SUBMITTED, Q4_FROM_RESIDENTS)
    assert str(q4.residents_share) == "33.3% (1/3)"
    assert (q4.evaluated, q4.satisfied + q4.fairly) == (Q4_EVALUATED, Q4_SATISFIED)
    assert str(q4.reply_satisfaction) == "50.0% (2/4)"
    assert (q3.submitted, q3.from_residents) == (Q3_SUBMITTED, Q3_FROM_RESIDENTS)
    assert str(q3.residents_share) == "100.0% (1/1)"
    assert str(november.residents_share) == "0.0% (0/2)"
    assert str(november.reply_satisfaction) == "50.0% (1/2)"


def test_the_lifecycle_and_its_steps_as_the_page_reads_them(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_suggestions(store, actor, refs)
    with store.read() as session:
        s2 = get_suggestion(session=session, suggestion_id=made.s2)
        s3 = get_suggestion(session=session, suggestion_id=made.s3)
        s5 = get_suggestion(session=session, suggestion_id=made.s5)
        awaiting = list_suggestions(session=session, status=SuggestionStatus.assigned)
        everything = list_suggestions(session=session)
    assert s2.row.status == SuggestionStatus.closed
    assert s2.row.satisfaction == Satisfaction.fairly and s2.row.resupervised == 1
    assert [(s.step, s.day) for s in s2.steps] == [
        (SuggestionStep.drafted, date(2026, 11, 1)),
        (SuggestionStep.submitted, date(2026, 11, 2)),
        (SuggestionStep.assigned, date(2026, 11, 3)),
        (SuggestionStep.answered, date(2026, 11, 10)),
        (SuggestionStep.evaluated, date(2026, 11, 12)),
        (SuggestionStep.answered, date(2026, 11, 20)),
        (SuggestionStep.evaluated, date(2026, 11, 22)),
    ]
    assert s2.answer == "本月内修复并建立巡查制度"
    assert s2.row.lead_deputy == DEPUTY and s2.co_signers == (OTHER_DEPUTY,)
    # 不满意 sends it back for a new answer (再督办).
    assert s3.row.status == SuggestionStatus.assigned and s3.row.resupervised == 1
    assert [r.id for r in awaiting.items] == [made.s3]
    assert s5.row.status == SuggestionStatus.draft
    assert {(s.issue_id, s.visit_id) for s in s5.sources} == {
        (made.issue_a, None),
        (None, made.visit_d),
    }
    assert everything.total == 5
    # Closed ones last.
    assert {r.id for r in everything.items[-2:]} == {made.s1, made.s2}


def test_steps_only_follow_the_stage_and_each_write_is_logged(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_suggestions(store, actor, refs)
    with pytest.raises(SuggestionStepInvalid):
        with store.write(actor) as session:
            answer_suggestion(session=session, suggestion_id=made.s5, summary="答复")
    with pytest.raises(SuggestionStepInvalid):
        with store.write(actor) as session:
            evaluate_suggestion(
                session=session, suggestion_id=made.s1, satisfaction=Satisfaction.satisfied
            )
    with pytest.raises(FieldInvalid):
        with store.write(actor) as session:
            submit_suggestion(session=session, suggestion_id=made.s5, body="  ")
    # Found by hand: a step dated tomorrow, or before the last step, was taken as typed.
    with pytest.raises(SuggestionDayInvalid):
        with store.write(actor) as session:
            submit_suggestion(
                session=session, suggestion_id=made.s5, body="县人大", day=date(2026, 11, 25)
            )
    with pytest.raises(SuggestionDayInvalid) as before:
        with store.write(actor) as session:
            # S3's last step: 不满意 on 2026-10-08.
            answer_suggestion(
                session=session, suggestion_id=made.s3, summary="答复", day=date(2026, 10, 1)
            )
    assert before.value.params == {"day": "2026-10-08"}
    with store.write(actor) as session:
        submit_suggestion(session=session, suggestion_id=made.s5, body="县人大常委会")
    with store.read() as session:
        logged = session.exec(
            select(ChangeLog.table_name, ChangeLog.deputy_id).where(
                col(ChangeLog.table_name).in_(
                    ["suggestion", "suggestion_source", "suggestion_step", "suggestion_deputy"]
                )
            )
        ).all()
        tables = {t for t, _ in logged}
        assert tables == {
            "suggestion",
            "suggestion_source",
            "suggestion_step",
            "suggestion_deputy",
        }
        assert {d for _, d in logged} == {actor.deputy_id}
        assert get_suggestion(session=session, suggestion_id=made.s5).row.status == (
            SuggestionStatus.submitted
        )


def test_sources_from_a_class_of_problems_and_taken_off(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_suggestions(store, actor, refs)
    today = date(2026, 11, 24)
    with store.read() as session:
        by_category = pick_class(
            session=session, today=today, category_id=refs.categories["道路交通"]
        )
    assert set(by_category.issue_ids) == {made.issue_a, made.issue_b}
    assert by_category.basis == "近90天 分类「道路交通」"
    # Found by hand on a station made of an older ledger: a quarter with none of the class
    # looks at the year (and says so), not at nothing.
    with store.read() as session:
        later = pick_recent_class(
            session=session, today=date(2027, 5, 1), category_id=refs.categories["道路交通"]
        )
        gone = pick_recent_class(
            session=session, today=date(2028, 5, 1), category_id=refs.categories["道路交通"]
        )
    assert set(later.issue_ids) == {made.issue_a, made.issue_b}
    assert later.basis == "近365天 分类「道路交通」" and gone.count == 0
    with store.write(actor) as session:
        row = draft_suggestion(
            session=session,
            title="道路交通类问题",
            issue_ids=by_category.issue_ids,
            basis=by_category.basis,
        )
        # Twice the same issue is one source.
        assert add_sources(session=session, suggestion_id=row.id, issue_ids=[made.issue_a]) == 0
    with store.read() as session:
        detail = get_suggestion(session=session, suggestion_id=row.id)
    assert detail.row.sources == 2 and detail.basis == by_category.basis
    with store.write(actor) as session:
        remove_source(session=session, source_id=detail.sources[0].id)
    with store.read() as session:
        assert get_suggestion(session=session, suggestion_id=row.id).row.sources == 1


def test_the_printed_form_quotes_sources_without_personal_data(
    store: Store, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    made = build_suggestions(store, actor, refs)
    with store.write(actor) as session:
        add_sources(session=session, suggestion_id=made.s2, visit_ids=[made.visit_c])
    with store.read() as session:
        md, html = print_suggestion(
            session=session,
            suggestion_id=made.s2,
            today=date(2026, 11, 24),
            tz=store.clock.tz,
            templates=tmp_path / "templates",
            out_dir=tmp_path / "prints",
        )
    text = md.read_text(encoding="utf-8")
    assert "**案由：** 路灯维修机制" in text
    assert "领衔代表：沈国强　附议代表：朱秀芬" in text
    assert "村东路灯坏了三盏" in text and "工地夜里施工太吵" in text
    assert "☑基本满意" in text and "| 再督办 | 1 次 |" in text
    assert "李大伯" not in text and "13800000003" not in text
    page = html.read_text(encoding="utf-8")
    assert "<title>代表建议 路灯维修机制</title>" in page and "$" not in page.replace("$$", "")
    # The template is the station's to edit.
    assert (tmp_path / "templates" / "suggestion.md").is_file()


def test_co_signers_chosen_again_a_class_added_and_each_deputys_count(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_suggestions(store, actor, refs)
    lead, other = refs.deputies[DEPUTY], refs.deputies[OTHER_DEPUTY]
    with store.write(actor) as session:
        # The lead is never also a co-signer; unticked, the co-signer is taken off.
        assert set_co_signers(session=session, suggestion_id=made.s5, deputy_ids=[lead]) == ()
    with store.read() as session:
        assert get_suggestion(session=session, suggestion_id=made.s5).co_signers == ()
    with store.write(actor) as session:
        set_co_signers(session=session, suggestion_id=made.s5, deputy_ids=[other])
        # A class of problems added to a draft: new sources only, the class named in its basis.
        picked = pick_class(
            session=session, today=date(2026, 11, 24), village_id=refs.villages[VILLAGE]
        )
        assert add_class(session=session, suggestion_id=made.s5, picked=picked) == 1
    with store.read() as session:
        s5 = get_suggestion(session=session, suggestion_id=made.s5)
        q4 = deputy_suggestions(session=session, deputy_ids=[lead, other], period=Q4)
        q3 = deputy_suggestions(session=session, deputy_ids=[lead, other], period=Q4.shift(-1))
        # The clerk's sheet (store.ledger.suggestions), on this backend too.
        sheet = {row[0]: row for row in suggestion_rows(session=session)}
    assert s5.co_signers == (OTHER_DEPUTY,) and s5.co_signer_ids == (other,)
    assert s5.row.sources == 3 and s5.basis == f"近90天 村社「{VILLAGE}」"
    # By hand (tests/helpers/suggestion_fixture.py): Q4 submitted S1, S2, S4, all led by 沈国强
    # and co-signed by 朱秀芬; S1 and S2 answered, and closed 满意 and 基本满意. Q3: S3, answered,
    # then 不满意.
    assert q4[lead] == DeputySuggestions(led=3, co_signed=0, answered=2, satisfied=2)
    assert q4[other] == DeputySuggestions(led=0, co_signed=3, answered=2, satisfied=2)
    assert q3[lead] == DeputySuggestions(led=1, co_signed=0, answered=1, satisfied=0)
    assert [sheet[t][13] for t in ("电动车集中充电", "路灯维修机制", "夜间施工噪音")] == [
        "是",
        "否",
        "是",
    ]
    assert sheet["充电与停车统筹"][2] == OTHER_DEPUTY and sheet["充电与停车统筹"][12] == 3
