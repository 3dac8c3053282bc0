"""API of the SAF-T import (issue 10), mounted under ``/api/companies/{orgnr}/saft``.

| method and path | permission | does |
|---|---|---|
| ``POST .../saft/imports`` | post_voucher | a SAF-T Financial file, ``multipart/form-data`` field ``file``, with the form fields ``dry_run`` (``true``/``false``, default ``false``), ``use`` (``opening``/``closing``), ``as_of`` (YYYY-MM-DD), ``difference_account``, ``force_orgnr`` → 200 the preview report (dry run), 201 the report of the posted import |
| ``GET  .../saft/imports/{id}`` | post_voucher | the stored report of an import of this company |
| ``POST .../saft/imports/{id}/confirm`` | post_voucher | post a previewed import from its stored file → 201 the report |

The report is :meth:`fakturaflyt.ledger.saft_import.ImportReport.as_dict` (amounts as strings,
dates ISO). A refused import gives 422 ``{"code", "message", "problems", "report"}`` (codes
``FF-SAFT-*``, ``FF-XML-*``); the received file is kept. Every call starts with
:func:`fakturaflyt.companies.api.member_for`: another company's org.nr gives 403.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.ledger import saft_import
from fakturaflyt.ledger.models import SaftImport

router = Router(tags=["saft"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]
_TRUE = {"1", "true", "yes", "on"}

_UPLOAD_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "dry_run": {"type": "boolean", "description": "Preview only: nothing is created or posted"},
                        "use": {"type": "string", "enum": ["opening", "closing"]},
                        "as_of": {"type": "string", "format": "date"},
                        "difference_account": {"type": "string"},
                        "force_orgnr": {"type": "boolean"},
                    },
                    "required": ["file"],
                }
            }
        }
    }
}


def _bad(message: str, location: str) -> FakturaflytError:
    return FakturaflytError([Problem(saft_import.SaftImportCode.OPTION, message, location)])


def _refused(exc: saft_import.SaftImportError) -> Status[dict[str, Any]]:
    return Status(
        422,
        {
            "code": exc.code,
            "message": str(exc),
            "problems": [p.as_dict() for p in exc.problems],
            "report": exc.report.as_dict(),
        },
    )


@router.post(
    "/imports",
    response={200: dict[str, Any], 201: dict[str, Any], 422: dict[str, Any]},
    summary="Import a SAF-T Financial file as the chart of accounts and opening balances",
    openapi_extra=_UPLOAD_DOC,
)
def post_import(request: HttpRequest, orgnr: OrgNr) -> Status[dict[str, Any]]:
    m = member_for(request, orgnr, Perm.POST_VOUCHER)
    f = request.FILES.get("file")
    if f is None:
        raise _bad("No file was sent: send multipart/form-data with the field 'file'.", "file")
    if f.size and f.size > saft_import.MAX_FILE_BYTES:
        raise _bad(f"The file is larger than {saft_import.MAX_FILE_BYTES // 2**20} MB.", "file")
    form = request.POST
    use = form.get("use") or "opening"
    if use not in ("opening", "closing"):
        raise _bad(f"use must be 'opening' or 'closing', not {use!r}.", "use")
    as_of = None
    if form.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(form["as_of"])
        except ValueError:
            raise _bad(f"as_of {form['as_of']!r} is not a date (YYYY-MM-DD).", "as_of") from None
    dry_run = (form.get("dry_run") or "").strip().lower() in _TRUE
    try:
        report = saft_import.import_opening_balances(
            m.company,
            f.read(),
            filename=PurePath((f.name or "").replace("\\", "/")).name[:200],
            actor=request.user,
            as_of=as_of,
            use="closing" if use == "closing" else "opening",
            dry_run=dry_run,
            difference_account=form.get("difference_account") or None,
            force_orgnr=(form.get("force_orgnr") or "").strip().lower() in _TRUE,
        )
    except saft_import.SaftImportError as exc:
        return _refused(exc)
    return Status(200 if dry_run else 201, report.as_dict())


@router.get("/imports/{int:import_id}", response=dict[str, Any], summary="The report of a SAF-T import")
def get_import(request: HttpRequest, orgnr: OrgNr, import_id: int) -> dict[str, Any]:
    m = member_for(request, orgnr, Perm.POST_VOUCHER)
    imp = get_object_or_404(SaftImport, company=m.company, pk=import_id)
    return {"status": imp.status, "report": imp.report, "problems": imp.problems}


@router.post(
    "/imports/{int:import_id}/confirm",
    response={201: dict[str, Any], 422: dict[str, Any]},
    summary="Post a previewed SAF-T import",
)
def confirm(request: HttpRequest, orgnr: OrgNr, import_id: int) -> Status[dict[str, Any]]:
    m = member_for(request, orgnr, Perm.POST_VOUCHER)
    imp = get_object_or_404(SaftImport, company=m.company, pk=import_id)
    if imp.status != "previewed":
        raise _bad(f"Import {imp.pk} is {imp.status}, not a preview waiting to be posted.", "import_id")
    try:
        report = saft_import.confirm_import(imp, request.user)
    except saft_import.SaftImportError as exc:
        return _refused(exc)
    return Status(201, report.as_dict())
