"""Daily sums of the statistics' additive counts on a county hub (PostgreSQL; issue 19, part 3).

At a county's scale a year's statistics read every visit, issue and evaluation of the year (0.6 s
of SQL at 180,000 visits with covering indexes, seconds at 1.5 million). `figure_day` holds, for
each station-local day, station and group (the totals, and each tier, unit, village, category and
channel), what the statistics add up: visits and those direct from residents and withdrawn (by the
day received), the issues opened, open, closed, done within two months, on time and closed as
withdrawn (by the day opened), the evaluations and the satisfied ones (by the day made). A period's
figures are then sums over its days (`figure_month` holds the monthly totals, so that a year of
units or categories is a few thousand rows). What depends on today stays live: overdue issues (on a
partial index of the open ones), and which days' issues are decided (their two months over) is a
comparison of the day with today's cutoff in the sum. Moves between tiers, leader visits and
suggestions are few and stay live.

Each day's rows are the live statistics' own queries (store.reports.stats, grouped by day and
station as well), never a second statement of the rules: a summed period equals the live one by
construction, and tests compare them after random writes, syncs and purges.

Exact whatever is written, in the same transaction as the writes: triggers on visit, issue and
evaluation note the days a write touches, with their station (`figure_dirty`: the old and new
day of the row, and, when an issue's groups change, the days of its visits and evaluations; when a
visit's issue or time changes, the days of its issue's figures that hang on its first visit's
channel), and a period reads those days live, the others from the sums. A push counts its
station's waiting days again as it ends, in the database (store.sync.hub: pushes are most of what
a hub is written); the county's own few writes of a day wait for the next push. `liaison check`
counts every month again and compares; `--repair` counts every day again.

The days are the stations' local days in one time zone, kept in local_meta (`figure_days_tz`); a
period asked for in another zone is read live. SQLite (a station's own file): none of this."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlmodel import Session

from store.core.clock import STATION_TZ

TZ_KEY = "figure_days_tz"
# The additive counts of a day, as store.reports.stats.Figures names them.
SUMS = (
    "visits",
    "direct_visits",
    "withdrawn_visits",
    "opened",
    "open",
    "closed",
    "done",
    "on_time",
    "evaluated",
    "satisfied",
    "withdrawn",
)

_metadata = MetaData()
FIGURE_DAY = Table(
    "figure_day",
    _metadata,
    # "" for the totals, else a Breakdown's value (tier, unit, village, category, channel); a
    # station's figures are its totals' rows.
    Column("grouping", String(16), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("station_id", String(36), primary_key=True),
    Column("key", String(36), primary_key=True),
    *(Column(name, Integer, nullable=False, server_default="0") for name in SUMS),
)
# The same, a month to a row (`day` its first day): a year of a grouping with many keys (units,
# categories) is a few thousand rows instead of a hundred thousand at a county of 60 stations.
FIGURE_MONTH = Table(
    "figure_month",
    _metadata,
    Column("grouping", String(16), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("station_id", String(36), primary_key=True),
    Column("key", String(36), primary_key=True),
    *(Column(name, Integer, nullable=False, server_default="0") for name in SUMS),
)
# The days (and stations) written since they were counted: a station's first push counts its own
# history again, not every station's.
FIGURE_DIRTY = Table(
    "figure_dirty",
    _metadata,
    Column("day", Date, primary_key=True),
    Column("station_id", String(36), primary_key=True),
)
# What local_meta, the migrations and `liaison check` know them by.
FIGURE_OBJECTS = frozenset({"figure_day", "figure_month", "figure_dirty"})

# The days a write touches. A row's columns that no figure reads change nothing (an issue's
# visit count, urgency, slip number: every link of a visit updates them).
_TRIGGERS = """
CREATE OR REPLACE FUNCTION figure_days_mark_issue(target text, zone text, with_visits boolean)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO figure_dirty (day, station_id)
    SELECT i.opened_on, i.station_id FROM issue i WHERE i.id = $1
    UNION SELECT (e.at AT TIME ZONE $2)::date, i.station_id
        FROM evaluation e JOIN issue i ON i.id = e.issue_id WHERE e.issue_id = $1
    UNION SELECT (v.received_at AT TIME ZONE $2)::date, v.station_id FROM visit v
        WHERE v.issue_id = $1 AND $3
    ON CONFLICT DO NOTHING
$$;

CREATE OR REPLACE FUNCTION figure_days_visit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tz text := (SELECT value FROM local_meta WHERE key = 'figure_days_tz');
BEGIN
    IF tz IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.received_at, OLD.deleted_at, OLD.withdrawn_at, OLD.issue_id,
            OLD.channel, OLD.village_id, OLD.category_id, OLD.station_id)
        IS NOT DISTINCT FROM (NEW.received_at, NEW.deleted_at, NEW.withdrawn_at, NEW.issue_id,
            NEW.channel, NEW.village_id, NEW.category_id, NEW.station_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO figure_dirty (day, station_id)
            VALUES ((OLD.received_at AT TIME ZONE tz)::date, OLD.station_id)
            ON CONFLICT DO NOTHING;
        -- Its issue's first visit, whose channel is the issue's, may be another now.
        PERFORM figure_days_mark_issue(OLD.issue_id, tz, false);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO figure_dirty (day, station_id)
            VALUES ((NEW.received_at AT TIME ZONE tz)::date, NEW.station_id)
            ON CONFLICT DO NOTHING;
        PERFORM figure_days_mark_issue(NEW.issue_id, tz, false);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION figure_days_issue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tz text := (SELECT value FROM local_meta WHERE key = 'figure_days_tz');
    regrouped boolean := true;
BEGIN
    IF tz IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Its groups (and whether it counts at all): its visits' and evaluations' too.
        regrouped := (OLD.tier, OLD.unit_id, OLD.village_id, OLD.category_id, OLD.station_id,
                OLD.deleted_at)
            IS DISTINCT FROM (NEW.tier, NEW.unit_id, NEW.village_id, NEW.category_id,
                NEW.station_id, NEW.deleted_at);
        IF NOT regrouped AND (OLD.opened_on, OLD.status, OLD.closed_on, OLD.closed_within_window,
                OLD.withdrawn_at)
            IS NOT DISTINCT FROM (NEW.opened_on, NEW.status, NEW.closed_on,
                NEW.closed_within_window, NEW.withdrawn_at) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO figure_dirty (day, station_id) VALUES (OLD.opened_on, OLD.station_id)
            ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO figure_dirty (day, station_id) VALUES (NEW.opened_on, NEW.station_id)
            ON CONFLICT DO NOTHING;
    END IF;
    IF regrouped THEN
        IF TG_OP <> 'INSERT' THEN
            -- Its evaluations were counted under its old station.
            INSERT INTO figure_dirty (day, station_id)
                SELECT (e.at AT TIME ZONE tz)::date, OLD.station_id FROM evaluation e
                WHERE e.issue_id = OLD.id
                ON CONFLICT DO NOTHING;
        END IF;
        PERFORM figure_days_mark_issue(
            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, tz, true);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION figure_days_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tz text := (SELECT value FROM local_meta WHERE key = 'figure_days_tz');
BEGIN
    IF tz IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.at, OLD.satisfaction, OLD.issue_id, OLD.deleted_at)
        IS NOT DISTINCT FROM (NEW.at, NEW.satisfaction, NEW.issue_id, NEW.deleted_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO figure_dirty (day, station_id)
            SELECT (OLD.at AT TIME ZONE tz)::date, i.station_id FROM issue i
            WHERE i.id = OLD.issue_id
            ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO figure_dirty (day, station_id)
            SELECT (NEW.at AT TIME ZONE tz)::date, i.station_id FROM issue i
            WHERE i.id = NEW.issue_id
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER figure_days_visit AFTER INSERT OR UPDATE OR DELETE ON visit
    FOR EACH ROW EXECUTE FUNCTION figure_days_visit();
CREATE TRIGGER figure_days_issue AFTER INSERT OR UPDATE OR DELETE ON issue
    FOR EACH ROW EXECUTE FUNCTION figure_days_issue();
CREATE TRIGGER figure_days_evaluation AFTER INSERT OR UPDATE OR DELETE ON evaluation
    FOR EACH ROW EXECUTE FUNCTION figure_days_evaluation();
"""

_DROP = """
DROP TRIGGER IF EXISTS figure_days_visit ON visit;
DROP TRIGGER IF EXISTS figure_days_issue ON issue;
DROP TRIGGER IF EXISTS figure_days_evaluation ON evaluation;
DROP FUNCTION IF EXISTS figure_days_visit();
DROP FUNCTION IF EXISTS figure_days_issue();
DROP FUNCTION IF EXISTS figure_days_evaluation();
DROP FUNCTION IF EXISTS figure_days_mark_issue(text, text, boolean);
DROP TABLE IF EXISTS figure_day;
DROP TABLE IF EXISTS figure_month;
DROP TABLE IF EXISTS figure_dirty;
"""


def _is_hub_db(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def install_figure_days(conn: Connection, tz: str | None) -> None:
    """Create the daily sums and their triggers (schema 0025), and, given `tz` (a hub's: the
    stations' time zone, whose local days they are), count every day. PostgreSQL only."""
    if not _is_hub_db(conn):
        return
    _metadata.create_all(conn)
    for statement in _statements(_TRIGGERS):
        conn.exec_driver_sql(statement)
    if tz is not None:
        rebuild_figure_days(conn, tz)


def drop_figure_days(conn: Connection) -> None:
    if not _is_hub_db(conn):
        return
    for statement in _statements(_DROP):
        conn.exec_driver_sql(statement)
    conn.execute(sql_text("DELETE FROM local_meta WHERE key = :k"), {"k": TZ_KEY})


def _statements(script: str) -> Iterator[str]:
    """The script's statements: function bodies ($$ … $$) hold semicolons of their own."""
    chunks = script.split("$$")
    statement = ""
    for n, chunk in enumerate(chunks):
        if n % 2:
            statement += f"$${chunk}$$"
            continue
        parts = chunk.split(";")
        statement += parts[0]
        for part in parts[1:]:
            if statement.strip():
                yield statement.strip()
            statement = part
    if statement.strip():
        yield statement.strip()


def built_tz(conn: Connection) -> str | None:
    """The time zone the daily sums are counted in, or None where there are none."""
    if not _is_hub_db(conn):
        return None
    value = conn.execute(
        sql_text("SELECT value FROM local_meta WHERE key = :k"), {"k": TZ_KEY}
    ).scalar()
    return None if value is None else str(value)


def rebuild_figure_days(conn: Connection, tz: str | None = None) -> int:
    """Count every day again (in `tz`, else the zone they are in): `check --repair`, schema
    0025. Returns how many day rows there are."""
    if not _is_hub_db(conn):
        return 0
    zone = tz or built_tz(conn) or STATION_TZ
    conn.execute(sql_text("DELETE FROM local_meta WHERE key = :k"), {"k": TZ_KEY})
    conn.execute(
        sql_text("INSERT INTO local_meta (key, value) VALUES (:k, :v)"), {"k": TZ_KEY, "v": zone}
    )
    conn.execute(delete(FIGURE_DIRTY))
    conn.execute(delete(FIGURE_DAY))
    conn.execute(delete(FIGURE_MONTH))
    first, last = _span(conn, zone)
    if first is None or last is None:
        return 0
    whole = [(first, last + timedelta(days=1))]
    counted = _count(conn, whole, zone)
    _roll_up(conn, whole)
    # Fresh statistics for the planner (a period's sums read a range of days).
    conn.exec_driver_sql("ANALYZE figure_day, figure_month")
    return counted


def figure_days_faults(conn: Connection) -> list[str]:
    """The months (YYYY-MM) whose sums differ from a count from scratch, or whose monthly totals
    differ from their days' (`liaison check`; the days written since they were counted aside:
    they are read live). Counted a month at a time, in bounded memory."""
    zone = built_tz(conn)
    if zone is None:
        return []
    from store.reports.stats import day_rows

    waiting = {d for (d,) in conn.execute(select(FIGURE_DIRTY.c.day).distinct())}
    first, last = _span(conn, zone)
    faults = []
    month = month_of(first) if first else None
    while month is not None and last is not None and month <= last:
        following = next_month(month)
        fresh = {
            (r["grouping"], r["day"], r["station_id"], r["key"], *(r[n] for n in SUMS))
            for r in day_rows(conn, month, following, zone)
            if r["day"] not in waiting
        }
        c = FIGURE_DAY.c
        stored = {
            tuple(row)
            for row in conn.execute(select(FIGURE_DAY).where(c.day >= month, c.day < following))
            if row.day not in waiting
        }
        if fresh != stored or not _month_adds_up(conn, month, following):
            faults.append(month.strftime("%Y-%m"))
        month = following
    return faults


def _month_adds_up(conn: Connection, month: date, following: date) -> bool:
    day, total = FIGURE_DAY.c, FIGURE_MONTH.c
    keys = (day.grouping, day.station_id, day.key)
    summed = set(
        conn.execute(
            select(*keys, *(func.sum(day[n]) for n in SUMS))
            .where(day.day >= month, day.day < following)
            .group_by(*keys)
        )
    )
    kept = set(
        conn.execute(
            select(total.grouping, total.station_id, total.key, *(total[n] for n in SUMS)).where(
                total.day == month
            )
        )
    )
    return {tuple(r) for r in summed} == {tuple(r) for r in kept}


def _span(conn: Connection, zone: str) -> tuple[date | None, date | None]:
    """The first and last local day the hub holds a visit, issue or evaluation of."""
    span = conn.execute(
        sql_text(
            "SELECT least((SELECT min(opened_on) FROM issue),"
            " (SELECT min((received_at AT TIME ZONE :tz)::date) FROM visit),"
            " (SELECT min((at AT TIME ZONE :tz)::date) FROM evaluation)),"
            " greatest((SELECT max(opened_on) FROM issue),"
            " (SELECT max((received_at AT TIME ZONE :tz)::date) FROM visit),"
            " (SELECT max((at AT TIME ZONE :tz)::date) FROM evaluation))"
        ),
        {"tz": zone},
    ).one()
    return span[0], span[1]


# A push leaves fewer days than this waiting (read live, each span of them a few statements): a
# station's daily push touches a day or two, and counting them took 0.28 s of 30 statements.
RECOUNT_FROM = 8


def refresh_figure_days(conn: Connection, least: int = 1) -> int:
    """Count again the days written since they were last counted, station by station (at the
    end of a push, in its last transaction, once `least` (day, station) pairs wait). Returns how
    many (day, station) pairs."""
    if not _is_hub_db(conn):
        return 0
    if least > 1:
        waiting = conn.execute(select(func.count()).select_from(FIGURE_DIRTY)).scalar_one()
        if waiting < least:
            return 0
    dirty = conn.execute(
        delete(FIGURE_DIRTY).returning(FIGURE_DIRTY.c.day, FIGURE_DIRTY.c.station_id)
    ).all()
    zone = built_tz(conn) if dirty else None
    if zone is None:
        return 0
    stations: dict[str, list[date]] = {}
    for day, station in dirty:
        stations.setdefault(str(station), []).append(day)
    months: set[tuple[date, date]] = set()
    for station, days in stations.items():
        counted = spans(days)
        c = FIGURE_DAY.c
        conn.execute(delete(FIGURE_DAY).where(c.station_id == station, _within(c.day, counted)))
        _count(conn, counted, zone, station)
        months |= set(_months(counted))
    _roll_up(conn, sorted(months))
    return len(dirty)


def _months(days: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The whole months these spans of days are in."""
    return [
        (month_of(first), next_month(month_of(last - timedelta(days=1)))) for first, last in days
    ]


def _roll_up(conn: Connection, days: list[tuple[date, date]]) -> None:
    """The monthly totals of the months these days are in, summed again from the days."""
    months = _months(days)
    day = FIGURE_DAY.c
    conn.execute(delete(FIGURE_MONTH).where(_within(FIGURE_MONTH.c.day, months)))
    month = cast(func.date_trunc("month", day.day), Date)
    totals = (
        select(day.grouping, month, day.station_id, day.key, *(func.sum(day[n]) for n in SUMS))
        .where(_within(day.day, months))
        .group_by(day.grouping, month, day.station_id, day.key)
    )
    names = ["grouping", "day", "station_id", "key", *SUMS]
    conn.execute(insert(FIGURE_MONTH).from_select(names, totals))


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _within(day: Any, ranges: list[tuple[date, date]]) -> Any:
    return or_(*(and_(day >= first, day < last) for first, last in ranges))


def _count(
    conn: Connection, spans: list[tuple[date, date]], tz: str, station_id: str | None = None
) -> int:
    """Write the rows of these spans of days (none there yet) from the statistics' queries, in
    the database: each query's groups added to the rows the others made (nothing is brought
    into this process, which may be a station's pushing its whole history); one station's rows
    if `station_id`. Returns how many (row, query) counts were written."""
    from sqlalchemy.dialects.postgresql import insert as upsert

    from store.reports.stats import day_queries

    table = FIGURE_DAY.c
    written = 0
    for start, end in spans:
        for grouping, query, names in day_queries(start, end, tz, station_id):
            columns = list(query.subquery().c)
            key, values, day, station = columns[0], columns[1:-2], columns[-2], columns[-1]
            kept = [(name, value) for name, value in zip(names, values, strict=True) if name]
            rows = select(
                literal(grouping), day, station, func.coalesce(key, ""), *(v for _, v in kept)
            )
            statement = upsert(FIGURE_DAY).from_select(
                ["grouping", "day", "station_id", "key", *(name for name, _ in kept)], rows
            )
            statement = statement.on_conflict_do_update(
                index_elements=["grouping", "day", "station_id", "key"],
                set_={name: table[name] + statement.excluded[name] for name, _ in kept},
            )
            written += conn.execute(statement).rowcount
    return written


# ---------------------------------------------------------------------------------------------
# Reading


def counted_in(session: Session, tz: Any) -> bool:
    """The daily sums are there to read, counted in `tz`'s local days (a hub's, on PostgreSQL);
    `tz` None: in any zone (figures of issues alone, by the day opened, a local date)."""
    zone = built_tz(session.connection())
    return zone is not None and (tz is None or zone == getattr(tz, "key", None))


def waiting_days(session: Session, start: date, end: date) -> list[date]:
    """The days of [start, end) written since they were last counted: read live."""
    query = (
        select(FIGURE_DIRTY.c.day)
        .where(FIGURE_DIRTY.c.day >= start, FIGURE_DIRTY.c.day < end)
        .distinct()
        .order_by(FIGURE_DIRTY.c.day)
    )
    return [d for (d,) in session.connection().execute(query)]


# Days written apart by up to this many days are counted (or read live) as one span: one query
# over a month costs less than a query for each of its days (a push touches the days of old
# issues it closes as well as today's).
SPAN_GAP_DAYS = 31


def spans(days: list[date]) -> list[tuple[date, date]]:
    """The days as [first, last + 1) spans, joined across gaps of up to SPAN_GAP_DAYS."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and day <= out[-1][1] + timedelta(days=SPAN_GAP_DAYS):
            out[-1] = (out[-1][0], day + timedelta(days=1))
        else:
            out.append((day, day + timedelta(days=1)))
    return out


def summed(
    session: Session,
    start: date,
    end: date,
    cutoff: date,
    grouping: str,
    by_station: bool,
    station_id: str | None,
    live: list[tuple[date, date]],
) -> list[tuple[Any, ...]]:
    """(key, *SUMS, decided) for each group of the days [start, end) but those of the `live`
    spans: `grouping`'s keys, or the stations' (`by_station`, the totals' rows). Decided: the
    issues of days before `cutoff` (their two months over), else those done.

    Whole months from the monthly totals; the days of a month the period or a live span cuts,
    or that `cutoff` falls within, from the days."""
    monthly: list[tuple[date, date]] = []
    daily: list[tuple[date, date]] = []
    first = month_of(start)
    while first < end:
        following = next_month(first)
        whole = start <= first and following <= end
        cut = any(a < following and first < b for a, b in live) or first < cutoff < following
        (monthly if whole and not cut else daily).append((max(first, start), min(following, end)))
        first = following
    out: dict[Any, list[int]] = {}
    for table, ranges in ((FIGURE_MONTH, monthly), (FIGURE_DAY, daily)):
        if not ranges:
            continue
        c = table.c
        key = c.station_id if by_station else c.key
        where = [c.grouping == grouping, _within(c.day, ranges)]
        if live and table is FIGURE_DAY:
            where.append(~_within(c.day, live))
        if station_id is not None:
            where.append(c.station_id == station_id)
        # A monthly row is all before the cutoff or all after it (a month it cuts is read by day).
        decided = func.sum(case((c.day < cutoff, c.opened), else_=c.done))
        query = (
            select(key, *(func.sum(c[name]) for name in SUMS), decided)
            .where(and_(*where))
            .group_by(key)
        )
        for found, *sums in session.connection().execute(query):
            slot = out.setdefault(found, [0] * (len(SUMS) + 1))
            for n, value in enumerate(sums):
                slot[n] += int(value or 0)
    return [(found, *sums) for found, sums in out.items()]


def visits_by_day(
    session: Session, start: date, end: date, station_id: str | None
) -> dict[date, int]:
    """The visits of each day of [start, end) with any, withdrawn ones too (the charts' weeks)."""
    day = FIGURE_DAY.c
    where = [day.grouping == "", day.day >= start, day.day < end]
    if station_id is not None:
        where.append(day.station_id == station_id)
    visits = func.sum(day.visits + day.withdrawn_visits)
    query = select(day.day, visits).where(*where).group_by(day.day)
    return {d: int(n) for d, n in session.connection().execute(query)}


__all__ = [
    "FIGURE_DAY",
    "FIGURE_DIRTY",
    "FIGURE_MONTH",
    "FIGURE_OBJECTS",
    "SUMS",
    "built_tz",
    "drop_figure_days",
    "figure_days_faults",
    "install_figure_days",
    "rebuild_figure_days",
    "refresh_figure_days",
    "counted_in",
    "spans",
    "summed",
    "visits_by_day",
    "waiting_days",
]
