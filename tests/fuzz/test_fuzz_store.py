"""Hostile input through the store on a real SQLite file (issue 7, part 6): logging a visit,
importing a ledger, searching. What is accepted is stored as typed minus control characters
and reads back identical; what is refused writes nothing; nothing raises an unexpected error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fuzz_strategies import any_text, fuzz_settings, has_controls, hostile_text, in_catalogue
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError
from small_station import CATEGORY, TODAY, VILLAGE, Refs
from sqlalchemy import func
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.models import ChangeLog, Channel, Constituent, Visit, VisitCreate, VisitKind
from store.core.validation import strip_controls
from store.db import Store
from store.desk.forms import field_errors
from store.desk.visits import get_visit, log_visit
from store.ledger import LedgerInvalid, LedgerMissingColumn, LedgerUnreadable, import_ledger
from store.search.query import search

HEADER = ["日期", "渠道", "姓名", "电话", "村社", "内容", "分类", "类型"]
GOOD = [
    "2026-11-20 09:30",
    "到站来访",
    "王阿姨",
    "13812341234",
    VILLAGE,
    "路灯坏了",
    CATEGORY,
    "诉求",
]


def _counts(store: Store) -> tuple[int, int]:
    """The change log's and the visits' row counts: what any write would move."""
    with store.read() as session:
        changes = session.exec(select(func.count()).select_from(ChangeLog)).one()
        visits = session.exec(select(func.count()).select_from(Visit)).one()
    return changes, visits


# -- logging a visit ------------------------------------------------------------------------------


@fuzz_settings(0.5)
@given(name=any_text, text=any_text, phone=st.sampled_from(["13812341234", "0571-87654321"]))
@example(
    name="[bold]王[/]\x00",
    text="\x1b]8;;http://x\x1b\\点我\x1b]8;;\x1b\\\ud800𠀀\n",
    phone="13812341234",
)
def test_logged_visit_reads_back_as_typed(
    store: Store, actor: Actor, refs: Refs, name: str, text: str, phone: str
) -> None:
    before = _counts(store)
    try:
        form = VisitCreate(
            phone=phone,
            name=name,
            village_id=refs.villages[VILLAGE],
            category_id=refs.categories[CATEGORY],
            channel=Channel.walk_in,
            kind=VisitKind.request,
            text=text,
        )
    except ValidationError as exc:
        assert all(in_catalogue(k) for k in field_errors(exc).values())
        assert _counts(store) == before
        return
    with store.write(actor) as session:
        row = log_visit(session=session, visit_in=form)
    with store.read() as session:
        detail = get_visit(session=session, visit_id=row.id)
        stored = session.get(Visit, row.id)
        assert stored is not None
        person = session.get(Constituent, stored.constituent_id)
        assert person is not None
    assert stored.text == detail.text == strip_controls(text).strip()
    assert person.name == " ".join(strip_controls(name).split())
    assert not has_controls(stored.text) and not has_controls(stored.summary)
    assert not has_controls(person.name)
    changes, visits = _counts(store)
    assert visits == before[1] + 1 and changes > before[0]


# -- the ledger importer --------------------------------------------------------------------------


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    # A lone surrogate cannot be written as UTF-8: a spreadsheet could not have made it either.
    return out.getvalue().encode("utf-8", "surrogatepass")


def _import(store: Store, actor: Actor, path: Path) -> bool:
    """Import `path`: True when it went in, False when refused as a whole with a catalogue
    key (row errors or a one-line refusal) and nothing changed."""
    before = _counts(store)
    try:
        summary = import_ledger(store=store, actor=actor, path=path)
    except LedgerInvalid as exc:
        assert exc.errors and all(in_catalogue(e.key) for e in exc.errors)
    except (LedgerUnreadable, LedgerMissingColumn) as exc:
        assert in_catalogue(exc.key), exc.key
    else:
        assert summary is not None
        return True
    assert _counts(store) == before
    return False


cells = st.one_of(hostile_text, st.sampled_from(GOOD), st.just(""))


@fuzz_settings(0.3)
@given(
    rows=st.lists(
        st.lists(cells, min_size=0, max_size=10).map(
            lambda r: r  # a row of random cells
        ),
        min_size=0,
        max_size=4,
    ),
    mutate=st.lists(st.tuples(st.integers(0, 7), cells), max_size=3),
    header=st.one_of(st.just(HEADER), st.lists(cells, max_size=9)),
)
@example(rows=[], mutate=[(5, "=cmd|' /C calc'!A0\x00\ud800")], header=HEADER)
def test_ledger_cells_import_or_refuse_whole(
    store: Store,
    actor: Actor,
    tmp_path: Path,
    rows: list[list[str]],
    mutate: list[tuple[int, str]],
    header: list[str],
) -> None:
    good = list(GOOD)
    for column, value in mutate:
        good[column] = value
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_csv_bytes([header, good, *rows]))
    if _import(store, actor, path):
        with store.read() as session:
            texts = session.exec(select(Visit.text)).all()
        assert all(not has_controls(t) for t in texts)


_BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]


@fuzz_settings(0.5)
@given(
    bom=st.sampled_from(_BOMS),
    body=st.one_of(
        st.binary(max_size=400),
        # A real ledger in UTF-8 or GBK, cut short or with a stray byte.
        st.tuples(
            st.sampled_from(["utf-8", "gbk", "utf-16"]),
            st.integers(0, 200),
            st.binary(max_size=3),
        ).map(lambda t: _csv_bytes([HEADER, GOOD]).decode().encode(t[0])[: t[1]] + t[2]),
        hostile_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
@example(bom=b"\xef\xbb\xbf", body=b"\x00" * 10, suffix=".csv")
@example(bom=b"", body=b"PK\x03\x04" + b"\x00" * 40, suffix=".xlsx")
def test_ledger_random_bytes_never_crash(
    store: Store, actor: Actor, tmp_path: Path, bom: bytes, body: bytes, suffix: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(bom + body)
    _import(store, actor, path)


# -- the search box -------------------------------------------------------------------------------

search_text = st.one_of(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    '"',
                    "*",
                    "NEAR",
                    "NEAR(",
                    "AND",
                    "OR",
                    "NOT",
                    "(",
                    ")",
                    "^",
                    "\x00",
                    "\ud800",
                    "-",
                    "+",
                    ":",
                    "{",
                    "}",
                    "王",
                    "13",
                    " ",
                ]
            ),
            st.text(max_size=6),
        ),
        min_size=1,
        max_size=30,
    ).map(lambda parts: "".join(parts)[:200] or "x"),
    st.text(min_size=1, max_size=200),
)


@fuzz_settings(0.5)
@given(text=search_text)
@example(text='"')
@example(text="NEAR(a b")
@example(text="\x00\ud800*")
@example(text="路灯 OR ^王 AND (")
def test_search_never_raises(store: Store, text: str) -> None:
    with store.read() as session:
        results = search(session=session, text=text, today=TODAY)
    assert results.page.total >= 0
