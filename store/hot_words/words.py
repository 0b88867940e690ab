"""The words of residents' visits (民意热词): segmentation, the content words that count (parts of
speech, the station's terms, stop words), words stored once per visit when it is written, and the
words rising against the previous window, one line a story. The rules: docs/rules/duty-loop.md,
"Hot words".

rjieba (jieba's dictionary and algorithm in Rust, the same words 24x faster; docs/performance.md) is
loaded on the first extraction, never at start-up: reading stored words needs no segmentation.

Storage (schema 0005, tables in store.core.models, and `word_use`, made by
store.hot_words.word_index): `word` (the vocabulary), `word_visit` (one row a visit: its day,
village, category and word ids), `word_use` (word → day → visit: a word's visits, for drilling
down and for telling which rising words rose in the same visits) and `word_day` (visits a word was
used in per day). `index_visit_words` keeps them current from every write path
(store.changelog.derived).
"""

from __future__ import annotations

import gzip
import importlib.machinery
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from store.core.dialect import word_ids_join
from store.core.models import Visit, Word, WordDay, WordScope, WordVisit
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.desk.visits import VisitRow, _row_query, _to_row

# Terms of the station's work that jieba's general dictionary cuts in two (飞线|充电); from the 28
# categories (docs/rules/duty-loop.md) and the residents' words of the demo (fixtures/texts.py).
DOMAIN_TERMS: tuple[str, ...] = (
    "飞线充电", "楼道堆物", "流动摊贩", "新就业群体", "外卖骑手", "快递小哥", "网约车司机",
    "货车司机", "垃圾分类", "僵尸车", "电动自行车", "老旧小区", "加装电梯", "公交专线",
    "渣土车", "污水管网", "雨污分流", "黑臭水体", "燃气管道", "油烟扰民", "噪音扰民", "广场舞",
    "违章搭建", "占道经营", "高空抛物", "居家养老", "养老服务", "老年食堂", "长者食堂",
    "留守儿童", "就业创业", "征地拆迁", "拆迁补偿", "土地流转", "高标准农田", "业主委员会",
    "电梯故障", "住房保障", "公租房", "无证经营", "营商环境", "矛盾纠纷", "安全生产",
    "电动车充电", "充电桩", "电信诈骗", "民生实事", "民生微实事", "河道清淤", "生态环保",
    "秸秆焚烧", "文化礼堂", "公共交通", "停车管理", "环境卫生", "河道水利", "供水供电供气",
    "城乡规划建设", "医疗卫生", "社会保障", "农业农村", "市场监管", "食品安全",
    "文体旅游", "新就业群体权益", "老年公交卡", "定制公交", "临时停车区", "消防通道",
    "减速带", "凸面反光镜", "立法建议", "电动车充电桩", "托育",
)  # fmt: skip

# Parts of speech that count (jieba's tags, from its dictionary; a word it does not know is judged
# by its characters' tags, `is_content_word`): nouns (n), places (ns), bodies (nt), other proper
# nouns (nz, and the station's terms), abbreviations (j: 医保, 村委会), verbal nouns (vn: 诈骗,
# 补偿, 监控) and English words (eng: APP). Not person names (nr, nrt, nrfg: a resident's name is
# no hot word, and jieba tags many ordinary words so: 太少, 老远), verbs, adjectives, adverbs,
# pronouns, numbers and measures, times and places relative to the speaker (t, s, f: 白天, 心里,
# 后面). Measured on the demo's texts: what is left is what a deputy reads out
# (docs/rules/duty-loop.md, "Hot words").
CONTENT_TAGS: frozenset[str] = frozenset({"n", "ns", "nt", "nz", "j", "vn", "eng"})
# The tags of the characters a word jieba's HMM guessed may not begin or end with
# (`is_content_word`): pronouns, prepositions, adverbs, numbers, measures, particles,
# conjunctions, directions; and at the end, verbs, adjectives and distinguishing words.
_FUNCTION = {"r", "p", "d", "c", "f", "u", "ud", "ug", "uj", "ul", "uv", "uz", "y", "e", "o"}
_VERB = {"v", "vg"}
_NAME = {"nr", "nrt", "nrfg"}
NOT_FIRST: frozenset[str] = frozenset(_FUNCTION | {"m", "q"})
NOT_LAST: frozenset[str] = frozenset(
    _FUNCTION | _VERB | {"vn", "a", "ad", "an", "ag", "b", "z", "tg"}
)
# The tag of the station's terms and nouns (DOMAIN_TERMS, STATION_NOUNS).
STATION_TAG = "nz"
# Things a station hears about that jieba's dictionary tags as something else: as names (幼儿园,
# 红绿灯), as set phrases (l: 活动中心, 自来水) or idioms (i: 停车难). Counted as nouns, their
# frequencies (and so every cut) unchanged.
STATION_NOUNS: frozenset[str] = frozenset(
    """
    幼儿园 红绿灯 敬老院 农家乐 梅雨季 盖子 秋千 玉米 明沟 石坎 托班 活动中心 自来水 自来水管
    核磁共振 孤寡老人 停车难 合作社 劳动合同 退役军人 不动产 停电通知 亲子活动 连接线 接待日
    直达车 招工难 拖欠工资 水土流失
    """.split()
)

# Words every resident uses whatever the problem (反映, 希望, 有个...): they dominate raw counts
# (docs/performance.md) and say nothing about what is rising. Drawn from the most frequent words of
# 100,000 demo visits that name no problem: greetings, the station's own vocabulary, fillers.
STOP_WORDS: frozenset[str] = frozenset(
    """
    反映 希望 有个 问题 我们 一下 现在 代表 建议 尽快 不能 部门 相关 村里 今天 这个 麻烦 帮忙
    附近 结果 走访 这次 看看 大家 上去 拜托 没有 处理 派人来 答复 不起 对不起 这事 催一 意见
    村民 上次 居民 地方 来电 过来 群众 知道 只能 时候 留言 碰到 专门 以后 事情 一起 我来 你好
    您好 顺路 进来 特地来 特地 有人 民情 几户 已经 问问 怎么 几次 打电话 电话 了解 有没有 只有
    扫码 观察员 边上 我家 这户 看到 上门 考虑 一点 说个事 入户 自己 联络站 觉得 根本 比较 人家
    人称 提到 起来 好多 不少 不要 一直 供参考 这是 想法 一个点 一类 解决 一次 听说 准备 下来
    今年 明年 去年 做法 听听 回来 经常 提出 不到 什么 提一提 一个 这样 那个 那边 这边 还是
    但是 因为 所以 如果 可以 能不能 是不是 就是 还有 而且 然后 他们 你们 她们 大概 一些 有些
    这些 那些 之前 之后 最近 已 还要 一样 出来 一趟 非常 特别 实在 真的 确实 总是 到底 其实
    不是 不会 没人 没法 办法 情况 时间 东西 地补 谢谢 感谢 请问 请求 要求 需要 应该 能够 可能
    一定 为什么 怎么办 多少 几个 两个 好几个 好几 很多 一段 一年 上个月 个月 半年 这么 那么
    这里 那里 哪里 而是 不过 只是 同时 另外 目前 当时 马上 赶紧 帮助 帮着 说说 说明 表示 认为
    左右 以上 以下 之间 其中 部分 主要 有关 关于 对于 通过 进行 作为 工作 方面 同志 老师 领导
    不了 我想 了解一下 反映一下 反应 提个 提一下 一件 一件事 这件 这件事 有事 问下 代为 转达 联系
    办得 顾不过来 民声 楼上 楼下 一旦 那户 这户 出去 整栋 转角 好几次 劝了
    """.split()
) | frozenset(
    # Nouns that say nothing of a problem (jieba tags them n or vn): the station's own work and
    # channels (人代会, 茶馆, 夜话, 草案…), abstract words of any request (规定, 政策, 标准…),
    # times (小时, 阵子, 礼拜), where the speaker stands (对面, 镇里), doings jieba calls nouns
    # (回家, 上学, 商量), and fragments of the demo's phrases its HMM takes for nouns (人管, 添点).
    """
    人代会 草案 材料 试点 茶馆 夜话 记录 办理 网格 进站 议事会 议事 议论 指点 基层 百姓 干部
    出面 商量 现场 规定 政策 服务 合理 中心 检查 标准 建设 监督 单位 机构 报告 关系 流程 身份
    比例 发动 定期 出口 分配 小时 阵子 前段时间 钟头 礼拜 对面 回家 走路 差点 成问题 添点
    少放点 人管 几块钱 两辆车 一楼 二楼 三楼 满地 新建 扎堆 条大狗 卖辣条 拨人 游步 环镇 桥路 很漂亮
    怨气 兴趣 爱心 杠杠 交叉 交会 这阵子 有时候 一不小心 线索 作业 户主 镇里 县里 省里 市里 城里
    厂里 上学 放学 买菜 买药 散步 骑车 关门 快成 全往 人太多 小微 普惠性 德胜酒 往北
    """.split()
)

WORD_MAX = 50  # Word.text; longer runs of letters are not words a deputy reads
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
_lock = threading.Lock()


# jieba's dictionary, as rjieba 0.2.2 builds it in (jieba 0.42.1's dict.txt, MIT): 349,045 words,
# their frequencies and part-of-speech tags, one `word frequency tag` a line.
DICTIONARY = Path(__file__).with_name("words_dict.txt.gz")


@cache
def _segmenter() -> Any:
    """jieba's segmenter with jieba's dictionary and the station's; built once per process.

    Not rjieba's own instance: `import rjieba` builds one from the dictionary inside the
    extension, 33 MiB resident from then on (a third of a session's peak above Textual and
    SQLModel, issue 4). The same words added to an empty segmenter take 25 MiB and cut every
    text the same (same words, same frequencies, same total; checked on 100,000 demo visits
    and by tests/store/hot_words/test_words_dictionary.py). Building it takes about 0.5 s instead of
    0.1, so the log form starts it when it opens (`warm_segmenter`), not on save."""
    segmenter = _jieba_class().empty()
    add = segmenter.add_word
    nouns = STATION_NOUNS
    # Line by line: the whole text at once would add its size to the peak.
    with gzip.open(DICTIONARY, "rt", encoding="utf-8") as lines:
        for line in lines:
            word, freq, tag = line.split()
            add(word, int(freq), STATION_TAG if word in nouns else tag)
    for term in DOMAIN_TERMS:
        add(term, None, STATION_TAG)
    return segmenter


def _jieba_class() -> Any:
    """rjieba's `Jieba` class from its extension module, without running the package's
    `__init__` (which builds the default instance this module does not use)."""
    loaded = sys.modules.get("rjieba.rjieba")
    if loaded is not None:
        return loaded.Jieba
    spec = importlib.util.find_spec("rjieba")
    folder = Path(next(iter(spec.submodule_search_locations or ()))) if spec else None
    for suffix in importlib.machinery.EXTENSION_SUFFIXES if folder else ():
        path = folder / f"rjieba{suffix}"  # type: ignore[operator]
        if path.exists():
            loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(path))
            module_spec = importlib.util.spec_from_loader("rjieba.rjieba", loader)
            assert module_spec is not None
            module = importlib.util.module_from_spec(module_spec)
            loader.exec_module(module)
            # Known by its own name: an extension module is initialised once per process, so a
            # later `import rjieba` must find this one.
            sys.modules["rjieba.rjieba"] = module
            return module.Jieba
    import rjieba  # noqa: PLC0415 - laid out otherwise: the package's way, at its memory cost

    return rjieba.Jieba


def warm_segmenter() -> None:
    """Build the segmenter now (in a worker), so that the save that needs it does not wait."""
    with _lock:
        _segmenter()


def extract_words(text: str) -> list[str]:
    """The distinct words of one visit's text that count, in order of first appearance.

    The content words (`is_content_word`) of jieba's cut with the station dictionary, without
    stop words, one-character words, and tokens with digits or punctuation (an APP stays,
    lower-cased; 5G goes).
    """
    return extract_many([text])[0]


def extract_many(texts: Iterable[str]) -> list[list[str]]:
    """`extract_words` for many texts: one call for a bulk load (100,000 texts in about 2.5 s).
    Texts whose words another process extracted meanwhile (`words_ahead`) are not cut again."""
    texts = list(texts)
    known = _ahead.words() if _ahead is not None else {}
    if known:
        missing = [text for text in texts if text not in known]
        if not missing:
            return [list(known[text]) for text in texts]
        found = dict(zip(missing, _extract(missing), strict=True))
        return [list(known[text]) if text in known else found[text] for text in texts]
    return _extract(texts)


def _extract(texts: Iterable[str]) -> list[list[str]]:
    with _lock:  # add_word is not documented as thread-safe: build the segmenter once
        segmenter = _segmenter()
    cut = segmenter.cut
    # A station's words repeat (about 2,000 distinct in 1,000,000 tokens): decide each once.
    verdicts: dict[str, str | None] = {}
    result: list[list[str]] = []
    for text in texts:
        seen: dict[str, None] = {}
        for token in cut(text):
            try:
                word = verdicts[token]
            except KeyError:
                word = verdicts[token] = _verdict(segmenter, token)
            if word is not None:
                seen[word] = None
        result.append(list(seen))
    return result


class _Ahead:
    """The words of texts being extracted in another process (`words_ahead`): a Python of its
    own (`python -m store.hot_words.words`, texts in and words out as JSON), not
    multiprocessing's, which would import the caller's main script again in it."""

    def __init__(self, texts: list[str]) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "store.hot_words.words"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._texts = texts
        # Written by a thread: the pipe holds 64 KiB, and the other Python reads only once it
        # has started; this one goes on meanwhile.
        self._writer = threading.Thread(target=self._send, daemon=True)
        self._writer.start()
        self._words: dict[str, list[str]] | None = None

    def _send(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps(self._texts, ensure_ascii=False).encode())
            stdin.close()
        except OSError:  # it died: its words are cut here instead
            pass

    def words(self) -> dict[str, list[str]]:
        """The words, once the other process has them ({} if it failed: they are cut here)."""
        if self._words is None:
            self._words = {}
            self._writer.join()
            stdout = self._process.stdout
            assert stdout is not None
            try:
                out = stdout.read()
                words = json.loads(out) if self._process.wait() == 0 else None
            except (OSError, ValueError):
                words = None
            if isinstance(words, list) and len(words) == len(self._texts):
                self._words = dict(zip(self._texts, words, strict=True))
        return self._words

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._writer.join()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


_ahead: _Ahead | None = None


@contextmanager
def words_ahead(texts: Iterable[str]) -> Iterator[None]:
    """Extract the words of `texts` in another process while this one goes on (a ledger's
    import reads and checks every row first, then writes): `extract_many` finds them ready.
    The segmenter (0.5-0.8 s to build) is built there, on another core, and never here when
    every text is known. The words are the same: the same function, the same dictionary."""
    global _ahead
    try:
        ahead = _Ahead(list(texts))
    except OSError:  # no process to be had: the words are cut here
        yield
        return
    _ahead = ahead
    try:
        yield
    finally:
        _ahead = None
        ahead.close()


def _verdict(segmenter: Any, token: str) -> str | None:
    """The word a token counts as (ASCII lower-cased), or None."""
    if not 2 <= len(token) <= WORD_MAX or token in STOP_WORDS or not _KEEP.fullmatch(token):
        return None
    if not is_content_word(token, segmenter):
        return None
    return token.lower() if token.isascii() else token


def is_content_word(token: str, segmenter: Any) -> bool:
    """Whether a token names something.

    A word of the dictionary (the station's terms and nouns too) by its part of speech
    (CONTENT_TAGS), which does not depend on the sentence: asked once, of the word alone. A word
    the dictionary does not know is a guess of jieba's HMM (盲道, 取餐区, 微信, but also 这钱,
    从人, 能通), judged by its characters' parts of speech: it counts when it neither begins with
    a function character (这, 从, 一, 次, 太…) nor ends with a verb, an adjective or a particle
    (能通, 灯坏), nor is a verb and its object (送餐, 养狗), nor ends in 个 (留个), nor begins
    or ends with a character of names (阿芳, 王建国). Not by the
    part of speech jieba's HMM would give it: tagging one such word costs 7 MiB of memory for
    the rest of the session (docs/performance.md).
    """
    if segmenter.has_word(token):
        return _tag(segmenter, token) in CONTENT_TAGS
    first, last = _tag(segmenter, token[0]), _tag(segmenter, token[-1])
    if first in NOT_FIRST or last in NOT_LAST or token[-1] == "个":
        return False
    if first in _NAME or last in _NAME:
        return False  # a name, most likely (王建国, 阿芳): residents' names are no hot words
    return not (len(token) == 2 and first in _VERB)


def _tag(segmenter: Any, word: str) -> str:
    """A dictionary word's part of speech ("" for another). Without jieba's HMM: a dictionary
    word cut alone is itself (it was cut so within its text)."""
    tagged = segmenter.tag(word, False)
    return str(tagged[0][1]) if len(tagged) == 1 else ""


def words_of_issues(*, session: Session, issue_ids: list[str]) -> dict[str, set[str]]:
    """The words of each issue's visits (deleted visits left out), for proposing similar issues:
    compare them with `extract_words` of a new visit's text.

    Args:
        session: any session.
        issue_ids: the issues to look at; ids without visits map to an empty set.

    Returns:
        Each issue id mapped to the union of its visits' words.
    """
    words: dict[str, set[str]] = {issue_id: set() for issue_id in issue_ids}
    if not issue_ids:
        return words
    # The words stored when each visit was written: no segmentation here.
    rows = session.execute(
        select(Visit.issue_id, WordVisit.word_ids)
        .join(WordVisit, col(WordVisit.visit_id) == Visit.id)
        .where(col(Visit.issue_id).in_(issue_ids), live(Visit))
    ).all()
    ids_by_issue = {
        issue_id: {int(i) for _, ids in group for i in ids.strip(",").split(",") if i}
        for issue_id, group in _grouped(rows)
    }
    wanted = set().union(*ids_by_issue.values()) if ids_by_issue else set()
    names = dict(session.execute(select(Word.id, Word.text).where(col(Word.id).in_(wanted))).all())
    for issue_id, ids in ids_by_issue.items():
        words[issue_id] = {names[i] for i in ids if i in names}
    return words


def _grouped(rows: Iterable[Any]) -> Iterable[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    return groups.items()


# ---------------------------------------------------------------------------------------------
# Reading stored words: no segmentation, so no rjieba.

# A word is marked rising (↑) when its score is at least this: about two "standard deviations"
# of a count that was steady (a Poisson count's spread is its square root).
RISING_SCORE = 2.0
# Up to this many visits in the two windows, counting their word lists (about 15 µs a visit)
# beats a seek per word of the vocabulary (about 10 µs a word, 2,000 words in the demo).
FEW_VISITS = 1_000
# A rising word goes with an earlier rising word (`_families`) when at least this share of its
# visits in the window are that word's visits too, and the rest of them would not rise by
# themselves: one story (a sentence residents repeat, a fire, a road works) is one line, its other
# words beside it, not several rising words.
FAMILY_SHARE = 0.5
# The station's terms (DOMAIN_TERMS) name a story better than the words around them: a family
# is shown by one if it has one.
_TERMS = frozenset(DOMAIN_TERMS)


@dataclass(frozen=True)
class RisingWord:
    """A word of a window: in how many visits it was used, and in the previous window.

    `score` = (count − expected) / √(expected + 1), where `expected` is the previous count scaled
    to this window's number of visits: the rise counted in the spread a steady count would have,
    so 1 → 8 (4.9) ranks above 200 → 215 (1.1), and 0 → 2 (2.0) below both; and when the station
    simply gets busier, words that only keep their share do not rise.

    `companions`: the rising words that rose with this one, in the same visits, best first; they
    are not listed on their own (`rising_words`).
    """

    word: str
    count: int
    previous: int
    score: float
    companions: tuple[str, ...] = ()

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def rising(self) -> bool:
        # The share may rise while the count falls (a busier previous window): a deputy reads
        # "rising" as more visits, so ↑ needs both, never "↑-3".
        return self.score >= RISING_SCORE and self.count > self.previous


@dataclass(frozen=True)
class _Window:
    """Day numbers of the two windows, [start, mid) and [mid, stop), and the scope's
    word_visit column and number (None: the whole station)."""

    start: int
    mid: int
    stop: int
    scope: tuple[str, int] | None = None


def _scope(
    session: Session, village_id: str | None, category_id: str | None
) -> tuple[str, int] | None:
    """The word_visit column and number of a village or category scope; None if it has no
    words yet. Raises ValueError for both at once (the counts are kept for one at a time)."""
    if village_id is not None and category_id is not None:
        raise ValueError("one scope at a time: a village or a category")
    ref = village_id or category_id
    column = "village_no" if village_id is not None else "category_no"
    no = session.execute(select(WordScope.no).where(WordScope.ref == ref)).scalar()
    return None if no is None else (column, no)


def rising_words(
    *,
    session: Session,
    end: date,
    days: int,
    village_id: str | None = None,
    category_id: str | None = None,
    limit: int = 20,
) -> list[RisingWord]:
    """The words of the window [end − days, end), rising words first.

    Counts are visits that used the word (each visit counts a word once), against the previous
    window of the same length [end − 2·days, end − days); ranked by `RisingWord.score`, then by
    count, then the longer word. A rising word whose rise is in the visits of a rising word
    ranked above it (half its visits or more are that word's, and the others would not rise by
    themselves) is listed with it (`RisingWord.companions`), not on its own; the family is
    shown by its best station term if it has one (DOMAIN_TERMS), else by its first word. Reads
    stored words only (about 20 ms for 90 days of 100,000 visits; BENCHMARKS.md).

    Args:
        session: any session.
        end: the first day after the window (today + 1 for a window that includes today).
        days: the window's length in days.
        village_id, category_id: count only one village's or one category's visits.
        limit: how many words (a family is one).
    Returns:
        At most `limit` words used in the window.
    """
    stop, mid, start = end.toordinal(), end.toordinal() - days, end.toordinal() - 2 * days
    where, params = "day >= :start AND day < :stop", {"start": start, "mid": mid, "stop": stop}
    if village_id is not None or category_id is not None:
        scope = _scope(session, village_id, category_id)
        if scope is None:
            return []
        where += f" AND {scope[0]} = :no"
        params["no"] = scope[1]
        window = _Window(start, mid, stop, scope)
    else:
        window = _Window(start, mid, stop)
        if _visits_in(session, start, stop) > FEW_VISITS:
            # Per word, two range reads of word_day's (word_id, day) key: a few thousand short
            # index seeks, whatever the number of visits (about 20 ms for 90 days of 100,000).
            def counted(lo: int, hi: int) -> Any:
                return (
                    select(func.coalesce(func.sum(WordDay.n), 0))
                    .where(WordDay.word_id == Word.id, WordDay.day >= lo, WordDay.day < hi)
                    .scalar_subquery()
                )

            rows = session.execute(
                select(Word.id, Word.text, counted(mid, stop), counted(start, mid))
            ).all()
            volume = _volume(session, window)
            return _families(session, _ranked(rows, volume), window, volume, limit)
    # Few visits (one village or category, or a small station): read their word lists through
    # word_visit's (scope, day) index and count in SQL; cheaper than a seek for every word.
    rows = session.execute(
        sa.text(
            "SELECT word.id, word.text, sum(CASE WHEN w.day >= :mid THEN 1 ELSE 0 END),"
            " sum(CASE WHEN w.day < :mid THEN 1 ELSE 0 END) FROM"
            f" (SELECT day, word_ids FROM word_visit WHERE {where}) AS w"
            f"{word_ids_join(session.get_bind().dialect.name, 'w.word_ids')}"
            " JOIN word ON word.id = j.value GROUP BY word.id, word.text"
        ),
        params,
    ).all()
    volume = _volume(session, window)
    return _families(session, _ranked(rows, volume), window, volume, limit)


def _visits_in(session: Session, start: int, stop: int) -> int:
    return session.exec(
        select(func.count()).where(col(WordVisit.day) >= start, col(WordVisit.day) < stop)
    ).one()


def _volume(session: Session, window: _Window) -> float:
    """This window's visits over the previous window's (1.0 when the previous had none)."""
    scope = window.scope
    where = "" if scope is None else f" AND {scope[0]} = :no"
    now, before = session.execute(
        sa.text(
            "SELECT coalesce(sum(CASE WHEN day >= :mid THEN 1 ELSE 0 END), 0),"
            " coalesce(sum(CASE WHEN day < :mid THEN 1 ELSE 0 END), 0) FROM word_visit"
            f" WHERE day >= :start AND day < :stop{where}"
        ),
        {
            "start": window.start,
            "mid": window.mid,
            "stop": window.stop,
            "no": scope[1] if scope else None,
        },
    ).one()
    return now / before if before else 1.0


@dataclass(frozen=True)
class _Ranked:
    word_id: int
    word: RisingWord


def _score(count: int, previous: int, volume: float) -> float:
    expected = previous * volume
    return (count - expected) / math.sqrt(expected + 1)


def _ranked(rows: Iterable[Any], volume: float = 1.0) -> list[_Ranked]:
    words = []
    for word_id, w, c, p in rows:
        if not c:
            continue
        words.append(_Ranked(int(word_id), RisingWord(w, int(c), int(p), _score(c, p, volume))))
    # Of words as high, the longer first: 信号灯 names more than 事故.
    words.sort(key=lambda r: (-r.word.score, -r.word.count, -len(r.word.word), r.word.word))
    return words


def _families(
    session: Session, ranked: list[_Ranked], window: _Window, volume: float, limit: int
) -> list[RisingWord]:
    """The first `limit` lines of `ranked`: each rising word on its own line, or with the
    family of an earlier one whose first word's visits hold FAMILY_SHARE of its own or more,
    when its other visits would not rise by themselves.

    Reads the visits of rising words only, from word_use's (word, day) key, a batch at a
    time, until `limit` lines are found."""
    lines: list[list[_Ranked]] = []  # each line's members, its first word first
    firsts: list[set[int]] = []  # the visits of each line's first word
    visits: dict[int, set[int]] = {}
    rising = [r for r in ranked if r.word.rising]
    for at, member in enumerate(rising):
        if len(lines) >= limit:
            break
        if member.word_id not in visits:
            visits.update(_visits_of(session, [r.word_id for r in rising[at : at + limit]], window))
        own = visits.get(member.word_id, set())
        shared = [(len(own & first), n) for n, first in enumerate(firsts)]
        best, n = max(shared, default=(0, -1))
        rest = _score(len(own) - best, member.word.previous, volume)
        if own and best >= FAMILY_SHARE * len(own) and rest < RISING_SCORE:
            lines[n].append(member)
        else:
            lines.append([member])
            firsts.append(own)
    shown = [_shown(line) for line in lines]
    shown += [r.word for r in ranked if not r.word.rising]
    return shown[:limit]


def _shown(line: list[_Ranked]) -> RisingWord:
    """A family as one RisingWord: its best station term if it has one, else its first word;
    the others as its companions, best first."""
    words = [r.word for r in line]
    lead = next((w for w in words if w.word in _TERMS), words[0])
    others = tuple(w.word for w in words if w is not lead)
    return replace(lead, companions=others) if others else lead


def _visits_of(session: Session, word_ids: list[int], window: _Window) -> dict[int, set[int]]:
    """The visits (word_visit numbers) of each word in the window [mid, stop) and scope."""
    found: dict[int, set[int]] = {word_id: set() for word_id in word_ids}
    # Integers only in the SQL text (ids and day numbers we computed), never user text.
    ids = ", ".join(str(int(i)) for i in word_ids)
    if window.scope is None:
        sql = (
            "SELECT word_id, no FROM word_use"
            f" WHERE word_id IN ({ids}) AND day >= {window.mid} AND day < {window.stop}"
        )
    else:
        column, no = window.scope
        sql = (
            "SELECT h.word_id, h.no FROM word_use AS h JOIN word_visit AS w ON w.no = h.no"
            f" WHERE h.word_id IN ({ids}) AND h.day >= {window.mid} AND h.day < {window.stop}"
            f" AND w.{column} = {int(no)}"
        )
    for word_id, no in session.execute(sa.text(sql)):
        found[word_id].add(no)
    return found


def word_visits(
    *,
    session: Session,
    word: str,
    end: date,
    days: int,
    village_id: str | None = None,
    category_id: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[VisitRow]:
    """The visits that used `word` in the window [end − days, end), newest first (drill-down):
    as many as `rising_words` counts, by construction (both read the words stored for each
    visit, written together).

    A search for the word's characters finds more when they are also part of longer words
    (楼梯 in 楼梯口 and 爬楼梯): these are the visits of the word itself.

    Args:
        session: any session.
        word: as `rising_words` gave it.
        end, days, village_id, category_id: the window and scope, as for `rising_words`.
        limit, offset: the page.
    """
    word_id = session.execute(select(Word.id).where(Word.text == word)).scalar()
    scope = None
    if village_id is not None or category_id is not None:
        scope = _scope(session, village_id, category_id)
        if scope is None:
            return Page((), 0, offset, limit)
    if word_id is None:
        return Page((), 0, offset, limit)
    start, stop = end.toordinal() - days, end.toordinal()
    # Integers only in the SQL text below (ids and day numbers we computed), never user text.
    where = f"h.word_id = {int(word_id)} AND h.day >= {start} AND h.day < {stop}"
    if scope is not None:
        where += f" AND w.{scope[0]} = {int(scope[1])}"
    joined = f"word_use AS h JOIN word_visit AS w ON w.no = h.no WHERE {where}"
    total = session.execute(sa.text(f"SELECT count(*) FROM {joined}")).scalar() or 0
    ids = [
        row[0]
        for row in session.execute(
            sa.text(
                f"SELECT w.visit_id FROM {joined}"
                " ORDER BY h.day DESC, h.no DESC LIMIT :limit OFFSET :offset"
            ),
            {"limit": limit, "offset": offset},
        )
    ]
    found = {r[0].id: _to_row(*r) for r in session.exec(_row_query().where(col(Visit.id).in_(ids)))}
    items = sorted((found[i] for i in ids if i in found), key=lambda r: r.received_at, reverse=True)
    return Page(tuple(items), total, offset, limit)


if __name__ == "__main__":
    # The other process of `words_ahead`: a JSON list of texts in, the list of their words out.
    # (Bytes, UTF-8: whatever the locale's encoding.)
    words = _extract(json.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(json.dumps(words, ensure_ascii=False).encode())
