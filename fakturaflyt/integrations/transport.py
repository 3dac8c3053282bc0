"""Sending a :class:`~fakturaflyt.core.accounting_systems.Request` over HTTPS with the standard library.

The adapters build requests as data; this is the only place that opens a connection. Secret
headers (tokens) are passed separately and never logged. Tests never use :class:`UrllibTransport`:
they pass a fake transport with recorded answers (``tests/integrations``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol

from fakturaflyt.core.accounting_systems import Request, Response
from fakturaflyt.integrations.error_codes import ExportCode, ExportError

TIMEOUT_SECONDS = 30


class Transport(Protocol):
    def send(self, request: Request, secret_headers: dict[str, str]) -> Response: ...


def _parse(raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")[:2000]


class UrllibTransport:
    """HTTPS with ``urllib.request``; a 4xx/5xx answer is returned as a :class:`Response`, no answer raises."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def send(self, request: Request, secret_headers: dict[str, str]) -> Response:
        if not request.url.startswith("https://"):
            raise ExportError(ExportCode.TRANSPORT, f"Refusing to send to a non-HTTPS address: {request.url}")
        headers = dict(request.headers)
        if request.content_type() and "Content-Type" not in headers:
            headers["Content-Type"] = request.content_type() or ""
        headers.update(secret_headers)
        req = urllib.request.Request(  # noqa: S310 (https only, checked above)
            request.url, data=request.data(), headers=headers, method=request.method
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:  # noqa: S310 (https only, above)
                return Response(answer.status, _parse(answer.read()), {"Location": answer.headers.get("Location", "")})
        except urllib.error.HTTPError as exc:
            return Response(exc.code, _parse(exc.read()), {})
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ExportError(ExportCode.TRANSPORT, f"No answer from {request.url.split('?')[0]}: {reason}") from None


def default() -> Transport:
    """The transport the views, API and CLI use (tests replace this function)."""
    return UrllibTransport()
