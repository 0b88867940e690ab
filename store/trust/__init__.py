"""Keeping the data safe and honest: audit trail, reveals, purge, check, backups, upgrades.

- `audit`: who changed what, from the change log
- `reveals`: the access log of personal data seen in clear
- `purge`: removing residents' personal data after the retention period
- `erase`: leaving none of the purged values in the database's files
- `check`: integrity and consistency check (liaison check)
- `backup`: online backups, the daily copy and restore
- `migrate`: schema upgrades, with a copy first
"""

__all__ = [
    "audit",
    "reveals",
    "purge",
    "erase",
    "check",
    "backup",
    "migrate",
]
