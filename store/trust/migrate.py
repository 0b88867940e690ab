"""Schema versions: a new database is built to the newest; an older one is copied, then upgraded."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from store.core.errors import DatabaseTooNew
from store.hot_words.word_index import WORD_OBJECTS
from store.reports.figure_days import FIGURE_OBJECTS
from store.search.index import SQLITE_OBJECTS
from store.trust.backup import backup_before_upgrade

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# Checked against Alembic's own idea of the head by a test, so start-up need not import Alembic
# (about 0.1 s) just to learn that nothing is to be done.
HEAD_REVISION = "0028"
KNOWN_REVISIONS = tuple(f"{n:04d}" for n in range(1, int(HEAD_REVISION) + 1))


def include_object(
    obj: object, name: str | None, kind: str, reflected: bool, compare_to: object
) -> bool:
    """What Alembic compares with the models: everything but the trigram index and its shadow
    tables, the names' characters and the phones' last digits (SQLite) or the indexes of the
    texts' characters and pairs (PostgreSQL, `*_grams`; `*_trgm` before schema 0020), which
    store.search.index makes, the visits of each word, which store.hot_words.word_index
    makes, and a hub's daily sums of the statistics and their covering indexes
    (PostgreSQL, store.reports.figure_days and `*_figures`, schema 0025)."""
    if name is None:
        return True
    if name.startswith("visit_fts") or name in SQLITE_OBJECTS or name in WORD_OBJECTS:
        return False
    if name in FIGURE_OBJECTS:
        return False
    return not (kind == "index" and name.endswith(("_grams", "_trgm", "_figures")))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config() -> Config:
    from alembic.config import Config  # imported only when a migration must run

    # Alembic's default output stream is whatever sys.stdout was when it was first imported (a
    # test's closed capture, or the app's terminal): keep its chatter to itself.
    cfg = Config(stdout=io.StringIO())
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run migrations up to `revision` in one transaction on this engine."""
    from alembic import command

    cfg = alembic_config()
    with engine.execution_options(write=True).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.execution_options(write=True).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def ensure_schema(engine: Engine, db_path: Path | None, *, key: str | None = None) -> Path | None:
    """Bring the database to the newest schema.

    Args:
        key: the passphrase of an encrypted file: its copy before upgrading is keyed the same.
    Returns:
        The path of the backup copy taken before upgrading an older database, else None.
    Raises:
        DatabaseTooNew: the file was written by a newer Liaison Desk.
    """
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return None
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseTooNew(revision=revision)
    backup = None
    if revision is not None and db_path is not None:
        backup = backup_before_upgrade(db_path, revision, key=key)
    upgrade(engine)
    if revision is not None:
        analyze_after_upgrade(engine)
    return backup


def analyze_after_upgrade(engine: Engine) -> None:
    """PostgreSQL's planner statistics for what the migrations added to an existing database.
    A column added to a table of rows has none until the next ANALYZE, and autovacuum analyzes
    a table only once a tenth of its rows changed (weeks on a county hub). Without them the
    planner takes `IS NOT NULL` as true of nearly every row: the statistics screen's observers'
    figures read every visit four times, 0.3–0.4 s at 180,000 visits (0024's visit.observer_id
    and point_id; BENCHMARKS.md). Nine seconds at 180,000 visits (a sample of each table: not much
    more at 1.5 M), once per upgrade; SQLite's planner needs none."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
