"""The fuzz targets: every function that reads input from outside, and the contract it must keep.

One registry serves the hypothesis tests in this directory (short run in CI, long run with
``HYPOTHESIS_PROFILE=fuzz``), the atheris harness in ``fuzz/`` (``make fuzz``) and the
replay of saved crashes (``tests/fuzz/regressions/<target>/*.bin``).

**The contract.** A target given arbitrary bytes (or text) either returns a result or raises the
error type its module documents: :class:`~fakturaflyt.core.errors.FakturaflytError` (a
``FormatError`` / ``RuleViolation`` with a stable ``FF-...`` code) for the core readers, Django's
``ValidationError`` or ``ValueError`` for the few form-field parsers that document it. Anything
else (``IndexError``, ``KeyError``, ``UnicodeDecodeError``, ``decimal.InvalidOperation``,
``RecursionError``, an lxml or PDFium exception, ...) is a crash, and so is a run longer than the
hypothesis deadline (a hang). XML is read through :mod:`fakturaflyt.core.xmlsafe`, which refuses
DTDs: the XXE and entity-bomb seeds below check that no reader goes around it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("FAKTURAFLYT_CORPUS", REPO.parent / "shared" / "corpus"))
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
MAX_SEED_BYTES = 256 * 1024  # larger corpus files make each fuzz input slow; they add no new structure


@dataclass(frozen=True)
class Target:
    """One parser under fuzzing.

    ``run`` takes bytes (text targets decode them as UTF-8 with replacement, the way a web form
    or a CSV cell arrives); ``allowed`` are the documented error types; ``seeds`` name corpus
    globs (relative to ``../shared/corpus``) and ``extra`` built-in seed inputs; ``kind`` picks
    the structured hypothesis strategy (``xml``, ``csv``, ``lines``, ``text``, ``binary``).
    """

    name: str
    run: Callable[[bytes], object]
    kind: str
    seeds: tuple[str, ...] = ()
    extra: tuple[bytes, ...] = ()
    allowed: tuple[type[BaseException], ...] = field(default_factory=tuple)
    django: bool = False  # needs Django settings (an app-level reader); no database access
    derive: Callable[[], list[bytes]] | None = None  # seeds computed from the corpus at run time

    def seed_inputs(self) -> list[bytes]:
        return _seed_inputs(self.name)


class ContractViolation(AssertionError):
    """A target raised something outside its contract; ``__cause__`` is the original exception."""


class Hang(Exception):
    """The target ran longer than :data:`HANG_SECONDS` on one input."""


HANG_SECONDS = float(os.environ.get("FUZZ_HANG_SECONDS", "10"))


def check(target: Target, data: bytes, *, hang_seconds: float = HANG_SECONDS) -> None:
    """Run ``target`` on ``data`` and raise :class:`ContractViolation` when the contract is broken.

    A run longer than ``hang_seconds`` is stopped (SIGALRM, main thread only) and counts as a
    hang. With ``FUZZ_CRASH_DIR`` set, a crashing input is saved there as
    ``<target>/<sha256[:16]>.bin``, so a long run leaves files that become regression tests
    (see docs/fuzzing.md).
    """
    import signal
    import threading

    from fakturaflyt.core.errors import FakturaflytError

    allowed = (FakturaflytError, *target.allowed)
    alarm = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and 0 < hang_seconds < float("inf")
    )
    if alarm:

        def _hang(signum: int, frame: Any) -> None:
            raise Hang(f"no result after {hang_seconds:g} s")

        previous = signal.signal(signal.SIGALRM, _hang)
        signal.setitimer(signal.ITIMER_REAL, hang_seconds)
    try:
        target.run(data)
    except allowed:
        return
    except Exception as exc:
        save_crash(target.name, data)
        raise ContractViolation(f"{target.name}: {type(exc).__name__}: {exc}"[:2000]) from exc
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def save_crash(name: str, data: bytes) -> Path | None:
    root = os.environ.get("FUZZ_CRASH_DIR")
    if not root:
        return None
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.bin"
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------------ the readers


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _ehf_read(data: bytes) -> object:
    from fakturaflyt.core.ehf.read import read_invoice

    return read_invoice(data)


def _ehf_validate(data: bytes) -> object:
    """Our own rules on top of the reader (the XSD step included; never the slow official XSLT)."""
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.ehf.rules import check as rules

    return rules(read_invoice(data))


def _camt(data: bytes) -> object:
    from fakturaflyt.core.iso20022.camt import read_camt

    return read_camt(data)


def _bankfile(data: bytes) -> object:
    from fakturaflyt.core.bankfile import detect, read_bank_file

    detect(data)
    return read_bank_file(data)


def _pain002(data: bytes) -> object:
    from fakturaflyt.core.iso20022.pain002 import read_pain002

    return read_pain002(data)


def _ocrgiro(data: bytes) -> object:
    from fakturaflyt.core.ocrgiro import looks_like_ocr_giro, read_ocr_giro

    looks_like_ocr_giro(data)
    return read_ocr_giro(data)


def _saft(data: bytes) -> object:
    from fakturaflyt.core.saft_read import read_saft

    return read_saft(data)


def _card_camt(data: bytes) -> object:
    from fakturaflyt.core.cards.camt import looks_like_camt, read_camt_card_transactions

    looks_like_camt(data)
    return read_camt_card_transactions(data)


def _card_statement(data: bytes) -> object:
    from fakturaflyt.core.cards.statement import read_statement

    return read_statement(data)


def _card_orders(data: bytes) -> object:
    from fakturaflyt.core.cards import read_orders

    return read_orders(data)


def _card_file(data: bytes) -> object:
    """The app-level detector of the card import (statement, Amazon report or camt)."""
    from fakturaflyt.cards.importer import read_card_file

    return read_card_file(data, filename="upload.csv")


def _rates(data: bytes) -> object:
    from fakturaflyt.core.exchange_rates import read_norges_bank_csv

    return read_norges_bank_csv(data)


def _coding_csv(data: bytes) -> object:
    from fakturaflyt.core.coding.evaluate import line_from_row, read_rows

    return [line_from_row(row, ("card",)) for row in read_rows(data, "account_code", ("card",))]


def _standard_accounts(data: bytes) -> object:
    from fakturaflyt.core.standard_accounts import parse_standard_accounts

    return parse_standard_accounts(data)


def _pdf_text(data: bytes) -> object:
    """The text layer of a PDF and the invoice fields from it; pages without text are skipped (no OCR here)."""
    from fakturaflyt.core.pdf.extract import extract_from_words
    from fakturaflyt.core.pdf.text import has_text, image_coverage, opened, page_words

    words: list[Any] = []
    sizes = []
    with opened(data) as pdf:
        for i in range(len(pdf.sizes)):
            page, size = page_words(pdf, i)
            has_text(page)
            image_coverage(pdf, i)
            words.extend(page)
            sizes.append(size)
    return extract_from_words(words, tuple(sizes))


def _pdf_fields(data: bytes) -> object:
    """The invoice field extractor on text rows: PDF text with the geometry taken away."""
    from fakturaflyt.core.pdf.extract import extract_from_words
    from fakturaflyt.core.pdf.words import Word

    words = []
    for y, line in enumerate(_text(data).splitlines()[:400]):
        x = 20.0
        for token in line.split()[:60]:
            words.append(Word(token, 1, x, 20.0 + 12 * y, x + 6 * len(token), 30.0 + 12 * y))
            x += 6 * len(token) + 5
    return extract_from_words(words, ((595.0, 842.0),))


def _pdf_values(data: bytes) -> object:
    from fakturaflyt.core.pdf.parsers import parse_field
    from fakturaflyt.core.pdf.values import parse_amount, parse_date

    text = _text(data)
    out = [parse_amount(text), parse_date(text), parse_date(text, month_first=True)]
    for name in FIELD_NAMES:
        out.append(parse_field(name, text))
    return out


def _mail(data: bytes) -> object:
    from fakturaflyt.core.mail import read_headers, read_message

    read_headers(data)
    return read_message(data)


def _zip(data: bytes) -> object:
    from fakturaflyt.core.mail import unpack_zip

    return unpack_zip(data)


def _filetypes(data: bytes) -> object:
    from fakturaflyt.core.filetypes import image_size, sniff
    from fakturaflyt.core.mail import xml_root_name

    return sniff(data, "upload.bin"), image_size(data), xml_root_name(data)


def _search(data: bytes) -> object:
    from fakturaflyt.core.search_query import parse

    return parse(_text(data))


def _identifiers(data: bytes) -> object:
    from fakturaflyt.core import identifiers as ids

    text = _text(data)
    for fn in (
        ids.normalise_orgnr,
        ids.mva_number,
        ids.normalise_kontonr,
        ids.kontonr_to_iban,
        ids.normalise_iban,
        ids.normalise_bic,
        ids.peppol_id,
        ids.validate_kid,
    ):
        try:
            fn(text)
        except _core_error():
            pass
    ids.kid_method(text)
    for method in ("mod10", "mod11"):
        try:
            ids.validate_kid(text, method)  # type: ignore[arg-type]
            ids.make_kid(text, method, length=len(text) + 1)  # type: ignore[arg-type]
        except _core_error():
            pass
    return None


def _amounts(data: bytes) -> object:
    """The small parsers of money and dates the readers and forms share."""
    from fakturaflyt.core.cards._csv import parse_amount, parse_date, parse_time, parse_timestamp
    from fakturaflyt.core.money import D

    text = _text(data)
    calls: list[Callable[[], object]] = [
        lambda: D(text),
        lambda: parse_amount(text, location="x"),
        lambda: parse_amount(text, decimal_comma=True, location="x"),
        lambda: parse_amount(text, decimal_comma=False, location="x"),
        lambda: parse_date(text, location="x"),
        lambda: parse_date(text, location="x", slash="dmy"),
        lambda: parse_date(text, location="x", fmt="%d.%m.%Y"),
        lambda: parse_time(text, location="x"),
        lambda: parse_timestamp(text, location="x", required=False),
    ]
    for call in calls:
        try:
            call()
        except _core_error():
            pass
    return None


def _form_values(data: bytes) -> object:
    """The app-level form parsers (payables forms and fields, dashboard months): ValidationError/ValueError."""
    from django.core.exceptions import ValidationError

    from fakturaflyt.dashboards.periods import parse_month
    from fakturaflyt.payables import fields, forms
    from fakturaflyt.purchasing.csvimport import parse_date as po_date

    text = _text(data)
    for fn in (forms.parse_date, forms.parse_amount, fields.parse_date, parse_month, po_date):
        try:
            fn(text)
        except (ValidationError, ValueError):
            pass
    return None


def _ehf_json(data: bytes) -> object:
    """The invoice model from JSON (``fakturaflyt ehf write MODEL.json``, the API)."""
    import json

    from fakturaflyt.core.ehf.jsonio import invoice_from_dict

    try:
        value = json.loads(data)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return invoice_from_dict(value)


def _core_error() -> type[BaseException]:
    from fakturaflyt.core.errors import FakturaflytError

    return FakturaflytError


FIELD_NAMES = (
    "invoice_number",
    "issue_date",
    "due_date",
    "supplier_orgnr",
    "supplier_vat_id",
    "kid",
    "bank_account",
    "iban",
    "order_reference",
    "net_total",
    "vat_total",
    "total",
    "currency",
    "supplier_name",
)


# ------------------------------------------------------------------------------------ seeds

_MAIL = (
    b"From: Leverandor <faktura@lev.no>\r\nTo: faktura+923609016@inbox.example\r\n"
    b"Subject: =?utf-8?q?Faktura_1001_bl=C3=A5b=C3=A6r?=\r\nMessage-ID: <m1@lev.no>\r\nMIME-Version: 1.0\r\n"
    b"Date: Tue, 01 Dec 2026 10:00:00 +0100\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVedlagt faktura.\r\n"
    b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="f.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjcKJSVFT0YK\r\n"
    b'--b\r\nContent-Type: application/xml; name="ehf.xml"\r\nContent-Disposition: attachment; '
    b"filename*=utf-8''f%C3%A5.xml\r\n\r\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>\r\n"
    b"--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: a@b.no\r\nSubject: fwd\r\nContent-Type: image/png\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n"
    b'--b\r\nContent-Type: application/pgp-signature; name="signature.asc"\r\n\r\nsig\r\n--b--\r\n'
)


def _zip_seed() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("faktura.xml", b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')
        z.writestr("sub/f.pdf", b"%PDF-1.7\n%%EOF\n")
        z.writestr("../evil.pdf", b"%PDF-1.7\n")
        z.writestr("a.zip", b"PK\x05\x06" + b"\x00" * 18)
    return buffer.getvalue()


def _mail_with_zip() -> bytes:
    """An e-mail whose attachment is a zip (nested archives, traversal names): the intake's hardest path."""
    import base64

    body = base64.encodebytes(_zip_seed())
    return (
        b"From: a@lev.no\r\nTo: faktura@inbox.example\r\nSubject: zip\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: application/zip; name="f.zip"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n--z--\r\n"
    )


_XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&e;</ID></Invoice>'
)
_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Document>&c;</Document>'
)
_XML_COMMON = (
    _XXE,
    _BOMB,
    b"<a>" * 300 + b"</a>" * 300,
    b"\xef\xbb\xbf<?xml version='1.0' encoding='latin-1'?><a>\xe6</a>",
)

_RATES = (
    b"FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;Decimals;CALCULATED;"
    b"Calculated;UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE\n"
    b"B;Business;EUR;Euro;NOK;Norwegian krone;SP;Spot;4;false;0;Units;C;ECB concertation time 14:15 CET;2026-01-02;11,7500\n"
    b"B;Business;SEK;Svenske kroner;NOK;Norwegian krone;SP;Spot;4;false;2;Hundreds;C;ECB;2026-01-02;107,12\n"
)
_STATEMENTS = (
    b"date,time,merchant,amount,currency,amount_nok,card_holder,reference\n"
    b"2026-03-01,13:05,AMZN MKTP DE*2X4AB12C3,12.50,EUR,145.20,Kari,R1\n"
    b"2026-03-02,09:00,PAYPAL *NETFLIX,-129.00,NOK,,Ola,R2\n",
    "Kjøpsdato;Spesifikasjon;Beløp i valuta;Valuta;Beløp;Kortholder\n"
    "01.03.2026;AMZN MKTP DE*2X4AB12C3;12,50;EUR;1 145,20;Kari\n".encode("cp1252"),
)
_CODING = (
    b"date,supplier,description,amount,account,account_code,cost_centre,cost_centre_code,directorate,vat_code,card\n"
    b"2016-12-01,penns lane,,60.54,Vehicle Fuel,K020,Ebrook,RV18N,Adult,VR,4985\n"
)
_ACCOUNTS = b"AccountID;Description;DescriptionENG\n1000;Forskning og utvikling;R&D\n1920;Bankinnskudd;Bank\n"
_TEXT = (
    b"Faktura 2024-10457\nFakturadato: 01.12.2026\nForfallsdato 15.12.2026\nOrg.nr 923 609 016 MVA\n"
    b"KID: 0000123456782\nKontonr: 1503.12.34567\nIBAN NO93 8601 1117 947\nSum eks. mva 1 000,00\n"
    b"MVA 25 % 250,00\nTotalt kr 1 250,00\nBel\xc3\xb8p \xc3\xa5 betale NOK 1.250,00\n",
    b'leverandor:Kontor AS belop:1000..2000 dato:2026-01-01..2026-02-01 kid:12345 -status:paid "a b" 923609016',
    b"1 234,50",
    b"1,234.50",
    b"-0,01",
    b"1e999999",
    b"NaN",
    b"31.02.2026",
    b"2026-13",
    b"NO923609016MVA",
    b"1503.12.34567",
    b"NO9386011117947",
    b"DNBANOKKXXX",
    b"0000123456782",
    b"12/31/2026 23:59:60",
)


@cache
def _seed_inputs(name: str) -> list[bytes]:
    target = TARGETS[name]
    found: list[bytes] = []
    if CORPUS.is_dir():
        for pattern in target.seeds:
            for path in sorted(CORPUS.glob(pattern)):
                if path.is_file() and path.stat().st_size <= MAX_SEED_BYTES:
                    found.append(path.read_bytes())
    if target.derive is not None and CORPUS.is_dir():
        found.extend(target.derive())
    return found + list(target.extra)


def _ehf_json_seeds() -> list[bytes]:
    """The model JSON of a few real EHF examples, as ``fakturaflyt ehf parse`` prints it."""
    import json

    from fakturaflyt.core.ehf.jsonio import to_dict
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.errors import FakturaflytError

    out = []
    for path in sorted(CORPUS.glob("ehf/examples/*.xml"))[:8]:
        try:
            out.append(json.dumps(to_dict(read_invoice(path.read_bytes()))).encode())
        except FakturaflytError:
            continue
    return out


_XML_BANK = ("bank/samples/camt05[234]/*.xml", "bank/samples/pain/*.xml")

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("ehf_read", _ehf_read, "xml", ("ehf/examples/*.xml", "ehf/examples/*.XML"), _XML_COMMON),
        Target("ehf_rules", _ehf_validate, "xml", ("ehf/examples/*.xml",), ()),
        Target("ehf_json", _ehf_json, "text", (), (b'{"number": "1", "lines": [{}]}',), derive=_ehf_json_seeds),
        Target("camt", _camt, "xml", _XML_BANK, _XML_COMMON),
        Target("bankfile", _bankfile, "xml", (*_XML_BANK, "nets/*.txt"), _XML_COMMON),
        Target("pain002", _pain002, "xml", ("bank/samples/pain/*pain002*.xml",), _XML_COMMON),
        Target("ocrgiro", _ocrgiro, "lines", ("nets/*.txt",)),
        Target("saft", _saft, "xml", ("saft/examples/*.xml",), _XML_COMMON),
        Target("card_camt", _card_camt, "xml", ("bank/samples/camt05[34]/*.xml",), _XML_COMMON),
        Target("card_statement", _card_statement, "csv", (), _STATEMENTS),
        Target("card_orders", _card_orders, "csv", ("amazon/*.csv",)),
        Target("card_file", _card_file, "csv", ("amazon/*.csv",), _STATEMENTS, django=True),
        Target("rates_csv", _rates, "csv", (), (_RATES,)),
        Target("coding_csv", _coding_csv, "csv", (), (_CODING,)),
        Target(
            "standard_accounts", _standard_accounts, "csv", ("saft/mappings/standard_accounts/*.csv",), (_ACCOUNTS,)
        ),
        Target("pdf_text", _pdf_text, "binary", ("pdf/invoice2data/*.pdf", "pdf/synthetic_no/*.pdf")),
        Target("pdf_fields", _pdf_fields, "text", (), _TEXT),
        Target("pdf_values", _pdf_values, "text", (), _TEXT),
        Target("mail", _mail, "binary", (), (_MAIL, _mail_with_zip())),
        Target("zip", _zip, "binary", (), (_zip_seed(),)),
        Target("filetypes", _filetypes, "binary", ("pdf/invoice2data/*.png",), (_MAIL, _zip_seed(), _XXE)),
        Target("search_query", _search, "text", (), _TEXT),
        Target("identifiers", _identifiers, "text", (), _TEXT),
        Target("amounts", _amounts, "text", (), _TEXT),
        Target("form_values", _form_values, "text", (), _TEXT, django=True),
    )
}
