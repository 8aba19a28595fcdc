"""The base of every API request body."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class Input(Schema):
    """A request body that refuses unknown fields (422 naming each): a misspelt field name is never
    silently dropped, and the published schema says so (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")
