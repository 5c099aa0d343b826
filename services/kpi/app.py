"""The kpi service: `create_app(settings)` builds it; nothing happens at import time."""

from fastapi import FastAPI

from services.common.app import create_service_app
from services.common.settings import ServiceSettings, settings_for
from services.kpi.models import AuditEntry, OrgUnit, events


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_service_app(settings or settings_for("kpi"), title="Yunguan KPI 运营监控与评估",
                              audit_model=AuditEntry, events=events, org_unit_model=OrgUnit)
