"""Whether a database is a county hub's (store.sync.hub): the county's view of its stations,
where nobody is on duty. The store refuses a hub the duty desk's own writes (logging a visit,
triage, a shift and its handover), so that `sync pull` can never carry such a write back to a
station: the interface hides those keys, and this is the rule behind them."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.core.errors import HubRefused
from store.core.models import LocalMeta

# LocalMeta key marking a county hub's database; "1" there. Written once, when the hub is made.
HUB_META = "hub"

# What each engine's database is, read once: a database never turns into a hub or back, and the
# desk's writes (a visit saved) should not pay a read for it each time.
_KNOWN: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def is_hub(session: Session) -> bool:
    """Whether `session`'s database is a county hub's."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    known = _KNOWN.get(engine)
    if known is None:
        mark = session.get(LocalMeta, HUB_META)
        known = _KNOWN[engine] = mark is not None and mark.value == "1"
    return known


def refuse_on_hub(session: Session, key: str) -> None:
    """Raise HubRefused(`key`) on a county hub's database.

    Raises:
        HubRefused: the database is a hub's (`error.hub_no_logging`, `error.hub_no_duty`).
    """
    if is_hub(session):
        raise HubRefused(key)


__all__ = ["HUB_META", "is_hub", "refuse_on_hub"]
