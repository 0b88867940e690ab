"""Deliberation sessions (议事活动, issue 20 part 3): recorded with the deputies present, the
visits raised there and their issues' state, the vote; the figures by hand (statistics, the
deputies' record, the quarterly report); the one-page notice; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sessions_fixture import (
    OCTOBER,
    Q3_RATE,
    Q4_RESIDENTS,
    Q4_SESSIONS,
    Q4_VISITS,
    Q4_VOTES,
    REPORT_RATE,
    build_sessions,
)
from small_station import DEPUTY, OTHER_DEPUTY, TODAY, Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.errors import FieldInvalid, FormInvalid
from store.core.models import (
    ChangeLog,
    Channel,
    DeliberationKind,
    IssueStatus,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.deliberations.deliberations import (
    DeliberationIn,
    VoteInvalid,
    edit_deliberation,
    input_of,
    record_vote,
    unlink_visit,
)
from store.deliberations.figures import deliberation_figures, deputy_reports
from store.deliberations.notice import print_deliberation
from store.deliberations.reading import DeliberationNotFound, get_deliberation, list_deliberations
from store.desk.forms import validate_form
from store.desk.visits import log_visit
from store.reports.deputy_record import list_deputy_records, print_deputy_record
from store.reports.quarterly_report import build_report, headline_rows, write_report
from store.reports.stats import Period, PeriodKind

pytestmark = pytest.mark.both_backends

Q4 = Period.parse_quarter("2026Q4")


def test_the_hand_written_set_gives_the_hand_computed_figures(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_sessions(store, actor, refs)
    with store.read() as session:
        q4 = deliberation_figures(session=session, period=Q4)
        q3 = deliberation_figures(session=session, period=Q4.shift(-1))
        october = deliberation_figures(
            session=session, period=Period.of(PeriodKind.month, date(2026, 10, 1))
        )
        records = {
            r.name: r
            for r in list_deputy_records(
                session=session, period=Q4, today=TODAY, tz=store.clock.tz
            ).items
        }
        q3_records = {
            r.name: r
            for r in list_deputy_records(
                session=session, period=Q4.shift(-1), today=TODAY, tz=store.clock.tz
            ).items
        }
        reports = deputy_reports(session=session, deputy_id=refs.deputies[OTHER_DEPUTY], period=Q4)
    total = q4.total
    assert (total.sessions, total.residents, total.visits) == (
        Q4_SESSIONS,
        Q4_RESIDENTS,
        Q4_VISITS,
    )
    assert str(total.vote_rate) == Q4_VOTES and total.voted == 3
    assert {k: f.sessions for k, f in q4.kinds.items() if f.sessions} == {
        DeliberationKind.evening_talk: 1,
        DeliberationKind.tea_house: 1,
        DeliberationKind.deputy_report: 1,
        DeliberationKind.report: 1,
    }
    assert q4.kinds[DeliberationKind.evening_talk].visits == 3
    assert str(q4.kinds[DeliberationKind.evening_talk].vote_rate) == "90.0% (36/40)"
    assert (october.total.sessions, october.total.residents, october.total.visits) == OCTOBER
    assert str(october.total.vote_rate) == "— (0/0)"
    assert str(q3.total.vote_rate) == Q3_RATE
    # The deputies' record (履职全景图): sessions attended, 代表述职 evaluations.
    assert (records[DEPUTY].sessions, records[DEPUTY].reports) == (4, 0)
    assert (records[OTHER_DEPUTY].sessions, records[OTHER_DEPUTY].reports) == (3, 1)
    assert str(records[OTHER_DEPUTY].report_evaluation) == REPORT_RATE
    assert (q3_records[DEPUTY].sessions, q3_records[DEPUTY].reports) == (1, 1)
    assert str(q3_records[DEPUTY].report_evaluation) == Q3_RATE
    assert [r.id for r in reports] == [made.d3]


def test_a_session_lists_its_visits_and_their_issues_state(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_sessions(store, actor, refs)
    with store.read() as session:
        d1 = get_deliberation(session=session, deliberation_id=made.d1, today=TODAY)
        listed = list_deliberations(session=session)
        reports = list_deliberations(session=session, kind=DeliberationKind.deputy_report)
    assert d1.row.kind == DeliberationKind.evening_talk and d1.row.topic == "青石村文化礼堂的议题一"
    assert set(d1.deputies) == {DEPUTY, OTHER_DEPUTY}
    assert d1.row.vote is not None and str(d1.row.vote.rate) == "90.0% (36/40)"
    states = {v.id: (v.issue_id, v.issue_status, v.withdrawn) for v in d1.visits}
    assert states == {
        made.v1: (made.issue_a, IssueStatus.received, False),
        made.v2: (made.issue_b, IssueStatus.closed, False),
        made.v3: (None, None, False),
        made.v4: (None, None, True),
    }
    assert d1.open_issues == 1 and d1.row.visits == 4
    # The deleted one is gone; the latest first.
    assert [r.id for r in listed.items] == [made.d5, made.d3, made.d1, made.d2, made.d4]
    assert [r.id for r in reports.items] == [made.d3, made.d4]
    assert reports.items[0].reporting_deputy == OTHER_DEPUTY


def test_edits_votes_and_links_are_logged_and_checked(
    store: Store, actor: Actor, refs: Refs
) -> None:
    made = build_sessions(store, actor, refs)
    with store.read() as session:
        d2 = get_deliberation(session=session, deliberation_id=made.d2, today=TODAY)
    changed = input_of(d2).model_copy(
        update={"residents": 18, "deputy_ids": [refs.deputies[OTHER_DEPUTY]]}
    )
    with store.write(actor) as session:
        edit_deliberation(session=session, deliberation_id=made.d2, deliberation_in=changed)
        record_vote(
            session=session, deliberation_id=made.d2, satisfied="12", fairly="", unsatisfied=1
        )
        unlink_visit(session=session, visit_id=made.v5)
    with store.read() as session:
        d2 = get_deliberation(session=session, deliberation_id=made.d2, today=TODAY)
        logged = set(
            session.exec(
                select(ChangeLog.table_name).where(
                    col(ChangeLog.table_name).in_(["deliberation", "deliberation_deputy"])
                )
            ).all()
        )
    assert d2.row.residents == 18 and d2.deputies == (OTHER_DEPUTY,)
    assert d2.row.vote is not None and str(d2.row.vote.rate) == "92.3% (12/13)"
    assert d2.visits == () and logged == {"deliberation", "deliberation_deputy"}
    # Bad input: one message a field, the database unchanged.
    for votes in (("0", "", "0"), ("１２", "0", "0"), ("-3", "1", "1")):
        with pytest.raises(FieldInvalid) as caught, store.write(actor) as session:
            record_vote(
                session=session,
                deliberation_id=made.d2,
                satisfied=votes[0],
                fairly=votes[1],
                unsatisfied=votes[2],
            )
        assert isinstance(caught.value, VoteInvalid) == (votes[0] == "0")
    with pytest.raises(FormInvalid) as form:
        validate_form(
            DeliberationIn,
            {
                "kind": DeliberationKind.deputy_report,
                "held_on": date(2026, 11, 1),
                "place": " ",
                "residents": "12a",
            },
        )
    assert form.value.errors == {
        "place": "field.required",
        "residents": "field.count",
    }
    with pytest.raises(FormInvalid) as form:
        validate_form(
            DeliberationIn,
            {"kind": DeliberationKind.deputy_report, "held_on": date(2026, 11, 1), "place": "村"},
        )
    assert form.value.errors == {"reporting_deputy_id": "field.required"}
    # A visit names a session that is there.
    visit = VisitCreate(
        phone="13800000099",
        name="李大伯",
        village_id=refs.villages["青石村"],
        category_id=refs.categories["道路交通"],
        channel=Channel.forum,
        kind=VisitKind.request,
        text="路灯",
        deliberation_id=made.d6,
    )
    with pytest.raises(FormInvalid) as form, store.write(actor) as session:
        log_visit(session=session, visit_in=visit)
    assert form.value.errors == {"deliberation_id": "field.choice"}
    with pytest.raises(DeliberationNotFound), store.read() as session:
        get_deliberation(session=session, deliberation_id=made.d6, today=TODAY)


def test_the_notice_the_record_and_the_report_print_the_figures(
    store: Store, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    made = build_sessions(store, actor, refs)
    with store.read() as session:
        md, html = print_deliberation(
            session=session,
            deliberation_id=made.d1,
            today=TODAY,
            templates=tmp_path / "templates",
            out_dir=tmp_path / "prints",
        )
        report_md, _report_html = print_deputy_record(
            session=session,
            deputy_id=refs.deputies[OTHER_DEPUTY],
            period=Q4,
            today=TODAY,
            tz=store.clock.tz,
            templates=tmp_path / "templates",
            out_dir=tmp_path / "prints",
        )
        report = build_report(session=session, period=Q4, today=TODAY, tz=store.clock.tz)
    text = md.read_text(encoding="utf-8")
    assert "# 百姓夜话活动情况公示" in text and "| 30 | 6 | 4 | 40 | 90.0% |" in text
    assert "1. 青石村文化礼堂的议题一" in text and "群众反映的问题（3 条）" in text
    # No resident named, no phone: a notice is posted in public.
    assert "陈阿婆" not in text and "138000000" not in text
    assert "另有 1 条意见正在分办" in text and "| 村东路灯坏了三盏 | 已办结 |" in text
    page = html.read_text(encoding="utf-8")
    assert "<title>百姓夜话活动情况公示 2026年11月5日</title>" in page
    assert "$" not in page.replace("$$", "")
    record = report_md.read_text(encoding="utf-8")
    assert "| 参加议事活动 | 3 场 |" in record and f"选民测评满意率 {REPORT_RATE}" in record
    headline = {name: str(value) for name, value in headline_rows(report, lambda key, **_kw: key)}
    assert headline["stats.col.sessions"] == str(Q4_SESSIONS)
    assert headline["stats.col.session_residents"] == str(Q4_RESIDENTS)
    assert headline["stats.col.session_visits"] == str(Q4_VISITS)
    assert headline["stats.col.session_votes"] == Q4_VOTES
    out = tmp_path / "report.html"
    write_report(report, out, text=lambda key, **_kw: key, name=lambda e: getattr(e, "zh", e))
    page = out.read_text(encoding="utf-8")
    assert "report.sessions" in page and "<td>百姓夜话</td>" in page and Q4_VOTES in page
