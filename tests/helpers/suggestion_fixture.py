"""A hand-written set of deputies' suggestions on the small station, with figures computed by
hand (not the demo): what statistics and the quarterly report must reproduce.

Sources:
- issue A (飞线充电): one resident's visit at the station (到站来访, direct);
- issue B (路灯): reported by an observer (民情观察员, relayed) only;
- visit C (噪音): a resident's phone call (direct), not triaged;
- visit D (停车): raised at a leader visit (领导进站, relayed), not triaged.

Suggestions (submitted / steps):
- S1 "电动车集中充电" ← A; submitted 2026-10-10, assigned 10-12, answered 10-20, 满意 10-25;
- S2 "路灯维修机制" ← B; submitted 11-02, assigned 11-03, answered 11-10, 不满意 11-12
  (再督办), answered again 11-20, 基本满意 11-22;
- S3 "夜间施工噪音" ← C; submitted 2026-09-15 (Q3), assigned 09-20, answered 10-05, 不满意 10-08
  (再督办, awaiting a new answer);
- S4 "停车位规划" ← D; submitted 11-05 only;
- S5 "充电与停车统筹" ← A and D; a draft (never submitted).

Hand-computed, 2026 Q4 (Oct–Dec): submitted S1, S2, S4 = 3; straight from residents S1 = 1:
33.3% (1/3). Q3: S3 only, from residents: 100.0% (1/1). November: S2, S4: 0.0% (0/2).
Replies evaluated in Q4: S1 满意, S2 不满意, S2 基本满意, S3 不满意 = 4; satisfied 2: 50.0% (2/4).
November: 1/2 (50.0%)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from small_station import DEPUTY, OTHER_DEPUTY, VILLAGE, Refs

from store.changelog.changes import Actor
from store.core.models import Channel, Satisfaction, Tier, VisitCreate, VisitKind
from store.db import Store
from store.desk.triage import open_issue
from store.desk.visits import log_visit
from store.suggestions.suggestions import (
    answer_suggestion,
    assign_suggestion,
    draft_suggestion,
    evaluate_suggestion,
    submit_suggestion,
)

BODY = "临溪县人大常委会"

Q4_SUBMITTED, Q4_FROM_RESIDENTS = 3, 1
Q4_EVALUATED, Q4_SATISFIED = 4, 2
Q3_SUBMITTED, Q3_FROM_RESIDENTS = 1, 1


@dataclass(frozen=True)
class SuggestionSet:
    issue_a: str
    issue_b: str
    visit_c: str
    visit_d: str
    s1: str
    s2: str
    s3: str
    s4: str
    s5: str


def _visit(store: Store, actor: Actor, refs: Refs, text: str, channel: Channel, phone: str) -> str:
    form = VisitCreate(
        phone=phone,
        name="李大伯",
        village_id=refs.villages[VILLAGE],
        category_id=refs.categories["道路交通"],
        channel=channel,
        kind=VisitKind.suggestion,
        text=text,
    )
    with store.write(actor) as session:
        return log_visit(session=session, visit_in=form).id


def _issue(store: Store, actor: Actor, refs: Refs, visit_id: str) -> str:
    with store.write(actor) as session:
        return open_issue(
            session=session,
            visit_id=visit_id,
            tier=Tier.village,
            unit_id=refs.unit_for(Tier.village),
        ).id


def build_suggestions(store: Store, actor: Actor, refs: Refs) -> SuggestionSet:
    a = _issue(
        store,
        actor,
        refs,
        _visit(store, actor, refs, "楼道里电动车飞线充电，很危险", Channel.walk_in, "13800000001"),
    )
    b = _issue(
        store,
        actor,
        refs,
        _visit(store, actor, refs, "村东路灯坏了三盏", Channel.observer, "13800000002"),
    )
    c = _visit(store, actor, refs, "工地夜里施工太吵", Channel.phone, "13800000003")
    d = _visit(store, actor, refs, "小区停车位太少", Channel.leader_visit, "13800000004")
    other = refs.deputies[OTHER_DEPUTY]
    lead = refs.deputies[DEPUTY]

    def draft(title: str, day: date, issues: list[str], visits: list[str]) -> str:
        with store.write(actor) as session:
            return draft_suggestion(
                session=session,
                title=title,
                reason=f"{title}的理由",
                proposal=f"{title}的建议",
                issue_ids=issues,
                visit_ids=visits,
                lead_deputy_id=lead,
                co_signer_ids=[other],
                day=day,
            ).id

    def steps(sid: str, *plan: tuple[str, date, object]) -> None:
        for step, day, value in plan:
            with store.write(actor) as session:
                if step == "submit":
                    submit_suggestion(session=session, suggestion_id=sid, body=BODY, day=day)
                elif step == "assign":
                    assign_suggestion(session=session, suggestion_id=sid, units=str(value), day=day)
                elif step == "answer":
                    answer_suggestion(
                        session=session, suggestion_id=sid, summary=str(value), day=day
                    )
                else:
                    assert isinstance(value, Satisfaction)
                    evaluate_suggestion(
                        session=session, suggestion_id=sid, satisfaction=value, day=day
                    )

    s1 = draft("电动车集中充电", date(2026, 10, 8), [a], [])
    steps(
        s1,
        ("submit", date(2026, 10, 10), None),
        ("assign", date(2026, 10, 12), "县住建局、县供电公司"),
        ("answer", date(2026, 10, 20), "年底前建成两处充电棚"),
        ("evaluate", date(2026, 10, 25), Satisfaction.satisfied),
    )
    s2 = draft("路灯维修机制", date(2026, 11, 1), [b], [])
    steps(
        s2,
        ("submit", date(2026, 11, 2), None),
        ("assign", date(2026, 11, 3), "镇建设办"),
        ("answer", date(2026, 11, 10), "纳入明年计划"),
        ("evaluate", date(2026, 11, 12), Satisfaction.unsatisfied),
        ("answer", date(2026, 11, 20), "本月内修复并建立巡查制度"),
        ("evaluate", date(2026, 11, 22), Satisfaction.fairly),
    )
    s3 = draft("夜间施工噪音", date(2026, 9, 10), [], [c])
    steps(
        s3,
        ("submit", date(2026, 9, 15), None),
        ("assign", date(2026, 9, 20), "县生态环境分局"),
        ("answer", date(2026, 10, 5), "已约谈施工单位"),
        ("evaluate", date(2026, 10, 8), Satisfaction.unsatisfied),
    )
    s4 = draft("停车位规划", date(2026, 11, 4), [], [d])
    steps(s4, ("submit", date(2026, 11, 5), None))
    s5 = draft("充电与停车统筹", date(2026, 11, 20), [a], [d])
    return SuggestionSet(a, b, c, d, s1, s2, s3, s4, s5)
