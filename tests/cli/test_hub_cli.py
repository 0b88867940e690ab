"""`liaison hub init` and `liaison sync push|pull --hub`, through typer's runner and a real
subprocess: one summary line each, one clear line and a non-zero exit on bad input, the hub's
password never shown."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from hub_fixture import COUNTY, STATION_A, STATION_B
from shell import count, run
from small_station import NOW
from typer.testing import CliRunner

from store.core.clock import FrozenClock
from store.core.errors import SyncRefused
from store.core.models import Channel, VisitCreate, VisitKind
from store.desk.visits import log_visit
from store.reference.lists import list_categories, list_villages
from store.station import StationIn, init_station, load_station, open_store
from tui.cli import cli
from tui.i18n import set_language


def make_station(path: Path, spec: StationIn) -> Path:
    """A station with one visit logged."""
    clock = FrozenClock(NOW)
    init_station(engine_path=path, station=spec, clock=clock)
    store = open_store(path, clock=clock)
    try:
        with store.read() as session:
            village = list_villages(session=session)[0].id
            category = list_categories(session=session)[0].id
        with store.write(load_station(store).actor()) as session:
            log_visit(
                session=session,
                visit_in=VisitCreate(
                    phone="13900001111",
                    name="王阿姨",
                    village_id=village,
                    category_id=category,
                    channel=Channel.walk_in,
                    kind=VisitKind.request,
                    text="村口的路灯坏了",
                ),
            )
    finally:
        store.dispose()
    return path


@pytest.fixture(autouse=True)
def _chinese() -> None:
    set_language("zh")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_init_push_and_pull_with_the_runner(runner: CliRunner, tmp_path: Path) -> None:
    a = make_station(tmp_path / "a.db", STATION_A)
    b = make_station(tmp_path / "b.db", STATION_B)
    hub = tmp_path / "hub.db"
    made = runner.invoke(cli, ["hub", "init", "--db", str(hub), "--county", COUNTY])
    assert made.exit_code == 0, made.output
    assert made.output.strip() == f"已建立县级汇总库「临溪县（全县）」：{hub}"

    pushed = runner.invoke(cli, ["--db", str(a), "sync", "push", "--hub", str(hub)])
    assert pushed.exit_code == 0, pushed.output
    line = pushed.output.strip()
    assert "\n" not in line
    assert line.startswith("已推送到「临溪县（全县）」：新更改 ")
    assert "来访 1" in line and "群众 1" in line
    assert runner.invoke(cli, ["sync", "push", "--db", str(b), "--hub", str(hub)]).exit_code == 0
    assert count(hub, "visit") == 2 and count(hub, "station") == 3

    again = runner.invoke(cli, ["--db", str(a), "sync", "push", "--hub", str(hub)])
    assert again.output.strip() == "已推送到「临溪县（全县）」：新更改 0 条，汇总库已有 0 条"

    pulled = runner.invoke(cli, ["--lang", "en", "--db", str(b), "sync", "pull", "--hub", str(hub)])
    assert pulled.exit_code == 0, pulled.output
    assert pulled.output.strip() == "Pulled from 临溪县（全县）: 0 new, 0 already here"
    assert count(b, "visit") == 1 and count(b, "station") == 1


def test_refusals_with_the_runner(runner: CliRunner, tmp_path: Path) -> None:
    a = make_station(tmp_path / "a.db", STATION_A)
    other = make_station(tmp_path / "other.db", STATION_B)
    for hub, key in ((other, "hub.not_a_hub"), (tmp_path / "none.db", "hub.unreachable")):
        result = runner.invoke(cli, ["--db", str(a), "sync", "push", "--hub", str(hub)])
        assert result.exit_code == 1
        assert isinstance(result.exception, SyncRefused) and result.exception.key == key
    assert not (tmp_path / "none.db").exists()
    assert count(other, "station") == 1

    no_db = runner.invoke(cli, ["hub", "init", "--county", COUNTY])
    assert no_db.exit_code == 1
    assert "--db" in str(no_db.exception)
    exists = runner.invoke(cli, ["hub", "init", "--db", str(a), "--county", COUNTY])
    assert "已有联络站或汇总库" in str(exists.exception)
    empty = runner.invoke(cli, ["hub", "init", "--db", str(tmp_path / "h.db"), "--county", " "])
    assert "县（市、区）名称" in str(empty.exception)


def test_a_postgresql_hub_with_the_runner(
    runner: CliRunner, tmp_path: Path, pg_url_factory: Callable[[], str]
) -> None:
    a = make_station(tmp_path / "a.db", STATION_A)
    url = pg_url_factory()
    made = runner.invoke(cli, ["hub", "init", "--db", url, "--county", COUNTY])
    assert made.exit_code == 0, made.output
    pushed = runner.invoke(cli, ["--db", str(a), "sync", "push", "--hub", url])
    assert pushed.exit_code == 0, pushed.output
    assert "来访 1" in pushed.output
    pulled = runner.invoke(cli, ["--db", str(a), "sync", "pull", "--hub", url])
    assert pulled.exit_code == 0, pulled.output
    # A PostgreSQL database that is not a hub (a fresh one) is refused, and left empty.
    blank = pg_url_factory()
    refused = runner.invoke(cli, ["--db", str(a), "sync", "push", "--hub", blank])
    assert isinstance(refused.exception, SyncRefused)
    assert refused.exception.key == "hub.not_a_hub"


def test_a_purge_on_the_hub_rewrites_its_tables(
    runner: CliRunner, tmp_path: Path, pg_url_factory: Callable[[], str]
) -> None:
    """Purges reach the hub by push; on the hub `liaison purge` rewrites the tables they touched
    (VACUUM FULL, store.trust.erase) and says what the server still keeps."""
    a = make_station(tmp_path / "a.db", STATION_A)
    url = pg_url_factory()
    assert runner.invoke(cli, ["hub", "init", "--db", url, "--county", COUNTY]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(a), "sync", "push", "--hub", url]).exit_code == 0
    purged = runner.invoke(cli, ["--db", url, "purge", "--yes"])
    assert purged.exit_code == 0, purged.output
    assert (
        "共 0 位" in purged.output
        and "已在服务器上重写清除涉及的表（VACUUM FULL）" in purged.output
    )


def test_a_purge_on_a_busy_hub_says_which_tables_it_left(
    runner: CliRunner, pg_url_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A station's long transaction holds the change log: the purge does not queue the county
    behind it; one line names the table and says to run it again, exit 1."""
    from store.db import make_engine
    from store.trust import erase

    monkeypatch.setattr(erase, "LOCK_TIMEOUT", "200ms")
    url = pg_url_factory()
    assert runner.invoke(cli, ["hub", "init", "--db", url, "--county", COUNTY]).exit_code == 0
    holder = make_engine(url)
    try:
        with holder.connect() as conn:
            conn.exec_driver_sql("LOCK TABLE change_log IN ACCESS SHARE MODE")
            purged = runner.invoke(cli, ["--db", url, "purge", "--yes"])
            conn.rollback()
    finally:
        holder.dispose()
    assert purged.exit_code == 1
    assert "服务器上的表 change_log 正被其他会话占用" in purged.output
    assert "Traceback" not in purged.output


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_from_the_shell(tmp_path: Path) -> None:
    a = make_station(tmp_path / "a.db", STATION_A)
    hub = tmp_path / "hub.db"
    made = run("hub", "init", "--db", str(hub), "--county", COUNTY)
    assert made.returncode == 0, made.stderr
    pushed = run("--db", str(a), "sync", "push", "--hub", str(hub))
    assert pushed.returncode == 0, pushed.stderr
    assert len(pushed.stdout.strip().splitlines()) == 1
    assert "已推送到「临溪县（全县）」" in pushed.stdout

    # Nobody listens there: one line, the URL without its password, nothing changed.
    url = f"postgresql://liaison:s3cret-pw@127.0.0.1:{_closed_port()}/county"
    before = count(a, "change_log")
    for command in ("push", "pull"):
        failed = run("--db", str(a), "sync", command, "--hub", url)
        assert failed.returncode == 1
        assert failed.stderr.strip().splitlines() == [
            f"无法连接县级汇总库：postgresql://liaison:***@127.0.0.1:{url.rsplit(':', 1)[1]}"
        ]
        assert "s3cret" not in failed.stdout + failed.stderr
    assert count(a, "change_log") == before
    bad = run("--db", str(a), "sync", "push", "--hub", "postgresql://u:s3cret-pw@h:port/x")
    assert bad.returncode == 1 and "s3cret" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_second_station_of_one_name_and_township_is_refused(tmp_path: Path) -> None:
    """Two stations made apart under one name (every demo was 青石镇人大代表联络站): the second
    is refused at its first push, in one line, and nothing of it reaches the hub; the first
    still pushes."""
    a = make_station(tmp_path / "a.db", STATION_A)
    twin = make_station(tmp_path / "twin.db", STATION_A)
    hub = tmp_path / "hub.db"
    assert run("hub", "init", "--db", str(hub), "--county", COUNTY).returncode == 0
    assert run("--db", str(a), "sync", "push", "--hub", str(hub)).returncode == 0
    stations, visits, log = count(hub, "station"), count(hub, "visit"), count(hub, "change_log")
    twin_log = count(twin, "change_log")

    refused = run("--db", str(twin), "sync", "push", "--hub", str(hub))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"县级汇总库里已有{STATION_A.township}的「{STATION_A.name}」，本站未推送任何更改："
        "同一乡镇的两个联络站名称不能相同"
    ]
    english = run("--lang", "en", "--db", str(twin), "sync", "push", "--hub", str(hub))
    assert english.stderr.strip().splitlines() == [
        f"The county hub already holds a station named {STATION_A.name} in"
        f" {STATION_A.township}: nothing was pushed (two stations of one township need"
        " different names)"
    ]
    assert (count(hub, "station"), count(hub, "visit"), count(hub, "change_log")) == (
        stations,
        visits,
        log,
    )
    assert count(twin, "change_log") == twin_log
    assert run("--db", str(a), "sync", "push", "--hub", str(hub)).returncode == 0
