"""The adapters build exactly the documented request for a sample voucher (recorded fixtures), fold VAT
to the øre, read errors, and refuse when not configured or when an id is unknown. No network."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fakturaflyt.core import accounting_systems
from fakturaflyt.core.accounting_systems import ExportVoucher, NotConfigured, Response, UnmappedError, fold_vat
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.journal_csv import JournalRow

FIXTURES = Path(__file__).resolve().parents[1] / "integrations" / "fixtures"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def row(line: int, account: str, debit: str = "0", credit: str = "0", **kw) -> JournalRow:
    defaults = dict(
        series="AP", year=2026, number=12, date=date(2026, 3, 5), voucher_description="Bergen Kontorutstyr AS 4711"
    )
    return JournalRow(line=line, account=account, debit=Decimal(debit), credit=Decimal(credit), **{**defaults, **kw})


def sample_voucher() -> ExportVoucher:
    """A supplier invoice: two cost lines at 25 % with department/project, their input VAT, the payable."""
    vat = dict(vat_code="1", standard_tax_code="1", vat_rate=Decimal("25"))
    return ExportVoucher.of(
        [
            row(
                1,
                "6540",
                debit="8000.00",
                description="Kontorstoler",
                vat_base=Decimal("8000.00"),
                department="100",
                project="P1001",
                **vat,
            ),
            row(2, "6860", debit="2000.00", description="Kurs", vat_base=Decimal("2000.00"), department="200", **vat),
            row(3, "2710", debit="2500.00", description="Inngående mva", **vat),
            row(
                4,
                "2400",
                credit="12500.00",
                description="Bergen Kontorutstyr AS 4711",
                supplier_no="7",
                supplier_name="Bergen Kontorutstyr AS",
                supplier_orgnr="987654325",
            ),
        ]
    )


IDS = {
    "tripletex": {
        ("account", "6540"): "1001",
        ("account", "6860"): "1002",
        ("account", "2400"): "1003",
        ("vat", "1"): "11",
        ("vat", "0"): "10",
        ("department", "100"): "21",
        ("department", "200"): "22",
        ("project", "P1001"): "31",
        ("supplier", "987654325"): "41",
    },
    "fiken": {("supplier", "987654325"): "2400:20007"},
    "poweroffice": {
        ("account", "6540"): "5001",
        ("account", "6860"): "5002",
        ("supplier", "7"): "7007",
        ("vat", "1"): "101",
        ("vat", "0"): "100",
        ("department", "100"): "601",
        ("department", "200"): "602",
        ("project", "P1001"): "701",
    },
}
CREDS = {
    "tripletex": {"consumer_token": "ct-secret", "employee_token": "et-secret"},
    "fiken": {"api_token": "fiken-secret", "company_slug": "testfirma-as"},
    "poweroffice": {"application_key": "app-secret", "client_key": "client-secret", "subscription_key": "sub-secret"},
}


@pytest.mark.parametrize("system", ["tripletex", "fiken", "poweroffice"])
def test_each_adapter_builds_the_recorded_request(system: str) -> None:
    adapter = accounting_systems.get(system)
    request = adapter.voucher_request(sample_voucher(), IDS[system], CREDS[system])
    assert request.as_dict() == fixture(f"{system}_voucher_request.json")
    # no secret ends up in what is shown or recorded
    shown = json.dumps(request.as_dict())
    assert not any(secret in shown for secret in CREDS[system].values() if "secret" in secret)


def test_vat_is_folded_into_the_base_lines_and_the_voucher_still_balances() -> None:
    lines = fold_vat(sample_voucher())
    assert [(g.account, g.net, g.vat, g.gross, g.tax_code) for g in lines] == [
        ("6540", Decimal("8000.00"), Decimal("2000.00"), Decimal("10000.00"), "1"),
        ("6860", Decimal("2000.00"), Decimal("500.00"), Decimal("2500.00"), "1"),
        ("2400", Decimal("-12500.00"), Decimal("0.00"), Decimal("-12500.00"), ""),
    ]
    assert sum(g.gross for g in lines) == 0


def test_vat_shares_are_exact_to_the_ore() -> None:
    # three equal bases share 100.00 VAT: 33.34 + 33.33 + 33.33, never 99.99 or 100.01
    vat = dict(vat_code="3", standard_tax_code="3", vat_rate=Decimal("25"))
    v = ExportVoucher.of(
        [row(i, "3000", credit="133.33", vat_base=Decimal("-133.33"), **vat) for i in (1, 2, 3)]
        + [row(4, "2700", credit="100.00", **vat), row(5, "1500", debit="499.99")]
    )
    lines = fold_vat(v)
    assert sorted(g.vat for g in lines[:3]) == [Decimal("-33.34"), Decimal("-33.33"), Decimal("-33.33")]
    assert sum(g.gross for g in lines) == 0


def test_reverse_charge_lines_cancel_and_the_base_keeps_its_code() -> None:
    vat = dict(vat_code="86", standard_tax_code="86", vat_rate=Decimal("25"))
    v = ExportVoucher.of(
        [
            row(1, "6810", debit="1000.00", vat_base=Decimal("1000.00"), **vat),
            row(2, "2714", debit="250.00", **vat),
            row(3, "2704", credit="250.00", **vat),
            row(4, "1920", credit="1000.00"),
        ]
    )
    assert [(g.account, g.gross, g.tax_code) for g in fold_vat(v)] == [
        ("6810", Decimal("1000.00"), "86"),
        ("1920", Decimal("-1000.00"), ""),
    ]


def test_a_25_percent_line_without_vat_lines_is_sent_without_vat_type() -> None:
    v = ExportVoucher.of(
        [
            row(
                1,
                "6540",
                debit="100.00",
                vat_code="1",
                standard_tax_code="1",
                vat_rate=Decimal("25"),
                vat_base=Decimal("100.00"),
            ),
            row(2, "1920", credit="100.00"),
        ]
    )
    assert [g.tax_code for g in fold_vat(v)] == ["", ""]


@pytest.mark.parametrize("system", ["tripletex", "fiken", "poweroffice"])
def test_not_configured_is_refused_with_a_clear_code(system: str) -> None:
    adapter = accounting_systems.get(system)
    with pytest.raises(NotConfigured) as err:
        adapter.check_configured({})
    assert err.value.code == "FF-EXPORT-NOT-CONFIGURED"
    assert adapter.title in str(err.value)
    adapter.check_configured(CREDS[system])  # configured: no error


def test_an_unknown_id_is_refused_naming_every_missing_one() -> None:
    ids = dict(IDS["tripletex"])
    del ids[("account", "6540")], ids[("project", "P1001")]
    with pytest.raises(UnmappedError) as err:
        accounting_systems.get("tripletex").voucher_request(sample_voucher(), ids, CREDS["tripletex"])
    assert {p.code for p in err.value.problems} == {"FF-EXPORT-UNMAPPED"}
    assert len(err.value.problems) == 2 and "account 6540" in str(err.value) and "project P1001" in str(err.value)


def test_unknown_system() -> None:
    with pytest.raises(FormatError) as err:
        accounting_systems.get("visma")
    assert err.value.code == "FF-EXPORT-UNKNOWN-SYSTEM"


@pytest.mark.parametrize(
    ("system", "name", "status", "expected"),
    [
        ("tripletex", "tripletex_error_422.json", 422, "postings.account: Kontoen er sperret"),
        ("fiken", "fiken_error_400.json", 400, "Journal entry is not balanced"),
        ("poweroffice", "poweroffice_error_400.json", 400, "VoucherLines: The voucher does not balance"),
        ("tripletex", "server_error_503.json", 503, "Service Unavailable"),
    ],
)
def test_error_answers_are_read_into_problems(system: str, name: str, status: int, expected: str) -> None:
    problems = accounting_systems.get(system).parse_error(Response(status, fixture(name)))
    assert problems and all(p.code == "FF-EXPORT-REJECTED" for p in problems)
    assert any(expected in p.message for p in problems), [p.message for p in problems]
    assert str(status) in problems[0].message


def test_sessions_lookups_and_created_ids_are_read() -> None:
    tx, fk, po = (accounting_systems.get(n) for n in ("tripletex", "fiken", "poweroffice"))
    assert tx.parse_session(Response(200, fixture("tripletex_session.json"))) == "session-token-abc"
    assert tx.parse_lookup(("account", "6540"), Response(200, fixture("tripletex_lookup_account.json"))) == "1001"
    assert tx.parse_lookup(("account", "9999"), Response(200, {"values": []})) is None
    assert tx.parse_created(Response(201, fixture("tripletex_created.json"))) == "900001"
    assert fk.parse_lookup(("supplier", "987654325"), Response(200, fixture("fiken_contacts.json"))) == "2400:20007"
    assert (
        fk.parse_created(
            Response(201, None, {"Location": "https://api.fiken.no/api/v2/companies/x/journalEntries/777"})
        )
        == "777"
    )
    assert po.parse_session(Response(200, fixture("poweroffice_token.json"))) == "po-access-token"
    assert po.parse_lookup(("vat", "1"), Response(200, fixture("poweroffice_vatcodes.json"))) == "101"
    assert (
        po.parse_created(Response(201, fixture("poweroffice_created.json"))) == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )


def test_session_requests_carry_secrets_only_where_shown_redacted() -> None:
    tx = accounting_systems.get("tripletex")
    request = tx.session_request(CREDS["tripletex"], date(2026, 3, 5))
    assert (
        request.method == "PUT"
        and "/token/session/:create" in request.url
        and "expirationDate=2026-03-06" in request.url
    )
    shown = request.redacted(CREDS["tripletex"].values()).url
    assert "ct-secret" not in shown and "et-secret" not in shown
    assert tx.auth_headers(CREDS["tripletex"], "tok")["Authorization"].startswith("Basic ")
    po = accounting_systems.get("poweroffice").session_request(CREDS["poweroffice"], date(2026, 3, 5))
    assert (
        po.data() == b"grant_type=client_credentials" and dict(po.headers)["Ocp-Apim-Subscription-Key"] == "sub-secret"
    )
