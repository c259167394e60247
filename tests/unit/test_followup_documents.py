"""The follow-up documents rendered from hand-made rows (transcripts/minutes/followup_docx.py,
followup_xlsx.py, figures_tables.py), read back with python-docx, openpyxl and csv."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
from docx import Document

from facilitation.model import HallDocument
from facilitation.tracking import Conversion, ItemKind, ItemStatus, Satisfaction
from facilitation.tracking_counts import Figures
from facilitation.tracking_documents import Cover, CoverMinutes, HeldMinutes, ItemLine, ItemRecord
from facilitation.tracking_documents import Summary as SummaryDoc
from facilitation.tracking_figures import Line, Report, parse_period
from transcripts.minutes import figures_tables
from transcripts.minutes.followup_docx import cover_docx, special_report_docx, summary_docx
from transcripts.minutes.followup_xlsx import summary_xlsx

AT = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
HELD = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
RECORD = ItemRecord(
    item_id=12, chat_id=-100, session_id=3, topic="小区停车难", held_at=HELD,
    kind=ItemKind.SUGGESTION, number=2, text="建议在东门划二十个临时停车位",
    proposers=("张三", "李四"), category="交通", status=ItemStatus.ACCEPTED, unit="县住建局",
    deadline=date(2026, 4, 30),
    conversion=None, reference=None, reply=None, settled_at=None, satisfaction=None)


def _line(record: ItemRecord, **changes: object) -> ItemLine:
    values: dict[str, object] = {"hall": "平桥镇议事堂", "held_on": date(2026, 3, 5),
                                 "overdue": False, "on_time": None, "replied_on": None}
    values.update(changes)
    return ItemLine(record, **values)  # type: ignore[arg-type]


OVERDUE = _line(RECORD, overdue=True)
LATE = _line(replace(RECORD, item_id=13, text="路灯维修", status=ItemStatus.EVALUATED,
                     reply="已更换路灯二十盏。" * 10, settled_at=datetime(2026, 5, 2, tzinfo=UTC),
                     satisfaction=Satisfaction.BASICALLY),
             on_time=False, replied_on=date(2026, 5, 2))
NO_UNIT = _line(replace(RECORD, item_id=14, kind=ItemKind.FOLLOW_UP, text="施划\n停车位",
                        unit=None, deadline=None, status=ItemStatus.REFERRED))
SUMMARY = SummaryDoc(parse_period("2026"), None,
                     (("县住建局", (OVERDUE, LATE)), (None, (NO_UNIT,))), AT, date(2026, 12, 6))


def test_the_summary_docx_has_a_table_per_unit_with_overdue_and_late_marked() -> None:
    doc = Document(io.BytesIO(summary_docx(SUMMARY)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == ["办理情况汇总表", "2026年　全县　截至2026年12月6日",
                         "2 个单位，共 3 件：已答复 1 件（按期 0 件），逾期 1 件。"]
    assert "一、县住建局（2 件）" in texts and "二、（未落实单位）（1 件）" in texts
    first, second = ([[c.text for c in row.cells] for row in t.rows] for t in doc.tables)
    assert first[0] == ["序号", "事项", "来源", "状态", "时限", "办理答复"]
    assert first[1] == ["1", "建议在东门划二十个临时停车位（#12）",
                        "平桥镇议事堂·小区停车难（2026-03-05）", "已接收",
                        "2026-04-30（逾期）", "—"]
    assert first[2][3:5] == ["已评价（基本满意）", "2026-04-30（超期办结）"]
    assert len(first[2][5]) == 60 and first[2][5].endswith("…")
    assert second[1][1] == "施划 停车位（#14）" and second[1][4] == "—"


def test_the_summary_xlsx_has_dates_a_filter_and_totals() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(SUMMARY))).active
    assert sheet.title == "办理情况汇总表" and sheet.freeze_panes == "A3"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == ["县住建局", "县住建局", "（未落实单位）", "合计"]
    assert rows[0][2:5] == ["#12", "意见建议", "建议在东门划二十个临时停车位"]
    assert rows[0][9] == datetime(2026, 4, 30) and rows[0][13] == "是"
    assert rows[1][10] == datetime(2026, 5, 2) and rows[1][12] == "基本满意"
    assert rows[1][14] == "否" and rows[2][3] == "工作事项"
    assert rows[3][4] == "2 个单位，共 3 件：已答复 1 件（按期 0 件），逾期 1 件"
    assert sheet.auto_filter.ref == "A2:O5" and sheet["J3"].number_format == "yyyy-mm-dd"
    assert sheet["A6"].font.b is True


def test_a_text_that_looks_like_a_formula_stays_text_in_the_xlsx() -> None:
    """Item texts and replies are anyone's words: "=..." is never a formula to Excel."""
    record = replace(RECORD, text="=HYPERLINK(\"http://x\",\"点此\")", reply="=1+1",
                     status=ItemStatus.DONE)
    summary = SummaryDoc(parse_period("2026"), None, (("县住建局", (_line(record),)),), AT,
                         date(2026, 12, 6))
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary))).active
    text, reply = sheet["E3"], sheet["L3"]
    assert (text.value, text.data_type) == ("=HYPERLINK(\"http://x\",\"点此\")", "s")
    assert (reply.value, reply.data_type) == ("=1+1", "s")


def test_the_special_report_says_who_proposed_where_and_how_it_is_handled() -> None:
    converted = _line(replace(RECORD, status=ItemStatus.CONVERTED,
                              conversion=Conversion.PROPOSAL, reference="第12号"))
    doc = Document(io.BytesIO(special_report_docx(
        [converted, OVERDUE], as_of=date(2026, 12, 6), created=AT, issue="第3期")))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == ["金点子·好建议", "第3期　2026年12月6日",
                         "现将各议事堂协商中提出的 2 条优秀意见建议（金点子·好建议）报送如下。"]
    assert texts[3] == "一、〔交通〕建议在东门划二十个临时停车位"
    assert texts[4:7] == ["提出人：张三、李四",
                          "来源：平桥镇议事堂“小区停车难”协商（2026年3月5日），意见建议第 2 条",
                          "办理情况：已转化为提案（第12号）"]
    assert texts[-1] == "办理情况：交县住建局办理，已接收"
    assert doc.core_properties.title == "金点子·好建议"


def test_the_cover_lists_minutes_items_and_where_they_go() -> None:
    minutes = HeldMinutes(3, "小区停车难", HELD, 2)
    cover = Cover("平桥镇议事堂", parse_period("2026Q1"),
                  HallDocument(to=("中共平桥镇委员会", "平桥镇人民政府"), cc=("县政协",),
                               issuer="平桥镇议事堂"),
                  (CoverMinutes(minutes, date(2026, 3, 5), "平桥议事〔2026〕1号"),),
                  (OVERDUE, NO_UNIT), AT, date(2026, 12, 6))
    doc = Document(io.BytesIO(cover_docx(cover)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["平桥镇议事堂协商成果报送单", "2026年第一季度"]
    assert [[c.text for c in row.cells] for row in doc.tables[0].rows][1] == [
        "1", "小区停车难", "2026年3月5日", "第2版", "平桥议事〔2026〕1号", "1", "1"]
    assert [c.text for c in doc.tables[1].rows[2].cells][2:] == [
        "工作事项", "施划 停车位", "已交办"]
    assert texts[-4:] == ["平桥镇议事堂", "2026年12月6日",
                          "主送：中共平桥镇委员会、平桥镇人民政府。", "抄送：县政协。"]
    bare = replace(cover, document=HallDocument(), minutes=(), items=())
    texts = [p.text for p in Document(io.BytesIO(cover_docx(bare))).paragraphs]
    assert not any(t.startswith("主送") for t in texts) and texts.count("无") == 2


def test_figures_as_markdown_and_csv() -> None:
    hall = Line("平桥|镇议事堂", Figures(sessions=2, suggestions=3, evaluated=2, satisfied=1),
                town="平桥镇", chat_id=-1)
    report = Report(parse_period("2026-03"), "平桥镇", (hall,),
                    (Line("平桥镇", hall.figures),), Line("平桥镇", hall.figures), AT,
                    date(2026, 12, 6))
    markdown = figures_tables.to_markdown(report)
    assert markdown.startswith("# 2026年3月 平桥镇议事堂工作统计（截至 2026-12-06）")
    row = next(line for line in markdown.splitlines() if line.startswith("| 平桥"))
    assert row.startswith("| 平桥\\|镇议事堂 | 平桥镇 | 2 |") and "| 50.0% |" in row
    assert "| — |" in row  # no reply with a deadline: no on-time rate
    rows = list(csv.DictReader(io.StringIO(figures_tables.to_csv(report))))
    assert [r["层级"] for r in rows] == ["按议事堂", "按乡镇", "汇总"]
    assert rows[0]["满意率"] == "0.5000" and rows[0]["按期办结率"] == ""
    assert rows[0]["名称"] == "平桥|镇议事堂" and rows[1]["乡镇（街道）"] == ""
