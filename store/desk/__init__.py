"""The duty loop: log a visit, triage it to an issue, follow it on the board to closure.

- `visits`: log and list visits (登记来访)
- `forms`: the log form's checks
- `triage`: a waiting visit opens an issue or joins one, the units proposed (分办)
- `issues`: another unit, progress, closure, reopening (五事, 评事)
- `moves`: another tier, with a reason (升级/降级); the new tier's window starts at the move
- `issue_page`: everything an issue's page shows
- `issue_rows`: an issue as a list row, with its colour
- `urgency`: the explainable urgency score
- `repeats`: a resident who comes back with the same problem (重复诉求)
- `similar`: open issues that look like the same problem
- `board`: the three-colour board (三色榜): counts and pages
- `follow_up`: follow-up calls (回访) for the resident's verdict
- `notices`: telling residents what became of their issue (告知), `notice_text` the messages
- `station_scope`: which stations a database holds (one, or a county's)
- `corrections`: correcting what was typed: a visit, a resident, an issue
"""

__all__ = [
    "visits",
    "forms",
    "triage",
    "issues",
    "moves",
    "issue_page",
    "issue_rows",
    "urgency",
    "repeats",
    "similar",
    "board",
    "follow_up",
    "notices",
    "notice_text",
    "station_scope",
    "corrections",
]
