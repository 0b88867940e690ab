"""Names in pinyin without pypinyin in memory: store/core/pinyin_table.py holds pypinyin's reading
of every character from U+3400 to U+9FFF (issue 4: 120 MB in all; pypinyin costs 12 MiB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from store.core.pinyin import _pypinyin, _table_syllables, name_keys, pinyin_table_source

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_table_is_what_pypinyin_reads() -> None:
    assert (ROOT / "store" / "core" / "pinyin_table.py").read_text(encoding="utf-8") == (
        pinyin_table_source()
    )


def test_names_read_the_same_through_the_table_and_through_pypinyin() -> None:
    read = _pypinyin()
    for name in ("张晓明", "欧阳娜娜", "李", "𠮷", "爨䶮"):
        table = _table_syllables(name)
        assert table is None or table == [s.lower() for s in read(name)], name
    assert _table_syllables("𠮷") is None  # outside the table: pypinyin reads it
    assert name_keys("张Amy") == {"name_pinyin": "zhangamy", "name_initials": "za"}
    assert name_keys("单丽")["name_initials"] == "sl"


def test_registering_a_resident_leaves_pypinyin_unloaded(station_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from store.core.models import VisitCreate\n"
        "from store.reference.lists import list_categories, list_villages\n"
        "from store.station import load_station, open_store\n"
        "from store.desk.visits import log_visit\n"
        "store = open_store(Path(sys.argv[1]))\n"
        "station = load_station(store)\n"
        "with store.read() as s:\n"
        "    village, category = list_villages(session=s)[0].id, list_categories(session=s)[0].id\n"
        "with store.write(station.actor()) as s:\n"
        "    log_visit(session=s, visit_in=VisitCreate(phone='13900001111', name='欧阳晓明',\n"
        "        village_id=village, channel='walk_in', kind='request', category_id=category,\n"
        "        text='楼道堆满杂物。'))\n"
        "with store.read() as s:\n"
        '    print(s.connection().exec_driver_sql("SELECT name_initials FROM constituent"\n'
        "        \" WHERE name = '欧阳晓明'\").scalar(), 'pypinyin' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(station_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["oyxm", "False"]
