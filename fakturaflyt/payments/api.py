"""API of payments out, mounted under ``/api/companies/{orgnr}/payments``.

| method and path | does |
|---|---|
| ``GET  .../payments/runs`` | the company's payment runs, newest first |
| ``POST .../payments/runs`` | ``{"until": "YYYY-MM-DD"}`` → a proposal (201), as ``payments propose --json`` |
| ``GET  .../payments/runs/{number}`` | one run with its payments and the held invoices |
| ``POST .../payments/runs/{number}/approve`` | approve (not by the person who proposed it) |
| ``POST .../payments/runs/{number}/cancel`` | cancel a run not yet sent to the bank |
| ``POST .../payments/runs/{number}/export`` | ``{"format": "pain.001.001.09"}`` → the pain.001 XML |
| ``GET  .../payments/runs/{number}/file`` | the exported file again |
| ``POST .../payments/status`` | a pain.002 or camt.054/053 file (raw body) → the import summary |

Every call needs ``manage_payments``. Refusals are 422 ``{code, message, problems}`` with a
``FF-PAY-...`` code; another company's run answers 404. Amounts are strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema, Status

from fakturaflyt.cli_payments import run_json
from fakturaflyt.companies.api import company_by_orgnr
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import not_member, require
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables import storage
from fakturaflyt.payments import services
from fakturaflyt.payments.models import PaymentFormat, PaymentRun

router = Router(tags=["payments"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class ProposeIn(Schema):
    until: dt.date


class ExportIn(Schema):
    format: str = PaymentFormat.PAIN_001_09


class RunSummaryOut(Schema):
    id: int
    number: int
    status: str
    until: dt.date
    count: int
    total: str


def _manager(request: HttpRequest, orgnr: str) -> Membership:
    company = company_by_orgnr(orgnr.replace(" ", ""))
    if company is None:
        raise not_member()
    return require(request.user, company, Perm.MANAGE_PAYMENTS)


def _run(m: Membership, number: int) -> PaymentRun:
    return get_object_or_404(PaymentRun.objects.filter(company_id=m.company_id), number=number)


@router.get("/runs", response=list[RunSummaryOut], summary="Payment runs")
def list_runs(request: HttpRequest, orgnr: OrgNr) -> list[dict[str, Any]]:
    m = _manager(request, orgnr)
    out = []
    for run in PaymentRun.objects.filter(company_id=m.company_id).order_by("-number")[:200]:
        data = run_json(run)
        out.append({k: data[k] for k in ("id", "number", "status", "until", "count", "total")})
    return out


@router.post("/runs", response={201: dict[str, Any]}, summary="Propose a payment run")
def create_run(request: HttpRequest, orgnr: OrgNr, body: ProposeIn) -> Status[dict[str, Any]]:
    m = _manager(request, orgnr)
    run = services.propose(m.company, body.until, request.user)
    return Status(201, run_json(run))


@router.get("/runs/{number}", response=dict[str, Any], summary="One payment run")
def get_run(request: HttpRequest, orgnr: OrgNr, number: int) -> dict[str, Any]:
    return run_json(_run(_manager(request, orgnr), number))


@router.post("/runs/{number}/approve", response=dict[str, Any], summary="Approve a payment run")
def approve_run(request: HttpRequest, orgnr: OrgNr, number: int) -> dict[str, Any]:
    m = _manager(request, orgnr)
    return run_json(services.approve_run(_run(m, number), request.user))


@router.post("/runs/{number}/cancel", response=dict[str, Any], summary="Cancel a payment run")
def cancel_run(request: HttpRequest, orgnr: OrgNr, number: int) -> dict[str, Any]:
    m = _manager(request, orgnr)
    return run_json(services.cancel_run(_run(m, number), request.user))


def _xml(data: bytes, run: PaymentRun) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="betaling-{run.number}.xml"'
    return response


@router.post("/runs/{number}/export", summary="Write the pain.001 file of an approved run")
def export_run(request: HttpRequest, orgnr: OrgNr, number: int, body: ExportIn) -> HttpResponse:
    m = _manager(request, orgnr)
    run = _run(m, number)
    return _xml(services.export_run(run, body.format, request.user), run)


@router.get("/runs/{number}/file", summary="The exported pain.001 file")
def get_file(request: HttpRequest, orgnr: OrgNr, number: int) -> HttpResponse:
    run = _run(_manager(request, orgnr), number)
    if run.file is None:
        return HttpResponse(status=404)
    return _xml(storage.read(run.file), run)


@router.post("/status", response=dict[str, Any], summary="Import a pain.002 or camt.054/053 file (raw XML body)")
def import_status(request: HttpRequest, orgnr: OrgNr) -> dict[str, Any]:
    m = _manager(request, orgnr)
    return services.import_bank_file(m.company, request.body, request.user, filename="api.xml")
