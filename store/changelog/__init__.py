"""The change log: every write logged, stamped, chained and derived from, in one transaction.

- `changes`: the log itself: the session hooks that log every write, HLC stamps
- `chain`: the hash chain over the log (tamper evidence)
- `derived`: data derived from writes (pinyin, words), applied on every write path
- `field_clock`: which change each field's value came from (per-field last writer)
- `conflict_list`: the conflict list, derived from a row's log
- `bulk`: loading many rows at once with indexes rebuilt at the end
- `undo`: what a write changed, and the compensating write that puts it back
"""

__all__ = [
    "changes",
    "chain",
    "derived",
    "field_clock",
    "conflict_list",
    "bulk",
    "undo",
]
