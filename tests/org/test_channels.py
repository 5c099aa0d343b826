"""Org's outgoing channels against real counterparts: DingTalk, WeCom and Feishu robots that check the
vendors' signatures, an SMTP server with STARTTLS; the dispatcher's retries, parking, dropping and
leases; the admin API for robots, test sends, status and the delivery log."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from services.common.db import Database, utcnow
from services.common.runtime import narrowed
from services.org.app import create_app
from services.org.channels.dispatcher import Dispatcher
from services.org.models import OutgoingMessage
from services.org.runtime import OrgRuntime
from tests.org.conftest import auth, unit_by_code
from tests.support import running, settings
from tests.support.receivers import MailServer, RobotReceiver

PUBLIC_URL = "https://yunguan.example.com"
MAX_ATTEMPTS = 3
ZH = {"Accept-Language": "zh-CN"}
_keys = itertools.count(1)


@dataclass
class Env:
    client: Any
    app: Any
    mail: MailServer
    robots: RobotReceiver

    @property
    def dispatcher(self) -> Dispatcher:
        return narrowed(self.app.state.runtime, OrgRuntime).dispatcher

    @property
    def db(self) -> Database:
        return self.app.state.db


def channel_settings(url: str, **extra: Any):
    return settings("org", url, **{"demo": True, "notify_dispatch_enabled": False,
                                   "webhook_allow_private_targets": True, "relay_max_attempts": MAX_ATTEMPTS,
                                   "relay_backoff_base": 30.0, "public_url": PUBLIC_URL, **extra})


@pytest.fixture
async def env(org_url):
    """Org with the demo company, its dispatcher run by hand, next to a real SMTP server (STARTTLS and a
    login) and a robot receiver."""
    async with MailServer(auth=("mailer", "mail-pass-1")) as mail, RobotReceiver() as robots:
        app = create_app(channel_settings(org_url, **mail.settings()))
        async with running(app, base_url="http://org") as client:
            yield Env(client, app, mail, robots)


def content(subject: str = "计划待审批：2027 年市场部年度计划",
            text: str = "张市场部经理提交了计划。\n请在 3 个工作日内审批。", link: str = "/plans/7",
            language: str = "zh-CN") -> dict[str, str]:
    return {"subject": subject, "text": text, "link": link, "language": language}


async def queue(env: Env, *, channel: str, address: str, robot_id: int | None = None,
                body: dict[str, str] | None = None, at=None) -> int:
    """An OutgoingMessage as notifying writes it (in the consumer's transaction)."""
    async with env.db.writer() as s:
        row = OutgoingMessage(channel=channel, address=address, robot_id=robot_id,
                              dedupe_key=f"test:{channel}:{address}:{next(_keys)}", content=body or content(),
                              **({"next_attempt_at": at} if at is not None else {}))
        s.add(row)
        await s.commit()
        return row.id


async def message(env: Env, message_id: int) -> OutgoingMessage:
    async with env.db.reader() as s:
        row = await s.get(OutgoingMessage, message_id)
        assert row is not None
        return row


async def recorded(env: Env, message_id: int, status: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - a deadline
    """Wait until the message has ``status`` (the dispatcher records each outcome as it comes)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (current := (await message(env, message_id)).status) != status:
        assert asyncio.get_running_loop().time() < deadline, f"message {message_id} is still {current}"
        await asyncio.sleep(0.02)  # a probe interval, not a guess: the deadline decides


async def make_due(env: Env, *ids: int) -> None:
    """As if the backoff had run out (rather than waiting for it)."""
    async with env.db.writer() as s:
        await s.execute(update(OutgoingMessage).where(OutgoingMessage.id.in_(ids)).values(next_attempt_at=utcnow()))
        await s.commit()


async def add_robot(env: Env, admin: dict[str, str], *, vendor: str, url: str, secret: str, unit: str = "MKT",
                    **extra: Any) -> dict[str, Any]:
    unit_id = (await unit_by_code(env.client, admin, unit))["id"]
    r = await env.client.post(f"/api/org/units/{unit_id}/robots", headers=admin,
                              json={"vendor": vendor, "name": f"{unit} {vendor}", "url": url, "secret": secret,
                                    **extra})
    assert r.status_code == 201, r.text
    return {**r.json(), "etag": r.headers["etag"]}


async def test_a_message_reaches_each_vendors_robot_signed_as_the_vendor_checks(env):
    admin = await auth(env.client, "admin")
    ids = {}
    for vendor in ("dingtalk", "wecom", "feishu"):
        hook = env.robots.add(vendor)
        robot = await add_robot(env, admin, vendor=vendor, url=hook.url, secret=hook.secret)
        ids[vendor] = await queue(env, channel=vendor, address=f"robot:{robot['id']}", robot_id=robot["id"])

    assert await env.dispatcher.run_once() == 3
    posts = {p.vendor: p for p in await env.robots.wait_for(3, timeout=10)}
    assert env.robots.rejected == []

    link = f"{PUBLIC_URL}/plans/7"
    ding = posts["dingtalk"]
    assert ding.body["msgtype"] == "markdown" and ding.body["markdown"]["title"] == "计划待审批：2027 年市场部年度计划"
    assert "请在 3 个工作日内审批。" in ding.body["markdown"]["text"]
    assert f"[打开]({link})" in ding.body["markdown"]["text"]
    assert {"timestamp", "sign"} <= set(ding.query)
    wecom = posts["wecom"].body["markdown"]["content"]
    assert "计划待审批" in wecom and f"[打开]({link})" in wecom
    feishu = posts["feishu"].body
    assert {"timestamp", "sign"} <= set(feishu)
    post = feishu["content"]["post"]["zh_cn"]
    assert post["title"] == "计划待审批：2027 年市场部年度计划"
    assert post["content"][-1] == [{"tag": "a", "text": "打开", "href": link}]

    for vendor, message_id in ids.items():
        row = await message(env, message_id)
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, ""), vendor
        assert row.sent_at is not None


async def test_robots_without_signing_and_a_wecom_key_given_as_the_secret_are_accepted(env):
    admin = await auth(env.client, "admin")
    unsigned = env.robots.add("dingtalk", secret="")
    wecom = env.robots.add("wecom")
    plain = await add_robot(env, admin, vendor="dingtalk", url=unsigned.url, secret="")
    # the WeCom key kept as the secret, the address without it
    keyed = await add_robot(env, admin, vendor="wecom", url=wecom.url.split("?")[0], secret=wecom.token)
    assert keyed["has_secret"] is True and plain["has_secret"] is False
    for robot in (plain, keyed):
        await queue(env, channel=robot["vendor"], address=f"robot:{robot['id']}", robot_id=robot["id"])
    assert await env.dispatcher.run_once() == 2
    posts = {p.vendor: p for p in await env.robots.wait_for(2, timeout=10)}
    assert "sign" not in posts["dingtalk"].query and posts["wecom"].query["key"] == wecom.token


async def test_a_long_message_is_cut_to_what_wecom_takes_and_keeps_its_link(env):
    admin = await auth(env.client, "admin")
    hook = env.robots.add("wecom")
    robot = await add_robot(env, admin, vendor="wecom", url=hook.url, secret="")
    await queue(env, channel="wecom", address=f"robot:{robot['id']}", robot_id=robot["id"],
                body=content(text="超时整改事项。" * 1000))
    assert await env.dispatcher.run_once() == 1
    [post] = await env.robots.wait_for(1, timeout=10)
    text = post.body["markdown"]["content"]
    assert len(text.encode()) <= 4096 and text.endswith(f"[打开]({PUBLIC_URL}/plans/7)")


async def test_a_wrong_secret_is_refused_backs_off_parks_and_goes_after_the_admin_fixes_it_and_retries(env):
    admin = await auth(env.client, "admin")
    hook = env.robots.add("dingtalk")
    robot = await add_robot(env, admin, vendor="dingtalk", url=hook.url, secret=hook.secret + "-wrong")
    message_id = await queue(env, channel="dingtalk", address=f"robot:{robot['id']}", robot_id=robot["id"])

    before = utcnow()
    assert await env.dispatcher.run_once() == 1
    [refused] = await env.robots.wait_for(1, timeout=10, rejected=True)
    assert refused.code == 310000
    row = await message(env, message_id)
    assert row.status == "pending" and row.attempts == 1
    assert "errcode 310000" in row.last_error and "sign not match" in row.last_error
    assert row.next_attempt_at > before + timedelta(seconds=10)  # backing off (base 30 s, ±50 %)
    assert await env.dispatcher.run_once() == 0  # not due again yet

    for attempt in range(2, MAX_ATTEMPTS + 1):
        await make_due(env, message_id)
        assert await env.dispatcher.run_once() == 1
        assert (await message(env, message_id)).attempts == attempt
    row = await message(env, message_id)
    assert row.status == "parked" and len(env.robots.rejected) == MAX_ATTEMPTS
    await make_due(env, message_id)
    assert await env.dispatcher.run_once() == 0  # parked stays parked

    parked = (await env.client.get("/api/org/outgoing-messages", headers=admin,
                                   params={"status": "parked"})).json()["items"]
    assert [(m["id"], m["channel"], m["attempts"]) for m in parked] == [(message_id, "dingtalk", MAX_ATTEMPTS)]
    assert "sign not match" in parked[0]["last_error"]
    assert (await env.client.get("/api/org/channels", headers=admin)).json()["parked"] == 1

    r = await env.client.patch(f"/api/org/robots/{robot['id']}", headers={**admin, "If-Match": robot["etag"]},
                               json={"secret": hook.secret})
    assert r.status_code == 200, r.text
    r = await env.client.post(f"/api/org/outgoing-messages/{message_id}/retry", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["attempts"] == 0

    assert await env.dispatcher.run_once() == 1
    [accepted] = await env.robots.wait_for(1, timeout=10)
    assert accepted.token == hook.token
    row = await message(env, message_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    r = await env.client.post(f"/api/org/outgoing-messages/{message_id}/retry", headers={**admin, **ZH})
    assert r.status_code == 409 and "已发送" in r.json()["detail"]
    retried = (await env.client.get("/api/org/audit", headers=admin,
                                    params={"action": "outgoing_message.retried"})).json()["items"]
    assert [e["subject_id"] for e in retried] == [str(message_id)]


async def test_email_over_starttls_arrives_in_the_recipients_language_with_the_deep_link(env):
    zh_id = await queue(env, channel="email", address="market_mgr@example.com")
    en_body = content(subject="Plan awaiting approval: Marketing 2027", text="Submitted by Zhang.\nPlease approve.",
                      link="/plans/8", language="en")
    en_id = await queue(env, channel="email", address="gm@example.com", body=en_body)

    assert await env.dispatcher.run_once() == 2
    await env.mail.wait_for(2, timeout=10)
    by_to = {m.rcpt_tos[0]: m for m in env.mail.received}
    assert all(m.tls and m.login == "mailer" for m in env.mail.received)

    zh = by_to["market_mgr@example.com"].message
    assert zh["Subject"] == "计划待审批：2027 年市场部年度计划"
    assert zh["From"] == "Yunguan 运管 <noreply@localhost>" and zh["To"] == "market_mgr@example.com"
    text = zh.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "张市场部经理提交了计划。\n请在 3 个工作日内审批。" in text
    assert f"在运管中打开：{PUBLIC_URL}/plans/7" in text
    html = zh.get_body(("html",)).get_content()
    assert f'<a href="{PUBLIC_URL}/plans/7">' in html and "张市场部经理提交了计划。<br>" in html
    assert zh["Message-ID"].startswith("<outgoing-") and zh["Message-ID"].endswith("@yunguan>")

    en = by_to["gm@example.com"].message
    assert en["Subject"] == "Plan awaiting approval: Marketing 2027"
    en_text = en.get_body(("plain",)).get_content()
    assert f"Open in Yunguan: {PUBLIC_URL}/plans/8" in en_text and "运管中打开" not in en_text
    assert en["Message-ID"] != zh["Message-ID"]

    for message_id in (zh_id, en_id):
        assert (await message(env, message_id)).status == "sent"


async def test_the_same_message_sent_again_keeps_its_message_id(env):
    message_id = await queue(env, channel="email", address="analyst@example.com")
    assert await env.dispatcher.run_once() == 1
    # as after a crash between the send and its record: the row goes out once more
    async with env.db.writer() as s:
        await s.execute(update(OutgoingMessage).where(OutgoingMessage.id == message_id)
                        .values(status="pending", next_attempt_at=utcnow()))
        await s.commit()
    assert await env.dispatcher.run_once() == 1
    first, second = await env.mail.wait_for(2, timeout=10)
    assert first["Message-ID"] == second["Message-ID"]


async def test_a_message_deferred_by_quiet_hours_is_not_sent_before_its_time(env):
    admin = await auth(env.client, "admin")
    hook = env.robots.add("wecom")
    robot = await add_robot(env, admin, vendor="wecom", url=hook.url, secret="")
    later = utcnow() + timedelta(hours=8)
    mail_id = await queue(env, channel="email", address="gm@example.com", at=later)
    # a round that has something else to send still leaves the deferred e-mail alone
    robot_id = await queue(env, channel="wecom", address=f"robot:{robot['id']}", robot_id=robot["id"])

    assert await env.dispatcher.run_once() == 1
    await env.robots.wait_for(1, timeout=10)
    assert await env.dispatcher.run_once() == 0
    assert env.mail.received == []
    row = await message(env, mail_id)
    assert (row.status, row.attempts) == ("pending", 0) and abs((row.next_attempt_at - later).total_seconds()) < 1
    assert (await message(env, robot_id)).status == "sent"

    await make_due(env, mail_id)  # the quiet hours are over
    assert await env.dispatcher.run_once() == 1
    await env.mail.wait_for(1, timeout=10)


async def test_a_deleted_or_deactivated_robots_pending_messages_are_dropped(env):
    admin = await auth(env.client, "admin")
    gone_hook, off_hook = env.robots.add("feishu"), env.robots.add("dingtalk")
    gone = await add_robot(env, admin, vendor="feishu", url=gone_hook.url, secret=gone_hook.secret)
    off = await add_robot(env, admin, vendor="dingtalk", url=off_hook.url, secret=off_hook.secret)
    gone_msg = await queue(env, channel="feishu", address=f"robot:{gone['id']}", robot_id=gone["id"])
    off_msg = await queue(env, channel="dingtalk", address=f"robot:{off['id']}", robot_id=off["id"])

    r = await env.client.delete(f"/api/org/robots/{gone['id']}", headers={**admin, "If-Match": gone["etag"]})
    assert r.status_code == 204
    r = await env.client.patch(f"/api/org/robots/{off['id']}", headers={**admin, "If-Match": off["etag"]},
                               json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False

    assert await env.dispatcher.run_once() == 1  # the deactivated one's message, dropped
    for message_id, why in ((gone_msg, "deleted"), (off_msg, "deactivated")):
        row = await message(env, message_id)
        assert row.status == "dropped" and why in row.last_error and row.attempts == 0
    assert env.robots.accepted == [] and env.robots.rejected == []

    # reactivated, an admin sends the dropped one after all
    etag = r.headers["etag"]
    r = await env.client.patch(f"/api/org/robots/{off['id']}", headers={**admin, "If-Match": etag},
                               json={"active": True})
    assert r.status_code == 200
    assert (await env.client.post(f"/api/org/outgoing-messages/{off_msg}/retry", headers=admin)).status_code == 200
    assert await env.dispatcher.run_once() == 1
    await env.robots.wait_for(1, timeout=10)
    assert (await message(env, off_msg)).status == "sent"


async def test_two_dispatchers_running_rounds_at_once_never_send_a_message_twice(env):
    admin = await auth(env.client, "admin")
    hook = env.robots.add("wecom")
    robot = await add_robot(env, admin, vendor="wecom", url=hook.url, secret="")
    robot_ids = [await queue(env, channel="wecom", address=f"robot:{robot['id']}", robot_id=robot["id"],
                             body=content(subject=f"消息 {i}")) for i in range(26)]  # more than a round takes
    mail_ids = [await queue(env, channel="email", address=f"user{i}@example.com") for i in range(4)]
    # a second replica: its own engine on the same database
    other_db = Database(env.app.state.settings.db_url)
    other = Dispatcher(db=other_db, settings=env.app.state.settings, client=env.app.state.http)
    try:
        handled = 0
        while True:
            a, b = await asyncio.gather(env.dispatcher.run_once(), other.run_once())
            if not a and not b:
                break
            handled += a + b
    finally:
        await other_db.dispose()

    assert handled == len(robot_ids) + len(mail_ids)
    posts = await env.robots.wait_for(len(robot_ids), timeout=10)
    subjects = sorted(p.body["markdown"]["content"].split("\n")[0] for p in env.robots.accepted)
    assert len(env.robots.accepted) == len(robot_ids) == len(posts)
    assert subjects == sorted(f"**消息 {i}**" for i in range(26))
    await env.mail.wait_for(len(mail_ids), timeout=10)
    assert sorted(m.rcpt_tos[0] for m in env.mail.received) == sorted(f"user{i}@example.com" for i in range(4))
    async with env.db.reader() as s:
        rows = (await s.execute(select(OutgoingMessage.status, OutgoingMessage.attempts))).all()
    assert set(rows) == {("sent", 1)}


async def test_the_background_dispatcher_sends_without_help_and_stops_at_shutdown(org_url):
    async with RobotReceiver() as robots:
        app = create_app(channel_settings(org_url, notify_dispatch_enabled=True))
        async with running(app, base_url="http://org") as client:
            admin = await auth(client, "admin")
            hook = robots.add("feishu")
            unit_id = (await unit_by_code(client, admin, "OPS"))["id"]
            robot = (await client.post(f"/api/org/units/{unit_id}/robots", headers=admin,
                                       json={"vendor": "feishu", "name": "运营群", "url": hook.url,
                                             "secret": hook.secret})).json()
            env = Env(client, app, None, robots)  # type: ignore[arg-type]
            await queue(env, channel="feishu", address=f"robot:{robot['id']}", robot_id=robot["id"])
            await robots.wait_for(1, timeout=15)
            loops = [t for t in asyncio.all_tasks() if t.get_name() == "org-dispatch_messages"]
            assert len(loops) == 1 and not loops[0].done()
        assert loops[0].done()  # cancelled with the app, not left running


async def test_a_shutdown_mid_round_records_what_went_so_a_restart_does_not_send_it_again(org_url):
    async with MailServer() as mail, RobotReceiver() as robots:
        app = create_app(channel_settings(org_url, notify_dispatch_enabled=True, **mail.settings()))
        async with running(app, base_url="http://org") as client:
            admin = await auth(client, "admin")
            hook = robots.add("dingtalk")
            unit_id = (await unit_by_code(client, admin, "MKT"))["id"]
            robot = (await client.post(f"/api/org/units/{unit_id}/robots", headers=admin,
                                       json={"vendor": "dingtalk", "name": "市场部群", "url": hook.url,
                                             "secret": hook.secret})).json()
            robots.hold()  # DingTalk takes the post but hangs before answering
            env = Env(client, app, mail, robots)
            mail_id = await queue(env, channel="email", address="gm@example.com")
            robot_msg = await queue(env, channel="dingtalk", address=f"robot:{robot['id']}", robot_id=robot["id"])
            await mail.wait_for(1, timeout=15)
            await robots.wait_for(1, timeout=15)
            await recorded(env, mail_id, "sent")  # while the robot's send is still under way
        # shut down in the middle of the round: the robot's answer never came
        async with app.state.db.reader() as s:
            sent, unknown = await s.get(OutgoingMessage, mail_id), await s.get(OutgoingMessage, robot_msg)
        assert (sent.status, sent.attempts) == ("sent", 1)
        assert (unknown.status, unknown.attempts, unknown.lease_until) == ("pending", 0, None)

        robots.release()
        again = create_app(channel_settings(org_url, **mail.settings()))
        async with running(again, base_url="http://org"):
            assert await narrowed(again.state.runtime, OrgRuntime).dispatcher.run_once() == 1
            await robots.wait_for(2, timeout=10)  # at least once: the unanswered post goes again
        assert len(mail.received) == 1  # the recorded e-mail does not


async def test_test_sends_answer_with_the_channels_own_result(env):
    admin = await auth(env.client, "admin")
    good, bad = env.robots.add("dingtalk"), env.robots.add("feishu")
    good_robot = await add_robot(env, admin, vendor="dingtalk", url=good.url, secret=good.secret)
    bad_robot = await add_robot(env, admin, vendor="feishu", url=bad.url, secret="not-the-secret")

    r = await env.client.post(f"/api/org/robots/{good_robot['id']}/test", headers=admin)
    assert r.status_code == 200 and r.json() == {"ok": True, "error": ""}
    [post] = await env.robots.wait_for(1, timeout=10)
    assert post.body["markdown"]["title"] == "运管测试消息"
    r = await env.client.post(f"/api/org/robots/{bad_robot['id']}/test", headers=admin)
    assert r.status_code == 200 and r.json()["ok"] is False
    assert "19021" in r.json()["error"] and "sign match fail" in r.json()["error"]

    r = await env.client.post("/api/org/channels/email/test", headers=admin, json={"to": "admin@example.com"})
    assert r.status_code == 200 and r.json() == {"ok": True, "error": ""}
    [mail] = await env.mail.wait_for(1, timeout=10)
    assert mail["Subject"] == "运管测试消息" and mail["To"] == "admin@example.com"
    tested = (await env.client.get("/api/org/audit", headers=admin, params={"action": "robot.tested"})).json()["items"]
    assert [e["after"]["ok"] for e in tested] == [True, False]


async def test_an_email_test_without_smtp_is_refused_in_chinese(org):
    admin = await auth(org, "admin")
    r = await org.post("/api/org/channels/email/test", headers={**admin, **ZH}, json={"to": "admin@example.com"})
    assert r.status_code == 409 and "尚未配置邮件发送" in r.json()["detail"]
    status = (await org.get("/api/org/channels", headers=admin)).json()
    assert status["email"]["configured"] is False


async def test_the_status_shows_the_smtp_settings_but_never_the_password(env):
    admin = await auth(env.client, "admin")
    hook = env.robots.add("wecom")
    await add_robot(env, admin, vendor="wecom", url=hook.url, secret="")
    await queue(env, channel="email", address="gm@example.com")
    r = await env.client.get("/api/org/channels", headers=admin)
    assert r.status_code == 200
    assert r.json() == {"email": {"configured": True, "host": "127.0.0.1", "port": env.mail.port,
                                  "security": "starttls", "from": "Yunguan 运管 <noreply@localhost>"},
                        "robots_count": 1, "pending": 1, "parked": 0}
    assert "mail-pass-1" not in r.text


async def test_robot_secrets_and_url_tokens_never_leave_the_api(env):
    admin = await auth(env.client, "admin")
    hook = env.robots.add("dingtalk")
    robot = await add_robot(env, admin, vendor="dingtalk", url=hook.url, secret=hook.secret, kinds=["approval"])
    assert robot["has_secret"] is True and robot["kinds"] == ["approval"]
    assert robot["url"].endswith(f"access_token=…{hook.token[-4:]}")
    unit_id = robot["unit_id"]
    listed = await env.client.get(f"/api/org/units/{unit_id}/robots", headers=admin)
    # the masked URL sent back keeps the real one
    renamed = await env.client.patch(f"/api/org/robots/{robot['id']}", headers={**admin, "If-Match": robot["etag"]},
                                     json={"name": "市场部群", "url": robot["url"]})
    assert renamed.status_code == 200 and renamed.json()["name"] == "市场部群"
    audit = await env.client.get("/api/org/audit", headers=admin, params={"subject_type": "robot_channel"})
    for response in (listed, renamed, audit):
        assert hook.secret not in response.text and hook.token not in response.text
    assert [r["name"] for r in listed.json()["items"]] == ["MKT dingtalk"]

    # the real address and secret are still used
    await queue(env, channel="dingtalk", address=f"robot:{robot['id']}", robot_id=robot["id"])
    assert await env.dispatcher.run_once() == 1
    await env.robots.wait_for(1, timeout=10)

    stale = await env.client.patch(f"/api/org/robots/{robot['id']}", headers={**admin, "If-Match": robot["etag"]},
                                   json={"name": "又改"})
    assert stale.status_code == 412


async def test_robot_admin_is_refused_to_non_admins_unknown_fields_and_unsafe_addresses(org):
    admin, manager = await auth(org, "admin"), await auth(org, "market_mgr")
    unit_id = (await unit_by_code(org, admin, "MKT"))["id"]
    body = {"vendor": "dingtalk", "name": "市场部群", "url": "https://oapi.dingtalk.com/robot/send?access_token=abcdef1234",
            "secret": "SECxyz"}
    r = await org.post(f"/api/org/units/{unit_id}/robots", headers=admin, json=body)
    assert r.status_code == 201, r.text
    robot = r.json()

    for method, path, payload in [
        ("GET", f"/api/org/units/{unit_id}/robots", None),
        ("POST", f"/api/org/units/{unit_id}/robots", body),
        ("PATCH", f"/api/org/robots/{robot['id']}", {"name": "x"}),
        ("DELETE", f"/api/org/robots/{robot['id']}", None),
        ("POST", f"/api/org/robots/{robot['id']}/test", None),
        ("POST", "/api/org/channels/email/test", {"to": "a@example.com"}),
        ("GET", "/api/org/channels", None),
        ("GET", "/api/org/outgoing-messages", None),
    ]:
        r = await org.request(method, path, headers=manager, **({"json": payload} if payload is not None else {}))
        assert r.status_code == 403, f"{method} {path}: {r.status_code}"

    r = await org.post(f"/api/org/units/{unit_id}/robots", headers=admin, json={**body, "token": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith("token")
    r = await org.patch(f"/api/org/robots/{robot['id']}", headers=admin, json={"secret_plain": "x"})
    assert r.status_code == 422
    r = await org.post(f"/api/org/units/{unit_id}/robots", headers=admin, json={**body, "vendor": "slack"})
    assert r.status_code == 422
    for unsafe in ("http://127.0.0.1:8001/api/org/users", "http://10.0.0.5/robot/send?access_token=x",
                   "ftp://oapi.dingtalk.com/robot/send", "https://user:pw@oapi.dingtalk.com/robot/send"):
        r = await org.post(f"/api/org/units/{unit_id}/robots", headers={**admin, **ZH}, json={**body, "url": unsafe})
        assert r.status_code == 422, unsafe
        assert "机器人地址不可用" in r.json()["detail"], r.json()
    r = await org.patch(f"/api/org/robots/{robot['id']}", headers={**admin, **ZH},
                        json={"url": "http://192.168.1.10/hook"})
    assert r.status_code == 422 and "内网" in r.json()["detail"]
    assert (await org.post("/api/org/outgoing-messages/999/retry", headers=admin)).status_code == 404


async def test_the_delivery_log_is_newest_first_filtered_and_paged(env):
    admin = await auth(env.client, "admin")
    ids = [await queue(env, channel="email", address=f"p{i}@example.com", body=content(subject=f"主题 {i}"))
           for i in range(3)]
    hook = env.robots.add("wecom")
    robot = await add_robot(env, admin, vendor="wecom", url=hook.url, secret="")
    robot_msg = await queue(env, channel="wecom", address=f"robot:{robot['id']}", robot_id=robot["id"])

    page = (await env.client.get("/api/org/outgoing-messages", headers=admin, params={"limit": 2})).json()
    assert [m["id"] for m in page["items"]] == [robot_msg, ids[2]]
    rest = (await env.client.get("/api/org/outgoing-messages", headers=admin,
                                 params={"limit": 2, "cursor": page["next_cursor"]})).json()
    assert [m["id"] for m in rest["items"]] == [ids[1], ids[0]] and rest["next_cursor"] is None
    first = rest["items"][1]
    assert (first["address"], first["subject"], first["status"], first["attempts"]) == \
        ("p0@example.com", "主题 0", "pending", 0)
    emails = (await env.client.get("/api/org/outgoing-messages", headers=admin,
                                   params={"channel": "email"})).json()["items"]
    assert [m["id"] for m in emails] == ids[::-1]
    r = await env.client.get("/api/org/outgoing-messages", headers=admin, params={"status": "lost"})
    assert r.status_code == 422


@pytest.mark.parametrize("security", ["tls", "none"])
async def test_email_also_goes_over_implicit_tls_and_a_plain_trusted_relay(org_url, security):
    async with MailServer(security=security) as mail:
        app = create_app(channel_settings(org_url, **mail.settings()))
        async with running(app, base_url="http://org") as client:
            env = Env(client, app, mail, None)  # type: ignore[arg-type]
            message_id = await queue(env, channel="email", address="gm@example.com")
            assert await env.dispatcher.run_once() == 1
            [got] = await mail.wait_for(1, timeout=10)
            assert got["Subject"] == "计划待审批：2027 年市场部年度计划"
            assert mail.received[0].tls is (security == "tls")
            assert (await message(env, message_id)).status == "sent"


async def test_an_smtp_server_with_an_untrusted_certificate_is_a_failure_the_log_shows(org_url):
    async with MailServer() as mail:
        app = create_app(channel_settings(org_url, **{**mail.settings(), "smtp_ca_file": ""}))
        async with running(app, base_url="http://org") as client:
            env = Env(client, app, mail, None)  # type: ignore[arg-type]
            message_id = await queue(env, channel="email", address="gm@example.com")
            assert await env.dispatcher.run_once() == 1
            row = await message(env, message_id)
            assert row.status == "pending" and row.attempts == 1 and "CERTIFICATE_VERIFY_FAILED" in row.last_error
            assert mail.received == []


async def test_e_mail_without_an_smtp_server_configured_is_dropped_at_once_with_the_reason(org_url):
    """A company without e-mail (the demo) does not retry every notice's e-mail for hours: it is dropped, and the
    log says why (an admin who configures e-mail may retry it)."""
    app = create_app(channel_settings(org_url))
    async with running(app, base_url="http://org") as client:
        env = Env(client, app, None, None)
        message_id = await queue(env, channel="email", address="market_mgr@example.com")
        assert await env.dispatcher.run_once() == 1
        row = await message(env, message_id)
        assert (row.status, row.attempts) == ("dropped", 0)
        assert "not configured" in row.last_error
