"""The approval (attestering) actions. One function per business action, one transaction, one audit event each.

**Routing** (:func:`submit`, called when a document becomes ``coded``):

1. A document whose purchase-order match is within tolerance is approved at once: the PO is the
   approval (audit ``approval.auto_po``). A credit note that credits an approved invoice of the
   same supplier is approved at once too (``approval.auto_credit``): the invoice was approved.
2. Otherwise the company's active rules are read in order (``position``); the first that matches
   (amount over, department/project/account on a coded line, supplier org.nr or number, no PO,
   always) names the first approver: a person, or among the active members with that role the
   one with the lowest approval limit that covers the amount (else the highest limit).
3. **Attestation hierarchy**: when the amount exceeds that approver's limit (an empty limit
   counts as 0), a second level is added: the member with the approve permission whose limit
   is the lowest one at or above the amount (the budget owner attests, the leader approves).
   When nobody's limit suffices, the company's administrator approves (the administrator
   answers for the company's spending; an admin's empty limit means no limit). When there is no
   administrator either, the document goes back to the accountant (``returned``) saying so.
   With no matching rule, the hierarchy alone picks the one approver.
4. **No self-approval**: the document's ``requested_by`` is never chosen (the next eligible
   person is) and :func:`approve` by them is refused (``FF-APPROVAL-SELF``).

**Acting**: the lowest pending level of the current round is the current step. Its approver, or a
:class:`~.models.Substitute` of the approver active today (recorded as ``on_behalf_of``), may
:func:`approve` or :func:`reject` (reason required → ``returned``, back to the accountant, who
may fix the coding and :func:`resubmit`: a new round, rules evaluated again). The final approval
sets ``approved`` and ``approved_at`` and posts the voucher (:func:`fakturaflyt.payables.posting.post_document`)
in the same transaction: if the posting is refused, nothing is approved.

**Reminders**: :func:`remind_overdue` sends one e-mail per step waiting past its due time
(the company's SLA), with a link to the approval page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from fakturaflyt.approvals.error_codes import ApprovalCode, ApprovalError
from fakturaflyt.approvals.models import (
    ApprovalRule,
    ApprovalSettings,
    ApprovalStep,
    Comment,
    Condition,
    StepStatus,
    Substitute,
)
from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.ledger import audit

logger = logging.getLogger(__name__)

ZERO = Decimal("0")


# ------------------------------------------------------------------------------------ settings


def settings_for(company: Company) -> ApprovalSettings:
    found, _ = ApprovalSettings.objects.get_or_create(company=company)
    return found


def update_settings(company: Company, user: Any, *, sla_hours: int, remind_by_email: bool) -> ApprovalSettings:
    if sla_hours < 1 or sla_hours > 24 * 60:
        raise ApprovalError(ApprovalCode.BAD_RULE, "The time to approve is between 1 hour and 60 days.", "sla_hours")
    with transaction.atomic():
        s = ApprovalSettings.objects.select_for_update().get(pk=settings_for(company).pk)
        before = {"sla_hours": s.sla_hours, "remind_by_email": s.remind_by_email}
        s.sla_hours, s.remind_by_email = sla_hours, remind_by_email
        s.save()
        audit.record(
            company,
            user,
            "approval.settings_changed",
            s,
            before=before,
            after={"sla_hours": sla_hours, "remind_by_email": remind_by_email},
        )
    return s


def add_rule(
    company: Company,
    user: Any,
    *,
    name: str,
    condition: str,
    value: str = "",
    amount: Decimal | None = None,
    approver_role: str = "",
    approver: Any = None,
    position: int | None = None,
) -> ApprovalRule:
    """A routing rule; it must name a person or a role, and the value its condition needs."""
    if condition not in Condition.values:
        raise ApprovalError(ApprovalCode.BAD_RULE, "Choose one of the conditions.", "condition")
    if condition == Condition.AMOUNT_OVER and amount is None:
        raise ApprovalError(ApprovalCode.BAD_RULE, "Give the amount the rule applies above.", "amount")
    if (
        condition in (Condition.DEPARTMENT, Condition.PROJECT, Condition.SUPPLIER, Condition.ACCOUNT)
        and not value.strip()
    ):
        raise ApprovalError(ApprovalCode.BAD_RULE, "Give the code the rule applies to.", "value")
    if (approver is None) == (not approver_role):
        raise ApprovalError(ApprovalCode.BAD_RULE, "Name either an approver or a role, not both.", "approver")
    if approver_role and Perm.APPROVE not in permissions_of(approver_role):
        raise ApprovalError(ApprovalCode.BAD_RULE, "That role may not approve invoices.", "approver_role")
    if approver is not None and not _members(company).filter(user=approver).exists():
        raise ApprovalError(ApprovalCode.BAD_RULE, "The approver must be a member who may approve.", "approver")
    with transaction.atomic():
        if position is None:
            last = ApprovalRule.objects.filter(company=company).order_by("-position").first()
            position = (last.position + 10) if last else 10
        rule = ApprovalRule.objects.create(
            company=company,
            position=position,
            name=name.strip()[:100] or str(Condition(condition).label),
            condition=condition,
            value=value.strip()[:50],
            amount=amount,
            approver_role=approver_role,
            approver=approver,
        )
        audit.record(company, user, "approval.rule_added", rule, after=_rule_data(rule))
    return rule


def set_rule_active(rule: ApprovalRule, user: Any, active: bool) -> ApprovalRule:
    with transaction.atomic():
        before = _rule_data(rule)
        rule.is_active = active
        rule.save(update_fields=["is_active"])
        audit.record(rule.company, user, "approval.rule_changed", rule, before=before, after=_rule_data(rule))
    return rule


def _rule_data(rule: ApprovalRule) -> dict[str, Any]:
    return {
        "position": rule.position,
        "name": rule.name,
        "condition": rule.condition,
        "value": rule.value,
        "amount": str(rule.amount) if rule.amount is not None else None,
        "approver_role": rule.approver_role,
        "approver": rule.approver_id,
        "is_active": rule.is_active,
    }


def add_substitute(
    company: Company, user: Any, *, absent: Any, substitute: Any, starts: date, ends: date
) -> Substitute:
    if ends < starts:
        raise ApprovalError(ApprovalCode.BAD_SUBSTITUTE, "The period ends before it starts.", "ends")
    if absent == substitute:
        raise ApprovalError(ApprovalCode.BAD_SUBSTITUTE, "A person cannot be their own substitute.", "substitute")
    if not _members(company).filter(user=substitute).exists():
        raise ApprovalError(
            ApprovalCode.BAD_SUBSTITUTE, "The substitute must be a member who may approve.", "substitute"
        )
    with transaction.atomic():
        sub = Substitute.objects.create(company=company, user=absent, substitute=substitute, starts=starts, ends=ends)
        audit.record(
            company,
            user,
            "approval.substitute_added",
            sub,
            after={"user": absent.pk, "substitute": substitute.pk, "starts": starts, "ends": ends},
        )
    return sub


def delete_substitute(sub: Substitute, user: Any) -> None:
    with transaction.atomic():
        audit.record(
            sub.company,
            user,
            "approval.substitute_removed",
            sub,
            before={"user": sub.user_id, "substitute": sub.substitute_id, "starts": sub.starts, "ends": sub.ends},
        )
        sub.delete()


# ------------------------------------------------------------------------------------ routing


def _members(company: Company) -> QuerySet[Membership]:
    """Active members whose role has the approve permission."""
    roles = [r for r in Role.values if Perm.APPROVE in permissions_of(r)]
    return Membership.objects.filter(
        company=company, is_active=True, role__in=roles, user__is_active=True
    ).select_related("user")


def _limit(m: Membership | None) -> Decimal:
    if m is None:
        return ZERO
    if m.approval_limit is None:
        return ZERO
    return m.approval_limit


def amount_of(document: Any) -> Decimal:
    return abs(document.total or ZERO)


def _lines(document: Any) -> list[Any]:
    from fakturaflyt.coding.models import CodingLine

    return list(CodingLine.objects.filter(document=document))


def _po_match(document: Any) -> Any:
    try:
        return getattr(document, "po_match", None)
    except Exception:
        return None


def _matches(rule: ApprovalRule, document: Any, lines: list[Any]) -> bool:
    value = rule.value.strip()
    if rule.condition == Condition.ALWAYS:
        return True
    if rule.condition == Condition.AMOUNT_OVER:
        return rule.amount is not None and amount_of(document) > rule.amount
    if rule.condition == Condition.DEPARTMENT:
        return any(ln.department == value for ln in lines)
    if rule.condition == Condition.PROJECT:
        return any(ln.project == value for ln in lines)
    if rule.condition == Condition.ACCOUNT:
        return any(ln.account == value for ln in lines)
    if rule.condition == Condition.SUPPLIER:
        s = document.supplier
        return s is not None and value.replace(" ", "") in {s.orgnr, str(s.number)}
    if rule.condition == Condition.NO_PO:
        return not document.order_reference and _po_match(document) is None
    return False


def _by_limit(candidates: Iterable[Membership], amount: Decimal) -> Membership | None:
    """The lowest limit that covers ``amount``; else None."""
    covering = [m for m in candidates if m.approval_limit is not None and m.approval_limit >= amount]
    return min(covering, key=lambda m: (m.approval_limit, m.pk)) if covering else None


def _first_approver(rule: ApprovalRule, company: Company, amount: Decimal, excluded: set[int]) -> Membership | None:
    members = [m for m in _members(company) if m.user_id not in excluded]
    if rule.approver_id is not None:
        return next((m for m in members if m.user_id == rule.approver_id), None)
    in_role = [m for m in members if m.role == rule.approver_role]
    if not in_role:
        return None
    return _by_limit(in_role, amount) or max(in_role, key=lambda m: (_limit(m), -m.pk))


def _final_approver(company: Company, amount: Decimal, excluded: set[int]) -> tuple[Membership | None, str]:
    members = [m for m in _members(company) if m.user_id not in excluded]
    found = _by_limit(members, amount)
    if found is not None:
        return found, "limit"
    admins = sorted((m for m in members if m.role == Role.ADMIN), key=lambda m: m.pk)
    return (admins[0], "admin") if admins else (None, "")


def plan(document: Any) -> list[tuple[Membership, ApprovalRule | None, str]]:
    """The approvers of a document by level: (membership, rule, why). Raises ``FF-APPROVAL-NO-APPROVER``."""
    company = document.company
    amount = amount_of(document)
    excluded = {document.requested_by_id} if document.requested_by_id else set()
    lines = _lines(document)
    rule = next(
        (
            r
            for r in ApprovalRule.objects.filter(company=company, is_active=True).select_related("approver")
            if _matches(r, document, lines)
        ),
        None,
    )
    steps: list[tuple[Membership, ApprovalRule | None, str]] = []
    first = _first_approver(rule, company, amount, excluded) if rule is not None else None
    if first is not None:
        steps.append((first, rule, f"rule: {rule.name}"))  # type: ignore[union-attr]
        if _limit(first) >= amount:
            return steps
        excluded = excluded | {first.user_id}
    final, how = _final_approver(company, amount, excluded)
    if final is None:
        raise ApprovalError(
            ApprovalCode.NO_APPROVER,
            f"Nobody may approve {amount} NOK: no member's approval limit covers it and there is no administrator "
            "other than the person who ordered it. Raise an approval limit and send it to approval again.",
        )
    why = "admin: no limit covers the amount" if how == "admin" else "limit covers the amount"
    if not steps and rule is not None:
        why = f"rule: {rule.name}; {why}"
    steps.append((final, rule if not steps else None, why))
    return steps


def _round(document: Any) -> int:
    last = ApprovalStep.objects.filter(document=document).order_by("-round").first()
    return last.round if last else 0


def _locked(document: Any) -> Any:
    from fakturaflyt.payables.models import SupplierDocument

    return (
        SupplierDocument.objects.select_for_update(of=("self",))
        .select_related("company", "supplier")
        .get(pk=document.pk)
    )


def _finish(doc: Any, actor: Any, action: str, before_state: str, **details: Any) -> Any:
    """Approve the document, post it (same transaction), audit."""
    from fakturaflyt.payables import posting
    from fakturaflyt.payables.models import DocumentState

    doc.state = DocumentState.APPROVED
    doc.approved_at = timezone.now()
    doc.save(update_fields=["state", "approved_at", "updated_at"])
    voucher = posting.post_document(doc, actor)
    if _po_match(doc) is not None:
        # An invoice approved despite deviations from its order now takes its quantities off the order
        # (within tolerance they were counted when it was matched; counting is idempotent).
        from fakturaflyt.purchasing.services import record_invoiced

        record_invoiced(doc, actor)
    doc.refresh_from_db()
    audit.record(
        doc.company,
        actor,
        action,
        doc,
        before={"state": before_state},
        after={"state": doc.state, "voucher": voucher.label},
        **details,
    )
    return doc


def _start_round(doc: Any, actor: Any, *, before_state: str, action: str) -> Any:
    from fakturaflyt.payables.models import DocumentState

    try:
        steps = plan(doc)
    except ApprovalError as exc:
        doc.state = DocumentState.RETURNED
        doc.save(update_fields=["state", "updated_at"])
        audit.record(
            doc.company,
            actor,
            "approval.no_approver",
            doc,
            before={"state": before_state},
            after={"state": doc.state},
            reason=exc.message,
        )
        return doc
    now = timezone.now()
    sla = timedelta(hours=settings_for(doc.company).sla_hours)
    number = _round(doc) + 1
    created = [
        ApprovalStep.objects.create(
            company=doc.company,
            document=doc,
            round=number,
            level=level,
            approver=m.user,
            rule=rule,
            why=why[:200],
            due_at=now + sla if level == 1 else None,
        )
        for level, (m, rule, why) in enumerate(steps, start=1)
    ]
    doc.state = DocumentState.IN_APPROVAL
    doc.save(update_fields=["state", "updated_at"])
    audit.record(
        doc.company,
        actor,
        action,
        doc,
        before={"state": before_state},
        after={"state": doc.state, "round": number, "approvers": [s.approver.get_username() for s in created]},
    )
    return doc


def submit(document: Any, actor: Any = None) -> Any:
    """Route a coded document: approve it at once (PO within tolerance, credit of an approved invoice) or start round 1."""
    from fakturaflyt.payables import posting
    from fakturaflyt.payables.models import DocumentState

    with transaction.atomic():
        doc = _locked(document)
        if doc.state != DocumentState.CODED:
            return doc  # already routed, or not coded: nothing to do (idempotent)
        match = _po_match(doc)
        if match is not None and getattr(match, "within_tolerance", False):
            return _finish(doc, actor, "approval.auto_po", DocumentState.CODED, purchase_order_match=match.pk)
        if doc.is_credit_note and doc.credits_id is not None and posting.set_off_target(doc) is not None:
            return _finish(doc, actor, "approval.auto_credit", DocumentState.CODED, credits=doc.credits_id)
        return _start_round(doc, actor, before_state=DocumentState.CODED, action="approval.submitted")


def submit_safely(document_id: int) -> None:
    """The coding hook's call: route the document, logging (never raising) a failure."""
    from fakturaflyt.payables.models import SupplierDocument

    try:
        document = SupplierDocument.objects.get(pk=document_id)
        submit(document)
    except Exception:
        logger.exception("approval routing of supplier document %s failed", document_id)


# ------------------------------------------------------------------------------------ acting


def _current(doc: Any) -> ApprovalStep | None:
    return (
        ApprovalStep.objects.select_for_update()
        .filter(document=doc, status=StepStatus.PENDING)
        .order_by("round", "level")
        .first()
    )


def active_absences(substitute: Any, on: date | None = None) -> list[int]:
    """The users ``substitute`` stands in for today."""
    on = on or timezone.localdate()
    return list(
        Substitute.objects.filter(substitute=substitute, starts__lte=on, ends__gte=on).values_list("user_id", flat=True)
    )


def _acting_for(step: ApprovalStep, user: Any) -> Any:
    """None when ``user`` is the approver; the approver when ``user`` substitutes; else refuse."""
    if step.approver_id == user.pk:
        return None
    if Substitute.objects.filter(
        company=step.company_id,
        user=step.approver_id,
        substitute=user,
        starts__lte=timezone.localdate(),
        ends__gte=timezone.localdate(),
    ).exists():
        return step.approver
    raise ApprovalError(ApprovalCode.NOT_YOUR_STEP, "This invoice is waiting for another approver.")


def _check_actor(doc: Any, user: Any) -> ApprovalStep:
    from fakturaflyt.payables.models import DocumentState

    if doc.state != DocumentState.IN_APPROVAL:
        raise ApprovalError(
            ApprovalCode.NOT_IN_APPROVAL, f"The invoice is {doc.get_state_display().lower()}, not waiting for approval."
        )
    if doc.requested_by_id is not None and doc.requested_by_id == user.pk:
        raise ApprovalError(
            ApprovalCode.SELF_APPROVAL, "You ordered this purchase, so you may not approve it yourself."
        )
    step = _current(doc)
    if step is None:
        raise ApprovalError(ApprovalCode.NOT_IN_APPROVAL, "The invoice has no step waiting for approval.")
    return step


def approve(document: Any, user: Any) -> Any:
    """The current approver (or their substitute) approves; the last level approves the document and posts it."""
    from fakturaflyt.payables.models import DocumentState

    with transaction.atomic():
        doc = _locked(document)
        step = _check_actor(doc, user)
        on_behalf = _acting_for(step, user)
        now = timezone.now()
        step.status = StepStatus.APPROVED
        step.acted_by = user
        step.acted_at = now
        step.on_behalf_of = on_behalf
        step.save()
        audit.record(
            doc.company,
            user,
            "approval.step_approved",
            doc,
            after={"round": step.round, "level": step.level, "approver": step.approver.get_username()},
            **({"on_behalf_of": on_behalf.get_username()} if on_behalf else {}),
        )
        following = (
            ApprovalStep.objects.select_for_update()
            .filter(document=doc, round=step.round, status=StepStatus.PENDING)
            .order_by("level")
            .first()
        )
        if following is not None:
            following.due_at = now + timedelta(hours=settings_for(doc.company).sla_hours)
            following.save(update_fields=["due_at"])
            return doc
        return _finish(doc, user, "approval.approved", DocumentState.IN_APPROVAL)


def reject(document: Any, user: Any, reason: str) -> Any:
    """The current approver (or substitute) sends the invoice back to the accountant with a reason (required)."""
    from fakturaflyt.payables.models import DocumentState

    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError(ApprovalCode.REASON_REQUIRED, "Write why the invoice is rejected.", "reason")
    with transaction.atomic():
        doc = _locked(document)
        step = _check_actor(doc, user)
        on_behalf = _acting_for(step, user)
        step.status = StepStatus.REJECTED
        step.acted_by = user
        step.acted_at = timezone.now()
        step.on_behalf_of = on_behalf
        step.reason = reason[:500]
        step.save()
        ApprovalStep.objects.filter(document=doc, round=step.round, status=StepStatus.PENDING).update(
            status=StepStatus.CANCELLED
        )
        doc.state = DocumentState.RETURNED
        doc.save(update_fields=["state", "updated_at"])
        audit.record(
            doc.company,
            user,
            "approval.rejected",
            doc,
            before={"state": DocumentState.IN_APPROVAL},
            after={"state": doc.state},
            reason=reason,
            **({"on_behalf_of": on_behalf.get_username()} if on_behalf else {}),
        )
    return doc


def resubmit(document: Any, user: Any) -> Any:
    """After fixing a returned invoice, the accountant sends it to approval again: a new round, rules read again."""
    from fakturaflyt.coding.models import CodingLine, LineState
    from fakturaflyt.payables.models import DocumentState

    with transaction.atomic():
        doc = _locked(document)
        if doc.state != DocumentState.RETURNED:
            raise ApprovalError(ApprovalCode.NOT_RETURNED, "Only an invoice returned from approval can be sent again.")
        if CodingLine.objects.filter(document=doc, state=LineState.QUEUED).exists():
            raise ApprovalError(ApprovalCode.NOT_CODED, "Code every line of the invoice before sending it again.")
        return _start_round(doc, user, before_state=DocumentState.RETURNED, action="approval.resubmitted")


def returned_reason(document: Any) -> str:
    """Why the document was returned: the last rejection's reason (or the routing's own)."""
    step = (
        ApprovalStep.objects.filter(document=document, status=StepStatus.REJECTED).order_by("-acted_at", "-pk").first()
    )
    if step is not None:
        return step.reason
    from fakturaflyt.ledger.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            company=document.company_id, object_id=str(document.pk), action="approval.no_approver"
        )
        .order_by("-seq")
        .first()
    )
    return str((event.data or {}).get("reason", "")) if event else ""


# ------------------------------------------------------------------------------------ queries


def _current_q() -> Any:
    lower = ApprovalStep.objects.filter(
        document=OuterRef("document"), round=OuterRef("round"), status=StepStatus.PENDING, level__lt=OuterRef("level")
    )
    return ~Exists(lower)


def current_steps(company: Company) -> QuerySet[ApprovalStep]:
    """Every document's current (actionable) step in the company."""
    from fakturaflyt.payables.models import DocumentState

    return (
        ApprovalStep.objects.filter(
            company=company, status=StepStatus.PENDING, document__state=DocumentState.IN_APPROVAL
        )
        .filter(_current_q())
        .select_related("document", "document__supplier", "approver", "document__voucher")
    )


def pending_for(company: Company, user: Any) -> QuerySet[ApprovalStep]:
    """The current steps ``user`` may act on: their own, and those of people they substitute for today."""
    absent = active_absences(user)
    return (
        current_steps(company)
        .filter(Q(approver=user) | Q(approver_id__in=absent))
        .exclude(document__requested_by=user)
        .order_by("due_at", "pk")
    )


def returned_documents(company: Company) -> QuerySet[Any]:
    from fakturaflyt.payables.models import DocumentState, SupplierDocument

    return (
        SupplierDocument.objects.filter(company=company, state=DocumentState.RETURNED)
        .select_related("supplier")
        .order_by("-updated_at")
    )


def steps_of(document: Any) -> QuerySet[ApprovalStep]:
    return (
        ApprovalStep.objects.filter(document=document)
        .select_related("approver", "acted_by", "on_behalf_of")
        .order_by("round", "level")
    )


def may_act(step: ApprovalStep, user: Any) -> bool:
    if step.document.requested_by_id == user.pk:
        return False
    return step.approver_id == user.pk or step.approver_id in active_absences(user)


# ------------------------------------------------------------------------------------ reminders


def approval_url(document: Any) -> str:
    base = str(getattr(settings, "FAKTURAFLYT_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return base + reverse("approvals:detail", args=[document.pk])


def remind_overdue(now: datetime | None = None) -> int:
    """One e-mail per current step waiting past its due time (to the approver and today's substitutes); returns how many."""
    now = now or timezone.now()
    sent = 0
    steps = (
        ApprovalStep.objects.filter(status=StepStatus.PENDING, reminded_at__isnull=True, due_at__lt=now)
        .filter(_current_q())
        .select_related("document", "document__supplier", "approver", "company")
    )
    for step in steps:
        if not settings_for(step.company).remind_by_email:
            continue
        with transaction.atomic():
            row = ApprovalStep.objects.select_for_update().filter(pk=step.pk, reminded_at__isnull=True).first()
            if row is None:
                continue
            subs = Substitute.objects.filter(
                company=step.company,
                user=step.approver,
                starts__lte=timezone.localdate(now),
                ends__gte=timezone.localdate(now),
            ).select_related("substitute")
            to = [u.email for u in [step.approver, *(s.substitute for s in subs)] if u.email]
            row.reminded_at = now
            row.save(update_fields=["reminded_at"])
            if to:
                doc = step.document
                supplier = doc.supplier.name if doc.supplier else ""
                send_mail(
                    f"Faktura venter på attestering: {supplier} {doc.invoice_number}".strip(),
                    (
                        f"Fakturaen {doc.invoice_number} fra {supplier} på {doc.currency or 'NOK'} {doc.total} "
                        f"venter på din attestering siden {timezone.localtime(step.due_at):%d.%m.%Y %H:%M} "
                        f"({step.company.name}).\n\nÅpne den her (logg inn først om du blir bedt om det):\n"
                        f"{approval_url(doc)}\n"
                    ),
                    None,
                    to,
                )
                sent += 1
            audit.record(step.company, None, "approval.reminded", step.document, after={"step": step.pk, "to": to})
    return sent


# ------------------------------------------------------------------------------------ comments


def add_comment(document: Any, user: Any, text: str, *, shared_with_supplier: bool = False) -> Comment:
    """A comment on an invoice (kept in the audit trail); ``shared_with_supplier`` shows it in the supplier portal."""
    text = (text or "").strip()
    if not text:
        raise ApprovalError(ApprovalCode.EMPTY_COMMENT, "Write a comment.", "text")
    with transaction.atomic():
        comment = Comment.objects.create(
            company=document.company,
            document=document,
            author=user,
            text=text[:2000],
            shared_with_supplier=shared_with_supplier,
        )
        audit.record(
            document.company,
            user,
            "comment.added",
            document,
            after={"comment": comment.pk, "text": comment.text, "shared_with_supplier": shared_with_supplier},
        )
    return comment


def comments_for(document: Any, membership: Membership) -> QuerySet[Comment]:
    """The comments ``membership`` may read: all of them in the company; a supplier contact only the shared ones
    on its own supplier's documents (none on others)."""
    qs = Comment.objects.filter(document=document, company=membership.company_id).select_related(
        "author", "document__voucher"
    )
    if membership.role == Role.SUPPLIER:
        if document.supplier_id != membership.supplier_id:
            return qs.none()
        qs = qs.filter(shared_with_supplier=True)
    return qs.order_by("created_at", "pk")


__all__ = [
    "active_absences",
    "add_comment",
    "add_rule",
    "add_substitute",
    "amount_of",
    "approval_url",
    "approve",
    "comments_for",
    "current_steps",
    "delete_substitute",
    "may_act",
    "pending_for",
    "plan",
    "reject",
    "remind_overdue",
    "resubmit",
    "returned_documents",
    "returned_reason",
    "set_rule_active",
    "settings_for",
    "steps_of",
    "submit",
    "submit_safely",
    "update_settings",
]
