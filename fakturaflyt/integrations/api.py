"""API of the accounting-system export (issue 10), mounted under ``/api/companies/{orgnr}/exports``.

| method and path | permission | does |
|---|---|---|
| ``GET    .../exports/journal.csv?date_from=&date_to=&series=&layout=&new_only=`` | view_ledger | the voucher journal as CSV (streamed); ``layout`` a preset or a stored layout's name |
| ``GET    .../exports/systems`` | view_ledger | ``{"systems": [{"system", "title", "status", "missing", "fields", "sent", "failed", "pending"}]}``; secret fields only masked |
| ``PUT    .../exports/systems/{system}/keys`` | manage_company | ``{"values": {field: value}}``: store the keys (encrypted; empty keeps) → the system's status |
| ``DELETE .../exports/systems/{system}/keys`` | manage_company | forget the keys → the status, "not configured" |
| ``POST   .../exports/systems/{system}/push?dry_run=`` | post_voucher | send every voucher not sent yet → ``{"system", "dry_run", "sent", "failed", "already_sent"[, "requests"]}`` |

Every call starts with :func:`fakturaflyt.companies.api.member_for` (403 ``FF-NOT-MEMBER`` /
``FF-ROLE-FORBIDS``). A refused action is 422 ``{code, message, problems}``: ``FF-EXPORT-NOT-CONFIGURED``
when the system has no keys, ``FF-EXPORT-AUTH`` when it refused them, ``FF-CSV-LAYOUT``; an unknown
system is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Path, Query, Router, Schema

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core import accounting_systems
from fakturaflyt.integrations import services, transport

router = Router(tags=["exports"])
OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class JournalQuery(Schema):
    date_from: date | None = None
    date_to: date | None = None
    series: str | None = None
    layout: str = "standard"
    new_only: bool = False


class ExportFieldOut(Schema):
    name: str
    label: str
    secret: bool
    help: str
    shown: str


class SystemOut(Schema):
    system: str
    title: str
    status: str
    missing: list[str]
    fields: list[ExportFieldOut]
    sent: int
    failed: int
    pending: int


class SystemsOut(Schema):
    systems: list[SystemOut]


class KeysIn(Schema):
    values: dict[str, str]


class PushOut(Schema):
    system: str
    dry_run: bool
    sent: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    already_sent: int
    requests: list[dict[str, Any]] | None = None


def _system(system: str) -> str:
    if system not in accounting_systems.REGISTRY:
        raise Http404
    return system


@router.get("/journal.csv", summary="The voucher journal as CSV (streamed)")
def journal(request: HttpRequest, orgnr: OrgNr, q: Query[JournalQuery]) -> StreamingHttpResponse:
    m = member_for(request, orgnr, Perm.VIEW_LEDGER)
    layout = services.resolve_layout(m.company, q.layout)
    f = services.JournalFilter(q.date_from, q.date_to, q.series or None, services.CSV if q.new_only else None)
    charset = "windows-1252" if layout.codec == "cp1252" else "utf-8"
    response = StreamingHttpResponse(
        services.journal_csv(m.company, layout, f), content_type=f"text/csv; charset={charset}"
    )
    response["Content-Disposition"] = f'attachment; filename="bilagsjournal-{m.company.orgnr}.csv"'
    return response


@router.get("/systems", response=SystemsOut, summary="Tripletex, Fiken and PowerOffice GO: configured or not")
def systems(request: HttpRequest, orgnr: OrgNr) -> dict[str, Any]:
    m = member_for(request, orgnr, Perm.VIEW_LEDGER)
    return {"systems": [s.as_dict() for s in services.statuses(m.company)]}


@router.put("/systems/{system}/keys", response=SystemOut, summary="Store the system's keys (encrypted)")
def put_keys(request: HttpRequest, orgnr: OrgNr, system: str, payload: KeysIn) -> dict[str, Any]:
    m = member_for(request, orgnr, Perm.MANAGE_COMPANY)
    services.save_credentials(m.company, _system(system), payload.values, request.user)
    return services.status(m.company, system).as_dict()


@router.delete("/systems/{system}/keys", response=SystemOut, summary="Forget the system's keys")
def delete_keys(request: HttpRequest, orgnr: OrgNr, system: str) -> dict[str, Any]:
    m = member_for(request, orgnr, Perm.MANAGE_COMPANY)
    services.remove_credentials(m.company, _system(system), request.user)
    return services.status(m.company, system).as_dict()


@router.post("/systems/{system}/push", response=PushOut, summary="Send the vouchers not sent yet")
def push(request: HttpRequest, orgnr: OrgNr, system: str, dry_run: bool = False) -> dict[str, Any]:
    m = member_for(request, orgnr, Perm.POST_VOUCHER)
    result = services.push(
        m.company, _system(system), request.user, transport=None if dry_run else transport.default(), dry_run=dry_run
    )
    return result.as_dict()
