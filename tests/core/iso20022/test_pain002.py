"""pain.002 in: every version read by structure, statuses inherited, group RJCT applies to all, reason codes kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.iso20022.pain002 import read_pain002


def _report(version: str, group: str, blocks: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>DNB-STS-0001</MsgId><CreDtTm>2026-03-02T07:15:00+01:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>RUN1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>{group}</OrgnlGrpInfAndSts>
    {blocks}
  </CstmrPmtStsRpt>
</Document>""".encode()


def _tx(e2e: str, status: str = "", code: str = "", text: str = "") -> str:
    reason = ""
    if code or text:
        reason = (
            "<StsRsnInf>"
            + (f"<Rsn><Cd>{code}</Cd></Rsn>" if code else "")
            + (f"<AddtlInf>{text}</AddtlInf>" if text else "")
            + "</StsRsnInf>"
        )
    sts = f"<TxSts>{status}</TxSts>" if status else ""
    return f"<TxInfAndSts><OrgnlInstrId>I-{e2e}</OrgnlInstrId><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>{sts}{reason}</TxInfAndSts>"


PER_TX = (
    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>RUN1-1</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>"
    + _tx("RUN1-1", "ACCP")
    + _tx("RUN1-2", "RJCT", "AC01", "Kontonummer er feil")
    + _tx("RUN1-3", "RJCT", "AM04", "Ikke dekning")
    + "</OrgnlPmtInfAndSts>"
)


@pytest.mark.parametrize("version", ["pain.002.001.03", "pain.002.001.09", "pain.002.001.10", "pain.002.001.11"])
def test_per_transaction_rejections_keep_their_reason_codes(version: str) -> None:
    report = read_pain002(_report(version, "<GrpSts>PART</GrpSts>", PER_TX))
    assert (report.message_id, report.original_message_id, report.group_status) == ("DNB-STS-0001", "RUN1", "PART")
    assert [(t.end_to_end_id, t.instruction_id, t.status, t.reason_code, t.reason) for t in report.transactions] == [
        ("RUN1-1", "I-RUN1-1", "ACCP", "", ""),
        ("RUN1-2", "I-RUN1-2", "RJCT", "AC01", "Kontonummer er feil"),
        ("RUN1-3", "I-RUN1-3", "RJCT", "AM04", "Ikke dekning"),
    ]
    assert [(p.payment_info_id, p.status) for p in report.payment_infos] == [("RUN1-1", "PART")]


def test_our_handwritten_v11_report_is_valid_against_the_corpus_xsd(corpus: Path) -> None:
    xsd = corpus / "bank" / "xsd" / "pain.002.001.11.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.fromstring(_report("pain.002.001.11", "<GrpSts>PART</GrpSts>", PER_TX))
    assert schema.validate(doc), schema.error_log


def test_a_group_rejection_applies_to_every_transaction() -> None:
    group = "<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>AM05</Cd></Rsn><AddtlInf>Duplikat fil</AddtlInf></StsRsnInf>"
    blocks = (
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>RUN1-1</OrgnlPmtInfId>"
        + _tx("RUN1-1", "ACCP")
        + _tx("RUN1-2")
        + _tx("RUN1-3", "RJCT", "AC01")
        + "</OrgnlPmtInfAndSts>"
    )
    report = read_pain002(_report("pain.002.001.10", group, blocks))
    assert report.group_status == "RJCT" and report.group_reason_code == "AM05"
    assert [(t.status, t.reason_code) for t in report.transactions] == [
        ("RJCT", "AM05"),
        ("RJCT", "AM05"),
        ("RJCT", "AC01"),
    ]


def test_a_group_rejection_without_transactions_is_reported_at_group_level() -> None:
    group = "<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>"
    report = read_pain002(_report("pain.002.001.03", group, ""))
    assert (report.group_status, report.group_reason_code, report.transactions) == ("RJCT", "FF01", [])


def test_status_is_inherited_from_block_then_group() -> None:
    blocks = (
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>RUN1-1</OrgnlPmtInfId><PmtInfSts>ACSC</PmtInfSts>"
        + _tx("RUN1-1")
        + "</OrgnlPmtInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>RUN1-2</OrgnlPmtInfId>"
        + _tx("RUN1-2")
        + "</OrgnlPmtInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>RUN1-3</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>"
        "<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>" + _tx("RUN1-3", "ACCP") + "</OrgnlPmtInfAndSts>"
    )
    report = read_pain002(_report("pain.002.001.09", "<GrpSts>ACCP</GrpSts>", blocks))
    assert [(t.end_to_end_id, t.status, t.reason_code) for t in report.transactions] == [
        ("RUN1-1", "ACSC", ""),
        ("RUN1-2", "ACCP", ""),
        ("RUN1-3", "RJCT", "AC04"),
    ]


def test_the_2009_version_reports_transactions_under_the_message() -> None:
    data = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.02"><pain.002.001.02>
      <GrpHdr><MsgId>S2</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>RUN9</OrgnlMsgId></OrgnlGrpInfAndSts>
      <TxInfAndSts><OrgnlEndToEndId>E9</OrgnlEndToEndId><TxSts>RJCT</TxSts>
      <StsRsnInf><StsRsn><Cd>AM04</Cd></StsRsn></StsRsnInf></TxInfAndSts></pain.002.001.02></Document>"""
    report = read_pain002(data)
    assert [(t.end_to_end_id, t.status, t.reason_code) for t in report.transactions] == [("E9", "RJCT", "AM04")]


def test_every_corpus_status_report_reads(corpus: Path) -> None:
    files = sorted((corpus / "bank" / "samples" / "pain").glob("*pain002*.xml"))
    assert files
    reports = {f.name: read_pain002(f.read_bytes()) for f in files}
    assert all(r.message_id and r.original_message_id for r in reports.values())
    rejected = [t for r in reports.values() for t in r.transactions if t.status == "RJCT"]
    assert rejected and all(t.reason_code == "AC01" and t.end_to_end_id for t in rejected)
    group = [r for r in reports.values() if r.group_status == "RJCT"]
    assert group and group[0].group_reason_code == "AM10"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>', "FF-XML-DTD"),
        (_report("pain.002.001.03", "", PER_TX)[:300], "FF-XML-SYNTAX"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.09'><CstmrCdtTrfInitn/></Document>",
            "FF-PAIN002-ROOT",
        ),
        (_report("pain.002.001.03", "", PER_TX).replace(b"<MsgId>DNB-STS-0001</MsgId>", b""), "FF-PAIN002-MISSING"),
        (_report("pain.002.001.03", "", PER_TX).replace(b"<OrgnlMsgId>RUN1</OrgnlMsgId>", b""), "FF-PAIN002-MISSING"),
        (_report("pain.002.001.03", "", _tx("E1")), "FF-PAIN002-MISSING"),
        (_report("pain.002.001.03", "<GrpSts>rejected</GrpSts>", ""), "FF-PAIN002-STATUS"),
        (b"", "FF-XML-NOT-XML"),
    ],
)
def test_hostile_or_broken_reports_are_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(FormatError) as info:
        read_pain002(data)
    assert info.value.code == code
