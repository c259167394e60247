"""Words users type for kinds and turns, in both languages."""

from __future__ import annotations

from facilitation.errors import InvalidInput
from facilitation.model import ParticipantKind, TurnKind

KIND_WORDS: dict[str, ParticipantKind] = {
    "member": ParticipantKind.MEMBER, "委员": ParticipantKind.MEMBER,
    "政协委员": ParticipantKind.MEMBER,
    "resident": ParticipantKind.RESIDENT, "群众代表": ParticipantKind.RESIDENT,
    "群众": ParticipantKind.RESIDENT, "居民": ParticipantKind.RESIDENT,
    "elder": ParticipantKind.ELDER, "乡贤": ParticipantKind.ELDER,
    "department": ParticipantKind.DEPARTMENT, "部门": ParticipantKind.DEPARTMENT,
    "部门负责人": ParticipantKind.DEPARTMENT,
    "expert": ParticipantKind.EXPERT, "专家": ParticipantKind.EXPERT,
    "business": ParticipantKind.BUSINESS, "企业": ParticipantKind.BUSINESS,
    "企业代表": ParticipantKind.BUSINESS,
    "other": ParticipantKind.OTHER, "其他": ParticipantKind.OTHER,
}

TURN_WORDS: dict[str, TurnKind] = {
    "speech": TurnKind.SPEECH, "speak": TurnKind.SPEECH, "发言": TurnKind.SPEECH,
    "question": TurnKind.QUESTION, "ask": TurnKind.QUESTION, "提问": TurnKind.QUESTION,
    "问": TurnKind.QUESTION,
    "response": TurnKind.RESPONSE, "respond": TurnKind.RESPONSE, "回应": TurnKind.RESPONSE,
    "答复": TurnKind.RESPONSE,
    "follow_up": TurnKind.FOLLOW_UP, "followup": TurnKind.FOLLOW_UP,
    "follow-up": TurnKind.FOLLOW_UP, "补充": TurnKind.FOLLOW_UP,
}

REMOTE_WORDS = frozenset({"remote", "远程", "线上", "online"})
EMPTY_WORDS = frozenset({"-", "—", "无", "none"})


def parse_kind(word: str) -> ParticipantKind:
    kind = KIND_WORDS.get(word.strip().lower())
    if kind is None:
        raise InvalidInput("bad_kind", kind=word)
    return kind


def parse_hand(args: list[str]) -> tuple[TurnKind, str | None]:
    """'/hand', '/hand 提问 县交通局', '/hand question Transport Bureau'."""
    if not args:
        return TurnKind.SPEECH, None
    kind = TURN_WORDS.get(args[0].lower())
    if kind is None:
        raise InvalidInput("usage_hand")
    return kind, " ".join(args[1:]) or None


def optional(word: str | None) -> str | None:
    if word is None or word.strip().lower() in EMPTY_WORDS:
        return None
    return word
