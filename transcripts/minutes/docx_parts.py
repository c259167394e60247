"""Parts of the DOCX minutes: 二、协商过程 (responses right after their question), 统计
(statistics, after 关键词) and the two annexes, 附件1 签到表 and 附件2 逐字记录. They write
through the document writer of render_docx.py (:class:`Writer`), in the styles it sets up."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Protocol

from docx.text.paragraph import Paragraph

from transcripts.minutes.display import REVIEW_MARK, unsure_turns
from transcripts.minutes.model import KIND_ZH, TURN_ZH, Attendee, Minutes, Proceeding, Statistics

NONE = "无"
# The Markdown's columns, and 签名 for signing a printed sheet
SIGN_IN_HEADER = ("序号", "姓名", "身份", "界别", "单位", "签到", "方式", "离场", "签名")
SIGN_IN_WIDTHS = (1.0, 1.6, 1.8, 1.6, 3.3, 1.3, 1.6, 1.3, 2.1)  # cm; the text block is 15.6 cm
TURN_LABEL = {"question": "提问", "response": "回应", "follow_up": "补充", "written": "书面发言",
              "comment": "插话"}
STATISTICS_HEADER = ("姓名", "发言次数", "时长")
STATISTICS_WIDTHS = (6.0, 4.8, 4.8)


class Writer(Protocol):
    def para(self, text: str = "", style: str = "Normal", *, lead: str = "") -> Paragraph: ...

    def table(self, header: Sequence[str], widths: Sequence[float],
              rows: Sequence[Sequence[str]]) -> None: ...


def ordered(proceedings: Sequence[Proceeding]) -> list[Proceeding]:
    """Turns in order, each response moved right after the question it answers."""
    seqs = {p.seq for p in proceedings}
    replies: dict[int | None, list[Proceeding]] = {}
    for p in proceedings:
        root = p.answers not in seqs or p.answers == p.seq
        replies.setdefault(None if root else p.answers, []).append(p)
    placed: dict[int, Proceeding] = {}

    def place(p: Proceeding) -> None:
        if p.seq not in placed:
            placed[p.seq] = p
            for reply in replies.get(p.seq, ()):
                place(reply)

    for p in chain(replies.get(None, ()), proceedings):  # then replies caught in a cycle
        place(p)
    return list(placed.values())


def proceedings(w: Writer, minutes: Minutes) -> None:
    """Each turn: speaker (kind, unit), the kind of turn, and its summary; in a draft, who has
    confirmed their turns (发言确认), which is working material, not part of what is sent."""
    draft = minutes.status == "draft"
    confirmed = set(minutes.confirmed_by) if draft else set()
    unsure = unsure_turns(minutes)
    said = [p for p in minutes.proceedings if not p.opening]  # the opening is procedure
    for p in ordered(said):
        who = KIND_ZH.get(p.kind, p.kind) + (f"，{p.unit}" if p.unit else "")
        label = TURN_LABEL.get(p.turn, "")
        if p.turn == "question" and p.addressed_to:
            label = f"向{p.addressed_to}提问"
        reply = p.turn == "response" and p.answers is not None
        lead = f"{p.speaker}（{who}）{label}："
        para = w.para(p.summary, "纪要回应" if reply else "Normal", lead=lead)
        if p.seq in unsure:
            para.add_run(REVIEW_MARK)
        if confirmed:
            para.add_run("（✓ 已确认）" if p.speaker in confirmed else "（未确认）")
    if not said:
        w.para(NONE)


def clock(seconds: float) -> str:
    """Speaking time as mm:ss (75:03 past an hour)."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:02d}:{rest:02d}"


def duration(seconds: float) -> str:
    """1小时2分5秒, 29分40秒, 0分0秒."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, rest = divmod(rest, 60)
    return (f"{hours}小时" if hours else "") + f"{minutes}分{rest}秒"


def statistics_line(s: Statistics) -> str:
    """发言 19 人次、14 人，语音 17 条、文字 2 条，总时长约 29分40秒 (无 when nobody spoke)."""
    if not s.turns:
        return NONE
    return (f"发言 {s.turns} 人次、{s.speakers} 人，语音 {s.voice_turns} 条、文字 "
            f"{s.text_turns} 条，总时长约 {duration(s.seconds)}")


def statistics(w: Writer, minutes: Minutes) -> None:
    """统计: one line of totals, then a table of each speaker's turns and speaking time."""
    s = minutes.statistics
    w.para(statistics_line(s), lead="统计：")
    if s.per_speaker:
        w.table(STATISTICS_HEADER, STATISTICS_WIDTHS,
                [(x.name, str(x.turns), clock(x.seconds)) for x in s.per_speaker])


def _sign_in_row(number: int, a: Attendee) -> tuple[str, ...]:
    """The same cells as the Markdown's sign-in table, and an empty 签名 cell."""
    how = "缺席" if a.absent else "代签" if a.proxy else "线上" if a.remote else "现场"
    how += "（迟到）" if a.late else ""
    return (str(number), a.name, KIND_ZH.get(a.kind, a.kind), a.sector or "—", a.unit or "—",
            f"{a.signed_in_at:%H:%M}" if a.signed_in_at else "—", how,
            f"{a.left_at:%H:%M}" if a.left_at else "—", "")


def sign_in_annex(w: Writer, minutes: Minutes) -> None:
    w.para("附件1", "纪要附件")
    w.para("签到表", "纪要标题")
    w.table(SIGN_IN_HEADER, SIGN_IN_WIDTHS,
            [_sign_in_row(i, a) for i, a in enumerate(minutes.transcript.attendance, 1)])


def transcript_annex(w: Writer, minutes: Minutes) -> None:
    """Every turn as a paragraph (a table would cost far more per cell)."""
    w.para("附件2", "纪要附件")
    w.para("逐字记录", "纪要标题")
    unsure = unsure_turns(minutes)
    for u in minutes.transcript.utterances:
        stamp = f"[{u.at:%H:%M:%S}] " if u.at is not None else ""
        turn = TURN_ZH.get(u.turn, u.turn)
        para = w.para(u.text, "纪要逐字记录", lead=f"{stamp}{u.speaker}（{turn}）：")
        if u.seq in unsure:
            para.add_run(REVIEW_MARK)
    if not minutes.transcript.utterances:
        w.para(NONE, "纪要逐字记录")
