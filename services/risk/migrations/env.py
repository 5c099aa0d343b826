"""Alembic environment of the risk service (runs through services.common.migrate)."""

from services.common.migrate import run_env
from services.risk.models import Base

run_env(Base.metadata)
