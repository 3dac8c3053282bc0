"""What an accountant types into the search box, understood: amounts, org.nr, KID, voucher numbers, words.

The query is cut into *terms*; a result must match every term (AND), and a term matches a row
when any of its readings does (OR). Each term keeps the text as typed (so an invoice number
such as ``F-2026-17`` is still found as text) and adds the structured readings that fit:

* **amount** (beløp): ``1250``, ``1250.00``, ``1250,00``, ``1 250,00``, ``1.250,00``,
  ``1,250.00``, ``kr 1 250,-``; compared with the stored amount (either sign), to the øre.
* **org.nr** (organisasjonsnummer, Enhetsregisteret): nine digits with a valid MOD11 check
  digit, with or without spaces, ``NO`` prefix or ``MVA`` suffix (``NO924753811MVA``).
* **bank account** (kontonummer): eleven digits with a valid MOD11 check digit, ``1503.20.80119``.
* **KID**: 6 to 25 digits whose last digit is a MOD10 or MOD11 check digit (Nets KID rules).
* **voucher** (bilag): the voucher label as the ledger shows it, ``AP 2026-17`` (series, year,
  number; also ``AP-2026-17`` and ``ap2026-17``), or ``AP-17`` for number 17 of any year.
* **date**: ``15.03.2026``, ``15.3.26`` or ``2026-03-15``.
* **number**: any run of digits, for invoice, customer and voucher numbers and KID prefixes.

Words are looked for as parts of names and texts, case-insensitively; :func:`spellings` gives
the Norwegian transcriptions (``å``/``aa``, ``æ``/``ae``, ``ø``/``oe``) and accent-free forms
so ``Aasen`` finds ``Åsen``, and :func:`case_forms` the capitalisations a database without
Unicode case folding (SQLite) needs to be asked for.

>>> q = parse("Bergen 1 250,00")
>>> [(t.kind.value, t.text) for t in q.terms]
[('text', 'Bergen'), ('amount', '1 250,00')]
>>> q.terms[1].amount
Decimal('1250.00')
>>> parse("NO 924 753 811 MVA").terms[0].orgnr
'924753811'
>>> parse("924753811").terms[0].kind.value
'orgnr'
>>> v = parse("AP 2026-17").terms[0]
>>> v.kind.value, v.voucher
('voucher', VoucherRef(series='AP', year=2026, number=17))
>>> t = parse("ap-17").terms[0]   # also an invoice number such as "INV-17": text first, voucher too
>>> t.kind.value, t.voucher
('text', VoucherRef(series='AP', year=None, number=17))
>>> parse("1503.20.80119").terms[0].bank_account
'15032080119'
>>> parse("15.03.2026").terms[0].on
datetime.date(2026, 3, 15)
>>> kid = parse("1234567890003").terms[0]
>>> kid.kind.value, kid.kid, kid.digits
('kid', '1234567890003', '1234567890003')
>>> parse("1.250,50").terms[0].amount, parse("1,250.50").terms[0].amount, parse("kr 1 250,-").terms[0].amount
(Decimal('1250.50'), Decimal('1250.50'), Decimal('1250.00'))
>>> parse("  ").is_empty
True
>>> parse("x" * 500).truncated
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import KID_MAX_LENGTH, kid_method, normalise_kontonr, normalise_orgnr

#: Longer queries are cut here (a search box is not a document); the page says so.
MAX_QUERY_LENGTH = 200
#: At most this many terms are used; more only make every row fail to match.
MAX_TERMS = 8
#: A word shorter than this matches nearly everything and is left out (numbers are kept).
MIN_WORD_LENGTH = 2
#: Amounts above this many whole-krone digits are identifiers, not amounts (DecimalField(18, 2)).
MAX_AMOUNT_DIGITS = 12
#: A KID reading needs at least this many digits: shorter check-digit hits are mostly chance.
MIN_KID_LENGTH = 6

CENT = Decimal("0.01")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"^(?:kr\.?|nok)$", re.IGNORECASE)
_CURRENCY_AFFIX = re.compile(r"^(?:kr\.?|nok)\s*(?=[-\d])|(?<=[\d-])\s*(?:kr\.?|nok)$", re.IGNORECASE)
_SERIES = r"[A-Za-zÆØÅæøå]{1,10}"
#: Multi-word tokens found before the query is split on spaces: a voucher label with a space
#: (``AP 2026-17``), an org.nr written ``NO 924 753 811 MVA``, and numbers grouped by thousands.
_VOUCHER_SPACED = re.compile(rf"(?<!\S)({_SERIES}) (\d{{4}}-\d{{1,9}})(?!\S)")
_ORGNR_SPACED = re.compile(r"(?<!\S)(?:NO ?)?\d{3} ?\d{3} ?\d{3}(?: ?MVA)?(?!\S)", re.IGNORECASE)
_GROUPED = re.compile(r"(?<!\S)(?:(?:kr\.?|nok) )?-?\d{1,3}(?: \d{3})+(?:,\d{1,2}|,-)?(?: (?:kr\.?|nok))?(?!\S)", re.I)
_CURRENCY_BEFORE_NUMBER = re.compile(r"(?<!\S)(kr\.?|nok) (?=-?\d)", re.IGNORECASE)

_VOUCHER = re.compile(rf"^({_SERIES})[ -]?(\d{{4}})-(\d{{1,9}})$")
_VOUCHER_ANY_YEAR = re.compile(r"^([A-Za-zÆØÅæøå]{1,6})-(\d{1,9})$")
_DATE_NO = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_KONTONR_DOTTED = re.compile(r"^\d{4}\.\d{2}\.\d{5}$")
_AMOUNT_FORMS = (
    (re.compile(r"^-?\d+$"), None, None),
    (re.compile(r"^-?\d+,(?:\d{1,2}|-)$"), None, ","),  # 1250,00  1250,-
    (re.compile(r"^-?\d+\.\d{1,2}$"), None, "."),  # 1250.00
    (re.compile(r"^-?\d{1,3}(?:[ .]\d{3})+(?:,(?:\d{1,2}|-))?$"), "[ .]", ","),  # 1 250,00  1.250,00
    (re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$"), ",", "."),  # 1,250.00
)
_STRIP = "\"'«»“”‘’()[]{}<>,;:!?"


class TermKind(StrEnum):
    """How a term was understood first; what it is searched as is every reading it has."""

    VOUCHER = "voucher"
    ORGNR = "orgnr"
    BANK_ACCOUNT = "bank_account"
    DATE = "date"
    KID = "kid"
    AMOUNT = "amount"
    NUMBER = "number"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class VoucherRef:
    """A voucher label: series code (upper case), year (None: any year) and number."""

    series: str
    year: int | None
    number: int


@dataclass(frozen=True, slots=True)
class Term:
    """One term of the query, as typed (``text``) and with each structured reading that fits."""

    text: str
    kind: TermKind
    amount: Decimal | None = None
    orgnr: str | None = None
    bank_account: str | None = None
    kid: str | None = None
    digits: str | None = None
    voucher: VoucherRef | None = None
    on: date | None = None

    @property
    def is_word(self) -> bool:
        """Long enough to be looked for inside names and texts."""
        return len(self.text) >= MIN_WORD_LENGTH

    @property
    def number(self) -> int | None:
        """The digits as a whole number, for integer keys (invoice, customer and voucher numbers)."""
        if self.digits is None or len(self.digits) > 9:
            return None
        return int(self.digits)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the text searched (trimmed) and its terms; ``truncated`` when it was cut."""

    text: str
    terms: tuple[Term, ...] = field(default_factory=tuple)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse(raw: str) -> Query:
    """Cut ``raw`` into at most :data:`MAX_TERMS` terms and read each one (see the module docstring).

    >>> [t.kind.value for t in parse("«Fjordnett» 2026-03-15 F-1001").terms]
    ['text', 'date', 'text']
    >>> parse("a").is_empty   # one letter finds everything: left out
    True
    >>> parse("7").terms[0].amount
    Decimal('7.00')
    """
    # NUL marks protected groups in _tokens (and PostgreSQL refuses it in text): a space here (found by fuzzing)
    text = _SPACES.sub(" ", (raw or "").replace("\x00", " ")).strip()
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    terms: list[Term] = []
    for token in _tokens(text):
        term = read_term(token)
        if term is not None and term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        terms, truncated = terms[:MAX_TERMS], True
    return Query(text=text, terms=tuple(terms), truncated=truncated)


def _tokens(text: str) -> list[str]:
    """Split on spaces, keeping together what an accountant writes with spaces inside."""
    protected: list[str] = []

    def keep(match: re.Match[str]) -> str:
        protected.append(match.group(0))
        return f"\x00{len(protected) - 1}\x00"

    for pattern in (_VOUCHER_SPACED, _ORGNR_SPACED, _GROUPED):
        text = pattern.sub(keep, text)
    text = _CURRENCY_BEFORE_NUMBER.sub(lambda m: m.group(1), text)  # "kr 500" reads as one amount
    tokens = []
    for part in text.split(" "):
        part = re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], part)
        part = part.strip(_STRIP)
        if part and not _CURRENCY.match(part):
            tokens.append(part)
    return tokens


def read_term(token: str) -> Term | None:
    """Every reading of one token; None for a word too short to search for.

    >>> read_term("1250").kind.value, read_term("1250").digits, read_term("1250").amount
    ('amount', '1250', Decimal('1250.00'))
    >>> read_term("10023").number
    10023
    >>> read_term("Ærø").kind.value
    'text'
    """
    compact = token.replace(" ", "")
    voucher = read_voucher(token)
    orgnr = read_orgnr(compact)
    account = read_bank_account(compact)
    on = read_date(compact)
    amount = None if on is not None else read_amount(token)
    digits = compact if compact.isdigit() else (orgnr or account)
    kid = digits if digits and MIN_KID_LENGTH <= len(digits) <= KID_MAX_LENGTH and kid_method(digits) else None
    if voucher and voucher.year is not None:
        kind = TermKind.VOUCHER
    elif orgnr:
        kind = TermKind.ORGNR
    elif account:
        kind = TermKind.BANK_ACCOUNT
    elif on:
        kind = TermKind.DATE
    elif kid and (amount is None or len(digits or "") > 7):
        kind = TermKind.KID
    elif amount is not None:
        kind = TermKind.AMOUNT
    elif digits:
        kind = TermKind.NUMBER
    elif voucher:  # "AP-17" reads as a voucher too, but "INV-4711" is more often an invoice number
        kind = TermKind.TEXT
    elif len(token) >= MIN_WORD_LENGTH:
        kind = TermKind.TEXT
    else:
        return None
    return Term(token, kind, amount, orgnr, account, kid, digits, voucher, on)


def read_voucher(token: str) -> VoucherRef | None:
    """``AP 2026-17``, ``AP-2026-17``, ``ap2026-17`` (series, year, number) or ``AP-17`` (any year).

    >>> read_voucher("GL 2025-3")
    VoucherRef(series='GL', year=2025, number=3)
    >>> read_voucher("Bergen") is None
    True
    """
    m = _VOUCHER.match(token)
    if m:
        return VoucherRef(m.group(1).upper(), int(m.group(2)), int(m.group(3)))
    m = _VOUCHER_ANY_YEAR.match(token)
    if m:
        return VoucherRef(m.group(1).upper(), None, int(m.group(2)))
    return None


def read_orgnr(compact: str) -> str | None:
    """The nine digits of a valid organisation number (``NO…MVA`` accepted), else None.

    >>> read_orgnr("no924753811mva"), read_orgnr("924753812")
    ('924753811', None)
    """
    text = compact.upper()
    if not re.fullmatch(r"(?:NO)?\d{9}(?:MVA)?", text):
        return None
    try:
        return normalise_orgnr(text)
    except FormatError:
        return None


def read_bank_account(compact: str) -> str | None:
    """The eleven digits of a valid Norwegian account number (``1503.20.80119`` or plain), else None.

    >>> read_bank_account("15032080119"), read_bank_account("15032080110")
    ('15032080119', None)
    """
    if not (re.fullmatch(r"\d{11}", compact) or _KONTONR_DOTTED.match(compact)):
        return None
    try:
        return normalise_kontonr(compact.replace(".", ""))
    except FormatError:
        return None


def read_date(compact: str) -> date | None:
    """A date written ``15.03.2026``, ``15.3.26`` or ``2026-03-15``, else None.

    >>> read_date("31.02.2026") is None, read_date("1.4.26")
    (True, datetime.date(2026, 4, 1))
    """
    try:
        m = _DATE_NO.match(compact)
        if m:
            year = int(m.group(3))
            return date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1)))
        m = _DATE_ISO.match(compact)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def read_amount(token: str) -> Decimal | None:
    """The amount in ``token`` (positive, to the øre) in Norwegian or English writing, else None.

    >>> [str(read_amount(t)) for t in ("1250", "1250,5", "1 250,00", "1.250", "1,250", "NOK 99.90", "1250,-")]
    ['1250.00', '1250.50', '1250.00', '1250.00', '1250.00', '99.90', '1250.00']
    >>> read_amount("12.3.4") is None, read_amount("1234567890123") is None
    (True, True)
    """
    text = _CURRENCY_AFFIX.sub("", token.strip()).strip()
    for pattern, thousands, decimal_mark in _AMOUNT_FORMS:
        if not pattern.match(text):
            continue
        if thousands:
            text = re.sub(thousands, "", text)
        if decimal_mark:
            text = text.replace(decimal_mark, ".").replace(".-", "")
        whole = text.lstrip("-").split(".")[0]
        if len(whole.lstrip("0")) > MAX_AMOUNT_DIGITS:
            return None
        try:
            return abs(Decimal(text)).quantize(CENT)
        except InvalidOperation:  # pragma: no cover - the patterns only let numbers through
            return None
    return None


# ---------------------------------------------------------------- words in a database

_TRANSCRIPTIONS = (("å", "aa"), ("æ", "ae"), ("ø", "oe"))
_NORWEGIAN = set("æøåÆØÅ")


def fold_accents(word: str) -> str:
    """Drop accents other than the Norwegian letters: ``Café Møller`` → ``Cafe Møller``.

    >>> fold_accents("Crème brûlée på Ærø")
    'Creme brulee på Ærø'
    """
    out = []
    for ch in word:
        if ch in _NORWEGIAN:
            out.append(ch)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return "".join(out)


def spellings(word: str, limit: int = 6) -> tuple[str, ...]:
    """The word in lower case and its other Norwegian spellings: ``å``⇄``aa``, ``æ``⇄``ae``, ``ø``⇄``oe``.

    The older spelling with double letters lives on in names (Aasen, Aarhus, Moe), so a search
    for either finds both. Accents other than æøå are dropped as a further spelling.

    >>> spellings("Aasen")
    ('aasen', 'åsen')
    >>> spellings("Bjørnstad")
    ('bjørnstad', 'bjoernstad')
    >>> spellings("Café")
    ('café', 'cafe')
    """
    base = word.lower()
    found = [base]
    for letter, pair in _TRANSCRIPTIONS:
        for source in list(found):
            for old, new in ((letter, pair), (pair, letter)):
                if old in source:
                    found.append(source.replace(old, new))
    folded = fold_accents(base)
    found.append(folded)
    unique = tuple(dict.fromkeys(found))
    return unique[:limit]


def case_forms(word: str) -> tuple[str, ...]:
    """The capitalisations to ask a database whose LIKE folds only ASCII case (SQLite) for.

    >>> case_forms("ærø")
    ('ærø', 'ÆRØ', 'Ærø')
    >>> case_forms("bergen")   # ASCII only: one form is enough
    ('bergen',)
    """
    if word.isascii():
        return (word,)
    return tuple(dict.fromkeys((word.lower(), word.upper(), word.capitalize(), word.title())))
