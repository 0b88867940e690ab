"""Reference lists the forms choose from: villages, categories, units, deputies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from store.core.models import Category, Deputy, Tier, Unit, Village
from store.core.rows import live


@dataclass(frozen=True)
class Choice:
    """An id and the name to show for it (plus a tier for units)."""

    id: str
    name: str
    tier: Tier | None = None
    village_id: str | None = None


def list_villages(*, session: Session) -> list[Choice]:
    rows = session.exec(
        select(Village)
        .where(live(Village), col(Village.active).is_(True))
        .order_by(col(Village.position), col(Village.name))
    ).all()
    return [Choice(id=v.id, name=v.name) for v in rows]


def list_categories(*, session: Session) -> list[Choice]:
    rows = session.exec(
        select(Category)
        .where(live(Category), col(Category.active).is_(True))
        .order_by(col(Category.position), col(Category.name))
    ).all()
    return [Choice(id=c.id, name=c.name) for c in rows]


def list_units(*, session: Session, tier: Tier | None = None) -> list[Choice]:
    query = select(Unit).where(live(Unit), col(Unit.active).is_(True))
    if tier is not None:
        query = query.where(Unit.tier == tier)
    rows = session.exec(query.order_by(col(Unit.tier), col(Unit.name))).all()
    return [Choice(id=u.id, name=u.name, tier=Tier(u.tier), village_id=u.village_id) for u in rows]


def list_deputies(*, session: Session) -> list[Choice]:
    rows = session.exec(
        select(Deputy).where(live(Deputy), col(Deputy.active).is_(True)).order_by(col(Deputy.name))
    ).all()
    return [Choice(id=d.id, name=d.name) for d in rows]
