"""Card entries of ISO 20022 bank statements (camt.053), notifications (camt.054) and reports (camt.052).

Any version (``.001.02`` to ``.08``) and national variant is read by the local names of its
elements (the helpers of :mod:`fakturaflyt.core.iso20022`), after the hardened parser
:func:`fakturaflyt.core.xmlsafe.parse_xml` (no DTD, no XXE, no entity expansion, size limit).

**Which entries** (``Ntry``): booked ones (``Sts`` ``BOOK`` or none; pending card
authorisations would be imported twice) that are card transactions:

* a ``CardTx`` element on the entry or its transaction (ISO 20022 from version .03), or
* the bank transaction code ``BkTxCd/Domn`` ``PMNT`` / family ``CCRD`` (customer card
  transactions; ISO external code list), on the entry or the transaction, or
* a proprietary code (``BkTxCd/Prtry/Cd``) naming a card (``card``, ``kort``, ``Visa``,
  ``MasterCard``, ``POS`` ...), as Norwegian banks' own codes do.

Every other entry (transfers, giro, salary, fees) is skipped. A debit (``CdtDbtInd`` ``DBIT``)
is a purchase, a credit a card refund (a negative amount, like the CSV statements).

**Per transaction** (each ``NtryDtls/TxDtls``; an entry without one is one transaction):

* a batch (several ``TxDtls``) whose transactions carry no amounts of their own is read as one
  charge of the entry amount (with the entry's texts), never split by guess;
* ``amount_nok``: what the account was charged, the entry amount (or, in a batch, the
  transaction's own ``Amt`` / ``AmtDtls/TxAmt`` in the account currency), when the account is
  in NOK; ``None`` for an account in another currency unless the purchase was in NOK;
* ``amount`` / ``currency``: the purchase, ``AmtDtls/InstdAmt/Amt`` (else ``TxAmt``,
  ``CntrValAmt``) when in another currency than the account, else the charged amount;
* ``merchant``: the creditor of a purchase / the debtor of a refund (``RltdPties/Cdtr/Nm``,
  ``Cdtr/Pty/Nm`` from .08, the ultimate party), else ``RmtInf/Ustrd``, else ``AddtlTxInf``,
  else ``AddtlNtryInf`` (ISO 20022 card data has no merchant name element);
* ``booked_at``: the purchase time ``TxDtls/RltdDts/TxDtTm`` (else ``CardTx/Tx/Indv/TxId/TxDtTm``,
  ``RltdDts/AccptncDtTm``, ``BookgDt/DtTm``), converted to Europe/Oslo (a time without offset
  is Oslo time); with only a date (``BookgDt/Dt``, else ``ValDt``) it is **12:00 Europe/Oslo**
  that day, so the calendar day survives any conversion to UTC and back; an entry with no date
  at all takes the statement's (else the file's) ``CreDtTm``;
* ``card_holder``: ISO 20022 has no card holder name; the debtor of a purchase (``RltdPties/
  Dbtr``) unless it is the account owner (the company), else the ultimate debtor, else the card
  by its last four digits (``kort ****1234``, from ``CardTx/Card/PlainCardData/PAN`` or
  ``AddtlCardData``; a full card number is never kept), else the debtor;
* ``reference``: ``Refs/AcctSvcrRef`` of the transaction, else the entry's ``AcctSvcrRef``
  (with ``/n`` for the n-th transaction of a batch), else ``NtryRef``; ``id`` is the reference
  (a repeat within the file gets ``#2``...), else a stable hash as in :mod:`.statement`;
* ``merchant_payment_ref`` from :func:`.statement.merchant_payment_ref`; ``row`` the line of the
  ``TxDtls`` (or ``Ntry``) element.

Errors are :class:`~fakturaflyt.core.errors.FormatError` with ``FF-CARD-CAMT-*`` codes and a
location: the XML problems of :mod:`fakturaflyt.core.xmlsafe` keep their suffix
(``FF-CARD-CAMT-DTD``, ``-SYNTAX``, ``-ENCODING``, ``-TOO-LARGE``, ``-NOT-XML``, ``-LIMIT``);
``-ROOT`` (no camt.052/053/054 message), ``-AMOUNT``, ``-CURRENCY``, ``-INDICATOR``, ``-DATE``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from lxml import etree

from fakturaflyt.core.bankfile import detect
from fakturaflyt.core.cards.statement import CardTransaction, merchant_payment_ref
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.iso20022._xml import Finder, find_message, local_name, parse_decimal, where
from fakturaflyt.core.iso20022.camt import MESSAGES
from fakturaflyt.core.xmlsafe import parse_xml

OSLO = ZoneInfo("Europe/Oslo")
#: Card statements are small; the limit is checked before parsing.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_NOON = time(12, 0)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CARD_WORDS = re.compile(r"card|kort|visa|master|maestro|amex|american express|diners|\bpos\b", re.IGNORECASE)
_DIGITS = re.compile(r"(\d{4})\D*$")
_BOOKED = ("BOOK", "")


def looks_like_camt(data: bytes) -> bool:
    """Whether the bytes are a camt.052/053/054 message (sniffed from the start, not parsed).

    >>> looks_like_camt(b'<Document><BkToCstmrDbtCdtNtfctn/></Document>'), looks_like_camt(b"date,time")
    (True, False)
    """
    return detect(data).startswith("camt")


@dataclass(frozen=True, slots=True)
class _Money:
    amount: Decimal
    currency: str


class _Reader:
    """Reads the card transactions of one message (``f`` finds children in its namespace)."""

    def __init__(self, f: Finder) -> None:
        self.f = f
        self.seen_refs: Counter[str] = Counter()
        self.seen_hashes: Counter[str] = Counter()
        #: The statement's (else the message's) creation time: the date of an entry that has none.
        self.created: datetime | None = None

    # -- small helpers ------------------------------------------------------------------------

    def money(self, element: etree._Element | None, path: str, what: str) -> _Money | None:
        node = self.f.find(element, path) if element is not None else None
        if node is None or not (node.text or "").strip():
            return None
        value = parse_decimal(node.text or "", node, "FF-CARD-CAMT-AMOUNT", what)
        currency = (node.get("Ccy") or "").strip().upper()
        if currency and not _CURRENCY.match(currency):
            raise FormatError("FF-CARD-CAMT-CURRENCY", f"{currency!r} is not a currency code (ISO 4217)", where(node))
        return _Money(abs(value), currency)

    def moment(self, element: etree._Element | None, path: str, what: str) -> datetime | None:
        """A ``ISODateTime`` or ``ISODate`` at ``path`` in Europe/Oslo (a date: 12:00 that day)."""
        node = self.f.find(element, path) if element is not None else None
        value = (node.text or "").strip() if node is not None else ""
        if node is None or not value:
            return None
        try:
            if "T" in value:
                stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if stamp.tzinfo is None:
                    return stamp.replace(tzinfo=OSLO)
                return stamp.astimezone(OSLO)
            return datetime.combine(date.fromisoformat(value[:10]), _NOON, tzinfo=OSLO)
        except ValueError:
            raise FormatError(
                "FF-CARD-CAMT-DATE", f"{what} {value!r} is not an ISO date or date-time", where(node)
            ) from None

    def is_card(self, element: etree._Element | None) -> bool:
        if element is None:
            return False
        f = self.f
        if f.find(element, "CardTx") is not None:
            return True
        code = f.find(element, "BkTxCd")
        if code is None:
            return False
        if f.text(code, "Domn/Fmly/Cd") == "CCRD":
            return True
        return any(_CARD_WORDS.search(f.text(code, p)) for p in ("Prtry/Cd", "Prtry/Issr"))

    def party(self, parties: etree._Element | None, role: str) -> str:
        return self.f.first_text(parties, f"{role}/Nm", f"{role}/Pty/Nm", f"Ultmt{role}/Nm", f"Ultmt{role}/Pty/Nm")

    def card_digits(self, *elements: etree._Element | None) -> str:
        for element in elements:
            for path in ("CardTx/Card/PlainCardData/PAN", "CardTx/Card/AddtlCardData", "CardTx/Card/MskdPAN"):
                found = _DIGITS.search(self.f.text(element, path)) if element is not None else None
                if found:
                    return f"kort ****{found.group(1)}"
        return ""

    # -- one transaction ----------------------------------------------------------------------

    def transaction(
        self,
        ntry: etree._Element,
        tx: etree._Element | None,
        *,
        n: int,
        batch: bool,
        owner: str,
    ) -> CardTransaction:
        f = self.f
        credit = f.text(ntry, "CdtDbtInd") == "CRDT"
        entry_amount = self.money(ntry, "Amt", "The entry amount")
        if entry_amount is None:
            raise FormatError("FF-CARD-CAMT-AMOUNT", "The card entry has no amount (Ntry/Amt)", where(ntry))
        account_ccy = entry_amount.currency or "NOK"
        details = [tx] if tx is not None else []
        if not batch:
            details.append(ntry)  # entry-level AmtDtls of a single transaction
        # What the account was charged (account currency).
        charged = entry_amount if not batch else None
        if batch and tx is not None:
            for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/CntrValAmt/Amt", "AmtDtls/InstdAmt/Amt"):
                m = self.money(tx, path, "The transaction amount")
                if m is not None and (m.currency or account_ccy) == account_ccy:
                    charged = _Money(m.amount, account_ccy)
                    break
        # The purchase amount, when in another currency.
        purchase: _Money | None = None
        for element in details:
            for path in ("AmtDtls/InstdAmt/Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/CntrValAmt/Amt"):
                m = self.money(element, path, "The purchase amount")
                if m is not None and m.currency and m.currency != account_ccy:
                    purchase = m
                    break
            if purchase is not None:
                break
        if charged is None and purchase is None:
            raise FormatError(
                "FF-CARD-CAMT-AMOUNT",
                "The card transaction in a batched entry has no amount of its own (TxDtls/Amt or AmtDtls)",
                where(tx if tx is not None else ntry),
            )
        if purchase is None:
            assert charged is not None
            purchase = _Money(charged.amount, account_ccy)
        amount_nok: Decimal | None = None
        if charged is not None and account_ccy == "NOK":
            amount_nok = charged.amount
        elif purchase.currency == "NOK":
            amount_nok = purchase.amount
        sign = Decimal(-1) if credit else Decimal(1)
        amount = sign * purchase.amount
        amount_nok = sign * amount_nok if amount_nok is not None else None

        parties = f.find(tx, "RltdPties") if tx is not None else None
        merchant = self.party(parties, "Dbtr" if credit else "Cdtr")
        if not merchant and tx is not None:
            merchant = " ".join(t for t in ((u.text or "").strip() for u in f.findall(tx, "RmtInf/Ustrd")) if t)
        if not merchant:
            merchant = f.text(tx, "AddtlTxInf") if tx is not None else ""
        if not merchant:
            merchant = f.text(ntry, "AddtlNtryInf")
        merchant = " ".join(merchant.split())

        role = "Cdtr" if credit else "Dbtr"  # the card side: debtor of a purchase, creditor of a refund
        payer = f.first_text(parties, f"{role}/Nm", f"{role}/Pty/Nm")
        ultimate = f.first_text(parties, f"Ultmt{role}/Nm", f"Ultmt{role}/Pty/Nm")
        holder = payer if payer and payer.casefold() != owner.casefold() else ""
        holder = holder or ultimate or self.card_digits(tx, ntry) or payer

        booked_at = (
            (self.moment(tx, "RltdDts/TxDtTm", "The transaction time") if tx is not None else None)
            or (self.moment(tx, "CardTx/Tx/Indv/TxId/TxDtTm", "The card transaction time") if tx is not None else None)
            or self.moment(ntry, "CardTx/Tx/Indv/TxId/TxDtTm", "The card transaction time")
            or (self.moment(tx, "RltdDts/AccptncDtTm", "The acceptance time") if tx is not None else None)
            or self.moment(ntry, "BookgDt/DtTm", "The booking time")
            or self.moment(ntry, "BookgDt/Dt", "The booking date")
            or self.moment(ntry, "ValDt/DtTm", "The value date")
            or self.moment(ntry, "ValDt/Dt", "The value date")
            or self.created
        )
        if booked_at is None:
            raise FormatError(
                "FF-CARD-CAMT-DATE",
                "The card entry has no date (BookgDt, ValDt, RltdDts/TxDtTm, nor the file's CreDtTm)",
                where(ntry),
            )

        entry_ref = f.first_text(ntry, "AcctSvcrRef", "NtryRef")
        reference = f.text(tx, "Refs/AcctSvcrRef") if tx is not None else ""
        if not reference and entry_ref:
            reference = f"{entry_ref}/{n}" if batch else entry_ref
        if reference:
            self.seen_refs[reference] += 1
            count = self.seen_refs[reference]
            ident = reference if count == 1 else f"{reference}#{count}"
        else:
            basis = "|".join((booked_at.isoformat(), merchant, str(amount), purchase.currency, str(amount_nok), holder))
            self.seen_hashes[basis] += 1
            ident = "h" + hashlib.sha256(f"{basis}|{self.seen_hashes[basis]}".encode()).hexdigest()[:20]
        line = (tx if tx is not None else ntry).sourceline
        return CardTransaction(
            id=ident,
            booked_at=booked_at,
            merchant=merchant,
            amount=amount,
            currency=purchase.currency,
            amount_nok=amount_nok,
            card_holder=holder,
            reference=reference,
            merchant_payment_ref=merchant_payment_ref(merchant),
            row=int(line or 0),
        )

    # -- one entry ----------------------------------------------------------------------------

    def entry(self, ntry: etree._Element, owner: str) -> list[CardTransaction]:
        """The card transactions of one ``Ntry`` (``[]`` for a non-card or not booked entry)."""
        f = self.f
        status = f.first_text(ntry, "Sts/Cd", "Sts/Prtry", "Sts")
        if status not in _BOOKED:
            return []
        txs = f.findall(ntry, "NtryDtls/TxDtls")
        entry_is_card = self.is_card(ntry)
        if not entry_is_card and not any(self.is_card(tx) for tx in txs):
            return []
        indicator = f.text(ntry, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise FormatError(
                "FF-CARD-CAMT-INDICATOR",
                f"The card entry's credit/debit indicator (Ntry/CdtDbtInd) is {indicator!r}, not CRDT or DBIT",
                where(ntry),
            )
        batch = len(txs) > 1
        if batch and any(
            all(f.find(tx, p) is None for p in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/CntrValAmt/Amt")) for tx in txs
        ):
            txs = []  # transactions without amounts of their own: the entry is one charge, never split by guess
        if not txs:
            return [self.transaction(ntry, None, n=1, batch=False, owner=owner)]
        return [
            self.transaction(ntry, tx, n=n, batch=batch, owner=owner)
            for n, tx in enumerate(txs, 1)
            if entry_is_card or self.is_card(tx)
        ]


def _xml_error(exc: FormatError) -> FormatError:
    suffix = exc.code.removeprefix("FF-XML-")
    problem = exc.problems[0]
    return FormatError(f"FF-CARD-CAMT-{suffix}", problem.message, problem.location or "line 1")


def read_camt_card_transactions(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[CardTransaction]:
    """The card purchases (positive) and refunds (negative) of a camt.052/053/054 file, in file order.

    Non-card entries are skipped, so a statement without card entries gives ``[]``. Raises
    :class:`FormatError` (``FF-CARD-CAMT-*``, see the module doc) on unreadable or hostile input.
    """
    try:
        root = parse_xml(data, max_bytes=max_bytes, what="The bank file")
    except FormatError as exc:
        raise _xml_error(exc) from None
    try:
        message, name = find_message(root, tuple(MESSAGES))
    except KeyError:
        raise FormatError(
            "FF-CARD-CAMT-ROOT",
            f"The file is a {local_name(root)} document, not a camt.053 statement, camt.054 notification or "
            "camt.052 report (BkToCstmrStmt, BkToCstmrDbtCdtNtfctn, BkToCstmrAcctRpt)",
            where(root),
        ) from None
    f = Finder(message)
    reader = _Reader(f)
    statement_tag = MESSAGES[name][1]
    out: list[CardTransaction] = []
    for stmt in f.findall(message, statement_tag):
        owner = f.first_text(stmt, "Acct/Ownr/Nm", "Acct/Ownr/Pty/Nm")
        reader.created = reader.moment(stmt, "CreDtTm", "The creation time") or reader.moment(
            message, "GrpHdr/CreDtTm", "The creation time"
        )
        for ntry in f.findall(stmt, "Ntry"):
            try:
                out.extend(reader.entry(ntry, owner))
            except FormatError:
                raise
            except (ValueError, ArithmeticError) as exc:  # defensive: a value no rule above foresaw
                raise FormatError(
                    "FF-CARD-CAMT-INVALID", f"The card entry cannot be read: {exc}", where(ntry)
                ) from None
    return out
