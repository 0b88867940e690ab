"""The words of residents' visits (民意热词): segmentation, a station dictionary and stop words,
words stored once per visit when it is written, and the words rising against the previous window.

rjieba (jieba's dictionary and algorithm in Rust, the same words 24x faster; ../shared/PERF.md) is
imported on the first extraction, never at start-up: reading stored words needs no segmentation.

Storage (schema 0005, tables in store.models): `word` (the vocabulary), `word_visit` (one row a
visit: its day, village, category and word ids), `visit_word` (word → day → visit, for drilling
down) and `word_day` (visits a word was used in per day, for the station and for each village and
category). `index_visit_words` keeps them current from every write path (store.derived).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlmodel import Session, col, select

from store.models import Visit

# Terms of the station's work that jieba's general dictionary cuts in two (飞线|充电); from the 28
# categories of spec §2 and the residents' words of the demo (fixtures/texts.py).
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
    "减速带", "凸面反光镜", "立法建议",
)  # fmt: skip

# Words every resident uses whatever the problem (反映, 希望, 有个...): they dominate raw counts
# (PERF.md) and say nothing about what is rising. Drawn from the most frequent words of 100,000
# demo visits that name no problem: greetings, the station's own vocabulary, fillers.
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
    """.split()
)

WORD_MAX = 50  # Word.text; longer runs of letters are not words a deputy reads
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
_lock = threading.Lock()


@cache
def _segmenter() -> Any:
    """rjieba's default segmenter with the station dictionary added; built once per process.

    Importing rjieba and cutting the first text costs about 0.1 s and 30 MB (PERF.md), paid by
    the first save or import, not at start-up."""
    import rjieba  # noqa: PLC0415 - lazy: start-up never pays for it

    for term in DOMAIN_TERMS:
        rjieba.add_word(term, None, None)
    return rjieba


def extract_words(text: str) -> list[str]:
    """The distinct words of one visit's text, in order of first appearance.

    jieba's words plus the station dictionary, without stop words, one-character words, and
    tokens with digits or punctuation (an APP stays, lower-cased; 5G goes).
    """
    return extract_many([text])[0]


def extract_many(texts: Iterable[str]) -> list[list[str]]:
    """`extract_words` for many texts: one call for a bulk load (100,000 texts in about 0.6 s)."""
    with _lock:  # add_word is not documented as thread-safe: build the segmenter once
        segmenter = _segmenter()
    cut = segmenter.cut
    keep = _KEEP.fullmatch
    stop = STOP_WORDS
    # A station's words repeat (about 2,000 distinct in 1,000,000 tokens): decide each once.
    verdicts: dict[str, str | None] = {}
    result: list[list[str]] = []
    for text in texts:
        seen: dict[str, None] = {}
        for token in cut(text):
            try:
                word = verdicts[token]
            except KeyError:
                ok = 2 <= len(token) <= WORD_MAX and token not in stop and keep(token)
                word = verdicts[token] = (
                    (token.lower() if token.isascii() else token) if ok else None
                )
            if word is not None:
                seen[word] = None
        result.append(list(seen))
    return result


def words_of_issues(*, session: Session, issue_ids: list[str]) -> dict[str, set[str]]:
    """The words of each issue's visits (deleted visits left out), for proposing similar issues.

    Args:
        session: any session.
        issue_ids: the issues to look at; ids without visits map to an empty set.

    Returns:
        Each issue id mapped to the union of its visits' words.
    """
    words: dict[str, set[str]] = {issue_id: set() for issue_id in issue_ids}
    if not issue_ids:
        return words
    rows = session.execute(
        select(Visit.issue_id, Visit.text).where(
            col(Visit.issue_id).in_(issue_ids), col(Visit.deleted_at).is_(None)
        )
    ).all()
    for (issue_id, _), found in zip(rows, extract_many(text for _, text in rows), strict=True):
        words[issue_id].update(found)
    return words
