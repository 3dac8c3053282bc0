"""The request id: one per web request or background task, carried in a context variable.

Every log line written while a request or task runs carries the id (see :mod:`.logs`), so an
operator can follow one upload from the web request through the Celery task that reads it.
The id comes from the reverse proxy's ``X-Request-ID`` header when that is sane, else it is
generated here.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

#: The current request or task id; None outside of both (management commands, start-up).
request_id_var: ContextVar[str | None] = ContextVar("fakturaflyt_request_id", default=None)

#: What an incoming id may look like: a UUID, nginx's $request_id (32 hex digits) or similar.
#: Anything else (too long, spaces, quotes, newlines) is replaced, so nobody can forge log lines.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")


def new_request_id() -> str:
    """A fresh id: 32 hex digits, like nginx's ``$request_id``."""
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    """``value`` when it is a safe id to log and echo back, else None."""
    if value and _SANE.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    return request_id_var.get()
