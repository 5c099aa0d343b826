"""Outgoing channels (admins): units' group robots, test sends, the channels' status, the delivery log."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.runtime import RuntimeDep
from services.org.channels import service
from services.org.channels.schemas import (
    ChannelName,
    ChannelsStatus,
    EmailTest,
    MessageStatus,
    OutgoingMessageRead,
    RobotCreate,
    RobotRead,
    RobotUpdate,
    SendResult,
)
from services.org.deps import AdminPrincipal, RobotToAdmin, UnitToAdmin, ValidOutgoingMessage

router = APIRouter(tags=["channels"])


@router.get("/units/{unit_id}/robots", response_model=Page[RobotRead], summary="A unit's group robots (admin)")
async def list_robots(unit: UnitToAdmin, session: Session, limit: int = LimitParam, cursor: str | None = CursorParam):
    return await service.list_robots(session, unit=unit.item, limit=limit, cursor=cursor)


@router.post("/units/{unit_id}/robots", response_model=RobotRead, status_code=201,
             summary="Add a DingTalk, WeCom or Feishu group robot to a unit (admin)")
async def create_robot(unit: UnitToAdmin, body: RobotCreate, session: Session, runtime: RuntimeDep,
                       response: Response):
    robot = await service.create_robot(session, unit=unit, body=body, settings=runtime.settings)
    set_etag(response, etag("robot", robot.id, robot.version))
    return robot


@router.patch("/robots/{robot_id}", response_model=RobotRead, summary="Change a group robot (admin)")
async def update_robot(robot: RobotToAdmin, body: RobotUpdate, session: Session, runtime: RuntimeDep,
                       request: Request, response: Response):
    check_if_match(request, etag("robot", robot.item.id, robot.item.version))
    updated = await service.update_robot(session, robot=robot, body=body, settings=runtime.settings)
    set_etag(response, etag("robot", updated.id, updated.version))
    return updated


@router.delete("/robots/{robot_id}", status_code=204, summary="Remove a group robot (admin)")
async def delete_robot(robot: RobotToAdmin, session: Session, request: Request):
    check_if_match(request, etag("robot", robot.item.id, robot.item.version))
    await service.delete_robot(session, robot=robot)
    return Response(status_code=204)


@router.post("/robots/{robot_id}/test", response_model=SendResult,
             summary="Post a test message to a group robot now; the vendor's answer (admin)")
async def test_robot(robot: RobotToAdmin, session: Session, runtime: RuntimeDep):
    return await service.send_robot_test(session, robot=robot, settings=runtime.settings, client=runtime.http)


@router.post("/channels/email/test", response_model=SendResult,
             summary="Send a test e-mail now (admin; 409 when e-mail is not configured)")
async def test_email(principal: AdminPrincipal, body: EmailTest, session: Session, runtime: RuntimeDep):
    return await service.send_email_test(session, principal=principal, body=body, settings=runtime.settings)


@router.get("/channels", response_model=ChannelsStatus, summary="E-mail settings, robots and messages waiting (admin)")
async def channels_status(principal: AdminPrincipal, session: Session, runtime: RuntimeDep):
    return await service.channels_status(session, settings=runtime.settings)


@router.get("/outgoing-messages", response_model=Page[OutgoingMessageRead],
            summary="The delivery log of e-mail and robot messages, newest first (admin)")
async def list_outgoing_messages(principal: AdminPrincipal, session: Session,
                                 status: MessageStatus | None = Query(None), channel: ChannelName | None = Query(None),
                                 limit: int = LimitParam, cursor: str | None = CursorParam):
    return await service.list_messages(session, status=status, channel=channel, limit=limit, cursor=cursor)


@router.post("/outgoing-messages/{message_id}/retry", response_model=OutgoingMessageRead,
             summary="Send a parked or dropped message again (admin)")
async def retry_outgoing_message(principal: AdminPrincipal, message: ValidOutgoingMessage, session: Session):
    return await service.retry_message(session, principal=principal, message=message)
