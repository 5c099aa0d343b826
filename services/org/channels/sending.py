"""What every sender shares: how a failure is reported, and the link a message opens."""

from __future__ import annotations

from services.common.i18n import EN, ZH
from services.common.settings import ServiceSettings

# The link's label, and the lines an e-mail ends with, in each language a message is written in.
OPEN = {ZH: "打开", EN: "Open"}


class SendFailed(Exception):
    """The channel refused the message or could not be reached; the text is what an admin sees."""


def language_of(content: dict[str, object]) -> str:
    language = str(content.get("language") or ZH)
    return language if language in OPEN else ZH


def deep_link(settings: ServiceSettings, link: object) -> str:
    """The address a message's link opens: the SPA path under ``settings.public_url`` (empty: none)."""
    path = str(link or "")
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.public_url.rstrip("/") + "/" + path.lstrip("/")
