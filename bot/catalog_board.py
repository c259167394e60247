"""Texts of the group's live board (bot/board.py). Simplified Chinese first, English second
(joined into bot/catalog.py)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "board_title": "📌 议事看板：{topic}",
    "board_live": "📌 实时看板（随会议进程自动更新）",
    "board_no_floor": "🎤 暂无人发言",
    "board_floor": "🎤 正在发言：{name}（{kind}）{turn}",
    "board_limit": "⏱ 限时 {minutes}，{until} 结束",
    "board_warning": "⏳ 最后 {seconds} 秒（{until} 结束）",
    "board_timeup": "⏰ 发言时间已到（{until}），请主持人请下一位",
    "board_present": "👥 已签到 {count} 人 · 会议码 {code}",
    "board_closed": "📌 议事会已结束：{topic}\n感谢各位参与。纪要整理审核后按程序报送。",
}

EN: dict[str, str] = {
    "board_title": "📌 Live board: {topic}",
    "board_live": "📌 Live board (kept up to date as the session goes)",
    "board_no_floor": "🎤 Nobody has the floor",
    "board_floor": "🎤 Speaking: {name} ({kind}){turn}",
    "board_limit": "⏱ Limit {minutes}, ends {until}",
    "board_warning": "⏳ Last {seconds} seconds (ends {until})",
    "board_timeup": "⏰ Time is up ({until}); moderator, call the next speaker",
    "board_present": "👥 Signed in: {count} · code {code}",
    "board_closed": "📌 Session closed: {topic}\nThank you all. The minutes follow once reviewed.",
}
