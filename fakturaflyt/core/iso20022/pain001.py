"""ISO 20022 pain.001 (CustomerCreditTransferInitiation) for Norwegian banks: write and XSD-check.

Versions ``pain.001.001.09`` (the default; CGI-MP / BSK guides 2019+) and ``pain.001.001.03``
(for banks that still want it). Both validate against the ISO XSDs in ``corpus/bank/xsd``.
The content follows the Norwegian banks' common implementation guide (BSK, "Bankenes felles
implementasjonsguide", based on the Common Global Implementation, CGI-MP):

* **one ``PmtInf`` per requested execution date, currency and service level**, in date order;
  ``NbOfTxs`` and ``CtrlSum`` in ``GrpHdr`` and in each ``PmtInf``;
* **service level**: ``NURG`` (non-urgent domestic) for NOK; ``SEPA`` for EUR to an IBAN
  outside Norway (charge bearer ``SLEV``); none for other cross-border payments (``SHAR``);
* **accounts**: an IBAN when given (``Acct/Id/IBAN``), else the 11-digit Norwegian BBAN as
  ``Acct/Id/Othr/Id`` with ``SchmeNm/Cd`` = ``BBAN``; the MOD11 check digit is verified
  (python-stdnum ``no.kontonr``), an IBAN by its ISO 13616 check digits (schwifty);
* **debtor and initiating party**: name, and the organisation number as ``Id/OrgId/Othr/Id``
  with ``SchmeNm/Cd`` = ``CUST``, as the Nordic CGI guides identify a company by its national
  business id; the debtor agent by BIC, or ``FinInstnId/Othr/Id`` = ``NOTPROVIDED`` (CGI);
* **remittance**: a KID goes in ``RmtInf/Strd/CdtrRefInf`` with ``Tp/CdOrPrtry/Cd`` = ``SCOR``
  and ``Ref`` = the KID (its MOD10/MOD11 check digit verified: a bank refuses a wrong KID);
  otherwise ``RmtInf/Ustrd`` carries the message (the invoice number), at most 140 characters.

Differences between the versions handled here: ``ReqdExctnDt`` is a plain date in .03 and a
choice with ``Dt`` in .09; the BIC element is ``BIC`` in .03 and ``BICFI`` in .09.

>>> from datetime import date, datetime, timezone
>>> from decimal import Decimal
>>> debtor = Debtor("Fakturaflyt Demo AS", "923609016", account="15032080119")
>>> transfer = CreditTransfer("E2E-1", Decimal("1250.00"), "NOK", "Leverandør AS", date(2026, 3, 2),
...                           creditor_account="86011117947", kid="123456782")
>>> xml = write_pain001(PaymentInitiation("MSG-1", datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc), debtor, [transfer]))
>>> b"<Cd>SCOR</Cd>" in xml and b"<Ref>123456782</Ref>" in xml and b"<Cd>NURG</Cd>" in xml
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from fakturaflyt.core.errors import FormatError, Problem
from fakturaflyt.core.identifiers import (
    normalise_bic,
    normalise_iban,
    normalise_kontonr,
    normalise_orgnr,
    validate_kid,
)
from fakturaflyt.core.iso20022._xml import default_xsd_dir
from fakturaflyt.core.xmlsafe import parse_xml

VERSIONS = ("pain.001.001.09", "pain.001.001.03")
DEFAULT_VERSION = "pain.001.001.09"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:{version}"
MAX_ID = 35  # Max35Text: MsgId, PmtInfId, InstrId, EndToEndId
MAX_NAME = 140  # Max140Text: Nm
MAX_USTRD = 140  # Max140Text: one Ustrd
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CENT = Decimal("0.01")
_VALIDATE_MAX_BYTES = 512 * 1024 * 1024  # our own output, checked before it leaves: allow big runs


@dataclass(frozen=True, slots=True)
class Debtor:
    """The paying company: name, org.nr, and its account (11-digit BBAN and/or IBAN), bank BIC if known."""

    name: str
    orgnr: str
    account: str = ""
    iban: str = ""
    bic: str = ""


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    """One payment: to whom, how much, when, and with a KID or a message (invoice number).

    ``creditor_account`` is a Norwegian BBAN; ``creditor_iban`` (with ``creditor_bic`` when
    known) is used instead when given, as for payments abroad.
    """

    end_to_end_id: str
    amount: Decimal
    currency: str
    creditor_name: str
    requested_date: date
    creditor_account: str = ""
    creditor_iban: str = ""
    creditor_bic: str = ""
    creditor_country: str = "NO"
    kid: str = ""
    message: str = ""
    instruction_id: str = ""


@dataclass(frozen=True, slots=True)
class PaymentInitiation:
    """One pain.001 message: its id, creation time (aware), the debtor and the transfers."""

    message_id: str
    created_at: datetime
    debtor: Debtor
    transfers: Sequence[CreditTransfer] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Checked:
    """A transfer after checking: normalised account, service level, charge bearer."""

    transfer: CreditTransfer
    iban: str
    bban: str
    bic: str
    service_level: str
    charge_bearer: str


def _fail(code: str, message: str, location: str) -> FormatError:
    return FormatError(code, message, location)


def _check_id(value: str, what: str, location: str, *, required: bool = True) -> None:
    if required and not value.strip():
        raise _fail("FF-PAIN001-ID", f"{what} is empty; every payment file needs it", location)
    if len(value) > MAX_ID:
        raise _fail(
            "FF-PAIN001-ID",
            f"{what} {value!r} is {len(value)} characters; ISO 20022 allows at most {MAX_ID}",
            location,
        )


def _checked_account(
    iban: str, bban: str, code: str, who: str, location: str, *, required: bool = True
) -> tuple[str, str]:
    """(IBAN, BBAN) normalised; IBAN preferred when both are given."""
    try:
        if iban.strip():
            return normalise_iban(iban), ""
        if bban.strip():
            return "", normalise_kontonr(bban)
    except FormatError as exc:
        problem = exc.problems[0]
        raise _fail(problem.code, f"{who}: {problem.message}", location) from None
    if required:
        raise _fail(code, f"{who} has no bank account: give an 11-digit Norwegian account number or an IBAN", location)
    return "", ""


def _checked_bic(bic: str, location: str) -> str:
    if not bic.strip():
        return ""
    try:
        return normalise_bic(bic)
    except FormatError as exc:
        raise _fail(exc.problems[0].code, exc.problems[0].message, location) from None


def _check_transfer(t: CreditTransfer, index: int) -> _Checked:
    """Check one transfer; the location names it by position and end-to-end id."""
    location = f"transfer {index + 1} ({t.end_to_end_id})"
    _check_id(t.end_to_end_id, "The end-to-end id", location)
    _check_id(t.instruction_id, "The instruction id", location, required=False)
    if not isinstance(t.amount, Decimal) or not t.amount.is_finite():
        raise _fail("FF-PAIN001-AMOUNT", f"The amount {t.amount!r} is not a Decimal amount", location)
    if t.amount <= 0:
        raise _fail("FF-PAIN001-AMOUNT", f"The amount {t.amount} must be greater than zero", location)
    if t.amount != t.amount.quantize(_CENT) or t.amount >= Decimal("1e15"):
        raise _fail("FF-PAIN001-AMOUNT", f"The amount {t.amount} must have at most two decimals (øre/cent)", location)
    if not _CURRENCY.match(t.currency):
        raise _fail("FF-PAIN001-CURRENCY", f"The currency {t.currency!r} is not an ISO 4217 code like NOK", location)
    if not _COUNTRY.match(t.creditor_country):
        raise _fail(
            "FF-PAIN001-COUNTRY", f"The country {t.creditor_country!r} is not an ISO 3166 code like NO", location
        )
    name = t.creditor_name.strip()
    if not name or len(name) > MAX_NAME:
        raise _fail("FF-PAIN001-NAME", f"The creditor name must be 1 to {MAX_NAME} characters", location)
    if not isinstance(t.requested_date, date) or isinstance(t.requested_date, datetime):
        raise _fail("FF-PAIN001-DATE", "The requested execution date must be a date", location)
    iban, bban = _checked_account(
        t.creditor_iban, t.creditor_account, "FF-PAIN001-CREDITOR-ACCOUNT", f"The creditor {name}", location
    )
    bic = _checked_bic(t.creditor_bic, location)
    if t.kid:
        try:
            validate_kid(t.kid)
        except FormatError as exc:
            raise _fail(exc.problems[0].code, exc.problems[0].message, location) from None
    elif len(t.message) > MAX_USTRD:
        raise _fail(
            "FF-PAIN001-MESSAGE", f"The message is {len(t.message)} characters; at most {MAX_USTRD} fit", location
        )
    abroad = bool(iban) and not iban.startswith("NO")
    if t.currency == "NOK" and not abroad:
        service_level, charge_bearer = "NURG", "SLEV"
    elif t.currency == "EUR" and abroad:
        service_level, charge_bearer = "SEPA", "SLEV"
    else:
        service_level, charge_bearer = "", "SHAR"
    return _Checked(t, iban, bban, bic, service_level, charge_bearer)


def _check(initiation: PaymentInitiation) -> list[_Checked]:
    _check_id(initiation.message_id, "The message id", "GrpHdr/MsgId")
    created = initiation.created_at
    if not isinstance(created, datetime) or created.tzinfo is None or created.utcoffset() is None:
        raise _fail("FF-PAIN001-TIME", "The creation time must be an aware datetime (with time zone)", "GrpHdr/CreDtTm")
    debtor = initiation.debtor
    if not debtor.name.strip() or len(debtor.name.strip()) > MAX_NAME:
        raise _fail("FF-PAIN001-NAME", f"The debtor name must be 1 to {MAX_NAME} characters", "Dbtr/Nm")
    try:
        normalise_orgnr(debtor.orgnr)
    except FormatError as exc:
        raise _fail(exc.problems[0].code, exc.problems[0].message, "Dbtr/Id") from None
    _checked_account(debtor.iban, debtor.account, "FF-PAIN001-DEBTOR-ACCOUNT", f"The debtor {debtor.name}", "DbtrAcct")
    _checked_bic(debtor.bic, "DbtrAgt")
    if not initiation.transfers:
        raise _fail("FF-PAIN001-EMPTY", "The payment run has no payments; there is nothing to send", "PmtInf")
    checked = [_check_transfer(t, i) for i, t in enumerate(initiation.transfers)]
    seen: set[str] = set()
    for i, c in enumerate(checked):
        e2e = c.transfer.end_to_end_id
        if e2e in seen:
            raise _fail(
                "FF-PAIN001-DUPLICATE-ID",
                f"The end-to-end id {e2e!r} is used twice; each payment needs its own to be matched in the bank's answer",
                f"transfer {i + 1} ({e2e})",
            )
        seen.add(e2e)
    return checked


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        try:
            element.text = text
        except ValueError:  # lxml refuses control characters and NUL, which XML 1.0 cannot carry
            raise _fail(
                "FF-PAIN001-CHARACTERS",
                f"The text {text[:40]!r} contains characters that XML cannot carry (control characters); remove them",
                tag,
            ) from None
    return element


def _amount(value: Decimal) -> str:
    return f"{value.quantize(_CENT):f}"


def _party_id(parent: etree._Element, orgnr: str) -> None:
    """``Id/OrgId/Othr/Id`` = org.nr with ``SchmeNm/Cd`` = ``CUST`` (CGI-MP, BSK: national business id)."""
    othr = _sub(_sub(_sub(parent, "Id"), "OrgId"), "Othr")
    _sub(othr, "Id", normalise_orgnr(orgnr))
    _sub(_sub(othr, "SchmeNm"), "Cd", "CUST")


def _account(parent: etree._Element, tag: str, iban: str, bban: str, currency: str = "") -> None:
    """``Acct/Id/IBAN``, or ``Acct/Id/Othr/Id`` with ``SchmeNm/Cd`` = ``BBAN`` for a Norwegian account."""
    acct = _sub(parent, tag)
    ident = _sub(acct, "Id")
    if iban:
        _sub(ident, "IBAN", iban)
    else:
        othr = _sub(ident, "Othr")
        _sub(othr, "Id", bban)
        _sub(_sub(othr, "SchmeNm"), "Cd", "BBAN")
    if currency:
        _sub(acct, "Ccy", currency)


def _agent(parent: etree._Element, tag: str, bic: str, bic_tag: str) -> None:
    """A bank by BIC; without one, ``FinInstnId/Othr/Id`` = ``NOTPROVIDED`` (CGI-MP)."""
    fin = _sub(_sub(parent, tag), "FinInstnId")
    if bic:
        _sub(fin, bic_tag, bic)
    else:
        _sub(_sub(fin, "Othr"), "Id", "NOTPROVIDED")


def _payment_info_id(message_id: str, number: int) -> str:
    suffix = f"-{number}"
    return message_id[: MAX_ID - len(suffix)] + suffix


def write_pain001(initiation: PaymentInitiation, version: str = DEFAULT_VERSION) -> bytes:
    """The pain.001 XML (UTF-8) for ``initiation``; raises :class:`FormatError` on bad input.

    Codes: ``FF-PAIN001-VERSION``, ``-EMPTY`` (no transfers), ``-AMOUNT`` (<= 0 or more than two
    decimals), ``-ID`` (empty or over 35 characters), ``-DUPLICATE-ID``, ``-CREDITOR-ACCOUNT`` /
    ``-DEBTOR-ACCOUNT`` (none given), ``-CURRENCY``, ``-COUNTRY``, ``-NAME``, ``-MESSAGE``,
    ``-TIME``, ``-DATE``; plus the identifier codes ``FF-KONTONR-INVALID``, ``FF-IBAN-INVALID``,
    ``FF-BIC-INVALID``, ``FF-ORGNR-INVALID``, ``FF-KID-*``, located at the transfer.
    """
    if version not in VERSIONS:
        raise _fail("FF-PAIN001-VERSION", f"{version!r} is not supported; use one of {', '.join(VERSIONS)}", "")
    checked = _check(initiation)
    v09 = version == "pain.001.001.09"
    bic_tag = "BICFI" if v09 else "BIC"
    debtor = initiation.debtor
    debtor_iban, debtor_bban = _checked_account(debtor.iban, debtor.account, "FF-PAIN001-DEBTOR-ACCOUNT", "", "")
    debtor_bic = _checked_bic(debtor.bic, "DbtrAgt")

    groups: dict[tuple[date, str, str], list[_Checked]] = {}
    for c in checked:
        key = (c.transfer.requested_date, c.transfer.currency, c.service_level)
        groups.setdefault(key, []).append(c)

    root = etree.Element("Document", nsmap={None: NAMESPACE.format(version=version)})
    message = _sub(root, "CstmrCdtTrfInitn")
    header = _sub(message, "GrpHdr")
    _sub(header, "MsgId", initiation.message_id)
    _sub(header, "CreDtTm", initiation.created_at.replace(microsecond=0).isoformat())
    _sub(header, "NbOfTxs", str(len(checked)))
    _sub(header, "CtrlSum", _amount(sum((c.transfer.amount for c in checked), Decimal(0))))
    initiator = _sub(header, "InitgPty")
    _sub(initiator, "Nm", debtor.name.strip())
    _party_id(initiator, debtor.orgnr)

    for number, key in enumerate(sorted(groups), start=1):
        requested, _currency, service_level = key
        items = groups[key]
        info = _sub(message, "PmtInf")
        _sub(info, "PmtInfId", _payment_info_id(initiation.message_id, number))
        _sub(info, "PmtMtd", "TRF")
        _sub(info, "NbOfTxs", str(len(items)))
        _sub(info, "CtrlSum", _amount(sum((c.transfer.amount for c in items), Decimal(0))))
        if service_level:
            _sub(_sub(_sub(info, "PmtTpInf"), "SvcLvl"), "Cd", service_level)
        if v09:
            _sub(_sub(info, "ReqdExctnDt"), "Dt", requested.isoformat())
        else:
            _sub(info, "ReqdExctnDt", requested.isoformat())
        dbtr = _sub(info, "Dbtr")
        _sub(dbtr, "Nm", debtor.name.strip())
        _party_id(dbtr, debtor.orgnr)
        _account(info, "DbtrAcct", debtor_iban, debtor_bban)
        _agent(info, "DbtrAgt", debtor_bic, bic_tag)
        _sub(info, "ChrgBr", items[0].charge_bearer)
        for c in items:
            _transaction(info, c, bic_tag)

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _transaction(info: etree._Element, c: _Checked, bic_tag: str) -> None:
    t = c.transfer
    tx = _sub(info, "CdtTrfTxInf")
    pmt_id = _sub(tx, "PmtId")
    if t.instruction_id:
        _sub(pmt_id, "InstrId", t.instruction_id)
    _sub(pmt_id, "EndToEndId", t.end_to_end_id)
    _sub(_sub(tx, "Amt"), "InstdAmt", _amount(t.amount), Ccy=t.currency)
    if c.bic:
        _sub(_sub(_sub(tx, "CdtrAgt"), "FinInstnId"), bic_tag, c.bic)
    cdtr = _sub(tx, "Cdtr")
    _sub(cdtr, "Nm", t.creditor_name.strip())
    _sub(_sub(cdtr, "PstlAdr"), "Ctry", t.creditor_country)
    _account(tx, "CdtrAcct", c.iban, c.bban)
    if t.kid:
        ref = _sub(_sub(_sub(tx, "RmtInf"), "Strd"), "CdtrRefInf")
        _sub(_sub(_sub(ref, "Tp"), "CdOrPrtry"), "Cd", "SCOR")
        _sub(ref, "Ref", t.kid.strip())
    elif t.message.strip():
        _sub(_sub(tx, "RmtInf"), "Ustrd", t.message.strip())


_local = threading.local()


def _schema(path: Path) -> etree.XMLSchema:
    """The compiled XSD at ``path``, once per thread (an lxml validator keeps its error log on itself)."""
    cache: dict[Path, etree.XMLSchema] = getattr(_local, "schemas", None) or {}
    _local.schemas = cache
    schema = cache.get(path)
    if schema is None:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        schema = etree.XMLSchema(etree.parse(str(path), parser))
        cache[path] = schema
    return schema


def validate_pain001(data: bytes, xsd_dir: Path | None = None) -> list[Problem]:
    """Check a pain.001 file against the ISO XSD of its version; ``[]`` when valid.

    The XSD is ``<xsd_dir>/<version>.xsd`` (default ``$FAKTURAFLYT_CORPUS/bank/xsd``). Problems:
    ``FF-PAIN001-XSD`` (schema errors, with line and element), ``FF-PAIN001-VERSION`` (not a
    pain.001.001.03/.09 document), XML errors of :mod:`fakturaflyt.core.xmlsafe`, or one
    ``FF-PAIN001-XSD-MISSING`` **warning** when the XSD file is absent (a fault of the
    installation, not of the file; as :mod:`fakturaflyt.core.ehf.xsd` does).
    """
    try:
        root = parse_xml(data, max_bytes=_VALIDATE_MAX_BYTES, what="The payment file")
    except FormatError as exc:
        return list(exc.problems)
    namespace = etree.QName(root).namespace or ""
    version = namespace.rpartition(":")[2]
    if etree.QName(root).localname != "Document" or version not in VERSIONS:
        return [
            Problem(
                "FF-PAIN001-VERSION",
                f"The document is {{{namespace}}}{etree.QName(root).localname}, not a pain.001.001.09 or "
                ".03 Document; only those can be checked",
                "/",
            )
        ]
    path = ((xsd_dir or default_xsd_dir()) / f"{version}.xsd").resolve()
    if not path.is_file():
        return [
            Problem(
                "FF-PAIN001-XSD-MISSING",
                f"The XSD {path} was not found, so the payment file was not checked; set FAKTURAFLYT_CORPUS "
                "to the corpus directory (it must contain bank/xsd)",
                "",
                "warning",
            )
        ]
    schema = _schema(path)
    if schema.validate(root):
        return []
    prefix = f"{{{namespace}}}"
    return [
        Problem(
            "FF-PAIN001-XSD",
            entry.message.replace(prefix, ""),
            f"line {entry.line}, {(entry.path or '').replace('/*', '/Document')}",
        )
        for entry in schema.error_log
    ]
