"""Accounts (Django's ``auth_user``) proved against the ledger, like the Tracked rows of the apps.

``auth_user`` is Django's table: it cannot carry a ``ledger_seq`` column, so every action that
changes an account writes the account's security-relevant state under
``payload["accounts"]["<user id>"]`` and verify compares each row with the newest such state:

- username, is_active, is_superuser, is_staff;
- ``password``: the SHA-256 of the stored hash string (never the password, never the hash itself:
  the hash's salt stays unknown to whoever reads the ledger, so the digest helps no guessing), so a
  hash swapped in by SQL shows.

A row no entry names (created behind the actions' back, e.g. ``createsuperuser``), a row that
differs from its newest state, and an account named by an entry but gone are each reported. The
product uses no Django groups or per-user permissions (the Staff role decides everything), so
any row in those tables is reported too.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.models import User
from django.db import connections

MARKER = '"accounts":{'


def password_digest(stored_hash: str) -> str:
    return hashlib.sha256(stored_hash.encode()).hexdigest()


def state(user: User) -> dict:
    return {"username": user.username, "is_active": user.is_active, "is_superuser": user.is_superuser,
            "is_staff": user.is_staff, "password": password_digest(user.password)}


def payload(*users: User) -> dict:
    """The part of an entry's payload that proves these accounts: ``{"accounts": {...}}``."""
    return {"accounts": {str(u.pk): state(u) for u in users}}


def observe_entry(report, seq: int, body: str) -> None:
    """During verify's pass: remember the newest state written for each account."""
    newest = report.notes.setdefault("accounts", {})
    p = json.loads(body)["payload"]
    if isinstance(p, dict) and isinstance(p.get("accounts"), dict):
        for pk, kept in p["accounts"].items():
            newest[pk] = (seq, kept)


LABELS = {"username": "用户名", "is_active": "启用状态", "is_superuser": "超级用户标志", "is_staff": "管理后台标志",
          "password": "密码"}


def check_accounts(report, using: str) -> None:
    newest = dict(report.notes.get("accounts", {}))
    checked = 0
    for user in User.objects.using(using).order_by("pk").iterator(chunk_size=2000):
        checked += 1
        where = f"auth.user:{user.pk}"
        found = newest.pop(str(user.pk), None)
        if found is None:
            report.add("account_unrecorded", where, f"账号“{user.username}”（{where}）没有任何账本条目记载"
                       "（绕过了业务操作写入）")
            continue
        seq, kept = found
        now = state(user)
        fields = [k for k in now if kept.get(k) != now[k]]
        if fields:
            report.add("account_mismatch", where, f"账号“{user.username}”（{where}）与条目 #{seq} 不一致："
                       f"{'、'.join(LABELS[f] for f in fields)}", seq)
    for pk, (seq, kept) in sorted(newest.items(), key=lambda kv: kv[1][0]):
        report.add("account_missing", f"auth.user:{pk}",
                   f"条目 #{seq} 记载的账号“{kept.get('username')}”在数据库中不存在（被删除）", seq)
    with connections[using].cursor() as c:
        for table in ("auth_user_groups", "auth_user_user_permissions"):
            c.execute(f"SELECT user_id, COUNT(*) FROM {table} GROUP BY user_id ORDER BY user_id")
            for user_id, n in c.fetchall():
                report.add("account_permissions", f"auth.user:{user_id}",
                           f"账号 auth.user:{user_id} 被直接授予了 {n} 项 Django 组或权限（{table}）；"
                           "本系统只按工作人员角色授权，此表应为空")
    report.counts["accounts"] = checked


def on_user_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    """Record Django's own re-hash of a password on login (``check_password``'s setter: it saves
    the password field alone after clearing ``_password``, which an explicit set_password does
    not), so an upgrade of the hasher's work factor does not look like a swapped hash. Any other
    write of an account outside the actions stays unrecorded, and verify names it."""
    if update_fields == frozenset({"password"}) and instance._password is None:
        from .actions import note_rehash

        note_rehash(user=instance)
