"""Alembic environment of the kpi service (runs through services.common.migrate)."""

from services.common.migrate import run_env
from services.kpi.models import Base

run_env(Base.metadata)
