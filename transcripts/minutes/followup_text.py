"""The words of the follow-up documents (办理情况汇总表, 专报, 报送单), in Chinese as the
documents are sent: an item's kind, status, conversion and rating, and the totals line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from facilitation.tracking import Conversion, ItemKind, ItemStatus, Satisfaction
from facilitation.tracking_documents import ItemLine, ItemRecord

SUMMARY_TITLE = "办理情况汇总表"
REPORT_TITLE = "金点子·好建议"
NO_UNIT = "（未落实单位）"
COUNTY = "全县"
KIND_ZH = {ItemKind.SUGGESTION: "意见建议", ItemKind.FOLLOW_UP: "工作事项"}
STATUS_ZH = {
    ItemStatus.PENDING: "待处理", ItemStatus.CONVERTED: "已转化", ItemStatus.RESERVED: "留作参考",
    ItemStatus.REFERRED: "已交办", ItemStatus.ACCEPTED: "已接收", ItemStatus.IN_PROGRESS: "办理中",
    ItemStatus.DONE: "已办结", ItemStatus.REOPENED: "再办理", ItemStatus.EVALUATED: "已评价",
    ItemStatus.WITHDRAWN: "已撤销",
}
CONVERSION_ZH = {Conversion.PROPOSAL: "提案", Conversion.OPINION: "社情民意信息",
                 Conversion.REPORT: "专报"}
SATISFACTION_ZH = {Satisfaction.SATISFIED: "满意", Satisfaction.BASICALLY: "基本满意",
                   Satisfaction.UNSATISFIED: "不满意"}


def item_label(kind: ItemKind) -> str:
    return KIND_ZH[kind]


def scope_text(scope: str | None) -> str:
    return scope or COUNTY


def summary_stem(period_label: str, scope: str | None) -> str:
    """The 办理情况汇总表's file name, without its extension (the bot's and the web's)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", f"{SUMMARY_TITLE}-{period_label}-{scope_text(scope)}")


def satisfaction_text(rating: Satisfaction | None) -> str:
    return SATISFACTION_ZH[rating] if rating is not None else ""


def status_text(r: ItemRecord) -> str:
    """已转化（提案，第12号）; 已评价（满意）; 已交办 …"""
    text = STATUS_ZH[r.status]
    if r.status == ItemStatus.CONVERTED and r.conversion is not None:
        return text + f"（{CONVERSION_ZH[r.conversion]}" + (f"，{r.reference}" if r.reference
                                                            else "") + "）"
    if r.status == ItemStatus.EVALUATED and r.satisfaction is not None:
        return text + f"（{SATISFACTION_ZH[r.satisfaction]}）"
    return text


def how_handled(line: ItemLine) -> str:
    """办理情况 in one sentence, for the 专报 and the 报送单."""
    r = line.record
    if r.status == ItemStatus.CONVERTED and r.conversion is not None:
        return f"已转化为{CONVERSION_ZH[r.conversion]}" + (f"（{r.reference}）" if r.reference
                                                          else "")
    if r.status in (ItemStatus.PENDING, ItemStatus.RESERVED):
        return STATUS_ZH[r.status]
    unit = f"交{r.unit}办理，" if r.unit else ""
    return unit + status_text(r)


def summary_totals(units: Sequence[tuple[str | None, Sequence[ItemLine]]]) -> str:
    """4 个单位，共 31 件：已答复 20 件（按期 15 件），逾期 3 件."""
    lines = [line for _, unit_lines in units for line in unit_lines]
    replied = sum(line.replied_on is not None for line in lines)
    on_time = sum(line.on_time is True for line in lines)
    overdue = sum(line.overdue for line in lines)
    return (f"{len(units)} 个单位，共 {len(lines)} 件：已答复 {replied} 件（按期 {on_time} 件），"
            f"逾期 {overdue} 件")
