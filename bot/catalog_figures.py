"""Texts of the hall's figures and the follow-up documents (/stats, yishitang report):
Simplified Chinese first, English second (joined into bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # the command menu of staff
    "cmd_stats": "统计：议事会、意见建议、办结、满意度（/stats 2026Q4 议事堂）",
    "cmd_summary": "办理情况汇总表（DOCX、XLSX）：/summary 2026 议事堂",
    # errors (domain codes)
    "figures_bad_period": "看不懂统计期间“{period}”。可写 2026（全年）、2026Q4（季度）、2026-12（月份）。",
    "figures_hall_unknown": "没有找到议事堂或乡镇“{hall}”。可写议事堂名称（或其中几个字）、乡镇名称或群号。",
    "figures_hall_ambiguous": "“{hall}”可能是几个议事堂：{halls}。请写得更完整些。",
    "report_no_items": "请给出要编入专报的事项号。",
    "report_too_many": "一期专报最多 {limit} 条建议。",
    "report_not_suggestion": "事项 #{item} 不是意见建议，不能编入“金点子·好建议”专报。",
    "report_cover_one_hall": "报送单只能针对一个议事堂，“{hall}”不是一个议事堂。",
    # /stats and /summary
    "stats_private_only": "统计数据请在与我的私聊中查看。",
    "figures_county": "全县",
    "figures_period_year": "{year}年",
    "figures_period_quarter": "{year}年第{quarter}季度",
    "figures_period_month": "{year}年{month}月",
    "figures_no_rate": "—",
    "stats_title": "📊 {scope} · {period}（截至 {as_of}）",
    "stats_sessions": "议事会 {sessions} 场，参会 {people} 人次{kinds}",
    "stats_kinds": "（{kinds}）",
    "stats_kind": "{kind} {n}",
    "stats_items": "意见建议 {suggestions} 条，工作事项 {follow_ups} 项",
    "stats_handling": "转化 {converted} 条（提案 {proposal}、社情民意信息 {opinion}、专报 {report}），交办 {referred} 项，留作参考 {reserved} 条",
    "stats_settled": "已办结 {settled} 项，按期办结 {on_time}/{due}（{on_time_rate}），逾期 {overdue} 项，未办结 {open} 项",
    "stats_satisfaction": "满意度 {rate}（已评价 {evaluated}：满意 {satisfied}、基本满意 {basically}、不满意 {unsatisfied}）",
    "stats_by_town": "按乡镇：",
    "stats_by_hall": "按议事堂：",
    "stats_line": "· {name}：议事会 {sessions} 场，意见建议 {suggestions} 条，办结 {settled} 项，逾期 {overdue} 项，满意度 {rate}",
    "stats_more": "……另有 {n} 个，完整数据：/summary 或 yishitang report",
    "summary_caption": "办理情况汇总表 · {scope} · {period}：{units} 个单位，{items} 件",
    "summary_empty": "{scope} {period}没有交办的事项。",
}

EN: dict[str, str] = {
    # the command menu of staff
    "cmd_stats": "Figures: sessions, suggestions, settled, satisfaction (/stats 2026Q4 hall)",
    "cmd_summary": "Handling summary (DOCX, XLSX): /summary 2026 hall",
    # errors (domain codes)
    "figures_bad_period": "Cannot read the period “{period}”. Write 2026 (a year), 2026Q4 (a quarter) or 2026-12 (a month).",
    "figures_hall_unknown": "No hall or town “{hall}”. Write a hall's name (or part of it), a town's name or the group's id.",
    "figures_hall_ambiguous": "“{hall}” could be several halls: {halls}. Please write more of the name.",
    "report_no_items": "Give the numbers of the items for the report.",
    "report_too_many": "A report holds at most {limit} suggestions.",
    "report_not_suggestion": "Item #{item} is not a suggestion: it cannot go into the “good ideas” report.",
    "report_cover_one_hall": "A cover sheet is for one hall; “{hall}” is not one hall.",
    # /stats and /summary
    "stats_private_only": "Figures are shown in a private chat with me.",
    "figures_county": "the whole county",
    "figures_period_year": "{year}",
    "figures_period_quarter": "Q{quarter} {year}",
    "figures_period_month": "{year}-{month}",
    "figures_no_rate": "—",
    "stats_title": "📊 {scope} · {period} (as of {as_of})",
    "stats_sessions": "{sessions} sessions, {people} sign-ins{kinds}",
    "stats_kinds": " ({kinds})",
    "stats_kind": "{kind} {n}",
    "stats_items": "{suggestions} suggestions, {follow_ups} follow-up items",
    "stats_handling": "{converted} converted (proposals {proposal}, public-opinion reports {opinion}, special reports {report}), {referred} referred, {reserved} kept for reference",
    "stats_settled": "{settled} settled, {on_time}/{due} replied on time ({on_time_rate}), {overdue} overdue, {open} open",
    "stats_satisfaction": "satisfaction {rate} ({evaluated} rated: satisfied {satisfied}, basically {basically}, unsatisfied {unsatisfied})",
    "stats_by_town": "By town:",
    "stats_by_hall": "By hall:",
    "stats_line": "· {name}: {sessions} sessions, {suggestions} suggestions, {settled} settled, {overdue} overdue, satisfaction {rate}",
    "stats_more": "… and {n} more; all figures: /summary or yishitang report",
    "summary_caption": "Handling summary · {scope} · {period}: {units} units, {items} items",
    "summary_empty": "Nothing was referred in {scope}, {period}.",
}
