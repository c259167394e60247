"""What a hall's minutes are sent as (主送, 抄送, 落款, 编号): who may set it, and the issue
number each approved minutes gets, on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from facilitation import documents
from facilitation.errors import InvalidInput, PermissionDenied
from facilitation.model import HallDocument
from tests.fakes import FakeClock, FakeUowFactory
from tests.services.test_minutes_usecases import CHAT, MOD, STAFF, A, held

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_moderator_and_staff_set_the_hall_document_and_others_may_not(
        uow: FakeUowFactory) -> None:
    await held(uow, FakeClock())
    doc = await documents.set_hall_document(uow(), chat_id=CHAT, actor=MOD, field="to",
                                            values=["县委办公室", "县政府办公室", "县委办公室"])
    assert doc.to == ("县委办公室", "县政府办公室")
    doc = await documents.set_hall_document(uow(), chat_id=CHAT, actor=STAFF, field="issuer",
                                            values=["政协平桥县委员会办公室"])
    assert (doc.to, doc.issuer) == (("县委办公室", "县政府办公室"), "政协平桥县委员会办公室")
    with pytest.raises(PermissionDenied):
        await documents.set_hall_document(uow(), chat_id=CHAT, actor=A, field="cc",
                                          values=["县住建局"])
    with pytest.raises(PermissionDenied):  # no session in that chat: only staff
        await documents.set_hall_document(uow(), chat_id=-7, actor=MOD, field="cc",
                                          values=["县住建局"])
    assert await documents.hall_document(uow(), chat_id=CHAT) == doc


@pytest.mark.parametrize(("field", "values", "error"), [
    ("numbering", ["第几期"], "hall_numbering"),  # no {n}: every minutes the same number
    ("to", [f"单位{i}" for i in range(13)], "too_long"),
    ("issuer", ["很" * 61], "too_long"),
    ("color", ["红"], "usage_hall"),
])
async def test_bad_settings_are_refused(uow: FakeUowFactory, field: str, values: list[str],
                                        error: str) -> None:
    await held(uow, FakeClock())
    with pytest.raises(InvalidInput) as refused:
        await documents.set_hall_document(uow(), chat_id=CHAT, actor=STAFF, field=field,
                                          values=values)
    assert refused.value.code == error


async def test_clearing_goes_back_to_the_default(uow: FakeUowFactory) -> None:
    await held(uow, FakeClock())
    await documents.set_hall_document(uow(), chat_id=CHAT, actor=STAFF, field="numbering",
                                      values=["平桥议事〔{year}〕{n}号"])
    doc = await documents.set_hall_document(uow(), chat_id=CHAT, actor=STAFF,
                                            field="numbering", values=[])
    assert doc.numbering == HallDocument().numbering


def test_the_issue_number_counts_first_approvals_in_the_hall_year() -> None:
    approvals = [(7, datetime(2026, 12, 31, 16, 30, tzinfo=UTC)),  # 2027-01-01 in Shanghai
                 (3, datetime(2026, 11, 2, tzinfo=UTC)), (9, datetime(2027, 3, 1, tzinfo=UTC))]
    approvals.sort(key=lambda x: x[1])
    default = HallDocument()
    assert documents.issue_number(default, approvals, 3, SHANGHAI) == "2026年第1期"
    assert documents.issue_number(default, approvals, 7, SHANGHAI) == "2027年第1期"
    assert documents.issue_number(default, approvals, 9, SHANGHAI) == "2027年第2期"
    assert documents.issue_number(default, approvals, 5, SHANGHAI) is None
    own = HallDocument(numbering="平桥议事〔{year}〕{n}号")
    assert documents.issue_number(own, approvals, 9, SHANGHAI) == "平桥议事〔2027〕2号"


async def test_the_hall_settings_follow_the_group_to_a_supergroup(uow: FakeUowFactory) -> None:
    from facilitation import services

    await held(uow, FakeClock(), close=False)  # the glossary is set during a session
    await documents.set_hall_document(uow(), chat_id=CHAT, actor=STAFF, field="issuer",
                                      values=["政协平桥县委员会办公室"])
    await services.set_hall_glossary(uow(), chat_id=CHAT, actor=MOD, words=["平桥镇"])
    assert await services.move_chat(uow(), old_chat_id=CHAT, new_chat_id=-100777) == 1
    moved = await documents.hall_document(uow(), chat_id=-100777)
    assert moved.issuer == "政协平桥县委员会办公室"
    assert await services.hall_glossary(uow(), chat_id=-100777) == ("平桥镇",)
    assert await documents.hall_document(uow(), chat_id=CHAT) == HallDocument()
