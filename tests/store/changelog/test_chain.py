"""The change log's hash chain (issue 7, part 2): sealed as it is written, on both backends;
`liaison check` names the first entry that was altered, inserted or removed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, text

from store.changelog.chain import verify_chain
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.trust.check import check_database

pytestmark = pytest.mark.both_backends

NAME = "钱秘密"
PHONE = "13987654321"


def _rows(store: Store, sql: str, **params: object) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _tamper(store: Store, sql: str, **params: object) -> None:
    # Around the store, as someone editing the file with another tool would.
    with store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _broken_at(store: Store) -> int | None:
    report = check_database(engine=store.engine)
    chain = [f for f in report.findings if f.key == "check.chain_broken"]
    return chain[0].params["seq"] if chain else None


@pytest.fixture
def worked(
    store: Store, make_issue: Callable[..., IssueRow], make_visit: Callable[..., VisitRow]
) -> Store:
    make_issue(tier=Tier.village, name=NAME, phone=PHONE)
    make_visit(text="第二条来访", name="李四", phone="13811112222")
    return store


def test_every_entry_is_sealed_as_it_is_written(worked: Store) -> None:
    rows = _rows(worked, "SELECT seq, chain, seal, table_name FROM change_log ORDER BY seq")
    assert len(rows) > 10
    assert all(chain is not None and len(chain) == 64 for _, chain, _, _ in rows)
    assert len({chain for _, chain, _, _ in rows}) == len(rows)
    # Entries about residents carry the salt their personal fields were hashed with.
    seals = [seal for _, _, seal, table in rows if table == "constituent"]
    assert seals and all(seal.startswith("s:") for seal in seals)
    assert {seal for _, _, seal, table in rows if table != "constituent"} == {None}
    with worked.engine.connect() as conn:
        verdict = verify_chain(conn)
    assert verdict.ok and verdict.entries == len(rows)
    assert check_database(engine=worked.engine).ok


def test_an_altered_entry_is_named(worked: Store) -> None:
    (seq,) = _rows(
        worked, "SELECT min(seq) FROM change_log WHERE table_name = 'visit' AND op = 'insert'"
    )[0]
    _tamper(
        worked,
        "UPDATE change_log SET fields = replace(fields, '路灯', '水管') WHERE seq = :seq",
        seq=seq,
    )
    assert _broken_at(worked) == seq


def test_an_altered_phone_in_an_entry_is_named(worked: Store) -> None:
    (seq,) = _rows(
        worked,
        "SELECT min(seq) FROM change_log WHERE table_name = 'constituent' AND op = 'insert'",
    )[0]
    _tamper(
        worked,
        "UPDATE change_log SET fields = replace(fields, :phone, '13900000000') WHERE seq = :seq",
        phone=PHONE,
        seq=seq,
    )
    assert _broken_at(worked) == seq
    report = check_database(engine=worked.engine)
    assert NAME not in repr(report) and PHONE not in repr(report)


def test_a_removed_entry_breaks_the_link_of_the_next(worked: Store) -> None:
    seqs = [s for (s,) in _rows(worked, "SELECT seq FROM change_log ORDER BY seq")]
    gone = seqs[len(seqs) // 2]
    _tamper(worked, "DELETE FROM change_log WHERE seq = :seq", seq=gone)
    assert _broken_at(worked) == seqs[seqs.index(gone) + 1]


def test_a_changed_author_or_time_is_named(worked: Store) -> None:
    seqs = [s for (s,) in _rows(worked, "SELECT seq FROM change_log ORDER BY seq")]
    _tamper(worked, "UPDATE change_log SET deputy_id = NULL WHERE seq = :seq", seq=seqs[-3])
    assert _broken_at(worked) == seqs[-3]


def test_an_entry_written_around_the_store_is_named(worked: Store) -> None:
    (last,) = _rows(worked, "SELECT max(seq) FROM change_log")[0]
    _tamper(
        worked,
        "INSERT INTO change_log (seq, hlc, device_id, table_name, row_id, op, fields, at, chain)"
        " SELECT seq + 1, hlc, device_id, table_name, row_id, op, fields, at, chain"
        " FROM change_log WHERE seq = :seq",
        seq=last,
    )
    assert _broken_at(worked) == last + 1


def test_entries_are_sealed_as_they_are_written(
    store: Store, make_issue: Callable[..., IssueRow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit-time pass (a safety net for entries written around `insert_log_rows`) finds
    nothing to do: a write does not rewrite its own entries to seal them."""
    import store.db as db_module
    from store.changelog.chain import seal_new_entries as real

    found: list[int] = []

    def counted(conn: Connection, after: int = 0) -> int:
        found.append(real(conn, after))
        return found[-1]

    monkeypatch.setattr(db_module, "seal_new_entries", counted)
    make_issue(tier=Tier.village, name=NAME, phone=PHONE)
    assert found and set(found) == {0}
    assert check_database(engine=store.engine).ok


def test_an_entry_edited_and_unsealed_is_never_sealed_again(
    store: Store, make_issue: Callable[..., IssueRow], make_visit: Callable[..., VisitRow]
) -> None:
    """Issue 15, 2(a): `UPDATE change_log SET fields=<edited>, chain=NULL` followed by any
    ordinary write used to be re-sealed at commit, and the check passed. Only entries the
    writing transaction made are sealed now: the edited one is named."""
    make_issue(tier=Tier.village, name=NAME, phone=PHONE)
    (seq,) = _rows(store, "SELECT min(seq) FROM change_log WHERE table_name = 'issue'")[0]
    _tamper(
        store,
        "UPDATE change_log SET fields = replace(fields, '路灯', '水管'), chain = NULL"
        " WHERE seq = :seq",
        seq=seq,
    )
    make_visit(text="再记一条", name="李四", phone="13811112222")
    report = check_database(engine=store.engine)
    broken = [f for f in report.findings if f.key == "check.chain_broken"]
    assert broken and broken[0].params["seq"] == seq
