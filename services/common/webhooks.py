"""Webhooks for other company systems: Standard Webhooks signatures and safe target URLs.

Signature: ``webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>``
where the key is the base64 part of the ``whsec_...`` secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
from urllib.parse import urlsplit

TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": sign(secret, msg_id, ts, body),
            "content-type": "application/json"}


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: int | None = None) -> bool:
    """What a receiver does: check the timestamp window and any of the ``v1`` signatures."""
    h = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id, ts = h["webhook-id"], int(h["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else int(time.time())) - ts) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, msg_id, ts, body)
    return any(hmac.compare_digest(expected, s) for s in h.get("webhook-signature", "").split())


class UnsafeTarget(ValueError):
    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh


def _is_private(ip: ipaddress._BaseAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10")))


def check_target(url: str, *, allow_private: bool, resolve: bool = True) -> None:
    """Refuse URLs that are not http(s), or that point into loopback or private networks.

    Names are resolved and every address checked, so a public-looking name that
    resolves to 10.0.0.5 is refused too; delivery checks again (DNS can change).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Webhook URLs must use http or https.", "Webhook 地址须以 http 或 https 开头。")
    if not parts.hostname:
        raise UnsafeTarget("The webhook URL has no host.", "Webhook 地址缺少主机名。")
    if parts.username or parts.password:
        raise UnsafeTarget("Put credentials in the signature secret, not in the URL.", "请勿把账号密码写在地址中，凭据请使用签名密钥。")
    if allow_private:
        return
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        if host.lower() in ("localhost",) or host.lower().endswith(".localhost"):
            raise UnsafeTarget("Webhook URLs may not point at this machine.", "Webhook 地址不能指向本机。")
        if not resolve:
            return
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise UnsafeTarget(f"The host '{host}' cannot be resolved.", f"无法解析主机“{host}”。") from exc
        addresses = [ipaddress.ip_address(i[4][0].split("%")[0]) for i in infos]
    for ip in addresses:
        if _is_private(ip):
            raise UnsafeTarget(f"Webhook URLs may not point into loopback or private networks ({ip}); "
                               "the deployment can allow that with YUNGUAN_WEBHOOK_ALLOW_PRIVATE_TARGETS=1.",
                               f"Webhook 地址不能指向本机或内网（{ip}）；如确需如此，可由部署方开启 YUNGUAN_WEBHOOK_ALLOW_PRIVATE_TARGETS=1。")
