"""Uploads are checked by content and size; files go out as downloads with nosniff, never as HTML or SVG inline."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse

from fakturaflyt.api.auth import issue_token
from fakturaflyt.core.filetypes import PDF, TEXT, XML, check_upload, markup_kind
from fakturaflyt.payables.models import DocumentState, SupplierDocument
from fakturaflyt.payables.uploads_guard import harden_download
from tests.payables.factories import blank_pdf

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


# ------------------------------------------------------------------------------ the core rule


@pytest.mark.parametrize(
    ("data", "name", "accepted", "ok"),
    [
        (HTML, "faktura.pdf", {PDF}, False),
        (SVG, "logo.xml", {XML}, False),
        (b"%PDF-1.7\n...", "faktura.pdf", {PDF}, True),
        (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022"/>', "camt.html", {XML}, True),
        (b"dato;belop\n2026-03-01;100,00\n", "kort.csv", {TEXT}, True),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "kort.csv", {TEXT}, False),
    ],
)
def test_content_decides_not_the_name(data, name, accepted, ok) -> None:
    found = check_upload(data, name, frozenset(accepted), "file")
    assert (found is None) is ok
    if not ok:
        assert found.code == "FF-UPLOAD-CONTENT-MISMATCH" and name in found.message and found.location == "file"


def test_markup_kinds() -> None:
    assert markup_kind(HTML) == "HTML" and markup_kind(SVG) == "SVG" and markup_kind(b"%PDF-1.4") is None


# ------------------------------------------------------------------------ intake: quarantine


def test_html_named_pdf_in_the_inbox_is_kept_in_quarantine_and_never_served_as_html(
    world, client, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["accountant"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payables:upload"), {"files": [SimpleUploadedFile("faktura.pdf", HTML, "application/pdf")]})
    doc = SupplierDocument.objects.get(company=world.a, receipt__filename="faktura.pdf")
    assert doc.state == DocumentState.QUARANTINED and doc.problems  # stored as received, then quarantined
    for url in (
        reverse("payables:document_file", args=[doc.pk]),
        reverse("payables:document_file", args=[doc.pk]) + "?inline=1",
    ):
        r = client.get(url)
        assert r.status_code == 200 and r.content == HTML
        assert r["Content-Type"].split(";")[0] not in ("text/html", "image/svg+xml")
        assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"


def test_svg_with_script_is_never_served_inline(world, client, django_capture_on_commit_callbacks) -> None:
    client.force_login(world.users["supplier"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:upload"), {"files": [SimpleUploadedFile("faktura.xml", SVG, "image/svg+xml")]})
    doc = SupplierDocument.objects.get(company=world.a, receipt__filename="faktura.xml")
    assert doc.state == DocumentState.QUARANTINED
    r = client.get(reverse("portal:file", args=[doc.pk]) + "?inline=1")
    assert r["Content-Disposition"].startswith("attachment") and r["Content-Type"].split(";")[0] != "image/svg+xml"
    # and whatever a view might send, the guard turns inline HTML/SVG into an octet-stream attachment
    hostile = HttpResponse(SVG, content_type="image/svg+xml")
    hostile["Content-Disposition"] = 'inline; filename="x.svg"'
    hardened = harden_download(hostile)
    assert hardened["Content-Disposition"].startswith("attachment")
    assert hardened["Content-Type"] == "application/octet-stream" and hardened["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------------------- import roads


def test_html_named_xml_bank_file_is_refused_with_file_field_and_rule(world, client) -> None:
    client.force_login(world.users["accountant"])
    r = client.post(
        reverse("banking:upload"),
        {"file": SimpleUploadedFile("camt053.xml", HTML, "application/xml")},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "FF-UPLOAD-CONTENT-MISMATCH"
    assert "camt053.xml" in body["message"] and body["problems"][0]["location"] == "file"


def test_api_saft_import_refuses_html(world, client) -> None:
    r = client.post(
        f"/api/companies/{world.a.orgnr}/saft/imports",
        {"file": SimpleUploadedFile("saft.xml", HTML, "application/xml")},
        headers=bearer(world.users["admin"]),
    )
    assert r.status_code == 422 and r.json()["code"] == "FF-UPLOAD-CONTENT-MISMATCH"


# ---------------------------------------------------------------------------------------- size


def test_oversized_request_gets_413(world, client, settings) -> None:
    settings.FAKTURAFLYT_MAX_UPLOAD_MB = 0.01  # 10 KB per file, 40 KB per request
    client.force_login(world.users["accountant"])
    big = SimpleUploadedFile("camt053.xml", b"<?xml version='1.0'?><D>" + b" " * 60_000 + b"</D>", "application/xml")
    r = client.post(reverse("banking:upload"), {"file": big})
    assert r.status_code == 413 and "MB" in r.content.decode()
    r = client.post(
        f"/api/companies/{world.a.orgnr}/payables/documents",
        b"%PDF-1.4" + b"0" * 60_000,
        content_type="application/pdf",
        headers=bearer(world.users["accountant"]),
    )
    assert r.status_code == 413 and r.json()["code"] == "FF-UPLOAD-TOO-LARGE"


def test_oversized_file_is_refused_per_file(world, client, settings) -> None:
    settings.FAKTURAFLYT_MAX_UPLOAD_MB = 0.01
    r = client.post(
        f"/api/companies/{world.a.orgnr}/payables/documents",
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 20_000, "application/pdf")},
        headers=bearer(world.users["accountant"]),
    )
    assert r.status_code == 422 and r.json()["code"] == "FF-UPLOAD-TOO-LARGE"
    assert not SupplierDocument.objects.filter(company=world.a).exists()


# ---------------------------------------------------------------------------------- downloads


def test_media_url_is_not_served_by_the_app(settings) -> None:
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL.strip('/')}/received/ab/cd/abcdef")


@pytest.fixture
def pdf_document(world):
    from fakturaflyt.payables import intake

    # not processed (no OCR): the download views only need the stored bytes
    (doc,) = intake.receive_all(
        world.a, blank_pdf(), channel="portal", filename="f.pdf", supplier=world.supplier, queue=False
    )
    return doc


DOWNLOADS = {
    "inbox file": ("accountant", lambda w, d: reverse("payables:document_file", args=[d.pk])),
    "inbox file inline": ("accountant", lambda w, d: reverse("payables:document_file", args=[d.pk]) + "?inline=1"),
    "inbox page image": ("accountant", lambda w, d: reverse("payables:document_page", args=[d.pk, 1])),
    "portal file": ("supplier", lambda w, d: reverse("portal:file", args=[d.pk])),
    "portal page image": ("supplier", lambda w, d: reverse("portal:page", args=[d.pk, 1])),
    "api file": ("accountant", lambda w, d: f"/api/companies/{w.a.orgnr}/payables/documents/{d.pk}/file"),
    "journal csv": ("accountant", lambda w, d: reverse("integrations:journal")),
    "api journal csv": ("accountant", lambda w, d: f"/api/companies/{w.a.orgnr}/exports/journal.csv"),
    "api saft export": ("accountant", lambda w, d: f"/api/companies/{w.a.orgnr}/saft/export?year=2026"),
}


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_every_download_has_disposition_and_nosniff(name, world, client, pdf_document) -> None:
    role, url = DOWNLOADS[name]
    client.force_login(world.users[role])
    r = client.get(
        url(world, pdf_document),
        headers=bearer(world.users[role]) if url(world, pdf_document).startswith("/api/") else {},
    )
    assert r.status_code == 200, (name, r.status_code, r.content[:300])
    assert r.get("Content-Disposition", "").split(";")[0] in ("attachment", "inline"), name
    assert r["X-Content-Type-Options"] == "nosniff", name
    assert r["Content-Type"].split(";")[0] not in ("text/html", "image/svg+xml"), name
    if r["Content-Disposition"].startswith("inline"):
        assert "sandbox" in r.get("Content-Security-Policy", ""), name
