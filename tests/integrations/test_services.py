"""Export services: the journal from the ledger, keys encrypted at rest, pushes idempotent, failures retried."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from fakturaflyt.core.accounting_systems import NotConfigured, Response
from fakturaflyt.core.journal_csv import preset
from fakturaflyt.integrations import crypto, services
from fakturaflyt.integrations.error_codes import ExportError
from fakturaflyt.integrations.models import Connection, ExportStatus, ExternalRef, VoucherExport
from fakturaflyt.ledger.models import AuditEvent, Posting

from .conftest import FakeTransport, fixture, tripletex_transport

pytestmark = pytest.mark.django_db


def parse(data: bytes, layout) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(layout.codec), newline=""), delimiter=layout.delimiter))


def test_the_journal_csv_sums_to_the_ledger(books) -> None:
    layout = preset("standard")
    rows = parse(b"".join(services.journal_csv(books.company, layout)), layout)
    totals = Posting.objects.filter(voucher__company=books.company).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert sum(Decimal(r["debit"].replace(",", ".")) for r in rows) == totals["d"] == Decimal("40000.00")
    assert sum(Decimal(r["credit"].replace(",", ".")) for r in rows) == totals["c"]
    assert [r["voucher"] for r in rows[:3]] == ["AP-2026-1"] * 3
    first = rows[0]
    assert (first["account"], first["vat_code"], first["standard_tax_code"], first["department"], first["project"]) == (
        "6540",
        "1",
        "1",
        "100",
        "P1",
    )
    assert rows[2]["supplier_id"] == "7" and rows[2]["supplier_name"] == "Bergen Kontorutstyr AS"
    assert first["posted_by"] == "accountant@alfa.test"


def test_filters_date_series_and_not_exported_before(books) -> None:
    layout = preset("standard")

    def vouchers(f: services.JournalFilter, **kw) -> list[str]:
        data = b"".join(services.journal_csv(books.company, layout, f, **kw))
        return sorted({r["voucher"] for r in parse(data, layout)})

    assert vouchers(services.JournalFilter(date(2026, 3, 1), date(2026, 3, 31))) == ["AP-2026-1", "GL-2026-1"]
    assert vouchers(services.JournalFilter(series="GL")) == ["GL-2026-1", "GL-2026-2"]
    new = services.JournalFilter(not_exported_to=services.CSV)
    assert vouchers(services.JournalFilter(date_to=date(2026, 3, 31), not_exported_to="csv"), mark=True) == [
        "AP-2026-1",
        "GL-2026-1",
    ]
    assert vouchers(new) == ["GL-2026-2"]
    assert VoucherExport.objects.filter(target="csv", status="sent").count() == 2
    assert AuditEvent.objects.filter(company=books.company, action="export.journal_csv").exists()


def test_the_journal_is_streamed_with_a_bounded_number_of_queries(books, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(3):
        list(services.journal_rows(books.company))


def test_keys_are_encrypted_at_rest_and_masked(tripletex_keys) -> None:
    conn = Connection.objects.get(company=tripletex_keys.company, system="tripletex")
    with connection.cursor() as cur:
        cur.execute("SELECT secrets, hints, settings FROM integrations_connection WHERE id = %s", [conn.pk])
        raw = " ".join(str(v) for v in cur.fetchone())
    assert "consumer-SECRET-1234" not in raw and "employee-SECRET-5678" not in raw
    assert "SECRET" not in raw
    assert crypto.decrypt(conn.secrets) == {
        "consumer_token": "consumer-SECRET-1234",
        "employee_token": "employee-SECRET-5678",
    }
    status = services.status(tripletex_keys.company, "tripletex")
    assert status.configured and status.as_dict()["status"] == "configured"
    assert [f["shown"] for f in status.fields] == ["••••••••1234", "••••••••5678"]
    # a blank field keeps the stored key; the audit event names fields, never values
    services.save_credentials(tripletex_keys.company, "tripletex", {"employee_token": "new-employee-token-9999"}, None)
    assert services.credentials(tripletex_keys.company, "tripletex")["consumer_token"] == "consumer-SECRET-1234"
    events = AuditEvent.objects.filter(company=tripletex_keys.company, action="export.connection_saved")
    assert events.count() == 2 and "SECRET" not in str(list(events.values_list("data", flat=True)))


def test_another_secrets_key_cannot_read_the_keys(tripletex_keys, monkeypatch) -> None:
    from cryptography.fernet import Fernet

    monkeypatch.setenv(crypto.ENV, Fernet.generate_key().decode())
    with pytest.raises(ExportError) as err:
        services.credentials(tripletex_keys.company, "tripletex")
    assert err.value.code == "FF-EXPORT-SECRETS-KEY"


def test_not_configured_is_refused_before_anything_is_sent(books) -> None:
    fake = FakeTransport()
    for system in ("tripletex", "fiken", "poweroffice"):
        assert services.status(books.company, system).as_dict()["status"] == "not configured"
        with pytest.raises(NotConfigured) as err:
            services.push(books.company, system, books.accountant, transport=fake)
        assert err.value.code == "FF-EXPORT-NOT-CONFIGURED"
    assert fake.calls == []


def test_push_sends_each_voucher_once_and_marks_it(tripletex_keys) -> None:
    books = tripletex_keys
    fake = tripletex_transport()
    result = services.push(books.company, "tripletex", books.accountant, transport=fake, today=date(2026, 4, 3))
    assert [r.voucher for r in result.sent] == ["AP-2026-1", "GL-2026-1", "GL-2026-2"] and not result.failed
    posted = fake.posted("/ledger/voucher")
    assert len(posted) == 3
    body = posted[0].as_dict()["body"]
    assert body["externalVoucherNumber"] == "AP-2026-1"
    assert [p["amountGross"] for p in body["postings"]] == [10000.0, -10000.0]  # VAT folded into the cost line
    assert "supplier" in body["postings"][1] and "department" in body["postings"][0]
    # secrets went only into the transport's headers, never into a request
    assert all("SECRET" not in r.url and "SECRET" not in str(r.as_dict()) for r, _ in fake.calls[1:])
    assert fake.calls[1][1]["Authorization"].startswith("Basic ")
    assert set(VoucherExport.objects.filter(target="tripletex").values_list("status", flat=True)) == {"sent"}
    assert ExternalRef.objects.filter(company=books.company, system="tripletex", kind="account").count() == 4
    # again: nothing to send, nothing sent, no session opened
    again = tripletex_transport()
    second = services.push(books.company, "tripletex", books.accountant, transport=again)
    assert second.sent == [] and second.already_sent == 3 and again.calls == []


def test_a_rejected_voucher_is_reported_not_marked_and_retried(tripletex_keys) -> None:
    books = tripletex_keys
    fake = tripletex_transport()
    fake.on(
        "POST",
        r"/ledger/voucher",
        lambda r: (
            Response(422, fixture("tripletex_error_422.json"))
            if r.body["externalVoucherNumber"] == "GL-2026-1"
            else Response(201, {"value": {"id": 42}})
        ),
    )
    result = services.push(books.company, "tripletex", books.accountant, transport=fake)
    assert [r.voucher for r in result.failed] == ["GL-2026-1"]
    problem = result.failed[0].problems[0]
    assert problem["code"] == "FF-EXPORT-REJECTED" and "Kontoen er sperret" in problem["message"]
    record = VoucherExport.objects.get(voucher=books.vouchers[1], target="tripletex")
    assert (record.status, record.error_code, record.attempts) == ("failed", "FF-EXPORT-REJECTED", 1)
    # the next push retries only the failed one
    retry = tripletex_transport()
    second = services.push(books.company, "tripletex", books.accountant, transport=retry)
    assert [r.voucher for r in second.sent] == ["GL-2026-1"] and second.already_sent == 2
    assert len(retry.posted("/ledger/voucher")) == 1
    record.refresh_from_db()
    assert (record.status, record.attempts, record.error_code) == ("sent", 2, "")


def test_a_server_error_and_no_answer_are_failures(tripletex_keys) -> None:
    books = tripletex_keys
    fake = tripletex_transport()
    fake.on("POST", r"/ledger/voucher", Response(503, fixture("server_error_503.json")))
    result = services.push(books.company, "tripletex", books.accountant, transport=fake)
    assert len(result.failed) == 3 and not VoucherExport.objects.filter(status="sent").exists()

    def down(request):
        raise ExportError("FF-EXPORT-TRANSPORT", "No answer from https://tripletex.no/v2/ledger/voucher: timed out")

    fake.on("POST", r"/ledger/voucher", down)
    result = services.push(books.company, "tripletex", books.accountant, transport=fake)
    assert {r.problems[0]["code"] for r in result.failed} == {"FF-EXPORT-TRANSPORT"}
    assert VoucherExport.objects.filter(status="failed").count() == 3


def test_refused_keys_stop_the_push(tripletex_keys) -> None:
    fake = FakeTransport().on("PUT", r"/token/session", Response(401, {"status": 401, "message": "Unauthorized"}))
    with pytest.raises(ExportError) as err:
        services.push(tripletex_keys.company, "tripletex", tripletex_keys.accountant, transport=fake)
    assert err.value.code == "FF-EXPORT-AUTH"
    assert "SECRET" not in str(err.value)
    assert not VoucherExport.objects.exists()


def test_an_unknown_account_fails_that_voucher_without_sending_it(tripletex_keys) -> None:
    books = tripletex_keys
    fake = tripletex_transport()
    fake.on("GET", r"/ledger/account\?number=6540", Response(200, {"values": []}))
    result = services.push(books.company, "tripletex", books.accountant, transport=fake)
    assert [r.voucher for r in result.failed] == ["AP-2026-1"]
    assert result.failed[0].problems[0]["code"] == "FF-EXPORT-UNMAPPED"
    assert [r.body["externalVoucherNumber"] for r in fake.posted("/ledger/voucher")] == ["GL-2026-1", "GL-2026-2"]
    assert VoucherExport.objects.get(voucher=books.vouchers[0], target="tripletex").status == ExportStatus.FAILED


def test_a_manual_mapping_overrides_the_lookup(tripletex_keys) -> None:
    books = tripletex_keys
    ExternalRef.objects.create(
        company=books.company, system="tripletex", kind="account", key="6300", external_id="777", manual=True
    )
    fake = tripletex_transport()
    services.push(books.company, "tripletex", books.accountant, transport=fake)
    assert not any("number=6300" in r.url for r, _ in fake.calls)
    rent = fake.posted("/ledger/voucher")[1].body
    assert rent["postings"][0]["account"] == {"id": 777}


def test_dry_run_sends_nothing_and_shows_the_requests(tripletex_keys) -> None:
    fake = FakeTransport()
    result = services.push(tripletex_keys.company, "tripletex", tripletex_keys.accountant, transport=fake, dry_run=True)
    assert fake.calls == [] and not VoucherExport.objects.exists()
    assert [r["voucher"] for r in result.requests] == ["AP-2026-1", "GL-2026-1", "GL-2026-2"]
    assert result.requests[0]["url"].endswith("/ledger/voucher?sendToLedger=true")
    assert "SECRET" not in str(result.as_dict())


def test_fiken_and_poweroffice_push(books) -> None:
    services.save_credentials(
        books.company, "fiken", {"api_token": "fiken-SECRET-token-0001", "company_slug": "alfa-as"}, None
    )
    fake = FakeTransport()
    fake.on("GET", r"/contacts\?organizationNumber=987654325", Response(200, fixture("fiken_contacts.json")))
    fake.on(
        "POST",
        r"/generalJournalEntries",
        Response(201, None, {"Location": "https://api.fiken.no/api/v2/companies/alfa-as/journalEntries/55"}),
    )
    result = services.push(books.company, "fiken", books.accountant, transport=fake)
    assert len(result.sent) == 3 and result.sent[0].external_id == "55"
    lines = fake.posted("generalJournalEntries")[0].body["journalEntries"][0]["lines"]
    assert lines == [
        {"amount": 800000, "debitAccount": "6540", "debitVatCode": 1},
        {"amount": 1000000, "creditAccount": "2400:20007"},
    ]
    assert fake.calls[0][1] == {"Authorization": "Bearer fiken-SECRET-token-0001"}

    services.save_credentials(
        books.company,
        "poweroffice",
        {"application_key": "a" * 20, "client_key": "c" * 20, "subscription_key": "s" * 20},
        None,
    )
    po = FakeTransport()
    po.on("POST", r"/OAuth/Token", Response(200, fixture("poweroffice_token.json")))
    po.on("GET", r"/VatCodes", Response(200, fixture("poweroffice_vatcodes.json")))
    po.on("GET", r"/(GeneralLedgerAccounts|Suppliers|Departments|Projects)\?", Response(200, [{"Id": 5000}]))
    po.on("POST", r"/Vouchers/ManualJournals", Response(201, fixture("poweroffice_created.json")))
    result = services.push(books.company, "poweroffice", books.accountant, transport=po)
    assert len(result.sent) == 3
    body = po.posted("ManualJournals")[0].body
    assert body["ExternalImportReference"] == "fakturaflyt:AP-2026-1"
    assert [(ln["CurrencyAmount"], ln["VatId"]) for ln in body["VoucherLines"]] == [
        (Decimal("10000.00"), 101),
        (Decimal("-10000.00"), 100),
    ]
    assert po.calls[1][1]["Authorization"] == "Bearer po-access-token"
