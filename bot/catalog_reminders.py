"""Texts of reminders of deadlines to liaisons and staff: Simplified Chinese first, English
second (joined into bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
    "reminder_head_one": "⏰ 督办提醒：以下事项的办理时限临近或已逾期。",
    "reminder_head": "⏰ 督办提醒：以下 {n} 项事项的办理时限临近或已逾期。",
    "reminder_item": "#{item} {text}",
    "reminder_unit": "承办单位：{unit}",
    "reminder_deadline": "办理时限：{date}（{when}）",
    "reminder_date": "{year}年{month}月{day}日",
    "reminder_left": "还有 {days} 天到期",
    "reminder_left_one": "明天到期",
    "reminder_today": "今天到期",
    "reminder_overdue_one": "已逾期 1 天",
    "reminder_overdue": "已逾期 {days} 天",
    "reminder_source": "来源：{topic}",
    "reminder_no_liaison": "⚠️ {unit}还没有联络员，这条提醒只发给了工作人员。"
                           "请用 /units invite #{unit_id} 邀请一位联络员。",
    "reminder_hint_liaison": "发送 /mine 查看和办理本单位的事项。",
    "reminder_hint_staff": "发送 /track 查看全部督办事项。",
}

EN: dict[str, str] = {
    "reminder_head_one": "⏰ Reminder: this item's deadline is near or past.",
    "reminder_head": "⏰ Reminder: the deadlines of these {n} items are near or past.",
    "reminder_item": "#{item} {text}",
    "reminder_unit": "Unit: {unit}",
    "reminder_deadline": "Deadline: {date} ({when})",
    "reminder_date": "{year}-{month:02d}-{day:02d}",
    "reminder_left": "{days} days left",
    "reminder_left_one": "due tomorrow",
    "reminder_today": "due today",
    "reminder_overdue_one": "1 day overdue",
    "reminder_overdue": "{days} days overdue",
    "reminder_source": "From the session: {topic}",
    "reminder_no_liaison": "⚠️ {unit} has no liaison yet, so only staff got this reminder. "
                           "Invite one with /units invite #{unit_id}.",
    "reminder_hint_liaison": "Send /mine to see and handle your unit's items.",
    "reminder_hint_staff": "Send /track to see every item followed up.",
}
