"""The names a clerk writes for the station's units, villages, categories and deputies, resolved
to its records: what a ledger written at another station, or by hand, says (docs/rules/ledger.md).

A unit is found by its name as the station has it, by a name it had before a rename or of a unit
merged into it (`name_alias`), or by its name without the county's or the township's prefix
(县水利局 is 长兴县水利局, 镇建设办 is 和平镇建设办); a village's committee by the words alone
(村委会, 居委会, 社区居委会) on a row of that village. A name found nowhere is a new unit, its
tier read from the name (县… county, 镇/乡/街道… township, …村/社区… village) when the row does not
give one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, SQLModel, col, select

from store.core.models import Category, Deputy, NameAlias, Tier, Unit, Village, table_name
from store.core.rows import live

# A village's committee named by its kind alone, on a row of that village.
COMMITTEE_WORDS = ("村委会", "居委会", "社区居委会", "村民委员会", "居民委员会", "社区")
# How a unit name says its tier when it has no county or township name in it.
_COUNTY_PREFIXES = ("县", "市")
_TOWNSHIP_PREFIXES = ("镇", "乡", "街道")
# Spellings of one office that differ only in form (镇政府 is the 镇人民政府).
_SAME = (("人民政府", "政府"),)


def _squeeze(name: str) -> str:
    return "".join(name.split())


@dataclass
class UnitNames:
    """The station's units as names resolve them."""

    county: str
    township: str
    exact: dict[str, list[tuple[str, Tier]]] = field(default_factory=dict)
    short: dict[tuple[str, Tier], str] = field(default_factory=dict)
    committees: dict[str, str] = field(default_factory=dict)

    def key(self, name: str) -> str:
        """A unit's name without its county or township, the way people shorten it."""
        name = _squeeze(name)
        for prefix in (self.county, self.township):
            if prefix and name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix) :]
                break
        else:
            for prefix in (*_COUNTY_PREFIXES, *_TOWNSHIP_PREFIXES):
                if name.startswith(prefix) and len(name) > len(prefix) + 1:
                    name = name[len(prefix) :]
                    break
        for long, short in _SAME:
            name = name.replace(long, short)
        return name

    def tier_of(self, name: str) -> Tier | None:
        """The tier a new unit's name says, or None when it does not."""
        name = _squeeze(name)
        if (self.county and name.startswith(self.county)) or name.startswith(_COUNTY_PREFIXES):
            return Tier.county
        if (self.township and name.startswith(self.township)) or name.startswith(
            _TOWNSHIP_PREFIXES
        ):
            return Tier.township
        if name.endswith(COMMITTEE_WORDS) or "村" in name or "社区" in name:
            return Tier.village
        return None

    def add(self, unit_id: str, name: str, tier: Tier, village_id: str | None) -> None:
        self.exact.setdefault(_squeeze(name), []).append((unit_id, tier))
        self.short.setdefault((self.key(name), tier), unit_id)
        if tier == Tier.village and village_id is not None:
            self.committees.setdefault(village_id, unit_id)

    def find(self, name: str, tier: Tier | None, village_id: str | None) -> str | None:
        """The unit `name` means on a row of `village_id` (at `tier`, if the row says), or None."""
        squeezed = _squeeze(name)
        if squeezed in COMMITTEE_WORDS and village_id is not None:
            unit_id = self.committees.get(village_id)
            if unit_id is not None:
                return unit_id
        found = [uid for uid, t in self.exact.get(squeezed, []) if tier in (None, t)]
        if found:
            return found[0]
        tiers = [tier] if tier is not None else [self.tier_of(name) or t for t in Tier]
        for each in dict.fromkeys(tiers):
            unit_id = self.short.get((self.key(name), each))
            if unit_id is not None:
                return unit_id
        return None

    def tier(self, unit_id: str) -> Tier | None:
        for entries in self.exact.values():
            for uid, tier in entries:
                if uid == unit_id:
                    return tier
        return None


def aliases(session: Session, model: type[SQLModel]) -> dict[str, str]:
    """Former names of a table's records (a rename's, a merged record's): name → record id."""
    rows = session.exec(
        select(NameAlias.name, NameAlias.row_id).where(
            col(NameAlias.table_name) == table_name(model),
            live(NameAlias),
        )
    ).all()
    return {_squeeze(name): row_id for name, row_id in rows}


def load_unit_names(session: Session, *, county: str, township: str) -> UnitNames:
    """Every unit the station has (retired ones too: a ledger may name them), and former names."""
    names = UnitNames(county=county, township=township)
    units = session.exec(select(Unit).where(live(Unit))).all()
    by_id = {u.id: u for u in units}
    # Active units first, then former names (a merged unit's name finds the unit it went
    # into), then retired units: the first a name finds wins.
    for unit in sorted((u for u in units if u.active), key=lambda u: u.name):
        names.add(unit.id, unit.name, Tier(unit.tier), unit.village_id)
    for name, unit_id in aliases(session, Unit).items():
        known = by_id.get(unit_id)
        if known is not None:
            names.add(known.id, name, Tier(known.tier), known.village_id)
    for unit in sorted((u for u in units if not u.active), key=lambda u: u.name):
        names.add(unit.id, unit.name, Tier(unit.tier), unit.village_id)
    return names


def named_ids(
    session: Session, model: type[Village] | type[Category] | type[Deputy]
) -> dict[str, str]:
    """A table's records by name, former names included (a current name wins over a former)."""
    rows: Iterable[tuple[str, str]] = session.exec(
        select(model.name, model.id).where(live(model))
    ).all()
    found = aliases(session, model)
    found.update({_squeeze(name): record_id for name, record_id in rows})
    return found
