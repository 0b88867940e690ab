"""A suggestion's co-signers (附议) chosen again after the draft: those ticked are added, those
no longer ticked taken off (kept as deleted, so the removal travels like any other). The lead
deputy (领衔) is never also a co-signer.

Two devices may each add the same deputy while apart: both rows stay (appends never conflict)
and every reading counts the deputy once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from store.changelog.changes import write_context
from store.core.errors import DeputyNotFound
from store.core.models import Deputy, Suggestion, SuggestionDeputy
from store.core.rows import get_live, live
from store.suggestions.suggestions import SuggestionNotFound


def set_co_signers(
    *, session: Session, suggestion_id: str, deputy_ids: Sequence[str]
) -> tuple[str, ...]:
    """Make `deputy_ids` the suggestion's co-signers (each a logged change only if it changed).

    Returns:
        The co-signers' ids now, in the order given (the lead left out).

    Raises:
        SuggestionNotFound, DeputyNotFound.
    """
    suggestion = get_live(session, Suggestion, suggestion_id, SuggestionNotFound)
    wanted = [d for d in dict.fromkeys(deputy_ids) if d != suggestion.lead_deputy_id]
    rows = session.exec(
        select(SuggestionDeputy).where(
            SuggestionDeputy.suggestion_id == suggestion_id, live(SuggestionDeputy)
        )
    ).all()
    now = write_context(session).clock.now()
    had = set()
    for row in rows:
        if row.deputy_id in wanted:
            had.add(row.deputy_id)
        else:
            row.deleted_at = now
            session.add(row)
    for deputy_id in wanted:
        if deputy_id not in had:
            get_live(session, Deputy, deputy_id, DeputyNotFound)
            session.add(SuggestionDeputy(suggestion_id=suggestion_id, deputy_id=deputy_id))
    session.flush()
    return tuple(wanted)
