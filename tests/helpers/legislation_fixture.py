"""A hand-written draft regulation with opinions and the legislature's answers on the small
station, with its adoption rates computed by hand (not the demo): what the store, the draft's
page, statistics and the quarterly report must reproduce.

The draft (DRAFT_TEXT): 临溪县农村生活垃圾分类管理条例（草案）, three chapters (headings) and six
articles, 第一条 to 第六条.

Opinions (given / answered):
- O1 on 第三条, from 李大伯's 立法建议 visit (青石村); given 2026-10-10; 采纳 2026-11-05;
- O2 on 第三条, typed: 张建国 at 青石村村民代表会议, his own name and phone in his words; given
  10-12; 部分采纳 11-05;
- O3 on 第四条, typed: 陈美华, 东塘村; given 10-15; 未采纳 11-06;
- O4 on 第五条, from 王秀英's 立法建议 visit (东塘村); given 10-20; not answered;
- O5 on the draft as a whole (总体意见), typed: 赵德明; given 2026-09-20 (Q3); 采纳 09-30 (Q3);
- O6 on 第一条, typed with no name, 新桥社区; given 11-02; 未采纳 11-20.

Hand-computed:
- the draft: 6 opinions, 5 answered, 采纳 2 + 部分采纳 1 = 3: 60.0% (3/5); 1 awaiting;
- per article: 第一条 1 (未采纳), 第三条 2 (采纳, 部分采纳: 100.0% (2/2)), 第四条 1 (未采纳),
  第五条 1 (awaiting), 总体意见 1 (采纳); 第二条 and 第六条 none;
- 2026 Q4: given O1–O4, O6 = 5; answered in Q4 O1, O2, O3, O6: 50.0% (2/4);
- 2026 Q3: given O5 = 1; answered O5: 100.0% (1/1);
- November 2026: given O6 = 1; answered O1, O2, O3, O6: 50.0% (2/4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from small_station import OTHER_VILLAGE, VILLAGE, Refs

from store.changelog.changes import Actor
from store.core.models import Adoption, Channel, VisitCreate, VisitKind
from store.db import Store
from store.desk.visits import log_visit
from store.legislation.drafts import load_draft
from store.legislation.opinions import add_opinion, answer_opinion

TITLE = "临溪县农村生活垃圾分类管理条例（草案）"
SOURCE = "临溪县人大常委会法制工作委员会"
DRAFT_TEXT = """临溪县农村生活垃圾分类管理条例（草案）

第一章　总则

第一条　为了推进农村生活垃圾分类，改善农村人居环境，根据有关法律、法规，结合本县实际，制定本条例。
第二条　本县行政区域内农村生活垃圾的分类投放、收集、运输、处理及其监督管理，适用本条例。

第二章　分类投放

第三条　农村生活垃圾分为易腐垃圾、可回收物、有害垃圾和其他垃圾。
　　村民委员会应当设置分类投放点。
第四条　村民应当按照规定的时间、地点分类投放生活垃圾。
第五条　违反本条例规定的，由乡镇人民政府责令改正。

第三章　附则

第六条　本条例自2027年1月1日起施行。
"""

# The words with personal data in them: the summary must print neither the name nor the phone.
O2_WORDS = "我是张建国，电话13912345678。建议第三条把“可回收物”的回收点设到每个自然村。"
O2_NAME, O2_PHONE = "张建国", "13912345678"
VISIT_PHONES = ("13800000011", "13800000012")
RESIDENTS = ("李大伯", "王秀英")

DRAFT_OPINIONS, DRAFT_ANSWERED, DRAFT_ADOPTED = 6, 5, 3
Q4_GIVEN, Q4_ANSWERED, Q4_ADOPTED = 5, 4, 2
Q3_GIVEN, Q3_ANSWERED, Q3_ADOPTED = 1, 1, 1


@dataclass(frozen=True)
class LegislationSet:
    draft: str
    # Article ids by label (第一条 …).
    articles: dict[str, str]
    visit_1: str
    visit_2: str
    opinions: tuple[str, ...]


def _visit(store: Store, actor: Actor, refs: Refs, village: str, name: str, phone: str) -> str:
    words = {
        "李大伯": f"建议垃圾分类条例草案第三条写明分类投放点的设置标准，有事打我电话{phone}。",
        "王秀英": "建议第五条的处罚先教育后处罚，不然老人家接受不了。",
    }[name]
    form = VisitCreate(
        phone=phone,
        name=name,
        village_id=refs.villages[village],
        category_id=refs.categories["垃圾分类"],
        channel=Channel.walk_in,
        kind=VisitKind.legislative,
        text=words,
    )
    with store.write(actor) as session:
        return log_visit(session=session, visit_in=form).id


def build_legislation(store: Store, actor: Actor, refs: Refs) -> LegislationSet:
    with store.write(actor) as session:
        draft = load_draft(
            session=session,
            text=DRAFT_TEXT,
            source=SOURCE,
            due_on=date(2026, 10, 31),
            day=date(2026, 9, 15),
        )
    articles = {a.label: a.id for a in draft.articles}
    v1 = _visit(store, actor, refs, VILLAGE, RESIDENTS[0], VISIT_PHONES[0])
    v2 = _visit(store, actor, refs, OTHER_VILLAGE, RESIDENTS[1], VISIT_PHONES[1])
    plan: list[tuple[str | None, dict[str, str], date, Adoption | None, date | None]] = [
        ("第三条", {"visit_id": v1}, date(2026, 10, 10), Adoption.adopted, date(2026, 11, 5)),
        (
            "第三条",
            {"text": O2_WORDS, "who": O2_NAME, "place": "青石村村民代表会议"},
            date(2026, 10, 12),
            Adoption.partly,
            date(2026, 11, 5),
        ),
        (
            "第四条",
            {"text": "投放时间定得太早，上班的人赶不上，建议早晚各一次。", "who": "陈美华"},
            date(2026, 10, 15),
            Adoption.not_adopted,
            date(2026, 11, 6),
        ),
        ("第五条", {"visit_id": v2}, date(2026, 10, 20), None, None),
        (
            None,
            {"text": "条例应当写明县财政对垃圾分类的经费保障。", "who": "赵德明"},
            date(2026, 9, 20),
            Adoption.adopted,
            date(2026, 9, 30),
        ),
        (
            "第一条",
            {"text": "立法目的里加上“促进资源循环利用”。", "place": "新桥社区"},
            date(2026, 11, 2),
            Adoption.not_adopted,
            date(2026, 11, 20),
        ),
    ]
    made = []
    for label, given, day, adoption, answered in plan:
        with store.write(actor) as session:
            opinion = add_opinion(
                session=session,
                draft_id=draft.row.id,
                article_id=articles[label] if label else None,
                day=day,
                **given,
            )
            if adoption is not None:
                answer_opinion(
                    session=session,
                    opinion_id=opinion.id,
                    adoption=adoption,
                    note="已吸收" if adoption != Adoption.not_adopted else "",
                    day=answered,
                )
        made.append(opinion.id)
    return LegislationSet(draft.row.id, articles, v1, v2, tuple(made))
