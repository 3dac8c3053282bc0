"""The one permission helper every view, API handler and CLI command goes through.

``require(user, company, perm)`` answers "may this user do this in this company?" from
the user's active membership and :data:`~fakturaflyt.companies.roles.ROLE_PERMISSIONS`;
``scoped(queryset, membership)`` narrows a query to the membership's company and, for a
supplier contact, to its own supplier's rows. Superusers are not special here: they work
through the admin, and in the product like anyone else, through memberships.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext

from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.roles import Perm, Role, permissions_of

M = TypeVar("M", bound=Model)
AnyUser = AbstractBaseUser | AnonymousUser


class NotAllowed(PermissionDenied):
    """Raised with a stable code when a user lacks a membership or a permission."""

    def __init__(self, code: str, message: str, perm: Perm | None = None) -> None:
        self.code = code
        self.perm = perm
        super().__init__(message)


def not_member() -> NotAllowed:
    """The one answer for "no such company" and "not your company", so outsiders learn nothing."""
    return NotAllowed("FF-NOT-MEMBER", gettext("You do not have access to this company."))


def membership(user: AnyUser, company: Company | int) -> Membership | None:
    """The user's active membership in ``company``, or None."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    company_id = company.pk if isinstance(company, Company) else company
    return (
        Membership.objects.select_related("company", "supplier")
        .filter(user_id=user.pk, company_id=company_id, is_active=True)
        .first()
    )


def companies_of(user: AnyUser) -> QuerySet[Company]:
    """Companies where the user has an active membership."""
    if not getattr(user, "is_authenticated", False):
        return Company.objects.none()
    return Company.objects.filter(memberships__user_id=user.pk, memberships__is_active=True).distinct()


def has_perm(m: Membership | None, perm: Perm) -> bool:
    return m is not None and perm in permissions_of(m.role)


def can(user: AnyUser, company: Company | int, perm: Perm) -> bool:
    return has_perm(membership(user, company), perm)


def require(user: AnyUser, company: Company | int | None, perm: Perm) -> Membership:
    """Return the membership if the user may ``perm`` in ``company``; else raise :class:`NotAllowed`.

    The message does not reveal whether a company the user is not a member of exists.
    """
    if company is None:
        raise NotAllowed("FF-NO-COMPANY", gettext("Choose a company first."))
    m = membership(user, company)
    if m is None:
        raise not_member()
    if perm not in permissions_of(m.role):
        raise NotAllowed(
            "FF-ROLE-FORBIDS",
            gettext("Your role in %(company)s is %(role)s, which does not allow this.")
            % {"company": m.company.name, "role": m.get_role_display()},
            perm,
        )
    return m


def scoped(queryset: QuerySet[M], m: Membership) -> QuerySet[M]:
    """Rows of ``queryset`` the membership may see: its company's, and for a supplier contact its supplier's.

    Models must have ``company``; models with a ``supplier`` field are narrowed for
    supplier contacts, and models without one are hidden from them altogether.
    """
    qs = queryset.filter(company_id=m.company_id)
    if m.role == Role.SUPPLIER:
        field_names = {f.name for f in queryset.model._meta.get_fields()}
        if queryset.model._meta.model_name == "supplier":
            return qs.filter(pk=m.supplier_id)
        if "supplier" not in field_names:
            return qs.none()
        return qs.filter(supplier_id=m.supplier_id)
    return qs
