"""What an uploaded evidence file looks like to a client."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FileRead(BaseModel):
    id: int
    name: str
    content_type: str
    size: int = Field(description="bytes")
    url: str = Field(description="Where to fetch it (with the bearer token); add ?inline=1 to show an image or PDF")
    owner_kind: str
    owner_id: int
    uploaded_by: str
    uploaded_by_name: str
    uploaded_at: datetime
