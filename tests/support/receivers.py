"""Real counterparts for org's outgoing channels: an SMTP server and a group-robot receiver.

Both listen on 127.0.0.1 (free ports), record what they accept and what they refuse, and are waited
on, never slept on::

    async with MailServer(auth=("mailer", "pw")) as mail:           # STARTTLS, self-signed CA
        app = create_app(settings("org", url, **mail.settings()))   # smtp_host/port/security/ca_file/…
        # (or mail.env(): YUNGUAN_SMTP_* for a process stack)
        ...
        [message] = await mail.wait_for(1, timeout=10)             # email.message.EmailMessage
        message["Subject"], message.get_body(("plain",)).get_content()

    async with RobotReceiver() as robots:
        hook = robots.add("dingtalk")                  # Hook(vendor, url, secret, token): what an admin enters
        ...
        [post] = await robots.wait_for(1, timeout=10)  # Post(vendor, token, query, body)
        await robots.wait_for(1, rejected=True)        # a refused post: Post.code, Post.message say why
        robots.hold(); ...; robots.release()           # posts are recorded but answered only after release

The robot receiver checks each vendor's documented request exactly (services/org/channels/robots.py
describes them) and answers as the vendor does: HTTP 200 with ``errcode``/``code`` 0, or the vendor's
error code and message (DingTalk 310000 "sign not match", WeCom 93000, Feishu 19021…).
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import email
import email.policy
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import ssl
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support import free_port

# aiosmtpd warns about AUTH without STARTTLS (on an implicit-TLS listener, which is encrypted anyway),
# and logs a deprecation each time it sets an attribute of its own
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS", category=UserWarning)
logging.getLogger("mail.log").addFilter(lambda record: "login_data is deprecated" not in record.getMessage())

# DingTalk and Feishu refuse a signature older (or newer) than this.
SIGNATURE_WINDOW_SECONDS = 3600


# --- SMTP ----------------------------------------------------------------------------------------


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it.
    (ca.pem, server.pem, server-key.pem) in ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Yunguan test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class Mail:
    """One message the SMTP server accepted."""

    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]
    tls: bool            # the session was encrypted (STARTTLS or implicit TLS) when the message came
    login: str | None    # who authenticated, if anyone


class MailServer:
    """A real SMTP server (aiosmtpd's Controller, in its own thread) on 127.0.0.1 at a free port.

    ``security`` is what the org settings will say: ``starttls`` (the server requires STARTTLS before
    MAIL), ``tls`` (implicit TLS on connect) or ``none``. The certificate is signed by a throw-away CA
    whose file :meth:`settings` gives as ``smtp_ca_file``. With ``auth=(user, password)`` the server
    requires that login (over TLS); a wrong one is refused (counted in ``refused_logins``).
    """

    def __init__(self, *, security: str = "starttls", auth: tuple[str, str] | None = None):
        if security not in ("starttls", "tls", "none"):
            raise ValueError(security)
        self.security = security
        self.auth = auth
        self.host = "127.0.0.1"
        self.port = 0
        self.ca_file = ""
        self.received: list[Mail] = []
        self.refused_logins = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._arrived: asyncio.Event | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [m.message for m in self.received]

    def settings(self) -> dict[str, Any]:
        """The ``smtp_*`` settings that send to this server."""
        user, password = self.auth or ("", "")
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_security": self.security,
                "smtp_ca_file": self.ca_file, "smtp_username": user, "smtp_password": password,
                "smtp_timeout": 10.0}

    def env(self) -> dict[str, str]:
        """The same as environment variables, for a service started as a process (tools.stack)."""
        return {f"YUNGUAN_{name.upper()}": str(value) for name, value in self.settings().items()}

    async def wait_for(self, n: int, timeout: float = 10.0) -> list[EmailMessage]:  # noqa: ASYNC109 - a deadline
        """The first ``n`` messages, once that many have arrived; TimeoutError naming what came otherwise."""
        assert self._arrived is not None, "use the server as `async with MailServer() as mail:`"
        deadline = time.monotonic() + timeout
        while len(self.received) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self.received)} of {n} e-mails arrived within {timeout} s")
            self._arrived.clear()
            if len(self.received) >= n:
                break
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass
        return self.messages[:n]

    # aiosmtpd's handler hook, called in the server's thread
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        with self._lock:
            # an implicit-TLS listener speaks nothing but TLS; aiosmtpd marks only STARTTLS sessions
            self.received.append(Mail(message=parsed, mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos),
                                      tls=session.ssl is not None or self.security == "tls", login=login))
        if self._loop is not None and self._arrived is not None:
            self._loop.call_soon_threadsafe(self._arrived.set)
        return "250 Message accepted for delivery"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.auth is not None and \
                (auth_data.login.decode(), auth_data.password.decode()) == self.auth:
            return AuthResult(success=True, auth_data=auth_data.login)
        self.refused_logins += 1
        return AuthResult(success=False, handled=False)

    async def __aenter__(self) -> MailServer:
        self._loop = asyncio.get_running_loop()
        self._arrived = asyncio.Event()
        self._folder = tempfile.TemporaryDirectory(prefix="yunguan-smtp-")
        ca, cert, key = make_certificates(Path(self._folder.name))
        self.ca_file = str(ca)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.port = free_port()
        kwargs: dict[str, Any] = {"hostname": self.host, "port": self.port, "server_hostname": "yunguan-test-smtp"}
        if self.security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif self.security == "tls":
            kwargs.update(ssl_context=context)
        if self.auth is not None:
            # aiosmtpd only counts STARTTLS as TLS: on an implicit-TLS connection (already encrypted) and
            # without TLS, AUTH is offered as it is
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=self.security == "starttls")
        self._controller = Controller(self, **kwargs)
        # the controller's start waits for its thread (and probes the port): not on the test's loop
        await asyncio.to_thread(self._controller.start)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._controller is not None:
            await asyncio.to_thread(self._controller.stop)
        if self._folder is not None:
            self._folder.cleanup()


# --- group robots ----------------------------------------------------------------------------------


@dataclass
class Hook:
    """A robot the receiver knows: what an admin would enter (``url``, ``secret``) and its token."""

    vendor: str
    url: str
    secret: str
    token: str


@dataclass
class Post:
    """One request a robot path received; ``code``/``message`` are the vendor's answer (0 accepted)."""

    vendor: str
    token: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    code: int = 0
    message: str = "ok"
    at: float = field(default_factory=time.time)


def dingtalk_expected_sign(secret: str, timestamp: str) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def feishu_expected_sign(secret: str, timestamp: str) -> str:
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


class Refused(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class RobotReceiver:
    """DingTalk, WeCom and Feishu webhooks as the vendors serve them, on 127.0.0.1 (aiohttp).

    Paths as the vendors' own: ``/robot/send?access_token=`` (DingTalk), ``/cgi-bin/webhook/send?key=``
    (WeCom), ``/open-apis/bot/v2/hook/<token>`` (Feishu). :meth:`add` registers a robot and gives what
    an admin would configure; ``accepted`` and ``rejected`` list the posts in arrival order. Org needs
    ``webhook_allow_private_targets=True`` (``YUNGUAN_WEBHOOK_ALLOW_PRIVATE_TARGETS=1``) to post to 127.0.0.1.
    """

    def __init__(self) -> None:
        self.base_url = ""
        self.hooks: dict[tuple[str, str], Hook] = {}
        self.accepted: list[Post] = []
        self.rejected: list[Post] = []
        self._changed = asyncio.Event()
        self._answering = asyncio.Event()
        self._answering.set()
        self._runner: web.AppRunner | None = None

    def hold(self) -> None:
        """Keep checking and recording posts but answer none until :meth:`release` (a vendor that hangs)."""
        self._answering.clear()

    def release(self) -> None:
        self._answering.set()

    def add(self, vendor: str, *, secret: str | None = None) -> Hook:
        """A new robot of ``vendor``. DingTalk and Feishu get a signing secret unless ``secret=""`` (then
        the receiver checks no signature); a WeCom robot's key is its token, in the URL."""
        token = secrets.token_hex(16)
        if vendor == "dingtalk":
            secret = ("SEC" + secrets.token_hex(24)) if secret is None else secret
            url = f"{self.base_url}/robot/send?access_token={token}"
        elif vendor == "wecom":
            secret = ""
            url = f"{self.base_url}/cgi-bin/webhook/send?key={token}"
        elif vendor == "feishu":
            secret = secrets.token_urlsafe(16) if secret is None else secret
            url = f"{self.base_url}/open-apis/bot/v2/hook/{token}"
        else:
            raise ValueError(vendor)
        hook = Hook(vendor=vendor, url=url, secret=secret, token=token)
        self.hooks[(vendor, token)] = hook
        return hook

    async def wait_for(self, n: int, timeout: float = 10.0, *,  # noqa: ASYNC109 - a deadline over many posts
                       rejected: bool = False) -> list[Post]:
        """The first ``n`` accepted posts (``rejected=True``: refused ones) once that many came."""
        seen = self.rejected if rejected else self.accepted
        deadline = time.monotonic() + timeout
        while len(seen) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(seen)} of {n} {'refused' if rejected else 'accepted'} robot posts within "
                                   f"{timeout} s (accepted {len(self.accepted)}, refused "
                                   f"{[(p.vendor, p.code, p.message) for p in self.rejected]})")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass
        return seen[:n]

    # --- the vendors' checks ---------------------------------------------------------------------

    @staticmethod
    def _json(body: bytes, headers: dict[str, str], refuse: Refused) -> Any:
        if not headers.get("content-type", "").startswith("application/json"):
            raise refuse
        try:
            return json.loads(body)
        except ValueError:
            raise refuse from None

    @staticmethod
    def _fresh(timestamp: str, *, millis: bool) -> bool:
        if not timestamp.isdigit():
            return False
        seconds = int(timestamp) / (1000 if millis else 1)
        return abs(time.time() - seconds) <= SIGNATURE_WINDOW_SECONDS

    def _dingtalk(self, post: Post, raw: bytes) -> None:
        hook = self.hooks.get(("dingtalk", post.query.get("access_token", "")))
        if hook is None:
            raise Refused(300001, "token is not exist")
        if hook.secret:
            timestamp, sign = post.query.get("timestamp", ""), post.query.get("sign", "")
            if not self._fresh(timestamp, millis=True):
                raise Refused(310000, "invalid timestamp")
            if not hmac.compare_digest(sign, dingtalk_expected_sign(hook.secret, timestamp)):
                raise Refused(310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]")
        body = self._json(raw, post.headers, Refused(43004, "无效的HTTP HEADER Content-Type"))
        post.body = body
        markdown = body.get("markdown") if isinstance(body, dict) else None
        if not isinstance(body, dict) or body.get("msgtype") != "markdown" \
                or set(body) - {"msgtype", "markdown", "at"} or not isinstance(markdown, dict) \
                or set(markdown) != {"title", "text"} \
                or not all(isinstance(markdown[k], str) and markdown[k] for k in ("title", "text")):
            raise Refused(40035, "缺少参数 markdown.title/markdown.text")

    def _wecom(self, post: Post, raw: bytes) -> None:
        if ("wecom", post.query.get("key", "")) not in self.hooks:
            raise Refused(93000, "invalid webhook url, hint: [key invalid]")
        body = self._json(raw, post.headers, Refused(40008, "invalid message type"))
        post.body = body
        markdown = body.get("markdown") if isinstance(body, dict) else None
        if not isinstance(body, dict) or body.get("msgtype") != "markdown" or set(body) != {"msgtype", "markdown"} \
                or not isinstance(markdown, dict) or set(markdown) != {"content"} \
                or not isinstance(markdown["content"], str) or not markdown["content"]:
            raise Refused(40008, "invalid message type")
        if len(markdown["content"].encode()) > 4096:
            raise Refused(40058, "markdown.content exceed max length 4096")

    def _feishu(self, post: Post, raw: bytes) -> None:
        hook = self.hooks.get(("feishu", post.token))
        if hook is None:
            raise Refused(19001, "param invalid: incoming webhook access token invalid")
        body = self._json(raw, post.headers, Refused(9499, "Bad Request"))
        post.body = body
        if not isinstance(body, dict):
            raise Refused(9499, "Bad Request")
        if hook.secret:
            timestamp, sign = body.get("timestamp"), body.get("sign")
            if not isinstance(timestamp, str) or not isinstance(sign, str) or not self._fresh(timestamp, millis=False) \
                    or not hmac.compare_digest(sign, feishu_expected_sign(hook.secret, timestamp)):
                raise Refused(19021, "sign match fail or timestamp is not within one hour from current time")
        allowed = {"msg_type", "content"} | ({"timestamp", "sign"} if hook.secret else set())
        post_ = body.get("content", {}).get("post") if isinstance(body.get("content"), dict) else None
        zh = post_.get("zh_cn") if isinstance(post_, dict) else None
        if body.get("msg_type") != "post" or set(body) - allowed or not isinstance(zh, dict) \
                or not isinstance(zh.get("title"), str) or not isinstance(zh.get("content"), list) \
                or not all(isinstance(line, list) and all(self._feishu_element(e) for e in line)
                           for line in zh["content"]):
            raise Refused(9499, "Bad Request")

    @staticmethod
    def _feishu_element(element: Any) -> bool:
        if not isinstance(element, dict):
            return False
        if element.get("tag") == "text":
            return isinstance(element.get("text"), str)
        if element.get("tag") == "a":
            return isinstance(element.get("text"), str) and str(element.get("href", "")).startswith(("http://",
                                                                                                       "https://"))
        return element.get("tag") in ("at", "img")

    async def _handle(self, request: web.Request, vendor: str, token: str) -> web.Response:
        raw = await request.read()
        post = Post(vendor=vendor, token=token, query=dict(request.query), body=None,
                    headers={k.lower(): v for k, v in request.headers.items()})
        check = {"dingtalk": self._dingtalk, "wecom": self._wecom, "feishu": self._feishu}[vendor]
        try:
            check(post, raw)
            self.accepted.append(post)
        except Refused as refusal:
            post.code, post.message = refusal.code, refusal.message
            self.rejected.append(post)
        self._changed.set()
        await self._answering.wait()
        if vendor == "feishu":
            answer: dict[str, Any] = {"code": post.code, "msg": "success" if post.code == 0 else post.message,
                                      "data": {}}
            if post.code == 0:
                answer.update(StatusCode=0, StatusMessage="success")
        else:
            answer = {"errcode": post.code, "errmsg": "ok" if post.code == 0 else post.message}
        return web.json_response(answer)  # the vendors answer 200 whether or not they took the message

    async def __aenter__(self) -> RobotReceiver:
        app = web.Application()

        async def dingtalk(request: web.Request) -> web.Response:
            return await self._handle(request, "dingtalk", request.query.get("access_token", ""))

        async def wecom(request: web.Request) -> web.Response:
            return await self._handle(request, "wecom", request.query.get("key", ""))

        async def feishu(request: web.Request) -> web.Response:
            return await self._handle(request, "feishu", request.match_info["token"])

        app.router.add_post("/robot/send", dingtalk)
        app.router.add_post("/cgi-bin/webhook/send", wecom)
        app.router.add_post("/open-apis/bot/v2/hook/{token}", feishu)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release()  # a held answer would keep the server's shutdown waiting
        if self._runner is not None:
            await self._runner.cleanup()
