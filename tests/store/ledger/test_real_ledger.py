"""A real station's first act (issue 16, part 1): bringing in its own Excel ledger, written by
other clerks, naming units the way people say them.

Seen: `liaison init --station 山北代表联络站 --township 和平镇 --county 长兴县 --deputy …` then
`liaison import` of an 80-row ledger whose rows name units such as 县水利局 and 镇建设办: refused
whole, "unknown name" on every row with a unit (the desk even suggested 长兴县水利局 for 县水利局
and still refused); a ledger with 5 broken rows reported as 18 rows of errors.

tests/data/ledgers/shanbei.csv is that ledger, written the way another station's clerk would:
units named informally or not known at all, a village's committee called 村委会 or 社区居委会,
deputies of an earlier term, rows with no tier, dates over 2025 and 2026."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from store.core.clock import FrozenClock
from store.core.models import Deputy, Issue, Tier, Unit, Village, Visit
from store.db import Store
from store.ledger import ImportSummary, LedgerInvalid, import_ledger
from store.station import DeputyIn, StationIn, VillageIn, init_station, load_station, open_store

LEDGER = Path(__file__).resolve().parents[2] / "data" / "ledgers" / "shanbei.csv"
NOW = datetime(2026, 12, 1, 10, 0)
SHANBEI = StationIn(
    name="山北代表联络站",
    township="和平镇",
    county="长兴县",
    deputies=[DeputyIn("王建国"), DeputyIn("李秀英")],
    villages=[VillageIn("山北村"), VillageIn("东岙村")],
)


@pytest.fixture
def shanbei(tmp_path: Path) -> Iterator[Store]:
    """A station made by `liaison init` with only its own names."""
    path = tmp_path / "shanbei.db"
    init_station(engine_path=path, station=SHANBEI, clock=FrozenClock(NOW))
    store = open_store(path, clock=FrozenClock(NOW))
    yield store
    store.dispose()


def _import(store: Store, path: Path = LEDGER, *, dry_run: bool = False) -> ImportSummary:
    return import_ledger(store=store, actor=load_station(store).actor(), path=path, dry_run=dry_run)


def _unit_of(store: Store, words: str) -> tuple[str, str]:
    with store.read() as session:
        unit = session.exec(
            select(Unit)
            .join(Issue, col(Issue.unit_id) == Unit.id)
            .join(Visit, col(Visit.issue_id) == Issue.id)
            .where(col(Visit.text).startswith(words))
        ).one()
    return unit.name, unit.tier


def test_the_ledger_of_another_clerk_imports_whole(shanbei: Store) -> None:
    summary = _import(shanbei)
    assert summary.rows_read == 80 and summary.visits_added == 80 and not summary.errors
    assert summary.villages_added == ("西坞村", "南门社区", "新港社区")
    assert dict(summary.units_added) == {
        "县交通局": Tier.county,
        "南门社区居委会": Tier.village,
        "镇安监站": Tier.township,
        "镇建设办": Tier.township,
        "镇派出所": Tier.township,
        "新港社区居委会": Tier.village,
        "县自然资源局": Tier.county,
        "镇供电所": Tier.township,
        "县医保局": Tier.county,
        "县燃气公司": Tier.county,
    }
    assert summary.deputies_added == ("赵德明", "钱老师")
    # Units named as people say them are the station's own, never a second one.
    assert _unit_of(shanbei, "自来水压力太小") == ("长兴县水利局", "county")
    assert _unit_of(shanbei, "东岙村的河道里") == ("长兴县水利局", "county")
    assert _unit_of(shanbei, "独居老人") == ("和平镇社会事务办", "township")
    assert _unit_of(shanbei, "村口石桥栏杆") == ("山北村村委会", "village")
    assert _unit_of(shanbei, "老小区楼道灯") == ("南门社区居委会", "village")
    assert _unit_of(shanbei, "社区卫生服务站") == ("长兴县卫健局", "county")
    with shanbei.read() as session:
        names = [u.name for u in session.exec(select(Unit)).all()]
        earlier = session.exec(select(Deputy).where(Deputy.name == "赵德明")).one()
        villages = {v.name for v in session.exec(select(Village)).all()}
    assert len(names) == len(set(names))  # no unit twice
    assert not earlier.active  # a deputy of an earlier term: on record, not on the roster
    assert villages == {"山北村", "东岙村", "西坞村", "南门社区", "新港社区"}
    # The same ledger again adds nothing.
    again = _import(shanbei)
    assert again.visits_added == 0 and again.duplicates == 80
    assert not again.units_added and not again.deputies_added and not again.villages_added


def test_five_broken_rows_are_five_errors_naming_what_is_broken(
    shanbei: Store, tmp_path: Path
) -> None:
    rows = list(csv.reader(LEDGER.open(encoding="utf-8-sig")))
    header = rows[0]
    col = {name: header.index(name) for name in header}
    broken = {
        3: ("电话", "1390572"),  # too short
        10: ("日期", "2025-13-40"),  # no such day
        20: ("分类", "交通"),  # not a category
        30: ("责任单位", "供电站"),  # a new unit whose tier nothing says (层级 emptied below)
        40: ("满意度", "满意"),  # a verdict on an issue still being handled (状态 set below)
    }
    for row, (column, value) in broken.items():
        rows[row - 1][col[column]] = value
    rows[30 - 1][col["层级"]] = ""
    rows[40 - 1][col["状态"]] = "办事"
    path = tmp_path / "broken.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    with pytest.raises(LedgerInvalid) as caught:
        _import(shanbei, path)
    found = sorted((e.row, e.column, e.key) for e in caught.value.errors)
    assert found == [
        (3, "电话", "field.phone"),
        (10, "日期", "ledger.date"),
        (20, "分类", "ledger.unknown"),
        (30, "责任单位", "ledger.unit_tier_unknown"),
        (40, "满意度", "ledger.satisfaction_open"),
    ]
    with shanbei.read() as session:
        assert session.exec(select(Visit)).all() == []
        assert len(session.exec(select(Unit)).all()) == 2 + 1 + 6 + 14  # as init made them


def test_a_unit_whose_name_does_not_say_its_tier_takes_the_rows(
    shanbei: Store, tmp_path: Path
) -> None:
    header = ["日期", "渠道", "姓名", "电话", "村社", "内容", "分类", "类型", "层级", "责任单位"]
    row = ["2026-10-01 09:00", "到站来访", "刘师傅", "13900001111", "山北村", "电线老化。"]
    path = tmp_path / "tier.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerow([*row, "供水供电供气", "诉求", "乡级", "供电所"])
        writer.writerow([*row[:5], "电线又老化了。", "供水供电供气", "诉求", "", "供电所"])
    summary = _import(shanbei, path)
    assert summary.units_added == (("供电所", Tier.township),)
    assert _unit_of(shanbei, "电线又老化") == ("供电所", "township")
