"""Group robots: DingTalk custom robots, WeCom group robots and Feishu custom bots.

Each vendor as it documents its webhook (and as the tests' receiver checks it):

- DingTalk: POST ``<url>&timestamp=<ms>&sign=<urlencoded base64(HMAC-SHA256(secret, f"{ts}\\n{secret}"))>``
  (signed when a secret is set) with ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  success is ``{"errcode": 0}``.
- WeCom: POST ``…/webhook/send?key=KEY`` (the key is the secret: added to the URL when the URL lacks
  it; no signature) with ``{"msgtype": "markdown", "markdown": {"content"}}``, content at most 4096 bytes;
  success is ``{"errcode": 0}``.
- Feishu: POST ``…/bot/v2/hook/TOKEN`` with ``{"timestamp": "<s>", "sign": base64(HMAC-SHA256(
  key=f"{ts}\\n{secret}", msg=b"")), "msg_type": "post", "content": {"post": {"zh_cn": {"title",
  "content": [[text], [a]]}}}}`` (timestamp and sign when a secret is set); success is ``{"code": 0}``.

Every vendor answers HTTP 200 for a refused message too; its code and message then say why, and
that is the failure an admin sees. Addresses are checked (and pinned) by the kernel's SSRF guard.

Why not a library such as apprise: it would post to the name it resolves itself, past the guard's
pinned address, and it reduces a vendor's refusal to a bare False, while an admin needs the vendor's
reason ("sign not match") in the delivery log.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

import httpx

from services.common import webhooks
from services.common.settings import ServiceSettings
from services.org.channels.sending import OPEN, SendFailed, deep_link, language_of

VENDORS = ("dingtalk", "wecom", "feishu")
VENDOR_NAMES = {"dingtalk": "DingTalk", "wecom": "WeCom", "feishu": "Feishu"}
VENDOR_NAMES_ZH = {"dingtalk": "钉钉", "wecom": "企业微信", "feishu": "飞书"}
# WeCom refuses markdown content longer than this (bytes of UTF-8).
WECOM_MAX_BYTES = 4096


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (before URL encoding): base64 of HMAC-SHA256 keyed with the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: base64 of HMAC-SHA256 keyed with ``"{timestamp}\\n{secret}"`` over nothing."""
    mac = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]


def _fit_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[:max(0, limit - 3)].decode(errors="ignore") + "…"


def payload(vendor: str, content: dict[str, Any], settings: ServiceSettings) -> dict[str, Any]:
    """The JSON body a vendor's robot is sent for ``content`` ({subject, text, link, language})."""
    subject = str(content.get("subject") or "")
    text = str(content.get("text") or "")
    link = deep_link(settings, content.get("link"))
    label = OPEN[language_of(content)]
    if vendor == "dingtalk":
        body = "\n\n".join(line for line in _lines(text) if line)
        markdown = f"#### {subject}\n\n{body}" + (f"\n\n[{label}]({link})" if link else "")
        return {"msgtype": "markdown", "markdown": {"title": subject, "text": markdown}}
    if vendor == "wecom":
        tail = f"\n[{label}]({link})" if link else ""
        head = f"**{subject}**\n"
        room = WECOM_MAX_BYTES - len(head.encode()) - len(tail.encode())
        return {"msgtype": "markdown", "markdown": {"content": head + _fit_bytes(text, room) + tail}}
    if vendor == "feishu":
        paragraphs: list[list[dict[str, str]]] = [[{"tag": "text", "text": text}]]
        if link:
            paragraphs.append([{"tag": "a", "text": label, "href": link}])
        return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": subject, "content": paragraphs}}}}
    raise ValueError(f"unknown robot vendor {vendor!r}")


def _with_query(url: str, extra: str) -> str:
    return url + ("&" if urlsplit(url).query else "?") + extra


def request_for(vendor: str, url: str, secret: str, content: dict[str, Any], settings: ServiceSettings, *,
                now: float | None = None) -> tuple[str, dict[str, Any]]:
    """The URL to post to and the body, signed as the vendor wants when a secret is set."""
    body = payload(vendor, content, settings)
    at = time.time() if now is None else now
    if vendor == "dingtalk" and secret:
        timestamp = int(at * 1000)
        url = _with_query(url, f"timestamp={timestamp}&sign={quote_plus(dingtalk_sign(secret, timestamp))}")
    elif vendor == "wecom" and secret and "key" not in dict(parse_qsl(urlsplit(url).query)):
        url = _with_query(url, urlencode({"key": secret}))
    elif vendor == "feishu" and secret:
        timestamp = int(at)
        body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
    return url, body


def _refusal(vendor: str, answer: Any) -> str | None:
    """The vendor's reason when its answer refuses the message; None when it took it."""
    if not isinstance(answer, dict):
        return f"{VENDOR_NAMES[vendor]} answered something other than a JSON object"
    if vendor == "feishu":
        code = answer.get("code", answer.get("StatusCode"))
        message = answer.get("msg", answer.get("StatusMessage", ""))
        label = "code"
    else:
        code, message, label = answer.get("errcode"), answer.get("errmsg", ""), "errcode"
    if code == 0:
        return None
    return f"{VENDOR_NAMES[vendor]} {label} {code}: {message}"[:500]


async def send(client: httpx.AsyncClient, settings: ServiceSettings, *, vendor: str, url: str, secret: str,
               content: dict[str, Any]) -> None:
    """Post ``content`` to a robot; SendFailed with the reason (the vendor's own when it refused)."""
    signed_url, body = request_for(vendor, url, secret, content, settings)
    try:
        # checked at every send, and the connection pinned to the address checked
        target = await asyncio.to_thread(webhooks.check_target, signed_url,
                                         allow_private=settings.webhook_allow_private_targets)
    except webhooks.UnsafeTarget as exc:
        raise SendFailed(str(exc)) from exc
    options = target.request_options()
    data = json.dumps(body, ensure_ascii=False).encode()
    try:
        response = await client.post(target.url, content=data, timeout=settings.relay_timeout,
                                     headers={"content-type": "application/json; charset=utf-8",
                                              **options.get("headers", {})},
                                     extensions=options.get("extensions"))
    except httpx.HTTPError as exc:
        raise SendFailed(f"{VENDOR_NAMES[vendor]} could not be reached: {type(exc).__name__}: {exc}"[:500]) from exc
    if response.status_code != 200:
        raise SendFailed(f"{VENDOR_NAMES[vendor]} answered HTTP {response.status_code}: {response.text[:300]}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise SendFailed(f"{VENDOR_NAMES[vendor]} answered something other than JSON: {response.text[:200]}") \
            from exc
    reason = _refusal(vendor, answer)
    if reason is not None:
        raise SendFailed(reason)


def mask(value: str) -> str:
    """A token shown as its last four characters: ``…abcd``."""
    return "…" + value[-4:] if len(value) > 4 else "…"


def masked_url(url: str) -> str:
    """A robot's address as the API shows it: every query value (DingTalk's access_token, WeCom's
    key) and a Feishu-style token at the end of the path (``/hook/TOKEN``) cut to their last four
    characters, so the address can be recognised but not used."""
    parts = urlsplit(url)
    path = parts.path
    head, _, last = path.rpartition("/")
    if "/hook/" in path and last:
        path = f"{head}/{mask(last)}"
    query = "&".join(f"{name}={mask(value)}" if value else name for name, value in
                     parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))
