"""Files uploaded in the browser, handed to the intake: shared by the inbox and the supplier portal.

The upload script sends one file per request and asks for JSON (to show each file's state
beside its progress bar); a browser without JavaScript posts the whole form and gets the
page back with a message per file. Either way each file goes to ``intake.receive``, which
stores the bytes before anything reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from fakturaflyt.companies.models import Membership
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.payables import intake
from fakturaflyt.payables.forms import UploadForm
from fakturaflyt.payables.models import Supplier, SupplierDocument
from fakturaflyt.payables.presenters import state_badge


@dataclass
class UploadResult:
    documents: list[SupplierDocument] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)
    invalid: bool = False


def receive_uploads(form: UploadForm, m: Membership, *, channel: str, supplier: Supplier | None) -> UploadResult:
    """Receive every file of a valid ``form`` for the membership's company; collect what was refused."""
    result = UploadResult()
    if not form.is_valid():
        result.invalid = True
        result.errors = [("", str(e)) for errors in form.errors.values() for e in errors]
        return result
    sender = m.user.email or m.user.get_username()
    for f in form.cleaned_data["files"]:
        name = PurePath((f.name or "").replace("\\", "/")).name
        try:
            # An e-mail or zip file becomes one document per invoice in it.
            documents = intake.receive_all(
                m.company, f.read(), channel=channel, filename=name, sender=sender, user=m.user, supplier=supplier
            )
        except FakturaflytError as exc:
            result.errors.append((name, "; ".join(p.message for p in exc.problems) or str(exc)))
            continue
        result.documents.extend(documents)
    return result


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _document_json(document: SupplierDocument, detail_url: str) -> dict[str, Any]:
    document.refresh_from_db()
    badge = state_badge(document.state)
    return {
        "id": document.pk,
        "filename": document.receipt.filename,
        "state": badge.value,
        "state_label": str(badge.label),
        "tone": badge.tone,
        "invoice_number": document.invoice_number,
        "url": reverse(detail_url, args=[document.pk]),
    }


def upload_response(request: HttpRequest, result: UploadResult, *, redirect_to: str, detail_url: str) -> HttpResponse:
    """JSON for the upload script, else messages and back to the page the form is on."""
    if _wants_json(request):
        payload = {
            "documents": [_document_json(d, detail_url) for d in result.documents],
            "errors": [{"filename": name, "message": message} for name, message in result.errors],
        }
        return JsonResponse(payload, status=400 if result.invalid or (result.errors and not result.documents) else 200)
    if result.documents:
        n = len(result.documents)
        messages.success(
            request,
            ngettext("%(count)d file was received.", "%(count)d files were received.", n) % {"count": n},
        )
    for name, message in result.errors:
        messages.error(request, f"{name}: {message}" if name else message)
    if not result.documents and not result.errors:
        messages.error(request, gettext("Choose one or more files to upload."))
    return redirect(redirect_to)
