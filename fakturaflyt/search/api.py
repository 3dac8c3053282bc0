"""API of the search box (issue 10, point 5), mounted under ``/api/companies/{orgnr}/search``.

| method and path | permission | does |
|---|---|---|
| ``GET .../search?q=&limit=&kind=`` | any role that may see a group (a supplier contact: its own documents) | hits grouped by kind → ``{"query", "terms", "truncated", "groups"}`` |

Each group is searched only when the caller's role may see it (see :mod:`fakturaflyt.search.services`);
``kind`` (repeatable) narrows to some groups; ``limit`` is per group, 1 to 100 (default 5).
Every call starts with :func:`fakturaflyt.companies.api.member_for`: an org.nr the user is not a
member of gives 403 ``FF-NOT-MEMBER``. Amounts are strings, dates ISO 8601, ``url`` the web page
of the hit.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import NotAllowed
from fakturaflyt.companies.roles import Perm
from fakturaflyt.search import services
from fakturaflyt.search.views import MAX_RAW_LENGTH

router = Router(tags=["search"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class TermOut(Schema):
    text: str
    kind: str


class HitOut(Schema):
    title: str
    subtitle: str
    url: str
    amount: str | None
    currency: str
    date: dt.date | None
    exact: bool


class GroupOut(Schema):
    kind: str
    label: str
    has_more: bool
    hits: list[HitOut]


class SearchOut(Schema):
    query: str
    truncated: bool
    terms: list[TermOut]
    groups: list[GroupOut]


def _member(request: HttpRequest, orgnr: str) -> Membership:
    """Any role that may search something: everyone but a supplier contact has ``view_dashboard``."""
    try:
        m = member_for(request, orgnr, Perm.VIEW_DASHBOARD)
    except NotAllowed as exc:
        if exc.code != "FF-ROLE-FORBIDS":
            raise
        m = member_for(request, orgnr, Perm.SUPPLIER_PORTAL)
    if not services.kinds_for(m):
        member_for(request, orgnr, Perm.VIEW_PAYABLES)  # raises FF-ROLE-FORBIDS
    return m


@router.get("", response=SearchOut, summary="Search documents, vouchers, suppliers and customers")
def search(
    request: HttpRequest,
    orgnr: OrgNr,
    q: str = "",
    limit: int = services.DROPDOWN_LIMIT,
    kind: Annotated[list[str] | None, Query()] = None,
) -> SearchOut:
    m = _member(request, orgnr)
    results = services.search(m.company, m, q[:MAX_RAW_LENGTH], limit=limit, kinds=kind or None)
    return SearchOut(
        query=results.query.text,
        truncated=results.query.truncated,
        terms=[TermOut(text=t.text, kind=t.kind.value) for t in results.query.terms],
        groups=[
            GroupOut(
                kind=g.kind.value,
                label=str(g.label),
                has_more=g.has_more,
                hits=[
                    HitOut(
                        title=h.title,
                        subtitle=h.subtitle,
                        url=h.url,
                        amount=None if h.amount is None else f"{h.amount:.2f}",
                        currency=h.currency,
                        date=h.date,
                        exact=h.exact,
                    )
                    for h in g.hits
                ],
            )
            for g in results.groups
        ],
    )
