"""Scenes the use-case tests start from, on the in-memory fakes."""

from __future__ import annotations

from facilitation import floor, record, services
from facilitation.services import Actor
from tests.fakes import FakeClock, FakeUowFactory, SequentialCodes

CHAT = -1001
MOD = Actor(1, "李主席")
A, B = Actor(2, "张三"), Actor(3, "李四")
STAFF = Actor(9, "何静", config_admin=True)


async def held(uow: FakeUowFactory, clock: FakeClock, *, close: bool = True) -> int:
    """A session where 张三 (turn 1) and 李四 (turn 2) each said something, closed."""
    session = await services.open_session(uow(), chat_id=CHAT, topic="停车难", actor=MOD,
                                          now=clock(), new_code=SequentialCodes(),
                                          turn_limit_s=180)
    for actor in (A, B):
        await services.sign_in(uow(), actor=actor, now=clock(), chat_id=CHAT)
    for actor, text in ((A, "建议在小区东门划20个临时停车位。"), (B, "夜里违停太多了。")):
        await record.record_group_text(uow(), chat_id=CHAT, actor=actor, text=text,
                                       now=clock())
    if close:
        await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock())
    assert session.id is not None
    return session.id
