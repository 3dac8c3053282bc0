"""API of the billing run, mounted under ``/api/companies/{orgnr}/billing``.

| method and path | does |
|---|---|
| ``GET  .../billing/preview?date=YYYY-MM-DD`` | what a run on that date would make (``view_receivables``) |
| ``POST .../billing/runs`` | ``{"date": "YYYY-MM-DD", "send": true}`` → the run's result (``manage_receivables``), as ``billing run --json`` |
| ``GET  .../billing/runs`` | the latest runs |

The run is idempotent: the same date twice makes nothing the second time (``created`` empty).
Amounts are strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status

from fakturaflyt.billing import services
from fakturaflyt.billing.models import BillingRun
from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.roles import Perm

router = Router(tags=["billing"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class RunIn(Schema):
    date: dt.date
    send: bool = True


class PreviewQuery(Schema):
    date: dt.date


_member = member_for


@router.get("/preview", response=dict[str, Any], summary="What a billing run would make")
def preview(request: HttpRequest, orgnr: OrgNr, q: Query[PreviewQuery]) -> dict[str, Any]:
    m = _member(request, orgnr, Perm.VIEW_RECEIVABLES)
    planning = services.plan(m.company, q.date)
    return {
        "date": q.date.isoformat(),
        "invoices": [p.as_dict() for p in planning.invoices],
        "skipped": planning.skipped,
        "problems": [p.as_dict() for p in planning.problems],
    }


@router.post("/runs", response={200: dict[str, Any]}, summary="Run billing for a date (idempotent)")
def run(request: HttpRequest, orgnr: OrgNr, body: RunIn) -> Status[dict[str, Any]]:
    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    return Status(200, services.run(m.company, body.date, request.user, send=body.send).as_dict())


@router.get("/runs", response=list[dict[str, Any]], summary="The latest billing runs")
def runs(request: HttpRequest, orgnr: OrgNr) -> list[dict[str, Any]]:
    m = _member(request, orgnr, Perm.VIEW_RECEIVABLES)
    return [
        {
            "id": r.pk,
            "date": r.run_date.isoformat(),
            "status": r.status,
            "created": r.created,
            "skipped": r.skipped_count,
            "problems": r.problems,
            "created_at": r.created_at.isoformat(),
        }
        for r in BillingRun.objects.filter(company_id=m.company_id)[:50]
    ]
