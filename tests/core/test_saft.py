"""The SAF-T Financial 1.30 writer (core, no database): schema validity, balance checks, streaming."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from fakturaflyt.core import saft
from fakturaflyt.core.errors import RuleViolation

D = Decimal
NS = {"s": saft.NAMESPACE}


def _header() -> saft.Header:
    company = saft.CompanyInfo(
        "924753811",
        "Nordlys Kontormøbler AS",
        addresses=(saft.Address("Karl Johans gate 22", "Oslo", "0159", "NO", "StreetAddress"),),
        contacts=(saft.Contact("Ola", "Regnskapsfører", "+47 22 00 00 00", "post@nordlys.demo"),),
        vat_number="924753811MVA",
        bank_accounts=(saft.BankAccount("15064123456", bic="DNBANOKK", ledger_account="1920"),),
    )
    return saft.Header(company, saft.SelectionCriteria(1, 2026, 12, 2026), date_created=date(2026, 12, 1))


def _master() -> saft.MasterFiles:
    return saft.MasterFiles(
        accounts=[
            saft.GeneralLedgerAccount(
                "1920", "Bankinnskudd", "balanseverdiForOmloepsmiddel", "1920", D("1000"), D("900")
            ),
            saft.GeneralLedgerAccount("2400", "Leverandørgjeld", "kortsiktigGjeld", "2400", D("-500"), D("-625")),
            saft.GeneralLedgerAccount("6300", "Leie lokale", "annenDriftskostnad", "6300", D("0"), D("225")),
        ],
        customers=iter([saft.Party("10001", "Solvik kommune", "922334455", party_type="Government")]),
        suppliers=[
            saft.Party(
                "3",
                "Vestland Eiendom AS",
                "933123456",
                address=saft.Address("Kong Oscars gate 4", "Bergen", "5017"),
                vat_number="933123456MVA",
                bank_account=saft.BankAccount("97100512347"),
                balances=(saft.PartyBalance("2400", D("-500"), D("-625")),),
                party_type="Company",
            )
        ],
        tax_codes=[
            saft.TaxCodeDetails("1", "Inngående mva, alminnelig sats", D("25.00"), "1"),
            saft.TaxCodeDetails("32", "Utgående mva, råfisk", D("11.11"), "32"),
        ],
        analysis_types=[saft.AnalysisTypeEntry("A", "Avdeling", "100", "Administrasjon")],
    )


def _tx(n: int, amount: str = "100.00", *, credit: str | None = None) -> saft.Transaction:
    a = D(amount)
    return saft.Transaction(
        f"AP 2026-{n}",
        date(2026, 3, 1),
        f"Husleie {n}",
        lines=(
            saft.Line(
                "1",
                "6300",
                "Husleie",
                debit=a,
                analysis=(saft.AnalysisRef("A", "100"),),
                tax=(saft.TaxInformation("1", D("25"), D("25.00"), base=a),),
                currency="EUR",
                currency_amount=D("-8.50"),
                exchange_rate=D("11.764706"),
            ),
            saft.Line("2", "2400", "Husleie", credit=D(credit or amount), supplier_id="3", source_document_id="F-1"),
        ),
    )


def _write(journals, n: int = 1, total: str = "100.00") -> tuple[bytes, saft.WriteResult]:
    buf = io.BytesIO()
    entries = saft.GeneralLedgerEntries(n, D(total), D(total), journals)
    result = saft.write_audit_file(buf, _header(), _master(), entries)
    return buf.getvalue(), result


def test_the_file_validates_against_the_official_1_30_schema(corpus) -> None:
    # given
    schema = etree.XMLSchema(etree.parse(str(corpus / "saft" / "xsd" / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd")))
    # when
    data, result = _write([saft.Journal("AP", "Leverandørfakturaer", transactions=[_tx(1)])])
    # then
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    assert (result.transactions, result.lines, result.total_debit, result.total_credit) == (1, 2, D("100"), D("100"))
    assert doc.findtext("s:Header/s:AuditFileVersion", namespaces=NS) == "1.30"
    line = doc.find(".//s:Line", NS)
    assert line.findtext("s:DebitAmount/s:CurrencyAmount", namespaces=NS) == "8.50"
    assert line.findtext("s:TaxInformation/s:DebitTaxAmount/s:Amount", namespaces=NS) == "25.00"
    account = doc.find(".//s:Account[s:AccountID='2400']", NS)
    assert account.findtext("s:OpeningCreditBalance", namespaces=NS) == "500.00"
    assert account.findtext("s:ClosingCreditBalance", namespaces=NS) == "625.00"
    assert doc.findtext(".//s:TaxCodeDetails[s:TaxCode='32']/s:TaxPercentage", namespaces=NS) == "11.11"
    assert doc.findtext(".//s:Supplier/s:BalanceAccount/s:OpeningCreditBalance", namespaces=NS) == "500.00"
    # one namespace declaration for the whole file, not one per record
    assert data.count(saft.NAMESPACE.encode()) == 1


def test_an_unbalanced_transaction_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        _write([saft.Journal("AP", "AP", transactions=[_tx(1, "100.00", credit="99.99")])])
    assert exc.value.code == saft.UNBALANCED
    assert exc.value.problems[0].location == "transaction AP 2026-1"


def test_a_line_needs_one_positive_side() -> None:
    tx = saft.Transaction("GL 2026-1", date(2026, 1, 1), "x", lines=(saft.Line("1", "1920", "x"),))
    assert [p.code for p in saft.check_transaction(tx)] == [saft.BAD_LINE]


def test_totals_that_do_not_balance_are_refused_before_anything_is_written() -> None:
    buf = io.BytesIO()
    entries = saft.GeneralLedgerEntries(1, D("100"), D("90"), [])
    with pytest.raises(RuleViolation) as exc:
        saft.write_audit_file(buf, _header(), _master(), entries)
    assert exc.value.code == saft.TOTALS
    assert buf.getvalue() == b""


def test_totals_must_equal_what_was_written() -> None:
    with pytest.raises(RuleViolation) as exc:
        _write([saft.Journal("AP", "AP", transactions=[_tx(1)])], n=2, total="200.00")
    assert exc.value.code == saft.TOTALS


def test_a_bad_selection_is_refused() -> None:
    header = _header()
    bad = saft.Header(header.company, saft.SelectionCriteria(5, 2026, 4, 2026), date_created=date(2026, 1, 1))
    with pytest.raises(RuleViolation) as exc:
        saft.write_audit_file(io.BytesIO(), bad, saft.MasterFiles(), saft.GeneralLedgerEntries(0, D(0), D(0)))
    assert exc.value.code == saft.BAD_SELECTION


class _Lines(tuple):
    """A transaction's lines that note when the writer reads them."""

    read = False

    def __iter__(self):  # type: ignore[override]
        self.read = True
        return super().__iter__()


class _LazyOnly:
    """Transactions that refuse to be materialised: no length, and transaction k+1 is only handed out
    after transaction k's lines were read (written)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __length_hint__(self) -> int:
        raise AssertionError("the writer asked for the length: it is materialising the transactions")

    def __iter__(self) -> Iterator[saft.Transaction]:
        previous: _Lines | None = None
        for k in range(1, self.n + 1):
            if previous is not None and not previous.read:
                raise AssertionError(f"transaction {k} requested before transaction {k - 1} was written")
            tx = _tx(k)
            previous = _Lines(tx.lines)
            yield saft.Transaction(tx.transaction_id, tx.transaction_date, tx.description, lines=previous)


def test_transactions_are_consumed_lazily_one_at_a_time() -> None:
    n = 50
    data, result = _write([saft.Journal("AP", "AP", transactions=_LazyOnly(n))], n=n, total=str(100 * n))
    assert result.transactions == n
    assert data.count(b"<Transaction>") == n


def test_memory_stays_bounded_however_many_transactions() -> None:
    class Sink:
        size = 0

        def write(self, b: bytes) -> None:
            self.size += len(b)

    n = 2000
    sink = Sink()
    journals = [saft.Journal("AP", "AP", transactions=(_tx(k) for k in range(1, n + 1)))]
    tracemalloc.start()
    try:
        entries = saft.GeneralLedgerEntries(n, D(100 * n), D(100 * n), journals)
        saft.write_audit_file(sink, _header(), _master(), entries)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > 2_000_000  # megabytes of XML ...
    assert peak < 500_000  # ... written with a fraction of that in Python objects


def test_grouping_by_class_and_file_name() -> None:
    assert saft.grouping_by_class("3000") == ("salgsinntekt", "3000")
    assert saft.grouping_by_class("8160") == ("finanskostnad", "8160")
    assert saft.saft_file_name("924753811", datetime(2027, 1, 15, 8, 0, 0)) == (
        "SAF-T Financial_924753811_20270115080000.xml"
    )
