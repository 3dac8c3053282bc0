"""The inbox, a document's page and the supplier portal: permissions, uploads, rendering, corrections.

Documents are received through the real intake (``payables.intake.receive``) from files of the
shared corpus, and their bytes land in a temporary ``MEDIA_ROOT``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.payables.models import Channel, DocumentState, Receipt, StoredFile, Supplier, SupplierDocument

from .helpers import OTHER_ORGNR, demo_user

pytestmark = pytest.mark.django_db(transaction=True)

ALL_ROLES = [Role.ADMIN, Role.ACCOUNTANT, Role.APPROVER, Role.REQUESTER, Role.SUPPLIER, Role.AUDITOR]
EHF = "ehf/examples/ehf-NO__ehf-3-faktura-1.xml"
PDF = "pdf/synthetic_no/bjorkas_ror_2024-10457.pdf"  # issued with org.nr 987654325: demo supplier 1
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def uploaded():
    """The documents the test uploaded (the demo company's own invoices came by e-mail)."""
    return SupplierDocument.objects.filter(receipt__channel__in=[Channel.UPLOAD, Channel.PORTAL])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def receive(company, path: Path, *, channel=Channel.UPLOAD, supplier=None, data: bytes | None = None):
    from fakturaflyt.payables.intake import receive as intake_receive

    document = intake_receive(
        company, path.read_bytes() if data is None else data, channel=channel, filename=path.name, supplier=supplier
    )
    document.refresh_from_db()
    return document


@pytest.fixture
def ehf_doc(demo_company, corpus):
    return receive(demo_company, corpus / EHF)


@pytest.fixture
def pdf_doc(demo_company, corpus):
    return receive(demo_company, corpus / PDF)


def upload(path: Path, name: str | None = None, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=content_type)


# ---------------------------------------------------------------- permissions


def test_document_pages_answer_per_role(client, ehf_doc, pdf_doc):
    urls = [
        reverse("payables:inbox"),
        reverse("payables:document", args=[ehf_doc.pk]),
        reverse("payables:document_file", args=[ehf_doc.pk]),
        reverse("payables:document", args=[pdf_doc.pk]),
        reverse("payables:document_page", args=[pdf_doc.pk, 1]),
    ]
    for role in ALL_ROLES:
        client.force_login(demo_user(role))
        expected = 200 if Perm.VIEW_PAYABLES in permissions_of(role) else 403
        for url in urls:
            assert client.get(url).status_code == expected, (role, url)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_upload_needs_the_upload_permission_and_the_inbox(client, demo_company, corpus, role):
    client.force_login(demo_user(role))
    response = client.post(reverse("payables:upload"), {"files": [upload(corpus / PDF)]})
    allowed = {Perm.VIEW_PAYABLES, Perm.UPLOAD_DOCUMENT} <= permissions_of(role)
    # A supplier contact may upload, but only in the portal, never into the company's inbox.
    assert response.status_code == (302 if allowed else 403), role
    assert uploaded().count() == (1 if allowed else 0)


@pytest.mark.parametrize("role", [Role.APPROVER, Role.REQUESTER, Role.AUDITOR])
def test_correct_retry_reject_need_manage_payables(client, pdf_doc, role):
    client.force_login(demo_user(role))
    field_url = reverse("payables:document_field", args=[pdf_doc.pk, "invoice_number"])
    assert client.post(field_url, {"value": "X-1"}).status_code == 403
    assert client.get(field_url, {"edit": "1"}, HTTP_HX_REQUEST="true").status_code == 403
    assert client.post(reverse("payables:retry", args=[pdf_doc.pk])).status_code == 403
    assert client.post(reverse("payables:reject", args=[pdf_doc.pk]), {"reason": "no"}).status_code == 403
    pdf_doc.refresh_from_db()
    assert pdf_doc.state != DocumentState.REJECTED


def test_another_companys_document_is_not_found(client, pdf_doc, make_company, member):
    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    client.force_login(member(other, Role.ACCOUNTANT))
    for name, args in [
        ("payables:document", [pdf_doc.pk]),
        ("payables:document_file", [pdf_doc.pk]),
        ("payables:document_page", [pdf_doc.pk, 1]),
        ("payables:attachment", [pdf_doc.pk, 0]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    html = client.get(reverse("payables:inbox")).content.decode()
    assert "2024-10457" not in html


# ---------------------------------------------------------------- upload


def test_upload_of_several_files_stores_and_creates_documents(login, demo_company, corpus):
    # given an accountant and two files in one multipart request (as a browser without JavaScript sends them)
    user = demo_user(Role.ACCOUNTANT)
    client = login(user)
    files = [upload(corpus / PDF, content_type="application/pdf"), upload(corpus / EHF, content_type="text/xml")]
    # when
    response = client.post(reverse("payables:upload"), {"files": files}, follow=True)
    # then both are stored as received, each with its receipt and document
    assert response.status_code == 200
    assert "2 filer ble mottatt" in response.content.decode()
    documents = list(uploaded().filter(company=demo_company).select_related("receipt", "file"))
    assert sorted(d.receipt.filename for d in documents) == sorted([Path(PDF).name, Path(EHF).name])
    for d in documents:
        assert d.receipt.channel == Channel.UPLOAD
        assert d.receipt.received_by == user
        assert d.state != DocumentState.RECEIVED  # processed in-process at once
        from fakturaflyt.payables import storage

        original = (corpus / (PDF if d.receipt.filename.endswith(".pdf") else EHF)).read_bytes()
        assert storage.read(d.file) == original


def test_upload_answers_json_for_the_upload_script(login, demo_company, corpus):
    client = login(demo_user(Role.REQUESTER))
    response = client.post(
        reverse("payables:upload"), {"files": [upload(corpus / PDF)]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    payload = response.json()
    [doc] = payload["documents"]
    assert payload["errors"] == []
    assert doc["filename"] == Path(PDF).name
    assert doc["url"] == reverse("payables:document", args=[doc["id"]])
    assert doc["state"] in DocumentState.values and doc["state_label"]


def test_a_zip_file_becomes_one_document_per_invoice(login, demo_company, corpus):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("faktura.pdf", (corpus / PDF).read_bytes())
        archive.writestr("faktura.xml", (corpus / EHF).read_bytes())
    client = login(demo_user(Role.ACCOUNTANT))
    archive_file = SimpleUploadedFile("fakturaer.zip", buffer.getvalue(), content_type="application/zip")
    response = client.post(reverse("payables:upload"), {"files": [archive_file]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert sorted(d["filename"] for d in response.json()["documents"]) == ["faktura.pdf", "faktura.xml"]
    html = client.get(reverse("payables:document", args=[response.json()["documents"][0]["id"]])).content.decode()
    assert "fakturaer.zip" in html  # "came in" the zip file


def test_upload_refuses_files_that_are_no_invoice_and_stores_nothing(login, demo_company):
    client = login(demo_user(Role.ACCOUNTANT))
    stored, receipts = StoredFile.objects.count(), Receipt.objects.count()  # the demo's own invoices
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("payables:upload"), {"files": [exe]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "setup.exe" in response.json()["errors"][0]["message"]
    empty = client.post(reverse("payables:upload"), {}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400
    assert (StoredFile.objects.count(), Receipt.objects.count()) == (stored, receipts)


def test_a_broken_pdf_is_kept_in_quarantine_and_listed(login, demo_company):
    client = login(demo_user(Role.ACCOUNTANT))
    broken = SimpleUploadedFile("broken.pdf", b"%PDF-1.7\n this is not really a PDF", content_type="application/pdf")
    client.post(reverse("payables:upload"), {"files": [broken]})
    document = uploaded().get()
    assert document.state == DocumentState.QUARANTINED
    html = client.get(reverse("payables:inbox"), {"state": "quarantined"}).content.decode()
    assert "broken.pdf" in html and 'data-state="quarantined"' in html
    page = client.get(reverse("payables:document", args=[document.pk])).content.decode()
    assert "kan ikke vises" in page  # the viewer says the PDF cannot be shown, and offers the download
    assert reverse("payables:document_file", args=[document.pk]) in page
    assert client.get(reverse("payables:document_page", args=[document.pk, 1])).status_code == 404


# ---------------------------------------------------------------- the inbox list


def test_inbox_lists_documents_with_state_tabs_and_counts(login, ehf_doc, pdf_doc):
    client = login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:inbox")).content.decode()
    assert "Bergen Kontorutstyr AS" in html  # the PDF's org.nr is demo supplier 1
    assert "2024-10457" in html and "7\xa0465,63" in html
    assert ehf_doc.invoice_number in html
    assert f'data-state="{pdf_doc.state}"' in html
    assert 'data-tab="all"' in html and 'data-tab="quarantined"' in html
    # each tab shows only its state
    other_state = next(t for t in ("needs_review", "ready_for_coding") if t != pdf_doc.state)
    filtered = client.get(reverse("payables:inbox"), {"state": other_state}).content.decode()
    assert ("2024-10457" in filtered) is (pdf_doc.state == other_state)
    searched = client.get(reverse("payables:inbox"), {"q": "10457"}).content.decode()
    assert "2024-10457" in searched and ehf_doc.invoice_number not in searched.split("<tbody>")[1]


def test_inbox_htmx_refresh_returns_only_the_results(login, pdf_doc):
    client = login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:inbox"), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="inbox-results"')
    assert "<html" not in html and "2024-10457" in html


def test_received_time_is_shown_in_oslo_time(login, pdf_doc):
    from datetime import UTC, datetime

    Receipt.objects.filter(pk=pdf_doc.receipt_id).update(received_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    html = login(demo_user(Role.ACCOUNTANT)).get(reverse("payables:inbox")).content.decode()
    assert "02.03.2026 00:30" in html  # CET, UTC+1


def test_a_photo_is_shown_as_it_is(login, demo_company):
    from fakturaflyt.payables.preview import png

    photo = png(40, 30, bytes([255, 255, 255]) * 40 * 30, 40 * 3)
    client = login(demo_user(Role.ACCOUNTANT))
    client.post(reverse("payables:upload"), {"files": [SimpleUploadedFile("kvittering.png", photo)]})
    document = uploaded().get()
    html = client.get(reverse("payables:document", args=[document.pk])).content.decode()
    file_url = reverse("payables:document_file", args=[document.pk])
    assert f'src="{file_url}?inline=1"' in html
    response = client.get(file_url, {"inline": "1"})
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assert response.content == photo


def test_upload_area_only_for_roles_that_may_upload(login, demo_company):
    assert "data-upload" in login(demo_user(Role.REQUESTER)).get(reverse("payables:inbox")).content.decode()
    assert "data-upload" not in login(demo_user(Role.APPROVER)).get(reverse("payables:inbox")).content.decode()


# ---------------------------------------------------------------- the document page


def test_ehf_is_shown_as_a_readable_invoice(login, ehf_doc):
    client = login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:document", args=[ehf_doc.pk])).content.decode()
    # the document: seller, buyer, lines, VAT breakdown, totals, payment details
    assert 'class="paper"' in html
    for text in ("The Sellercompany ASA", "Buyercompany ASA", "Laptop computer", "Network cable", "Foretaksregisteret"):
        assert text in html, text
    assert "MVA-spesifikasjon" in html and "1\xa0436,50" in html and "802,00" in html
    assert "0003434323213231" in html  # KID
    assert "8601.11.17947" in html  # the account, as a Norwegian kontonr
    # beside it: the fields read, with their confidence, and the receipt
    assert 'id="field-invoice_number"' in html and "TOSL108" in html and "confbar-high" in html
    assert ehf_doc.file.sha256 in html
    # the embedded file (a CSV labelled PDF) is offered as a download, not rendered
    assert reverse("payables:attachment", args=[ehf_doc.pk, 1]) in html
    response = client.get(reverse("payables:attachment", args=[ehf_doc.pk, 1]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_pdf_is_shown_as_page_images_rendered_once(login, pdf_doc, media):
    client = login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:document", args=[pdf_doc.pk])).content.decode()
    page_url = reverse("payables:document_page", args=[pdf_doc.pk, 1])
    assert page_url in html
    assert 'id="field-total"' in html and "7\xa0465,63" in html
    response = client.get(page_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    # cached on disk by the PDF's SHA-256 and the page; the browser may revalidate with the ETag
    assert list((Path(media) / "previews").rglob(f"{pdf_doc.file.sha256}-p1-*.png"))
    assert client.get(page_url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(reverse("payables:document_page", args=[pdf_doc.pk, 2])).status_code == 404


def test_original_file_is_downloaded_never_shown_inline(login, pdf_doc, corpus):
    client = login(demo_user(Role.ACCOUNTANT))
    response = client.get(reverse("payables:document_file", args=[pdf_doc.pk]), {"inline": "1"})
    assert response.content == (corpus / PDF).read_bytes()
    assert response["Content-Disposition"] == f'attachment; filename="{Path(PDF).name}"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_embedded_pdf_of_an_ehf_is_rendered(login, demo_company, corpus):
    from fakturaflyt.core.ehf.model import Attachment
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.ehf.write import write_invoice

    invoice = read_invoice((corpus / EHF).read_bytes())
    visual = Attachment(
        "Faktura",
        "Fakturaen som PDF",
        content=(corpus / PDF).read_bytes(),
        mime_code="application/pdf",
        filename="faktura.pdf",
    )
    xml = write_invoice(dataclasses.replace(invoice, id="EMB-1", attachments=(visual,)))
    document = receive(demo_company, corpus / EHF, data=xml)
    client = login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:document", args=[document.pk])).content.decode()
    page_url = reverse("payables:attachment_page", args=[document.pk, 0, 1])
    assert "faktura.pdf" in html and page_url in html
    response = client.get(page_url)
    assert response.status_code == 200 and response.content.startswith(PNG_SIGNATURE)


def test_correcting_a_field_records_it(login, pdf_doc):
    client = login(demo_user(Role.ACCOUNTANT))
    url = reverse("payables:document_field", args=[pdf_doc.pk, "due_date"])
    # the edit form (htmx) has the value as an ISO date for the date picker
    form = client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'type="date"' in form and 'name="value"' in form
    # an invalid value is refused with a message, nothing changes
    bad = client.post(url, {"value": "the 31st"})
    assert bad.status_code == 400 and "dd.mm.åååå" in bad.content.decode()
    # a Norwegian date is stored as an ISO date, marked as corrected
    response = client.post(url, {"value": "15.04.2024"})
    assert response.status_code == 302
    pdf_doc.refresh_from_db()
    assert pdf_doc.fields["due_date"]["value"] == "2024-04-15"
    assert str(pdf_doc.due_date) == "2024-04-15"
    html = client.get(reverse("payables:document", args=[pdf_doc.pk])).content.decode()
    assert "15.04.2024" in html and "Korrigert" in html


def test_correcting_an_amount_with_htmx_redraws_the_panel(login, pdf_doc):
    client = login(demo_user(Role.ACCOUNTANT))
    url = reverse("payables:document_field", args=[pdf_doc.pk, "total"])
    response = client.post(url, {"value": "7 465,63"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="document-panel"')
    pdf_doc.refresh_from_db()
    assert pdf_doc.fields["total"]["value"] == "7465.63"
    bad = client.post(url, {"value": "sju tusen"}, HTTP_HX_REQUEST="true")
    assert bad["HX-Retarget"] == "#field-total" and "er ikke et beløp" in bad.content.decode()


def test_reject_with_reason_and_retry(login, pdf_doc, demo_company):
    client = login(demo_user(Role.ACCOUNTANT))
    # without a reason nothing happens
    client.post(reverse("payables:reject", args=[pdf_doc.pk]), {"reason": ""})
    pdf_doc.refresh_from_db()
    assert pdf_doc.state != DocumentState.REJECTED
    client.post(reverse("payables:reject", args=[pdf_doc.pk]), {"reason": "Ikke bestilt av oss"})
    pdf_doc.refresh_from_db()
    assert pdf_doc.state == DocumentState.REJECTED and pdf_doc.rejected_reason == "Ikke bestilt av oss"
    html = client.get(reverse("payables:document", args=[pdf_doc.pk])).content.decode()
    assert "Ikke bestilt av oss" in html and 'data-state="rejected"' in html

    broken = receive(demo_company, Path("broken.pdf"), data=b"%PDF-1.4 broken")
    assert broken.state == DocumentState.QUARANTINED
    response = client.post(reverse("payables:retry", args=[broken.pk]), follow=True)
    # read again (the file is still broken, so back in quarantine), and the retry is in the audit log
    assert "Dokumentet ble behandlet på nytt. Status nå: I karantene." in response.content.decode()
    broken.refresh_from_db()
    assert broken.state == DocumentState.QUARANTINED
    from fakturaflyt.ledger.models import AuditEvent

    retried = AuditEvent.objects.filter(action="document.retried", object_id=str(broken.pk)).get()
    assert retried.actor == demo_user(Role.ACCOUNTANT)
    # a rejected document cannot be retried: the refusal is shown, nothing changes
    response = client.post(reverse("payables:retry", args=[pdf_doc.pk]), follow=True)
    assert "FF-AP-WRONG-STATE" in response.content.decode()


def test_duplicate_links_to_the_first(login, demo_company, corpus):
    first = receive(demo_company, corpus / PDF)
    second = receive(demo_company, corpus / PDF, channel=Channel.EMAIL)
    assert second.state == DocumentState.DUPLICATE and second.duplicate_of_id == first.pk
    client = login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:document", args=[second.pk])).content.decode()
    assert reverse("payables:document", args=[first.pk]) in html
    html = client.get(reverse("payables:inbox"), {"state": "duplicate"}).content.decode()
    assert f'data-document="{second.pk}"' in html and f'data-document="{first.pk}"' not in html


# ---------------------------------------------------------------- the supplier portal


def test_supplier_uploads_in_the_portal_and_follows_the_state(login, demo_company, corpus):
    user = demo_user(Role.SUPPLIER)
    client = login(user)
    own = Supplier.objects.get(company=demo_company, number=1)
    response = client.post(
        reverse("portal:upload"), {"files": [upload(corpus / PDF, content_type="application/pdf")]}, follow=True
    )
    assert response.status_code == 200
    document = uploaded().select_related("receipt").get()
    assert document.receipt.channel == Channel.PORTAL and document.receipt.supplier == own
    assert document.supplier == own
    home = client.get(reverse("home")).content.decode()
    assert "2024-10457" in home and f'data-state="{document.state}"' in home
    detail = client.get(reverse("portal:document", args=[document.pk]))
    assert detail.status_code == 200 and "2024-10457" in detail.content.decode()
    assert client.get(reverse("portal:page", args=[document.pk, 1])).content.startswith(PNG_SIGNATURE)
    assert client.get(reverse("portal:file", args=[document.pk])).content == (corpus / PDF).read_bytes()
    # the accountant's pages stay closed to a supplier contact, also for its own document
    assert client.get(reverse("payables:document", args=[document.pk])).status_code == 403


def test_portal_takes_only_pdf_and_ehf(login, demo_company):
    client = login(demo_user(Role.SUPPLIER))
    photo = SimpleUploadedFile("faktura.jpg", b"\xff\xd8\xff\xe0", content_type="image/jpeg")
    response = client.post(reverse("portal:upload"), {"files": [photo]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and not uploaded().exists()


def test_supplier_never_sees_another_suppliers_document(login, demo_company, corpus):
    # given a document of another supplier of the company (received by e-mail)
    other = Supplier.objects.get(company=demo_company, number=2)
    theirs = receive(demo_company, corpus / EHF, channel=Channel.EMAIL)
    SupplierDocument.objects.filter(pk=theirs.pk).update(supplier=other)
    client = login(demo_user(Role.SUPPLIER))
    # then it is not in the list, and its page, file and page image answer 404, as if it did not exist
    assert theirs.invoice_number not in client.get(reverse("home")).content.decode()
    for name, args in [
        ("portal:document", [theirs.pk]),
        ("portal:file", [theirs.pk]),
        ("portal:page", [theirs.pk, 1]),
        ("portal:document", [999999]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_portal_is_only_for_supplier_contacts(login, pdf_doc):
    client = login(demo_user(Role.ACCOUNTANT))
    assert client.get(reverse("portal:document", args=[pdf_doc.pk])).status_code == 403
    assert client.post(reverse("portal:upload"), {}).status_code == 403


# ---------------------------------------------------------------- languages


@pytest.mark.parametrize("language", ["nb", "en"])
def test_inbox_pages_render_in_both_languages(login, language, ehf_doc, pdf_doc):
    client = login(demo_user(Role.ACCOUNTANT), language)
    inbox = client.get(reverse("payables:inbox")).content.decode()
    ehf = client.get(reverse("payables:document", args=[ehf_doc.pk])).content.decode()
    pdf = client.get(reverse("payables:document", args=[pdf_doc.pk])).content.decode()
    portal = login(demo_user(Role.SUPPLIER), language).get(reverse("home")).content.decode()
    words = {
        "nb": (
            ["Innboks", "Slipp fakturaer her", "Alle", "I karantene"],
            ["Fakturanr.", "Å betale", "Kjøper"],
            ["Lest fra dokumentet", "Last ned originalen", "Konfidens"],
            ["Slipp fakturaene", "Dine fakturaer"],
        ),
        "en": (
            ["Inbox", "Drop invoices here", "All", "Quarantined"],
            ["Invoice no.", "To pay", "Buyer"],
            ["Read from the document", "Download original", "Confidence"],
            ["Drop your invoices", "Your invoices"],
        ),
    }[language]
    for page, expected in zip((inbox, ehf, pdf, portal), words, strict=True):
        for word in expected:
            assert word in page, (language, word)


def test_upload_script_texts_and_state_labels_are_translated(login, pdf_doc):
    html = login(demo_user(Role.ACCOUNTANT)).get(reverse("payables:inbox")).content.decode()
    assert 'data-text-uploading="Laster opp"' in html and 'data-text-open="Åpne"' in html
    nb = {"needs_review": "Til kontroll", "ready_for_coding": "Klar til kontering", "quarantined": "I karantene"}
    assert nb[pdf_doc.state] in html
    answer = login(demo_user(Role.ACCOUNTANT)).post(
        reverse("payables:upload"),
        {"files": [SimpleUploadedFile("tom.pdf", b"%PDF-1.4 x", content_type="application/pdf")]},
        HTTP_ACCEPT="application/json",
    )
    assert json.loads(answer.content)["documents"][0]["state_label"] == "I karantene"
