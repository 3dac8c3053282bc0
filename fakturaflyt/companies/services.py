"""Company and membership operations. Each runs in one transaction and writes one audit event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.roles import Role
from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.chart import seed_books


def _member_state(m: Membership) -> dict[str, Any]:
    return {
        "user": m.user.get_username(),
        "role": m.role,
        "approval_limit": str(m.approval_limit) if m.approval_limit is not None else None,
        "supplier": m.supplier_id,
        "active": m.is_active,
    }


@transaction.atomic
def create_company(actor: Any, *, orgnr: str, name: str, **fields: Any) -> Company:
    """Register a company and seed its books (chart of accounts, VAT codes, number series)."""
    company = Company(orgnr=normalise_orgnr(orgnr), name=name, **fields)
    company.full_clean()
    company.save()
    seed_books(company)
    audit.record(company, actor, "company.created", company, after={"orgnr": company.orgnr, "name": company.name})
    return company


@transaction.atomic
def add_member(
    actor: Any,
    company: Company,
    user: Any,
    role: Role | str,
    *,
    approval_limit: Decimal | None = None,
    supplier: Any = None,
) -> Membership:
    """Give ``user`` a role in ``company`` (or change it, if they already have one)."""
    existing = Membership.objects.filter(company=company, user=user).select_related("user").first()
    before = _member_state(existing) if existing else None
    m = existing or Membership(company=company, user=user)
    m.role, m.approval_limit, m.supplier, m.is_active = role, approval_limit, supplier, True
    m.full_clean(exclude=["user", "company"])
    m.save()
    audit.record(
        company,
        actor,
        "membership.changed" if existing else "membership.added",
        m,
        before=before,
        after=_member_state(m),
    )
    return m
