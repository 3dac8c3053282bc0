"""API: who am I, and which companies may I work in."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.permissions import not_member, require
from fakturaflyt.companies.roles import Perm, permissions_of

router = Router(tags=["companies"])


class CompanyOut(Schema):
    orgnr: str
    name: str
    role: str
    permissions: list[str]


class MeOut(Schema):
    username: str
    name: str
    companies: list[CompanyOut]


def _companies(request: HttpRequest) -> list[CompanyOut]:
    memberships = Membership.objects.filter(user_id=request.user.pk, is_active=True).select_related("company")
    return [
        CompanyOut(
            orgnr=m.company.orgnr,
            name=m.company.name,
            role=m.role,
            permissions=sorted(p.value for p in permissions_of(m.role)),
        )
        for m in memberships.order_by("company__name")
    ]


@router.get("/me", response=MeOut, summary="The authenticated user and their companies")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(username=user.get_username(), name=user.get_full_name(), companies=_companies(request))


@router.get("/companies", response=list[CompanyOut], summary="Companies the user is a member of")
def companies(request: HttpRequest) -> list[CompanyOut]:
    return _companies(request)


def company_by_orgnr(orgnr: str) -> Company | None:
    return Company.objects.filter(orgnr=orgnr).first()


def member_for(request: HttpRequest, orgnr: str, perm: Perm) -> Membership:
    """The user's membership of the company ``orgnr`` if it grants ``perm``; every company-scoped API call starts here.

    An unknown org.nr gets the same answer as a company the user is not a member of: the API
    must not tell an outsider which organisation numbers keep their books here.
    """
    company = company_by_orgnr(orgnr.replace(" ", ""))
    if company is None:
        raise not_member()
    return require(request.user, company, perm)
