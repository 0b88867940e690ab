"""What differs between SQLite (a station's file) and PostgreSQL (a county hub), in one place.

The store writes portable SQLAlchemy Core where it can; the few statements that cannot be (the
driver's own placeholders, text search, JSON and string functions of hot words) ask here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Connection, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from store.core.files import (  # noqa: F401 - re-exported: the store's one place for dialects
    POSTGRES_SCHEMES,
    DatabaseTarget,
    is_postgres_target,
    parse_target,
)

# psycopg 3, the maintained driver: `postgresql://` alone would pick psycopg2 (not installed).
PSYCOPG = "postgresql+psycopg"


def database_url(target: DatabaseTarget) -> str:
    """The SQLAlchemy URL of a SQLite path or a PostgreSQL URL (normalised to psycopg 3)."""
    if is_postgres_target(target):
        url = make_url(str(target))
        return url.set(drivername=PSYCOPG).render_as_string(hide_password=False)
    return f"sqlite:///{Path(target)}"


def shown_target(target: DatabaseTarget) -> str:
    """The database as messages may show it: a URL without its password."""
    if is_postgres_target(target):
        return make_url(str(target)).render_as_string(hide_password=True)
    return str(target)


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


_QMARK = re.compile(r"\?")


def driver_sql(conn: Connection, sql: str) -> str:
    """Statement text for `exec_driver_sql` written with SQLite's `?` placeholders: psycopg's
    are `%s`. Only for the store's own SQL, which has no `?` or `%` inside literals."""
    return sql if is_sqlite(conn) else _QMARK.sub("%s", sql)


def execute_driver(conn: Connection, sql: str, params: Any = None) -> Any:
    """`exec_driver_sql` of `?`-style SQL on either database (see `driver_sql`)."""
    if params is None:
        return conn.exec_driver_sql(driver_sql(conn, sql))
    return conn.exec_driver_sql(driver_sql(conn, sql), params)


def one_of_sql(dialect: str, column: str, param: str) -> str:
    """SQL text: `column` is one of the ids bound to `:param` (by `one_of_value`), one parameter
    however many: an array on PostgreSQL (its index scans take it whole), a JSON list on
    SQLite."""
    if dialect == "postgresql":
        return f"{column} = ANY(CAST(:{param} AS varchar[]))"
    return f"{column} IN (SELECT value FROM json_each(:{param}))"


def one_of_value(dialect: str, ids: Iterable[str]) -> Any:
    """The value `one_of_sql`'s parameter binds: these ids."""
    listed = sorted(ids)
    return listed if dialect == "postgresql" else json.dumps(listed)


def contains_word_sql(dialect: str, word_ids: str, word_id: int) -> str:
    """SQL text: the comma list `word_ids` (",3,17,42,") holds `word_id` (an int we made)."""
    finder = "strpos" if dialect == "postgresql" else "instr"
    return f"{finder}({word_ids}, ',{int(word_id)},') > 0"


def word_ids_join(dialect: str, word_ids: str) -> str:
    """SQL text joining, to the FROM item before it, each id of its comma list `word_ids` as
    `j.value` (SQLite: JSON's table function; PostgreSQL: an array unnested laterally)."""
    if dialect == "postgresql":
        return (
            " CROSS JOIN LATERAL"
            f" unnest(string_to_array(btrim({word_ids}, ','), ',')::integer[]) AS j(value)"
        )
    return f", json_each('[' || trim({word_ids}, ',') || ']') AS j"


class text_like(FunctionElement[bool]):  # noqa: N801 - used like a SQL function
    """`column LIKE pattern ESCAPE '\\'`, caseless for ASCII letters on both databases (SQLite's
    LIKE is; PostgreSQL's ILIKE, which its trigram indexes serve, is the same match)."""

    type = Boolean()
    inherit_cache = True
    name = "text_like"


def _like_sql(element: text_like, compiler: Any, operator: str, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return (
        f"{compiler.process(column, **kw)} {operator} {compiler.process(pattern, **kw)} ESCAPE '\\'"
    )


@compiles(text_like)
def _like_default(element: text_like, compiler: Any, **kw: Any) -> str:
    return _like_sql(element, compiler, "LIKE", **kw)


@compiles(text_like, "postgresql")
def _like_postgres(element: text_like, compiler: Any, **kw: Any) -> str:
    return _like_sql(element, compiler, "ILIKE", **kw)
