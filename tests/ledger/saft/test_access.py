"""The SAF-T download page, the API and the CLI: permissions, company isolation, the file and its name."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from fakturaflyt.api.auth import issue_token
from fakturaflyt.cli_saft import saft_app
from fakturaflyt.companies.middleware import SESSION_KEY
from tests.ledger.saft.helpers import NS, assert_valid, small_books

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def books(world, post):
    small_books(world.a, post)
    post(world.b, text="Beta sin husleie", amount="777.00")
    return world


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_page_and_the_download(client, books) -> None:
    client.force_login(books.users["accountant"])
    page = client.get(reverse("ledger:saft"))
    assert page.status_code == 200
    assert b"Download SAF-T file" in page.content and reverse("ledger:saft_import").encode() in page.content
    response = client.post(reverse("ledger:saft_export"), {"year": 2026, "from_period": 1, "to_period": 12})
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="SAF-T Financial_924753811_\d{14}\.xml"', response["Content-Disposition"]
    )
    root = assert_valid(_body(response))
    assert root.findtext("s:Header/s:Company/s:RegistrationNumber", namespaces=NS) == "924753811"
    assert b"Beta sin husleie" not in _body(client.post(reverse("ledger:saft_export"), {"year": 2026}))


def test_a_bad_period_shows_the_form_again(client, books) -> None:
    client.force_login(books.users["accountant"])
    response = client.post(reverse("ledger:saft_export"), {"year": 2026, "from_period": 5, "to_period": 2})
    assert response.status_code == 400 and b"The first month is after the last." in response.content
    assert client.get(reverse("ledger:saft_export")).status_code == 405


def test_who_may_export_and_only_their_own_company(client, books) -> None:
    # roles without the ledger or the reports may not
    for role in ("approver", "requester", "supplier"):
        client.force_login(books.users[role])
        assert client.get(reverse("ledger:saft")).status_code == 403, role
        assert client.post(reverse("ledger:saft_export"), {"year": 2026}).status_code == 403, role
    # the auditor may
    client.force_login(books.users["auditor"])
    assert client.post(reverse("ledger:saft_export"), {"year": 2026}).status_code == 200
    # a user of company B who asks for A gets B's books
    client.force_login(books.b_user)
    session = client.session
    session[SESSION_KEY] = books.a.pk
    session.save()
    body = _body(client.post(reverse("ledger:saft_export"), {"year": 2026}))
    root = assert_valid(body)
    assert root.findtext("s:Header/s:Company/s:RegistrationNumber", namespaces=NS) == books.b.orgnr
    assert b"Husleie januar" not in body and b"Beta sin husleie" in body


def test_the_api_streams_the_file_to_members_only(client, books) -> None:
    def get(user, orgnr: str, query: str = "year=2026"):
        headers = {"Authorization": f"Bearer {issue_token(user, 'test')}"}
        return client.get(f"/api/companies/{orgnr}/saft/export?{query}", headers=headers)

    response = get(books.users["accountant"], books.a.orgnr, "year=2026&from_period=1&to_period=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert response["X-SAFT-Transactions"] == "1"
    assert Decimal(response["X-SAFT-Total-Debit"]) == Decimal("10000.00")
    assert_valid(_body(response))
    assert get(books.b_user, books.a.orgnr).status_code == 403  # another company's user
    assert get(books.b_user, "999999999").status_code == 403  # unknown org.nr: the same answer
    assert get(books.users["approver"], books.a.orgnr).status_code == 403
    bad = get(books.users["accountant"], books.a.orgnr, "year=2026&from_period=7&to_period=6")
    assert bad.status_code == 422 and bad.json()["code"] == "FF-SAFT-SELECTION"


def test_the_cli_writes_the_file(books, tmp_path: Path) -> None:
    target = tmp_path / "saft.xml"
    result = runner.invoke(
        saft_app, ["export", "--company", books.a.orgnr, "--year", "2026", "-o", str(target), "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and doc["path"] == str(target) and doc["transactions"] == 3
    assert doc["total_debit"] == doc["total_credit"] == "32500.00"
    assert_valid(target)
    # a directory gets the standard file name
    result = runner.invoke(saft_app, ["export", "--company", books.a.orgnr, "--year", "2026", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("SAF-T Financial_924753811_*.xml"))) == 1
    # usage errors: exit 2; nothing half-written is left behind
    assert (
        runner.invoke(saft_app, ["export", "--company", "923609017", "--year", "2026", "-o", str(target)]).exit_code
        == 2
    )
    bad = runner.invoke(
        saft_app,
        [
            "export",
            "--company",
            books.a.orgnr,
            "--year",
            "2026",
            "--from-period",
            "9",
            "--to-period",
            "3",
            "-o",
            str(target),
            "--json",
        ],
    )
    assert bad.exit_code == 2 and json.loads(bad.stdout)["ok"] is False
    assert not list(tmp_path.glob(".saft-*"))
