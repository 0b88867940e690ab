"""The store's enums, stdlib only: the interface catalogue and headless commands read them
without loading SQLModel (about 0.6 s). `store.core.models` re-exports them."""

from __future__ import annotations

from enum import StrEnum

# Enums. Stored as their English codes; the Chinese name is the spec's term and the ledger value.


class Term(StrEnum):
    """A domain term with a Chinese name (`zh`, from _ZH below): the enums the ledger, the slips
    and the reports write out."""

    @property
    def zh(self) -> str:
        return _ZH[(type(self), self.value)]


class Tier(Term):
    village = "village"
    township = "township"
    county = "county"


class IssueStatus(Term):
    """The five steps of the seed (五事), then closed."""

    received = "received"
    deliberating = "deliberating"
    handling = "handling"
    supervising = "supervising"
    evaluating = "evaluating"
    closed = "closed"

    @property
    def step(self) -> int:
        return list(IssueStatus).index(self)


class Channel(Term):
    walk_in = "walk_in"
    deputy_code = "deputy_code"
    phone = "phone"
    observer = "observer"
    home_visit = "home_visit"
    forum = "forum"
    online = "online"
    leader_visit = "leader_visit"


class VisitKind(Term):
    request = "request"
    suggestion = "suggestion"
    opinion = "opinion"
    legislative = "legislative"
    consultation = "consultation"


class Resolution(Term):
    resolved = "resolved"
    partly = "partly"
    unresolved = "unresolved"


class Satisfaction(Term):
    satisfied = "satisfied"
    fairly = "fairly"
    unsatisfied = "unsatisfied"


class Colour(Term):
    """Board colours, from best to worst; compare them by `severity` (not as strings)."""

    green = "green"
    yellow = "yellow"
    red = "red"

    @property
    def glyph(self) -> str:
        return {"green": "●", "yellow": "▲", "red": "■"}[self.value]

    @property
    def severity(self) -> int:
        return list(Colour).index(self)


class DeputyLevel(Term):
    county = "county"
    township = "township"


class VillageKind(Term):
    village = "village"
    community = "community"


class DeviceKind(StrEnum):
    station = "station"
    laptop = "laptop"
    # A county hub's own device (store.sync.hub): stations push to it and pull from it.
    hub = "hub"


class DayKind(Term):
    """A day that breaks the Monday-to-Friday rule (the working-day calendar of
    docs/rules/colours-and-windows.md)."""

    holiday = "holiday"
    workday = "workday"
    # The station's own mark that a day the official calendar treats as a holiday or a make-up
    # workday is an ordinary day here: deleting an official day is kept as this override.
    ordinary = "ordinary"


class ProjectStatus(Term):
    """A micro-project's stage (民生微实事)."""

    planned = "planned"
    underway = "underway"
    done = "done"


class ReviewTarget(Term):
    """What deputies score in the quarterly review (季度评议)."""

    micro_project = "micro_project"
    unit = "unit"


class MoveReason(Term):
    """Why an issue moved to another tier (升级/降级, store.desk.moves). Some reasons go up, some
    down, `other` either way (its note says what)."""

    beyond_capacity = "beyond_capacity"
    beyond_authority = "beyond_authority"
    coordination = "coordination"
    sent_back = "sent_back"
    local_matter = "local_matter"
    other = "other"


class NoticeEvent(Term):
    """What happened to an issue that its residents are told of (告知)."""

    triaged = "triaged"
    unit = "unit"
    # A move between tiers (升级/降级): queued by the tier move's own store function.
    moved = "moved"
    closed = "closed"


class NoticeWay(Term):
    """How a resident was told."""

    phone = "phone"
    sms = "sms"
    in_person = "in_person"


class SuggestionStatus(Term):
    """A deputies' suggestion's stage (代表建议): drafted, submitted to a body, assigned to
    handling units, answered; closed once the deputies are satisfied with the reply (满意 or
    基本满意). 不满意 sends it back to assigned: re-supervised (再督办), awaiting a new answer."""

    draft = "draft"
    submitted = "submitted"
    assigned = "assigned"
    answered = "answered"
    closed = "closed"


class SuggestionStep(Term):
    """One step of a suggestion's life, as its page lists them."""

    drafted = "drafted"
    submitted = "submitted"
    assigned = "assigned"
    answered = "answered"
    evaluated = "evaluated"


class Adoption(Term):
    """The legislature's answer to one legislative opinion (立法意见), as grassroots legislative
    contact points (基层立法联系点) report it: adopted (采纳), partly adopted (部分采纳: the
    article was changed in part along the opinion's lines, or it was taken up elsewhere), not
    adopted (未采纳). An opinion not answered yet has none."""

    adopted = "adopted"
    partly = "partly"
    not_adopted = "not_adopted"


class DeliberationKind(Term):
    """A deliberation session's kind (议事活动): residents' talks with deputies (民情茶馆,
    百姓夜话), the people's congress inviting residents in or opening its doors (人大有请,
    人大开放日), and the reports to residents (向人民报告, a deputy's 代表述职, whose vote is the
    voters' evaluation of that deputy)."""

    tea_house = "tea_house"
    evening_talk = "evening_talk"
    invitation = "invitation"
    open_day = "open_day"
    report = "report"
    deputy_report = "deputy_report"


class ObserverGroup(Term):
    """Where a station recruits its observers (民情观察员) from. An enum rather than a list each
    station edits: the groups are the seed's own (长兴: 五老, 返乡青年, 新就业群体 …), they are
    named in both languages, and a county hub sums one station's 五老 with another's only if
    both wrote the same code (free text would split 五老 from 五老人员). `other` takes the
    rest; the observer's own record says more."""

    five_elders = "five_elders"
    returning_youth = "returning_youth"
    new_employment = "new_employment"
    grid_worker = "grid_worker"
    local_worthy = "local_worthy"
    other = "other"


class PointKind(Term):
    """An observation point (民情观察点): an ordinary one (a village square, a market) or a trade
    point where a trade of the new employment groups gathers (riders, couriers, truckers)."""

    ordinary = "ordinary"
    delivery = "delivery"
    courier = "courier"
    trucking = "trucking"
    ride_hailing = "ride_hailing"
    other_trade = "other_trade"

    @property
    def is_trade(self) -> bool:
        """A trade point (行业观察点), as the seed counts them apart (长兴: 16 of 75)."""
        return self is not PointKind.ordinary


class ChangeOp(StrEnum):
    insert = "insert"
    update = "update"
    delete = "delete"


# Keyed by (enum, value): StrEnum members of different enums with the same value are equal.
_ZH: dict[tuple[type[StrEnum], str], str] = {
    (Tier, "village"): "村级",
    (Tier, "township"): "乡级",
    (Tier, "county"): "县级",
    (IssueStatus, "received"): "听事",
    (IssueStatus, "deliberating"): "议事",
    (IssueStatus, "handling"): "办事",
    (IssueStatus, "supervising"): "督事",
    (IssueStatus, "evaluating"): "评事",
    (IssueStatus, "closed"): "已办结",
    (Channel, "walk_in"): "到站来访",
    (Channel, "deputy_code"): "代表码",
    (Channel, "phone"): "电话",
    (Channel, "observer"): "民情观察员",
    (Channel, "home_visit"): "入户走访",
    (Channel, "forum"): "议事活动",
    (Channel, "online"): "网络",
    (Channel, "leader_visit"): "领导进站",
    (VisitKind, "request"): "诉求",
    (VisitKind, "suggestion"): "建议",
    (VisitKind, "opinion"): "意见",
    (VisitKind, "legislative"): "立法建议",
    (VisitKind, "consultation"): "咨询",
    (Resolution, "resolved"): "已解决",
    (Resolution, "partly"): "部分解决",
    (Resolution, "unresolved"): "未解决",
    (Satisfaction, "satisfied"): "满意",
    (Satisfaction, "fairly"): "基本满意",
    (Satisfaction, "unsatisfied"): "不满意",
    (Colour, "green"): "绿",
    (Colour, "yellow"): "黄",
    (Colour, "red"): "红",
    (DeputyLevel, "county"): "县级代表",
    (DeputyLevel, "township"): "乡镇代表",
    (VillageKind, "village"): "村",
    (VillageKind, "community"): "社区",
    (ProjectStatus, "planned"): "计划中",
    (ProjectStatus, "underway"): "实施中",
    (ProjectStatus, "done"): "已完成",
    (ReviewTarget, "micro_project"): "微实事",
    (ReviewTarget, "unit"): "责任单位",
    (DayKind, "holiday"): "放假",
    (DayKind, "workday"): "调休上班",
    (DayKind, "ordinary"): "普通日",
    (MoveReason, "beyond_capacity"): "本级无力解决",
    (MoveReason, "beyond_authority"): "超出本级职权",
    (MoveReason, "coordination"): "需多部门协调",
    (MoveReason, "sent_back"): "上级交办退回",
    (MoveReason, "local_matter"): "宜由下级就地解决",
    (MoveReason, "other"): "其他",
    (NoticeEvent, "triaged"): "已受理",
    (NoticeEvent, "unit"): "转交办理",
    (NoticeEvent, "moved"): "调整层级",
    (NoticeEvent, "closed"): "已办结",
    (NoticeWay, "phone"): "电话",
    (NoticeWay, "sms"): "短信",
    (NoticeWay, "in_person"): "当面",
    (SuggestionStatus, "draft"): "草拟中",
    (SuggestionStatus, "submitted"): "已提交",
    (SuggestionStatus, "assigned"): "已交办",
    (SuggestionStatus, "answered"): "已答复",
    (SuggestionStatus, "closed"): "已办结",
    (SuggestionStep, "drafted"): "起草",
    (SuggestionStep, "submitted"): "提交",
    (SuggestionStep, "assigned"): "交办",
    (SuggestionStep, "answered"): "答复",
    (SuggestionStep, "evaluated"): "代表测评",
    (Adoption, "adopted"): "采纳",
    (Adoption, "partly"): "部分采纳",
    (Adoption, "not_adopted"): "未采纳",
    (DeliberationKind, "tea_house"): "民情茶馆",
    (DeliberationKind, "evening_talk"): "百姓夜话",
    (DeliberationKind, "invitation"): "人大有请",
    (DeliberationKind, "open_day"): "人大开放日",
    (DeliberationKind, "report"): "向人民报告",
    (DeliberationKind, "deputy_report"): "代表述职",
    (ObserverGroup, "five_elders"): "五老",
    (ObserverGroup, "returning_youth"): "返乡青年",
    (ObserverGroup, "new_employment"): "新就业群体",
    (ObserverGroup, "grid_worker"): "网格员",
    (ObserverGroup, "local_worthy"): "乡贤",
    (ObserverGroup, "other"): "其他",
    (PointKind, "ordinary"): "普通观察点",
    (PointKind, "delivery"): "外卖骑手",
    (PointKind, "courier"): "快递",
    (PointKind, "trucking"): "长途货运",
    (PointKind, "ride_hailing"): "网约车",
    (PointKind, "other_trade"): "其他行业",
}
