"""`yishitang report` (XLSX, CSV, Markdown) and `yishitang documents summary|report|cover`
on a real database (SQLite and PostgreSQL) over a generated year: every format is written
and read back (openpyxl, csv, the Markdown tables, python-docx) and holds the figures and
rows the read side computes; mistakes are one line and an exit code."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document

from bench.tracking_data import Generated, Shape, generate, write
from facilitation.audit import Operator
from facilitation.model import HallDocument
from facilitation.tracking import ItemKind, ItemStatus
from facilitation.tracking_counts import Figures
from facilitation.tracking_documents import summary
from facilitation.tracking_figures import Report, parse_period, report_figures
from storage.engine import make_engine
from storage.uow import make_uow_factory
from transcripts.minutes.render_docx import zh_number
from yishitang.cli import main

TZ = ZoneInfo("Asia/Shanghai")
MADE_AT = datetime(2025, 12, 20, 3, 0, tzinfo=UTC)  # every deadline lies in the past
HALL = "石门乡第1议事堂"


async def _cli(*argv: str) -> int:
    """The CLI runs its own event loop: keep it off the test's loop."""
    return await asyncio.to_thread(main, list(argv))


@pytest.fixture
async def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Generated:
    monkeypatch.setenv("YISHITANG_DATABASE_URL", db_url)
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path / "data"))
    engine = make_engine(db_url)
    generated = generate(Shape(halls=10, sessions=4, items=6, people=5, year=2025), TZ,
                         MADE_AT)
    await write(engine, generated)
    chat = next(s.chat_id for s in generated.sessions if s.hall == HALL)
    async with make_uow_factory(engine)() as uow:
        await uow.halls.set_document(chat, HallDocument(
            to=("中共石门乡委员会", "石门乡人民政府"), cc=("县政协办公室",), issuer="石门乡议事堂"))
        await uow.commit()
    await engine.dispose()
    return generated


async def _expected(db_url: str) -> Report:
    engine = make_engine(db_url)
    try:
        return await report_figures(make_uow_factory(engine)(), by=Operator("t"),
                                    period=parse_period("2025"), now=datetime.now(UTC), tz=TZ)
    finally:
        await engine.dispose()


def _counts(f: Figures) -> list[int]:
    return [f.sessions, f.suggestions, f.follow_ups, f.converted, f.referred, f.settled,
            f.settled_on_time, f.overdue, f.evaluated]


COUNTED = ["议事会（场）", "意见建议（条）", "工作事项（项）", "转化合计", "交办", "已办结",
           "按期办结", "逾期", "已评价"]


async def test_report_as_xlsx_has_three_formatted_sheets_with_totals(
        data: Generated, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "figures.xlsx"
    assert await _cli("report", "--period", "2025", "--format", "xlsx", "-o", str(out)) == 0
    expected = await _expected(db_url)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["按议事堂", "按乡镇", "汇总"]
    halls = book["按议事堂"]
    header = [c.value for c in halls[2]]
    assert header[:4] == ["议事堂", "乡镇（街道）", "议事会（场）", "参会（人次）"]
    assert halls["A1"].value.startswith("2025年 全县议事堂工作统计")
    assert halls.freeze_panes == "B3" and halls["C2"].font.b and halls["C2"].fill.fgColor.rgb
    assert halls.column_dimensions["A"].width == 22
    column = {name: header.index(name) for name in [*COUNTED, "满意率"]}
    rows = {r[0].value: r for r in halls.iter_rows(min_row=3)}
    assert set(rows) == {line.name for line in expected.halls} | {"合计"}
    for line in expected.halls:
        row = rows[line.name]
        assert [row[column[c]].value for c in COUNTED] == _counts(line.figures), line.name
        assert row[1].value == line.town
    total = rows["合计"]
    assert [total[column[c]].value for c in COUNTED] == _counts(expected.total.figures)
    assert total[column["满意率"]].value == pytest.approx(expected.total.figures.satisfaction)
    assert total[column["满意率"]].number_format == "0.0%" and total[0].font.b
    assert total[column["逾期"]].number_format == "#,##0"
    towns = {r[0].value: r for r in book["按乡镇"].iter_rows(min_row=3)}
    assert set(towns) == {line.name for line in expected.towns} | {"合计"}
    [county] = list(book["汇总"].iter_rows(min_row=3))
    assert county[0].value == "全县" and county[1].value == 10
    assert [county[column[c]].value for c in COUNTED] == _counts(expected.total.figures)


async def test_report_as_csv_and_markdown(data: Generated, db_url: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "figures.csv"
    assert await _cli("report", "--period", "2025", "--format", "csv", "-o", str(out)) == 0
    expected = await _expected(db_url)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["层级"] for r in rows].count("按议事堂") == len(expected.halls)
    assert [r["层级"] for r in rows].count("按乡镇") == len(expected.towns)
    [county] = [r for r in rows if r["层级"] == "汇总"]
    assert [int(county[c]) for c in COUNTED] == _counts(expected.total.figures)
    assert float(county["满意率"]) == pytest.approx(expected.total.figures.satisfaction, abs=1e-4)

    capsys.readouterr()
    assert await _cli("report", "--period", "2025", "--hall", "石门乡", "--format", "md") == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# 2025年 石门乡议事堂工作统计")
    section = markdown.split("## 汇总")[1].strip().splitlines()
    header, _, values = ([c.strip() for c in line.strip("|").split("|")] for line in section[:3])
    town = next(line for line in expected.towns if line.name == "石门乡")
    assert values[0] == "石门乡"
    assert [int(values[header.index(c)]) for c in COUNTED] == _counts(town.figures)


async def test_mistakes_are_one_line_and_an_exit_code(
        data: Generated, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("report", "--period", "2025", "--format", "xlsx") == 2
    assert "give -o FILE" in capsys.readouterr().err
    assert await _cli("report", "--period", "2025Q5", "--format", "csv") == 1
    assert capsys.readouterr().err.startswith("Cannot read the period “2025Q5”")
    assert await _cli("report", "--hall", "无此议事堂", "--format", "md") == 1
    assert "No hall or town “无此议事堂”" in capsys.readouterr().err
    follow_up = next(i for i in data.items if i.kind == ItemKind.FOLLOW_UP)
    out = tmp_path / "r.docx"
    assert await _cli("documents", "report", str(follow_up.id), "-o", str(out)) == 1
    assert f"Item #{follow_up.id} is not a suggestion" in capsys.readouterr().err
    assert not out.exists()
    assert await _cli("documents", "report", "999999", "-o", str(out)) == 1
    capsys.readouterr()
    # past the database's keys (PostgreSQL would refuse the query): not found, in one line
    assert await _cli("documents", "report", "99999999999", "-o", str(out)) == 1
    assert capsys.readouterr().err.count("\n") == 1


async def test_the_summary_as_docx_and_xlsx_holds_every_referred_item(
        data: Generated, db_url: str, tmp_path: Path) -> None:
    docx_out, xlsx_out = tmp_path / "summary.docx", tmp_path / "summary.xlsx"
    assert await _cli("documents", "summary", "--period", "2025", "-o", str(docx_out)) == 0
    assert await _cli("documents", "summary", "--period", "2025", "--format", "xlsx",
                      "-o", str(xlsx_out)) == 0
    engine = make_engine(db_url)
    expected = await summary(make_uow_factory(engine)(), by=Operator("t"),
                             period=parse_period("2025"), now=datetime.now(UTC), tz=TZ)
    await engine.dispose()
    lines = [line for _, unit_lines in expected.units for line in unit_lines]
    assert lines and all(line.record.status not in (ItemStatus.PENDING, ItemStatus.WITHDRAWN,
                                                   ItemStatus.CONVERTED, ItemStatus.RESERVED)
                         for line in lines)
    doc = Document(str(docx_out))
    assert doc.paragraphs[0].text == "办理情况汇总表"
    headings = [p.text for p in doc.paragraphs if p.style is not None
                and p.style.name == "纪要一级标题"]
    assert headings == [f"{zh_number(n)}、{unit or '（未落实单位）'}（{len(unit_lines)} 件）"
                        for n, (unit, unit_lines) in enumerate(expected.units, 1)]
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows[1:]]
    assert [c[1] for c in cells] == [f"{line.record.text}（#{line.record.item_id}）"
                                     for line in lines]
    overdue = [c for c, line in zip(cells, lines, strict=True) if line.overdue]
    assert overdue and all(c[4].endswith("（逾期）") for c in overdue)
    sheet = openpyxl.load_workbook(xlsx_out).active
    ids = [sheet.cell(row=r, column=3).value for r in range(3, sheet.max_row)]
    assert ids == [f"#{line.record.item_id}" for line in lines]
    assert sheet.cell(row=sheet.max_row, column=1).value == "合计"
    assert sheet.cell(row=3, column=10).number_format == "yyyy-mm-dd"


async def test_the_special_report_and_the_cover(data: Generated, tmp_path: Path) -> None:
    chosen = [i for i in data.items if i.kind == ItemKind.SUGGESTION
              and i.status != ItemStatus.WITHDRAWN][:3][::-1]
    out = tmp_path / "report.docx"
    assert await _cli("documents", "report", *(str(i.id) for i in chosen), "--issue", "第3期",
                      "-o", str(out)) == 0
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["金点子·好建议", f"第3期　{texts[1].split('　')[1]}"]
    headings = [p.text for p in doc.paragraphs if p.style is not None
                and p.style.name == "纪要一级标题"]
    assert headings == [f"{n}、{i.text}" for n, i in zip("一二三", chosen, strict=True)]
    assert sum(t.startswith("提出人：") for t in texts) == 3

    cover = tmp_path / "cover.docx"
    assert await _cli("documents", "cover", "--hall", HALL, "--period", "2025",
                      "-o", str(cover)) == 0
    doc = Document(str(cover))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"{HALL}协商成果报送单"
    assert "主送：中共石门乡委员会、石门乡人民政府。" in texts and "抄送：县政协办公室。" in texts
    assert "石门乡议事堂" in texts
    chat = next(s.chat_id for s in data.sessions if s.hall == HALL)
    held = [s for s in data.sessions if s.chat_id == chat and s.id in {v[0] for v in
            data.versions} and (s.started_at or s.signin_opened_at)
            and (s.started_at or s.signin_opened_at).astimezone(TZ).year == 2025]
    minutes = doc.tables[0]
    assert len(minutes.rows) - 1 == len(held)
    assert [row.cells[1].text for row in minutes.rows[1:]] == [s.topic for s in held]
    assert minutes.rows[1].cells[4].text == "2025年第1期"
    items = doc.tables[1]
    assert len(items.rows) - 1 == sum(1 for i in data.items if i.session_id in
                                      {s.id for s in held} and i.status != ItemStatus.WITHDRAWN)
