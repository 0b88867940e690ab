"""`liaison legislation`: a bad draft file refused in a fresh process (one line, exit 1, nothing
written); a draft in GBK loaded and the summary of the hand-written draft's opinions exported
with no name or phone in clear (in process: each fresh process costs a second or more)."""

from __future__ import annotations

from pathlib import Path

from legislation_fixture import O2_NAME, O2_PHONE, RESIDENTS, build_legislation
from shell import count, run
from small_station import Refs
from typer.testing import CliRunner

from store.changelog.changes import Actor
from store.db import Store
from tui.cli import cli

GOOD = (
    "临溪县养犬管理规定（草案）\n第一章　总则\n第一条　为了规范养犬行为，制定本规定。\n第二条　……\n"
)


def test_load_refuse_and_export_from_the_shell(
    store: Store, actor: Actor, refs: Refs, station_path: Path, tmp_path: Path
) -> None:
    build_legislation(store, actor, refs)
    store.dispose()
    db = str(station_path)
    bad = tmp_path / "草案.docx"
    bad.write_bytes(b"PK\x03\x04\xff\xfe\x00\x00" * 64)
    before = count(station_path, "draft_article")
    refused = run("--db", db, "legislation", "load", str(bad))
    assert refused.returncode == 1
    assert refused.stderr.strip() == "无法读取草案文件：应为 UTF-8 或 GBK 编码的文本文件"
    assert count(station_path, "draft_article") == before
    good = tmp_path / "养犬.txt"
    good.write_bytes(GOOD.encode("gbk"))
    runner = CliRunner()
    loaded = runner.invoke(
        cli, ["--db", db, "legislation", "load", str(good), "--due", "2026-12-31"]
    )
    assert loaded.exit_code == 0, loaded.output
    assert "已导入《临溪县养犬管理规定（草案）》：2 条条款，1 个章节标题" in loaded.output
    assert count(station_path, "draft_regulation") == 2
    out = tmp_path / "汇总.md"
    args = ["--db", db, "legislation", "export", "--draft", "垃圾分类", "--out", str(out)]
    exported = runner.invoke(cli, args)
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8")
    assert "采纳率（含部分采纳）60.0% (3/5)" in text
    assert not [p for p in (O2_NAME, O2_PHONE, *RESIDENTS) if p in text]
