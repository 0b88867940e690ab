"""A hand-written set of deliberation sessions (议事活动) on the small station, with figures
computed by hand (not the demo): what the store, statistics, the deputies' record and the
quarterly report must reproduce.

Sessions (deputies present; votes 满意/基本满意/不满意):
- D1 百姓夜话 2026-11-05, 青石村文化礼堂; 沈国强 朱秀芬; 40 residents; vote 30/6/4 (36/40).
  Visits raised: V1 (飞线充电, triaged to a new township issue A), V2 (路灯, triaged to a new
  village issue B, closed 满意), V3 (logged through the 议事活动 channel that evening without the
  session, then linked by `link_day_visits`; not triaged), V4 (withdrawn: 撤回).
- D2 民情茶馆 2026-10-20, 东塘村茶室; 沈国强; 15 residents; no vote. Visit V5 (not triaged).
- D3 代表述职 2026-11-18, 青石村户主大会; 沈国强 (朱秀芬 reports, present by that); 60 residents;
  vote 50/6/4 (56/60).
- D4 代表述职 2026-09-25 (Q3), 东塘村; 沈国强 reports; 30 residents; vote 20/5/5 (25/30).
- D5 向人民报告 2026-11-20, 镇人大会议室; 沈国强 朱秀芬; 80 residents; vote 60/15/5 (75/80).
- D6 人大开放日 2026-11-10, deleted (recorded by mistake): in no figure.

Hand-computed, 2026 Q4: sessions D1 D2 D3 D5 = 4 (one of each of 百姓夜话, 民情茶馆, 代表述职,
向人民报告); residents 40 + 15 + 60 + 80 = 195; visits raised V1 V2 V3 (D1) + V5 (D2) = 4 (V4
withdrawn); votes at 3 sessions, (36 + 56 + 75) / (40 + 60 + 80) = 167/180 = 92.8%.
October: D2 only, 15 residents, 1 visit, no vote (—). Q3: D4, 30 residents, 25/30 = 83.3%.
Deputies, Q4: 沈国强 at 4 sessions, no 述职; 朱秀芬 at 3 (D1 D3 D5), one 述职, 56/60 = 93.3%.
Q3: 沈国强 at 1 (D4), one 述职, 25/30 = 83.3%."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from small_station import DEPUTY, OTHER_DEPUTY, OTHER_VILLAGE, STATION_TZ, VILLAGE, Refs

from store.changelog.changes import Actor
from store.core.models import (
    Channel,
    DeliberationKind,
    EvaluationCreate,
    Resolution,
    Satisfaction,
    Tier,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.deliberations.deliberations import (
    DeliberationIn,
    delete_deliberation,
    link_day_visits,
    log_deliberation,
    record_vote,
)
from store.desk.issues import close_issue
from store.desk.regroup import withdraw_visit
from store.desk.triage import open_issue
from store.desk.visits import log_visit

Q4_SESSIONS, Q4_RESIDENTS, Q4_VISITS = 4, 195, 4
Q4_VOTES = "92.8% (167/180)"
OCTOBER = (1, 15, 1)
Q3_RATE = "83.3% (25/30)"
REPORT_RATE = "93.3% (56/60)"


@dataclass(frozen=True)
class SessionSet:
    d1: str
    d2: str
    d3: str
    d4: str
    d5: str
    d6: str
    v1: str
    v2: str
    v3: str
    v4: str
    v5: str
    issue_a: str
    issue_b: str


def _evening(day: date) -> datetime:
    return datetime.combine(day, time(19, 30), tzinfo=STATION_TZ)


def build_sessions(store: Store, actor: Actor, refs: Refs) -> SessionSet:
    me, other = refs.deputies[DEPUTY], refs.deputies[OTHER_DEPUTY]

    def held(
        kind: DeliberationKind,
        day: date,
        place: str,
        residents: int,
        deputies: list[str],
        reporting: str | None = None,
        vote: tuple[int, int, int] | None = None,
    ) -> str:
        with store.write(actor) as session:
            row = log_deliberation(
                session=session,
                deliberation_in=DeliberationIn(
                    kind=kind,
                    held_on=day,
                    place=place,
                    officials="镇城建办主任 王海",
                    residents=residents,
                    topics=f"{place}的议题一\n议题二",
                    decisions="议定一",
                    deputy_ids=deputies,
                    reporting_deputy_id=reporting,
                ),
            )
            if vote is not None:
                record_vote(
                    session=session,
                    deliberation_id=row.id,
                    satisfied=vote[0],
                    fairly=vote[1],
                    unsatisfied=vote[2],
                )
        return row.id

    def raised(text: str, phone: str, day: date, at: str | None, village: str = VILLAGE) -> str:
        form = VisitCreate(
            phone=phone,
            name="陈阿婆",
            village_id=refs.villages[village],
            category_id=refs.categories["道路交通"],
            channel=Channel.forum,
            kind=VisitKind.request,
            text=text,
            received_at=_evening(day),
            deliberation_id=at,
        )
        with store.write(actor) as session:
            return log_visit(session=session, visit_in=form).id

    def issue(visit_id: str, tier: Tier) -> str:
        with store.write(actor) as session:
            return open_issue(
                session=session, visit_id=visit_id, tier=tier, unit_id=refs.unit_for(tier)
            ).id

    d1 = held(
        DeliberationKind.evening_talk,
        date(2026, 11, 5),
        "青石村文化礼堂",
        40,
        [me, other],
        vote=(30, 6, 4),
    )
    d2 = held(DeliberationKind.tea_house, date(2026, 10, 20), "东塘村茶室", 15, [me])
    d3 = held(
        DeliberationKind.deputy_report,
        date(2026, 11, 18),
        "青石村户主大会",
        60,
        [me],
        reporting=other,
        vote=(50, 6, 4),
    )
    d4 = held(
        DeliberationKind.deputy_report,
        date(2026, 9, 25),
        "东塘村",
        30,
        [],
        reporting=me,
        vote=(20, 5, 5),
    )
    d5 = held(
        DeliberationKind.report,
        date(2026, 11, 20),
        "镇人大会议室",
        80,
        [me, other],
        vote=(60, 15, 5),
    )
    d6 = held(DeliberationKind.open_day, date(2026, 11, 10), "镇人大会议室", 25, [me])
    with store.write(actor) as session:
        delete_deliberation(session=session, deliberation_id=d6)

    day = date(2026, 11, 5)
    v1 = raised("楼道里电动车飞线充电，很危险", "13800000011", day, d1)
    v2 = raised("村东路灯坏了三盏", "13800000012", day, d1)
    v3 = raised("村口垃圾桶太少", "13800000013", day, None)
    v4 = raised("想问问低保怎么申请", "13800000014", day, d1)
    v5 = raised("茶室门口路面破损", "13800000015", date(2026, 10, 20), d2, OTHER_VILLAGE)
    with store.write(actor) as session:
        assert link_day_visits(session=session, deliberation_id=d1, tz=STATION_TZ) == 1
    issue_a = issue(v1, Tier.township)
    issue_b = issue(v2, Tier.village)
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=issue_b,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
            ),
        )
        withdraw_visit(session=session, visit_id=v4, reason="已当场解答")
    return SessionSet(d1, d2, d3, d4, d5, d6, v1, v2, v3, v4, v5, issue_a, issue_b)
