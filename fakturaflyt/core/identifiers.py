"""Norwegian identifiers: organisasjonsnummer, MVA number, bank account, IBAN and KID.

Organisation numbers, MVA numbers and domestic account numbers are checked with
python-stdnum (``stdnum.no.orgnr``, ``stdnum.no.mva``, ``stdnum.no.kontonr``); IBAN and
BIC with schwifty. KID (kundeidentifikasjon, Nets/Mastercard Payment Services) is our
own: up to 25 digits whose last digit is a MOD10 (Luhn) or MOD11 check digit; MOD11 with
remainder 10 gives the check "digit" ``-`` which many KID agreements forbid.

>>> normalise_orgnr("923 609 016")
'923609016'
>>> mva_number("923609016")
'NO923609016MVA'
>>> make_kid("12345678", "mod10")
'123456782'
>>> make_kid("12345678", "mod11")
'123456785'
>>> kid_method("123456785")
'mod11'
"""

from __future__ import annotations

from typing import Literal

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError
from stdnum.no import kontonr, mva, orgnr

from fakturaflyt.core.errors import FormatError

KidMethod = Literal["mod10", "mod11"]
KID_MAX_LENGTH = 25


def normalise_orgnr(value: str) -> str:
    """Return the nine-digit organisation number, or raise ``FF-ORGNR-INVALID``.

    Accepts spaces, an ``NO`` prefix and ``MVA`` suffix (as printed on invoices).
    """
    text = value.strip().upper().replace(" ", "")
    if text.startswith("NO"):
        text = text[2:]
    if text.endswith("MVA"):
        text = text[:-3]
    try:
        return str(orgnr.validate(text))
    except ValidationError as exc:
        raise FormatError(
            "FF-ORGNR-INVALID",
            f"{value!r} is not a valid Norwegian organisation number ({exc}); check the nine digits",
            "orgnr",
        ) from None


def mva_number(org: str) -> str:
    """The VAT number ``NO<orgnr>MVA`` for a VAT-registered organisation."""
    number = f"NO{normalise_orgnr(org)}MVA"
    mva.validate(number)
    return number


def format_orgnr(org: str) -> str:
    """``923609016`` as ``923 609 016``, the way it is printed."""
    return str(orgnr.format(normalise_orgnr(org)))


def normalise_kontonr(value: str) -> str:
    """Return an 11-digit Norwegian bank account number, or raise ``FF-KONTONR-INVALID``."""
    try:
        return str(kontonr.validate(value))
    except ValidationError as exc:
        raise FormatError(
            "FF-KONTONR-INVALID",
            f"{value!r} is not a valid Norwegian bank account number ({exc})",
            "kontonr",
        ) from None


def format_kontonr(value: str) -> str:
    """``15032080119`` as ``1503.20.80119``."""
    return str(kontonr.format(normalise_kontonr(value)))


def kontonr_to_iban(value: str) -> str:
    """The IBAN (``NOkk...``) for a Norwegian account number."""
    return str(kontonr.to_iban(normalise_kontonr(value))).replace(" ", "")


def normalise_iban(value: str) -> str:
    """Return the IBAN in compact form, or raise ``FF-IBAN-INVALID``."""
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise FormatError("FF-IBAN-INVALID", f"{value!r} is not a valid IBAN ({exc})", "iban") from None


def normalise_bic(value: str) -> str:
    """Return the BIC in compact form, or raise ``FF-BIC-INVALID``."""
    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise FormatError("FF-BIC-INVALID", f"{value!r} is not a valid BIC ({exc})", "bic") from None


def peppol_id(org: str) -> str:
    """The Peppol participant id of a Norwegian enterprise: scheme ``0192`` and the org.nr."""
    return f"0192:{normalise_orgnr(org)}"


def _mod10_digit(base: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(base)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def _mod11_digit(base: str) -> str:
    weights = (2, 3, 4, 5, 6, 7)
    total = sum(int(ch) * weights[i % 6] for i, ch in enumerate(reversed(base)))
    remainder = 11 - total % 11
    if remainder == 11:
        return "0"
    if remainder == 10:
        return "-"
    return str(remainder)


def _digits(text: str) -> bool:
    """Only ASCII 0-9: ``str.isdigit()`` also takes ``²`` and other digits ``int()`` refuses (found by fuzzing)."""
    return text.isascii() and text.isdigit()


def kid_check_digit(base: str, method: KidMethod) -> str:
    """The check digit for ``base``; MOD11 may give ``-``."""
    if not _digits(base):
        raise FormatError("FF-KID-FORMAT", f"KID base {base!r} must be digits only", "KID")
    return _mod10_digit(base) if method == "mod10" else _mod11_digit(base)


def make_kid(base: str, method: KidMethod, *, length: int | None = None, allow_dash: bool = False) -> str:
    """Build a KID from ``base`` (left-padded with zeros to ``length - 1`` digits if given).

    Raises ``FF-KID-DASH`` when MOD11 gives ``-`` and the agreement forbids it: the
    caller should then skip that base number (as Nets recommends).
    """
    if length is not None:
        if not 2 <= length <= KID_MAX_LENGTH:
            raise FormatError("FF-KID-LENGTH", f"KID length must be 2 to {KID_MAX_LENGTH}, not {length}", "KID")
        if len(base) > length - 1:
            raise FormatError("FF-KID-LENGTH", f"base {base!r} does not fit in a {length}-digit KID", "KID")
        base = base.zfill(length - 1)
    if len(base) + 1 > KID_MAX_LENGTH:
        raise FormatError("FF-KID-LENGTH", f"KID would be longer than {KID_MAX_LENGTH} digits", "KID")
    digit = kid_check_digit(base, method)
    if digit == "-" and not allow_dash:
        raise FormatError("FF-KID-DASH", f"MOD11 gives '-' for base {base}; use another base number", "KID")
    return base + digit


def kid_method(kid: str) -> KidMethod | None:
    """Which check-digit method ``kid`` satisfies (``mod10`` tried first), or None."""
    text = kid.strip()
    if not 2 <= len(text) <= KID_MAX_LENGTH or not _digits(text[:-1]):
        return None
    base, digit = text[:-1], text[-1]
    if _digits(digit) and _mod10_digit(base) == digit:
        return "mod10"
    if _mod11_digit(base) == digit:
        return "mod11"
    return None


def validate_kid(kid: str, method: KidMethod | None = None) -> str:
    """Return ``kid`` if its check digit holds (for ``method``, or either), else raise ``FF-KID-CHECKDIGIT``."""
    text = kid.strip()
    if not text or len(text) > KID_MAX_LENGTH or not _digits(text[:-1]):
        raise FormatError("FF-KID-FORMAT", f"KID {kid!r} must be 2 to {KID_MAX_LENGTH} digits", "KID")
    found = kid_method(text)
    if found is None or (method is not None and found != method and kid_check_digit(text[:-1], method) != text[-1]):
        raise FormatError(
            "FF-KID-CHECKDIGIT", f"KID {kid} has a wrong check digit; ask the payee for the right KID", "KID"
        )
    return text
