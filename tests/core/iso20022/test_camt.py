"""camt.052/053/054 in: every corpus sample reads; balances, batched entries, KIDs; hostile XML refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.iso20022.camt import check_statement, read_camt

INVALID = "genkgo__camt053.v2.wrong.xml"


def _samples(corpus: Path) -> list[Path]:
    files = sorted((corpus / "bank" / "samples").glob("camt05*/*.xml"))
    assert files
    return files


def test_every_camt_sample_reads(corpus: Path) -> None:
    for path in _samples(corpus):
        if path.name == INVALID:
            continue
        statements = read_camt(path.read_bytes())
        kind = "camt." + path.parent.name[4:]
        assert statements and all(s.kind == kind for s in statements), path.name
        for s in statements:
            assert s.id and s.account and s.currency, path.name
            for e in s.entries:
                assert e.ref and e.amount >= 0 and e.direction in ("credit", "debit"), path.name
        refs = [e.ref for s in statements for e in s.entries]
        assert len(refs) == len(set(refs)), path.name


def test_the_deliberately_invalid_sample_is_refused(corpus: Path) -> None:
    with pytest.raises(FormatError) as info:
        read_camt((corpus / "bank" / "samples" / "camt053" / INVALID).read_bytes())
    assert info.value.code == "FF-CAMT-NO-STATEMENT"
    assert "BkToCstmrStmt" in info.value.problems[0].location


def test_finnish_statement_balances_and_control_figures(corpus: Path) -> None:
    [s] = read_camt((corpus / "bank" / "samples" / "camt053" / "moov__FI_camt_053_sample.xml").read_bytes())
    assert (s.account, s.currency) == ("FI7433010001222090", "EUR")
    assert (s.opening_balance, s.closing_balance) == (Decimal("10000.00"), Decimal("23644.83"))
    assert len(s.entries) == 10
    assert check_statement(s) == []
    batched = [e for e in s.entries if len(e.transactions) > 1]
    assert batched and all(e.kid == "" for e in batched)  # entry-level fields only from a single transaction


def test_batched_notification_with_many_transactions(corpus: Path) -> None:
    name = "moov__200519_camt054-ESR-ASR_P_CH2909000000250094239_1110092704_0_2019042500372179.xml"
    [s] = read_camt((corpus / "bank" / "samples" / "camt054" / name).read_bytes())
    batch = s.entries[0]
    assert (batch.direction, batch.amount, len(batch.transactions)) == ("credit", Decimal("1537.00"), 5)
    amounts = [t.amount for t in batch.transactions]
    assert all(a is not None for a in amounts)
    # 27-digit Swiss ESR references are not KIDs (at most 25 digits): they go to reference
    assert all(t.kid == "" and t.reference for t in batch.transactions)


def test_version_8_status_and_party_names(corpus: Path) -> None:
    [s] = read_camt((corpus / "bank" / "samples" / "camt054" / "genkgo__camt054.v8.xml").read_bytes())
    e = s.entries[0]
    assert (e.status, e.ref, e.direction) == ("BOOK", "ACSR160617103200001", "debit")
    assert e.transactions[0].end_to_end_id == "UXC06170000006PI00001EE00001"
    assert e.transactions[0].counterparty_name == "Example Creditor 3 - V1"  # debit: the creditor


def test_first_version_with_suffixed_message_name(corpus: Path) -> None:
    [s] = read_camt((corpus / "bank" / "samples" / "camt052" / "genkgo__camt052.v1.xml").read_bytes())
    assert (s.kind, s.account) == ("camt.052", "CH2801234000123456789")


NORWEGIAN = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
 <GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-03-03T06:00:00+01:00</CreDtTm></GrpHdr>
 <Stmt><Id>STM-2026-03-02</Id><Acct><Id><Othr><Id>15032080119</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id><Ccy>NOK</Ccy></Acct>
  <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">1650.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
  <TxsSummry><TtlNtries><NbOfNtries>3</NbOfNtries><Sum>2250.00</Sum></TtlNtries></TxsSummry>
  <Ntry><Amt Ccy="NOK">2000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
   <BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt><AcctSvcrRef>OCR-0001</AcctSvcrRef>
   <NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>
    <TxDtls><Refs><AcctSvcrRef>OCR-0001-1</AcctSvcrRef></Refs><Amt Ccy="NOK">1250.00</Amt>
     <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>123456782</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
    <TxDtls><Refs><AcctSvcrRef>OCR-0001-2</AcctSvcrRef></Refs><Amt Ccy="NOK">750.00</Amt>
     <RltdPties><Dbtr><Pty><Nm>Kari Nordmann</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>86011117947</Id></Othr></Id></DbtrAcct></RltdPties>
     <RmtInf><Strd><CdtrRefInf><Ref>123456785</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
   </NtryDtls></Ntry>
  <Ntry><Amt Ccy="NOK">150.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt>
   <NtryDtls><TxDtls><Refs><EndToEndId>RUN1-2</EndToEndId></Refs>
    <RltdPties><Cdtr><Pty><Nm>Renhold Vest AS</Nm></Pty></Cdtr><CdtrAcct><Id><Othr><Id>15032080119</Id></Othr></Id></CdtrAcct></RltdPties>
    <RmtInf><Ustrd>Faktura</Ustrd><Ustrd>20260117</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  <Ntry><Amt Ccy="NOK">100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-03-02T23:10:00+01:00</DtTm></BookgDt>
   <AddtlNtryInf>Gebyr</AddtlNtryInf></Ntry>
 </Stmt></BkToCstmrStmt></Document>"""


def test_norwegian_statement_with_ocr_batch_kids_and_bban() -> None:
    [s] = read_camt(NORWEGIAN)
    assert (s.id, s.account, s.currency) == ("STM-2026-03-02", "15032080119", "NOK")
    assert (s.opening_balance, s.closing_balance) == (Decimal("-100.00"), Decimal("1650.00"))
    assert (s.control_count, s.control_sum) == (3, Decimal("2250.00"))
    assert check_statement(s) == []
    batch, payment, fee = s.entries
    assert (batch.ref, batch.kid, len(batch.transactions)) == ("OCR-0001", "", 2)
    assert [(t.kid, t.amount, t.bank_ref) for t in batch.transactions] == [
        ("123456782", Decimal("1250.00"), "OCR-0001-1"),
        ("123456785", Decimal("750.00"), "OCR-0001-2"),
    ]
    assert batch.transactions[1].counterparty_name == "Kari Nordmann"
    assert batch.transactions[1].counterparty_account == "86011117947"
    assert (payment.direction, payment.reference, payment.text) == ("debit", "RUN1-2", "Faktura 20260117")
    assert (payment.counterparty_name, payment.counterparty_account) == ("Renhold Vest AS", "15032080119")
    assert len(fee.ref) == 64 and fee.text == "Gebyr" and str(fee.booking_date) == "2026-03-02"
    # the hash is stable: the same entry read again gets the same reference
    assert read_camt(NORWEGIAN)[0].entries[2].ref == fee.ref


def test_identical_entries_without_reference_stay_distinct() -> None:
    entry = NORWEGIAN[NORWEGIAN.index(b'  <Ntry><Amt Ccy="NOK">100.00') : NORWEGIAN.index(b" </Stmt>")]
    doubled = NORWEGIAN.replace(entry, entry + entry)
    refs = [e.ref for e in read_camt(doubled)[0].entries]
    assert len(refs) == 4 and len(set(refs)) == 4 and refs[3] == refs[2] + "#2"


def test_a_bank_reference_reused_in_one_statement_keeps_both_entries(corpus: Path) -> None:
    name = "moov__camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml"
    [s] = read_camt((corpus / "bank" / "samples" / "camt053" / name).read_bytes())
    assert [e.ref for e in s.entries][-2:] == ["07582000303KBMSU", "07582000303KBMSU#2"]


def test_control_figures_that_disagree_are_reported() -> None:
    [s] = read_camt(
        NORWEGIAN.replace(b"<Sum>2250.00</Sum>", b"<Sum>2250.01</Sum>").replace(b"<NbOfNtries>3", b"<NbOfNtries>4")
    )
    assert {p.code for p in check_statement(s)} == {"FF-CAMT-CONTROL-COUNT", "FF-CAMT-CONTROL-SUM"}
    [s] = read_camt(NORWEGIAN.replace(b"1650.00", b"1650.50"))
    assert [(p.code, p.severity) for p in check_statement(s)] == [("FF-CAMT-BALANCE", "warning")]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Document>&lol3;</Document>"""
XXE = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>'


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (XXE, "FF-XML-DTD"),
        (BILLION_LAUGHS, "FF-XML-DTD"),
        (NORWEGIAN[: len(NORWEGIAN) // 2], "FF-XML-SYNTAX"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.09'><CstmrCdtTrfInitn/></Document>",
            "FF-CAMT-ROOT",
        ),
        (b"%PDF-1.7 ...", "FF-XML-NOT-XML"),
        (NORWEGIAN.replace(b'<Amt Ccy="NOK">150.00</Amt>', b'<Amt Ccy="NOK">1,50</Amt>'), "FF-CAMT-AMOUNT"),
        (NORWEGIAN.replace(b'<Amt Ccy="NOK">150.00</Amt>', b""), "FF-CAMT-MISSING"),
        (
            NORWEGIAN.replace(b"<Dt>2026-03-02</Dt></BookgDt><ValDt>", b"<Dt>02.03.2026</Dt></BookgDt><ValDt>"),
            "FF-CAMT-DATE",
        ),
        (
            NORWEGIAN.replace(b"<CdtDbtInd>DBIT</CdtDbtInd><Sts>", b"<CdtDbtInd>D</CdtDbtInd><Sts>", 1),
            "FF-CAMT-INDICATOR",
        ),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(FormatError) as info:
        read_camt(data)
    assert info.value.code == code
    if code.startswith("FF-CAMT") and code != "FF-CAMT-ROOT":
        assert "Ntry" in info.value.problems[0].location and "line" in info.value.problems[0].location
