"""Texts of the staff's web pages and their login (issue 13): roles, /portal and its link,
the login pages and the list of sessions (portal/login.py, portal/staff.py). Simplified
Chinese first, English second (joined into bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # errors (domain codes)
    "portal_no_role": "你还没有工作台权限。请联系议事堂办公室为你分配角色（管理员、工作人员或查看者）。",
    "staff_no_role": "你已没有工作台权限。如有疑问，请联系议事堂办公室。",
    "login_link_invalid": "登录链接无效、已使用或已过期（10 分钟内有效，只能用一次）。请私聊机器人重新发送 /portal。",
    "role_admin_every_hall": "管理员角色适用于所有议事堂，不能指定某个议事堂。",
    "role_not_admin": "只有管理员可以分配或收回角色。",
    "role_not_granted": "此人没有这个角色，无需收回。",
    # the bot
    "cmd_portal": "登录网页工作台（发送一次性链接）",
    "portal_link": "🔐 网页工作台登录链接（10 分钟内有效，只能用一次，勿转发）：\n{link}",
    # the pages
    "staff_login_title": "工作台登录",
    "staff_login_how": "请在 Telegram 中私聊议事堂机器人，发送 /portal，然后打开收到的一次性链接。",
    "staff_login_confirm": "点击下面的按钮登录工作台。登录后 30 分钟无操作将自动退出。",
    "staff_login_button": "登录",
    "staff_sessions_title": "议事会列表",
    "staff_role_admin": "管理员：所有议事堂",
    "staff_role_halls": "你负责的议事堂",
    "staff_logout": "退出登录",
    "staff_filter_hall": "议事堂",
    "staff_filter_state": "状态",
    "staff_filter_all": "全部",
    "staff_filter_apply": "筛选",
    "staff_col_topic": "议题",
    "staff_col_hall": "议事堂",
    "staff_col_date": "日期",
    "staff_col_state": "状态",
    "staff_col_present": "签到人数",
    "staff_sessions_none": "没有符合条件的议事会。",
}

EN: dict[str, str] = {
    # errors (domain codes)
    "portal_no_role": "You have no access to the workbench yet. Ask the office to give you a role (admin, staff or viewer).",
    "staff_no_role": "You no longer have access to the workbench. Ask the office if this is unexpected.",
    "login_link_invalid": "This login link is not valid, was used, or has expired (it works once, within 10 minutes). Send /portal to the bot in a private chat again.",
    "role_admin_every_hall": "The admin role covers every hall: it cannot be given for one hall.",
    "role_not_admin": "Only an admin can give or take back roles.",
    "role_not_granted": "This person does not have that role: nothing to take back.",
    # the bot
    "cmd_portal": "Log in to the web workbench (sends a one-time link)",
    "portal_link": "🔐 Your login link to the web workbench (works once, within 10 minutes; do not forward it):\n{link}",
    # the pages
    "staff_login_title": "Workbench login",
    "staff_login_how": "In Telegram, send /portal to the Yishitang bot in a private chat, then open the one-time link it sends you.",
    "staff_login_confirm": "Press the button to log in. After 30 minutes without use you are logged out.",
    "staff_login_button": "Log in",
    "staff_sessions_title": "Sessions",
    "staff_role_admin": "Admin: every hall",
    "staff_role_halls": "Your halls",
    "staff_logout": "Log out",
    "staff_filter_hall": "Hall",
    "staff_filter_state": "State",
    "staff_filter_all": "All",
    "staff_filter_apply": "Filter",
    "staff_col_topic": "Topic",
    "staff_col_hall": "Hall",
    "staff_col_date": "Date",
    "staff_col_state": "State",
    "staff_col_present": "Signed in",
    "staff_sessions_none": "No sessions match.",
}
