"""What the use-case tests share: in-memory units of work and a clock they move."""

from __future__ import annotations

import pytest

from tests.fakes import FakeClock, FakeUowFactory
from tests.services.tracking_fakes import FakeTrackingUowFactory


@pytest.fixture
def uow() -> FakeUowFactory:
    return FakeUowFactory()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tracking() -> FakeTrackingUowFactory:
    return FakeTrackingUowFactory()
