"""The change log's lean encoding (issue 19, part 5): an entry's values without their keys.

Measured on a 5,000-visit demo (BENCHMARKS.md, "Leaner history"): the log was 6.5 KB of a visit's
12 KB in a station file and 8.1 KB of its 16 KB on a county hub, and two thirds of that was
`fields`, each entry's JSON object: 1.5 KB a visit of keys, written again in every entry, and
0.9 KB of values that repeat the entry's own row id and device or another of its values
(`updated_at` = `created_at`, a visit's `summary` = its `text`).

An entry written since schema 0026 keeps in `fields` a JSON array of its values and in `layout`
the id of its layout: its keys in order, each one

- `name`: the array's next value;
- `name=#`: the entry's own row id; `name=@`: the entry's device;
- `name=other`: the value of `other`, a key before it,

so a string of REPEAT_MIN characters or more is written once per entry. Layouts are kept in
`change_log_layout`, a few dozen a database. A layout's id is a digest of its keys, so an id means
the same keys in every database (a process caches them across databases) and no two writers can
give one id two meanings. The hash chain covers the layout's keys with the array
(store.changelog.chain.link): a layout edited in place breaks every entry written with it.

Entries written before (`layout` NULL) keep their JSON object and read, verify and sync as they
did. What travels (bundles, pushes) is still each entry's JSON object, byte for byte what an
earlier version writes and reads (`entry_json`), so versions exchange both ways; each device
encodes what it takes in for itself, as it chains it for itself."""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Connection, bindparam, text

LAYOUT_TABLE = "change_log_layout"
# A string this long or longer is written once per entry (ids, instants, texts); shorter ones
# (a status, a tier) cost less than the layouts that telling them apart would make.
REPEAT_MIN = 10
ROW = "#"
DEVICE = "@"
# Between a layout's keys and its array, in the text a link hashes (never in either).
_SEP = "\x1e"


@dataclass(frozen=True)
class Layout:
    """An entry's keys in order, and where each one's value comes from (None: the array)."""

    id: int
    spec: str
    keys: tuple[str, ...]
    sources: tuple[str | None, ...]
    # The array's values are the entry's whole dict in key order (no key is derived).
    plain: bool

    def decode(self, array: Sequence[Any], row_id: str, device_id: str) -> dict[str, Any]:
        """The entry's values by key (ValueError: the array does not fit the layout)."""
        if self.plain:
            return dict(zip(self.keys, array, strict=True))
        if len(array) != self.sources.count(None):
            raise ValueError("fields")
        out: dict[str, Any] = {}
        values = iter(array)
        for key, source in zip(self.keys, self.sources, strict=True):
            if source is None:
                out[key] = next(values)
            elif source == ROW:
                out[key] = row_id
            elif source == DEVICE:
                out[key] = device_id
            else:
                out[key] = out[source]
        return out


# Layouts are the same in every database (content-addressed): one cache for the process.
_BY_ID: dict[int, Layout] = {}
_BY_SPEC: dict[tuple[str, ...], Layout] = {}


def layout_id(spec: str) -> int:
    """A layout's id: the first 31 bits of the SHA-256 of its keys' text (a PostgreSQL integer)."""
    return int.from_bytes(hashlib.sha256(spec.encode()).digest()[:4], "big") & 0x7FFFFFFF


def layout_of(specs: tuple[str, ...]) -> Layout:
    """The layout of these key specs (`name`, `name=#`, `name=@`, `name=other`)."""
    found = _BY_SPEC.get(specs)
    if found is not None:
        return found
    spec = _SPEC_TEXT(list(specs))
    keys, sources = [], []
    for item in specs:
        key, _, source = item.partition("=")
        keys.append(key)
        sources.append(source or None)
    layout = Layout(
        id=layout_id(spec),
        spec=spec,
        keys=tuple(keys),
        sources=tuple(sources),
        plain=not any(sources),
    )
    _BY_SPEC[specs] = layout
    _BY_ID.setdefault(layout.id, layout)
    return layout


def _parse(spec: str) -> Layout:
    specs = json.loads(spec)
    if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        raise ValueError("layout")
    layout = layout_of(tuple(specs))
    if layout.spec != spec:
        raise ValueError("layout")
    return layout


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _array_encoder() -> Any:
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if make is None:  # a Python without the C accelerator
        return json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), default=_json_default
        ).encode
    chunks = make(
        None, _json_default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(chunks(value, 0))


# An array of values as `fields` keeps it: compact separators, text as typed (not \u-escaped).
encode_array = _array_encoder()
_SPEC_TEXT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_PLAIN = (str, int, float, bool, type(None))


def json_value(value: Any) -> Any:
    """A value as the log's JSON holds it (an instant or a date as ISO text, an enum's value)."""
    if isinstance(value, _PLAIN):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def specs_of(
    keys: Sequence[str], values: Sequence[Any], row_id: str, device_id: str
) -> tuple[tuple[str, ...], list[int]]:
    """The key specs of an entry's values (JSON values, in key order) and the positions of the
    values its array keeps. The one rule every write path follows, so that the same values are
    the same bytes whichever path wrote them (tests/store/changelog/test_bulk.py)."""
    specs: list[str] = []
    kept: list[int] = []
    seen: dict[str, str] = {}
    for i, (key, value) in enumerate(zip(keys, values, strict=True)):
        if type(value) is str and len(value) >= REPEAT_MIN:
            if value == row_id:
                specs.append(f"{key}={ROW}")
                continue
            if value == device_id:
                specs.append(f"{key}={DEVICE}")
                continue
            first = seen.get(value)
            if first is not None:
                specs.append(f"{key}={first}")
                continue
            seen[value] = key
        specs.append(key)
        kept.append(i)
    return tuple(specs), kept


_JSON_TYPES = frozenset({str, int, float, bool, type(None)})


def encode(values: Mapping[str, Any], row_id: str, device_id: str) -> tuple[Layout, str]:
    """An entry's layout and array for its values (Python or JSON values)."""
    keys = list(values)
    json_types = _JSON_TYPES
    plain = [v if type(v) in json_types else json_value(v) for v in values.values()]
    specs, kept = specs_of(keys, plain, row_id, device_id)
    return layout_of(specs), encode_array([plain[i] for i in kept])


def decode(layout: Layout, fields: str, row_id: str, device_id: str) -> dict[str, Any]:
    array = json.loads(fields)
    if not isinstance(array, list):
        raise ValueError("fields")
    return layout.decode(array, row_id, device_id)


def hashed_fields(layout: Layout | None, fields: str) -> str:
    """What an entry's link hashes of its fields: the JSON object itself (an entry written before
    layouts), or its layout's keys and its array."""
    return fields if layout is None else f"{layout.spec}{_SEP}{fields}"


# -- layouts in the database ----------------------------------------------------------------------


_LOAD = text(f"SELECT id, spec FROM {LAYOUT_TABLE} WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def layouts(conn: Connection, ids: Iterable[int | None]) -> dict[int, Layout]:
    """The layouts of these ids (None left out), from the cache or this database.

    Raises:
        ValueError: a layout this database lacks, or whose keys do not hash to its id (the
            entries that name it are reported broken by `liaison check`)."""
    wanted = {int(i) for i in ids if i is not None}
    missing = sorted(wanted - _BY_ID.keys())
    if missing:
        for layout_id_, spec in conn.execute(_LOAD, {"ids": missing}):
            layout = _parse(str(spec))
            if layout.id != int(layout_id_):
                raise ValueError("layout")
        if wanted - _BY_ID.keys():
            raise ValueError("layout")
    return {i: _BY_ID[i] for i in wanted}


def layout(conn: Connection, layout_id_: int) -> Layout:
    found = _BY_ID.get(layout_id_)
    return found if found is not None else layouts(conn, (layout_id_,))[layout_id_]


def cached_layout(layout_id_: int) -> Layout:
    """A layout this process has made or read (an entry it is writing names one)."""
    return _BY_ID[layout_id_]


def ensure_layouts(conn: Connection, used: Iterable[Layout], done: set[int] | None = None) -> None:
    """Write the layouts these entries use that this database may lack. `done`: those written
    already in this transaction (a write session notes them in its `info`: a layout written by a
    transaction that rolled back is written again by the next)."""
    fresh = {lay.id: lay for lay in used if done is None or lay.id not in done}
    if not fresh:
        return
    conn.execute(
        text(f"INSERT INTO {LAYOUT_TABLE} (id, spec) VALUES (:id, :spec) ON CONFLICT DO NOTHING"),
        [{"id": lay.id, "spec": lay.spec} for lay in fresh.values()],
    )
    # Two layouts of one id (a digest collision, never seen) would make entries mean otherwise.
    for layout_id_, spec in conn.execute(_LOAD, {"ids": sorted(fresh)}):
        if spec != fresh[int(layout_id_)].spec:
            raise ValueError("layout")
    if done is not None:
        done.update(fresh)


# -- an entry as readers want it -----------------------------------------------------------------


def entry_values(
    conn: Connection, fields: str, layout_id_: int | None, row_id: str, device_id: str
) -> dict[str, Any]:
    """An entry's values by key, whichever way it was written."""
    if layout_id_ is None:
        values = json.loads(fields)
        if not isinstance(values, dict):
            raise ValueError("fields")
        return values
    return decode(layout(conn, layout_id_), fields, row_id, device_id)


def logged_values(conn: Connection, entry: Any) -> dict[str, Any]:
    """`entry_values` of a change-log row or record (its fields, layout, row id and device)."""
    return entry_values(conn, entry.fields, entry.layout, entry.row_id, entry.device_id)


_ENTRY_JSON = json.encoder.JSONEncoder(ensure_ascii=False, default=_json_default).encode


def entry_json(
    conn: Connection, fields: str, layout_id_: int | None, row_id: str, device_id: str
) -> str:
    """An entry's JSON object, as an entry written before layouts holds it and as bundles and
    pushes carry it: the same text the writer's values made (keys in their order, `": "`, `", "`,
    text as typed)."""
    if layout_id_ is None:
        return fields
    return str(_ENTRY_JSON(entry_values(conn, fields, layout_id_, row_id, device_id)))


__all__ = [
    "DEVICE",
    "LAYOUT_TABLE",
    "Layout",
    "cached_layout",
    "REPEAT_MIN",
    "ROW",
    "decode",
    "encode",
    "encode_array",
    "ensure_layouts",
    "entry_json",
    "entry_values",
    "hashed_fields",
    "json_value",
    "layout",
    "layout_id",
    "layout_of",
    "layouts",
    "logged_values",
    "specs_of",
]
