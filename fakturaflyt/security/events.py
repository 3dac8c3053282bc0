"""Security events in the companies' audit logs (``ledger.audit.record``).

The audit log is kept per company, a user's second factor and tokens belong to the person. An
event about a person is therefore written to the log of every company where they are an active
member (and of the acting administrator's company), so each company's log shows what touched
access to its books. Failed logins themselves are in django-axes' tables (Access attempts /
Access failures in the admin); a lock-out of a known user is also written here.
"""

from __future__ import annotations

from typing import Any

from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.ledger import audit

ENROLLED = "security.2fa_enrolled"
REMOVED = "security.2fa_removed"
RESET = "security.2fa_reset"
RECOVERY_CODES = "security.recovery_codes_renewed"
TOKEN_CREATED = "security.token_created"
TOKEN_REVOKED = "security.token_revoked"
LOCKED_OUT = "security.locked_out"
UNLOCKED = "security.unlocked"


def record_for_user(
    subject: Any, actor: Any, action: str, obj: Any = None, *, company: Company | None = None, **details: Any
) -> None:
    """Write ``action`` about ``subject`` (a user) to each of their companies' logs, plus ``company`` if given."""
    ids = set(Membership.objects.filter(user_id=subject.pk, is_active=True).values_list("company_id", flat=True))
    if company is not None:
        ids.add(company.pk)
    details.setdefault("user", subject.get_username())
    for c in Company.objects.filter(pk__in=ids).order_by("pk"):
        audit.record(c, actor, action, obj, **details)
