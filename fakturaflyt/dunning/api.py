"""API of the dunning run, to be mounted under ``/api/companies/{orgnr}/dunning`` (by the lead, in api/api.py).

| method and path | does |
|---|---|
| ``GET  .../dunning/preview?date=YYYY-MM-DD`` | what a run on that date would send (``view_receivables``) |
| ``POST .../dunning/runs`` | ``{"date": "YYYY-MM-DD", "dry_run": false}`` → the result (``manage_receivables``), as ``dunning run --json`` |
| ``POST .../dunning/invoices/{number}/hand-over`` | hand an invoice over to collection (``manage_receivables``) |

The run is idempotent: the same date twice sends nothing the second time. Amounts are strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.roles import Perm
from fakturaflyt.dunning import collection, services
from fakturaflyt.receivables.models import SalesInvoice

router = Router(tags=["dunning"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class DunningRunIn(Schema):
    date: dt.date
    dry_run: bool = False


class DunningPreviewQuery(Schema):
    date: dt.date


_member = member_for


@router.get("/preview", response=dict[str, Any], summary="What a dunning run would send")
def preview(request: HttpRequest, orgnr: OrgNr, q: Query[DunningPreviewQuery]) -> dict[str, Any]:
    m = _member(request, orgnr, Perm.VIEW_RECEIVABLES)
    return services.preview(m.company, q.date).as_dict()


@router.post("/runs", response={200: dict[str, Any]}, summary="Run dunning for a date (idempotent)")
def run(request: HttpRequest, orgnr: OrgNr, body: DunningRunIn) -> Status[dict[str, Any]]:
    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    return Status(200, services.run(m.company, body.date, request.user, dry_run=body.dry_run).as_dict())


@router.post("/invoices/{number}/hand-over", response={200: dict[str, Any]}, summary="Hand over to collection")
def hand_over(request: HttpRequest, orgnr: OrgNr, number: int) -> Status[dict[str, Any]]:
    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    invoice = get_object_or_404(SalesInvoice, company=m.company, number=number)
    case = collection.hand_over(invoice, request.user)
    return Status(200, {"invoice": number, "status": case.status, "handed_over_on": case.handed_over_on.isoformat()})
