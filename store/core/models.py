"""Every table, enum and input model of the store, in one module so nothing imports in a circle."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import cast

from pydantic import field_validator
from sqlalchemy import Index, MetaData, String, Text, text
from sqlmodel import Field, SQLModel

# Re-exported: models.py is where every model and enum is found.
from store.core.enums import (  # noqa: F401
    Adoption,
    ChangeOp,
    Channel,
    Colour,
    DayKind,
    DeliberationKind,
    DeputyLevel,
    DeviceKind,
    IssueStatus,
    MoveReason,
    NoticeEvent,
    NoticeWay,
    ObserverGroup,
    PointKind,
    ProjectStatus,
    Resolution,
    ReviewTarget,
    Satisfaction,
    SuggestionStatus,
    SuggestionStep,
    Tier,
    VillageKind,
    VisitKind,
)
from store.core.validation import (
    TEXT_MAX,
    clean_name,
    clean_phone,
    clean_text,
    clean_title,
    strip_controls,
)

# Alembic names constraints from this, so migrations can drop them by name on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


# Where new ids come from in this thread of work, when not random: `ids_from` (the demo, to be
# reproducible). A context variable, so that no other thread's records take them.
_ID_SOURCE: ContextVar[Callable[[], str] | None] = ContextVar("id_source", default=None)


def new_id() -> str:
    """A random UUID as text: records are created on several devices and must never collide
    (within `ids_from`, the source's instead)."""
    source = _ID_SOURCE.get()
    return source() if source is not None else str(uuid.uuid4())


@contextmanager
def ids_from(source: Callable[[], str]) -> Iterator[None]:
    """New records take their ids from `source` inside the block (the demo writes through the
    store's functions with a seeded source, as `init_station`'s `make_id`)."""
    token = _ID_SOURCE.set(source)
    try:
        yield
    finally:
        _ID_SOURCE.reset(token)


# The seeded categories (migration 0002) get the same id on every device (uuid5 of the name), so a
# laptop and its station agree on them without syncing the seed.
CATEGORY_NAMESPACE = uuid.UUID("6f1d6c53-4c1e-4a55-9b0e-1c2a3d4e5f60")


def table_name(model: type[SQLModel] | SQLModel) -> str:
    """A table model's (or record's) table name. SQLModel types `__tablename__` as a name or a
    function making one (SQLAlchemy's declared_attr); on a table model it is always the name."""
    return cast(str, model.__tablename__)


def category_id_for(name: str) -> str:
    return str(uuid.uuid5(CATEGORY_NAMESPACE, name))


# ---------------------------------------------------------------------------------------------
# Tables. Every synced record has the same five columns (see Record).


class Record(SQLModel):
    """Columns every synced record carries: a UUID, when and on which device it was last written,
    and a soft-delete mark (rows are never removed, so a deletion can travel to other devices)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    # Set by the write session, never by callers (see store.changelog.changes).
    created_at: datetime | None = Field(default=None, nullable=False)
    updated_at: datetime | None = Field(default=None, nullable=False)
    device_id: str | None = Field(default=None, nullable=False, max_length=36)
    deleted_at: datetime | None = Field(default=None)


class Station(Record, table=True):
    name: str = Field(max_length=100)
    township: str = Field(max_length=100)
    county: str = Field(max_length=100)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class Device(Record, table=True):
    station_id: str = Field(foreign_key="station.id", max_length=36)
    name: str = Field(max_length=100)
    kind: str = Field(default=DeviceKind.station, sa_type=String(16))
    # The public halves of the device's own keys (store.sync.device_keys), base64: Ed25519, which
    # signs its bundles, and X25519, with which a new station key is given to it. Written by the
    # device itself; a device's key never changes once set.
    sign_key: str | None = Field(default=None, max_length=64)
    box_key: str | None = Field(default=None, max_length=64)
    # Who vouches for those keys: "<device id> <signature>", the device itself (its first key)
    # or the device it continues (a new id after a restore), signed with that device's key.
    key_cert: str | None = Field(default=None, max_length=200)
    # Retired by its station: its bundles are refused everywhere from then on. The retirement is
    # "<station device id> <signature>" of the station's own key, so no laptop can forge one.
    retired_at: datetime | None = None
    retire_cert: str | None = Field(default=None, max_length=200)


class NameAlias(Record, table=True):
    """A name a village, unit, category or deputy had before a rename, or the name of one merged
    into it (store.reference.editing): a ledger written with the old name still finds the record
    (store.reference.names)."""

    __tablename__ = "name_alias"
    __table_args__ = (Index("ix_name_alias_name", "table_name", "name"),)

    station_id: str = Field(foreign_key="station.id", max_length=36)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=36)
    name: str = Field(max_length=100)


class Deputy(Record, table=True):
    station_id: str = Field(foreign_key="station.id", max_length=36, index=True)
    name: str = Field(max_length=50)
    level: str = Field(default=DeputyLevel.township, sa_type=String(16))
    group_name: str = Field(default="", max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    pin_hash: str | None = Field(default=None, max_length=200)
    active: bool = True


class Shift(Record, table=True):
    """One deputy's duty on one day (代表轮值驻站); the roster is the set of future shifts."""

    __table_args__ = (Index("ix_shift_duty_date", "duty_date"),)

    station_id: str = Field(foreign_key="station.id", max_length=36)
    deputy_id: str = Field(foreign_key="deputy.id", max_length=36)
    duty_date: date
    handover_note: str | None = Field(default=None, sa_type=Text)
    handed_over_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)


class Village(Record, table=True):
    station_id: str = Field(foreign_key="station.id", max_length=36, index=True)
    name: str = Field(max_length=50)
    kind: str = Field(default=VillageKind.village, sa_type=String(16))
    position: int = 0
    # A village merged into another, or no longer served: kept for its history, offered no more.
    active: bool = True


class Unit(Record, table=True):
    """A body that handles issues at one tier (责任单位)."""

    station_id: str = Field(foreign_key="station.id", max_length=36, index=True)
    name: str = Field(max_length=100)
    tier: str = Field(sa_type=String(16))
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    active: bool = True


class Category(Record, table=True):
    name: str = Field(max_length=50)
    position: int = 0
    active: bool = True


class Constituent(Record, table=True):
    __table_args__ = (Index("ix_constituent_phone", "phone"),)

    station_id: str = Field(foreign_key="station.id", max_length=36)
    name: str = Field(max_length=50)
    # Not unique: two devices may register the same resident while apart, and a family may
    # share one phone; lookups take the most recently active.
    phone: str = Field(max_length=20)
    village_id: str = Field(foreign_key="village.id", max_length=36)
    group_name: str | None = Field(default=None, max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    # A resident the station gives priority to (困难群体: elderly living alone, disabled, in
    # hardship); raises the urgency of their issues.
    vulnerable: bool = False
    # Derived from `name` on every write (store.changelog.derived), so residents are found by pinyin
    # ("zhangxiaoming") and by initials ("zxm") with an index, not by converting every name.
    name_pinyin: str = Field(default="", max_length=200, index=True)
    name_initials: str = Field(default="", max_length=50, index=True)
    # Set when the resident's personal data was purged (PIPL retention, store.trust.purge): name and
    # phone are empty from then on, here and in every change-log entry before it.
    purged_at: datetime | None = None


# Closed, without the resident's verdict, not withdrawn, not deleted (store.desk.follow_up's
# awaiting_verdict, which the index's predicate must match for a planner to use it).
_AWAITING_VERDICT = (
    "status = 'closed' AND satisfaction IS NULL AND withdrawn_at IS NULL AND deleted_at IS NULL"
)


class Issue(Record, table=True):
    """One problem, fed by one or more visits. Its due and warning dates are fixed when the issue is
    opened, or moved to another tier (store.desk.moves), so the board's colours are range queries
    on indexed dates. A reopened issue keeps them: it is red until closed again, and its figures
    count from the first opening."""

    __table_args__ = (
        # The board's index: counts by tier and colour are range counts on its leading columns
        # (tier, due_on, warn_on), and it holds everything the urgency order (store.desk.urgency)
        # and the colour order read, so sorting every open issue scans it alone, never the
        # table (16 ms for 34,000 open issues, against 48 ms with a row read each).
        Index(
            "ix_issue_open_urgency",
            "tier",
            "due_on",
            "warn_on",
            "status",
            "resupervision",
            "repeat_count",
            "kind",
            "vulnerable",
            "id",
            sqlite_where=text("status <> 'closed' AND deleted_at IS NULL"),
            postgresql_where=text("status <> 'closed' AND deleted_at IS NULL"),
        ),
        # The open issues by the day opened, with what their colour reads and the groups the
        # statistics break figures down by: the figures of a period that depend on today (open,
        # overdue, the colours of the open ones) and a station's board are read from it alone.
        # (Schema 0028; it replaces 0025's of PostgreSQL, which lacked the issue's id, so a year's
        # overdue issues, whose first visit is read by id, were found by reading every issue of
        # the year: a county's at 600,000 visits, 41 ms to 17.)
        Index(
            "ix_issue_open_opened",
            "opened_on",
            "due_on",
            "warn_on",
            "tier",
            "resupervision",
            "withdrawn_at",
            "station_id",
            "unit_id",
            "village_id",
            "category_id",
            "id",
            sqlite_where=text("status <> 'closed' AND deleted_at IS NULL"),
            postgresql_where=text("status <> 'closed' AND deleted_at IS NULL"),
        ),
        Index("ix_issue_status", "status"),
        Index("ix_issue_category_tier", "category_id", "tier"),
        Index("ix_issue_village", "village_id"),
        # A unit's issues; with the closing day, whether it had one open in a quarter (the
        # quarterly review's units, store.projects.review) is a range of it.
        Index("ix_issue_unit_closed", "unit_id", "closed_on"),
        # The statistics count issues by the period they were opened in; a figure's issues (the
        # statistics' drill-down, store.desk.board) are the period's, and the index holds all
        # that their colour, the board's order and its counts read, so a county's year is
        # counted and sorted from it alone (590 ms of SQL to 110 at 600,000 visits). With the
        # lead deputy (schema 0028), the deputies' list counts its deputies' issues of a period
        # by colour from it too, not from the table (the county's quarter: 25 ms to 5).
        Index(
            "ix_issue_opened_colour",
            "opened_on",
            "tier",
            "status",
            "satisfaction",
            "closed_on",
            "resupervision",
            "due_on",
            "warn_on",
            "withdrawn_at",
            "id",
            "lead_deputy_id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # The few issues merged into another: what sync's redirect rule reads after every
        # merge of changes (store.sync.regroup_rule).
        Index(
            "ix_issue_merged_into",
            "merged_into",
            sqlite_where=text("merged_into IS NOT NULL"),
            postgresql_where=text("merged_into IS NOT NULL"),
        ),
        # The few issues split off another: what the original's page lists.
        Index(
            "ix_issue_split_from",
            "split_from",
            sqlite_where=text("split_from IS NOT NULL"),
            postgresql_where=text("split_from IS NOT NULL"),
        ),
        # The closed issues awaiting their residents' verdict, by closing day: the follow-up
        # calls' pages (store.desk.follow_up) are read in its order.
        # With the reopen count, whether an issue was tried or given up in its present closure
        # is found without reading the table (counting 64,000 on a county hub).
        Index(
            "ix_issue_awaiting_verdict",
            "closed_on",
            "id",
            "reopen_count",
            sqlite_where=text(_AWAITING_VERDICT),
            postgresql_where=text(_AWAITING_VERDICT),
        ),
        # A deputy's issues (store.reports.deputy_record): the deputies' list joins them to the
        # period's evaluations without reading the table.
        Index(
            "ix_issue_lead_deputy",
            "lead_deputy_id",
            "id",
            sqlite_where=text("lead_deputy_id IS NOT NULL AND deleted_at IS NULL"),
            postgresql_where=text("lead_deputy_id IS NOT NULL AND deleted_at IS NULL"),
        ),
    )

    station_id: str = Field(foreign_key="station.id", max_length=36)
    title: str = Field(max_length=100)
    category_id: str = Field(foreign_key="category.id", max_length=36)
    village_id: str = Field(foreign_key="village.id", max_length=36)
    tier: str = Field(sa_type=String(16))
    unit_id: str = Field(foreign_key="unit.id", max_length=36)
    status: str = Field(default=IssueStatus.received, sa_type=String(16))
    lead_deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    opened_on: date
    # The window of its present tier: it counts from `tier_since`, the station-local day the
    # issue moved to that tier (store.desk.moves), or from `opened_on` when it never moved
    # (None). The two-month rate counts from `opened_on` whatever the moves.
    window_days: int
    due_on: date
    warn_on: date
    tier_since: date | None = None
    resupervision: bool = False
    reopen_count: int = 0
    visit_count: int = 0
    # Visits by a resident who had already come about this issue (重复诉求).
    repeat_count: int = 0
    # The most pressing kind among its visits (诉求 over 意见 over 建议…, store.desk.urgency) and
    # whether any of its residents is vulnerable (困难群体): kept on every write that links a
    # visit, so that the urgency order is a scan of one index.
    kind: str = Field(default=VisitKind.request, sa_type=String(16))
    vulnerable: bool = False
    closed_on: date | None = None
    closed_within_window: bool | None = None
    resolution: str | None = Field(default=None, sa_type=String(16))
    satisfaction: str | None = Field(default=None, sa_type=String(16))
    evaluated_at: datetime | None = None
    # The number its official slips carry (青石〔2026〕交办第 12 号): given on the first print,
    # kept for ever (store.reports.slips). A laptop's numbers carry its mark (第 K7-3 号), so
    # that two devices numbering offline never give one number twice.
    slip_year: int | None = None
    slip_mark: str | None = Field(default=None, max_length=8)
    slip_seq: int | None = None
    # Merged into another issue (store.desk.regroup): the issue it lives on as, set together with
    # `deleted_at`, so that the merged issue leaves every list and figure while its visits,
    # progress and evaluations go on on the survivor. No foreign key: over sync the survivor
    # may arrive after the merge in the same bundle.
    merged_into: str | None = Field(default=None, max_length=36)
    # Split off another issue: the issue its visits came from (its history stays there).
    split_from: str | None = Field(default=None, max_length=36)
    # Closed because every resident withdrew (撤回): counted apart from the figures
    # (docs/rules/figures.md), never followed up.
    withdrawn_at: datetime | None = None


class Visit(Record, table=True):
    """One contact with a resident (来访/民情), in the resident's own words."""

    __table_args__ = (
        Index("ix_visit_received_at", "received_at"),
        # The visits a deputy received in a period (the deputies' list).
        Index(
            "ix_visit_deputy",
            "deputy_id",
            "received_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_visit_untriaged",
            "received_at",
            sqlite_where=text("issue_id IS NULL AND deleted_at IS NULL"),
            postgresql_where=text("issue_id IS NULL AND deleted_at IS NULL"),
        ),
        Index("ix_visit_issue", "issue_id"),
        Index("ix_visit_constituent", "constituent_id"),
        # The few visits raised at a deliberation session: its page lists them, the figures
        # count them (a partial index: most visits were never at one).
        Index(
            "ix_visit_deliberation",
            "deliberation_id",
            sqlite_where=text("deliberation_id IS NOT NULL"),
            postgresql_where=text("deliberation_id IS NOT NULL"),
        ),
        # The few visits through an observer (民情观察员), at a point: counted per observer and
        # per point over a period (store.observers.figures).
        Index(
            "ix_visit_observer",
            "observer_id",
            "received_at",
            sqlite_where=text("observer_id IS NOT NULL"),
            postgresql_where=text("observer_id IS NOT NULL"),
        ),
        Index(
            "ix_visit_point",
            "point_id",
            "received_at",
            sqlite_where=text("point_id IS NOT NULL"),
            postgresql_where=text("point_id IS NOT NULL"),
        ),
    )

    station_id: str = Field(foreign_key="station.id", max_length=36)
    received_at: datetime
    channel: str = Field(sa_type=String(16))
    kind: str = Field(sa_type=String(16))
    constituent_id: str = Field(foreign_key="constituent.id", max_length=36)
    village_id: str = Field(foreign_key="village.id", max_length=36)
    category_id: str = Field(foreign_key="category.id", max_length=36)
    text: str = Field(sa_type=Text)
    # The first line, cut short at write time, so lists never read 10,000-character texts.
    summary: str = Field(max_length=80)
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    issue_id: str | None = Field(default=None, foreign_key="issue.id", max_length=36)
    # The resident had already come about the same issue (重复诉求); counted on the issue.
    is_repeat: bool = False
    # The resident agrees that their name and phone go to the handling unit (同意转交). Without
    # it, slips and exports for units carry neither.
    consent_forward: bool = False
    # The resident does not want to be called back (不用回电): they are told nothing of the
    # issue's progress (store.desk.notices). Another question than 同意转交.
    no_callback: bool = False
    # Withdrawn (撤回): the resident no longer asks. The visit stays where it was, for the
    # record, but leaves the triage queue and its issue's counts (store.desk.regroup).
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = Field(default=None, max_length=200)
    # Raised at a deliberation session (议事活动, store.deliberations): the session's id. No
    # foreign key, like `issue.merged_into`: a session and the visits logged in it travel in the
    # same bundle, and a session may be entered after the visits taken down there.
    deliberation_id: str | None = Field(default=None, max_length=36)
    # Through an observer (channel 民情观察员): who relayed it and at which observation point
    # (store.observers). No foreign keys: SQLite adds one to an existing table only by rebuilding
    # it, which would drop what hangs on `visit` (its search triggers); the store checks both
    # when it writes them.
    observer_id: str | None = Field(default=None, max_length=36)
    point_id: str | None = Field(default=None, max_length=36)


class Progress(Record, table=True):
    """A dated note on an issue (办理进展), possibly moving its status."""

    __table_args__ = (Index("ix_progress_issue_at", "issue_id", "at"),)

    issue_id: str = Field(foreign_key="issue.id", max_length=36)
    at: datetime
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    status_before: str = Field(sa_type=String(16))
    status_after: str = Field(sa_type=String(16))
    note: str = Field(default="", sa_type=Text)


class Evaluation(Record, table=True):
    """The resident's verdict at closure (群众评事)."""

    __table_args__ = (
        Index("ix_evaluation_issue", "issue_id"),
        # The satisfaction rate counts evaluations made in a period.
        Index("ix_evaluation_at", "at"),
        # ... and the deputies' list counts them for each deputy's issues: with the issue and
        # the answer, the period's evaluations of a county are read from it alone (schema 0028:
        # the list's SQL at 600,000 visits 82 ms to 60).
        Index(
            "ix_evaluation_at_issue",
            "at",
            "issue_id",
            "satisfaction",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    issue_id: str = Field(foreign_key="issue.id", max_length=36)
    at: datetime
    resolution: str = Field(sa_type=String(16))
    satisfaction: str = Field(sa_type=String(16))
    note: str = Field(default="", sa_type=Text)
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)


class UnansweredCall(Record, table=True):
    """A follow-up call nobody answered (未接通): who tried, when. The issue is called again after
    the station's wait (store.desk.follow_up); the try that reaches the station's number of tries
    gives up (`gave_up`), and the issue leaves the list as could not be reached (未能回访). An
    append, like an evaluation: two devices' tries never conflict."""

    __tablename__ = "unanswered_call"
    __table_args__ = (Index("ix_unanswered_call_issue", "issue_id", "round"),)

    issue_id: str = Field(foreign_key="issue.id", max_length=36)
    at: datetime
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    # Which closure of the issue the call followed up: its reopen_count then. A reopened issue
    # closed again is followed up afresh.
    round: int = 0
    gave_up: bool = False


class IssueMove(Record, table=True):
    """An issue moved to another tier (升级 escalated, 降级 de-escalated) and unit: who, when, why.

    The tier it left is judged then and there: `from_due_on` was its due date at that tier and
    `from_on_time` whether it moved no later than that (docs/rules/colours-and-windows.md), so
    later settings or calendars never rewrite the figures of a past move. An append, like an
    evaluation; what the move changed on the issue is an ordinary logged edit of the issue."""

    __tablename__ = "issue_move"
    __table_args__ = (
        Index("ix_issue_move_issue", "issue_id", "moved_at"),
        # The statistics count moves by when they were made.
        Index("ix_issue_move_moved_at", "moved_at"),
    )

    station_id: str = Field(foreign_key="station.id", max_length=36)
    issue_id: str = Field(foreign_key="issue.id", max_length=36)
    moved_at: datetime
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    from_tier: str = Field(sa_type=String(16))
    to_tier: str = Field(sa_type=String(16))
    from_unit_id: str = Field(foreign_key="unit.id", max_length=36)
    to_unit_id: str = Field(foreign_key="unit.id", max_length=36)
    reason: str = Field(default=MoveReason.other, sa_type=String(24))
    note: str = Field(default="", max_length=200)
    from_due_on: date
    from_on_time: bool
    # The new tier's due date as the move set it (the issue's own may move with the calendar).
    to_due_on: date


class Notice(Record, table=True):
    """A resident to be told (告知) of something that happened to their issue: triaged, handed to
    a unit, moved between tiers, closed (store.desk.notices). Its id is derived from the issue,
    the resident and the occasion (`occasion`: the event and which one of its kind on the issue),
    so the same notice queued on two devices is one record. Told (`told_at`, `way`, `deputy_id`) or
    tried in vain (`tries`) by the deputy; holds no personal data (the resident by id only)."""

    __table_args__ = (Index("ix_notice_issue_constituent", "issue_id", "constituent_id"),)

    issue_id: str = Field(foreign_key="issue.id", max_length=36)
    constituent_id: str = Field(foreign_key="constituent.id", max_length=36)
    event: str = Field(default=NoticeEvent.triaged, sa_type=String(16))
    occasion: str = Field(max_length=32)
    told_at: datetime | None = None
    way: str | None = Field(default=None, sa_type=String(16))
    # The deputy who told them (or tried last).
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    # Calls nobody answered (未接通): the notice stays on the list.
    tries: int = 0
    last_try_at: datetime | None = None


class CalendarDay(Record, table=True):
    """A public holiday on a weekday, or a make-up workday (调休) at a weekend. Its id is derived
    from the date (`calendar_day_id`), so the same day marked on two devices is one record."""

    __tablename__ = "calendar_day"

    day: date = Field(index=True)
    kind: str = Field(sa_type=String(16))
    name: str = Field(default="", max_length=50)


# The device that seeded reference data in migrations (categories, settings, the 2026 calendar):
# a row still on it was never edited by a station.
SEED_DEVICE = "00000000-0000-0000-0000-000000000000"

CALENDAR_NAMESPACE = uuid.UUID("0b7f8a52-3d1e-4c7a-9a55-2f6e1d0c9b21")


def calendar_day_id(day: date) -> str:
    return str(uuid.uuid5(CALENDAR_NAMESPACE, day.isoformat()))


class AccessLog(Record, table=True):
    """Who saw personal data in clear, and when (a phone revealed for a follow-up call). Synced,
    so the station keeps the record of what happened on its laptops. Never holds the data."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_at", "at"),)

    at: datetime
    deputy_id: str | None = Field(default=None, max_length=36)
    action: str = Field(max_length=32)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=36)


class LeaderVisit(Record, table=True):
    """An official's session at the station (领导干部进站): who, when, what about."""

    __tablename__ = "leader_visit"
    __table_args__ = (Index("ix_leader_visit_at", "at"),)

    station_id: str = Field(foreign_key="station.id", max_length=36)
    at: datetime
    leader: str = Field(max_length=50)
    position: str = Field(default="", max_length=100)
    topic: str = Field(default="", max_length=200)
    note: str = Field(default="", sa_type=Text)


class LeaderVisitDeputy(Record, table=True):
    """A deputy who attended a leader visit (counted in the deputy's record)."""

    __tablename__ = "leader_visit_deputy"
    __table_args__ = (Index("ix_leader_visit_deputy_deputy", "deputy_id"),)

    leader_visit_id: str = Field(foreign_key="leader_visit.id", max_length=36, index=True)
    deputy_id: str = Field(foreign_key="deputy.id", max_length=36)


class LeaderVisitIssue(Record, table=True):
    """An issue raised at (or settled by) a leader visit; what became of it is the issue's own
    status."""

    __tablename__ = "leader_visit_issue"

    leader_visit_id: str = Field(foreign_key="leader_visit.id", max_length=36, index=True)
    issue_id: str = Field(foreign_key="issue.id", max_length=36, index=True)


class MicroProject(Record, table=True):
    """A recurring problem promoted to a small public project (民生微实事), with a lead deputy
    (领衔代表), milestones, and a place on the publication list (公示)."""

    __tablename__ = "micro_project"

    station_id: str = Field(foreign_key="station.id", max_length=36)
    title: str = Field(max_length=100)
    description: str = Field(default="", sa_type=Text)
    lead_deputy_id: str = Field(foreign_key="deputy.id", max_length=36)
    category_id: str | None = Field(default=None, foreign_key="category.id", max_length=36)
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    status: str = Field(default=ProjectStatus.planned, sa_type=String(16))
    started_on: date
    due_on: date | None = None
    done_on: date | None = None
    published: bool = False


class MicroProjectIssue(Record, table=True):
    """An issue a micro-project takes over (the problem it solves for good)."""

    __tablename__ = "micro_project_issue"

    micro_project_id: str = Field(foreign_key="micro_project.id", max_length=36, index=True)
    issue_id: str = Field(foreign_key="issue.id", max_length=36, index=True)


class Milestone(Record, table=True):
    __tablename__ = "milestone"

    micro_project_id: str = Field(foreign_key="micro_project.id", max_length=36, index=True)
    title: str = Field(max_length=100)
    due_on: date | None = None
    done_on: date | None = None
    position: int = 0


class Suggestion(Record, table=True):
    """A deputies' suggestion (代表建议): 案由 (`title`), 理由 (`reason`), 建议 (`proposal`),
    drafted by a lead deputy (领衔) with co-signers (附议, `SuggestionDeputy`) from issues and
    visits (`SuggestionSource`; `basis` says which class of problems they were picked as: a hot
    word, a category, a village). Its stage and the latest of each step are here; every step is also
    kept as a `SuggestionStepEntry` (store.suggestions)."""

    __tablename__ = "suggestion"

    station_id: str = Field(foreign_key="station.id", max_length=36)
    title: str = Field(max_length=100)
    reason: str = Field(default="", sa_type=Text)
    proposal: str = Field(default="", sa_type=Text)
    basis: str = Field(default="", max_length=100)
    lead_deputy_id: str = Field(foreign_key="deputy.id", max_length=36)
    status: str = Field(default=SuggestionStatus.draft, sa_type=String(16))
    drafted_on: date
    submitted_to: str = Field(default="", max_length=100)
    submitted_on: date | None = Field(default=None, index=True)
    handling_units: str = Field(default="", max_length=200)
    assigned_on: date | None = None
    answered_on: date | None = None
    answer: str = Field(default="", sa_type=Text)
    satisfaction: str | None = Field(default=None, sa_type=String(16))
    evaluated_on: date | None = None
    # 再督办: how many times the deputies were not satisfied and sent it back for a new answer.
    resupervised: int = 0


class SuggestionDeputy(Record, table=True):
    """A deputy who co-signs a suggestion (附议)."""

    __tablename__ = "suggestion_deputy"

    suggestion_id: str = Field(foreign_key="suggestion.id", max_length=36, index=True)
    deputy_id: str = Field(foreign_key="deputy.id", max_length=36)


class SuggestionSource(Record, table=True):
    """An issue or a visit a suggestion was drawn from (one of the two is set)."""

    __tablename__ = "suggestion_source"

    suggestion_id: str = Field(foreign_key="suggestion.id", max_length=36, index=True)
    issue_id: str | None = Field(default=None, foreign_key="issue.id", max_length=36, index=True)
    visit_id: str | None = Field(default=None, foreign_key="visit.id", max_length=36, index=True)


class SuggestionStepEntry(Record, table=True):
    """One step of a suggestion's life: the day, what it said (the body submitted to, the
    handling units, the reply's summary, the deputies' note) and, for an evaluation, the
    satisfaction. Steps are only added, so two devices' steps never conflict."""

    __tablename__ = "suggestion_step"

    suggestion_id: str = Field(foreign_key="suggestion.id", max_length=36, index=True)
    step: str = Field(default=SuggestionStep.drafted, sa_type=String(16))
    day: date
    note: str = Field(default="", sa_type=Text)
    satisfaction: str | None = Field(default=None, sa_type=String(16))
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)


class DraftRegulation(Record, table=True):
    """A draft regulation (法规草案) the station gathers residents' opinions on, as a grassroots
    legislative contact point (基层立法联系点): loaded from its text (store.legislation), which
    becomes its `DraftArticle` rows; `source` is the body that asked (e.g. 省人大常委会法工委),
    `due_on` the last day for opinions."""

    __tablename__ = "draft_regulation"

    station_id: str = Field(foreign_key="station.id", max_length=36)
    title: str = Field(max_length=100)
    source: str = Field(default="", max_length=100)
    loaded_on: date
    due_on: date | None = None


class DraftArticle(Record, table=True):
    """One article of a draft (第十一条 …, `number` 11), or a heading between them (第一章 总则:
    `number` None), in the order of the text (`position`). Written once, when the draft is
    loaded."""

    __tablename__ = "draft_article"

    draft_id: str = Field(foreign_key="draft_regulation.id", max_length=36, index=True)
    position: int
    number: int | None = None
    label: str = Field(max_length=50)
    text: str = Field(default="", sa_type=Text)


class LegislativeOpinion(Record, table=True):
    """An opinion on a draft (立法意见): on one article, or on the whole draft (`article_id`
    None), in the words it was given in. From a visit of kind 立法建议 (`visit_id`: its resident
    is who gave it, its place or session where), or typed with `who` (a name: personal data,
    masked wherever shown) and `place`. The legislature's answer: `adoption` (None until
    answered), the day and its note."""

    __tablename__ = "legislative_opinion"

    draft_id: str = Field(foreign_key="draft_regulation.id", max_length=36, index=True)
    article_id: str | None = Field(
        default=None, foreign_key="draft_article.id", max_length=36, index=True
    )
    text: str = Field(sa_type=Text)
    visit_id: str | None = Field(default=None, foreign_key="visit.id", max_length=36, index=True)
    who: str = Field(default="", max_length=50)
    place: str = Field(default="", max_length=100)
    given_on: date = Field(index=True)
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    adoption: str | None = Field(default=None, sa_type=String(16))
    answered_on: date | None = Field(default=None, index=True)
    answer: str = Field(default="", sa_type=Text)


class Deliberation(Record, table=True):
    """A deliberation session (议事活动: 民情茶馆, 百姓夜话, 人大有请, 人大开放日, 向人民报告,
    代表述职): when and where, the officials present (as typed), how many residents came, the
    topics and the decisions, and the satisfaction vote taken there (测评: how many voted 满意,
    基本满意, 不满意; None until it is recorded). The deputies present are `DeliberationDeputy`
    rows; the visits raised there name it (`visit.deliberation_id`). A 代表述职 names the deputy
    who reported (`reporting_deputy_id`): its vote is the voters' evaluation of that deputy."""

    __tablename__ = "deliberation"
    __table_args__ = (Index("ix_deliberation_held_on", "held_on"),)

    station_id: str = Field(foreign_key="station.id", max_length=36)
    kind: str = Field(default=DeliberationKind.tea_house, sa_type=String(16))
    held_on: date
    place: str = Field(max_length=100)
    officials: str = Field(default="", max_length=200)
    residents: int = 0
    topics: str = Field(default="", sa_type=Text)
    decisions: str = Field(default="", sa_type=Text)
    reporting_deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    satisfied: int | None = None
    fairly: int | None = None
    unsatisfied: int | None = None


class DeliberationDeputy(Record, table=True):
    """A deputy present at a deliberation session (counted in the deputy's record)."""

    __tablename__ = "deliberation_deputy"
    __table_args__ = (Index("ix_deliberation_deputy_deputy", "deputy_id"),)

    deliberation_id: str = Field(foreign_key="deliberation.id", max_length=36, index=True)
    deputy_id: str = Field(foreign_key="deputy.id", max_length=36)


class ObservationPoint(Record, table=True):
    """A 民情观察点: where observers gather what residents say — a village square, a market, or a
    trade point (行业观察点, `kind`) where riders, couriers or truckers meet. A retired point
    stays for its history and is offered no more (store.observers)."""

    __tablename__ = "observation_point"

    station_id: str = Field(foreign_key="station.id", max_length=36, index=True)
    name: str = Field(max_length=50)
    place: str = Field(default="", max_length=100)
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    kind: str = Field(default=PointKind.ordinary, sa_type=String(16))
    active: bool = True


class Observer(Record, table=True):
    """A 民情观察员, recommended by a deputy (`deputy_id`), from a group (`group_kind`: 五老,
    返乡青年 …), usually at one point. Name and phone are personal data under the residents'
    rules (docs/rules/observers.md): phones masked unless revealed (logged), the name printed
    beyond the station only with the observer's consent (`consent_named`, an explicit act), and
    both purged once the observer has been retired longer than the retention period."""

    __tablename__ = "observer"

    station_id: str = Field(foreign_key="station.id", max_length=36, index=True)
    name: str = Field(max_length=50)
    # Empty when not known (an observer a ledger named).
    phone: str = Field(default="", max_length=20)
    group_kind: str = Field(default=ObserverGroup.other, sa_type=String(16))
    deputy_id: str | None = Field(default=None, foreign_key="deputy.id", max_length=36)
    point_id: str | None = Field(default=None, foreign_key="observation_point.id", max_length=36)
    appointed_on: date
    retired_on: date | None = None
    # 同意公开姓名: their name may appear in what leaves the station (the quarterly report).
    consent_named: bool = False
    # Set when their personal data was purged (store.observers.retention): name and phone empty.
    purged_at: datetime | None = None


class QuarterlyReview(Record, table=True):
    """The deputies' quarterly review (季度评议) of micro-projects and units; its scores are kept
    as that quarter's three-colour board."""

    __tablename__ = "quarterly_review"

    station_id: str = Field(foreign_key="station.id", max_length=36)
    quarter: str = Field(max_length=6, index=True)
    held_on: date
    note: str = Field(default="", sa_type=Text)
    finalised: bool = False


class ReviewScore(Record, table=True):
    """One deputy's score (0–100) for one micro-project or unit in a quarterly review."""

    __tablename__ = "review_score"

    review_id: str = Field(foreign_key="quarterly_review.id", max_length=36, index=True)
    target_kind: str = Field(sa_type=String(16))
    target_id: str = Field(max_length=36)
    deputy_id: str = Field(foreign_key="deputy.id", max_length=36)
    score: int


class Setting(SQLModel, table=True):
    """A station setting (tier windows, colour thresholds). Keyed by name rather than a UUID, so the
    same setting edited on two devices is one record, not two."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)
    updated_at: datetime | None = Field(default=None, nullable=False)
    device_id: str | None = Field(default=None, nullable=False, max_length=36)


class ChangeLog(SQLModel, table=True):
    """Append-only record of every write (docs/rules/sync.md): what sync sends and what the audit
    shows.

    `seq` orders this device's log; `hlc` and `device_id` order changes across devices."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_hlc", "hlc"),
        Index("ix_change_log_row", "table_name", "row_id"),
        Index("ix_change_log_device_id_hlc", "device_id", "hlc"),
        # The audit trail of one deputy, newest first (store.trust.audit), and a shift's work
        # (store.duty.handover): entries written by no deputy (imports, the demo, the system)
        # are never asked for so, and stay out (schema 0026: 0.2-0.3 KB a bulk-loaded visit).
        Index(
            "ix_change_log_deputy_hlc",
            "deputy_id",
            "hlc",
            sqlite_where=text("deputy_id IS NOT NULL"),
            postgresql_where=text("deputy_id IS NOT NULL"),
        ),
        # Entries are sealed at the end of the transaction that wrote them: it finds them here.
        Index(
            "ix_change_log_unsealed",
            "seq",
            sqlite_where=text("chain IS NULL"),
            postgresql_where=text("chain IS NULL"),
        ),
        Index(
            "ix_change_log_clamped_hlc",
            "clamped_hlc",
            sqlite_where=text("clamped_hlc IS NOT NULL"),
            postgresql_where=text("clamped_hlc IS NOT NULL"),
        ),
    )

    seq: int | None = Field(default=None, primary_key=True)
    hlc: str = Field(max_length=32)
    device_id: str = Field(max_length=36)
    deputy_id: str | None = Field(default=None, max_length=36)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=64)
    op: str = Field(sa_type=String(8))
    fields: str = Field(sa_type=Text)
    at: datetime
    # Set only on a change that came in from another device with a stamp too far in the future
    # (docs/rules/sync.md): the stamp it is ordered by here. `hlc` stays the sender's, which names
    # it.
    clamped_hlc: str | None = Field(default=None, max_length=32)
    # For an update: which change each field's old value came from ("<hlc> <device id>"), i.e.
    # what the writer knew it overwrote. Sync tells a knowing overwrite from a concurrent edit
    # by it (store.changelog.field_clock).
    base: str | None = Field(default=None, sa_type=Text)
    # Tamper evidence (store.changelog.chain): the hash of this entry chained to the one before it
    # (in `seq` order, on this device), and for entries holding personal data the salt their
    # digest was taken with, or after a purge the digest of what was removed.
    chain: str | None = Field(default=None, max_length=64)
    seal: str | None = Field(default=None, max_length=80)
    # How `fields` is written (store.changelog.lean): None, a JSON object (an entry written
    # before schema 0026); else the id of its layout, and `fields` is the array of its values.
    layout: int | None = Field(default=None)


class ChangeLogLayout(SQLModel, table=True):
    """The keys of change-log entries written without them (store.changelog.lean), each under an
    id that is a digest of them. Never synced: each device encodes its own log."""

    __tablename__ = "change_log_layout"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    spec: str = Field(sa_type=Text)


class LocalMeta(SQLModel, table=True):
    """Facts about this database file itself (its device id, its station); never synced."""

    __tablename__ = "local_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


# Words of visits (民意热词), derived from visit texts when they are written
# (store.hot_words.words).
# Local: never logged, never synced; each device derives them from the visits it holds. Days are
# station-local dates as day numbers (date.toordinal()), 3 bytes where a date's text takes 10.


class Word(SQLModel, table=True):
    """One distinct word of the visits' vocabulary."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=50, unique=True)


class WordScope(SQLModel, table=True):
    """A village or category as a small number, so that word_visit does not repeat two
    36-character ids on every row."""

    __tablename__ = "word_scope"

    no: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=36, unique=True)


class WordVisit(SQLModel, table=True):
    """A visit whose words are counted: its day, village, category and word ids. Re-deriving a
    visit (changed text, day, village or category, or deletion) takes away exactly what it
    added; a word's visits and a village's or category's counts are read from here."""

    __tablename__ = "word_visit"
    __table_args__ = (
        Index("ix_word_visit_day", "day"),
        Index("ix_word_visit_village_day", "village_no", "day"),
        Index("ix_word_visit_category_day", "category_no", "day"),
    )

    no: int | None = Field(default=None, primary_key=True)
    visit_id: str = Field(max_length=36, unique=True)
    day: int
    village_no: int
    category_no: int
    # Word ids between commas (",3,17,42,"): `instr(word_ids, ',17,')` finds a word's visits.
    word_ids: str = Field(default=",", sa_type=Text)


class WordDay(SQLModel, table=True):
    """How many visits used a word on a day: a window's count is a range of this key."""

    __tablename__ = "word_day"
    # The primary key is the only index: a table without rowid stores its rows in it.
    __table_args__ = {"sqlite_with_rowid": False}

    word_id: int = Field(primary_key=True)
    day: int = Field(primary_key=True)
    n: int


class ConflictResolution(Record, table=True):
    """A deputy's answer to a conflict (store.sync.conflicts): the losing value restored, or the
    winner kept. Synced, so a conflict answered on one device is answered on all. Its id is the
    conflict's id."""

    __tablename__ = "conflict_resolution"

    action: str = Field(sa_type=String(16))
    deputy_id: str | None = Field(default=None, max_length=36)


# Sync's own bookkeeping: local to each database file, never logged, never synced.


class SyncPeer(SQLModel, table=True):
    """What another device is known to hold: of each origin device's changes, all up to `hlc`
    (from the last bundle it sent here). Export sends what lies beyond."""

    __tablename__ = "sync_peer"

    peer_id: str = Field(primary_key=True, max_length=36)
    origin_id: str = Field(primary_key=True, max_length=36)
    hlc: str = Field(max_length=32)


class SyncConflict(SQLModel, table=True):
    """A value that lost to a concurrent edit of the same field (or an edit of a record deleted
    meanwhile). Derived from the change log when changes come in, the same on every device
    holding the same changes; answered by a ConflictResolution with the same id."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_row", "table_name", "row_id"),)

    id: str = Field(primary_key=True, max_length=36)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=64)
    field: str = Field(max_length=64)
    value: str = Field(sa_type=Text)
    lost_hlc: str = Field(max_length=32)
    lost_device_id: str = Field(max_length=36)
    lost_deputy_id: str | None = Field(default=None, max_length=36)
    won_hlc: str = Field(max_length=32)
    won_device_id: str = Field(max_length=36)
    deleted: bool = False


SYNCED_TABLES: tuple[type[SQLModel], ...] = (
    Station,
    Device,
    Deputy,
    Shift,
    Village,
    Unit,
    Category,
    NameAlias,
    Constituent,
    ObservationPoint,
    Observer,
    Issue,
    Visit,
    Progress,
    Evaluation,
    UnansweredCall,
    IssueMove,
    Notice,
    CalendarDay,
    AccessLog,
    LeaderVisit,
    LeaderVisitDeputy,
    LeaderVisitIssue,
    MicroProject,
    MicroProjectIssue,
    Milestone,
    QuarterlyReview,
    ReviewScore,
    Suggestion,
    SuggestionDeputy,
    SuggestionSource,
    SuggestionStepEntry,
    DraftRegulation,
    DraftArticle,
    LegislativeOpinion,
    Deliberation,
    DeliberationDeputy,
    ConflictResolution,
    Setting,
)


# ---------------------------------------------------------------------------------------------
# Input models: what forms and importers hand to the store. Validation raises FieldInvalid with a
# catalogue key, which pydantic wraps; `store.desk.forms.field_errors` unwraps it per field.


class VisitCreate(SQLModel):
    """A visit as the deputy logs it, the resident's details included."""

    phone: str
    name: str
    village_id: str = Field(min_length=1)
    channel: Channel
    kind: VisitKind
    category_id: str = Field(min_length=1)
    text: str
    received_at: datetime | None = None
    group_name: str | None = None
    deputy_id: str | None = None
    # The resident is one the station gives priority to (困难群体); saved on the resident. None
    # leaves a returning resident's flag as it is (imports, older callers).
    vulnerable: bool | None = None
    # 同意转交: asked of the resident at every visit and ticked by the deputy; never assumed
    # (PIPL: consent is an explicit act), so absent means not given.
    consent_forward: bool = False
    # 不用回电: the resident does not want to be told of the issue's progress. Unticked (the
    # default) they are told (store.desk.notices).
    no_callback: bool = False
    # Raised at a deliberation session (议事活动): the session's id (store.deliberations).
    deliberation_id: str | None = None
    # Through an observer (channel 民情观察员 only): who relayed it, at which point.
    observer_id: str | None = None
    point_id: str | None = None

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> str:
        return clean_phone(str(value or ""))

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: object) -> str:
        return clean_name(str(value or ""))

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return clean_text(str(value or ""))


class ProgressCreate(SQLModel):
    status: IssueStatus
    note: str = ""

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: object) -> str:
        return strip_controls(str(value or "")).strip()[:TEXT_MAX]


class EvaluationCreate(SQLModel):
    resolution: Resolution
    satisfaction: Satisfaction
    note: str = ""

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: object) -> str:
        return strip_controls(str(value or "")).strip()[:TEXT_MAX]


# Corrections of what was typed (store.desk.corrections): the same checks as the log form's, so
# a correction can never store what the form would have refused.


class VisitCorrection(SQLModel):
    """A saved visit's own fields as corrected (the resident's are a ResidentCorrection)."""

    channel: Channel
    kind: VisitKind
    category_id: str = Field(min_length=1)
    text: str
    # 同意转交, as the resident answered it (an explicit act: never assumed).
    consent_forward: bool = False
    # 不用回电, as the resident answered it; None leaves it as it is (a form without the
    # question never turns a resident's "do not call back" into calls).
    no_callback: bool | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return clean_text(str(value or ""))


class ResidentCorrection(SQLModel):
    """A resident's details as corrected: shown on every visit of theirs."""

    phone: str
    name: str
    village_id: str = Field(min_length=1)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> str:
        return clean_phone(str(value or ""))

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: object) -> str:
        return clean_name(str(value or ""))


class IssueCorrection(SQLModel):
    """An issue's title, category and lead deputy (领衔代表; None: nobody) as corrected."""

    title: str
    category_id: str = Field(min_length=1)
    lead_deputy_id: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> str:
        return clean_title(str(value or ""))
