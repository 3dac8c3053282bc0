"""The approval pages, the API and comments: who sees what."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from fakturaflyt.approvals import services
from fakturaflyt.payables.models import DocumentState


def _api(orgnr: str, path: str) -> str:
    return f"/api/companies/{orgnr}/approvals{path}"


def test_pending_page_lists_my_invoice_and_approves_with_one_post(client, office, coded):
    doc = services.submit(coded())
    client.force_login(office.budget)
    html = client.get(reverse("approvals:pending")).content.decode()
    assert doc.invoice_number in html and "Bergen Kontorutstyr AS" in html and "6540" in html
    response = client.post(reverse("approvals:approve", args=[doc.pk]), {"next": reverse("approvals:pending")})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.state == DocumentState.APPROVED


def test_reject_page_needs_a_reason_and_the_accountant_sends_it_again(client, office, coded):
    doc = services.submit(coded())
    client.force_login(office.budget)
    client.post(reverse("approvals:reject", args=[doc.pk]), {"reason": ""})
    doc.refresh_from_db()
    assert doc.state == DocumentState.IN_APPROVAL
    client.post(reverse("approvals:reject", args=[doc.pk]), {"reason": "Ikke bestilt"})
    doc.refresh_from_db()
    assert doc.state == DocumentState.RETURNED
    client.force_login(office.accountant)
    html = client.get(reverse("approvals:pending")).content.decode()
    assert "Ikke bestilt" in html
    client.post(reverse("approvals:resubmit", args=[doc.pk]))
    doc.refresh_from_db()
    assert doc.state == DocumentState.IN_APPROVAL


def test_rules_page_adds_a_rule_substitute_and_settings(client, office):
    client.force_login(office.accountant)
    assert client.get(reverse("approvals:rules")).status_code == 200
    r = client.post(
        reverse("approvals:rule_add"),
        {
            "name": "Salg",
            "condition": "department",
            "value": "200",
            "approver": str(office.budget.pk),
            "approver_role": "",
        },
    )
    assert r.status_code == 302
    r = client.post(
        reverse("approvals:substitute_add"),
        {"user": office.budget.pk, "substitute": office.leader.pk, "starts": "2026-07-01", "ends": "2026-07-14"},
    )
    assert r.status_code == 302
    r = client.post(reverse("approvals:settings"), {"sla_hours": "24", "remind_by_email": "on"})
    assert r.status_code == 302
    assert services.settings_for(office.company).sla_hours == 24
    client.force_login(office.budget)  # an approver does not manage rules
    assert client.get(reverse("approvals:rules")).status_code == 403


def test_api_pending_approve_and_reject(client, office, coded):
    orgnr = office.company.orgnr
    first = services.submit(coded())
    second = services.submit(coded())
    client.force_login(office.budget)
    listed = client.get(_api(orgnr, "/pending")).json()
    assert {p["document"] for p in listed} == {first.pk, second.pk}
    assert listed[0]["url"].endswith(f"/approvals/{listed[0]['document']}/")
    r = client.post(_api(orgnr, f"/{first.pk}/approve"), content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["voucher"].startswith("AP")
    r = client.post(_api(orgnr, f"/{second.pk}/reject"), {"reason": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "FF-APPROVAL-REASON-REQUIRED"
    r = client.post(_api(orgnr, f"/{second.pk}/reject"), {"reason": "Feil pris"}, content_type="application/json")
    assert r.json()["state"] == "returned" and r.json()["returned_reason"] == "Feil pris"
    client.force_login(office.requester)  # no approve permission
    assert client.get(_api(orgnr, "/pending")).status_code == 403


def test_comments_visible_to_accountant_and_approver_and_shared_ones_to_the_supplier(
    client, office, coded, user_factory
):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.payables.models import Supplier

    orgnr = office.company.orgnr
    doc = services.submit(coded())
    other_supplier = Supplier.objects.create(company=office.company, number=9, name="Annen AS", orgnr="998811228")
    other_doc = services.submit(coded(supplier=other_supplier))
    contact = user_factory("kontakt@bergen.test")
    add_member(None, office.company, contact, Role.SUPPLIER, supplier=office.supplier)
    client.force_login(office.accountant)
    r = client.post(_api(orgnr, f"/{doc.pk}/comments"), {"text": "Intern merknad"}, content_type="application/json")
    assert r.status_code == 201
    client.post(
        _api(orgnr, f"/{doc.pk}/comments"),
        {"text": "Vi mangler pakkseddel", "shared_with_supplier": True},
        content_type="application/json",
    )
    services.add_comment(other_doc, office.accountant, "Delt med en annen", shared_with_supplier=True)
    # the approver sees both, on the approval page too
    client.force_login(office.budget)
    assert [c["text"] for c in client.get(_api(orgnr, f"/{doc.pk}/comments")).json()] == [
        "Intern merknad",
        "Vi mangler pakkseddel",
    ]
    assert "Intern merknad" in client.get(reverse("approvals:detail", args=[doc.pk])).content.decode()
    # the supplier contact sees only the shared one, and nothing of another supplier's document
    client.force_login(contact)
    assert [c["text"] for c in client.get(_api(orgnr, f"/{doc.pk}/comments")).json()] == ["Vi mangler pakkseddel"]
    assert client.get(_api(orgnr, f"/{other_doc.pk}/comments")).status_code == 404
    assert (
        client.post(_api(orgnr, f"/{doc.pk}/comments"), {"text": "x"}, content_type="application/json").status_code
        == 403
    )
    # once posted, the comments carry the voucher number
    services.approve(doc, office.budget)
    client.force_login(office.accountant)
    assert all(c["voucher"].startswith("AP") for c in client.get(_api(orgnr, f"/{doc.pk}/comments")).json())
    # and the inbox page of the document shows the comments panel with the voucher
    html = client.get(reverse("payables:document", args=[doc.pk])).content.decode()
    assert "Intern merknad" in html and doc.__class__.objects.get(pk=doc.pk).voucher.label in html


def test_comment_form_on_the_inbox_page(client, office, coded):
    doc = coded()
    client.force_login(office.accountant)
    r = client.post(reverse("approvals:comment", args=[doc.pk]), {"text": "Sjekk prisen", "shared_with_supplier": "on"})
    assert r.status_code == 302 and r["Location"] == reverse("payables:document", args=[doc.pk])
    comment = doc.comments.get()
    assert comment.shared_with_supplier and comment.author == office.accountant
    from fakturaflyt.ledger.models import AuditEvent

    assert AuditEvent.objects.filter(action="comment.added", object_id=str(doc.pk)).exists()


def test_detail_link_switches_to_the_documents_company(client, office, coded, make_company):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    other = make_company("923609016", "Beta AS")
    add_member(None, other, office.budget, Role.APPROVER, approval_limit=Decimal("1000"))
    doc = services.submit(coded())
    client.force_login(office.budget)
    client.post(reverse("switch_company"), {"company": other.pk})
    r = client.get(reverse("approvals:detail", args=[doc.pk]))
    assert r.status_code == 200 and doc.invoice_number in r.content.decode()


def test_demo_has_rules_a_substitute_and_invoices_waiting(demo_company):
    from fakturaflyt.approvals.models import ApprovalRule, Substitute
    from fakturaflyt.companies.demo import load_demo

    assert ApprovalRule.objects.filter(company=demo_company).count() == 2
    assert Substitute.objects.filter(company=demo_company).count() == 1
    from django.contrib.auth import get_user_model

    kari = get_user_model().objects.get(username="attestant@nordlys.demo")
    assert services.pending_for(demo_company, kari).count() == 3
    load_demo(sales=False)  # idempotent
    assert ApprovalRule.objects.filter(company=demo_company).count() == 2
