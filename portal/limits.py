"""Rate limits of the web's writes (the phone page, the console): a token bucket per key,
in memory. It protects the process, not a rule of the session (those are in the database);
a restart forgets it. A hall's phones often share one public address (the hall's Wi-Fi), so
the per-address limit is generous and the per-participant one strict."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Buckets:
    rate: float  # tokens per second
    burst: float
    clock: Callable[[], float] = time.monotonic
    most: int = 50_000  # keys kept; the oldest go first
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        now = self.clock()
        tokens, then = self._state.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        allowed = tokens >= 1.0
        self._state[key] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._state) > self.most:
            del self._state[next(iter(self._state))]
        return allowed


@dataclass
class WebLimits:
    # one participant: a sign-in, a hand, a submission every few seconds at most
    person: Buckets = field(default_factory=lambda: Buckets(rate=0.5, burst=10))
    # one address: a whole hall signing in at once behind one router
    address: Buckets = field(default_factory=lambda: Buckets(rate=50, burst=400))
    # sign-ins of new browsers (each a new person) from one address: a hall's worth at once,
    # then a few a second, however many made-up requests a script sends
    newcomers: Buckets = field(default_factory=lambda: Buckets(rate=5, burst=250))

    def allow(self, address: str, person: str | None, *, newcomer: bool = False) -> bool:
        if newcomer and not self.newcomers.allow(address):
            return False
        return self.address.allow(address) and (person is None or self.person.allow(person))
