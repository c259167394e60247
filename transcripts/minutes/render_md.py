"""Minutes as Markdown: 关于{topic}的协商纪要, in the order of the printed document.

一、基本情况  二、协商过程 (responses indented under the question they answer)  三、意见建议
四、协商共识  五、下一步工作 (a table)  关键词, 统计, then 附件一 签到表 and 附件二 逐字记录.
"""

from __future__ import annotations

from datetime import datetime

from transcripts.minutes.display import (
    REVIEW_MARK,
    date_text,
    document_title,
    responsible,
    session_time,
    unsure_turns,
)
from transcripts.minutes.model import KIND_ZH, KINDS, TURN_ZH, Minutes, Proceeding

NONE = "（无）"  # under a heading with nothing to list
ASIDE = {"question": "提问", "response": "回应", "follow_up": "补充", "written": "书面发言",
         "comment": "插话"}


def _cell(text: object) -> str:
    return str(text).replace("|", "｜").replace("\n", " ") if text not in (None, "") else "—"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def _attendance(m: Minutes) -> str:
    h = m.heading
    parts = "、".join(f"{KIND_ZH[k]} {h.attendance_by_kind[k]} 名" for k in KINDS
                     if h.attendance_by_kind.get(k))
    return f"出席 {h.present} 人" + (f"：{parts}" if parts else "")


def basics(m: Minutes) -> list[str]:
    h = m.heading
    lines = ["## 一、基本情况", "", f"- 时间：{session_time(m) or '无'}"]
    place = "，".join(x for x in (h.hall, h.place) if x)
    lines += [f"- 地点：{place}"] if place else []
    lines += [f"- 主持人：{h.moderator}"] if h.moderator else []
    lines.append(f"- {_attendance(m)}")
    lines += [f"- 线上参加：{'、'.join(h.remote)}"] if h.remote else []
    lines += [f"- 缺席：{'、'.join(h.absentees)}"] if h.absentees else []
    return [*lines, ""]


def _speaker(p: Proceeding) -> str:
    who = "，".join(x for x in (KIND_ZH.get(p.kind, p.kind), p.unit) if x)
    aside = ASIDE.get(p.turn, "")
    if p.turn == "question" and p.addressed_to:
        aside = f"向{p.addressed_to}提问"
    return f"**{p.speaker}**（{who}）" + (f"{aside}" if aside else "")


def proceedings(m: Minutes) -> list[str]:
    lines = ["## 二、协商过程", ""]
    said = [p for p in m.proceedings if not p.opening]  # the opening is procedure
    unsure = unsure_turns(m)
    for p in said:
        indent = "  " if p.answers is not None else ""
        mark = REVIEW_MARK if p.seq in unsure else ""
        lines.append(f"{indent}- {_speaker(p)}：{p.summary or '（无实质内容）'}{mark}")
    return [*(lines if said else [*lines, NONE]), ""]


def suggestions(m: Minutes) -> list[str]:
    lines = ["## 三、意见建议", ""]
    for s in m.suggestions:
        category = f"〔{s.category}〕" if s.category else ""
        by = f"（提出人：{'、'.join(s.proposers)}）" if s.proposers else ""
        lines.append(f"{s.number}. {category}{s.text}{by}")
    return [*(lines if m.suggestions else [*lines, NONE]), ""]


def consensus(m: Minutes) -> list[str]:
    lines = ["## 四、协商共识", ""]
    lines += [f"{i}. {c.text}" for i, c in enumerate(m.consensus, 1)] or [NONE]
    return [*lines, ""]


def actions(m: Minutes) -> list[str]:
    rows: list[list[object]] = []
    for i, a in enumerate(m.actions, 1):
        due = a.deadline_text or ""
        if a.deadline is not None:
            due = f"{due}（{a.deadline.isoformat()}）" if due else a.deadline.isoformat()
        rows.append([i, a.text, responsible(a), due])
    body = _table(["序号", "工作事项", "责任单位", "时限"], rows) if rows else [NONE]
    return ["## 五、下一步工作", "", *body, ""]


def keywords_and_statistics(m: Minutes) -> list[str]:
    s = m.statistics
    minutes, seconds = divmod(round(s.seconds), 60)
    lines = [f"**关键词**：{'、'.join(m.keywords) or '无'}", "",
             f"**统计**：{s.speakers} 人发言 {s.turns} 人次（语音 {s.voice_turns}、文字 "
             f"{s.text_turns}），发言时长约 {minutes} 分 {seconds} 秒", ""]
    rows: list[list[object]] = [[x.name, x.turns, f"{x.seconds:g}", x.chars]
                                for x in s.per_speaker]
    table = _table(["发言人", "次数", "时长（秒）", "字数"], rows) if rows else [NONE]
    return [*lines, *table, ""]


def _time(value: datetime | None, fmt: str = "%H:%M") -> str:
    return value.strftime(fmt) if value is not None else ""


def sign_in(m: Minutes) -> list[str]:
    rows: list[list[object]] = []
    for i, a in enumerate(m.transcript.attendance, 1):
        how = ("缺席" if a.absent else "代签" if a.proxy else "线上" if a.remote else "现场")
        how += "（迟到）" if a.late else ""
        rows.append([i, a.name, KIND_ZH.get(a.kind, a.kind), a.sector, a.unit,
                     _time(a.signed_in_at), how, _time(a.left_at)])
    header = ["序号", "姓名", "身份", "界别", "单位", "签到", "方式", "离场"]
    return ["## 附件一：签到表", "", *(_table(header, rows) if rows else [NONE]), ""]


def verbatim(m: Minutes) -> list[str]:
    lines = ["## 附件二：逐字记录", ""]
    unsure = unsure_turns(m)
    for u in m.transcript.utterances:
        stamp = f"[{_time(u.at, '%H:%M:%S')}] " if u.at else ""
        label = TURN_ZH.get(u.turn, u.turn)
        if u.addressed_to:
            label += f" → {u.addressed_to}"
        mark = REVIEW_MARK if u.seq in unsure else ""
        lines += [f"{u.seq}. {stamp}**{u.speaker}**（{label}）：{u.text}{mark}", ""]
    return lines if m.transcript.utterances else [*lines, NONE, ""]


def signature(m: Minutes) -> list[str]:
    """落款 (issuer, date), 整理/审核, 主送/抄送: what an approved document ends with."""
    i = m.issuance
    lines = [x for x in (i.issuer, date_text(i.issued_on) if i.issued_on else None) if x]
    people = "　".join(f"{label}：{name}" for label, name in
                      (("整理", i.compiled_by), ("审核", i.reviewed_by)) if name)
    lines += [people] if people else []
    lines += [f"{label}：{'、'.join(units)}。" for label, units in
              (("主送", i.to), ("抄送", i.cc)) if units]
    return [line for x in lines for line in (x + "  ", "")] if lines else []


def to_markdown(minutes: Minutes) -> str:
    """The document; a draft also carries the working material (发言确认, keywords,
    statistics), an approved version does not."""
    m = minutes
    draft = m.status == "draft"
    status = "（草稿）" if draft else f"（{m.issuance.number}）" if m.issuance.number else ""
    head = [f"# {document_title(m)}", ""] + ([status, ""] if status else [])
    if draft and m.confirmed_by:
        head += [f"发言确认：{'、'.join(m.confirmed_by)}", ""]
    parts = (basics, proceedings, suggestions, consensus, actions,
             *((keywords_and_statistics,) if draft else ()), signature, sign_in, verbatim)
    return "\n".join(head + [line for part in parts for line in part(m)]).rstrip() + "\n"
