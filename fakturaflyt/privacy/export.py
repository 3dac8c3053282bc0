"""Everything held about one person (GDPR art. 15 right of access, art. 20 portability).

A *data subject* is found by a user account, an e-mail address, or a customer number, always
inside a set of companies: an administrator exports from the active company only (nothing of
another company leaves), a user exports themself from the companies they belong to
(``/privacy/me/``). Documents where the person appears are *listed* (number, date, amount), not
copied: the person's right is to their data, not to the company's books.

The result is a JSON-ready dict (amounts and dates as strings) and :func:`summary` renders it
as readable text for the person.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from fakturaflyt.privacy.error_codes import PrivacyError, PrivacyErrorCode

FORMAT_VERSION = 1


@dataclass
class Subject:
    """Who is being exported or erased, as found in the given companies."""

    company_ids: list[int]
    query: dict[str, str]
    users: list[Any] = field(default_factory=list)
    customers: list[Any] = field(default_factory=list)
    suppliers: list[Any] = field(default_factory=list)
    email: str = ""

    @property
    def empty(self) -> bool:
        return not (self.users or self.customers or self.suppliers)


def find_subject(
    company_ids: Iterable[int],
    *,
    email: str = "",
    user: Any = None,
    customer_number: int | None = None,
) -> Subject:
    """The person's user account(s), customer and supplier records in ``company_ids``.

    A user is found only when they have (or had) a membership in one of the companies, so an
    administrator cannot look up people of other companies.
    """
    from fakturaflyt.payables.models import Supplier
    from fakturaflyt.receivables.models import Customer

    ids = list(company_ids)
    email = (email or "").strip()
    subject = Subject(ids, {k: str(v) for k, v in {"email": email, "customer": customer_number}.items() if v})
    users = get_user_model().objects.filter(memberships__company_id__in=ids).distinct()
    if user is not None:
        subject.users = [user]
        subject.query["user"] = str(user.pk)
        email = email or user.email
    elif email:
        subject.users = list(users.filter(Q(email__iexact=email) | Q(username__iexact=email)))
    subject.email = email
    customers = Customer.objects.filter(company_id__in=ids)
    if customer_number is not None:
        subject.customers = list(customers.filter(number=customer_number))
    elif email:
        subject.customers = list(customers.filter(email__iexact=email))
    if email:
        subject.suppliers = list(Supplier.objects.filter(company_id__in=ids, email__iexact=email))
    return subject


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _rows(qs: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return _jsonable(list(qs.values(*fields)))


def export(subject: Subject) -> dict[str, Any]:
    """The export as a JSON-ready dict; :class:`PrivacyError` ``FF-PRIVACY-NO-SUBJECT`` when nobody matches."""
    from fakturaflyt.approvals.models import ApprovalStep, Comment
    from fakturaflyt.billing.models import TimeEntry
    from fakturaflyt.companies.models import ApiToken, Company, Membership
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.dunning.models import DunningNotice
    from fakturaflyt.ledger.models import AuditEvent
    from fakturaflyt.payables.models import SupplierDocument
    from fakturaflyt.privacy.models import AccessLog
    from fakturaflyt.receivables.models import CustomerPayment, SalesInvoice

    if subject.empty:
        raise PrivacyError(PrivacyErrorCode.NO_SUBJECT, gettext("No person with these details in this company."))
    ids = subject.company_ids
    user_ids = [u.pk for u in subject.users]
    customer_ids = [c.pk for c in subject.customers]
    email = subject.email
    orgnr = dict(Company.objects.filter(pk__in=ids).values_list("pk", "orgnr"))

    received = SupplierDocument.objects.filter(company_id__in=ids).filter(
        Q(receipt__received_by_id__in=user_ids)
        | Q(requested_by_id__in=user_ids)
        | (Q(receipt__sender__iexact=email) if email else Q(pk__in=[]))
    )
    customer_objects = [("receivables.customer", str(pk)) for pk in customer_ids]
    object_q = Q(pk__in=[])
    for object_type, object_id in customer_objects:
        object_q |= Q(object_type=object_type, object_id=object_id)

    data: dict[str, Any] = {
        "format": "fakturaflyt-personal-data",
        "version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "query": subject.query,
        "companies": sorted(orgnr.values()),
        "users": _rows(
            get_user_model().objects.filter(pk__in=user_ids),
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "date_joined",
            "last_login",
            "is_active",
        ),
        "memberships": [
            {**row, "company": orgnr.get(row.pop("company_id"))}
            for row in _rows(
                Membership.objects.filter(user_id__in=user_ids, company_id__in=ids),
                "company_id",
                "role",
                "approval_limit",
                "supplier__name",
                "is_active",
                "created_at",
                "last_used_at",
            )
        ],
        "api_tokens": _rows(
            ApiToken.objects.filter(user_id__in=user_ids), "name", "prefix", "created_at", "last_used_at", "revoked_at"
        ),
        "two_factor_devices": _devices(subject.users),
        "login_history": _logins(subject.users),
        "customers": _rows(
            _customer_qs(customer_ids),
            "number",
            "name",
            "orgnr",
            "is_consumer",
            "address_line",
            "postal_code",
            "city",
            "country",
            "email",
            "peppol_id",
            "reference",
            "channel",
            "language",
            "company__orgnr",
        ),
        "suppliers": _rows(
            _supplier_qs([s.pk for s in subject.suppliers]),
            "number",
            "name",
            "orgnr",
            "address_line",
            "postal_code",
            "city",
            "country",
            "email",
            "company__orgnr",
        ),
        "documents": {
            "customer_invoices": _rows(
                SalesInvoice.objects.filter(company_id__in=ids, customer_id__in=customer_ids, number__isnull=False),
                "id",
                "number",
                "document_type",
                "issue_date",
                "due_date",
                "currency",
                "total",
                "buyer_name",
                "company__orgnr",
            ),
            "customer_payments": _rows(
                CustomerPayment.objects.filter(company_id__in=ids, customer_id__in=customer_ids),
                "id",
                "paid_on",
                "amount",
                "payer_name",
                "company__orgnr",
            ),
            "reminders": _rows(
                DunningNotice.objects.filter(company_id__in=ids).filter(
                    Q(invoice__customer_id__in=customer_ids) | (Q(email__iexact=email) if email else Q(pk__in=[]))
                ),
                "id",
                "invoice__number",
                "step",
                "sent_on",
                "channel",
                "email",
                "company__orgnr",
            ),
            "dispatches": _rows(
                Dispatch.objects.filter(company_id__in=ids).filter(
                    Q(invoice__customer_id__in=customer_ids) | (Q(recipient__iexact=email) if email else Q(pk__in=[]))
                ),
                "id",
                "invoice__number",
                "channel",
                "recipient",
                "status",
                "sent_at",
                "company__orgnr",
            ),
            "received_documents": _rows(
                received,
                "id",
                "invoice_number",
                "issue_date",
                "total",
                "supplier__name",
                "receipt__channel",
                "receipt__sender",
                "receipt__received_at",
                "company__orgnr",
            ),
            "approval_steps": _rows(
                ApprovalStep.objects.filter(company_id__in=ids).filter(
                    Q(approver_id__in=user_ids) | Q(acted_by_id__in=user_ids)
                ),
                "document_id",
                "round",
                "level",
                "status",
                "acted_at",
                "reason",
                "company__orgnr",
            ),
            "comments": _rows(
                Comment.objects.filter(company_id__in=ids, author_id__in=user_ids),
                "document_id",
                "text",
                "shared_with_supplier",
                "created_at",
                "company__orgnr",
            ),
            "time_entries": _rows(
                TimeEntry.objects.filter(company_id__in=ids, user_id__in=user_ids),
                "date",
                "hours",
                "person",
                "description",
                "customer__name",
                "company__orgnr",
            ),
        },
        "audit_events": _rows(
            AuditEvent.objects.filter(company_id__in=ids).filter(Q(actor_id__in=user_ids) | object_q).order_by("at"),
            "seq",
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "company__orgnr",
        ),
        "access_log": _rows(
            AccessLog.objects.filter(company_id__in=ids).filter(Q(user_id__in=user_ids) | object_q).order_by("at"),
            "at",
            "user__username",
            "channel",
            "view",
            "object_type",
            "object_id",
            "company__orgnr",
        ),
    }
    return data


def _customer_qs(pks: list[int]) -> QuerySet[Any]:
    from fakturaflyt.receivables.models import Customer

    return Customer.objects.filter(pk__in=pks)


def _supplier_qs(pks: list[int]) -> QuerySet[Any]:
    from fakturaflyt.payables.models import Supplier

    return Supplier.objects.filter(pk__in=pks)


def _devices(users: list[Any]) -> list[dict[str, Any]]:
    try:
        from django_otp import devices_for_user
    except ImportError:  # pragma: no cover - django-otp is a dependency
        return []
    return [
        {"type": type(d).__name__, "name": d.name, "confirmed": d.confirmed}
        for u in users
        for d in devices_for_user(u, confirmed=None)
    ]


def _logins(users: list[Any]) -> list[dict[str, Any]]:
    """Login history as django-axes recorded it (time, IP address, browser)."""
    try:
        from axes.models import AccessLog as AxesLog
    except (ImportError, RuntimeError):  # pragma: no cover - axes is a dependency
        return []
    names = [u.get_username() for u in users]
    return _rows(
        AxesLog.objects.filter(username__in=names).order_by("attempt_time"),
        "attempt_time",
        "logout_time",
        "ip_address",
        "user_agent",
    )


SECTION_TITLES = {
    "users": gettext_lazy("User account"),
    "memberships": gettext_lazy("Roles in companies"),
    "api_tokens": gettext_lazy("API tokens"),
    "two_factor_devices": gettext_lazy("Two-factor devices"),
    "login_history": gettext_lazy("Logins"),
    "customers": gettext_lazy("Customer records"),
    "suppliers": gettext_lazy("Supplier records"),
    "audit_events": gettext_lazy("Changes made (audit log)"),
    "access_log": gettext_lazy("Reads recorded (access log)"),
}


def summary(data: dict[str, Any]) -> str:
    """A readable account of the export: how many of each, and the person's own records in full."""
    lines = [
        gettext("Personal data held by Fakturaflyt"),
        gettext("Made %(at)s for %(query)s in %(companies)s.")
        % {
            "at": data["generated_at"][:16].replace("T", " "),
            "query": ", ".join(f"{k} {v}" for k, v in data["query"].items()),
            "companies": ", ".join(data["companies"]),
        },
        "",
    ]
    for key, title in SECTION_TITLES.items():
        rows = data.get(key, [])
        lines.append(f"{title}: {len(rows)}")
        if key in ("users", "customers", "suppliers", "memberships"):
            for row in rows:
                lines.append("  " + "; ".join(f"{k}: {v}" for k, v in row.items() if v not in (None, "")))
    lines.append("")
    lines.append(gettext("Documents where the person appears (listed, not copied):"))
    for key, rows in data.get("documents", {}).items():
        lines.append(f"  {key.replace('_', ' ')}: {len(rows)}")
    return "\n".join(lines) + "\n"
