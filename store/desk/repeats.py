"""Repeat visits (重复诉求) and the issue facts urgency reads, for rows loaded in bulk (ledger
imports, the demo): the same rule as `store.desk.triage.link_visits`, over plain row dicts.

A visit is a repeat when its resident already has a visit on the same issue: earlier on the
issue, or earlier (by time received) among the rows being loaded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from store.core.models import Constituent, Issue, Visit
from store.core.rows import live
from store.desk.urgency import pressing_kind


@dataclass
class IssueFactsAdded:
    """What loaded visits add to one issue."""

    repeats: int = 0
    kinds: list[str] = field(default_factory=list)
    vulnerable: bool = False


def mark_repeats(
    visits: list[dict[str, Any]],
    *,
    residents_on: dict[str, set[str]],
    vulnerable: set[str],
) -> dict[str, IssueFactsAdded]:
    """Set `is_repeat` on visit rows that join issues, and say what they add to each issue.

    Args:
        visits: rows with `id`, `issue_id`, `constituent_id`, `received_at`, `kind`.
        residents_on: the residents already on existing issues, by issue id (updated).
        vulnerable: ids of the residents who are vulnerable (困难群体).
    """
    added: dict[str, IssueFactsAdded] = {}
    for row in sorted(visits, key=lambda r: (r["received_at"], r["id"])):
        issue_id = row.get("issue_id")
        row["is_repeat"] = False
        if issue_id is None:
            continue
        facts = added.setdefault(issue_id, IssueFactsAdded())
        seen = residents_on.setdefault(issue_id, set())
        row["is_repeat"] = row["constituent_id"] in seen
        seen.add(row["constituent_id"])
        if row.get("withdrawn_at") is not None:
            continue  # withdrawn (撤回): in none of its issue's counts
        facts.repeats += row["is_repeat"]
        facts.kinds.append(row["kind"])
        facts.vulnerable = facts.vulnerable or row["constituent_id"] in vulnerable
    return added


def apply_to_new_issue(row: dict[str, Any], facts: IssueFactsAdded | None) -> None:
    """Fill a new issue row's repeat count, kind and vulnerability from its loaded visits."""
    facts = facts or IssueFactsAdded()
    row["repeat_count"] = facts.repeats
    row["kind"] = pressing_kind(facts.kinds).value
    row["vulnerable"] = facts.vulnerable


def apply_to_issue(issue: Issue, facts: IssueFactsAdded) -> None:
    """Add what loaded visits bring to an existing issue (an ORM row: the change is logged)."""
    if facts.repeats:
        issue.repeat_count = issue.repeat_count + facts.repeats
    kind = pressing_kind([issue.kind, *facts.kinds])
    if kind != issue.kind:
        issue.kind = kind
    if facts.vulnerable and not issue.vulnerable:
        issue.vulnerable = True


def residents_on_issues(*, session: Session, issue_ids: Iterable[str]) -> dict[str, set[str]]:
    """The residents with a visit on each of these issues."""
    ids = list(issue_ids)
    found: dict[str, set[str]] = {i: set() for i in ids}
    for start in range(0, len(ids), 500):
        for issue_id, person in session.exec(
            select(Visit.issue_id, Visit.constituent_id).where(
                col(Visit.issue_id).in_(ids[start : start + 500]), live(Visit)
            )
        ).all():
            found[str(issue_id)].add(person)
    return found


def vulnerable_residents(*, session: Session, ids: Iterable[str]) -> set[str]:
    """Which of these residents are vulnerable."""
    wanted = list(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            session.exec(
                select(Constituent.id).where(
                    col(Constituent.id).in_(wanted[start : start + 500]),
                    col(Constituent.vulnerable).is_(True),
                )
            ).all()
        )
    return found
