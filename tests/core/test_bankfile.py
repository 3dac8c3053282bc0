"""Bank files in one shape: every corpus camt.053/054 and OCR giro file reads, adds up, and bad input is refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from benchmarks.bank_matching import generate, write_camt053
from fakturaflyt.core.bankfile import BankFileError, as_json, detect, read_bank_file
from fakturaflyt.core.errors import FormatError

INVALID = "genkgo__camt053.v2.wrong.xml"
ENTRY_KEYS = {
    "ref",
    "booking_date",
    "value_date",
    "amount",
    "direction",
    "kid",
    "reference",
    "text",
    "counterparty_name",
    "counterparty_account",
}


def _samples(corpus: Path) -> list[Path]:
    files = sorted((corpus / "bank" / "samples").glob("camt05[34]/*.xml")) + sorted((corpus / "nets").glob("*.txt"))
    assert files
    return files


def _raw_statements(data: bytes) -> list[dict[str, object]]:
    """What the file itself says, found with plain XPath on local names (independent of the reader)."""
    root = etree.fromstring(data)
    out: list[dict[str, object]] = []
    for stmt in root.xpath("//*[local-name()='Stmt' or local-name()='Ntfctn']"):
        amounts = [
            (Decimal(n.xpath("string(*[local-name()='Amt'])")), n.xpath("string(*[local-name()='CdtDbtInd'])"))
            for n in stmt.xpath("*[local-name()='Ntry']")
        ]
        count = stmt.xpath(
            "string(*[local-name()='TxsSummry']/*[local-name()='TtlNtries']/*[local-name()='NbOfNtries'])"
        )
        total = stmt.xpath("string(*[local-name()='TxsSummry']/*[local-name()='TtlNtries']/*[local-name()='Sum'])")
        out.append(
            {"amounts": amounts, "count": int(count) if count else None, "sum": Decimal(total) if total else None}
        )
    return out


def test_detect_from_content(corpus: Path) -> None:
    for path in _samples(corpus):
        expected = "ocr" if path.suffix == ".txt" else "camt." + path.parent.name[4:]
        assert detect(path.read_bytes()) == expected, path.name
    assert detect(b"%PDF-1.7") == "" and detect(b"") == "" and detect(b"<Invoice/>") == ""
    assert detect(b'<?xml version="1.0"?>\n<x:Document xmlns:x="u"><x:BkToCstmrDbtCdtNtfctn>') == "camt.054"


def test_every_corpus_file_reads_and_its_sums_equal_the_files_control_figures(corpus: Path) -> None:
    """The acceptance test of issue 8 point 1 (camt.053, camt.054 and Nets files)."""
    read = 0
    for path in _samples(corpus):
        data = path.read_bytes()
        if path.name == INVALID or "avtalegiro" in path.name:
            with pytest.raises(FormatError):
                read_bank_file(data)
            continue
        bank_file = read_bank_file(data)
        doc = as_json(bank_file)
        read += 1
        refs = [e["ref"] for s in doc["statements"] for e in s["entries"]]
        assert len(refs) == len(set(refs)), path.name
        if bank_file.format == "ocr":
            for s in bank_file.statements:
                assert s.control_sum == sum(e.amount for e in s.entries)
            continue
        raw = _raw_statements(data)
        assert len(raw) == len(doc["statements"]), path.name
        for s, r, statement in zip(doc["statements"], raw, bank_file.statements, strict=True):
            ours = [(Decimal(e["amount"]), e["direction"]) for e in s["entries"]]
            theirs = [(abs(a), "credit" if ind == "CRDT" else "debit") for a, ind in r["amounts"]]  # type: ignore[union-attr]
            assert ours == theirs, path.name
            if r["count"] is not None:
                assert len(ours) == r["count"], path.name
            if r["sum"] is not None:
                assert sum(a for a, _ in ours) == r["sum"], path.name
            if (
                statement.opening_balance is not None
                and statement.closing_balance is not None
                and bank_file.format == "camt.053"
            ):
                balanced = statement.opening_balance + statement.net_movement() == statement.closing_balance
                warned = any(w.code == "FF-CAMT-BALANCE" and statement.id in w.location for w in bank_file.warnings)
                assert balanced != warned, path.name  # either it adds up, or the accountant is warned
    assert read >= 20


def test_the_finnish_statement_balances_exactly(corpus: Path) -> None:
    bank_file = read_bank_file((corpus / "bank" / "samples" / "camt053" / "moov__FI_camt_053_sample.xml").read_bytes())
    [s] = bank_file.statements
    assert s.opening_balance + s.net_movement() == s.closing_balance == Decimal("23644.83")
    assert bank_file.warnings == []


def test_the_deliberately_invalid_sample_is_refused_clearly(corpus: Path) -> None:
    with pytest.raises(FormatError) as info:
        read_bank_file((corpus / "bank" / "samples" / "camt053" / INVALID).read_bytes())
    assert info.value.code == "FF-CAMT-NO-STATEMENT"
    assert "line 3" in info.value.problems[0].location and "Stmt" in info.value.problems[0].message


def test_batches_are_split_into_payments_and_kept_as_one_entry(corpus: Path) -> None:
    name = "moov__200519_camt054-ESR-ASR_P_CH2909000000250094239_1110092704_0_2019042500372179.xml"
    bank_file = read_bank_file((corpus / "bank" / "samples" / "camt054" / name).read_bytes())
    batch = bank_file.statements[0].entries[0]
    items = batch.items()
    assert len(batch.transactions) == 5 and len(items) == 5
    assert [i.ref for i in items] == [f"{batch.ref}/{n}" for n in range(1, 6)]
    assert all(i.batch_ref == batch.ref and i.transactions == [] for i in items)
    assert sum(i.amount for i in items) == batch.amount
    assert len(list(bank_file.items())) == sum(len(e.items()) for s in bank_file.statements for e in s.entries)


def test_a_batch_whose_transactions_do_not_add_up_stays_one_payment_with_a_warning(corpus: Path) -> None:
    bank_file = read_bank_file((corpus / "bank" / "samples" / "camt054" / "genkgo__camt054.v8.xml").read_bytes())
    entry = bank_file.statements[0].entries[0]
    assert len(entry.transactions) == 3 and entry.items() == [entry]
    assert [w.code for w in bank_file.warnings] == ["FF-BANK-BATCH-SUM"]


NORWEGIAN = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
 <GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-03-03T06:00:00</CreDtTm></GrpHdr>
 <Stmt><Id>STM-1</Id><Acct><Id><Othr><Id>15032080119</Id></Othr></Id><Ccy>NOK</Ccy></Acct>
  <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">2100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
  <TxsSummry><TtlNtries><NbOfNtries>1</NbOfNtries><Sum>2000.00</Sum></TtlNtries></TxsSummry>
  <Ntry><Amt Ccy="NOK">2000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt>
   <NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">1250.00</Amt></TxAmt></AmtDtls>
     <RmtInf><Strd><CdtrRefInf><Ref>123456782</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
    <TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">750.00</Amt></TxAmt></AmtDtls>
     <RltdPties><Dbtr><Nm>Kari Nordmann</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Faktura 10023</Ustrd></RmtInf></TxDtls>
   </NtryDtls></Ntry>
 </Stmt></BkToCstmrStmt></Document>"""


def test_json_has_exactly_the_issue_shape() -> None:
    doc = as_json(read_bank_file(NORWEGIAN))
    assert set(doc) == {"format", "statements"} and doc["format"] == "camt.053"
    [s] = doc["statements"]
    assert set(s) == {"id", "account", "currency", "opening_balance", "closing_balance", "entries"}
    assert (s["account"], s["currency"], s["opening_balance"], s["closing_balance"]) == (
        "15032080119",
        "NOK",
        "100.00",
        "2100.00",
    )
    [e] = s["entries"]
    assert set(e) == ENTRY_KEYS
    assert (e["amount"], e["direction"], e["booking_date"], e["value_date"], e["kid"]) == (
        "2000.00",
        "credit",
        "2026-03-02",
        None,
        None,
    )
    assert len(e["ref"]) == 64  # no bank reference: the SHA-256 of the entry's canonical XML


def test_hash_reference_is_stable_and_payments_carry_what_matching_needs() -> None:
    first = read_bank_file(NORWEGIAN)
    assert read_bank_file(NORWEGIAN).statements[0].entries[0].ref == first.statements[0].entries[0].ref
    kid_payment, text_payment = [item.to_payment() for _, item in first.items()]
    assert (kid_payment.kid, kid_payment.amount) == ("123456782", Decimal("1250.00"))
    assert (text_payment.text, text_payment.payer_name, text_payment.amount) == (
        "Faktura 10023",
        "Kari Nordmann",
        Decimal("750.00"),
    )


def test_control_figures_that_disagree_refuse_the_whole_file() -> None:
    with pytest.raises(BankFileError) as info:
        read_bank_file(
            NORWEGIAN.replace(b"<Sum>2000.00</Sum>", b"<Sum>2000.01</Sum>").replace(b"<NbOfNtries>1", b"<NbOfNtries>2")
        )
    assert {p.code for p in info.value.problems} == {"FF-CAMT-CONTROL-SUM", "FF-CAMT-CONTROL-COUNT"}
    assert all("STM-1" in p.location for p in info.value.problems)


def test_a_wrong_closing_balance_is_a_warning() -> None:
    bank_file = read_bank_file(NORWEGIAN.replace(b"2100.00", b"2100.50"))
    assert [(w.code, w.severity) for w in bank_file.warnings] == [("FF-CAMT-BALANCE", "warning")]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>"""
XXE = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>'


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (XXE, "FF-XML-DTD"),
        (BILLION_LAUGHS, "FF-XML-DTD"),
        (NORWEGIAN[: len(NORWEGIAN) // 2], "FF-XML-SYNTAX"),
        (NORWEGIAN.replace(b'<Amt Ccy="NOK">2000.00', b'<Amt Ccy="NOK">2 000,00'), "FF-CAMT-AMOUNT"),
        (b"<Invoice xmlns='urn:x'/>", "FF-CAMT-ROOT"),
        (b"%PDF-1.7 binary", "FF-BANK-UNKNOWN"),
        (b"", "FF-BANK-UNKNOWN"),
        (b"hello, world", "FF-BANK-UNKNOWN"),
        (b"NY000010 short", "FF-OCR-LINE-LENGTH"),
    ],
)
def test_hostile_and_broken_input_is_a_format_error(data: bytes, code: str) -> None:
    with pytest.raises(FormatError) as info:
        read_bank_file(data)
    assert info.value.code == code


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(NORWEGIAN) - 1), st.binary(max_size=3))
def test_truncated_or_corrupted_camt_never_crashes(cut: int, junk: bytes) -> None:
    try:
        read_bank_file(NORWEGIAN[:cut] + junk)
    except FormatError:
        pass


def test_the_benchmark_statement_is_valid_camt_053_and_reads_back(corpus: Path) -> None:
    xsd = corpus / "bank" / "xsd" / "camt.053.001.02.xsd"
    _items, plans = generate(300)
    data = write_camt053(plans)
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    assert schema.validate(etree.fromstring(data)), schema.error_log.last_error
    bank_file = read_bank_file(data)
    [s] = bank_file.statements
    assert len(s.entries) == 300 and bank_file.warnings == []
    assert s.opening_balance + s.net_movement() == s.closing_balance
    assert [e.kid for e in s.entries] == [p.kid for p in plans]
