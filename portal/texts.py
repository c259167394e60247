"""The web pages' words (zh-CN: the screen is read in the hall)."""

from __future__ import annotations

from facilitation.model import ContributionKind, ParticipantKind, TurnKind

KIND_LABELS = {
    ParticipantKind.MEMBER: "政协委员",
    ParticipantKind.RESIDENT: "群众代表",
    ParticipantKind.ELDER: "乡贤",
    ParticipantKind.DEPARTMENT: "部门",
    ParticipantKind.EXPERT: "专家",
    ParticipantKind.BUSINESS: "企业",
    ParticipantKind.OTHER: "其他",
    ParticipantKind.MODERATOR: "主持人",
    ParticipantKind.STAFF: "工作人员",
}
TURN_LABELS = {
    TurnKind.SPEECH: "发言",
    TurnKind.QUESTION: "提问",
    TurnKind.RESPONSE: "回应",
    TurnKind.FOLLOW_UP: "补充",
}
CAPTION_LABELS = {
    ContributionKind.MODERATOR: "主持人",
    ContributionKind.WRITTEN: "书面发言",
}
STATUS_LABELS = {
    "created": "筹备中",
    "signin_open": "签到中",
    "in_progress": "进行中",
    "closed": "已结束",
}
TRANSCRIBING = "正在转写…"
