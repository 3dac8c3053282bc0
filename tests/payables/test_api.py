"""The payables API: receive by multipart, raw XML and the alias URL; read, correct, retry, reject; who may do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fakturaflyt.api.auth import issue_token
from fakturaflyt.companies.permissions import scoped
from fakturaflyt.payables.models import DocumentState, SupplierDocument
from tests.payables.factories import XXE, norwegian_ehf

pytestmark = pytest.mark.django_db

UPLOADERS = {"admin", "accountant", "requester", "supplier"}
READERS = {"admin", "accountant", "approver", "requester", "auditor", "supplier"}
MANAGERS = {"admin", "accountant"}


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def base(orgnr: str) -> str:
    return f"/api/companies/{orgnr}/payables/documents"


@pytest.fixture
def post_xml(client, on_commit):
    def post(url: str, data: bytes, headers: dict[str, str], **extra):
        with on_commit():
            response = client.post(url, data, content_type="application/xml", headers=headers, **extra)
        return response

    return post


def test_raw_xml_body_is_received_and_processed(world, client, post_xml, corpus) -> None:
    headers = bearer(world.users["accountant"])
    response = post_xml(base(world.a.orgnr) + "?filename=faktura-1001.xml", norwegian_ehf(corpus), headers)
    assert response.status_code == 201, response.content
    (doc,) = response.json()["documents"]
    assert doc["filename"] == "faktura-1001.xml" and doc["channel"] == "api"
    detail = client.get(f"{base(world.a.orgnr)}/{doc['id']}", headers=headers).json()
    assert detail["state"] == "ready_for_coding" and detail["invoice_number"] == "F-1001"
    assert detail["total"] == "1801.78" and detail["fields"]["total"] == {
        "value": "1801.78",
        "confidence": 1.0,
        "source": "ehf",
    }
    assert detail["supplier"]["orgnr"] == "987654325" and detail["problems"] == [
        p for p in detail["problems"] if p["severity"] == "info"
    ]


def test_multipart_with_several_files(world, client, on_commit, corpus) -> None:
    files = [
        SimpleUploadedFile("a.xml", norwegian_ehf(corpus, number="A-1"), content_type="application/xml"),
        SimpleUploadedFile(
            "b.xml", norwegian_ehf(corpus, number="B-1", seller_orgnr="998811228"), content_type="text/xml"
        ),
    ]
    with on_commit():
        response = client.post(base(world.a.orgnr), {"file": files}, headers=bearer(world.users["admin"]))
    assert response.status_code == 201, response.content
    ids = [d["id"] for d in response.json()["documents"]]
    assert len(ids) == 2
    listing = client.get(base(world.a.orgnr) + "?state=ready_for_coding", headers=bearer(world.users["admin"])).json()
    assert sorted(d["id"] for d in listing["documents"]) == sorted(ids) and listing["count"] == 2


def test_alias_url_with_company_parameter(world, client, post_xml, corpus) -> None:
    headers = bearer(world.users["accountant"])
    response = post_xml(f"/api/payables/documents?company={world.a.orgnr}", norwegian_ehf(corpus), headers)
    assert response.status_code == 201, response.content
    assert SupplierDocument.objects.get(pk=response.json()["documents"][0]["id"]).company == world.a
    # without ?company= it works for a user of exactly one company
    response = post_xml("/api/payables/documents", norwegian_ehf(corpus, number="F-2"), bearer(world.b_user))
    assert response.status_code == 201 and SupplierDocument.objects.filter(company=world.b).count() == 1
    # and an outsider cannot post into a company by naming it
    response = post_xml(f"/api/payables/documents?company={world.a.orgnr}", norwegian_ehf(corpus), bearer(world.b_user))
    assert response.status_code == 403 and response.json()["code"] == "FF-NOT-MEMBER"


def test_hostile_xml_by_api_is_kept_in_quarantine(world, client, post_xml) -> None:
    headers = bearer(world.users["accountant"])
    response = post_xml(base(world.a.orgnr), XXE, headers)
    assert response.status_code == 201
    doc = client.get(f"{base(world.a.orgnr)}/{response.json()['documents'][0]['id']}", headers=headers).json()
    assert doc["state"] == "quarantined" and doc["problems"][0]["code"] == "FF-XML-DTD"


def test_a_large_raw_body_is_received(world, client, on_commit) -> None:
    """Bigger than Django's 2.5 MB in-memory limit for request bodies: streamed, stored, and quarantined as unreadable."""
    data = b"%PDF-1.7\n" + b"0" * (4 * 1024 * 1024)
    with on_commit():
        response = client.post(
            base(world.a.orgnr) + "?filename=big.pdf",
            data,
            content_type="application/pdf",
            headers=bearer(world.users["admin"]),
        )
    assert response.status_code == 201, response.content
    doc = SupplierDocument.objects.get(pk=response.json()["documents"][0]["id"])
    assert doc.file.size == len(data) and doc.format == "pdf"
    assert doc.state == DocumentState.QUARANTINED and doc.problems[0]["code"].startswith("FF-PDF-")


def test_empty_body_and_no_token(world, client) -> None:
    response = client.post(
        base(world.a.orgnr), b"", content_type="application/xml", headers=bearer(world.users["admin"])
    )
    assert response.status_code == 422 and response.json()["code"] == "FF-AP-NO-FILE"
    assert client.get(base(world.a.orgnr)).status_code == 401


def test_original_file_is_returned_byte_for_byte(world, client, post_xml, corpus) -> None:
    data = norwegian_ehf(corpus)
    headers = bearer(world.users["auditor"] if False else world.users["accountant"])
    doc_id = post_xml(base(world.a.orgnr) + "?filename=f.xml", data, headers).json()["documents"][0]["id"]
    response = client.get(f"{base(world.a.orgnr)}/{doc_id}/file", headers=bearer(world.users["auditor"]))
    assert response.status_code == 200 and response.content == data
    assert response["Content-Type"] == "application/xml" and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_correct_retry_reject(world, client, post_xml, on_commit, corpus) -> None:
    headers = bearer(world.users["accountant"])
    doc_id = post_xml(base(world.a.orgnr), norwegian_ehf(corpus, kid="0003434323213231"), headers).json()["documents"][
        0
    ]["id"]
    url = f"{base(world.a.orgnr)}/{doc_id}"
    assert client.get(url, headers=headers).json()["state"] == "needs_review"
    # a bad value refuses the whole correction, naming each field
    bad = client.patch(
        f"{url}/fields",
        {"kid": "12x", "issue_date": "2026-02-31", "what": "1"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    assert {p["location"] for p in bad.json()["problems"]} == {"kid", "issue_date", "what"}
    with on_commit():
        ok = client.patch(f"{url}/fields", {"kid": "12345674"}, content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok.json()["kid"] == "12345674" and ok.json()["state"] == "ready_for_coding"
    # retry is for quarantined or uncertain documents only
    assert client.post(f"{url}/retry", headers=headers).json()["code"] == "FF-AP-WRONG-STATE"
    rejected = client.post(
        f"{url}/reject", {"reason": "Feil mottaker"}, content_type="application/json", headers=headers
    )
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert rejected.json()["rejected_reason"] == "Feil mottaker"


@pytest.mark.parametrize("role", ["admin", "accountant", "approver", "requester", "supplier", "auditor"])
def test_each_role_gets_what_its_permissions_allow(world, client, on_commit, corpus, role: str) -> None:
    own = norwegian_ehf(corpus, seller_orgnr=world.supplier.orgnr, seller_name=world.supplier.name)
    with on_commit():
        response = client.post(
            base(world.a.orgnr), own, content_type="application/xml", headers=bearer(world.users[role])
        )
    assert response.status_code == (201 if role in UPLOADERS else 403), (role, response.content)
    doc = SupplierDocument.objects.filter(company=world.a).first() or _seed(world, corpus)
    headers = bearer(world.users[role])
    listing = client.get(base(world.a.orgnr), headers=headers)
    assert listing.status_code == (200 if role in READERS else 403)
    patch = client.patch(
        f"{base(world.a.orgnr)}/{doc.pk}/fields",
        {"order_reference": "PO-1"},
        content_type="application/json",
        headers=headers,
    )
    assert patch.status_code == (200 if role in MANAGERS else 403), (role, patch.content)
    if patch.status_code == 403:
        assert patch.json()["code"] == "FF-ROLE-FORBIDS"


def _seed(world, corpus):
    from fakturaflyt.payables import intake

    return intake.receive(world.a, norwegian_ehf(corpus), channel="api", filename="seed.xml")


def test_supplier_contact_sees_only_its_own_suppliers_documents(world, client, on_commit, corpus) -> None:
    # given one document from the contact's supplier and one from another supplier of the same company
    with on_commit():
        mine = client.post(
            base(world.a.orgnr) + "?filename=mine.xml",
            norwegian_ehf(corpus, seller_orgnr=world.supplier.orgnr, seller_name=world.supplier.name),
            content_type="application/xml",
            headers=bearer(world.users["supplier"]),
        ).json()["documents"][0]["id"]
        theirs = client.post(
            base(world.a.orgnr) + "?filename=theirs.xml",
            norwegian_ehf(
                corpus, number="T-1", seller_orgnr=world.other_supplier.orgnr, seller_name=world.other_supplier.name
            ),
            content_type="application/xml",
            headers=bearer(world.users["accountant"]),
        ).json()["documents"][0]["id"]
    assert SupplierDocument.objects.get(pk=theirs).supplier_id == world.other_supplier.pk
    headers = bearer(world.users["supplier"])
    # the list holds only its own
    listing = client.get(base(world.a.orgnr), headers=headers).json()
    assert [d["id"] for d in listing["documents"]] == [mine] and listing["count"] == 1
    assert listing["documents"][0]["payment_blocked"] is None  # the accountant's fraud flag is not shown
    # the other supplier's document does not exist for it: detail, file, by state filter
    assert client.get(f"{base(world.a.orgnr)}/{theirs}", headers=headers).status_code == 404
    assert client.get(f"{base(world.a.orgnr)}/{theirs}/file", headers=headers).status_code == 404
    assert (
        client.get(base(world.a.orgnr) + "?state=ready_for_coding&state=needs_review", headers=headers).json()["count"]
        == 1
    )
    # it may not manage even its own
    assert client.post(f"{base(world.a.orgnr)}/{mine}/retry", headers=headers).status_code == 403
    # and the scoped queryset every view uses says the same
    m = world.memberships["supplier"]
    assert list(scoped(SupplierDocument.objects.all(), m).values_list("pk", flat=True)) == [mine]
    # another company's people see nothing of company A
    outsider = client.get(base(world.a.orgnr), headers=bearer(world.b_user))
    assert outsider.status_code == 403 and outsider.json()["code"] == "FF-NOT-MEMBER"
    assert client.get(base("999999999"), headers=bearer(world.b_user)).json()["code"] == "FF-NOT-MEMBER"


def test_supplier_contact_sees_why_its_file_was_quarantined_but_not_the_accountants_findings(
    world, client, on_commit
) -> None:
    headers = bearer(world.users["supplier"])
    with on_commit():
        doc_id = client.post(base(world.a.orgnr), XXE, content_type="application/xml", headers=headers).json()[
            "documents"
        ][0]["id"]
    detail = client.get(f"{base(world.a.orgnr)}/{doc_id}", headers=headers).json()
    assert detail["state"] == DocumentState.QUARANTINED and detail["problems"][0]["code"] == "FF-XML-DTD"
    assert SupplierDocument.objects.get(pk=doc_id).supplier_id == world.supplier.pk


@pytest.mark.django_db(transaction=True)
def test_post_answers_with_the_processed_state(world, client, corpus) -> None:
    """With real commits (no test transaction) the in-process task runs before the answer is sent."""
    response = client.post(
        base(world.a.orgnr),
        norwegian_ehf(corpus),
        content_type="application/xml",
        headers=bearer(world.users["accountant"]),
    )
    assert response.status_code == 201 and response.json()["documents"][0]["state"] == "ready_for_coding"


def test_openapi_documents_the_endpoints(client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/companies/{orgnr}/payables/documents" in paths
    assert "/api/payables/documents" in paths
    assert "patch" in paths["/api/companies/{orgnr}/payables/documents/{document_id}/fields"]
