"""The ground floor: what every other package builds on and which imports none of them.

- `clock`: the station's clock (system or frozen) and its time zone
- `dialect`: SQLite or PostgreSQL: URLs and the few expressions that differ
- `files`: where a station's files live and what a file is (SQLite, encrypted)
- `errors`: StoreError and its cases, each with a catalogue key
- `enums`: the domain's terms (tiers, statuses, channels…), stdlib only
- `validation`: phones, ID numbers, masking, control characters
- `models`: every SQLModel table and its read and write models
- `rows`: live rows: the soft-delete filter and a record by id or its NotFound
- `paging`: Page and the paging of list queries
- `cipher`: SQLCipher for a database encrypted at rest
- `settings`: the station's settings (windows, thresholds, floors)
- `workdays`: working-day arithmetic over the station's calendar
- `official_calendar`: the State Council's holidays and make-up workdays of every year
- `rules`: domain rules as pure functions: due dates, colours, status moves
- `pinyin`: residents' names in pinyin (derived on every write)
- `pinyin_table`: pypinyin's readings of the characters names use
"""

__all__ = [
    "clock",
    "dialect",
    "files",
    "errors",
    "enums",
    "validation",
    "models",
    "rows",
    "paging",
    "cipher",
    "settings",
    "workdays",
    "official_calendar",
    "rules",
    "pinyin",
    "pinyin_table",
]
