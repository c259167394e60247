"""What the use-case tests share: in-memory units of work and a clock they move."""

from __future__ import annotations

import pytest

from tests.fakes import FakeClock, FakeUowFactory


@pytest.fixture
def uow() -> FakeUowFactory:
    return FakeUowFactory()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
