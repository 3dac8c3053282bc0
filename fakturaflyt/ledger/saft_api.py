"""API of SAF-T Financial export and import (issue 10), mounted under ``/api/companies/{orgnr}/saft``.

``GET .../saft/export?year=2026[&from_period=1&to_period=12]`` answers the SAF-T Financial 1.30
file as ``application/xml``, attachment named ``SAF-T Financial_<orgnr>_<timestamp>.xml``, with
``X-SAFT-Transactions``, ``X-SAFT-Total-Debit``, ``X-SAFT-Total-Credit`` and ``X-SAFT-SHA256``
headers. Needs ``view_ledger`` and ``view_reports``. A bad period or books that do not balance
answer 422 with the problems (``FF-SAFT-SELECTION``, ``FF-SAFT-UNBALANCED``, ``FF-SAFT-TOTALS``),
before any byte of the file is sent: it is written to a temporary file first, then streamed.
"""

from __future__ import annotations

import tempfile
from typing import Annotated

from django.http import FileResponse, HttpRequest
from ninja import Path, Query, Router

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.permissions import require
from fakturaflyt.companies.roles import Perm
from fakturaflyt.ledger.saft_export import export_saft

router = Router(tags=["saft"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


@router.get(
    "/export",
    summary="SAF-T Financial 1.30 file of a year (or some of its months)",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def saft_export(
    request: HttpRequest,
    orgnr: OrgNr,
    year: Annotated[int, Query(description="Accounting year")],
    from_period: Annotated[int, Query(description="First month, 1-12")] = 1,
    to_period: Annotated[int, Query(description="Last month, 1-12")] = 12,
) -> FileResponse:
    m = member_for(request, orgnr, Perm.VIEW_LEDGER)
    require(request.user, m.company, Perm.VIEW_REPORTS)
    out = tempfile.TemporaryFile()
    try:
        summary = export_saft(
            m.company, out, year=year, from_period=from_period, to_period=to_period, created_by=request.user
        )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=summary.file_name, content_type="application/xml")
    response["Content-Length"] = str(summary.size)
    response["X-SAFT-Transactions"] = str(summary.transactions)
    response["X-SAFT-Total-Debit"] = str(summary.total_debit)
    response["X-SAFT-Total-Credit"] = str(summary.total_credit)
    response["X-SAFT-SHA256"] = summary.sha256
    return response
