"""Simulated phones for bench/web_phone.py, in a process of their own (their CPU is not the
web app's event loop; they still share the machine's cores).

``python -m bench.phones URL CODE COUNT --mode write|read|bare`` starts COUNT phones at once
(``--spread S``: evenly over S seconds instead), each an aiohttp ClientSession with its own
cookie jar (a browser's), and prints one JSON line:
per phone its requests (what, status, seconds), its round trip and the queue place its page
showed. Modes:

- write: POST /j/CODE/signin (303 and the yst_web cookie), POST /j/CODE/hand (303),
  GET /j/CODE (200, "您在发言队列第 N 位"): the phone page's sign-in -> queue round trip;
- read: GET /j/CODE three times (the sign-in form): the same number of requests, read-only;
- bare: GET URL three times (a bare aiohttp handler of the same page's size).

Redirects are not followed: the round trip is the three requests the benchmark names.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp

COOKIE = "yst_web"
PLACE = re.compile(r"您在发言队列第 (\d+) 位")
TIMEOUT = aiohttp.ClientTimeout(total=60)


def sign_in_form(i: int) -> dict[str, str]:
    return {"name": f"居民{i + 1}", "kind": "resident", "unit": f"{i % 12 + 1}号楼",
            "where": "present", "notice": "yes"}


@dataclass
class Phone:
    index: int
    requests: list[tuple[str, int, float]] = field(default_factory=list)  # what, status, s
    round_trip_s: float | None = None  # None: did not get through
    position: int | None = None
    error: str | None = None

    async def call(self, http: aiohttp.ClientSession, what: str, method: str, url: str,
                   expect: int, data: dict[str, str] | None = None) -> str | None:
        """The body when the answer is ``expect``; None (and the error noted) otherwise."""
        began = time.perf_counter()
        try:
            async with http.request(method, url, data=data, allow_redirects=False) as answer:
                body = await answer.text()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.requests.append((what, 0, time.perf_counter() - began))
            self.error = f"{what}: {type(exc).__name__}"
            return None
        self.requests.append((what, status, time.perf_counter() - began))
        if status != expect:
            self.error = f"{what}: HTTP {status}"
            return None
        return body


async def write(phone: Phone, http: aiohttp.ClientSession, code: str) -> None:
    began = time.perf_counter()
    if await phone.call(http, "signin", "POST", f"/j/{code}/signin", 303,
                        sign_in_form(phone.index)) is None:
        return
    if not any(c.key == COOKIE for c in http.cookie_jar):
        phone.error = "signin: no cookie"
        return
    if await phone.call(http, "hand", "POST", f"/j/{code}/hand", 303,
                        {"kind": "speech"}) is None:
        return
    page = await phone.call(http, "page", "GET", f"/j/{code}", 200)
    if page is None:
        return
    phone.round_trip_s = time.perf_counter() - began
    found = PLACE.search(page)
    if found is None:
        phone.error = "page: no place in the queue"
        return
    phone.position = int(found.group(1))


async def read(phone: Phone, http: aiohttp.ClientSession, path: str) -> None:
    began = time.perf_counter()
    for _ in range(3):
        if await phone.call(http, "get", "GET", path, 200) is None:
            return
    phone.round_trip_s = time.perf_counter() - began


async def start(phone: Phone, http: aiohttp.ClientSession, code: str, mode: str,
                delay_s: float) -> None:
    if delay_s > 0:
        await asyncio.sleep(delay_s)  # pacing the arrivals (--spread), not a synchronisation
    path = "/" if mode == "bare" else f"/j/{code}"
    await (write(phone, http, code) if mode == "write" else read(phone, http, path))


async def run(url: str, code: str, count: int, mode: str,
              spread_s: float = 0.0) -> dict[str, Any]:
    # each phone its own session, cookie jar and connection (kept alive between its requests)
    sessions = [aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True),
                                      timeout=TIMEOUT) for _ in range(count)]
    phones = [Phone(i) for i in range(count)]
    try:
        cpu, began = time.process_time(), time.perf_counter()
        await asyncio.gather(*(start(p, s, code, mode, p.index * spread_s / count)
                               for p, s in zip(phones, sessions, strict=True)))
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return {"mode": mode, "phones": [asdict(p) for p in phones], "elapsed_s": elapsed,
            "client_cpu_s": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.phones")
    parser.add_argument("url")
    parser.add_argument("code")
    parser.add_argument("count", type=int)
    parser.add_argument("--mode", choices=("write", "read", "bare"), default="write")
    parser.add_argument("--spread", type=float, default=0.0)
    args = parser.parse_args()
    result = asyncio.run(run(args.url, args.code, args.count, args.mode, args.spread))
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
