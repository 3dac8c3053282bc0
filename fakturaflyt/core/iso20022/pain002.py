"""ISO 20022 pain.002 (CustomerPaymentStatusReport): the bank's answer to a pain.001, read by structure.

Every version (``pain.002.001.02`` through ``.11`` and national variants such as the Swiss
``pain.002.001.03.ch.02``) is read by the local names of its elements, following the
Norwegian banks' common guide for pain.002 (BSK, based on CGI-MP):

* ``GrpHdr/MsgId``: the report's id; ``OrgnlGrpInfAndSts/OrgnlMsgId``: the pain.001 it answers;
  ``GrpSts`` the status of the whole file (``ACCP``, ``ACTC``, ``PART``, ``RJCT``...);
* ``OrgnlPmtInfAndSts`` per payment-information block (``PmtInfSts``), with one
  ``TxInfAndSts`` per reported transaction: ``OrgnlEndToEndId``, ``OrgnlInstrId``, ``TxSts``
  (``ACCP``, ``ACSC``, ``ACSP``, ``ACWC``, ``PDNG``, ``RJCT``) and ``StsRsnInf/Rsn/Cd`` (ISO
  external status reason code such as ``AC01`` wrong account, ``AM04`` insufficient funds)
  with ``AddtlInf`` as readable text.

Inheritance: a transaction without its own status takes its block's, then the group's. A
group-level ``RJCT`` rejects everything, so every listed transaction is ``RJCT`` (keeping its
own reason, else the group's); a block-level ``RJCT`` does the same for its transactions.
When the bank lists no transactions for a rejected group or block, :attr:`StatusReport.group_status`
and :attr:`StatusReport.payment_infos` say so and the caller applies it to what it sent.

>>> report = read_pain002(b'''<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
...   <GrpHdr><MsgId>S1</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>M1</OrgnlMsgId></OrgnlGrpInfAndSts>
...   <OrgnlPmtInfAndSts><OrgnlPmtInfId>M1-1</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>E1</OrgnlEndToEndId>
...   <TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts>
... </CstmrPmtStsRpt></Document>''')
>>> report.original_message_id, [(t.end_to_end_id, t.status, t.reason_code) for t in report.transactions]
('M1', [('E1', 'RJCT', 'AC01')])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.iso20022._xml import Finder, find_message, local_name, where
from fakturaflyt.core.xmlsafe import DEFAULT_MAX_BYTES, parse_xml

#: Message element names: ``CstmrPmtStsRpt`` from .03 on; the 2009 version .02 named it after itself.
MESSAGE_NAMES = ("CstmrPmtStsRpt", "pain.002.001.02")
_STATUS = re.compile(r"^[A-Z]{4}$")


@dataclass(frozen=True, slots=True)
class TransactionStatus:
    """The bank's status of one payment, found by the end-to-end id we sent (and instruction id)."""

    end_to_end_id: str
    instruction_id: str
    status: str
    reason_code: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PaymentInfoStatus:
    """The status of one ``PmtInf`` block of the original file (``OrgnlPmtInfId``)."""

    payment_info_id: str
    status: str | None
    reason_code: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A pain.002: which file it answers, the file's status, and each reported payment."""

    message_id: str
    original_message_id: str
    group_status: str | None
    transactions: list[TransactionStatus] = field(default_factory=list)
    group_reason_code: str = ""
    group_reason: str = ""
    payment_infos: list[PaymentInfoStatus] = field(default_factory=list)


def _status(f: Finder, element: etree._Element, path: str) -> str | None:
    node = f.find(element, path)
    value = f.text(element, path).upper()
    if node is None or not value:
        return None
    if not _STATUS.match(value):
        raise FormatError(
            "FF-PAIN002-STATUS",
            f"The status {value!r} in {path} is not a four-letter ISO 20022 status code such as ACCP or RJCT",
            where(node),
        )
    return value


def _reason(f: Finder, element: etree._Element) -> tuple[str, str]:
    """(code, text) from ``StsRsnInf``: ``Rsn/Cd`` (``StsRsn/Cd`` in .02) or ``Prtry``; ``AddtlInf`` joined."""
    codes: list[str] = []
    texts: list[str] = []
    for info in f.findall(element, "StsRsnInf"):
        code = f.first_text(info, "Rsn/Cd", "Rsn/Prtry", "StsRsn/Cd", "StsRsn/Prtry")
        if code:
            codes.append(code)
        texts.extend(t for t in (n.text.strip() for n in f.findall(info, "AddtlInf") if n.text) if t)
    return (codes[0] if codes else ""), " ".join(texts)


def _transaction(
    f: Finder, tx: etree._Element, inherited: str | None, forced: bool, fallback: tuple[str, str]
) -> TransactionStatus:
    e2e = f.text(tx, "OrgnlEndToEndId")
    instr = f.text(tx, "OrgnlInstrId")
    if not e2e and not instr:
        raise FormatError(
            "FF-PAIN002-MISSING",
            "A transaction status (TxInfAndSts) names neither OrgnlEndToEndId nor OrgnlInstrId, so it cannot "
            "be tied to a payment; ask the bank for a complete status report",
            where(tx),
        )
    own = _status(f, tx, "TxSts")
    status = "RJCT" if forced else (own or inherited)
    if status is None:
        raise FormatError(
            "FF-PAIN002-MISSING",
            f"The transaction {e2e or instr} has no status (TxSts), and neither has its block or the file",
            where(tx),
        )
    code, text = _reason(f, tx)
    if not code and not text and status == "RJCT":
        code, text = fallback
    return TransactionStatus(e2e, instr, status, code, text)


def read_pain002(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> StatusReport:
    """Read a pain.002 status report (any version), or raise :class:`FormatError`.

    Codes: ``FF-PAIN002-ROOT`` (not a status report), ``FF-PAIN002-MISSING`` (a required
    element is absent: ``GrpHdr/MsgId``, ``OrgnlGrpInfAndSts/OrgnlMsgId``, a transaction's id or
    status), ``FF-PAIN002-STATUS`` (a status that is not a four-letter code), and the XML
    codes of :mod:`fakturaflyt.core.xmlsafe` (``FF-XML-DTD`` for XXE / billion laughs ...).
    """
    root = parse_xml(data, max_bytes=max_bytes, what="The payment status report")
    try:
        message, _name = find_message(root, MESSAGE_NAMES)
    except KeyError:
        raise FormatError(
            "FF-PAIN002-ROOT",
            f"The file is a {local_name(root)} document, not a pain.002 payment status report (CstmrPmtStsRpt)",
            where(root),
        ) from None
    f = Finder(message)
    message_id = f.text(message, "GrpHdr/MsgId")
    if not message_id:
        raise FormatError("FF-PAIN002-MISSING", "The status report has no GrpHdr/MsgId", where(message))
    group = f.find(message, "OrgnlGrpInfAndSts")
    original = f.text(group, "OrgnlMsgId")
    if group is None or not original:
        raise FormatError(
            "FF-PAIN002-MISSING",
            "The status report does not say which payment file it answers (OrgnlGrpInfAndSts/OrgnlMsgId)",
            where(group if group is not None else message),
        )
    group_status = _status(f, group, "GrpSts")
    group_code, group_text = _reason(f, group)
    group_rejected = group_status == "RJCT"

    transactions: list[TransactionStatus] = []
    infos: list[PaymentInfoStatus] = []
    for block in f.findall(message, "OrgnlPmtInfAndSts"):
        block_status = _status(f, block, "PmtInfSts")
        block_code, block_text = _reason(f, block)
        infos.append(PaymentInfoStatus(f.text(block, "OrgnlPmtInfId"), block_status, block_code, block_text))
        forced = group_rejected or block_status == "RJCT"
        block_reason = (block_code, block_text) if block_status == "RJCT" and (block_code or block_text) else None
        fallback = block_reason or (group_code, group_text)
        for tx in f.findall(block, "TxInfAndSts"):
            transactions.append(_transaction(f, tx, block_status or group_status, forced, fallback))
    # pain.002.001.02 reports transactions directly under the message.
    for tx in f.findall(message, "TxInfAndSts"):
        transactions.append(_transaction(f, tx, group_status, group_rejected, (group_code, group_text)))
    return StatusReport(message_id, original, group_status, transactions, group_code, group_text, infos)
