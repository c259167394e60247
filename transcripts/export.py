"""The transcript interchange format (yishitang/schemas/transcript.schema.json): JSON and
Markdown renderings of a session's record."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from facilitation.model import ContributionKind, ParticipantKind
from facilitation.record import SessionRecord
from facilitation.review import turn_needs_review

KIND_ZH = {
    ParticipantKind.MEMBER: "政协委员", ParticipantKind.RESIDENT: "群众代表",
    ParticipantKind.ELDER: "乡贤", ParticipantKind.DEPARTMENT: "部门负责人",
    ParticipantKind.EXPERT: "专家", ParticipantKind.BUSINESS: "企业代表",
    ParticipantKind.OTHER: "其他", ParticipantKind.MODERATOR: "主持人",
    ParticipantKind.STAFF: "工作人员",
}
TURN_ZH = {
    ContributionKind.SPEECH: "发言", ContributionKind.QUESTION: "提问",
    ContributionKind.RESPONSE: "回应", ContributionKind.FOLLOW_UP: "补充",
    ContributionKind.MODERATOR: "主持", ContributionKind.WRITTEN: "书面发言",
    ContributionKind.COMMENT: "插话",
}


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat(timespec="seconds") if value else None


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def to_interchange(record: SessionRecord, tz: ZoneInfo) -> dict[str, Any]:
    s = record.session
    session = _drop_none({
        "topic": s.topic, "hall": s.hall, "moderator": record.moderator_name,
        "started_at": _iso(s.started_at or s.signin_opened_at or s.created_at, tz),
        "ended_at": _iso(s.closed_at, tz), "language": s.language, "code": s.code,
        "status": str(s.status),
    })
    attendance = [_drop_none({
        "name": a.name, "kind": str(a.kind), "sector": a.sector, "unit": a.unit,
        "signed_in_at": _iso(a.signed_in_at, tz), "left_at": _iso(a.left_at, tz),
        "remote": a.remote, "late": a.late, "method": str(a.method),
    }) for a in record.attendance]
    floor = floor_seconds(record)
    utterances = [_drop_none({
        "seq": c.seq, "speaker": c.speaker_name, "turn": str(c.kind),
        "addressed_to": c.addressed_to, "at": _iso(c.at, tz),
        "duration_s": c.duration_s if c.duration_s is not None else floor.get(c.seq),
        "source": str(c.source), "text": c.text,
        "marks": list(c.marks) if c.marks is not None else None,
        "review": True if turn_needs_review(c, record.confirmed) else None,
    }) for c in record.contributions if c.final]
    return {"session": session, "attendance": attendance, "utterances": utterances}


def floor_seconds(record: SessionRecord) -> dict[int, float]:
    """Speaking time of the typed contributions of a turn (by seq): the turn's time on the floor
    (from /next to its end, or the session's close) less its voice notes' own length, shared
    among them. A voice note has its audio's length; a remark off the floor has none."""
    turns = {t.id: t for t in record.turns if t.id is not None}
    typed: dict[int, list[int]] = {}
    voiced: dict[int, float] = {}
    for c in record.contributions:
        if not c.final or c.turn_id not in turns:
            continue
        if c.duration_s is None:
            typed.setdefault(c.turn_id, []).append(c.seq)
        else:
            voiced[c.turn_id] = voiced.get(c.turn_id, 0.0) + c.duration_s
    shares: dict[int, float] = {}
    for turn_id, seqs in typed.items():
        turn = turns[turn_id]
        end = turn.ended_at or record.session.closed_at
        if end is None:
            continue
        held = (end - turn.started_at).total_seconds() - voiced.get(turn_id, 0.0)
        for seq in seqs:
            shares[seq] = round(max(held, 0.0) / len(seqs), 1)
    return shares


def _counts(record: SessionRecord) -> str:
    counts: dict[ParticipantKind, int] = {}
    for a in record.attendance:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    return "，".join(f"{KIND_ZH[k]} {n} 名" for k, n in counts.items())


def to_markdown(record: SessionRecord, tz: ZoneInfo) -> str:
    s = record.session
    start = (s.started_at or s.signin_opened_at or s.created_at).astimezone(tz)
    lines = [f"# {s.topic}：逐字记录", "",
             f"- 时间：{start:%Y年%m月%d日 %H:%M}"
             + (f" 至 {s.closed_at.astimezone(tz):%H:%M}" if s.closed_at else ""),
             f"- 主持人：{record.moderator_name}",
             f"- 出席 {len(record.attendance)} 人：{_counts(record)}", "", "## 签到表", "",
             "| 序号 | 姓名 | 身份 | 界别 | 单位 | 签到时间 | 方式 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for i, a in enumerate(record.attendance, start=1):
        how = "远程" if a.remote else "现场"
        how += "，迟到" if a.late else ""
        how += "，代签" if a.proxy_by else ""
        how += f"，{a.left_at.astimezone(tz):%H:%M} 签退" if a.left_at else ""
        lines.append(f"| {i} | {a.name} | {KIND_ZH[a.kind]} | {a.sector or ''} | "
                     f"{a.unit or ''} | {a.signed_in_at.astimezone(tz):%H:%M:%S} | {how} |")
    lines += ["", "## 逐字记录", ""]
    for c in record.contributions:
        if not c.final:
            continue
        label = TURN_ZH[c.kind] + (f" → {c.addressed_to}" if c.addressed_to else "")
        source = "（语音）" if c.source == "voice" else ""
        text = c.text.replace("\n", "  \n")
        lines.append(f"{c.seq}. **[{c.at.astimezone(tz):%H:%M:%S}] {c.speaker_name}**"
                     f"（{label}）{source}：{text}")
    return "\n".join(lines) + "\n"
