"""The small station every test starts from, and the instant tests live at.

A module of its own (not conftest.py) so that test modules can import it by name: in a whole
run, the name `conftest` may be another directory's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from store.core.models import DeputyLevel, Tier, VillageKind
from store.reference.lists import Choice
from store.station import DeputyIn, StationIn, VillageIn

STATION_TZ = ZoneInfo("Asia/Shanghai")
# The instant every test lives at: a Tuesday morning at the station.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=STATION_TZ)
TODAY = date(2026, 11, 24)
# Small enough to build in about a second, big enough for every status and colour.
DEMO_VISITS = 600

DEPUTY = "沈国强"
OTHER_DEPUTY = "朱秀芬"
VILLAGE = "青石村"
OTHER_VILLAGE = "东塘村"
COMMUNITY = "新桥社区"
CATEGORY = "道路交通"

SMALL_STATION = StationIn(
    name="青石镇人大代表联络站",
    township="青石镇",
    county="临溪县",
    deputies=[
        DeputyIn(DEPUTY, DeputyLevel.county, "第一代表小组"),
        DeputyIn(OTHER_DEPUTY, DeputyLevel.township, "第一代表小组"),
    ],
    villages=[
        VillageIn(VILLAGE),
        VillageIn(OTHER_VILLAGE),
        VillageIn(COMMUNITY, VillageKind.community),
    ],
)


@dataclass(frozen=True)
class Refs:
    """Ids of the small station's reference rows, by name (the `refs` fixture)."""

    villages: dict[str, str]
    categories: dict[str, str]
    units: dict[str, Choice]
    deputies: dict[str, str]

    def unit_for(self, tier: Tier, village: str = VILLAGE) -> str:
        """A unit of `tier`: the village's own committee for the village tier."""
        for unit in self.units.values():
            if unit.tier != tier:
                continue
            if tier == Tier.village and unit.village_id != self.villages[village]:
                continue
            return unit.id
        raise LookupError(tier)
