"""The billing page (view_receivables to look, manage_receivables to run), the API and ``fakturaflyt billing run``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.receivables.models import Customer, SalesInvoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed_world(world):
    """Company A of ``world`` with a subscription due on 1 March 2026."""
    from fakturaflyt.billing.models import Subscription, SubscriptionPlan

    customer = Customer.objects.create(
        company=world.a,
        number=1,
        name="Kunde Én AS",
        email="k@en.test",
        address_line="Storgata 1",
        postal_code="0155",
        city="Oslo",
    )
    plan = SubscriptionPlan.objects.create(company=world.a, name="Basis", price=Decimal("300.00"))
    Subscription.objects.create(company=world.a, customer=customer, plan=plan, start=date(2026, 3, 1))
    return world


def test_approver_and_supplier_cannot_see_or_run_billing(client, billed_world) -> None:
    for role in ("approver", "supplier"):
        client.force_login(billed_world.users[role])
        assert client.get(reverse("billing:index")).status_code == 403
        assert client.post(reverse("billing:run_now"), {"date": "2026-03-01"}).status_code == 403
    assert not SalesInvoice.objects.exists()


def test_auditor_sees_the_preview_but_cannot_run(client, billed_world) -> None:
    client.force_login(billed_world.users["auditor"])
    page = client.get(reverse("billing:index"), {"date": "2026-03-01"}).content.decode()
    assert "Kunde Én AS" in page and 'id="preview-table"' in page
    assert reverse("billing:run_now") not in page
    assert client.post(reverse("billing:run_now"), {"date": "2026-03-01"}).status_code == 403
    assert not SalesInvoice.objects.exists()


def test_accountant_previews_runs_and_sees_the_result(client, billed_world, monkeypatch) -> None:
    from fakturaflyt.billing import services

    monkeypatch.setattr(services, "_sender", lambda: None)  # sending is the distribution's (tested there)
    client.force_login(billed_world.users["accountant"])
    page = client.get(reverse("billing:index")).content.decode()
    assert "Kunde Én AS" in page  # the subscriptions list
    partial = client.get(reverse("billing:index"), {"date": "2026-03-01"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "<html" not in html and "375,00" in html and reverse("billing:run_now") in html
    response = client.post(reverse("billing:run_now"), {"date": "2026-03-01"})
    assert response.status_code == 302
    assert SalesInvoice.objects.filter(company=billed_world.a).count() == 1
    result = client.get(response.url).content.decode()
    assert "Kunde Én AS" in result and "375,00" in result
    # running again makes nothing new
    client.post(reverse("billing:run_now"), {"date": "2026-03-01"})
    assert SalesInvoice.objects.filter(company=billed_world.a).count() == 1


def test_api_preview_and_run(client, billed_world) -> None:
    from fakturaflyt.api.api import api as real_api
    from fakturaflyt.api.auth import issue_token
    from fakturaflyt.billing.api import router

    if not any(
        r is router for _, r in real_api._routers
    ):  # not yet mounted in fakturaflyt/api/api.py (the lead's): mount it on a test API
        from ninja import NinjaAPI
        from ninja.testing import TestClient

        from fakturaflyt.api.auth import AUTH

        test_api = NinjaAPI(auth=AUTH, urls_namespace="billing-test")
        test_api.add_router("/companies/{orgnr}/billing", router)
        http = TestClient(test_api)

        def call(method, path, user, **kw):
            return getattr(http, method)(path, user=user, **kw)
    else:

        def call(method, path, user, **kw):
            headers = {"Authorization": f"Bearer {issue_token(user, 't')}"}
            if "json" in kw:
                return client.post(f"/api{path}", kw["json"], content_type="application/json", headers=headers)
            return client.get(f"/api{path}", headers=headers)

    base = "/companies/924753811/billing"
    auditor, accountant = billed_world.users["auditor"], billed_world.users["accountant"]
    preview = call("get", f"{base}/preview?date=2026-03-01", auditor)
    assert preview.status_code == 200
    assert [p["total"] for p in preview.json()["invoices"]] == ["375.00"]
    try:
        refused = call("post", f"{base}/runs", auditor, json={"date": "2026-03-01", "send": False}).status_code
    except Exception as exc:  # the bare test API has no NotAllowed handler
        refused = 403 if type(exc).__name__ == "NotAllowed" else exc
    assert refused == 403
    made = call("post", f"{base}/runs", accountant, json={"date": "2026-03-01", "send": False}).json()
    assert len(made["created"]) == 1 and made["skipped"] == 0
    again = call("post", f"{base}/runs", accountant, json={"date": "2026-03-01", "send": False}).json()
    assert again["created"] == [] and again["skipped"] == 1


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_billing_run_json_shape_and_idempotency(billed_world) -> None:
    base = ("billing", "run", "--company", "924753811", "--date", "2026-03-01", "--no-send", "--json")
    dry = _invoke(*base, "--dry-run")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True and len(planned["created"]) == 1
    assert not SalesInvoice.objects.exists()
    first = _invoke(*base)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert set(data) == {"date", "created", "skipped", "problems"}
    assert data["date"] == "2026-03-01" and data["skipped"] == 0 and data["problems"] == []
    (made,) = data["created"]
    assert set(made) >= {"number", "customer", "source", "source_key", "total", "kid"}
    assert made["customer"] == "Kunde Én AS" and made["source"] == "subscription"
    assert made["total"] == "375.00" and isinstance(made["number"], int) and made["kid"]
    assert planned["created"][0]["total"] == made["total"] and planned["created"][0]["source_key"] == made["source_key"]
    second = json.loads(_invoke(*base).stdout)
    assert second["created"] == [] and second["skipped"] == 1


def test_cli_usage_errors_exit_2(billed_world) -> None:
    assert _invoke("billing", "run", "--company", "924753811", "--date", "1. mars").exit_code == 2
    assert _invoke("billing", "run", "--company", "911111111", "--date", "2026-03-01").exit_code == 2
