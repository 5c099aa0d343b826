"""Alembic environment of the planning service (runs through services.common.migrate)."""

from services.common.migrate import run_env
from services.planning.models import Base

run_env(Base.metadata)
