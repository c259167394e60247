"""The demo's participant without Telegram: the phone page (portal/) of the web app that
`yishitang run` serves beside the bot, used over HTTP as a phone's browser would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp


@dataclass
class Phone:
    """One phone's browser (its own cookie) on the phone page of a session code."""

    http: aiohttp.ClientSession
    code: str

    async def _post(self, action: str, form: dict[str, str]) -> str:
        async with self.http.post(f"/j/{self.code}/{action}", data=form) as page:
            html = await page.text()
            if page.status != 200:
                raise RuntimeError(f"the phone page answered {page.status} to {action}")
            return html

    async def sign_in(self, name: str, kind: str, unit: str) -> str:
        return await self._post("signin", {"name": name, "kind": kind, "unit": unit,
                                           "where": "present", "notice": "yes"})

    async def write(self, text: str) -> str:
        return await self._post("written", {"text": text})


@asynccontextmanager
async def phone(base_url: str, code: str) -> AsyncIterator[Phone]:
    # a browser keeps an address's cookie; aiohttp's jar only when told (unsafe)
    async with aiohttp.ClientSession(base_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Phone(http, code)
