"""Merges, splits and withdrawals made apart converge (docs/rules/sync.md, "Regrouping apart").

Two devices regroup offline: one merges A into B while the other adds a progress note to A, or
merges B into A, or withdraws B's last visit. Each change merges field by field as any other,
and then this rule, applied by every device at the end of every merge of changes
(store.sync.merge), puts the whole back in order. It reads only rows that every device holding
the same changes holds alike, and writes ordinary logged updates whose values follow from
them, so devices that apply it write the same field with the same value: nothing new to
conflict over, and what one device writes the others find already done.

1. **Cycles** (A into B here, B into A there): the issue of lowest id in the cycle survives;
   it is brought back (not deleted, merged into nothing), and the others stay merged into it.
2. **Redirect**: what points at a merged issue (visits, progress, evaluations, micro-project
   and leader-visit links) is moved to the issue the merge chain ends at, as a local merge
   moves it (store.desk.regroup.move_followers). A chain that ends at a deleted issue that was
   not merged ends there (step 3 then takes its visits back to triage); one whose end has not
   arrived yet waits for it.
3. **Nothing asked hidden**: a visit still asked for that ends on an issue closed as withdrawn,
   or on a deleted issue that was not merged, goes back to the triage queue.
4. **All withdrawn**: an open issue whose visits were all withdrawn, each on another device,
   closes as withdrawn, as the last withdrawal would have closed it (the progress entry's id
   is made from the issue and that visit, so two devices make one).
5. The issues changed are counted again (repeat marks, counts, kind).

Residual: a device that redirects before it has heard of a later merge (a chain of three
devices' merges) may write a value that a better-informed device writes otherwise at the same
time; the later one stands everywhere, and the earlier may be listed as a conflict for a deputy
to keep or restore, as any concurrent edit is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.changelog.field_clock import chunks
from store.core.clock import to_local
from store.core.models import Issue, IssueStatus, Station, Visit
from store.core.rows import live
from store.desk.regroup import close_withdrawn, move_followers, recount


def settle_regroupings(orm_session: OrmSession, touched: Iterable[str]) -> set[str]:
    """Apply the rule after changes were merged in (module docstring).

    Args:
        orm_session: the merge's write session (the store's sessions are SQLModel's).
        touched: the issues the merge changed, or whose visits it changed.
    Returns:
        The issues whose visits the rule moved or closed (their aggregates to refresh).
    """
    assert isinstance(orm_session, Session)
    session = orm_session
    write_context(session)
    _settle_cycles(session)
    ends = _chain_ends(session)
    changed = move_followers(session, ends)
    candidates = set(touched) | changed | set(ends.values())
    changed |= _to_triage(session, candidates)
    changed |= _close_all_withdrawn(session, candidates)
    recount(session, sorted(changed))
    return changed


def _merged(session: Session) -> dict[str, str]:
    """Issue → the issue it was merged into, for every issue merged away (the partial index
    ix_issue_merged_into holds them)."""
    rows = session.exec(
        select(Issue.id, Issue.merged_into).where(
            col(Issue.merged_into).is_not(None), col(Issue.deleted_at).is_not(None)
        )
    ).all()
    return {issue_id: target for issue_id, target in rows if target}


def _settle_cycles(session: Session) -> None:
    """Bring back the lowest id of each cycle of merges until none is left."""
    while True:
        merged = _merged(session)
        survivors: set[str] = set()
        for start in merged:
            path: list[str] = []
            at = start
            while at in merged and at not in path:
                path.append(at)
                at = merged[at]
            if at in merged:  # came round to `at`: the cycle is the path from there
                survivors.add(min(path[path.index(at) :]))
        if not survivors:
            return
        for issue in _issues(session, sorted(survivors)):
            issue.deleted_at = None
            issue.merged_into = None
        session.flush()


def _chain_ends(session: Session) -> dict[str, str]:
    """Merged issue → where its chain of merges ends: a live issue, or a deleted one that was
    not merged. Chains whose end is not here yet are left out."""
    merged = _merged(session)
    ends: dict[str, str] = {}
    for start in merged:
        at = start
        while at in merged:
            at = merged[at]
        ends[start] = at
    present: set[str] = set()
    targets = sorted(set(ends.values()))
    for part in chunks(targets):
        present.update(session.exec(select(Issue.id).where(col(Issue.id).in_(part))).all())
    return {issue: end for issue, end in ends.items() if end in present}


def _to_triage(session: Session, issue_ids: Iterable[str]) -> set[str]:
    """Visits still asked for on an issue closed as withdrawn, or deleted without a merge,
    back to the triage queue. Returns the issues they left."""
    left: set[str] = set()
    for part in chunks(sorted(issue_ids)):
        hidden = session.exec(
            select(Visit)
            .join(Issue, col(Issue.id) == Visit.issue_id)
            .where(
                col(Visit.issue_id).in_(part),
                live(Visit),
                col(Visit.withdrawn_at).is_(None),
                col(Issue.merged_into).is_(None),
                (col(Issue.withdrawn_at).is_not(None)) | (col(Issue.deleted_at).is_not(None)),
            )
            .order_by(col(Visit.id))
            .execution_options(populate_existing=True)
        ).all()
        for visit in hidden:
            assert visit.issue_id is not None
            left.add(visit.issue_id)
            visit.issue_id = None
            if visit.is_repeat:
                visit.is_repeat = False
    session.flush()
    return left


def _close_all_withdrawn(session: Session, issue_ids: Iterable[str]) -> set[str]:
    """Close as withdrawn the open issues among these whose visits are all withdrawn: one
    grouped count per chunk finds them (a first exchange may touch every issue)."""
    closed: set[str] = set()
    for part in chunks(sorted(issue_ids)):
        found = session.exec(
            select(Visit.issue_id)
            .join(Issue, col(Issue.id) == Visit.issue_id)
            .where(
                col(Visit.issue_id).in_(part),
                live(Visit),
                live(Issue),
                col(Issue.status) != IssueStatus.closed,
            )
            .group_by(col(Visit.issue_id))
            .having(func.count() == func.count(col(Visit.withdrawn_at)))
            .order_by(col(Visit.issue_id))
        ).all()
        for issue in _issues(session, [i for i in found if i is not None]):
            visits = session.exec(
                select(Visit).where(Visit.issue_id == issue.id, live(Visit))
            ).all()
            last = max(visits, key=lambda v: (v.withdrawn_at, v.id))
            assert last.withdrawn_at is not None
            # The station's own day, the same on every device whatever its clock's zone.
            station = session.get(Station, issue.station_id)
            zone = ZoneInfo(station.timezone) if station else write_context(session).clock.tz
            day = to_local(last.withdrawn_at, zone).date()
            close_withdrawn(session, issue, last, day, deputy_id=None)
            closed.add(issue.id)
    return closed


def _issues(session: Session, ids: Sequence[str]) -> list[Issue]:
    found: list[Issue] = []
    for part in chunks(list(ids)):
        found += session.exec(
            select(Issue)
            .where(col(Issue.id).in_(part))
            .order_by(col(Issue.id))
            .execution_options(populate_existing=True)
        ).all()
    return found


__all__ = ["settle_regroupings"]
