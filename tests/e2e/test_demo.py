"""`yishitang demo` end to end: the scripted roundtable through the sandbox with the real bot
and the real offline Whisper base on the clips in yishitang/demo_audio, then its output files.

The demo's discussion is scripted around what its clips really say (the housing market), so
the minutes must hold those words, the follow-up items the moderator closed with, and none of
the unrelated news sentences the demo used to play.
"""

from __future__ import annotations

import asyncio
import json
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest

from yishitang.demo import TOPIC, VOICES, run_demo
from yishitang.settings import Settings

OUTPUTS = ("transcript.json", "transcript.md", *(
    f"{name}.{suffix}" for name in ("minutes", "minutes-public")
    for suffix in ("docx", "md", "json")))
# What Whisper base makes of each clip, prompted with the topic (demo_audio/README.md).
HEARD = {"oversupply.ogg": "三四线城市明显过剩的市场风险",
         "big-cities.ogg": "一二线城市虽然也处于调整中",
         "slowdown.ogg": "高速增长区间的同时",
         "provident-fund.ogg": "公积金贷款首付比例降低的消息"}
UNRELATED = ("基地里", "渗水", "剩水", "商品和服务价格", "信息化建设", "污水", "排污")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("demo-output")
    settings = Settings(data_dir=output / "data", asr_url=None, asr_api_key=None,
                        whisper_model="base", glossary=[])
    assert asyncio.run(run_demo(settings, output, quiet=True)) == 0
    return output


@pytest.fixture(scope="module")
def minutes(demo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((demo / "minutes.json").read_text("utf-8"))
    return data


def test_the_demo_writes_its_files(demo: Path) -> None:
    for name in OUTPUTS:
        assert (demo / name).stat().st_size > 0, name
    assert sorted(p.name for p in VOICES.glob("*.ogg")) == sorted(HEARD)


def _heard(words: str, text: str) -> float:
    """How closely ``text`` holds ``words``: the best ratio of any stretch of its length."""
    stretches = [text[i:i + len(words)] for i in range(max(1, len(text) - len(words) + 1))]
    return max(SequenceMatcher(None, words, s).ratio() for s in stretches)


def test_voice_clips_are_heard_as_part_of_the_housing_discussion(demo: Path) -> None:
    transcript = json.loads((demo / "transcript.json").read_text("utf-8"))
    voiced = [u["text"] for u in transcript["utterances"] if u["source"] == "voice"]
    assert len(voiced) == len(HEARD)
    for words in HEARD.values():  # as heard: a homophone (守护 for 首付) happens, rarely
        assert max(_heard(words, text) for text in voiced) >= 0.8, (words, voiced)
    text = (demo / "minutes.md").read_text("utf-8") + (demo / "transcript.md").read_text("utf-8")
    assert not [s for s in UNRELATED if s in text]


def test_minutes_hold_suggestions_consensus_and_follow_up_items(
        demo: Path, minutes: dict[str, Any]) -> None:
    assert minutes["status"] == "approved" and minutes["session"]["topic"] == TOPIC
    suggestions = {s["proposers"][0]: s for s in minutes["suggestions"]}
    assert suggestions["张大妈"]["origin"] == "edit"  # /addsug
    assert suggestions["赵工"]["origin"] == "mark" and "去化周期" in suggestions["赵工"]["text"]
    assert "人才购房补贴" in suggestions["刘芳"]["text"]
    assert "公积金" in suggestions["吴女士"]["text"]
    consensus = [c["text"] for c in minutes["consensus"]]
    assert len(consensus) == 3 and any("限购" in c for c in consensus)
    items = {(a["unit"], a["deadline_text"]): a["text"] for a in minutes["actions"]}
    assert "首套房限购" in items["县住建局", "两个月内"]
    assert "公积金贷款首付比例" in items["县住房公积金管理中心", "一个月内"]
    assert items["县自然资源局", "三个月内"] == "完成各片区商品住房去化周期测算"
    assert "团购" in items["县住建局", "春节前"]
    assert "协商纪要" in items["县政协办公室", "下周五前"]
    md = (demo / "minutes.md").read_text("utf-8")
    assert "| 拟定放开外地户籍职工首套房限购的方案报县政府 | 县住建局 | 两个月内" in md


def test_the_public_version_names_residents_by_kind(demo: Path) -> None:
    public = (demo / "minutes-public.md").read_text("utf-8")
    assert "张大妈" not in public and "吴女士" not in public
    assert "王建国" in public and "县住建局" in public



def test_the_demo_follows_items_up_after_approval(demo: Path) -> None:
    """Staff referred 张大妈's and 吴女士's suggestions and converted 刘芳's; the liaison (王建国,
    bound by an invite) accepted and replied; she rated it 满意; the figures and 汇总表 were
    written."""
    from openpyxl import load_workbook

    from storage.engine import make_engine

    async def rows() -> tuple[list[Any], list[Any]]:
        engine = make_engine(f"sqlite+aiosqlite:///{demo / 'demo.db'}")
        try:
            async with engine.connect() as connection:
                items = list(await connection.exec_driver_sql(
                    "SELECT i.kind, i.status, i.conversion, i.reference, i.satisfaction, "
                    "u.name FROM tracked_items i LEFT JOIN units u ON u.id = i.unit_id "
                    "WHERE i.kind = 'suggestion' AND i.status <> 'pending' ORDER BY i.id"))
                events = list(await connection.exec_driver_sql(
                    "SELECT e.kind FROM item_events e JOIN tracked_items i ON i.id = e.item_id "
                    "WHERE i.status = 'evaluated' ORDER BY e.n"))
                return items, events
        finally:
            await engine.dispose()

    items, events = asyncio.run(rows())
    assert [tuple(r) for r in items] == [
        ("suggestion", "evaluated", None, None, "satisfied", "平桥县住房和城乡建设局"),
        ("suggestion", "converted", "proposal", "平政协提〔2026〕15号", None, None),
        ("suggestion", "referred", None, None, None, "平桥县住房公积金管理中心")]
    assert [e for (e,) in events] == ["created", "referred", "accepted", "replied", "evaluated"]
    sheets = load_workbook(demo / "report.xlsx", read_only=True).sheetnames
    assert {"按议事堂", "按乡镇", "汇总"} <= set(sheets)
    for name in ("办理情况汇总表.docx", "办理情况汇总表.xlsx"):
        assert (demo / name).stat().st_size > 0, name
