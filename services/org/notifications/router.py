"""The caller's notification centre and channel preferences; the company's default channels."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query

from services.common.api import CursorParam
from services.common.db import Session
from services.common.runtime import RuntimeDep
from services.org.channels import mail
from services.org.deps import AdminPrincipal, Me
from services.org.notifications import service
from services.org.notifications.schemas import (
    DefaultsBody,
    DefaultsRead,
    Kind,
    Marked,
    NotificationPage,
    NotificationRead,
    PreferencesBody,
    PreferencesRead,
    UnreadCount,
)

router = APIRouter(tags=["notifications"])


@router.get("/me/notifications", response_model=NotificationPage, summary="My notifications, newest first")
async def list_notifications(session: Session, me: Me, unread: bool = Query(False, description="Unread only"),
                             kind: Kind | None = Query(None), limit: int = Query(30, ge=1, le=200),
                             cursor: str | None = CursorParam):
    return await service.list_mine(session, me, unread_only=unread, kind=kind, limit=limit, cursor=cursor)


@router.get("/me/notifications/unread-count", response_model=UnreadCount, summary="How many I have not read")
async def unread_count(session: Session, me: Me):
    return await service.unread_count(session, me)


@router.post("/me/notifications/read-all", response_model=Marked, summary="Mark all my notifications read")
async def mark_all_read(session: Session, me: Me):
    return await service.mark_all_read(session, me)


@router.post("/me/notifications/{notification_id}/read", response_model=NotificationRead,
             summary="Mark one of my notifications read")
async def mark_read(session: Session, me: Me, notification_id: int = Path(ge=1)):
    return await service.mark_read(session, me, notification_id)


@router.get("/me/notification-preferences", response_model=PreferencesRead,
            summary="My channels per kind, quiet hours and e-mail language")
async def get_preferences(session: Session, me: Me, rt: RuntimeDep):
    return await service.get_preferences(session, me, email_enabled=mail.configured(rt.settings))


@router.put("/me/notification-preferences", response_model=PreferencesRead, summary="Set my notification choices")
async def put_preferences(body: PreferencesBody, session: Session, me: Me, rt: RuntimeDep):
    return await service.put_preferences(session, me, body, email_enabled=mail.configured(rt.settings))


@router.get("/notification-defaults", response_model=DefaultsRead, summary="The company's default channels")
async def get_defaults(session: Session, admin: AdminPrincipal):
    return await service.get_defaults(session)


@router.put("/notification-defaults", response_model=DefaultsRead,
            summary="Set the company's default channels (admin over the company)")
async def put_defaults(body: DefaultsBody, session: Session, admin: AdminPrincipal):
    return await service.put_defaults(session, admin, body)
