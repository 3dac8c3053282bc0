"""The ledger API: post (amounts as strings), read, reverse, errors with every problem, OpenAPI."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.api.auth import issue_token
from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member
from fakturaflyt.ledger.models import Voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(company, user_factory, client):
    """A test client for an accountant of ``company``: ``api.get(path)``, ``api.post(path, json)``."""
    user = user_factory("ola@firma.test")
    add_member(None, company, user, Role.ACCOUNTANT)
    headers = {"Authorization": f"Bearer {issue_token(user, 'test')}"}
    base = f"/api/companies/{company.orgnr}"

    class Api:
        def get(self, path: str):
            return client.get(base + path, headers=headers)

        def post(self, path: str, data: object):
            return client.post(base + path, data, content_type="application/json", headers=headers)

    return Api()


GOOD = {
    "date": "2026-01-12",
    "description": "Kontorstoler – Bergen Kontorutstyr AS",
    "series": "AP",
    "lines": [
        {"account": "6540", "debit": "12000.00", "vat_code": "1", "description": "Stoler"},
        {"account": "2710", "debit": "3000,00", "vat_code": "1"},
        {"account": "2400", "credit": "15 000,00"},
    ],
}


def test_post_a_voucher_with_string_amounts(api, company) -> None:
    # when
    response = api.post("/vouchers", GOOD)
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["label"], body["series"], body["year"], body["number"]) == ("AP 2026-1", "AP", 2026, 1)
    assert body["source"] == "api" and body["posted_by"] == "ola@firma.test"
    assert [(ln["account"], ln["debit"], ln["credit"], ln["vat_code"]) for ln in body["lines"]] == [
        ("6540", "12000.00", "0.00", "1"),
        ("2710", "3000.00", "0.00", "1"),
        ("2400", "0.00", "15000.00", None),
    ]
    # and it is stored, and listed
    voucher = Voucher.objects.get(pk=body["id"], company=company)
    assert sum(p.debit for p in voucher.postings.all()) == Decimal("15000.00")
    listed = api.get("/vouchers").json()
    assert [v["id"] for v in listed] == [body["id"]]
    assert api.get(f"/vouchers/{body['id']}").json() == body


def test_an_invalid_voucher_is_422_with_every_problem(api) -> None:
    response = api.post(
        "/vouchers",
        {
            "date": "2026-01-12",
            "description": "Feil",
            "lines": [
                {"account": "9999", "debit": "100.00"},
                {"account": "6300", "debit": "50.00", "vat_code": "77"},
                {"account": "1920", "credit": "100.00"},
                {"account": "6300", "debit": "1.005"},
            ],
        },
    )
    assert response.status_code == 422
    body = response.json()
    assert [(p["code"], p["location"]) for p in body["problems"]] == [
        ("FF-LEDGER-LINE", "line 4"),
        ("FF-LEDGER-UNBALANCED", "lines"),
        ("FF-LEDGER-ACCOUNT", "line 1"),
        ("FF-LEDGER-VATCODE", "line 2"),
    ]
    assert body["code"] == "FF-LEDGER-LINE"
    assert all(p["message"] for p in body["problems"])
    assert not Voucher.objects.exists()


def test_unbalanced_voucher_is_422_naming_the_difference(api) -> None:
    response = api.post(
        "/vouchers",
        {
            "date": "2026-01-12",
            "description": "x",
            "lines": [{"account": "6300", "debit": "10"}, {"account": "1920", "credit": "9"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "FF-LEDGER-UNBALANCED"
    assert "differ by 1,00" in response.json()["problems"][0]["message"]


def test_every_unreadable_amount_is_reported(api) -> None:
    response = api.post(
        "/vouchers",
        {
            "date": "2026-01-12",
            "description": "x",
            "lines": [
                {"account": "6300", "debit": "hundre"},
                {"account": "1920", "credit": "1.234,50"},
                {"account": "1920", "credit": "10", "currency_amount": "NaN"},
            ],
        },
    )
    assert response.status_code == 422
    assert [(p["code"], p["location"]) for p in response.json()["problems"]] == [
        ("FF-MONEY-FORMAT", "line 1 debit"),
        ("FF-MONEY-FORMAT", "line 2 credit"),
        ("FF-MONEY-FORMAT", "line 3 currency_amount"),
    ]
    assert not Voucher.objects.exists()


def test_amounts_as_json_numbers_are_refused(api) -> None:
    response = api.post(
        "/vouchers",
        {
            "date": "2026-01-12",
            "description": "x",
            "lines": [{"account": "6300", "debit": 0.1}, {"account": "1920", "credit": "0.10"}],
        },
    )
    assert response.status_code == 422
    assert not Voucher.objects.exists()


def test_too_large_amount_is_422_not_a_server_error(api) -> None:
    response = api.post(
        "/vouchers",
        {
            "date": "2026-01-12",
            "description": "x",
            "lines": [{"account": "6300", "debit": "1e30"}, {"account": "1920", "credit": "1e30"}],
        },
    )
    assert response.status_code == 422
    assert {p["code"] for p in response.json()["problems"]} == {"FF-LEDGER-LINE"}


def test_reverse_endpoint(api) -> None:
    original = api.post("/vouchers", GOOD).json()
    # when
    response = api.post(f"/vouchers/{original['id']}/reverse", {"date": "2026-02-01", "reason": "feil konto"})
    # then
    assert response.status_code == 201
    reversal = response.json()
    assert reversal["label"] == "AP 2026-2"
    assert reversal["reverses"] == "AP 2026-1"
    assert reversal["date"] == "2026-02-01"
    assert reversal["description"] == "Reversering av AP 2026-1: feil konto"
    assert [(ln["debit"], ln["credit"]) for ln in reversal["lines"]] == [
        ("0.00", "12000.00"),
        ("0.00", "3000.00"),
        ("15000.00", "0.00"),
    ]
    assert api.get(f"/vouchers/{original['id']}").json()["reversed_by"] == "AP 2026-2"
    # and it cannot be done twice, nor can the reversal be reversed
    again = api.post(f"/vouchers/{original['id']}/reverse", {})
    assert again.status_code == 422 and again.json()["code"] == "FF-LEDGER-ALREADY-REVERSED"
    back = api.post(f"/vouchers/{reversal['id']}/reverse", {})
    assert back.status_code == 422 and back.json()["code"] == "FF-LEDGER-REVERSAL-OF-REVERSAL"
    assert api.get("/vouchers/999999").status_code == 404


def test_read_endpoints(api) -> None:
    api.post("/vouchers", GOOD)
    rows = api.get("/trial-balance?date_from=2026-01-01&date_to=2026-12-31").json()
    assert {r["account"]: r["closing"] for r in rows} == {"2400": "-15000.00", "2710": "3000.00", "6540": "12000.00"}
    assert sum(Decimal(r["closing"]) for r in rows) == 0
    verify = api.get("/audit/verify").json()
    assert verify == {"ok": True, "events": 3, "problems": []}  # company, membership, voucher
    accounts = {a["number"]: a for a in api.get("/accounts").json()}
    assert accounts["3000"]["default_vat_code"] == "3" and accounts["1920"]["account_type"] == "asset"
    vat = {v["code"]: v for v in api.get("/vat-codes").json()}
    assert (vat["3"]["rate"], vat["3"]["direction"], vat["3"]["standard_tax_code"]) == ("25.00", "output", "3")
    assert api.get("/trial-balance").status_code == 422  # the period is required


def test_vouchers_filter_by_date(api) -> None:
    api.post("/vouchers", GOOD)
    api.post("/vouchers", {**GOOD, "date": "2026-03-01"})
    assert [v["date"] for v in api.get("/vouchers").json()] == ["2026-03-01", "2026-01-12"]
    assert [v["date"] for v in api.get("/vouchers?date_from=2026-02-01").json()] == ["2026-03-01"]
    assert [v["date"] for v in api.get("/vouchers?date_to=2026-02-01").json()] == ["2026-01-12"]
    assert len(api.get("/vouchers?limit=1").json()) == 1


def test_openapi_schema_and_docs(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    base = "/api/companies/{orgnr}"
    for path, method in [
        ("/api/me", "get"),
        ("/api/companies", "get"),
        (f"{base}/accounts", "get"),
        (f"{base}/vat-codes", "get"),
        (f"{base}/vouchers", "get"),
        (f"{base}/vouchers", "post"),
        (f"{base}/vouchers/{{voucher_id}}", "get"),
        (f"{base}/vouchers/{{voucher_id}}/reverse", "post"),
        (f"{base}/trial-balance", "get"),
        (f"{base}/audit/verify", "get"),
    ]:
        assert method in paths.get(path, {}), f"{method.upper()} {path} missing from the schema"
    # no method to change or delete a voucher
    assert set(paths[f"{base}/vouchers/{{voucher_id}}"]) == {"get"}
    # orgnr is a path parameter, not a query parameter
    params = paths[f"{base}/vouchers"]["get"]["parameters"]
    assert {"name": "orgnr", "in": "path"}.items() <= next(p for p in params if p["name"] == "orgnr").items()
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
