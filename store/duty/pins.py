"""Deputies' PINs: who may go on duty on this terminal, so every write is theirs.

PINs are hashed with Argon2id (argon2-cffi, the reference implementation's binding); the clear PIN
is never stored or logged. Wrong PINs are counted per deputy on this device (in `local_meta`, not
synced: a lockout protects this terminal) and lock the deputy out for a while after too many."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from store.changelog.changes import write_context
from store.core.errors import N_, DeputyNotFound, FieldInvalid, StoreError
from store.core.models import Deputy, LocalMeta
from store.core.rows import get_live

if TYPE_CHECKING:
    from argon2 import PasswordHasher

PIN_MIN, PIN_MAX = 4, 8
MAX_WRONG = 5
LOCKOUT = timedelta(minutes=5)


class PinWrong(StoreError):
    key = N_("error.pin_wrong")


class PinLocked(StoreError):
    key = N_("error.pin_locked")


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # imported when a PIN is checked, not at start-up

    return PasswordHasher()


def _deputy(session: Session, deputy_id: str) -> Deputy:
    return get_live(session, Deputy, deputy_id, DeputyNotFound)


def clean_pin(pin: str) -> str:
    pin = pin.strip()
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise FieldInvalid("error.pin_format", field="pin", min=PIN_MIN, max=PIN_MAX)
    return pin


def set_pin(*, session: Session, deputy_id: str, pin: str | None) -> None:
    """Set a deputy's PIN, or remove it with None."""
    write_context(session)
    deputy = _deputy(session, deputy_id)
    deputy.pin_hash = _hasher().hash(clean_pin(pin)) if pin is not None else None
    session.flush()


def has_pin(*, session: Session, deputy_id: str) -> bool:
    return _deputy(session, deputy_id).pin_hash is not None


def _failures_key(deputy_id: str) -> str:
    return f"pin_failures.{deputy_id}"


def _failures(session: Session, deputy_id: str) -> tuple[LocalMeta | None, dict]:  # type: ignore[type-arg]
    row = session.exec(select(LocalMeta).where(LocalMeta.key == _failures_key(deputy_id))).first()
    return row, (json.loads(row.value) if row else {"count": 0, "until": None})


@dataclass(frozen=True)
class PinCheck:
    """The outcome of a PIN check. Not an exception: a wrong PIN must still commit its count."""

    ok: bool
    left: int = MAX_WRONG
    locked_until: datetime | None = None

    def raise_if_refused(self) -> None:
        if self.locked_until is not None:
            raise PinLocked(until=self.locked_until)
        if not self.ok:
            raise PinWrong(left=self.left)


def verify_pin(*, session: Session, deputy_id: str, pin: str) -> PinCheck:
    """Check a deputy's PIN before they go on duty, counting wrong ones. A deputy without a PIN
    passes. After MAX_WRONG wrong PINs in a row the deputy is locked out for LOCKOUT on this device.
    Commit the session even when the check fails (the count is the point)."""
    ctx = write_context(session)
    deputy = _deputy(session, deputy_id)
    if deputy.pin_hash is None:
        return PinCheck(ok=True)
    now = ctx.clock.now()
    row, state = _failures(session, deputy_id)
    until = datetime.fromisoformat(state["until"]) if state["until"] else None
    if until is not None and until > now:
        return PinCheck(ok=False, left=0, locked_until=until)
    from argon2.exceptions import InvalidHashError, VerifyMismatchError

    try:
        _hasher().verify(deputy.pin_hash, pin.strip())
        count, until, ok = 0, None, True
    except (VerifyMismatchError, InvalidHashError):
        count = (0 if until else state["count"]) + 1
        ok = False
        until = now + LOCKOUT if count >= MAX_WRONG else None
    value = json.dumps(
        {"count": 0 if until else count, "until": until.isoformat() if until else None}
    )
    if row is None:
        session.add(LocalMeta(key=_failures_key(deputy_id), value=value))
    else:
        row.value = value
    session.flush()
    return PinCheck(ok=ok, left=0 if until else MAX_WRONG - count, locked_until=until)
