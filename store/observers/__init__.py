"""Observers and observation points (民情观察员, 民情观察点): who relays what residents say, and
where; a visit through an observer names both.

- `observers`: the observers (recommended by a deputy, a group, serving or retired); their
  phones masked, revealed only through a logged reveal
- `points`: the observation points (ordinary, or trade points for riders, couriers, truckers)
- `figures`: the visits and issues through each observer and point in a period, and through
  the observers each deputy recommended
- `retention`: observers' personal data purged after the retention period, as residents'
"""

__all__ = ["observers", "points", "figures", "retention"]
