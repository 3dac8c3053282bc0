"""Erasing a person's data where the law allows (GDPR art. 17), and refusing where it does not.

Art. 17(3)(b) exempts data the company must keep to meet a legal obligation; for bookkeeping
that obligation is bokføringsloven § 13 (primary documentation kept five years after the end of
the financial year). So:

* **A user** (:func:`erase_user`): the profile is pseudonymised at once: user name
  ``erased-user-<id>``, name and e-mail emptied, password unusable, login disabled, memberships
  deactivated, API tokens revoked, two-factor devices removed, login history (django-axes)
  deleted. The audit log is *not* rewritten: it is hash-chained (``fakturaflyt audit verify``
  would report every event after the first edit), and it is part of the documentation of the
  books. Its events keep pointing at the same user row, so the actor is the stable pseudonym
  wherever the product shows it; the user name written inside older hashed events stays, kept
  under art. 17(3)(b) with the books, and goes with them when their period is over.
* **A private customer** (:func:`erase_customer`): master data is pseudonymised only when no
  accounting document naming them (issued invoice, payment, reminder, posting) is still inside
  its period; otherwise the request is refused with ``FF-RETENTION-ACTIVE`` and the date from
  which it becomes possible. The documents themselves are never changed.
* **A contact e-mail** on business customers and suppliers (:func:`erase_contact`): master data
  only, emptied at once; received documents keep their sender (documentation of receipt).

Each erasure writes an audit event without the erased values (they must not enter the
immutable log) and an :class:`~fakturaflyt.privacy.models.Erasure` record.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from fakturaflyt.core.retention import retention_until
from fakturaflyt.ledger import audit
from fakturaflyt.privacy.error_codes import PrivacyError, PrivacyErrorCode, RetentionError
from fakturaflyt.privacy.models import Erasure, SubjectType
from fakturaflyt.privacy.retention import fiscal_year_end

KEPT_AUDIT = (
    "audit log: user name in events written before the erasure (hash-chained; art. 17(3)(b), bokføringsloven § 13)"
)
KEPT_DOCUMENTS = "accounting documents naming the person (art. 17(3)(b), bokføringsloven § 13)"


def user_pseudonym(user: Any) -> str:
    """The stable pseudonym of an erased user: derived from the row id, so every reference stays joined."""
    return f"erased-user-{user.pk}"


def is_erased(user: Any) -> bool:
    return bool(user.get_username() == user_pseudonym(user))


def erase_user(actor: Any, user: Any) -> Erasure:
    """Pseudonymise ``user`` (see the module docstring). Refused for the last active admin of a company."""
    from fakturaflyt.companies.models import ApiToken, Membership
    from fakturaflyt.companies.roles import Role

    if is_erased(user):
        raise PrivacyError(PrivacyErrorCode.ALREADY_ERASED, gettext("This user has already been erased."))
    memberships = list(Membership.objects.filter(user=user).select_related("company"))
    for m in memberships:
        if m.role == Role.ADMIN and m.is_active:
            others = Membership.objects.filter(company=m.company, role=Role.ADMIN, is_active=True).exclude(user=user)
            if not others.exists():
                raise PrivacyError(
                    PrivacyErrorCode.LAST_ADMIN,
                    gettext("%(user)s is the only administrator of %(company)s: appoint another first.")
                    % {"user": user.get_username(), "company": m.company.name},
                )
    old_username = user.get_username()
    pseudonym = user_pseudonym(user)
    now = timezone.now()
    with transaction.atomic():
        user.username, user.email, user.first_name, user.last_name = pseudonym, "", "", ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        Membership.objects.filter(user=user).update(is_active=False)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        devices = _remove_devices(user)
        logins = _remove_login_history(old_username)
        erased = ["username", "first_name", "last_name", "email", "password", "login history", "2FA devices"]
        kept = [KEPT_AUDIT, "approval steps and comments on received invoices (documentation of the booking)"]
        record = Erasure.objects.create(
            company=None,
            subject_type=SubjectType.USER,
            subject_id=str(user.pk),
            pseudonym=pseudonym,
            erased_at=now,
            erased_by=actor if getattr(actor, "is_authenticated", False) else None,
            erased=erased,
            kept=kept,
        )
        for m in memberships:
            audit.record(m.company, actor, "person.erased", user, subject=pseudonym, devices=devices, logins=logins)
    return record


def _remove_devices(user: Any) -> int:
    try:
        from django_otp import devices_for_user
    except ImportError:  # pragma: no cover
        return 0
    count = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        count += 1
    return count


def _remove_login_history(username: str) -> int:
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except (ImportError, RuntimeError):  # pragma: no cover
        return 0
    count = 0
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        count += model.objects.filter(username=username).delete()[0]
    return count


def customer_retained_until(customer: Any) -> date | None:
    """The last day any accounting document naming ``customer`` must be kept, or None when there is none."""
    from fakturaflyt.dunning.models import DunningNotice
    from fakturaflyt.ledger.models import Posting
    from fakturaflyt.receivables.models import CustomerPayment, SalesInvoice

    dates = [
        SalesInvoice.objects.filter(customer=customer, number__isnull=False).aggregate(m=Max("issue_date"))["m"],
        CustomerPayment.objects.filter(customer=customer).aggregate(m=Max("paid_on"))["m"],
        DunningNotice.objects.filter(invoice__customer=customer).aggregate(m=Max("sent_on"))["m"],
        Posting.objects.filter(customer=customer).aggregate(m=Max("voucher__date"))["m"],
    ]
    latest = max((d for d in dates if d is not None), default=None)
    return retention_until(latest, fiscal_year_end()) if latest is not None else None


def erase_customer(actor: Any, customer: Any, *, today: date | None = None) -> Erasure:
    """Pseudonymise a private customer's master data, or refuse while documents naming them are retained."""
    if not customer.is_consumer:
        raise PrivacyError(
            PrivacyErrorCode.NOT_A_PERSON,
            gettext(
                "Customer %(number)s is a business, not a person: erase the e-mail address of a contact person instead."
            )
            % {"number": customer.number},
        )
    if customer.name.startswith("erased-customer-"):
        raise PrivacyError(PrivacyErrorCode.ALREADY_ERASED, gettext("This customer has already been erased."))
    today = today or timezone.localdate()
    until = customer_retained_until(customer)
    if until is not None and until >= today:
        raise RetentionError(
            gettext(
                "Customer %(number)s cannot be erased yet: accounting documents naming them must be kept until "
                "%(until)s (bokføringsloven § 13; GDPR art. 17(3)(b)). Erasure is possible from %(from)s."
            )
            % {
                "number": customer.number,
                "until": until.isoformat(),
                "from": (until + timedelta(days=1)).isoformat(),
            },
            until,
            location=f"receivables.customer:{customer.pk}",
        )
    pseudonym = f"erased-customer-{customer.number}"
    fields = ["name", "orgnr", "vat_id", "address_line", "postal_code", "city", "email", "peppol_id", "reference"]
    with transaction.atomic():
        for name in fields:
            setattr(customer, name, "")
        customer.name = pseudonym
        customer.is_active = False
        customer.save()
        # no before/after: the erased values must not enter the immutable log
        audit.record(customer.company, actor, "customer.erased", customer, subject=pseudonym)
        return Erasure.objects.create(
            company=customer.company,
            subject_type=SubjectType.CUSTOMER,
            subject_id=str(customer.pk),
            pseudonym=pseudonym,
            erased_at=timezone.now(),
            erased_by=actor if getattr(actor, "is_authenticated", False) else None,
            erased=fields,
            kept=[KEPT_DOCUMENTS + ": issued invoices past their period are listed by the retention report"],
        )


def erase_contact(actor: Any, company: Any, email: str) -> Erasure:
    """Empty a contact e-mail on the company's business customers and suppliers (master data only)."""
    from fakturaflyt.payables.models import Supplier
    from fakturaflyt.receivables.models import Customer

    email = email.strip()
    customers = Customer.objects.filter(company=company, email__iexact=email, is_consumer=False)
    suppliers = Supplier.objects.filter(company=company, email__iexact=email)
    if not customers.exists() and not suppliers.exists():
        raise PrivacyError(PrivacyErrorCode.NO_SUBJECT, gettext("No customer or supplier has this e-mail address."))
    with transaction.atomic():
        touched = [f"customer {c.number}" for c in customers] + [f"supplier {s.number}" for s in suppliers]
        customers.update(email="")
        suppliers.update(email="")
        pseudonym = f"erased-contact-{Erasure.objects.count() + 1}"
        audit.record(company, actor, "contact.erased", None, subject=pseudonym, records=touched)
        return Erasure.objects.create(
            company=company,
            subject_type=SubjectType.CONTACT,
            subject_id=pseudonym,
            pseudonym=pseudonym,
            erased_at=timezone.now(),
            erased_by=actor if getattr(actor, "is_authenticated", False) else None,
            erased=touched,
            kept=["sender of received documents (documentation of receipt; art. 17(3)(b))"],
        )
