"""Who is on duty and what they hand over: dashboard, roster, PINs, handover, calendar.

- `dashboard`: who is on duty and everything the duty dashboard shows
- `handover`: ending a shift: the handover note (交接班) and its acknowledgement
- `roster`: the roster (排班)
- `pins`: deputies' PINs (Argon2id, locked after wrong tries)
- `calendar`: editing the working-day calendar; due dates follow
"""

__all__ = [
    "dashboard",
    "handover",
    "roster",
    "pins",
    "calendar",
]
