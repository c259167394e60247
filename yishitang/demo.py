"""`yishitang demo`: a whole roundtable, scripted, through the sandbox with the real bot."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.common import deps_of
from bot.sandbox.models import ApiCall
from facilitation import tracking_documents as documents
from facilitation.audit import Operator
from facilitation.record import SessionRecord, load_record
from facilitation.tracking import ItemKind
from facilitation.tracking_figures import report_figures, this_year
from transcripts.export import to_interchange, to_markdown
from transcripts.minutes import followup_docx, followup_xlsx
from transcripts.minutes.drafts import approved_minutes, load_draft
from transcripts.minutes.public import public_version
from transcripts.minutes.render_docx import to_docx_bytes
from transcripts.minutes.render_json import to_json
from transcripts.minutes.render_md import to_markdown as to_markdown_minutes
from yishitang.demo_web import Phone, phone
from yishitang.settings import Settings
from yishitang.stage import Stage, free_port, staged

# The topic is also Whisper's prompt: naming 限购, 公积金 and 房企 is what gets the clips'
# words right (see demo_audio/README.md).
TOPIC = "三四线城市楼市去库存与刚需购房：限购调整、公积金支持、房企让利"
HALL = "平桥县民生议事堂"
MODERATOR = "李主席"
STAFF = "陈秘书"  # 县政协办公室: the one staff member (YISHITANG_STAFF_USER_IDS)
STAFF_ID = 1_900_000_001
PROFILES = {
    "张大妈": "群众代表 - 城关社区",
    "王建国": "部门 - 县住建局",
    "刘芳": "委员 经济界 平桥县工商联",
    "赵工": "专家 - 市城乡规划设计研究院",
    "孙总": "企业 - 平桥置业有限公司",
    "吴女士": "群众代表 - 东头村",
}

class Narrator:
    """Prints what people do and every message the bot sends, as it happens."""

    def __init__(self, stage: Stage, quiet: bool) -> None:
        self.stage, self.quiet = stage, quiet
        self.seen: set[tuple[int, int, int | None]] = set()
        self.shown: set[tuple[int, int]] = set()

    def act(self, name: str, text: str, where: str = "") -> None:
        if not self.quiet:
            print(f"\n👤 {name}{where}: {text}")

    def bot_messages(self, chats: Iterable[int], edited: bool = False) -> None:
        """Print new bot messages (and, with ``edited``, ones changed since shown)."""
        for chat_id in chats:
            for message in self.stage.sandbox.messages(chat_id):
                key = (chat_id, message["message_id"], message.get("edit_date"))
                if key in self.seen or (not edited and key[:2] in self.shown):
                    continue
                self.seen.add(key)
                self.shown.add(key[:2])
                body = message.get("text") or message.get("caption") or ""
                if "photo" in message:
                    body = f"[二维码图片] {body}"
                if "document" in message:
                    body = f"[文件 {message['document'].get('file_name')}] {body}"
                where = "" if chat_id == self._group_id else " (私聊)"
                if not self.quiet:
                    print("🤖" + where + ": " + body.replace("\n", "\n   "))

    @property
    def _group_id(self) -> int:
        assert self.stage.group is not None
        return self.stage.group.id

DOCUMENT = ("主送 中共平桥县委办公室 平桥县人民政府办公室",
            "抄送 县住建局 县自然资源局 县住房公积金管理中心",
            "落款 政协平桥县委员会办公室", "编号 平桥议事〔{year}〕{n}号")
TITLE = "关于推进县城楼市去库存和满足刚需购房的协商纪要"

async def _step(stage: Stage, narrator: Narrator, name: str, text: str,
                private: bool = False) -> dict[str, Any]:
    chat = stage.private(name) if private else None
    narrator.act(name, text, " (私聊)" if private else "")
    sent = stage.say(name, text, chat)
    await stage.settled()
    narrator.bot_messages(_chats(stage))
    return sent


def _chats(stage: Stage) -> list[int]:
    assert stage.group is not None
    return [stage.group.id] + [u.id for u in stage.people.values()]


VOICES = Path(__file__).with_name("demo_audio")


async def _voice(stage: Stage, n: Narrator, name: str, clip: str, seconds: int,
                 private: bool = False) -> None:
    """``name`` sends a real Mandarin clip as a voice message; Whisper transcribes it here."""
    chat = stage.private(name) if private else stage.group
    assert chat is not None
    n.act(name, f"[语音 {seconds} 秒: {clip}]", " (私聊)" if private else "")
    data = await asyncio.to_thread((VOICES / clip).read_bytes)
    before = stage.runtime.scribe.done
    stage.sandbox.send_voice(stage.person(name), chat, data, seconds)
    await stage.settled()
    n.bot_messages(_chats(stage))
    await asyncio.wait_for(stage.runtime.scribe.wait_done(before + 1), 120)
    n.bot_messages(_chats(stage), edited=True)


async def _press(stage: Stage, narrator: Narrator, name: str, message: dict[str, Any],
                 data: str, label: str) -> None:
    narrator.act(name, f"[点按钮 {label}]")
    answer = await stage.press(name, message, data)
    await stage.settled()
    if answer and not narrator.quiet:
        print(f"🤖 (按钮提示): {answer}")
    narrator.bot_messages(_chats(stage))


def _panel(stage: Stage) -> dict[str, Any]:
    assert stage.group is not None
    return next(m for m in stage.sandbox.messages(stage.group.id)
                if "会议码" in (m.get("text") or ""))


WEB_GUEST = "周大姐"  # no Telegram: the phone page (what the room's QR code opens)


async def _on_phone(stage: Stage, n: Narrator, action: str, run: Awaitable[str],
                    relayed: str | None = None) -> None:
    n.act(WEB_GUEST, action, " (手机网页)")
    await run
    if relayed is not None:  # the bot tells the group what was done on the web
        assert stage.group is not None
        await stage.sandbox.wait_for_message(stage.group, contains=relayed, timeout=10)
    await stage.settled()
    n.bot_messages(_chats(stage))


async def _script(stage: Stage, n: Narrator) -> None:
    stage.open_group(HALL, [MODERATOR, *PROFILES])
    for name, profile in PROFILES.items():
        await _step(stage, n, name, f"/profile {name} {profile}", private=True)
    await _step(stage, n, MODERATOR, "/start", private=True)
    await _step(stage, n, MODERATOR, f"/new {TOPIC}")
    for setting in DOCUMENT:  # what the hall's minutes are sent as, said once
        await _step(stage, n, MODERATOR, f"/hall {setting}")
    await _step(stage, n, MODERATOR, "/qrcode")
    panel = _panel(stage)
    code = (panel["text"].split("会议码：", 1)[1]).split()[0]
    await _step(stage, n, "张大妈", "/signin")
    await _step(stage, n, "王建国", "/signin")
    await _step(stage, n, "赵工", "/signin")
    await _press(stage, n, "孙总", panel, "signin", "✅ 签到")
    await _step(stage, n, "刘芳", f"/start {code}", private=True)
    await _step(stage, n, "吴女士", f"/start {code}_r", private=True)
    await _step(stage, n, MODERATOR, "/proxy 陈老伯 乡贤 东头村")
    async with phone(stage.runtime.settings.web_url, code) as browser:
        await _on_phone(stage, n, "[扫码打开签到页，签到：群众代表，西头村]",
                        browser.sign_in(WEB_GUEST, "resident", "西头村"))
        await _script_floor(stage, n, panel, browser)


async def _script_floor(stage: Stage, n: Narrator, panel: dict[str, Any],
                        browser: Phone) -> None:
    notice = next(m for m in reversed(stage.sandbox.messages(_chats(stage)[0]))
                  if "请知悉" in (m.get("text") or ""))
    await _press(stage, n, "孙总", notice, "notice", "✅ 我知道了")
    await _step(stage, n, MODERATOR, "各位好，今天围绕县城楼市去库存和刚需购房协商，重点谈"
                "限购调整、公积金支持和房企让利，请大家举手发言，每人三分钟。")
    await _step(stage, n, "张大妈", "/hand 提问 县住建局")
    await _step(stage, n, "赵工", "/hand")
    await _step(stage, n, "王建国", "/hand 回应")
    await _press(stage, n, "刘芳", panel, "hand:speech", "✋ 举手发言")
    await _step(stage, n, MODERATOR, "/queue")
    await _step(stage, n, MODERATOR, "/next")
    await _step(stage, n, "张大妈", "我儿子儿媳都在县城上班，户口还在外县，想买套两居室，"
                                    "可县里限购，外地户口买不了；公积金能贷的也不多，首付凑不齐。"
                                    "请问住建局，限购什么时候能调整？")
    await _step(stage, n, MODERATOR, "/next")
    await _step(stage, n, "王建国", "感谢张大妈的提问。目前全县商品住房库存约4200套，去化周期"
                                    "接近20个月，限购确实该调整了。我们两个月内拟定放开外地户籍"
                                    "职工首套房限购的方案报县政府。在县城就业、缴纳社保满一年的，"
                                    "就可以买首套房。")
    await _step(stage, n, MODERATOR, "/next")
    await _voice(stage, n, "赵工", "oversupply.ogg", 5)
    proposal = await _step(stage, n, "赵工", "建议按片区测算商品住房去化周期，超过18个月的片区"
                                             "暂停新增住宅用地供应，先消化存量，三个月内完成测算。")
    await _mark(stage, n, proposal, "s")
    await _voice(stage, n, "孙总", "big-cities.ogg", 4)
    await _step(stage, n, "孙总", "但县城的压力更大，我们在售项目去化周期已经超过30个月。"
                                  "房企愿意拿出200套现房让利参加团购。")
    await _timers(stage, n)
    await _step(stage, n, "赵工", "/done")
    await _step(stage, n, MODERATOR, "/next")
    await _voice(stage, n, "刘芳", "slowdown.ogg", 7)
    await _step(stage, n, "刘芳", "县城楼市也要从卖房子转向留住人。希望县里出台人才购房补贴，"
                                  "对新引进人才和进城务工人员购买首套房每平方米补贴200元。")
    await _step(stage, n, "吴女士", "书面建议：公积金首付比例降低的政策尽快在县里落地，"
                                    "并允许进城务工的农民自愿缴存公积金。", private=True)
    await _voice(stage, n, "吴女士", "provident-fund.ogg", 8, private=True)
    await _on_phone(stage, n, "[书面发言] 西头村离县城远，建议团购活动安排看房班车。",
                    browser.write("西头村离县城远，建议团购活动安排看房班车。"), relayed="看房班车")
    closing = await _step(
        stage, n, MODERATOR, "好，我来小结一下。大家形成了三点共识：一是县城楼市去库存要和满足"
        "刚需、留住人才结合起来；二是限购要因城施策、有序调整，公积金要加大对首套刚需的支持；"
        "三是房企要主动让利，守住交房底线。会后工作明确如下：一是请县住建局牵头，两个月内提出"
        "放开外地户籍职工首套房限购的方案报县政府；二是请县住房公积金管理中心一个月内研究降低"
        "首套房公积金贷款首付比例；三是请县自然资源局牵头、县住建局配合，三个月内完成各片区"
        "商品住房去化周期测算；四是请县住建局组织房企春节前举办商品住房团购活动；五是由县政协办公室"
        "负责整理协商纪要，下周五前报送县委、县政府。")
    await _mark(stage, n, closing, "c")
    await _step(stage, n, MODERATOR, "/end")
    await _minutes(stage, n)
    await _follow_up(stage, n)


async def _mark(stage: Stage, n: Narrator, sent: dict[str, Any], code: str) -> None:
    """The moderator marks a contribution live on the buttons under it."""
    prompt = await stage.sandbox.wait_for_reply(sent)
    data = next(b["callback_data"] for b in prompt["reply_markup"]["inline_keyboard"][0]
                if b["callback_data"].endswith(f":{code}"))
    label = {"s": "☐ 建议", "c": "☐ 共识", "a": "☐ 待办"}[code]
    await _press(stage, n, MODERATOR, prompt, data, label)


async def _minutes(stage: Stage, n: Narrator) -> None:
    """After /end: the draft in the moderator's private chat, 发言确认, an edit, approval."""
    private = stage.private(MODERATOR)
    draft = next(m for m in reversed(stage.sandbox.messages(private.id))
                 if "协商纪要（草稿）" in (m.get("text") or ""))
    confirm = next(b["callback_data"] for row in draft["reply_markup"]["inline_keyboard"]
                   for b in row if b["callback_data"].startswith("mn:confirm:"))
    await _press(stage, n, MODERATOR, draft, confirm, "📨 发言确认")
    for name in ("赵工", "刘芳"):
        request = next(m for m in reversed(stage.sandbox.messages(stage.private(name).id))
                       if "发言确认" in (m.get("text") or ""))
        ok = request["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await _press(stage, n, name, request, ok, "✅ 确认无误")
    record = await load_record(stage.runtime.uow())
    question = next(c.seq for c in record.contributions if c.speaker_name == "张大妈")
    await _step(stage, n, MODERATOR,
                f"/addsug {question} 尽快调整限购政策，允许在县城就业的外地户籍职工购买首套房",
                private=True)
    await _step(stage, n, MODERATOR, f"/title {TITLE}", private=True)
    await _step(stage, n, MODERATOR, "/draft", private=True)
    await _step(stage, n, MODERATOR, "/approve", private=True)
    await _step(stage, n, "刘芳", "/minutes")
    await _step(stage, n, "刘芳", "/search 公积金 首付")


async def _notices(stage: Stage, n: Narrator) -> None:
    """Let the notices of items' changes go out now (their sender also runs by itself)."""
    assert stage.runtime.notices is not None and stage.runtime.app is not None
    await stage.runtime.notices.tick()
    outbox = deps_of(stage.runtime.app).outbox
    assert outbox is not None
    await outbox.send_pending()
    n.bot_messages(_chats(stage))


def _last_with(stage: Stage, name: str, data: str) -> dict[str, Any]:
    """The latest message in ``name``'s private chat with a button carrying ``data``."""
    return next(m for m in reversed(stage.sandbox.messages(stage.private(name).id))
                if any(b.get("callback_data") == data for row in
                       m.get("reply_markup", {}).get("inline_keyboard", []) for b in row))


async def _follow_up(stage: Stage, n: Narrator) -> None:
    """After approval: staff add two units and invite a liaison, refer two suggestions (one
    with a deadline, one with the default) and convert a third; the liaison accepts and
    answers; the proposer rates; the figures."""
    if not n.quiet:
        print("\n—— 会后：意见建议的跟踪办理 ——")
    stage.person(STAFF, user_id=STAFF_ID)
    await _step(stage, n, STAFF, "/units", private=True)
    await _step(stage, n, STAFF, "/units add 平桥县住房和城乡建设局 县住建局 住建局", private=True)
    await _step(stage, n, STAFF, "/units add 平桥县住房公积金管理中心 县住房公积金管理中心 "
                "公积金中心", private=True)
    await _notices(stage, n)
    await _step(stage, n, STAFF, "/units invite 县住建局", private=True)
    invite = next(m["text"] for m in reversed(stage.sandbox.messages(stage.private(STAFF).id))
                  if "start=u_" in (m.get("text") or ""))
    payload = invite.split("start=", 1)[1].split()[0]
    await _step(stage, n, "王建国", f"/start {payload}", private=True)
    record = await load_record(stage.runtime.uow())
    assert record.session.id is not None
    async with stage.runtime.uow() as work:
        items = await work.tracked.for_session(record.session.id)

    def suggestion_of(name: str) -> int:
        found = next(i.id for i in items if i.kind == ItemKind.SUGGESTION and name in i.proposers)
        assert found is not None
        return found

    asked, talent, fund = (suggestion_of(name) for name in ("张大妈", "刘芳", "吴女士"))
    await _step(stage, n, STAFF, "/track", private=True)
    await _step(stage, n, STAFF, f"/refer {asked} 县住建局 2027-01-31", private=True)
    await _step(stage, n, STAFF, f"/refer {fund} 公积金中心", private=True)
    await _step(stage, n, STAFF, f"/convert {talent} 提案 平政协提〔2026〕15号", private=True)
    await _notices(stage, n)
    await _press(stage, n, "王建国", _last_with(stage, "王建国", f"lia:acc:{asked}"),
                 f"lia:acc:{asked}", "✅ 接收")
    await _step(stage, n, "王建国", "/mine", private=True)
    await _step(stage, n, "王建国", f"/reply {asked} 已拟定放开外地户籍职工首套房限购的方案，"
                "经县政府常务会议研究同意：在县城就业、连续缴纳社保满一年的外地户籍职工可购买"
                "首套商品住房，2027年1月1日起施行。", private=True)
    await _notices(stage, n)
    await _press(stage, n, "张大妈", _last_with(stage, "张大妈", f"rate:{asked}:s"),
                 f"rate:{asked}:s", "😊 满意")
    await _step(stage, n, STAFF, "/stats", private=True)
    await _step(stage, n, STAFF, "/summary", private=True)


def _saying(words: str) -> Callable[[ApiCall], bool]:
    return lambda call: words in str(call.param("text"))


async def _timers(stage: Stage, n: Narrator) -> None:
    """Show the 30-second warning (on the live board, edited in place: bot/board.py) and the
    time-up notice (a message) without waiting three minutes."""
    for seconds, method, words in ((160, "editMessageText", "⏳"), (25, "sendMessage", "⏰")):
        if not n.quiet:
            print(f"\n⏩ (演示：时钟快进 {seconds} 秒)")
        before = len(stage.sandbox.calls)
        stage.clock.advance(seconds)
        stage.runtime.timekeeper.kick()
        await stage.sandbox.wait_for_call(method, _saying(words), since=before, timeout=10)
        n.bot_messages(_chats(stage), edited=method == "editMessageText")


def _fresh_database(output: Path) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    for stale in output.glob("demo.db*"):
        stale.unlink()
    return output / "demo.db"


def _save(output: Path, record: SessionRecord, tz: ZoneInfo) -> None:
    (output / "transcript.json").write_text(
        json.dumps(to_interchange(record, tz), ensure_ascii=False, indent=2) + "\n", "utf-8")
    (output / "transcript.md").write_text(to_markdown(record, tz), "utf-8")


async def _save_minutes(stage: Stage, output: Path, session_id: int,
                        tz: ZoneInfo) -> list[Path]:
    """The approved minutes (else the draft), internal and public, as DOCX, Markdown, JSON."""
    async with stage.runtime.uow() as work:
        latest = await work.minutes.latest_version(session_id)
    if latest is not None:
        minutes = await approved_minutes(stage.runtime.uow(), latest, tz)
    else:
        minutes = (await load_draft(stage.runtime.uow(), session_id, tz)).minutes
    written = []
    for name, version in (("minutes", minutes), ("minutes-public", public_version(minutes))):
        for suffix, data in ((".docx", to_docx_bytes(version, created=stage.clock())),
                             (".md", to_markdown_minutes(version).encode()),
                             (".json", (json.dumps(to_json(version), ensure_ascii=False,
                                                   indent=2) + "\n").encode())):
            path = output / f"{name}{suffix}"
            await asyncio.to_thread(path.write_bytes, data)
            written.append(path)
    return written


async def _save_follow_up(stage: Stage, output: Path, tz: ZoneInfo) -> list[Path]:
    """The year's figures (report.xlsx) and the 办理情况汇总表 (DOCX, XLSX), as `yishitang
    report` and `yishitang documents summary` write them."""
    now = stage.clock()
    period = this_year(now, tz)
    by = Operator("demo")
    report = await report_figures(stage.runtime.uow(), by=by, period=period, now=now, tz=tz)
    summary = await documents.summary(stage.runtime.uow(), by=by, period=period, now=now, tz=tz)
    written = []
    for name, data in (("report.xlsx", followup_xlsx.figures_xlsx(report)),
                       ("办理情况汇总表.docx", followup_docx.summary_docx(summary)),
                       ("办理情况汇总表.xlsx", followup_xlsx.summary_xlsx(summary))):
        path = output / name
        await asyncio.to_thread(path.write_bytes, data)
        written.append(path)
    return written


async def run_demo(settings: Settings, output: Path, quiet: bool = False) -> int:
    database = _fresh_database(output)
    speech = settings.model_dump(include={
        "whisper_model", "whisper_device", "whisper_compute_type", "whisper_beam_size",
        "whisper_threads", "asr_workers", "asr_language", "asr_url", "asr_api_key",
        "glossary"})
    if not quiet:
        print("加载语音识别模型（首次运行会先组装离线 Whisper base 模型）……")
    port = free_port()  # the web app beside the bot, as `yishitang run` serves it
    async with staged(output, database_url=f"sqlite+aiosqlite:///{database.resolve()}",
                      web_port=port, web_url=f"http://127.0.0.1:{port}", turn_seconds=180,
                      language=settings.language,
                      timezone=settings.timezone, model_cache_dir=settings.models_dir.resolve(),
                      staff_user_ids=[STAFF_ID], **speech) as stage:
        narrator = Narrator(stage, quiet)
        await _script(stage, narrator)
        record = await load_record(stage.runtime.uow())
        assert record.session.id is not None
        written = await _save_minutes(stage, output, record.session.id,
                                      ZoneInfo(settings.timezone))
        written += await _save_follow_up(stage, output, ZoneInfo(settings.timezone))
    _save(output, record, ZoneInfo(settings.timezone))
    kinds = sorted({str(c.kind) for c in record.contributions})
    voices = sum(1 for c in record.contributions if c.source == "voice" and c.final)
    print(f"\n✔ 演示完成：{len(record.attendance)} 人签到，{len(record.contributions)} 条记录 "
          f"({', '.join(kinds)}；其中语音 {voices} 条)，{len(record.turns)} 轮发言。",
          file=sys.stdout)
    print(f"  逐字记录：{output / 'transcript.json'}，{output / 'transcript.md'}")
    print(f"  协商纪要：{'，'.join(str(p) for p in written)}")
    print(f"  数据库：{database}")
    return 0
