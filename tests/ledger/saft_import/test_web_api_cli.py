"""The SAF-T import page (upload, preview, confirm), the API and the CLI; rights and company isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from typer.testing import CliRunner

from fakturaflyt.api.auth import issue_token
from fakturaflyt.cli_saft import saft_app
from fakturaflyt.ledger.models import SaftImport, Voucher
from fakturaflyt.ledger.saft_import import SOURCE

from .builders import ORGNR, saft_file

pytestmark = pytest.mark.django_db
URL = "ledger:saft_import"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def outsider(make_company, user_factory) -> Any:
    """An accountant of another company."""
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    other = make_company("924753811", "Alfa AS")
    user = user_factory("regnskap@alfa.no")
    add_member(None, other, user, Role.ACCOUNTANT)
    return user


def upload(client, data: bytes | None = None, *, follow: bool = False, **form: Any):
    fields = {"action": "upload", "use": "opening", "preview": "on", **form}
    fields = {k: v for k, v in fields.items() if v is not None}
    file = SimpleUploadedFile("gammel.xml", data or saft_file())
    return client.post(reverse(URL), {"file": file, **fields}, follow=follow)


# ------------------------------------------------------------------------------------------ the page


def test_upload_preview_then_confirm(client, accountant, saft_company) -> None:
    client.force_login(accountant)
    page = client.get(reverse(URL))
    assert page.status_code == 200 and b'id="saft-upload"' in page.content
    response = upload(client)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert 'data-status="previewed"' in html and 'id="saft-confirm"' in html
    assert "Post opening balances" in html and "Kunde A AS" in html and "192010" in html
    assert 'data-total="debit">62' in html and not Voucher.objects.filter(company=saft_company).exists()
    imp = SaftImport.objects.get(company=saft_company)
    confirmed = client.post(reverse(URL), {"action": "confirm", "import_id": imp.pk}, follow=True)
    text = confirmed.content.decode()
    assert "Opening balances posted as voucher GL 2026-1" in text and 'data-status="posted"' in text
    assert Voucher.objects.filter(company=saft_company, source=SOURCE).count() == 1
    # confirming again does nothing
    again = client.post(reverse(URL), {"action": "confirm", "import_id": imp.pk}, follow=True)
    assert "not a preview waiting to be posted" in again.content.decode()
    assert Voucher.objects.filter(company=saft_company, source=SOURCE).count() == 1


def test_posting_directly_without_preview(client, accountant, saft_company) -> None:
    client.force_login(accountant)
    upload(client, preview=None)
    assert Voucher.objects.filter(company=saft_company, source=SOURCE).count() == 1


def test_a_refused_file_shows_what_is_wrong(client, accountant, saft_company) -> None:
    client.force_login(accountant)
    response = upload(client, saft_file(orgnr="923609016"), follow=True)
    html = response.content.decode()
    assert 'id="saft-refused"' in html and "FF-SAFT-ORGNR-MISMATCH" in html and "923609016" in html
    assert 'id="saft-confirm"' not in html


def test_an_empty_upload_is_refused_by_the_form(client, accountant) -> None:
    client.force_login(accountant)
    response = client.post(
        reverse(URL), {"action": "upload", "use": "opening", "file": SimpleUploadedFile("a.xml", b"")}
    )
    assert response.status_code == 400 and not SaftImport.objects.exists()


def test_roles_and_companies(client, accountant, saft_company, outsider, user_factory) -> None:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    auditor = user_factory("revisor@eksempel.no")
    add_member(None, saft_company, auditor, Role.AUDITOR)
    client.force_login(auditor)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(accountant)
    upload(client)
    imp = SaftImport.objects.get(company=saft_company)
    client.force_login(outsider)  # the page works in the outsider's own company only
    assert client.get(f"{reverse(URL)}?import={imp.pk}").status_code == 404
    assert client.post(reverse(URL), {"action": "confirm", "import_id": imp.pk}).status_code == 404
    assert not Voucher.objects.filter(company=saft_company).exists()


# ------------------------------------------------------------------------------------------ the API


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def api(client, user, data: bytes | None = None, orgnr: str = ORGNR, **form: str):
    return client.post(
        f"/api/companies/{orgnr}/saft/imports",
        {"file": SimpleUploadedFile("gammel.xml", data or saft_file()), **form},
        headers=bearer(user),
    )


def test_api_preview_post_and_refusal(client, accountant, saft_company) -> None:
    preview = api(client, accountant, dry_run="true")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["status"] == "previewed" and body["voucher"] is None and body["totals"]["debit"] == "62000.00"
    assert body["counts"]["customers_created"] == 2 and body["lines"][0]["account"] == "1500"
    posted = api(client, accountant, use="closing")
    assert posted.status_code == 201 and posted.json()["voucher"] == "GL 2026-1"
    assert posted.json()["voucher_date"] == "2026-06-01"
    again = api(client, accountant, use="closing")
    assert again.status_code == 422
    assert again.json()["code"] == "FF-SAFT-ALREADY-POSTED" and again.json()["report"]["status"] == "refused"
    detail = client.get(f"/api/companies/{ORGNR}/saft/imports/{body['import_id']}", headers=bearer(accountant))
    assert detail.status_code == 200 and detail.json()["status"] == "previewed"
    hostile = api(client, accountant, b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')
    assert hostile.status_code == 422 and hostile.json()["code"] == "FF-XML-DTD"


def test_api_confirm_a_preview(client, accountant, saft_company) -> None:
    preview = api(client, accountant, dry_run="1").json()
    confirmed = client.post(
        f"/api/companies/{ORGNR}/saft/imports/{preview['import_id']}/confirm", headers=bearer(accountant)
    )
    assert confirmed.status_code == 201 and confirmed.json()["posted"] is True


def test_api_company_isolation(client, accountant, saft_company, outsider) -> None:
    assert api(client, outsider).status_code == 403
    imp_id = api(client, accountant, dry_run="true").json()["import_id"]
    assert client.get(f"/api/companies/{ORGNR}/saft/imports/{imp_id}", headers=bearer(outsider)).status_code == 403
    # the outsider's own company does not see this company's import
    assert client.get(f"/api/companies/924753811/saft/imports/{imp_id}", headers=bearer(outsider)).status_code == 404
    assert not Voucher.objects.filter(company=saft_company).exists()


def test_api_bad_options(client, accountant, saft_company) -> None:
    assert api(client, accountant, use="sometimes").status_code == 422
    assert api(client, accountant, as_of="01.01.2026").status_code == 422
    assert client.post(f"/api/companies/{ORGNR}/saft/imports", {}, headers=bearer(accountant)).status_code == 422


# ------------------------------------------------------------------------------------------ the CLI

# The real ``fakturaflyt saft`` group, so a broken registration fails here too.
saft_cli = saft_app
runner = CliRunner()


def cli(path, *extra: str):
    return runner.invoke(
        saft_cli, ["import", str(path), "--company", ORGNR, "--user", "regnskap@eksempel.no", "--json", *extra]
    )


def test_cli_dry_run_then_import_then_refused(accountant, saft_company, tmp_path) -> None:
    path = tmp_path / "gammel.xml"
    path.write_bytes(saft_file())
    dry = cli(path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    out = json.loads(dry.stdout)
    assert out["ok"] is True and out["dry_run"] is True and out["voucher"] is None
    assert not Voucher.objects.filter(company=saft_company).exists()
    posted = cli(path, "--date", "2026-02-01")
    assert posted.exit_code == 0, posted.output
    assert json.loads(posted.stdout)["voucher_date"] == "2026-02-01"
    again = cli(path, "--date", "2026-02-01")
    assert again.exit_code == 1
    refused = json.loads(again.stdout)
    assert refused["ok"] is False and refused["problems"][0]["code"] == "FF-SAFT-ALREADY-POSTED"
    assert "report" in refused
    text = runner.invoke(
        saft_cli,
        ["import", str(path), "--company", ORGNR, "--user", "regnskap@eksempel.no", "--dry-run", "--use", "closing"],
    )
    assert text.exit_code == 0 and "Dry run" in text.stdout


def test_cli_usage_errors(accountant, saft_company, tmp_path) -> None:
    path = tmp_path / "gammel.xml"
    path.write_bytes(saft_file())
    assert cli(tmp_path / "missing.xml").exit_code == 2
    assert cli(path, "--use", "sometimes").exit_code == 2
    assert cli(path, "--date", "1.2.2026").exit_code == 2
    unknown = runner.invoke(saft_cli, ["import", str(path), "--company", "923609016", "--user", "x@y.no", "--json"])
    assert unknown.exit_code == 2
