"""E-mail over SMTP (aiosmtplib): STARTTLS, implicit TLS or none, a company CA, plain text and HTML.

(Named ``mail`` rather than ``email``, which would shadow the standard library's package.)
"""

from __future__ import annotations

import hashlib
import html
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib

from services.common.i18n import EN, ZH
from services.common.settings import ServiceSettings
from services.org.channels.sending import SendFailed, deep_link, language_of

SECURITY = ("starttls", "tls", "none")

FOOTER = {
    ZH: ("在运管中打开：{link}", "此邮件由运管系统自动发送，请勿直接回复。"),
    EN: ("Open in Yunguan: {link}", "Sent automatically by Yunguan; please do not reply to it."),
}


def configured(settings: ServiceSettings) -> bool:
    return bool(settings.smtp_host)


def message_id(dedupe_key: str) -> str:
    """The same message always has the same Message-ID, so a mail client folds a repeat sent after a
    crash between the send and its record."""
    return f"<outgoing-{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@yunguan>"


def compose(settings: ServiceSettings, *, to: str, content: dict[str, Any], dedupe_key: str) -> EmailMessage:
    """The e-mail for ``content`` ({subject, text, link, language}), in the recipient's language, with
    the deep link in a footer; plain text with an HTML alternative."""
    language = language_of(content)
    subject = str(content.get("subject") or "")
    text = str(content.get("text") or "").replace("\r\n", "\n")
    link = deep_link(settings, content.get("link"))
    open_line, automatic = FOOTER[language]
    footer = ([open_line.format(link=link)] if link else []) + [automatic]

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(dedupe_key)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back
    message["Content-Language"] = language
    message.set_content(text + "\n\n--\n" + "\n".join(footer) + "\n", charset="utf-8")

    paragraphs = "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in text.split("\n\n")
                         if part.strip())
    if link:
        anchor = f'<a href="{html.escape(link, quote=True)}">{html.escape(link)}</a>'
        open_html = html.escape(open_line).replace(html.escape("{link}"), anchor)
        footer_html = f"<p>{open_html}</p><p>{html.escape(automatic)}</p>"
    else:
        footer_html = f"<p>{html.escape(automatic)}</p>"
    message.add_alternative(
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(subject)}</title>'
        f"</head><body><h3>{html.escape(subject)}</h3>{paragraphs}<hr>"
        f'<div style="color:#666;font-size:12px">{footer_html}</div></body></html>', subtype="html", charset="utf-8")
    return message


def _tls_context(settings: ServiceSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)


async def send(settings: ServiceSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server the settings name; SendFailed with the reason."""
    if not configured(settings):
        raise SendFailed("E-mail is not configured (YUNGUAN_SMTP_HOST is empty).")
    security = settings.smtp_security
    if security not in SECURITY:
        raise SendFailed(f"YUNGUAN_SMTP_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}.")
    try:
        context = _tls_context(settings) if security != "none" else None
        await aiosmtplib.send(message, hostname=settings.smtp_host, port=settings.smtp_port,
                              username=settings.smtp_username or None, password=settings.smtp_password or None,
                              use_tls=security == "tls", start_tls=security == "starttls", tls_context=context,
                              timeout=settings.smtp_timeout)
    except (aiosmtplib.SMTPException, ssl.SSLError, OSError, TimeoutError) as exc:
        raise SendFailed(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(exc).__name__}: {exc}"[:500]) \
            from exc
