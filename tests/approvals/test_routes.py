"""Each approval route: rules, the attestation hierarchy, substitutes, self-approval, reject and resubmit,
automatic approval by a PO match, reminders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from fakturaflyt.approvals import services
from fakturaflyt.approvals.error_codes import ApprovalCode, ApprovalError
from fakturaflyt.approvals.models import ApprovalStep, StepStatus
from fakturaflyt.payables.models import DocumentState


def _approvers(doc):
    return [s.approver.username for s in doc.approval_steps.order_by("round", "level")]


def _refresh(doc):
    doc.refresh_from_db()
    return doc


def test_small_invoice_goes_to_the_lowest_limit_that_covers_it_and_posts(office, coded):
    # given no rules and an invoice of 1 250
    doc = services.submit(coded())
    assert doc.state == DocumentState.IN_APPROVAL
    assert _approvers(doc) == ["budsjett@alfa.test"]
    step = doc.approval_steps.get()
    assert step.due_at is not None and step.due_at > timezone.now() + timedelta(hours=47)
    # when the approver approves
    services.approve(doc, office.budget)
    doc = _refresh(doc)
    # then it is approved and posted
    assert doc.state == DocumentState.APPROVED and doc.approved_at is not None
    assert doc.voucher is not None and doc.voucher.series.code == "AP"


def test_amount_escalation_adds_a_second_level(office, coded):
    # given a department rule naming the budget owner (limit 10 000) and an invoice of 25 000
    services.add_rule(
        office.company, office.admin, name="Salg", condition="department", value="200", approver=office.budget
    )
    doc = services.submit(coded([("20000.00", "6540", "1", "200", "")]))
    # then the budget owner attests and the leader (limit 100 000) approves
    assert _approvers(doc) == ["budsjett@alfa.test", "leder@alfa.test"]
    assert services.pending_for(office.company, office.leader).count() == 0  # not before level 1
    with pytest.raises(ApprovalError) as exc:
        services.approve(doc, office.leader)
    assert exc.value.code == ApprovalCode.NOT_YOUR_STEP
    services.approve(doc, office.budget)
    assert _refresh(doc).state == DocumentState.IN_APPROVAL and doc.voucher is None
    assert [s.document for s in services.pending_for(office.company, office.leader)] == [doc]
    services.approve(doc, office.leader)
    assert _refresh(doc).state == DocumentState.APPROVED and doc.voucher is not None


def test_above_every_limit_the_admin_approves(office, coded):
    doc = services.submit(coded([("200000.00", "6540", "1", "", "")]))
    assert _approvers(doc) == ["admin@alfa.test"]
    assert "admin" in doc.approval_steps.get().why


def test_rule_by_supplier_names_a_role(office, coded, user_factory):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    # given two accountants-as-approvers: the rule takes the role member with the lowest sufficient limit
    other = user_factory("regnskap2@alfa.test")
    add_member(None, office.company, other, Role.ACCOUNTANT, approval_limit=Decimal("50000"))
    services.add_rule(
        office.company, None, name="Kontor", condition="supplier", value="987654325", approver_role="accountant"
    )
    doc = services.submit(coded())
    assert _approvers(doc) == ["regnskap2@alfa.test"]
    # another supplier does not match the rule
    other_doc = services.submit(coded(supplier=office.foreign, vat="250.00"))
    assert _approvers(other_doc) == ["budsjett@alfa.test"]


def test_rule_by_project_and_by_no_po_in_order(office, coded):
    services.add_rule(office.company, None, name="Uten innkjøpsordre", condition="no_po", approver=office.leader)
    services.add_rule(office.company, None, name="Prosjekt", condition="project", value="P1", approver=office.budget)
    # the first matching rule wins: no PO comes first
    assert _approvers(services.submit(coded([("100.00", "6540", "1", "", "P1")]))) == ["leder@alfa.test"]
    # with an order reference, the project rule applies
    doc = services.submit(coded([("100.00", "6540", "1", "", "P1")], order_reference="PO-1"))
    assert _approvers(doc) == ["budsjett@alfa.test"]


def test_amount_over_and_account_rules(office, coded):
    services.add_rule(
        office.company, None, name="Store", condition="amount_over", amount=Decimal("5000"), approver=office.leader
    )
    services.add_rule(office.company, None, name="Inventar", condition="account", value="6540", approver=office.budget)
    assert _approvers(services.submit(coded([("8000.00", "6540", "1", "", "")]))) == ["leder@alfa.test"]
    assert _approvers(services.submit(coded([("800.00", "6540", "1", "", "")]))) == ["budsjett@alfa.test"]


def test_self_approval_is_refused_and_the_next_person_is_chosen(office, coded):
    # given the budget owner ordered the purchase and a rule names them
    services.add_rule(office.company, None, name="Alle", condition="always", approver=office.budget)
    doc = services.submit(coded(requested_by=office.budget))
    # then they are skipped: the next eligible person by limit approves
    assert _approvers(doc) == ["leder@alfa.test"]
    assert services.pending_for(office.company, office.budget).count() == 0
    with pytest.raises(ApprovalError) as exc:
        services.approve(doc, office.budget)
    assert exc.value.code == ApprovalCode.SELF_APPROVAL
    assert "ordered" in exc.value.message


def test_substitute_approves_on_behalf(office, coded, user_factory):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    deputy = user_factory("vikar@alfa.test")
    add_member(None, office.company, deputy, Role.APPROVER, approval_limit=Decimal("1000"))
    today = timezone.localdate()
    doc = services.submit(coded([("6000.00", "6540", "1", "", "")]))
    assert _approvers(doc) == ["budsjett@alfa.test"]
    # no substitute yet: the deputy may not act
    with pytest.raises(ApprovalError):
        services.approve(doc, deputy)
    services.add_substitute(
        office.company,
        office.admin,
        absent=office.budget,
        substitute=deputy,
        starts=today,
        ends=today + timedelta(days=7),
    )
    assert [s.document for s in services.pending_for(office.company, deputy)] == [doc]
    services.approve(doc, deputy)
    step = doc.approval_steps.get()
    assert step.acted_by == deputy and step.on_behalf_of == office.budget and step.status == StepStatus.APPROVED
    assert _refresh(doc).state == DocumentState.APPROVED


def test_expired_substitution_gives_no_right(office, coded, user_factory):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    deputy = user_factory("vikar@alfa.test")
    add_member(None, office.company, deputy, Role.APPROVER, approval_limit=Decimal("1000"))
    today = timezone.localdate()
    services.add_substitute(
        office.company,
        None,
        absent=office.budget,
        substitute=deputy,
        starts=today - timedelta(days=9),
        ends=today - timedelta(days=2),
    )
    doc = services.submit(coded())
    assert services.pending_for(office.company, deputy).count() == 0
    with pytest.raises(ApprovalError):
        services.approve(doc, deputy)


def test_reject_with_reason_returns_then_resubmit_starts_a_new_round(office, coded):
    from fakturaflyt.ledger.models import AuditEvent

    doc = services.submit(coded())
    with pytest.raises(ApprovalError) as exc:
        services.reject(doc, office.budget, "  ")
    assert exc.value.code == ApprovalCode.REASON_REQUIRED
    services.reject(doc, office.budget, "Feil avdeling")
    doc = _refresh(doc)
    assert doc.state == DocumentState.RETURNED and doc.voucher is None
    assert services.returned_reason(doc) == "Feil avdeling"
    assert list(services.returned_documents(office.company)) == [doc]
    # the accountant fixes it and sends it again: round 2
    services.resubmit(doc, office.accountant)
    assert _refresh(doc).state == DocumentState.IN_APPROVAL
    assert list(doc.approval_steps.values_list("round", "status")) == [(1, "rejected"), (2, "pending")]
    services.approve(doc, office.budget)
    assert _refresh(doc).state == DocumentState.APPROVED
    actions = list(AuditEvent.objects.filter(object_id=str(doc.pk)).values_list("action", flat=True))
    for action in (
        "approval.submitted",
        "approval.rejected",
        "approval.resubmitted",
        "approval.step_approved",
        "approval.approved",
    ):
        assert action in actions
    with pytest.raises(ApprovalError) as exc:
        services.resubmit(doc, office.accountant)
    assert exc.value.code == ApprovalCode.NOT_RETURNED


def test_po_within_tolerance_is_approved_automatically_without_steps(office, coded, monkeypatch):
    doc = coded(order_reference="PO-7")
    monkeypatch.setattr(services, "_po_match", lambda d: SimpleNamespace(pk=7, within_tolerance=True))
    doc = services.submit(doc)
    assert doc.state == DocumentState.APPROVED and doc.voucher is not None
    assert not ApprovalStep.objects.filter(document=doc).exists()
    from fakturaflyt.ledger.models import AuditEvent

    assert AuditEvent.objects.filter(action="approval.auto_po", object_id=str(doc.pk)).exists()


def test_po_outside_tolerance_goes_through_the_rules(office, coded, monkeypatch):
    from fakturaflyt.purchasing import services as purchasing

    counted = []
    monkeypatch.setattr(services, "_po_match", lambda d: SimpleNamespace(pk=7, within_tolerance=False))
    monkeypatch.setattr(purchasing, "record_invoiced", lambda d, user=None: counted.append(d.pk) or 1)
    doc = services.submit(coded(order_reference="PO-7"))
    assert doc.state == DocumentState.IN_APPROVAL
    while doc.state == DocumentState.IN_APPROVAL:
        doc = services.approve(doc, services.current_steps(office.company).get(document=doc).approver)
    # approved despite its deviations: only now are its quantities taken off the order
    assert doc.state == DocumentState.APPROVED and counted == [doc.pk]


def test_nobody_may_approve_returns_it_to_the_accountant(office, coded):
    from fakturaflyt.companies.models import Membership

    Membership.objects.filter(company=office.company, role="admin").update(is_active=False)
    doc = services.submit(coded([("500000.00", "6540", "1", "", "")]))
    assert doc.state == DocumentState.RETURNED
    assert "Nobody may approve" in services.returned_reason(doc)


def test_failed_posting_leaves_the_invoice_in_approval(office, coded):
    doc = services.submit(coded([("1000.00", "6540", "1", "", "")], vat="100.00"))
    with pytest.raises(ApprovalError) as exc:
        services.approve(doc, office.budget)
    assert exc.value.code == ApprovalCode.VAT_MISMATCH
    doc = _refresh(doc)
    assert doc.state == DocumentState.IN_APPROVAL and doc.approval_steps.get().status == StepStatus.PENDING


def test_reminder_sent_once_after_the_sla_with_a_working_link(office, coded, client, settings):
    settings.FAKTURAFLYT_BASE_URL = "https://faktura.example.no"
    doc = services.submit(coded())
    # before the SLA: nothing
    assert services.remind_overdue(timezone.now() + timedelta(hours=47)) == 0
    later = timezone.now() + timedelta(hours=49)
    assert services.remind_overdue(later) == 1
    assert services.remind_overdue(later + timedelta(hours=5)) == 0  # once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["budsjett@alfa.test"]
    link = f"https://faktura.example.no/approvals/{doc.pk}/"
    assert link in message.body
    # the link works after login: login redirects back to it
    path = link.removeprefix("https://faktura.example.no")
    response = client.get(path)
    assert response.status_code == 302 and "/login/?next=" in response["Location"]
    response = client.post(response["Location"], {"username": "budsjett@alfa.test", "password": "secret-pass-1"})
    assert response.status_code == 302 and response["Location"] == path
    page = client.get(path)
    assert page.status_code == 200 and doc.invoice_number in page.content.decode()


def test_the_coding_hook_submits_a_document_when_it_becomes_coded(office, coded, django_capture_on_commit_callbacks):
    from fakturaflyt.coding import services as coding_services
    from fakturaflyt.coding.models import CodingLine

    doc = coded()
    doc.state = DocumentState.READY_FOR_CODING
    doc.save()
    line = CodingLine.objects.get(document=doc)
    line.state = "queued"
    line.save()
    with django_capture_on_commit_callbacks(execute=True):
        coding_services.confirm_line(
            line, office.accountant, {"account": "6540", "vat_code": "1", "department": "", "project": ""}
        )
    assert _refresh(doc).state == DocumentState.IN_APPROVAL


def test_a_failing_route_never_breaks_coding(office, coded, django_capture_on_commit_callbacks, monkeypatch):
    from fakturaflyt.coding import services as coding_services
    from fakturaflyt.coding.models import CodingLine

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "submit", boom)
    doc = coded()
    doc.state = DocumentState.READY_FOR_CODING
    doc.save()
    line = CodingLine.objects.get(document=doc)
    line.state = "queued"
    line.save()
    with django_capture_on_commit_callbacks(execute=True):
        coding_services.confirm_line(
            line, office.accountant, {"account": "6540", "vat_code": "1", "department": "", "project": ""}
        )
    assert _refresh(doc).state == DocumentState.CODED
