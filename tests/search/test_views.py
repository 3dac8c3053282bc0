"""The search page, the dropdown partial, the box in the header, and the API."""

from __future__ import annotations

from typing import Any

import pytest

from fakturaflyt.api.auth import issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user: Any) -> Any:
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def test_full_page_lists_each_group_with_links(books, as_user) -> None:
    c = as_user(books.world.users["accountant"])
    r = c.get("/search/", {"q": "1 250,00"})
    assert r.status_code == 200
    html = r.content.decode()
    assert f'href="/payables/inbox/{books.document.pk}/"' in html
    assert f'href="/ledger/vouchers/{books.voucher.pk}/"' in html
    assert "Supplier invoices" in html and "Vouchers" in html
    assert 'value="1 250,00"' in html  # the box and the form keep the query
    assert f"/payables/inbox/{books.b_document.pk}/" not in html


def test_page_narrowed_to_one_group(books, as_user) -> None:
    c = as_user(books.world.users["accountant"])
    html = c.get("/search/", {"q": "1250", "kind": "vouchers"}).content.decode()
    assert f"/ledger/vouchers/{books.voucher.pk}/" in html
    assert f"/payables/inbox/{books.document.pk}/" not in html


def test_empty_query_and_nothing_found(books, as_user) -> None:
    c = as_user(books.world.users["accountant"])
    r = c.get("/search/")
    assert r.status_code == 200 and "Type an invoice number" in r.content.decode()
    r = c.get("/search/", {"q": "zzzzqqq"})
    assert "Nothing found" in r.content.decode()
    r = c.get("/search/suggest/", {"q": ""})
    assert r.status_code == 200 and r.content.decode().strip() == ""


def test_a_very_long_query_is_cut_and_said_so(books, as_user) -> None:
    c = as_user(books.world.users["accountant"])
    r = c.get("/search/", {"q": "Bergen " + "x" * 5000})
    assert r.status_code == 200
    main = r.content.decode().split("<main", 1)[1]
    assert "shortened" in main
    assert "x" * 300 not in main


def test_html_in_data_and_query_is_escaped(books, as_user) -> None:
    from fakturaflyt.payables.models import Supplier

    Supplier.objects.filter(pk=books.world.other_supplier.pk).update(name="<script>alert(1)</script> Fjordnett")
    c = as_user(books.world.users["accountant"])
    for url in ("/search/", "/search/suggest/"):
        html = c.get(url, {"q": "<script>alert(1)</script> fjordnett"}).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_dropdown_partial(books, as_user) -> None:
    c = as_user(books.world.users["accountant"])
    r = c.get("/search/suggest/", {"q": "bergen"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200
    assert "<html" not in html
    assert 'role="listbox"' in html and 'role="option"' in html
    assert "Bergen Kontorutstyr AS" in html
    assert 'href="/search/?q=bergen"' in html  # all results


def test_query_count_of_the_dropdown_is_bounded(books, as_user, django_assert_max_num_queries) -> None:
    c = as_user(books.world.users["admin"])
    c.get("/search/suggest/", {"q": "x1"})  # warm up the session
    with django_assert_max_num_queries(7 + 6):  # 7 groups + session, user, membership, companies
        c.get("/search/suggest/", {"q": "bergen 1250"})


def test_the_box_is_in_the_header_for_a_member(books, as_user) -> None:
    c = as_user(books.world.users["approver"])
    html = c.get("/search/", {"q": "bergen"}).content.decode()
    assert "data-search-box" in html and 'hx-get="/search/suggest/"' in html
    assert "search/search.js" in html


def test_roles_and_login(books, as_user, client) -> None:
    r = client.get("/search/", {"q": "bergen"})
    assert r.status_code == 302 and "/login/" in r["Location"]
    # A supplier contact gets the box for its own documents only.
    c = as_user(books.world.users["supplier"])
    html = c.get("/search/", {"q": "1250"}).content.decode()
    assert f"/portal/documents/{books.document.pk}/" in html
    assert "Suppliers" not in html.split("<main", 1)[1]
    # The approver sees no vouchers even when asking for them.
    c = as_user(books.world.users["approver"])
    html = c.get("/search/", {"q": "1250", "kind": "vouchers"}).content.decode()
    assert "/ledger/vouchers/" not in html


def test_a_user_without_a_company_is_refused(user_factory, as_user) -> None:
    c = as_user(user_factory("nobody@test.no"))
    assert c.get("/search/", {"q": "x1"}).status_code == 403
    assert c.get("/search/suggest/", {"q": "x1"}).status_code == 403


# ------------------------------------------------------------------------------------ API


def get(client: Any, user: Any, orgnr: str, **params: Any) -> Any:
    token = issue_token(user, "test")
    return client.get(f"/api/companies/{orgnr}/search", params, headers={"Authorization": f"Bearer {token}"})


def test_api_search(books, client) -> None:
    r = get(client, books.world.users["accountant"], books.world.a.orgnr, q="INV-4711", limit=3)
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == "INV-4711"
    assert body["terms"] == [{"text": "INV-4711", "kind": "text"}]
    docs = next(g for g in body["groups"] if g["kind"] == "documents")
    assert docs["hits"][0]["url"] == f"/payables/inbox/{books.document.pk}/"
    assert docs["hits"][0]["amount"] == "1250.00" and docs["hits"][0]["exact"] is True
    assert docs["hits"][0]["date"] == "2026-03-01"


def test_api_roles_and_companies(books, client) -> None:
    users = books.world.users
    r = get(client, users["approver"], books.world.a.orgnr, q="1250", kind="documents")
    assert [g["kind"] for g in r.json()["groups"]] == ["documents"]
    r = get(client, users["approver"], books.world.a.orgnr, q="1250", kind="vouchers")
    assert r.json()["groups"] == []
    r = get(client, users["supplier"], books.world.a.orgnr, q="1250")
    assert r.status_code == 200
    assert {h["url"] for g in r.json()["groups"] for h in g["hits"]} == {f"/portal/documents/{books.document.pk}/"}
    r = get(client, books.world.b_user, books.world.a.orgnr, q="1250")
    assert r.status_code == 403 and r.json()["code"] == "FF-NOT-MEMBER"
