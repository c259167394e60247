"""User-side actions: what Telegram users do, turned into updates for the bots."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from typing import Any

from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.markup import callback_data_on
from bot.sandbox.media import audio_object, document_object, photo_sizes, voice_object
from bot.sandbox.models import ACTIVE_STATUSES, BotAccount, CallbackRecord, SandboxChat, SandboxUser
from bot.sandbox.sending import set_optional
from bot.sandbox.state import ChatRef, MessageRef, SandboxState, UserRef, member_update, now_ns
from bot.sandbox.textfmt import format_text

JSON = dict[str, Any]
ReplyRef = MessageRef | int | None


class SandboxActions(SandboxState):
    """Acting as Telegram users. Every action enqueues real Update objects for the bots."""

    # ------------------------------------------------------------------ groups & membership
    def add_group(
        self,
        title: str,
        members: Iterable[UserRef] = (),
        bot_is_admin: bool = False,
        supergroup: bool = True,
        *,
        bot: BotAccount | str | None = None,
        with_bot: bool = True,
        username: str | None = None,
    ) -> SandboxChat:
        """A group whose first member is its creator; adding the bot emits my_chat_member."""
        serial = self.next_serial()
        chat_id = -(1_001_000_000_000 + serial) if supergroup else -(4_000_000_000 + serial)
        chat = SandboxChat(chat_id, "supergroup" if supergroup else "group", title, username)
        for index, member in enumerate(members):
            chat.members[self.get_user(member).id] = "creator" if index == 0 else "member"
        self.chats[chat_id] = chat
        if with_bot and self.bots:
            self.join(self.get_bot(bot), chat, admin=bot_is_admin)
        self.notify()
        return chat

    def _default_actor(self, chat: SandboxChat, user: SandboxUser) -> SandboxUser:
        if not user.is_bot:
            return user
        humans = [uid for uid in chat.members if chat.is_active_member(uid)]
        humans = [uid for uid in humans if not self.users[uid].is_bot]
        return self.users[humans[0]] if humans else user

    def _member_changed(
        self, chat: SandboxChat, actor: SandboxUser, user: SandboxUser, old: str, new: str
    ) -> None:
        payload = member_update(chat, actor, user, old, new)
        for bot in self.bots.values():
            if bot.id == user.id:
                self.emit(bot, "my_chat_member", payload)
            elif chat.status_of(bot.id) == "administrator":
                self.emit(bot, "chat_member", payload)

    def _service(self, chat: SandboxChat, actor: SandboxUser, content: JSON) -> None:
        message = self.new_message(chat, actor, content)
        self.dispatch_message(chat, message, "message", now_ns())

    def join(
        self, member: UserRef, chat: ChatRef, *, admin: bool = False, by: UserRef | None = None
    ) -> None:
        """``member`` (a user or a bot) joins / is added to a group."""
        group = self._group(chat)
        user = self.get_user(member)
        actor = self.get_user(by) if by is not None else self._default_actor(group, user)
        old = group.status_of(user.id)
        new = "administrator" if admin else "member"
        group.members[user.id] = new
        self._member_changed(group, actor, user, old, new)
        if old not in ACTIVE_STATUSES:
            joined = user.to_dict()
            self._service(group, actor, {"new_chat_members": [joined], "new_chat_member": joined,
                                         "new_chat_participant": joined})  # fmt: skip
        self.notify()

    def leave(self, member: UserRef, chat: ChatRef, *, by: UserRef | None = None) -> None:
        """``member`` leaves (or, with ``by``, is removed from) a group."""
        group = self._group(chat)
        user = self.get_user(member)
        actor = self.get_user(by) if by is not None else user
        old = group.status_of(user.id)
        group.members[user.id] = "left"
        self._member_changed(group, actor, user, old, "left")
        gone = user.to_dict()
        self._service(group, actor, {"left_chat_member": gone, "left_chat_participant": gone})
        self.notify()

    def set_admin(
        self, chat: ChatRef, member: UserRef, is_admin: bool = True, *, by: UserRef | None = None
    ) -> None:
        group = self._group(chat)
        user = self.get_user(member)
        actor = self.get_user(by) if by is not None else self._default_actor(group, user)
        old = group.status_of(user.id)
        group.members[user.id] = "administrator" if is_admin else "member"
        self._member_changed(group, actor, user, old, group.members[user.id])
        self.notify()

    def _group(self, chat: ChatRef) -> SandboxChat:
        group = self.get_chat(chat)
        if group.type == "private":
            raise SandboxUsageError("membership changes need a group chat")
        return group

    # ------------------------------------------------------------------ bot relationship
    def block_bot(self, user: UserRef, bot: BotAccount | str | None = None) -> None:
        account, person = self.get_bot(bot), self.get_user(user)
        if person.id not in account.blocked_by:
            account.blocked_by.add(person.id)
            chat = self.private_chat(person, account)
            self.emit(account, "my_chat_member",
                      member_update(chat, person, account.user, "member", "kicked"))  # fmt: skip
            self.notify()

    def unblock_bot(self, user: UserRef, bot: BotAccount | str | None = None) -> None:
        account, person = self.get_bot(bot), self.get_user(user)
        if person.id in account.blocked_by:
            account.blocked_by.discard(person.id)
            chat = self.private_chat(person, account)
            self.emit(account, "my_chat_member",
                      member_update(chat, person, account.user, "kicked", "member"))  # fmt: skip
            self.notify()

    def set_privacy(self, bot: BotAccount | str | None, can_read_all: bool) -> None:
        """Toggle privacy mode (can_read_all_group_messages); takes effect immediately."""
        self.get_bot(bot).can_read_all_group_messages = can_read_all

    # ------------------------------------------------------------------ posting
    def _post(self, user: UserRef, chat: ChatRef, content: JSON, reply_to: ReplyRef) -> JSON:
        person, target = self.get_user(user), self.get_chat(chat)
        if target.type == "private" and target.id != person.id:
            raise SandboxUsageError(f"user {person.id} cannot post in private chat {target.id}")
        if target.type != "private" and not target.is_active_member(person.id):
            raise SandboxUsageError(f"user {person.id} is not a member of chat {target.id}")
        if isinstance(reply_to, int):
            reply_to = (target.id, reply_to)
        reply = self.get_message(reply_to)[1] if reply_to is not None else None
        message = self.new_message(target, person, content, reply)
        account = self.bot_by_id(target.bot_id) if target.type == "private" else None
        if account is not None:
            self.unblock_bot(person, account)
            account.started.add(person.id)
        created = now_ns()
        self.track_user_message(target, message, created)
        self.dispatch_message(target, message, "message", created)
        self.notify()
        return copy.deepcopy(message)

    def send_text(self, user: UserRef, chat: ChatRef, text: str, reply_to: ReplyRef = None) -> JSON:
        """A user sends ``text`` (private chat: ``chat`` may be the user's id)."""
        body, entities = format_text(text, None)
        content: JSON = {"text": body, "entities": entities} if entities else {"text": body}
        return self._post(user, chat, content, reply_to)

    def _caption(self, caption: str | None) -> JSON:
        if not caption:
            return {}
        body, entities = format_text(caption, None)
        return {"caption": body, "caption_entities": entities} if entities else {"caption": body}

    def send_voice(self, user: UserRef, chat: ChatRef, data: bytes, duration: int,
                   mime_type: str = "audio/ogg", *, caption: str | None = None,
                   reply_to: ReplyRef = None) -> JSON:  # fmt: skip
        stored = self.store_file(data, "voice", mime_type)
        content = {"voice": voice_object(stored, duration), **self._caption(caption)}
        return self._post(user, chat, content, reply_to)

    def send_audio(self, user: UserRef, chat: ChatRef, data: bytes, duration: int,
                   mime_type: str = "audio/mpeg", *, file_name: str | None = None,
                   title: str | None = None, performer: str | None = None,
                   caption: str | None = None, reply_to: ReplyRef = None) -> JSON:  # fmt: skip
        stored = self.store_file(data, "audio", mime_type, file_name)
        audio = audio_object(stored, duration, title, performer)
        return self._post(user, chat, {"audio": audio, **self._caption(caption)}, reply_to)

    def send_document(self, user: UserRef, chat: ChatRef, data: bytes, file_name: str,
                      mime_type: str = "application/octet-stream", *,
                      caption: str | None = None, reply_to: ReplyRef = None) -> JSON:  # fmt: skip
        stored = self.store_file(data, "document", mime_type, file_name)
        content = {"document": document_object(stored), **self._caption(caption)}
        return self._post(user, chat, content, reply_to)

    def send_photo(self, user: UserRef, chat: ChatRef, data: bytes, *,
                   caption: str | None = None, reply_to: ReplyRef = None) -> JSON:  # fmt: skip
        content = {"photo": photo_sizes(self, data), **self._caption(caption)}
        return self._post(user, chat, content, reply_to)

    def edit_text(self, user: UserRef, message: MessageRef, new_text: str) -> JSON:
        """The user edits their own text message (edited_message update)."""
        person = self.get_user(user)
        chat, stored = self.get_message(message)
        if stored["from"]["id"] != person.id or "text" not in stored:
            raise SandboxUsageError("users can only edit their own text messages")
        stored["text"], entities = format_text(new_text, None)
        set_optional(stored, "entities", entities)
        stored["edit_date"] = int(time.time())
        self.dispatch_message(chat, stored, "edited_message", now_ns())
        self.notify()
        return copy.deepcopy(stored)

    def send_as_chat(self, user: UserRef, chat: ChatRef, text: str, *,
                     channel_title: str | None = None, channel_id: int | None = None) -> JSON:
        """``user``, an admin of ``chat``, posts anonymously: as the group itself (from
        GroupAnonymousBot, sender_chat the group) or, with ``channel_title``, as a channel
        linked to it (from Channel_Bot, sender_chat that channel), as Telegram sends them."""
        person, target = self.get_user(user), self.get_chat(chat)
        if target.type == "private" or not target.is_active_member(person.id):
            raise SandboxUsageError(f"user {person.id} cannot post as a chat in {target.id}")
        body, entities = format_text(text, None)
        content: JSON = {"text": body, "entities": entities} if entities else {"text": body}
        message = self.new_message(target, person, content)
        if channel_title is None:
            message["from"] = {"id": 1087968824, "is_bot": True,
                               "first_name": "Group", "username": "GroupAnonymousBot"}
            message["sender_chat"] = target.to_dict()
        else:
            message["from"] = {"id": 136817688, "is_bot": True,
                               "first_name": "Channel", "username": "Channel_Bot"}
            message["sender_chat"] = {"id": channel_id or -(1_002_000_000_000
                                                             + self.next_serial()),
                                      "title": channel_title, "type": "channel"}
        created = now_ns()
        self.track_user_message(target, message, created)
        self.dispatch_message(target, message, "message", created)
        self.notify()
        return copy.deepcopy(message)

    def forge_press(self, user: UserRef, message: MessageRef, callback_data: str, *,
                    deleted: bool = False) -> str:
        """A modified client presses a button that is not on the message, with any data (or,
        with ``deleted``, on a message since deleted: the update carries no message)."""
        person = self.get_user(user)
        chat, stored = self.get_message(message)
        account = self.bot_by_id(stored["from"]["id"])
        if account is None:
            raise SandboxUsageError("the message was not sent by a sandbox bot")
        query_id = str(4_300_000_000_000_000_000 + self.next_serial())
        account.callback_queries[query_id] = CallbackRecord(
            query_id, person.id, chat.id, stored["message_id"], callback_data, time.monotonic()
        )
        payload: JSON = {"id": query_id, "from": person.to_dict(),
                         "chat_instance": str(abs(chat.id) * 7919 % 10**18),
                         "data": callback_data}
        if not deleted:
            payload["message"] = stored
        self.emit(account, "callback_query", payload)
        return query_id

    def press_button(self, user: UserRef, message: MessageRef, callback_data: str) -> str:
        """Press an inline button; returns the callback query id the bot must answer."""
        person = self.get_user(user)
        chat, stored = self.get_message(message)
        available = callback_data_on(stored)
        if callback_data not in available:
            raise SandboxUsageError(
                f"message {stored['message_id']} in chat {chat.id} has no button with "
                f"callback_data {callback_data!r}; available: {available}"
            )
        if chat.type != "private" and not chat.is_active_member(person.id):
            raise SandboxUsageError(f"user {person.id} is not a member of chat {chat.id}")
        account = self.bot_by_id(stored["from"]["id"])
        if account is None:
            raise SandboxUsageError("the message was not sent by a sandbox bot")
        query_id = str(4_300_000_000_000_000_000 + self.next_serial())
        account.callback_queries[query_id] = CallbackRecord(
            query_id, person.id, chat.id, stored["message_id"], callback_data, time.monotonic()
        )
        payload = {
            "id": query_id,
            "from": person.to_dict(),
            "message": stored,
            "chat_instance": str(abs(chat.id) * 7919 % 10**18),
            "data": callback_data,
        }
        self.emit(account, "callback_query", payload)
        return query_id
