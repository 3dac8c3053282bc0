"""One guard for every upload road and every file we hand back: size limit, content check, safe download headers.

**Size.** A request body larger than ``FAKTURAFLYT_MAX_REQUEST_MB`` (default four times
``FAKTURAFLYT_MAX_UPLOAD_MB``, which is 25) is answered ``413`` with code
``FF-UPLOAD-TOO-LARGE`` before Django reads it, judged by ``Content-Length``. One file may be
at most ``FAKTURAFLYT_MAX_UPLOAD_MB`` (:func:`max_upload_bytes`; the inbox and portal form and
the API check it per file). Django's own limits still apply beside ours:
``FILE_UPLOAD_MAX_MEMORY_SIZE`` only decides when an uploaded file is spooled to a temporary
file (it is not a limit), and ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB by default) caps a body
read as ``request.body`` (raw XML to the API): set it to the same value as ours, as the
operations guide says, or large raw uploads fail with 400.

**Content.** The roads that import a file for a purpose (bank statements, payment status,
card statements and shop reports, SAF-T, purchase-order CSV) take only the types they can
read, decided from the bytes by :func:`fakturaflyt.core.filetypes.check_upload`, never from
the name: an ``.xml`` that is HTML is refused with ``FF-UPLOAD-CONTENT-MISMATCH`` naming the
file, the field and the rule (422 JSON in the API; a message and back to the form in the
browser). The supplier-invoice intake (inbox, portal, payables API) is deliberately *not*
refused here: "nothing is lost", so it stores what came and the intake quarantines what is
not an invoice (with the reason on the document).

**Downloads.** Every response that carries a file (it has ``Content-Disposition``) gets
``X-Content-Type-Options: nosniff``; if it is shown ``inline``, also
``Content-Security-Policy: sandbox``; and HTML or SVG is never sent inline: such a response
becomes an ``attachment`` of type ``application/octet-stream``. Stored files are never served
under ``MEDIA_URL``: no URL maps it (checked by a test).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from fakturaflyt.core.errors import Problem
from fakturaflyt.core.filetypes import PDF, TEXT, XML, ZIP, check_upload, served_content_type

TOO_LARGE = "FF-UPLOAD-TOO-LARGE"
MB = 1024 * 1024

_ORG = r"/api/companies/\d{9}"
#: (path, the types its file may be, what it is): the import roads that refuse a wrong file outright.
IMPORT_RULES: tuple[tuple[re.Pattern[str], frozenset[str], str], ...] = tuple(
    (re.compile(pattern), frozenset(types), what)
    for pattern, types, what in (
        (r"^/banking/import/$", {XML, TEXT}, "camt.053/054 or Nets OCR giro"),
        (r"^/payments/import/$", {XML}, "pain.002 or camt.054/053"),
        (rf"^{_ORG}/payments/status/?$", {XML}, "pain.002 or camt.054/053"),
        (r"^/cards/import/$", {TEXT, XML, ZIP}, "card statement or order report"),
        (rf"^{_ORG}/cards/imports/?$", {TEXT, XML, ZIP}, "card statement or order report"),
        (r"^/ledger/saft/import/$", {XML, ZIP}, "SAF-T Financial"),
        (rf"^{_ORG}/saft/imports/?$", {XML, ZIP}, "SAF-T Financial"),
        (r"^/purchasing/import/$", {TEXT}, "CSV"),
        (rf"^{_ORG}/purchasing/orders/import/?$", {TEXT}, "CSV"),
    )
)
_UNSAFE_INLINE = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml")


def max_upload_bytes() -> int:
    """The largest single file any upload road takes (``FAKTURAFLYT_MAX_UPLOAD_MB``, default 25)."""
    return int(float(getattr(settings, "FAKTURAFLYT_MAX_UPLOAD_MB", 25)) * MB)


def max_request_bytes() -> int:
    configured = getattr(settings, "FAKTURAFLYT_MAX_REQUEST_MB", None)
    return int(float(configured) * MB) if configured else 4 * max_upload_bytes()


def too_large_problem(filename: str, size: int, field: str = "file") -> Problem | None:
    limit = max_upload_bytes()
    if size <= limit:
        return None
    return Problem(
        TOO_LARGE,
        f"{filename or 'The file'} is {size / MB:.1f} MB; at most {limit // MB} MB is accepted per file.",
        field,
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _refuse(request: HttpRequest, problem: Problem, status: int) -> HttpResponse:
    if _is_api(request) or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"code": problem.code, "message": problem.message, "problems": [problem.as_dict()]}, status=status
        )
    if status == 413 or request.method != "POST":
        response = HttpResponse(problem.message, content_type="text/plain; charset=utf-8", status=status)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    messages.error(request, problem.message)
    return redirect(request.path)


def _files(request: HttpRequest) -> list[tuple[str, str, bytes]]:
    """(field, file name, bytes) of each uploaded file, or the raw body of a non-form request."""
    if request.content_type == "multipart/form-data":
        found = []
        for key in request.FILES:
            for f in request.FILES.getlist(key):
                found.append((key, f.name or "", f.read()))
                f.seek(0)
        return found
    if request.content_type in ("", "application/x-www-form-urlencoded", "application/json"):
        return []
    body = request.body
    return [("body", request.GET.get("filename", ""), body)] if body else []


def content_problems(request: HttpRequest) -> list[Problem]:
    """What is wrong with the files of an import request (empty when the road is not an import road)."""
    for pattern, accepted, what in IMPORT_RULES:
        if not pattern.match(request.path):
            continue
        problems = []
        for field, name, data in _files(request):
            if not data:  # an empty file: the form or service behind refuses it with its own message
                continue
            big = too_large_problem(name, len(data), field)
            if big is not None:
                problems.append(big)
                continue
            bad = check_upload(data, name, accepted, field)
            if bad is not None:
                problems.append(Problem(bad.code, f"{bad.message} ({what} expected)", field))
        return problems
    return []


def harden_download(response: HttpResponse) -> HttpResponse:
    """nosniff on every file; sandbox when inline; HTML/SVG only ever as an octet-stream attachment."""
    disposition = response.get("Content-Disposition", "")
    if not disposition:
        return response
    response["X-Content-Type-Options"] = "nosniff"
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if content_type in _UNSAFE_INLINE and disposition.lower().startswith("inline"):
        response["Content-Disposition"] = "attachment" + disposition[len("inline") :]
        response["Content-Type"] = "application/octet-stream"
    elif content_type in ("text/html", "image/svg+xml", "application/xhtml+xml"):
        response["Content-Type"] = served_content_type(content_type)
    if response["Content-Disposition"].lower().startswith("inline") and "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = "sandbox" if content_type == PDF else "sandbox; default-src 'none'"
    return response


class UploadGuardMiddleware:
    """Size limit and content check for uploads, safe headers for downloads (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = max_request_bytes()
            if length > limit:
                return _refuse(
                    request,
                    Problem(
                        TOO_LARGE,
                        gettext("The upload is %(size).1f MB; at most %(max)d MB is accepted in one request.")
                        % {"size": length / MB, "max": limit // MB},
                        "body",
                    ),
                    413,
                )
        return harden_download(self.get_response(request))

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method != "POST":
            return None
        problems = content_problems(request)
        if not problems:
            return None
        status = 413 if all(p.code == TOO_LARGE for p in problems) else 422
        if len(problems) == 1:
            return _refuse(request, problems[0], status)
        merged = Problem(problems[0].code, "; ".join(p.message for p in problems), problems[0].location)
        return _refuse(request, merged, status)


__all__ = [
    "IMPORT_RULES",
    "TOO_LARGE",
    "UploadGuardMiddleware",
    "content_problems",
    "harden_download",
    "max_upload_bytes",
    "too_large_problem",
]
