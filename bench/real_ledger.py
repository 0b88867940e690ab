"""A real station's ledger at any size, for the import benchmark (issue 16, part 8): the rows of
tests/data/ledgers/shanbei.csv — written as another station's clerk writes them, units named
informally (县水利局, 镇建设办, 村委会), some unknown to the station, deputies of an earlier term,
rows with no tier — repeated over two years with other residents, phones and dates."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import ROOT

SOURCE = ROOT / "tests" / "data" / "ledgers" / "shanbei.csv"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = (
    *("阿婆", "师傅", "建华", "秀英", "国强", "桂芳"),
    *("卫东", "丽萍", "志明", "海燕", "大伯", "阿姨"),
)
# The station `write_real_ledger` rows belong to: made by `liaison init` with only these names.
STATION = ("山北代表联络站", "和平镇", "长兴县")
DEPUTIES = ("王建国", "李秀英")
VILLAGES = ("山北村", "东岙村")


def write_real_ledger(path: Path, rows: int, *, seed: int = 16) -> Path:
    """Write a ledger of `rows` visits, oldest first, dated 2025-01-01 to 2026-11-30."""
    rng = random.Random(seed)
    with SOURCE.open(encoding="utf-8-sig", newline="") as fh:
        header, *templates = list(csv.reader(fh))
    start = datetime(2025, 1, 1, 8, 0)
    span = (datetime(2026, 11, 30, 17, 0) - start).total_seconds() / 60
    minutes = sorted(rng.randrange(int(span)) for _ in range(rows))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for number, offset in enumerate(minutes):
            row = list(rng.choice(templates))
            row[0] = (start + timedelta(minutes=offset)).strftime("%Y-%m-%d %H:%M")
            row[2] = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if row[3].startswith("1"):
                row[3] = f"13{rng.randrange(10**9):09d}"
            # Each visit in the resident's own words: the same complaint, told again.
            row[5] = f"{row[5]}（第{number + 1}条）"
            writer.writerow(row)
    return path
