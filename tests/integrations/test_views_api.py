"""The Integrations page and the API: roles, company isolation, masked keys, CSV download, send now."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fakturaflyt.api.auth import issue_token
from fakturaflyt.integrations import transport
from fakturaflyt.integrations.models import Connection, VoucherExport

from .conftest import tripletex_transport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def login(client, user) -> Any:
    client.force_login(user)
    return client


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def test_the_page_shows_status_and_masks_keys(client, tripletex_keys) -> None:
    books = tripletex_keys
    page = login(client, books.admin).get(reverse("integrations:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tripletex" in html and "Fiken" in html and "PowerOffice GO" in html
    assert html.count("not configured") == 2 and "••••••••1234" in html
    assert "consumer-SECRET" not in html and "employee-SECRET" not in html
    assert "Send now" in html and "Save keys" in html


def test_roles(client, tripletex_keys, user_factory) -> None:
    books = tripletex_keys
    # the auditor sees the page and downloads the journal, but cannot configure or send
    auditor = login(client, books.auditor)
    html = auditor.get(reverse("integrations:index")).content.decode()
    assert "Save keys" not in html and "Send now" not in html
    assert auditor.get(reverse("integrations:journal")).status_code == 200
    assert auditor.post(reverse("integrations:push", args=["tripletex"])).status_code == 403
    assert auditor.post(reverse("integrations:configure", args=["fiken"]), {"api_token": "x"}).status_code == 403
    # marking as exported needs post_voucher
    auditor.post(reverse("integrations:journal"), {"layout": "standard", "mark": "on"})
    assert not VoucherExport.objects.exists()
    # the accountant may send but not enter keys
    accountant = login(client, books.accountant)
    assert accountant.post(reverse("integrations:configure", args=["fiken"]), {"api_token": "x"}).status_code == 403
    # a user of no company gets nothing
    stranger = login(client, user_factory("stranger@x.test"))
    assert stranger.get(reverse("integrations:index")).status_code in (302, 403)


def test_download_streams_the_csv(client, books) -> None:
    response = login(client, books.auditor).get(reverse("integrations:journal"), {"layout": "excel-no", "series": "GL"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    data = b"".join(response.streaming_content)
    assert (
        data.startswith(b"\xef\xbb\xbf") and b"Bilag;Dato" in data and b"GL-2026-2" in data and b"AP-2026-1" not in data
    )


def test_mark_and_not_exported_before(client, books) -> None:
    c = login(client, books.accountant)
    first = c.post(reverse("integrations:journal"), {"layout": "standard", "new_only": "on", "mark": "on"})
    assert b"AP-2026-1" in b"".join(first.streaming_content)
    second = c.get(reverse("integrations:journal"), {"layout": "standard", "new_only": "on"})
    assert b"AP-2026-1" not in b"".join(second.streaming_content)


def test_admin_enters_keys_and_accountant_sends(client, books, monkeypatch) -> None:
    admin = login(client, books.admin)
    admin.post(
        reverse("integrations:configure", args=["tripletex"]),
        {"consumer_token": "consumer-SECRET-abcd", "employee_token": "employee-SECRET-efgh"},
    )
    assert "SECRET" not in Connection.objects.get(system="tripletex").secrets
    fake = tripletex_transport()
    monkeypatch.setattr(transport, "default", lambda: fake)
    c = login(client, books.accountant)
    response = c.post(reverse("integrations:push", args=["tripletex"]), follow=True)
    html = response.content.decode()
    assert "3 vouchers sent" in html and "AP-2026-1" in html
    assert VoucherExport.objects.filter(target="tripletex", status="sent").count() == 3
    # not configured: a clear error, nothing sent
    response = c.post(reverse("integrations:push", args=["fiken"]), follow=True)
    assert "FF-EXPORT-NOT-CONFIGURED" in response.content.decode()
    assert c.post(reverse("integrations:push", args=["visma"])).status_code == 404


def test_company_isolation(client, books, make_company, user_factory) -> None:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    other = make_company("923609016", "Beta AS")
    b_admin = user_factory("admin@beta.test")
    add_member(None, other, b_admin, Role.ADMIN)
    c = login(client, b_admin)
    data = b"".join(c.get(reverse("integrations:journal")).streaming_content)
    assert b"AP-2026-1" not in data and b"GL-2026-1" not in data
    c.post(
        reverse("integrations:configure", args=["fiken"]), {"api_token": "beta-token-000000", "company_slug": "beta"}
    )
    assert Connection.objects.get(system="fiken").company == other
    # API: Beta's admin is refused on Alfa
    api = client.get(f"/api/companies/{books.company.orgnr}/exports/systems", headers=bearer(b_admin))
    assert api.status_code == 403 and api.json()["code"] == "FF-NOT-MEMBER"


def test_api(client, books, monkeypatch) -> None:
    base = f"/api/companies/{books.company.orgnr}/exports"
    systems = client.get(f"{base}/systems", headers=bearer(books.auditor)).json()["systems"]
    assert [s["status"] for s in systems] == ["not configured"] * 3
    forbidden = client.put(
        f"{base}/systems/tripletex/keys",
        {"values": {"consumer_token": "x"}},
        content_type="application/json",
        headers=bearer(books.accountant),
    )
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "FF-ROLE-FORBIDS"
    saved = client.put(
        f"{base}/systems/tripletex/keys",
        {"values": {"consumer_token": "consumer-SECRET-1111", "employee_token": "employee-SECRET-2222"}},
        content_type="application/json",
        headers=bearer(books.admin),
    )
    assert saved.status_code == 200 and saved.json()["status"] == "configured"
    assert "SECRET" not in saved.content.decode()
    not_configured = client.post(f"{base}/systems/fiken/push", headers=bearer(books.accountant))
    assert not_configured.status_code == 422 and not_configured.json()["code"] == "FF-EXPORT-NOT-CONFIGURED"
    dry = client.post(f"{base}/systems/tripletex/push?dry_run=true", headers=bearer(books.accountant)).json()
    assert dry["dry_run"] and len(dry["requests"]) == 3 and not VoucherExport.objects.exists()
    fake = tripletex_transport()
    monkeypatch.setattr(transport, "default", lambda: fake)
    pushed = client.post(f"{base}/systems/tripletex/push", headers=bearer(books.accountant)).json()
    assert len(pushed["sent"]) == 3 and pushed["failed"] == []
    again = client.post(f"{base}/systems/tripletex/push", headers=bearer(books.accountant)).json()
    assert again["sent"] == [] and again["already_sent"] == 3
    csv_response = client.get(f"{base}/journal.csv?layout=standard&date_to=2026-03-31", headers=bearer(books.auditor))
    assert csv_response.status_code == 200 and b"GL-2026-2" not in b"".join(csv_response.streaming_content)
    bad = client.get(f"{base}/journal.csv?layout=nope", headers=bearer(books.auditor))
    assert bad.status_code == 422 and bad.json()["code"] == "FF-CSV-LAYOUT"
    gone = client.delete(f"{base}/systems/tripletex/keys", headers=bearer(books.admin)).json()
    assert gone["status"] == "not configured"
