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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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
    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.zh = zh


NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_CARRIER_NAT = ipaddress.ip_network("100.64.0.0/10")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and may be routed to: IPv4-mapped and
    -compatible, 6to4 (2002::/16), Teredo (2001::/32, server and client) and NAT64."""
    out: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped:
        out.append(ip.ipv4_mapped)
    if ip.sixtofour:
        out.append(ip.sixtofour)
    if ip.teredo:
        out.extend(ip.teredo)
    packed = ip.packed
    if any(ip in net for net in NAT64_PREFIXES) or (packed[:12] == bytes(12) and int(ip) > 1):
        out.append(ipaddress.IPv4Address(packed[12:]))
    return out


def _is_private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and any(_is_private(v4) for v4 in embedded_ipv4(ip)):
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return True
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in _CARRIER_NAT))


class Target:
    """Where one delivery goes: the checked address it is pinned to, and the name it is for."""

    def __init__(self, url: str, *, host: str | None = None, address: str | None = None):
        self.url = url            # the URL to connect to (the pinned address when there is one)
        self.host = host          # the Host header and TLS server name (the subscriber's own name)
        self.address = address

    def request_options(self) -> dict[str, Any]:
        if self.host is None:
            return {}
        return {"headers": {"host": self.host}, "extensions": {"sni_hostname": self.host.split(":")[0]}}


def check_target(url: str, *, allow_private: bool, resolve: bool = True) -> Target:
    """Refuse URLs that are not http(s), or that point into loopback or private networks.

    Names are resolved and every address checked, so a public-looking name that resolves to
    10.0.0.5 is refused too. The answer pins the delivery to the address that was checked
    (Host header and TLS server name keep the subscriber's name), so a DNS answer that changes
    between the check and the connection (rebinding) cannot redirect it.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Webhook URLs must use http or https.", "Webhook 地址必须使用 http 或 https。")
    if not parts.hostname:
        raise UnsafeTarget("The webhook URL has no host.", "Webhook 地址缺少主机名。")
    if parts.username or parts.password:
        raise UnsafeTarget("Put credentials in the signature secret, not in the URL.",
                           "凭据请放在签名密钥中，不要写在地址里。")
    if allow_private:
        return Target(url)
    host = parts.hostname
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    if literal:
        addresses = [ipaddress.ip_address(host)]
    else:
        if host.lower() in ("localhost",) or host.lower().endswith(".localhost"):
            raise UnsafeTarget("Webhook URLs may not point at this machine.", "Webhook 地址不能指向本机。")
        if not resolve:
            return Target(url)
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise UnsafeTarget(f"The host '{host}' cannot be resolved.", f"无法解析主机名“{host}”。") from exc
        addresses = [ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos]
    for ip in addresses:
        if _is_private(ip):
            raise UnsafeTarget(f"Webhook URLs may not point into loopback or private networks ({ip}); "
                               "the deployment can allow that with YUNGUAN_WEBHOOK_ALLOW_PRIVATE_TARGETS=1.",
                               f"Webhook 地址不能指向本机或内网地址（{ip}）；部署方可用 "
                               "YUNGUAN_WEBHOOK_ALLOW_PRIVATE_TARGETS=1 允许。")
    if literal:
        return Target(url)
    pinned = addresses[0]
    netloc = f"[{pinned}]" if pinned.version == 6 else str(pinned)
    if parts.port:
        netloc += f":{parts.port}"
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return Target(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
                  host=host_header, address=str(pinned))
