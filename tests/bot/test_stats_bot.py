"""/stats and /summary through the real bot and the sandbox, on both databases, over a
generated year of six halls (bench/tracking_data.py): staff get the figures the read side
computes, and the 办理情况汇总表 as DOCX and XLSX; anyone else is refused; groups are told to
ask in private."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document

from bench.tracking_data import Shape, generate, write
from bot.common import deps_of
from facilitation.services import Actor
from facilitation.tracking_documents import summary
from facilitation.tracking_figures import parse_period, report_figures
from tests.bot.messages import text
from tests.bot.test_minutes_bot import documents
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

TZ = ZoneInfo("Asia/Shanghai")
# every deadline of the data lies in the past: the figures do not move while the test runs
MADE_AT = datetime(2025, 12, 20, 3, 0, tzinfo=UTC)
STAFF, RESIDENT = "督导", "张三"
TOWN = "石门乡"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        await write(running.runtime.engine, generate(
            Shape(halls=6, sessions=4, items=6, people=5, year=2025), TZ, MADE_AT))
        running.open_group("平桥镇议事堂", [STAFF, RESIDENT])
        deps_of(running.runtime.app).staff_user_ids = frozenset({running.person(STAFF).id})
        yield running


async def test_staff_get_the_figures_of_the_county_a_town_and_a_hall(stage: Stage) -> None:
    private = stage.private(STAFF)
    county = text(await stage.ask(STAFF, "/stats 2025", private))
    expected = await report_figures(stage.runtime.uow(), by=Actor(1, STAFF, config_admin=True),
                                    period=parse_period("2025"), now=stage.clock(), tz=TZ)
    f = expected.total.figures
    assert county.startswith("📊 全县 · 2025年（截至 "), county
    assert f"议事会 {f.sessions} 场，参会 {f.people} 人次（政协委员 " in county
    assert f"意见建议 {f.suggestions} 条，工作事项 {f.follow_ups} 项" in county
    assert (f"转化 {f.converted} 条（提案 {f.proposal}、社情民意信息 {f.opinion}、"
            f"专报 {f.report}），交办 {f.referred} 项") in county
    assert (f"已办结 {f.settled} 项，按期办结 {f.settled_on_time}/{f.due_replied}"
            f"（{f.on_time_rate:.1%}），逾期 {f.overdue} 项") in county
    assert f"满意度 {f.satisfaction:.1%}（已评价 {f.evaluated}：" in county
    assert "按乡镇：" in county and f"· {TOWN}：议事会 " in county
    assert f.sessions > 0 and f.overdue > 0 and f.evaluated > 0

    town = text(await stage.ask(STAFF, f"/stats 2025 {TOWN}", private))
    assert town.startswith(f"📊 {TOWN} · 2025年"), town
    assert "按议事堂：" in town or town.count("·") == 1  # one hall in the town: no list
    hall = text(await stage.ask(STAFF, "/stats 2025Q2 五里镇第1议事堂", private))
    assert hall.startswith("📊 五里镇第1议事堂 · 2025年第2季度"), hall
    default = text(await stage.ask(STAFF, "/stats", private))  # this year: nothing held
    assert f"{stage.clock().astimezone(TZ).year}年" in default and "议事会 0 场" in default
    bad = text(await stage.ask(STAFF, "/stats 2025Q5", private))
    assert "看不懂统计期间“2025Q5”" in bad
    unknown = text(await stage.ask(STAFF, "/stats 2025 无此议事堂", private))
    assert "没有找到议事堂或乡镇“无此议事堂”" in unknown


async def test_others_are_refused_and_groups_told_to_ask_in_private(stage: Stage) -> None:
    refused = text(await stage.ask(RESIDENT, "/stats 2025", stage.private(RESIDENT)))
    assert refused == "只有工作人员可以这样做。"
    assert "只有工作人员" in text(await stage.ask(RESIDENT, "/summary 2025",
                                             stage.private(RESIDENT)))
    in_group = text(await stage.ask(STAFF, "/stats 2025"))
    assert in_group == "统计数据请在与我的私聊中查看。"
    assert not documents(stage, stage.private(RESIDENT))


async def test_staff_receive_the_summary_as_docx_and_xlsx(stage: Stage) -> None:
    private = stage.private(STAFF)
    stage.say(STAFF, f"/summary 2025 {TOWN}", private)  # files, not a reply

    def both(_: object) -> dict[str, bytes] | None:
        found = documents(stage, private)
        return found if len(found) == 2 else None

    files = await stage.sandbox.wait_for(both, 15)
    assert sorted(files) == [f"办理情况汇总表-2025-{TOWN}.docx", f"办理情况汇总表-2025-{TOWN}.xlsx"]
    expected = await summary(stage.runtime.uow(), by=Actor(1, STAFF, config_admin=True),
                             period=parse_period("2025"), hall=TOWN, now=stage.clock(), tz=TZ)
    items = [line for _, lines in expected.units for line in lines]
    assert items
    docx = Document(io.BytesIO(files[f"办理情况汇总表-2025-{TOWN}.docx"]))
    assert len(docx.tables) == len(expected.units)
    assert sum(len(table.rows) - 1 for table in docx.tables) == len(items)
    sheet = openpyxl.load_workbook(
        io.BytesIO(files[f"办理情况汇总表-2025-{TOWN}.xlsx"])).active
    assert sheet.cell(row=2, column=1).value == "承办单位"
    ids = [sheet.cell(row=r, column=3).value for r in range(3, sheet.max_row)]
    assert sorted(ids) == sorted(f"#{line.record.item_id}" for line in items)
    caption = next(m for m in stage.sandbox.messages(private) if "document" in m)["caption"]
    assert f"{len(expected.units)} 个单位，{len(items)} 件" in caption
    empty = text(await stage.ask(STAFF, "/summary 2023", private))
    assert empty == "全县 2023年没有交办的事项。"
