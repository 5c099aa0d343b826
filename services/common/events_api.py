"""Event endpoints every service has: the inbound consumer, delivery admin, webhooks."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import audit, webhooks
from services.common.api import CursorParam, LimitParam, Page, RequestBody, check_if_match, etag, paginate, set_etag
from services.common.audit import AuditEntryMixin
from services.common.audit_api import require_admin
from services.common.contracts import Consumer
from services.common.db import Session, utcnow
from services.common.i18n import InvalidValue, zh_of
from services.common.observability import current_request_id
from services.common.org_units import OrgUnitMixin, resync
from services.common.outbox import EventTables, WebhookSubscriptionMixin
from services.common.problems import Conflict, Forbidden, Invalid, NotFound, Unavailable
from services.common.security import CurrentPrincipal
from services.common.service_auth import ServicePrincipal, event_signing_secret, service_of
from services.common.tracing import process_span


class EventEnvelope(RequestBody):
    id: str = Field(min_length=1, max_length=36)
    type: str = Field(min_length=1, max_length=120)
    source: str = Field(min_length=1, max_length=40)
    occurred_at: datetime
    subject: str = Field(max_length=120)
    unit_path: str | None = None
    data: dict[str, Any]


class ReceiveResult(BaseModel):
    status: str  # applied | duplicate | ignored


class OutboxRead(BaseModel):
    seq: int
    id: str
    type: str
    source: str
    occurred_at: datetime
    subject: str
    unit_path: str | None
    data: dict[str, Any]
    status: str
    model_config = {"from_attributes": True}


class DeliveryRead(BaseModel):
    id: int
    event_id: str
    subject: str
    target: str
    url: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    model_config = {"from_attributes": True}


class AttemptRead(BaseModel):
    id: int
    at: datetime
    status_code: int | None
    latency_ms: float
    ok: bool
    error: str
    model_config = {"from_attributes": True}


class DeliveryDetail(DeliveryRead):
    attempts_log: list[AttemptRead] = []


class WebhookCreate(RequestBody):
    url: str = Field(min_length=8, max_length=2000)
    event_types: list[str] = Field(min_length=1, max_length=50,
                                   description="Event types, with * wildcards, e.g. planning.plan.*")
    description: str = Field("", max_length=1000)

    @field_validator("event_types")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        for p in v:
            if not p or len(p) > 120 or any(c.isspace() for c in p):
                raise InvalidValue(f"'{p}' is not an event type pattern", f"“{p}”不是有效的事件类型")
        return v


class WebhookUpdate(RequestBody):
    url: str | None = Field(None, min_length=8, max_length=2000)
    event_types: list[str] | None = Field(None, min_length=1, max_length=50)
    description: str | None = Field(None, max_length=1000)
    active: bool | None = None

    @field_validator("event_types")
    @classmethod
    def _patterns(cls, v: list[str] | None) -> list[str] | None:
        return v if v is None else WebhookCreate._patterns(v)


class WebhookRead(BaseModel):
    id: int
    url: str
    event_types: list[str]
    description: str
    active: bool
    created_at: datetime
    version: int
    model_config = {"from_attributes": True}


class WebhookWithSecret(WebhookRead):
    secret: str = Field(description="Verify deliveries with it; shown only when created or rotated")


_DELIVERY_STATUS_ZH = {"pending": "待投递", "delivered": "已投递", "parked": "已搁置"}


def events_router(t: EventTables, *, service: str, handlers: Sequence[Consumer],
                  org_unit_model: type[OrgUnitMixin] | None = None) -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.post("/events", response_model=ReceiveResult, summary="Inbound events (Yunguan services only)")
    async def receive(event: EventEnvelope, request: Request, session: Session,
                      principal: ServicePrincipal) -> ReceiveResult:
        sender = service_of(principal)
        # An event is believed only from the service that owns its type, and only with that
        # service's signature over these exact bytes: a stolen token alone cannot forge one.
        if event.source != sender or event.type.split(".", 1)[0] != sender:
            raise Forbidden(f"The {sender} service may only deliver its own events, not {event.type} from "
                            f"{event.source}.",
                            zh=f"{sender} 服务只能投递自己的事件，不能投递来自 {event.source} 的 {event.type}。")
        secret = event_signing_secret(request.app.state.settings.service_secret, sender)
        if not webhooks.verify(secret, dict(request.headers), await request.body()):
            raise Forbidden("The event's signature is missing, stale or wrong.",
                            zh="事件签名缺失、过期或不正确。")
        if await session.get(t.processed, event.id) is not None:
            return ReceiveResult(status="duplicate")
        session.add(t.processed(event_id=event.id, type=event.type, source=event.source))
        try:
            await session.flush()
        except IntegrityError:
            # The same event arrived twice at once; the other copy is being applied.
            await session.rollback()
            return ReceiveResult(status="duplicate")
        applied = False
        payload = event.model_dump(mode="json")
        with process_span(request.app.state.tracing, event_type=event.type, event_id=event.id, source=sender):
            for consumer in handlers:
                if consumer.matches(event.type):
                    await consumer.handler(session, payload)
                    applied = True
        return ReceiveResult(status="applied" if applied else "ignored")

    @router.get("/events/outbox", response_model=Page[OutboxRead], summary="Events this service emitted (admin)")
    async def list_outbox(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam, type: str | None = Query(None)) -> Page[OutboxRead]:
        require_admin(principal)
        stmt = select(t.outbox)
        if type:
            stmt = stmt.where(t.outbox.type == type)
        rows, nxt = await paginate(session, stmt, t.outbox.seq, limit=limit, cursor=cursor)
        return Page[OutboxRead](items=[OutboxRead.model_validate(r) for r in rows], next_cursor=nxt)

    @router.get("/events/deliveries", response_model=Page[DeliveryRead], summary="Deliveries (admin)")
    async def list_deliveries(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                              cursor: str | None = CursorParam, status: str | None = Query(None),
                              target: str | None = Query(None)) -> Page[DeliveryRead]:
        require_admin(principal)
        stmt = select(t.delivery)
        if status:
            stmt = stmt.where(t.delivery.status == status)
        if target:
            stmt = stmt.where(t.delivery.target == target)
        rows, nxt = await paginate(session, stmt, t.delivery.id, limit=limit, cursor=cursor)
        return Page[DeliveryRead](items=[DeliveryRead.model_validate(r) for r in rows], next_cursor=nxt)

    @router.get("/events/deliveries/{delivery_id}", response_model=DeliveryDetail)
    async def get_delivery(delivery_id: int, session: Session, principal: CurrentPrincipal) -> DeliveryDetail:
        require_admin(principal)
        d = await session.get(t.delivery, delivery_id)
        if d is None:
            raise NotFound(f"There is no delivery with id {delivery_id}.", zh=f"没有编号为 {delivery_id} 的投递记录。")
        attempts = (await session.execute(select(t.attempt).where(t.attempt.delivery_id == d.id)
                                          .order_by(t.attempt.id))).scalars().all()
        return DeliveryDetail(**DeliveryRead.model_validate(d).model_dump(),
                              attempts_log=[AttemptRead.model_validate(a) for a in attempts])

    @router.post("/events/deliveries/{delivery_id}/retry", response_model=DeliveryRead,
                 summary="Send a parked delivery again (admin)")
    async def retry(delivery_id: int, request: Request, session: Session, principal: CurrentPrincipal) -> DeliveryRead:
        require_admin(principal)
        d = await session.get(t.delivery, delivery_id)
        if d is None:
            raise NotFound(f"There is no delivery with id {delivery_id}.", zh=f"没有编号为 {delivery_id} 的投递记录。")
        if d.status != "parked":
            raise Conflict(f"Only parked deliveries can be retried; this one is {d.status}.",
                           zh=f"只有已搁置的投递才能重试；这条是{_DELIVERY_STATUS_ZH.get(d.status, d.status)}。")
        d.status, d.attempts, d.next_attempt_at, d.last_error = "pending", 0, utcnow(), ""
        await session.flush()
        _wake(request)
        return DeliveryRead.model_validate(d)

    if org_unit_model is not None:
        model = org_unit_model

        @router.post("/org-units/resync", summary="Rebuild the local copy of the org tree now (admin)",
                     response_model=None)
        async def resync_units(request: Request, principal: CurrentPrincipal) -> dict[str, int]:
            require_admin(principal)
            try:
                return {"units": await resync(request.app)}
            except (httpx.HTTPError, OSError) as exc:  # org down or refusing this service's token
                raise Unavailable(f"The org service could not be reached for its tree ({type(exc).__name__}); "
                                  "nothing changed here. Try again when it is up.", headers={"Retry-After": "5"},
                                  zh="暂时无法连接组织服务获取组织树，此处未做任何修改；请在其恢复后重试。") from exc

        @router.get("/org-units", summary="This service's copy of the org tree", response_model=None)
        async def list_units(session: Session, principal: CurrentPrincipal) -> dict[str, list[dict[str, Any]]]:
            rows = (await session.execute(select(model).order_by(model.path))).scalars().all()
            return {"items": [{"id": u.id, "parent_id": u.parent_id, "name": u.name, "code": u.code, "kind": u.kind,
                               "path": u.path, "version": u.version} for u in rows]}

    return router


def _wake(request: Request) -> None:
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        relay.wake.set()


def webhooks_router(t: EventTables, *, service: str, audit_model: type[AuditEntryMixin]) -> APIRouter:
    router = APIRouter(prefix="/webhooks", tags=["webhooks"])

    async def load(session: AsyncSession, webhook_id: int) -> WebhookSubscriptionMixin:
        hook = await session.get(t.webhook, webhook_id)
        if hook is None:
            raise NotFound(f"There is no webhook subscription with id {webhook_id}.",
                           zh=f"没有编号为 {webhook_id} 的 Webhook 订阅。")
        return hook

    async def check_url(request: Request, url: str) -> None:
        allow = request.app.state.settings.webhook_allow_private_targets
        try:
            await asyncio.to_thread(webhooks.check_target, url, allow_private=allow)
        except webhooks.UnsafeTarget as exc:
            raise Invalid(str(exc), field="url", zh=zh_of(exc)) from exc

    def data(hook: WebhookSubscriptionMixin) -> dict[str, Any]:
        return WebhookRead.model_validate(hook).model_dump(mode="json")

    @router.get("", response_model=Page[WebhookRead], summary=f"Webhook subscriptions to {service} events (admin)")
    async def list_hooks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam) -> Page[WebhookRead]:
        require_admin(principal)
        rows, nxt = await paginate(session, select(t.webhook), t.webhook.id, limit=limit, cursor=cursor)
        return Page[WebhookRead](items=[WebhookRead.model_validate(h) for h in rows], next_cursor=nxt)

    @router.post("", response_model=WebhookWithSecret, status_code=201, summary="Subscribe a URL (admin)")
    async def create_hook(body: WebhookCreate, request: Request, response: Response, session: Session,
                          principal: CurrentPrincipal) -> WebhookWithSecret:
        require_admin(principal)
        await check_url(request, body.url)
        hook = t.webhook(url=body.url, event_types=body.event_types, description=body.description,
                         secret=webhooks.new_secret(), created_by=principal.sub)
        session.add(hook)
        await session.flush()
        await audit.append(session, audit_model, actor=principal, action="webhook.created", subject_type="webhook",
                           subject_id=hook.id, after=data(hook), request_id=current_request_id())
        set_etag(response, etag("webhook", hook.id, hook.version))
        return WebhookWithSecret(**data(hook), secret=hook.secret)

    @router.get("/{webhook_id}", response_model=WebhookRead)
    async def get_hook(webhook_id: int, response: Response, session: Session,
                       principal: CurrentPrincipal) -> WebhookSubscriptionMixin:
        require_admin(principal)
        hook = await load(session, webhook_id)
        set_etag(response, etag("webhook", hook.id, hook.version))
        return hook

    @router.patch("/{webhook_id}", response_model=WebhookRead)
    async def update_hook(webhook_id: int, body: WebhookUpdate, request: Request, response: Response,
                          session: Session, principal: CurrentPrincipal) -> WebhookSubscriptionMixin:
        require_admin(principal)
        hook = await load(session, webhook_id)
        check_if_match(request, etag("webhook", hook.id, hook.version))
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        if "url" in changes:
            await check_url(request, changes["url"])
        before = data(hook)
        for k, v in changes.items():
            setattr(hook, k, v)
        await session.flush()
        await audit.append(session, audit_model, actor=principal, action="webhook.updated", subject_type="webhook",
                           subject_id=hook.id, before=before, after=data(hook), request_id=current_request_id())
        set_etag(response, etag("webhook", hook.id, hook.version))
        return hook

    @router.delete("/{webhook_id}", status_code=204)
    async def delete_hook(webhook_id: int, session: Session, principal: CurrentPrincipal) -> Response:
        require_admin(principal)
        hook = await load(session, webhook_id)
        before = data(hook)
        # Pending deliveries to it stop; the log stays.
        for d in (await session.execute(select(t.delivery).where(t.delivery.webhook_id == hook.id,
                                                                 t.delivery.status == "pending"))).scalars():
            d.status, d.last_error = "parked", "the webhook subscription was deleted"
        await session.delete(hook)
        await audit.append(session, audit_model, actor=principal, action="webhook.deleted", subject_type="webhook",
                           subject_id=before["id"], before=before, request_id=current_request_id())
        return Response(status_code=204)

    @router.post("/{webhook_id}/secret", response_model=WebhookWithSecret, summary="Rotate the signing secret")
    async def rotate_secret(webhook_id: int, session: Session, principal: CurrentPrincipal) -> WebhookWithSecret:
        require_admin(principal)
        hook = await load(session, webhook_id)
        hook.secret = webhooks.new_secret()
        await session.flush()
        await audit.append(session, audit_model, actor=principal, action="webhook.secret_rotated",
                           subject_type="webhook", subject_id=hook.id, request_id=current_request_id())
        return WebhookWithSecret(**data(hook), secret=hook.secret)

    @router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryRead], summary="Deliveries to this webhook")
    async def hook_deliveries(webhook_id: int, session: Session, principal: CurrentPrincipal,
                              limit: int = LimitParam, cursor: str | None = CursorParam) -> Page[DeliveryRead]:
        require_admin(principal)
        await load(session, webhook_id)
        stmt = select(t.delivery).where(t.delivery.webhook_id == webhook_id)
        rows, nxt = await paginate(session, stmt, t.delivery.id, limit=limit, cursor=cursor)
        return Page[DeliveryRead](items=[DeliveryRead.model_validate(r) for r in rows], next_cursor=nxt)

    @router.post("/{webhook_id}/ping", response_model=DeliveryRead, status_code=202,
                 summary="Send a test event to this webhook only")
    async def ping(webhook_id: int, request: Request, session: Session, principal: CurrentPrincipal) -> DeliveryRead:
        require_admin(principal)
        hook = await load(session, webhook_id)
        now = utcnow()
        event = t.outbox(id=str(uuid.uuid4()), type=f"{service}.webhook.ping", source=service, occurred_at=now,
                         subject=f"webhook:{hook.id}", data={"webhook_id": hook.id, "message": "ping"},
                         status="dispatched", attempts=0, dispatched_at=now)
        session.add(event)
        await session.flush()
        d = t.delivery(event_seq=event.seq, event_id=event.id, subject=event.subject, target=f"webhook:{hook.id}",
                       webhook_id=hook.id, url=hook.url, next_attempt_at=now)
        session.add(d)
        await session.flush()
        _wake(request)
        return DeliveryRead.model_validate(d)

    return router
