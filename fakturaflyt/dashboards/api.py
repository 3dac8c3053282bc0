"""API of the dashboards (issue 10), mounted under ``/api/companies/{orgnr}/dashboards``.

| method and path | permission | returns |
|---|---|---|
| ``GET .../dashboards?on=YYYY-MM-DD`` | view_dashboard | every section the role may see: ``{"on", "months", "payables", "receivables", "cards"}`` (a section the role may not see is ``null``) |
| ``GET .../dashboards/ap?on=`` | view_payables | the AP figures (:class:`fakturaflyt.dashboards.services.Payables`) |
| ``GET .../dashboards/ar?on=`` | view_receivables | the AR figures (:class:`fakturaflyt.dashboards.ar.Receivables`) |
| ``GET .../dashboards/cards`` | view_payables | card charges waiting (:class:`fakturaflyt.dashboards.cards.CardsWaiting`) |

Every call starts with :func:`fakturaflyt.companies.api.member_for` (403 ``FF-NOT-MEMBER`` for
another company, ``FF-ROLE-FORBIDS`` for a role without the permission). The JSON is the
dataclasses' fields: amounts as strings, dates ISO 8601, percentages and days as strings with
one decimal, ``null`` where a figure is not defined (no data); each figure's ``url`` is the web
list it counts. ``on`` defaults to today (Oslo) and cannot be in the future.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.permissions import permissions_of
from fakturaflyt.companies.roles import Perm
from fakturaflyt.dashboards import ar, cards, services
from fakturaflyt.dashboards.serialize import jsonable
from fakturaflyt.receivables.views import today_in_oslo

router = Router(tags=["dashboards"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]
On = Annotated[date | None, Query(description="The day of the figures (default today, Europe/Oslo)")]


def _on(on: date | None) -> date:
    today = today_in_oslo()
    return min(on, today) if on else today


@router.get("", response=dict[str, Any], summary="Every dashboard figure the role may see")
def all_figures(request: HttpRequest, orgnr: OrgNr, on: On = None) -> Any:
    m = member_for(request, orgnr, Perm.VIEW_DASHBOARD)
    return jsonable(services.dashboard(m.company, _on(on), permissions_of(m.role)))


@router.get("/ap", response=dict[str, Any], summary="Accounts payable figures")
def payables(request: HttpRequest, orgnr: OrgNr, on: On = None) -> Any:
    m = member_for(request, orgnr, Perm.VIEW_PAYABLES)
    return jsonable(services.payables(m.company, _on(on)))


@router.get("/ar", response=dict[str, Any], summary="Accounts receivable figures")
def receivables(request: HttpRequest, orgnr: OrgNr, on: On = None) -> Any:
    m = member_for(request, orgnr, Perm.VIEW_RECEIVABLES)
    return jsonable(ar.receivables(m.company, _on(on)))


@router.get("/cards", response=dict[str, Any], summary="Card charges waiting")
def card_figures(request: HttpRequest, orgnr: OrgNr) -> Any:
    m = member_for(request, orgnr, Perm.VIEW_PAYABLES)
    return jsonable(cards.charges_waiting(m.company))
