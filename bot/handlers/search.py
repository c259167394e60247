"""/search: find what was said, in this group's sessions or, in private, in one's own (staff:
in every hall's)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from bot.catalog import t
from bot.common import Context, actor_of, lang, place_of, reply
from facilitation import access
from facilitation.ports import SearchHit


async def search(update: Update, context: Context) -> None:
    language = lang(update, context)
    query = " ".join(context.args or [])
    if not query.strip():
        await reply(update, t(language, "search_usage"))
        return
    hits = await access.search(context.deps.uow(), actor_of(update, context), place_of(update),
                               query)
    await reply(update, render(language, query, hits, ZoneInfo(context.deps.timezone)))


def render(language: str, query: str, hits: list[SearchHit], tz: ZoneInfo) -> str:
    """The hits grouped by session, in the order of each session's best hit."""
    if not hits:
        return t(language, "search_none", query=query)
    sessions: dict[int, list[SearchHit]] = {}
    for hit in hits:
        sessions.setdefault(hit.session_id, []).append(hit)
    lines = [t(language, "search_found", query=query, count=len(hits))]
    for found in sessions.values():
        day = found[0].session_at.astimezone(tz)
        date = t(language, "search_date", year=day.year, month=day.month, day=day.day)
        topic_hit = any(hit.seq is None for hit in found)
        lines += ["", t(language, "search_session", topic=found[0].topic, date=date)
                  + (t(language, "search_topic_hit") if topic_hit else "")]
        lines += [t(language, "search_hit", seq=hit.seq, name=hit.speaker, snippet=hit.snippet)
                  for hit in found if hit.seq is not None]  # a topic hit is its heading
    return "\n".join(lines)
