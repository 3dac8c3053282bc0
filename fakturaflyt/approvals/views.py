"""Approval pages (Attestering): my invoices to approve, one invoice (the reminder e-mail's link), the
accountant's returned invoices, comments, and the rules, substitutes and settings.

Approving needs :attr:`Perm.APPROVE` (and being the step's approver or their substitute today,
checked by the service); sending again, rules and substitutes :attr:`Perm.MANAGE_PAYABLES`.
Documents are looked up through ``scoped``, so another company's document answers 404. The
detail page also opens from an e-mail when the user's active company is another one: it
switches to the document's company if the user belongs to it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from fakturaflyt.approvals import services
from fakturaflyt.approvals.error_codes import ApprovalError
from fakturaflyt.approvals.forms import CommentForm, RejectForm, RuleForm, SettingsForm, SubstituteForm
from fakturaflyt.approvals.models import ApprovalRule, Substitute
from fakturaflyt.coding.models import CodingLine
from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.middleware import remember_company
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import NotAllowed, has_perm, membership, require, scoped
from fakturaflyt.companies.roles import Perm, Role
from fakturaflyt.payables.models import SupplierDocument


def _m(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _document(m: Membership, pk: int) -> SupplierDocument:
    return get_object_or_404(
        scoped(SupplierDocument.objects.all(), m).select_related("supplier", "company", "voucher", "requested_by"),
        pk=pk,
    )


def _back(request: HttpRequest, default: str, *args: Any) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default, *args)


def coding_summary(document: SupplierDocument) -> list[dict[str, Any]]:
    """Per coding line: text, amount and its coding, for the approver's card."""
    return [
        {
            "text": ln.description,
            "amount": ln.amount,
            "account": ln.account,
            "vat_code": ln.vat_code,
            "department": ln.department,
            "project": ln.project,
        }
        for ln in CodingLine.objects.filter(document=document).order_by("line_no")
    ]


def _card(step: Any) -> dict[str, Any]:
    doc = step.document
    return {
        "step": step,
        "document": doc,
        "lines": coding_summary(doc),
        "comments": list(doc.comments.select_related("author")),
    }


@company_view(Perm.APPROVE)
def pending(request: HttpRequest) -> HttpResponse:
    m = _m(request)
    steps = services.pending_for(m.company, request.user)
    can_manage = has_perm(m, Perm.MANAGE_PAYABLES)
    returned = []
    if can_manage:
        returned = [
            {"document": d, "reason": services.returned_reason(d)} for d in services.returned_documents(m.company)[:100]
        ]
    waiting = (
        services.current_steps(m.company).exclude(pk__in=[s.pk for s in steps]).order_by("due_at")[:100]
        if can_manage
        else []
    )
    return render(
        request,
        "approvals/pending.html",
        {
            "cards": [_card(s) for s in steps],
            "returned": returned,
            "waiting": waiting,
            "can_manage": can_manage,
            "reject_form": RejectForm(),
            "now": timezone.now(),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One invoice in approval; opens from the reminder e-mail in whichever company the document belongs to."""
    m = _m(request)
    document = SupplierDocument.objects.filter(pk=pk).select_related("company").first()
    if document is None:
        raise Http404
    if m is None or m.company_id != document.company_id:
        other = membership(request.user, document.company_id)
        if other is None:
            raise Http404
        remember_company(request, other)
        request.company, request.membership = other.company, other  # type: ignore[attr-defined]
        m = other
    require(request.user, m.company, Perm.VIEW_PAYABLES)
    document = _document(m, pk)
    steps = list(services.steps_of(document))
    current = next((s for s in steps if s.status == "pending" and document.state == "in_approval"), None)
    return render(
        request,
        "approvals/detail.html",
        {
            "document": document,
            "lines": coding_summary(document),
            "steps": steps,
            "current": current,
            "may_act": current is not None and has_perm(m, Perm.APPROVE) and services.may_act(current, request.user),
            "self_ordered": document.requested_by_id == request.user.pk,
            "returned_reason": services.returned_reason(document) if document.state == "returned" else "",
            "can_manage": has_perm(m, Perm.MANAGE_PAYABLES),
            "reject_form": RejectForm(),
        },
    )


@require_POST
@company_view(Perm.APPROVE)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(_m(request), pk)
    try:
        document = services.approve(document, request.user)
    except ApprovalError as exc:
        messages.error(request, exc.message)
        return _back(request, "approvals:pending")
    if document.state == "approved":
        messages.success(request, gettext("Approved and posted as %(voucher)s.") % {"voucher": document.voucher.label})
    else:
        messages.success(request, gettext("Approved. It goes on to the next approver."))
    return _back(request, "approvals:pending")


@require_POST
@company_view(Perm.APPROVE)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(_m(request), pk)
    form = RejectForm(request.POST)
    try:
        services.reject(document, request.user, form.data.get("reason", ""))
    except ApprovalError as exc:
        messages.error(request, exc.message)
        return _back(request, "approvals:pending")
    messages.success(request, gettext("Rejected. The invoice is back with the accountant."))
    return _back(request, "approvals:pending")


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(_m(request), pk)
    try:
        services.resubmit(document, request.user)
    except ApprovalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Sent to approval again."))
    return _back(request, "approvals:pending")


@require_POST
@company_view(Perm.VIEW_PAYABLES)
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    if _m(request).role == Role.AUDITOR:  # an auditor (revisor) reads everything and changes nothing
        raise NotAllowed("FF-ROLE-FORBIDS", gettext("An auditor can read, but not comment."), Perm.VIEW_PAYABLES)
    document = _document(_m(request), pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(
            document,
            request.user,
            form.cleaned_data["text"],
            shared_with_supplier=form.cleaned_data["shared_with_supplier"],
        )
        messages.success(request, gettext("Comment added."))
    else:
        messages.error(request, gettext("Write a comment."))
    return _back(request, "payables:document", document.pk)


# ---------------------------------------------------------------- rules, substitutes, settings


def _rules_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    company = _m(request).company
    s = services.settings_for(company)
    return {
        "rules": ApprovalRule.objects.filter(company=company).select_related("approver"),
        "substitutes": Substitute.objects.filter(company=company).select_related("user", "substitute"),
        "rule_form": forms.get("rule_form") or RuleForm(company),
        "substitute_form": forms.get("substitute_form") or SubstituteForm(company),
        "settings_form": forms.get("settings_form")
        or SettingsForm(initial={"sla_hours": s.sla_hours, "remind_by_email": s.remind_by_email}),
    }


@company_view(Perm.MANAGE_PAYABLES)
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "approvals/rules.html", _rules_context(request))


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def rule_add(request: HttpRequest) -> HttpResponse:
    company = _m(request).company
    form = RuleForm(company, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_rule(
                company,
                request.user,
                name=data["name"],
                condition=data["condition"],
                value=data["value"],
                amount=data["amount"],
                approver_role=data["approver_role"],
                approver=form.approver_user(),
            )
        except ApprovalError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Rule added."))
            return redirect("approvals:rules")
    return render(request, "approvals/rules.html", _rules_context(request, rule_form=form), status=422)


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ApprovalRule.objects.select_related("company"), company=_m(request).company, pk=pk)
    services.set_rule_active(rule, request.user, request.POST.get("active") == "1")
    return redirect("approvals:rules")


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def substitute_add(request: HttpRequest) -> HttpResponse:
    company = _m(request).company
    form = SubstituteForm(company, request.POST)
    if form.is_valid():
        try:
            services.add_substitute(
                company,
                request.user,
                absent=form.user_of("user"),
                substitute=form.user_of("substitute"),
                starts=form.cleaned_data["starts"],
                ends=form.cleaned_data["ends"],
            )
        except ApprovalError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Substitute added."))
            return redirect("approvals:rules")
    return render(request, "approvals/rules.html", _rules_context(request, substitute_form=form), status=422)


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def substitute_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(Substitute.objects.select_related("company"), company=_m(request).company, pk=pk)
    services.delete_substitute(sub, request.user)
    return redirect("approvals:rules")


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def settings_save(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if form.is_valid():
        services.update_settings(
            _m(request).company,
            request.user,
            sla_hours=form.cleaned_data["sla_hours"],
            remind_by_email=form.cleaned_data["remind_by_email"],
        )
        messages.success(request, gettext("Settings saved."))
        return redirect("approvals:rules")
    return render(request, "approvals/rules.html", _rules_context(request, settings_form=form), status=422)
