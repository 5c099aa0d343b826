"""Alembic environment of the org service (runs through services.common.migrate)."""

from services.common.migrate import run_env
from services.org.models import Base

run_env(Base.metadata)
