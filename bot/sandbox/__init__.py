"""A local Telegram Bot API sandbox for tests, demos and benchmarks.

It answers Bot API HTTP requests like api.telegram.org (URL layout, JSON shapes, error texts) so
the real python-telegram-bot stack can run against it, and lets tests act as Telegram users::

    sandbox = Sandbox()
    bot = sandbox.add_bot("123:TEST", "yishitang_bot")
    alice = sandbox.add_user("Alice")
    async with running_sandbox(sandbox) as served:
        ptb_bot = Bot(bot.token, base_url=served.base_url, base_file_url=served.base_file_url)
        msg = sandbox.send_text(alice, sandbox.private_chat(alice), "/start")
        reply = await sandbox.wait_for_reply(msg)
"""

from bot.sandbox.errors import ApiError, SandboxUsageError
from bot.sandbox.models import (
    ApiCall,
    BotAccount,
    CallbackAnswer,
    MessageTiming,
    SandboxChat,
    SandboxUser,
    StoredFile,
)
from bot.sandbox.sandbox import Sandbox
from bot.sandbox.server import RunningSandbox, create_app, running_sandbox

__all__ = [
    "ApiCall",
    "ApiError",
    "BotAccount",
    "CallbackAnswer",
    "MessageTiming",
    "RunningSandbox",
    "Sandbox",
    "SandboxChat",
    "SandboxUsageError",
    "SandboxUser",
    "StoredFile",
    "create_app",
    "running_sandbox",
]
