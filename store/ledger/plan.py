"""Planning an import: every row of a ledger checked, and the records it would add, before any
write. `apply_import` then only inserts what the plan holds."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from store.core.clock import from_local
from store.core.errors import N_, FieldInvalid
from store.core.models import (
    Category,
    Channel,
    Constituent,
    Deputy,
    DeputyLevel,
    Issue,
    IssueStatus,
    Resolution,
    Satisfaction,
    Tier,
    Village,
    VillageKind,
    Visit,
    VisitKind,
    new_id,
)
from store.core.rows import live
from store.core.rules import due_dates, evaluation_reopens
from store.core.settings import StationSettings, load_settings
from store.core.validation import clean_name, clean_phone, clean_text, summarise
from store.desk.regroup import REASON_MAX
from store.ledger.columns import BY_KEY
from store.ledger.errors import RowError
from store.ledger.life import (
    LIFE_KEYS,
    RESOLUTIONS,
    Judged,
    Life,
    Moved,
    parse_count,
    parse_evaluations,
    parse_moves,
    parse_yes_no,
)
from store.ledger.reader import LedgerFile, LedgerRow
from store.ledger.sessions import SessionNames
from store.ledger.through import ThroughNames
from store.ledger.values import choice_names, closest, parse_consent, parse_date
from store.reference.names import COMMITTEE_WORDS, UnitNames, load_unit_names, named_ids
from store.station import station_info

# Visit and issue ids made from their content, so the same rows imported twice are one record.
LEDGER_NAMESPACE = uuid.UUID("0b7c3f5e-9a41-4d2c-8e6b-5f1a2c3d4e70")
TITLE_MAX = 30
# SQLite allows 999 bound parameters in older builds; stay well below.
_IN_CHUNK = 500

_CHANNELS = choice_names(Channel)
_KINDS = choice_names(VisitKind)
_TIERS = choice_names(Tier)
_STATUSES = choice_names(IssueStatus)
_SATISFACTIONS = choice_names(Satisfaction)


@dataclass(frozen=True)
class _Row:
    """One valid ledger row, resolved to ids."""

    number: int
    key: str
    local: datetime
    channel: Channel
    kind: VisitKind
    name: str
    phone: str
    village: str
    text: str
    category_id: str
    deputy_id: str | None
    tier: Tier | None
    unit_id: str | None
    status: IssueStatus | None
    satisfaction: Satisfaction | None
    ref: str
    consent: bool = False
    no_callback: bool = False
    life: Life = Life()
    # Deputies the row names besides its own 代表 (the lead, the evaluations', the moves'),
    # resolved to ids.
    deputy_ids: tuple[str, ...] = ()
    # Units its moves name besides its own 责任单位, resolved to ids.
    unit_ids: tuple[str, ...] = ()
    # Withdrawn by the resident (撤回): when (station time) and why.
    withdrawn: datetime | None = None
    withdrawn_reason: str | None = None
    # Through an observer (民情观察员), at a point: their ids (store.ledger.through).
    observer_id: str | None = None
    point_id: str | None = None
    # Raised at a deliberation session (议事活动): its id (store.ledger.sessions).
    deliberation_id: str | None = None


@dataclass
class ImportPlan:
    """What an import would write, or why it cannot. Plain rows ready for `bulk_insert`.

    `villages_added`, `units_added` and `deputies_added` are the names the station does not know
    yet (a unit with its tier), in file order."""

    rows_read: int
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    villages_added: list[str] = field(default_factory=list)
    units_added: list[tuple[str, Tier]] = field(default_factory=list)
    deputies_added: list[str] = field(default_factory=list)
    # Observers and points the station does not know yet (store.ledger.through), by name.
    observers_added: list[str] = field(default_factory=list)
    points_added: list[str] = field(default_factory=list)
    # Sessions (议事活动) the station does not know yet, as the ledger names them.
    sessions_added: list[str] = field(default_factory=list)
    villages: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    deputies: list[dict[str, Any]] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)
    observers: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    constituents: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    # Issues already in the database that new rows join: issue id → visits added.
    joined: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Records the plan inserts (for progress)."""
        return sum(
            len(rows)
            for rows in (
                self.villages,
                self.units,
                self.deputies,
                self.points,
                self.observers,
                self.sessions,
                self.constituents,
                self.issues,
                self.visits,
                self.progress,
                self.evaluations,
                self.moves,
            )
        )


@dataclass
class _Lookups:
    """The station's names (store.reference.names), and the records a ledger adds: a village,
    unit or deputy the station does not know gets an id when a row first names it, and joins
    the plan if a row that imports uses it."""

    station_id: str
    categories: dict[str, str]
    units: UnitNames
    deputies: dict[str, str]
    villages: dict[str, str]
    through: ThroughNames
    sessions: SessionNames
    new_villages: dict[str, str] = field(default_factory=dict)
    new_units: dict[str, tuple[str, Tier, str | None]] = field(default_factory=dict)
    new_deputies: dict[str, str] = field(default_factory=dict)

    def village_id(self, name: str) -> str:
        found = self.villages.get(name) or self.new_villages.get(name)
        if found is None:
            found = self.new_villages[name] = new_id()
        return found

    def unit_for(
        self, name: str, village: str, tier: Tier | None, *, add: bool = True
    ) -> tuple[str, Tier] | str:
        """The unit a row names, found or new (made only if `add`); a catalogue key when its
        tier cannot be told (or contradicts the row's)."""
        village_id = self.villages.get(village) or self.new_villages.get(village)
        found = self.units.find(name, tier, village_id)
        if found is not None:
            return found, self.units.tier(found) or Tier.village
        if self.units.find(name, None, village_id) is not None:
            return N_("ledger.unit_tier")  # a unit of the station's, at another tier
        said = self.units.tier_of(name)
        if said is None and tier is None:
            return N_("ledger.unit_tier_unknown")
        if said is not None and tier is not None and said != tier:
            return N_("ledger.unit_tier")
        tier = said or tier
        assert tier is not None
        if not add:
            return "", tier
        village_id = self.village_id(village)
        squeezed = "".join(name.split())
        if squeezed in COMMITTEE_WORDS:
            # A new village's committee, named after it as the station names its own.
            squeezed = village + ("居委会" if village.endswith("社区") else "村委会")
        unit_id = new_id()
        self.units.add(unit_id, squeezed, tier, village_id if tier == Tier.village else None)
        self.new_units[unit_id] = (squeezed, tier, village_id if tier == Tier.village else None)
        return unit_id, tier

    def deputy_id(self, name: str) -> str:
        found = self.deputies.get(name) or self.new_deputies.get(name)
        if found is None:
            found = self.new_deputies[name] = new_id()
        return found


def visit_key(
    station_id: str, local: datetime, phone: str, name: str, village: str, text: str
) -> str:
    """The stable id of a ledger row's visit: the same row imported twice is one visit."""
    parts = (station_id, local.strftime("%Y-%m-%d %H:%M"), phone, name, village, text)
    return str(uuid.uuid5(LEDGER_NAMESPACE, "\x1f".join(parts)))


def plan_import(*, session: Session, ledger: LedgerFile, today: date) -> ImportPlan:
    """Check every row of `ledger` and work out the records importing it would add.

    Args:
        session: a read or write session (inside the import's write transaction when the plan
            is to be applied, so that what it found absent is still absent).
        ledger: the file as `read_ledger` read it.
        today: the station's date; rows dated later are refused.
    Returns:
        The plan; when `errors` is not empty nothing of it may be applied.
    """
    info = station_info(session=session)
    tz = ZoneInfo(info.timezone)
    lookups = _lookups(session, info)
    plan = ImportPlan(rows_read=len(ledger.rows))
    rows: list[_Row] = []
    for raw in ledger.rows:
        row = _check_row(ledger, raw, info.id, lookups, today, plan.errors)
        if row is not None:
            rows.append(row)
    groups = _group(ledger, rows, plan.errors)
    if plan.errors:
        return plan
    existing = _existing_ids(session, Visit, [r.key for r in rows])
    existing |= _existing_keys(session, rows, info.id, tz)
    seen: set[str] = set()
    new_rows: list[_Row] = []
    for row in rows:
        if row.key in existing or row.key in seen:
            plan.duplicates += 1
        else:
            seen.add(row.key)
            new_rows.append(row)
    _add_reference(session, plan, new_rows, lookups, info.id)
    person_ids = _constituents(session, plan, new_rows, lookups, info.id)
    issue_of = _issues(session, plan, groups, seen, lookups, info.id, tz)
    for row in new_rows:
        plan.visits.append(
            {
                "id": row.key,
                "station_id": info.id,
                "received_at": _instant(row, tz),
                "channel": row.channel.value,
                "kind": row.kind.value,
                "constituent_id": person_ids[(row.phone, row.name)],
                "village_id": lookups.village_id(row.village),
                "category_id": row.category_id,
                "text": row.text,
                "summary": summarise(row.text),
                "deputy_id": row.deputy_id,
                "issue_id": issue_of.get(row.key),
                "consent_forward": row.consent,
                "no_callback": row.no_callback,
                "withdrawn_at": from_local(row.withdrawn, tz) if row.withdrawn else None,
                "withdrawn_reason": row.withdrawn_reason,
                "observer_id": row.observer_id,
                "point_id": row.point_id,
                "deliberation_id": row.deliberation_id,
            }
        )
    return plan


def _instant(row: _Row, tz: ZoneInfo) -> datetime:
    """When a row's visit was received. The ledger has no seconds and the database orders
    visits of one minute by id: a microsecond per file row keeps them in the file's order."""
    return from_local(row.local, tz) + timedelta(microseconds=min(row.number, 59_999_999))


def _lookups(session: Session, station: Any) -> _Lookups:
    return _Lookups(
        station_id=station.id,
        categories=named_ids(session, Category),
        units=load_unit_names(session, county=station.county, township=station.township),
        deputies=named_ids(session, Deputy),
        villages=named_ids(session, Village),
        through=ThroughNames.load(session, station.id),
        sessions=SessionNames.load(session, station.id),
    )


class _Cells:
    """Reads one row's cells and records its errors against the file's own headers."""

    def __init__(self, ledger: LedgerFile, raw: LedgerRow, errors: list[RowError]) -> None:
        self.ledger = ledger
        self.raw = raw
        self.errors = errors
        self.ok = True
        self.get: Callable[[str], str] = ledger.by_key(raw).__getitem__

    def fail(self, key: str, rule: str, suggestion: str | None = None, **params: Any) -> None:
        self.ok = False
        column = self.ledger.header(key) or BY_KEY[key].zh
        self.errors.append(RowError(self.raw.number, column, rule, params, suggestion))

    def clean(self, key: str, cleaner: Callable[[str], str]) -> str:
        try:
            return cleaner(self.get(key))
        except FieldInvalid as exc:
            self.fail(key, exc.key, **exc.params)
            return ""

    def choice(self, key: str, names: dict[str, Any], *, required: bool) -> Any:
        value = self.get(key).strip()
        if not value:
            if required:
                self.fail(key, "field.required")
            return None
        found = names.get(value.casefold())
        if found is None:
            self.fail(key, "ledger.unknown", closest(value, _spellings(names)))
        return found

    def named(self, key: str, ids: Iterable[str], *, required: bool) -> str | None:
        """The name as known to the station (its id is looked up by the caller)."""
        value = " ".join(self.get(key).split())
        known = list(ids)
        if not value:
            if required:
                self.fail(key, "field.required")
            return None
        if value not in known:
            self.fail(key, "ledger.unknown", closest(value, known))
            return None
        return value


def _spellings(names: dict[str, Any]) -> list[str]:
    # Suggest the Chinese names of the spec, not the codes.
    return [member.zh for member in dict.fromkeys(names.values())]


def _check_row(
    ledger: LedgerFile,
    raw: LedgerRow,
    station_id: str,
    lookups: _Lookups,
    today: date,
    errors: list[RowError],
) -> _Row | None:
    cells = _Cells(ledger, raw, errors)
    local = parse_date(cells.get("date"))
    if not cells.get("date").strip():
        cells.fail("date", "field.required")
    elif local is None:
        cells.fail("date", "ledger.date")
    elif local.date() > today:
        cells.fail("date", "ledger.date_future")
    channel = cells.choice("channel", _CHANNELS, required=True)
    observer_id, point_id = lookups.through.check(cells, channel, local.date() if local else None)
    deliberation_id = lookups.sessions.check(cells)
    name = cells.clean("name", clean_name)
    phone = cells.clean("phone", clean_phone)
    village = cells.clean("village", lambda v: clean_name(v, field="village"))
    text = cells.clean("text", clean_text)
    category = cells.named("category", lookups.categories, required=True)
    kind = cells.choice("kind", _KINDS, required=True)
    tier = cells.choice("tier", _TIERS, required=False)
    unit_name = " ".join(cells.get("unit").split())
    status = cells.choice("status", _STATUSES, required=False)
    satisfaction = cells.choice("satisfaction", _SATISFACTIONS, required=False)
    deputy = " ".join(cells.get("deputy").split())
    consent = parse_consent(cells.get("consent"))
    if consent is None:
        cells.fail("consent", "ledger.consent")
    no_callback = parse_consent(cells.get("no_callback"))
    if no_callback is None:
        cells.fail("no_callback", "ledger.no_callback")
    life = _life(cells, today)
    if life.category is not None and life.category not in lookups.categories:
        cells.fail("issue_category", "ledger.unknown", closest(life.category, lookups.categories))
    withdrawn, withdrawn_reason = _withdrawal(cells, local, today)
    unit_id = None
    if unit_name and village:
        # Only a row otherwise sound adds a unit (or a deputy): a broken row adds nothing, but
        # is told what else is wrong with it.
        found = lookups.unit_for(unit_name, village, tier, add=cells.ok)
        if isinstance(found, str):
            cells.fail("unit", found)
        else:
            unit_id, tier = found
    elif not unit_name and any(
        cells.get(k).strip() for k in ("tier", "status", "satisfaction", *LIFE_KEYS)
    ):
        cells.fail("unit", "ledger.unit_required")
    move_units = _move_units(cells, lookups, life.moves or (), village, tier, unit_id)
    if satisfaction is not None and status not in (IssueStatus.closed, IssueStatus.supervising):
        cells.fail("satisfaction", "ledger.satisfaction_open")
    if life.closed is not None and status not in (None, IssueStatus.closed):
        cells.fail("closed", "ledger.closed_open")
    if life.closed is not None and life.opened is not None and life.closed < life.opened:
        cells.fail("closed", "ledger.closed_before")
    if not cells.ok or local is None:
        return None
    named = [
        life.lead or None,
        *(judged.deputy for judged in life.evaluations or ()),
        *(moved.deputy for moved in life.moves or ()),
    ]
    return _Row(
        number=raw.number,
        key=visit_key(station_id, local, phone, name, village, text),
        local=local,
        channel=channel,
        kind=kind,
        name=name,
        phone=phone,
        village=village,
        text=text,
        category_id=lookups.categories[category or ""],
        deputy_id=lookups.deputy_id(deputy) if deputy else None,
        tier=tier if unit_id else None,
        unit_id=unit_id,
        status=status,
        satisfaction=satisfaction,
        ref=" ".join(cells.get("issue").split()),
        consent=bool(consent),
        no_callback=bool(no_callback),
        life=life,
        deputy_ids=tuple(lookups.deputy_id(name) for name in named if name),
        unit_ids=move_units,
        withdrawn=withdrawn,
        withdrawn_reason=withdrawn_reason,
        observer_id=observer_id,
        point_id=point_id,
        deliberation_id=deliberation_id,
    )


def _move_units(
    cells: _Cells,
    lookups: _Lookups,
    moves: tuple[Moved, ...],
    village: str,
    tier: Tier | None,
    unit_id: str | None,
) -> tuple[str, ...]:
    """The units a row's moves name (found, or new like the row's own unit), checked: each move
    leaves the tier the one before it reached, and the last reaches the row's own tier and unit.
    Returns their ids (none when something is wrong, the error told)."""
    if not moves or not village:
        return ()
    ids: list[str] = []
    reached: tuple[Tier, str] | None = None
    for moved in moves:
        ends = []
        for name, at in ((moved.from_unit, moved.from_tier), (moved.to_unit, moved.to_tier)):
            found = lookups.unit_for(name, village, at, add=cells.ok)
            if isinstance(found, str):
                cells.fail("moves", found)
                return ()
            ends.append(found)
        if reached is not None and (reached[1], reached[0]) != (ends[0][0], moved.from_tier):
            cells.fail("moves", "ledger.moves_chain")
            return ()
        reached = (moved.to_tier, ends[1][0])
        ids += [ends[0][0], ends[1][0]]
    if reached is not None and unit_id is not None and reached != (tier, unit_id):
        cells.fail("moves", "ledger.moves_chain")
        return ()
    return tuple(ids)


def _withdrawal(
    cells: _Cells, received: datetime | None, today: date
) -> tuple[datetime | None, str | None]:
    """A row's withdrawal (撤回): when, and why; a reason needs its date, which comes after the
    visit and not after today."""
    value = cells.get("withdrawn").strip()
    reason = cells.clean(
        "withdrawn_reason",
        lambda v: clean_text(v, field="withdrawn_reason", limit=REASON_MAX) if v.strip() else "",
    )
    if not value:
        if reason:
            cells.fail("withdrawn", "field.required")
        return None, None
    when = parse_date(value)
    if when is None:
        cells.fail("withdrawn", "ledger.date")
    elif when.date() > today:
        cells.fail("withdrawn", "ledger.date_future")
    elif received is not None and when < received:
        cells.fail("withdrawn", "ledger.withdrawn_before")
    else:
        return when, reason or None
    return None, None


def _life(cells: _Cells, today: date) -> Life:
    """What a row says of its issue's life (store.ledger.life), each cell checked."""

    def day(key: str) -> date | None:
        value = cells.get(key).strip()
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            cells.fail(key, "ledger.date")
            return None
        if key != "due" and key != "warn" and parsed.date() > today:
            cells.fail(key, "ledger.date_future")
            return None
        return parsed.date()

    def parsed(key: str, parse: Callable[[str], Any], rule: str) -> Any:
        try:
            return parse(cells.get(key))
        except ValueError as exc:
            cells.fail(key, rule, line=exc.args[0] if exc.args else "")
            return None

    evaluated = cells.get("evaluated").strip()
    evaluated_at = parse_date(evaluated) if evaluated else None
    if evaluated and evaluated_at is None:
        cells.fail("evaluated", "ledger.date")
    elif evaluated_at is not None and evaluated_at.date() > today:
        cells.fail("evaluated", "ledger.date_future")
        evaluated_at = None
    history = parsed("evaluations", parse_evaluations, N_("ledger.evaluations"))
    moves = parsed("moves", parse_moves, N_("ledger.moves"))
    if moves and any(moved.at.date() > today for moved in moves):
        cells.fail("moves", "ledger.date_future")
        moves = None
    if history and any(judged.at.date() > today for judged in history):
        cells.fail("evaluations", "ledger.date_future")
        history = None
    title = " ".join(cells.get("title").split())[:TITLE_MAX] or None
    village = cells.get("issue_village").strip()
    if village:
        village = cells.clean("issue_village", lambda v: clean_name(v, field="village"))
    has_lead = cells.ledger.header("lead") is not None
    return Life(
        title=title,
        lead=" ".join(cells.get("lead").split()) if has_lead else None,
        opened=day("opened"),
        due=day("due"),
        warn=day("warn"),
        closed=day("closed"),
        on_time=parsed("on_time", parse_yes_no, N_("ledger.yes_no")),
        resolution=cells.choice("resolution", RESOLUTIONS, required=False),
        evaluated=evaluated_at,
        reopened=parsed("reopened", parse_count, N_("ledger.count")),
        evaluations=history,
        moves=moves,
        category=" ".join(cells.get("issue_category").split()) or None,
        village=village or None,
    )


def _group(ledger: LedgerFile, rows: list[_Row], errors: list[RowError]) -> list[list[_Row]]:
    """Triaged rows by issue: one issue per `事项` ref, else one per row. Rows of one issue must
    agree on its tier, unit, status and satisfaction."""
    groups: dict[str, list[_Row]] = {}
    lives: dict[str, Life] = {}
    for row in rows:
        if row.unit_id is None:
            continue
        key = f"ref:{row.ref}" if row.ref else f"row:{row.key}"
        group = groups.setdefault(key, [])
        first = group[0] if group else row
        state = (row.unit_id, row.status, row.satisfaction)
        known = lives.get(key)
        life = row.life if known is None else known.merged(row.life)
        if state != (first.unit_id, first.status, first.satisfaction) or life is None:
            column = ledger.header("issue") or BY_KEY["issue"].zh
            errors.append(RowError(row.number, column, "ledger.issue_mismatch", {}, None))
            continue
        lives[key] = life
        group.append(row)
    # Every row of an issue carries what all its rows say of its life.
    return [
        [row if row.life is lives[key] else dc_replace(row, life=lives[key]) for row in group]
        for key, group in groups.items()
    ]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _existing_keys(session: Session, rows: list[_Row], station_id: str, tz: ZoneInfo) -> set[str]:
    """Stable keys of the visits already in the station over the ledger's time span, computed
    from their content: a station's own visits (logged at the desk, with random ids) are
    recognised when its exported ledger comes back."""
    if not rows:
        return set()
    start = from_local(min(r.local for r in rows), tz)
    end = from_local(max(r.local for r in rows), tz) + timedelta(minutes=1)
    found: set[str] = set()
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    columns: Select[datetime, str, str, str, str] = Select(
        col(Visit.received_at),
        col(Constituent.phone),
        col(Constituent.name),
        col(Village.name),
        col(Visit.text),
    )
    query = (
        columns.join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .join(Village, col(Village.id) == Visit.village_id)
        .where(
            col(Visit.received_at) >= start,
            col(Visit.received_at) < end,
            live(Visit),
        )
    )
    for received_at, phone, name, village, text in session.exec(query):
        local = received_at.astimezone(tz).replace(tzinfo=None)
        found.add(visit_key(station_id, local, phone, name, village, text))
    return found


def _existing_ids(session: Session, model: Any, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(session.exec(select(model.id).where(col(model.id).in_(chunk))).all())
    return found


def _add_reference(
    session: Session, plan: ImportPlan, rows: list[_Row], lookups: _Lookups, station_id: str
) -> None:
    """The villages, units, deputies, observers, points and sessions the station does not know
    yet that the imported rows name, in file order (units of a new village after it)."""
    used = {i for row in rows for i in (row.observer_id, row.point_id, row.deliberation_id) if i}
    plan.observers_added, plan.observers, plan.points_added, plan.points = lookups.through.added(
        used
    )
    plan.sessions_added, plan.sessions = lookups.sessions.added(used)
    position = session.exec(select(func.max(Village.position))).one() or 0
    used_units = {row.unit_id for row in rows} | {u for row in rows for u in row.unit_ids}
    used_deputies = {row.deputy_id for row in rows} | {d for row in rows for d in row.deputy_ids}
    for row in rows:
        for name in (row.village, row.life.village):
            if name is None or name in lookups.villages:
                continue
            village_id = lookups.village_id(name)
            del lookups.new_villages[name]
            position += 1
            lookups.villages[name] = village_id
            plan.villages_added.append(name)
            kind = VillageKind.community if name.endswith("社区") else VillageKind.village
            plan.villages.append(
                {
                    "id": village_id,
                    "station_id": station_id,
                    "name": name,
                    "kind": kind.value,
                    "position": position,
                    "active": True,
                }
            )
        # Its moves' units before its own: a unit it moved through first (file order).
        for unit_id in (*row.unit_ids, row.unit_id):
            if unit_id not in used_units or unit_id not in lookups.new_units:
                continue
            name, tier, unit_village = lookups.new_units.pop(unit_id)
            plan.units_added.append((name, tier))
            plan.units.append(
                {
                    "id": unit_id,
                    "station_id": station_id,
                    "name": name,
                    "tier": tier.value,
                    "village_id": unit_village,
                    "active": True,
                }
            )
        for deputy_id in (row.deputy_id, *row.deputy_ids):
            if deputy_id is None or deputy_id not in used_deputies:
                continue
            deputy = next((n for n, i in lookups.new_deputies.items() if i == deputy_id), None)
            if deputy is not None:
                del lookups.new_deputies[deputy]
                lookups.deputies[deputy] = deputy_id
                plan.deputies_added.append(deputy)
                # A deputy of an earlier term: on record, not on the roster.
                plan.deputies.append(
                    {
                        "id": deputy_id,
                        "station_id": station_id,
                        "name": deputy,
                        "level": DeputyLevel.township.value,
                        "group_name": "",
                        "active": False,
                    }
                )


def _constituents(
    session: Session, plan: ImportPlan, rows: list[_Row], lookups: _Lookups, station_id: str
) -> dict[tuple[str, str], str]:
    """The resident of each (phone, name): one already registered when there is one (as
    `log_visit` reuses them), else a new one from the row that first names them."""
    ids: dict[tuple[str, str], str] = {}
    phones = sorted({row.phone for row in rows})
    for chunk in _chunks(phones):
        for person in session.exec(
            select(Constituent)
            .where(col(Constituent.phone).in_(chunk), live(Constituent))
            .order_by(col(Constituent.updated_at).desc())
        ):
            ids.setdefault((person.phone, person.name), person.id)
    for row in rows:
        if (row.phone, row.name) in ids:
            continue
        person_id = new_id()
        ids[(row.phone, row.name)] = person_id
        plan.constituents.append(
            {
                "id": person_id,
                "station_id": station_id,
                "name": row.name,
                "phone": row.phone,
                "village_id": lookups.village_id(row.village),
                "group_name": None,
                "id_number": None,
            }
        )
    return ids


def _issues(
    session: Session,
    plan: ImportPlan,
    groups: list[list[_Row]],
    new_keys: set[str],
    lookups: _Lookups,
    station_id: str,
    tz: ZoneInfo,
) -> dict[str, str]:
    """Issues for the groups with new rows, in the state the ledger gives. Returns the issue id
    of each new visit."""
    settings = load_settings(session=session)
    ids = {
        id(group): str(
            uuid.uuid5(LEDGER_NAMESPACE, f"{station_id}\x1fissue\x1f{group[0].ref or group[0].key}")
        )
        for group in groups
    }
    existing = _existing_ids(session, Issue, list(ids.values()))
    issue_of: dict[str, str] = {}
    for group in groups:
        fresh = [row for row in group if row.key in new_keys]
        if not fresh:
            continue
        issue_id = ids[id(group)]
        for row in fresh:
            issue_of[row.key] = issue_id
        if issue_id in existing:
            plan.joined[issue_id] = plan.joined.get(issue_id, 0) + _asked(fresh)
            continue
        first = min(group, key=lambda r: (r.local, r.number))
        village_id = lookups.village_id(first.life.village or first.village)
        _new_issue(plan, group, fresh, issue_id, station_id, village_id, settings, tz, lookups)
    return issue_of


def _asked(rows: Iterable[_Row]) -> int:
    """How many of the rows' visits are still asked for (not withdrawn): an issue's count."""
    return sum(1 for row in rows if row.withdrawn is None)


def _new_issue(
    plan: ImportPlan,
    group: list[_Row],
    fresh: list[_Row],
    issue_id: str,
    station_id: str,
    village_id: str,
    settings: StationSettings,
    tz: ZoneInfo,
    lookups: _Lookups,
) -> None:
    first = min(group, key=lambda r: (r.local, r.number))
    last = max(group, key=lambda r: (r.local, r.number))
    assert first.tier is not None and first.unit_id is not None
    life = first.life
    opened_on = life.opened or first.local.date()
    # Its present tier's window counts from its last move (store.desk.moves), if it moved.
    tier_since = life.moves[-1].at.date() if life.moves else None
    window = settings.window_days[first.tier]
    due_on, warn_on = due_dates(tier_since or opened_on, window, settings)
    if life.due is not None:
        # The ledger's own due date stands (its station may count windows otherwise); it turns
        # yellow as long before it as this station's rules say, unless the ledger says when.
        warn_on, due_on = life.due - (due_on - warn_on), life.due
    warn_on = life.warn or warn_on
    if life.lead is None:
        lead = first.deputy_id
    else:
        lead = lookups.deputy_id(life.lead) if life.lead else None
    issue: dict[str, Any] = {
        "id": issue_id,
        "station_id": station_id,
        "title": life.title or summarise(first.text, TITLE_MAX),
        "category_id": lookups.categories[life.category] if life.category else first.category_id,
        "village_id": village_id,
        "tier": first.tier.value,
        "unit_id": first.unit_id,
        "status": (first.status or IssueStatus.received).value,
        "lead_deputy_id": lead,
        "opened_on": opened_on,
        "window_days": window,
        "due_on": due_on,
        "warn_on": warn_on,
        "tier_since": tier_since,
        "resupervision": False,
        "reopen_count": 0,
        "visit_count": _asked(fresh),
        "closed_on": None,
        "closed_within_window": None,
        "resolution": None,
        "satisfaction": None,
        "evaluated_at": None,
    }
    plan.issues.append(issue)
    for index, moved in enumerate(life.moves or ()):
        _move(plan, issue, index, moved, first.village, tz, lookups)
    if life.said():
        _lived(plan, issue, first, last, life, tz, lookups)
    else:
        _inferred(plan, issue, first, last, tz)
    if all(row.withdrawn is not None for row in group):
        _withdrawn(plan, issue, group, tz)


def _withdrawn(plan: ImportPlan, issue: dict[str, Any], group: list[_Row], tz: ZoneInfo) -> None:
    """An issue all of whose residents withdrew (撤回): closed as withdrawn when the last did
    (store.desk.regroup.close_withdrawn), counted apart, not judged on time."""
    last = max(group, key=lambda r: (r.withdrawn or r.local, r.number))
    assert last.withdrawn is not None
    at = from_local(last.withdrawn, tz)
    if issue["status"] != IssueStatus.closed.value:
        _progress(plan, issue["id"], at, IssueStatus(issue["status"]), IssueStatus.closed, None)
        issue.update(status=IssueStatus.closed.value, closed_on=last.withdrawn.date())
    issue.update(closed_within_window=None, resupervision=False, withdrawn_at=at)


def _move(
    plan: ImportPlan,
    issue: dict[str, Any],
    index: int,
    moved: Moved,
    village: str,
    tz: ZoneInfo,
    lookups: _Lookups,
) -> None:
    """One move of the issue's history, as `move_issue` would have recorded it: the tier left
    judged by its due date then (docs/rules/colours-and-windows.md)."""
    units = [
        lookups.unit_for(name, village, tier)
        for name, tier in (
            (moved.from_unit, moved.from_tier),
            (moved.to_unit, moved.to_tier),
        )
    ]
    # Checked with the row (`_move_units`), which made any new unit: found now.
    assert not isinstance(units[0], str) and not isinstance(units[1], str)
    deputy = lookups.deputy_id(moved.deputy) if moved.deputy else None
    plan.moves.append(
        {
            "id": str(uuid.uuid5(LEDGER_NAMESPACE, f"{issue['id']}\x1fmove\x1f{index}")),
            "station_id": issue["station_id"],
            "issue_id": issue["id"],
            "moved_at": from_local(moved.at, tz),
            "deputy_id": deputy,
            "from_tier": moved.from_tier.value,
            "to_tier": moved.to_tier.value,
            "from_unit_id": units[0][0],
            "to_unit_id": units[1][0],
            "reason": moved.reason.value,
            "note": moved.note,
            "from_due_on": moved.from_due,
            "from_on_time": moved.at.date() <= moved.from_due,
            "to_due_on": moved.to_due,
        }
    )


def _evaluation(
    plan: ImportPlan, issue_id: str, index: int, at: datetime, judged: Judged, deputy: str | None
) -> None:
    suffix = "" if index == 0 else f"\x1f{index}"
    plan.evaluations.append(
        {
            "id": str(uuid.uuid5(LEDGER_NAMESPACE, f"{issue_id}\x1fevaluation{suffix}")),
            "issue_id": issue_id,
            "at": at,
            "resolution": judged.resolution.value,
            "satisfaction": judged.satisfaction.value,
            "note": "",
            "deputy_id": deputy,
        }
    )


def _lived(
    plan: ImportPlan,
    issue: dict[str, Any],
    first: _Row,
    last: _Row,
    life: Life,
    tz: ZoneInfo,
    lookups: _Lookups,
) -> None:
    """An issue as the ledger tells its life: dates, verdict and evaluations as written, what
    it leaves out worked out from the rest."""
    issue_id = issue["id"]
    status = first.status or (IssueStatus.closed if life.closed else IssueStatus.received)
    history = life.evaluations or ()
    if not history and first.satisfaction is not None:
        said = life.evaluated or last.local
        history = (Judged(said, life.resolution or Resolution.resolved, first.satisfaction),)
    for index, judged in enumerate(history):
        at = from_local(judged.at, tz)
        deputy = lookups.deputy_id(judged.deputy) if judged.deputy else None
        _evaluation(plan, issue_id, index, at, judged, deputy)
        if evaluation_reopens(judged.resolution, judged.satisfaction):
            _progress(plan, issue_id, at, IssueStatus.closed, IssueStatus.supervising, deputy)
    reopened = sum(evaluation_reopens(j.resolution, j.satisfaction) for j in history)
    reopen_count = life.reopened if life.reopened is not None else reopened
    closed_on = (life.closed or last.local.date()) if status == IssueStatus.closed else None
    issue.update(
        status=status.value,
        reopen_count=reopen_count,
        resupervision=reopen_count > 0 and status != IssueStatus.closed,
    )
    if closed_on is not None:
        on_time = life.on_time if life.on_time is not None else closed_on <= issue["due_on"]
        issue.update(closed_on=closed_on, closed_within_window=on_time)
        if first.satisfaction is not None:
            latest = history[-1] if history else None
            evaluated = life.evaluated or (latest.at if latest else last.local)
            resolution = life.resolution or (latest.resolution if latest else Resolution.resolved)
            issue.update(
                resolution=resolution.value,
                satisfaction=first.satisfaction.value,
                evaluated_at=from_local(evaluated, tz),
            )
    if status != IssueStatus.received:
        moved = _instant(last, tz)
        if closed_on is not None:
            moved = max(moved, from_local(datetime.combine(closed_on, time(12)), tz))
        _progress(plan, issue_id, moved, IssueStatus.received, status, first.deputy_id)


def _inferred(
    plan: ImportPlan, issue: dict[str, Any], first: _Row, last: _Row, tz: ZoneInfo
) -> None:
    """An issue of a ledger that tells nothing of its life but its state: closed when its last
    visit came, evaluated then (docs/rules/ledger.md)."""
    issue_id = issue["id"]
    status = first.status or IssueStatus.received
    at = _instant(last, tz)
    evaluated = first.satisfaction is not None
    reached = IssueStatus.closed if evaluated else status
    if reached != IssueStatus.received:
        _progress(plan, issue_id, at, IssueStatus.received, reached, first.deputy_id)
    issue.update(status=reached.value)
    if reached == IssueStatus.closed:
        closed_on = last.local.date()
        issue.update(closed_on=closed_on, closed_within_window=closed_on <= issue["due_on"])
    if first.satisfaction is None:
        return
    # 督事 with a verdict is the state an evaluation that reopened the issue leaves behind; a
    # satisfied resident whose issue was reopened must have found it unresolved.
    resolution = Resolution.resolved
    if status == IssueStatus.supervising and first.satisfaction != Satisfaction.unsatisfied:
        resolution = Resolution.unresolved
    judged = Judged(last.local, resolution, first.satisfaction)
    _evaluation(plan, issue_id, 0, at, judged, first.deputy_id)
    issue.update(
        resolution=resolution.value, satisfaction=first.satisfaction.value, evaluated_at=at
    )
    if evaluation_reopens(resolution, first.satisfaction):
        _progress(plan, issue_id, at, IssueStatus.closed, IssueStatus.supervising, first.deputy_id)
        issue.update(
            status=IssueStatus.supervising.value,
            resupervision=True,
            reopen_count=1,
            closed_on=None,
            closed_within_window=None,
            resolution=None,
            satisfaction=None,
            evaluated_at=None,
        )


def _progress(
    plan: ImportPlan,
    issue_id: str,
    at: datetime,
    before: IssueStatus,
    after: IssueStatus,
    deputy_id: str | None,
) -> None:
    plan.progress.append(
        {
            "id": new_id(),
            "issue_id": issue_id,
            "at": at,
            "deputy_id": deputy_id,
            "status_before": before.value,
            "status_after": after.value,
            "note": "",
        }
    )
