"""Bank-to-invoice reconciliation (avstemming av innbetalinger): which open invoices a payment pays.

A payment (an incoming bank entry or OCR giro transaction) is compared with the company's open
items (issued customer invoices not yet paid), in the order an accountant trusts the evidence:

1. **KID** (``kid``): the payment's KID has a valid MOD10 or MOD11 check digit and belongs to
   exactly one open invoice. Confidence 0.99 when the amount is the open amount, 0.98 when it
   is not: a **partial payment** is allocated in full and the rest stays open; an
   **overpayment** pays the open amount and the rest is reported in ``Match.unallocated`` (a
   credit on the customer). A KID with a wrong check digit is ignored.
2. **Reference in the free text** (``text_kid``, ``text_number``): digit runs standing alone
   (not part of a longer word or number) in the message are looked up as KIDs (check digit
   validated first, 0.95) and as invoice numbers (leading zeros ignored). One invoice number
   with the right amount, or several whose open amounts add up to the payment: 0.9; an amount
   that differs: 0.85 when the payer is the invoice's customer, else 0.7.
3. **Amount and payer** (``amount_payer``): the customer is recognised by the payer's account
   (a known account of the customer) or by name (legal forms such as AS/ASA, case, accents and
   punctuation ignored; a name that is not equal counts when at least 60 % of the words
   of both names are shared), and
   exactly one of its open items has the payment's amount: 0.8. An amount equal to exactly one
   open item of *any* customer, payer unknown (``amount_only``): 0.5.
4. **Several invoices** (``several_invoices``): the payer's customer has 2-5 open items whose
   amounts add up exactly to the payment (a bounded subset sum over at most 25 of its oldest
   open items, meet-in-the-middle): 0.75 when the combination is unique.

Safety rules. **Ambiguity never posts**: when two different candidates are equally good, both
are capped at 0.45, below any sensible auto-posting threshold. A KID or reference that points
to a **credited** invoice is flagged (``method="credited_invoice"``, note "invoice credited",
nothing allocated, 0.3); to an invoice already paid in full, ``method="already_paid"`` (0.3).
Allocations never exceed the payment nor an invoice's open amount.

:class:`PaymentMatcher` indexes the open items once (by KID, invoice number, customer and
amount, payer account and name words), so matching 100,000 payments against 100,000 open items
is linear; matches at or above its ``threshold`` consume the open amounts they allocate, so the
same invoice is not paid twice by two payments of one file.

>>> from datetime import date
>>> from decimal import Decimal as D
>>> items = [
...     OpenItem(1, 7, "Fjord Bygg AS", "10001", "00007100019", D("1250.00")),
...     OpenItem(2, 7, "Fjord Bygg AS", "10002", "00007100027", D("500.00")),
...     OpenItem(3, 8, "Havbris ASA", "10003", "00008100034", D("500.00"), credited=True),
... ]
>>> [m] = match_payments([IncomingPayment("b1", D("1250.00"), kid="00007100019")], items)[0]
>>> (m.method, m.confidence, m.allocations)
('kid', 0.99, ((1, Decimal('1250.00')),))
>>> m = match_payments([IncomingPayment("b2", D("600.00"), text="Faktura 10002")], items)[0][0]
>>> (m.method, m.allocations, m.unallocated)
('text_number', ((2, Decimal('500.00')),), Decimal('100.00'))
>>> m = match_payments([IncomingPayment("b3", D("1750.00"), payer_name="FJORD BYGG A/S")], items)[0][0]
>>> (m.method, m.confidence, sorted(i for i, _ in m.allocations))
('several_invoices', 0.75, [1, 2])
>>> match_payments([IncomingPayment("b4", D("10.00"), kid="00008100034")], items)[0][0].note
'invoice credited: invoice 10003 has been credited; refund or reallocate the payment'
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Literal

from fakturaflyt.core.identifiers import kid_method

Method = Literal[
    "kid",
    "text_kid",
    "text_number",
    "amount_payer",
    "amount_only",
    "several_invoices",
    "credited_invoice",
    "already_paid",
]
InvoiceId = int | str
CustomerId = int | str

CONF_KID = 0.99
CONF_KID_AMOUNT_DIFFERS = 0.98
CONF_TEXT_KID = 0.95
CONF_TEXT_NUMBER = 0.9
CONF_TEXT_NUMBER_PAYER = 0.85
CONF_TEXT_NUMBER_WEAK = 0.7
CONF_AMOUNT_PAYER = 0.8
CONF_SUBSET = 0.75
CONF_AMOUNT_ONLY = 0.5
CONF_AMBIGUOUS = 0.45
CONF_FLAGGED = 0.3
#: The default auto-posting threshold (each company sets its own).
DEFAULT_THRESHOLD = 0.9
#: Subset sum bounds: the customer's oldest open items considered, and items in one combination.
SUBSET_MAX_ITEMS = 25
SUBSET_MAX_COMBINATION = 5
_NAME_FUZZY_MIN = 0.6
_NAME_TOKEN_MAX_CUSTOMERS = 50
_ZERO = Decimal("0.00")

_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9]{1,25}(?![0-9A-Za-z])")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-/]*[0-9A-Za-z]|[0-9A-Za-z]")
_WORD = re.compile(r"[a-z0-9æøå]+")
#: Legal forms dropped from names before comparing (Norwegian and common foreign ones).
LEGAL_FORMS = frozenset(
    {"as", "asa", "ans", "da", "ba", "sa", "sf", "ks", "nuf", "enk", "iks", "ab", "aps", "oy", "gmbh", "ltd"}
)

#: Words that differ between the bank's and the customer register's spelling of one name ("Lys & Varme").
_FILLER_WORDS = frozenset({"og", "and", "und"})


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    """One incoming payment as the bank reports it; ``amount`` positive, in the account's currency."""

    ref: str
    amount: Decimal
    date: date | None = None
    kid: str = ""
    text: str = ""
    payer_name: str = ""
    payer_account: str = ""


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice that may be paid: ``open_amount`` is what is still unpaid (0 when paid or credited)."""

    invoice_id: InvoiceId
    customer_id: CustomerId | None
    customer_name: str
    number: str
    kid: str
    open_amount: Decimal
    due_date: date | None = None
    total: Decimal | None = None
    credited: bool = False
    customer_accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate: how it was found, how sure, which invoices get how much, and what is left over.

    ``unallocated`` is the part of the payment not allocated (an overpayment: a credit on the
    customer). ``ambiguous`` is true when another candidate was equally good.
    """

    method: Method
    confidence: float
    allocations: tuple[tuple[InvoiceId, Decimal], ...]
    customer_id: CustomerId | None
    note: str = ""
    unallocated: Decimal = _ZERO
    ambiguous: bool = False

    @property
    def allocated(self) -> Decimal:
        return sum((a for _, a in self.allocations), _ZERO)


def normalise_name(name: str) -> str:
    """A company or person name reduced for comparison: case, accents, punctuation and legal form dropped.

    >>> normalise_name("Fjord-Bygg A/S"), normalise_name("FJORD BYGG AS"), normalise_name("Ærlig Økonomi ASA")
    ('fjord bygg', 'fjord bygg', 'ærlig økonomi')
    >>> normalise_name("LYS OG VARME") == normalise_name("Lys & Varme DA")
    True
    """
    lowered = name.lower().replace("æ", "\0a").replace("ø", "\0o").replace("å", "\0A")
    folded = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    folded = folded.replace("\0a", "æ").replace("\0o", "ø").replace("\0A", "å")
    folded = re.sub(r"\ba\s*/\s*s\b", "as", folded)
    words = [w for w in _WORD.findall(folded) if w not in LEGAL_FORMS and w not in _FILLER_WORDS]
    return " ".join(words)


def normalise_account(value: str) -> str:
    """A bank account for comparison: the 11-digit BBAN inside a Norwegian IBAN, else alphanumerics upper-cased.

    >>> normalise_account("NO93 8601 1117 947"), normalise_account("8601.11.17947")
    ('86011117947', '86011117947')
    """
    text = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    if len(text) == 15 and text.startswith("NO") and text[2:].isdigit():
        return text[4:]
    return text


def _number_key(value: str) -> str:
    text = value.strip().upper()
    return text.lstrip("0") or text if text.isdigit() else text


def _kid_key(kid: str) -> str:
    text = kid.strip()
    return text.lstrip("0") or text


class PaymentMatcher:
    """The open items indexed for matching; :meth:`match` one payment after another.

    With ``consume=True`` (the default) a match at or above ``threshold`` reduces the open
    amounts it allocates, as posting it will.
    """

    def __init__(self, open_items: Iterable[OpenItem], *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.items: list[OpenItem] = list(open_items)
        self.remaining: list[Decimal] = [i.open_amount for i in self.items]
        self.position: dict[InvoiceId, int] = {item.invoice_id: n for n, item in enumerate(self.items)}
        self.by_kid: dict[str, list[int]] = defaultdict(list)
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_customer: dict[CustomerId, list[int]] = defaultdict(list)
        self.by_customer_amount: dict[tuple[CustomerId, Decimal], set[int]] = defaultdict(set)
        self.by_amount: dict[Decimal, set[int]] = defaultdict(set)
        self.customer_by_account: dict[str, set[CustomerId]] = defaultdict(set)
        self.customer_by_name: dict[str, set[CustomerId]] = defaultdict(set)
        self.customer_by_word: dict[str, set[CustomerId]] = defaultdict(set)
        self.customer_words: dict[CustomerId, frozenset[str]] = {}
        for n, item in enumerate(self.items):
            if item.kid:
                self.by_kid[_kid_key(item.kid)].append(n)
            if item.number:
                self.by_number[_number_key(item.number)].append(n)
            customer = item.customer_id
            if customer is None:
                continue
            self.by_customer[customer].append(n)
            if not item.credited and item.open_amount > 0:
                self.by_customer_amount[(customer, item.open_amount)].add(n)
                self.by_amount[item.open_amount].add(n)
            for account in item.customer_accounts:
                if account:
                    self.customer_by_account[normalise_account(account)].add(customer)
            if customer not in self.customer_words:
                name = normalise_name(item.customer_name)
                words = frozenset(name.split())
                self.customer_words[customer] = words
                if name:
                    self.customer_by_name[name].add(customer)
                for word in words:
                    self.customer_by_word[word].add(customer)
        for indices in self.by_customer.values():
            indices.sort(key=lambda i: (self.items[i].due_date or date.max, i))

    # ------------------------------------------------------------------ bookkeeping of open amounts

    def _consume(self, match: Match) -> None:
        for invoice_id, amount in match.allocations:
            n = self.position[invoice_id]
            before = self.remaining[n]
            after = before - amount
            self.remaining[n] = after
            item = self.items[n]
            if item.customer_id is not None and not item.credited:
                self.by_customer_amount[(item.customer_id, before)].discard(n)
                self.by_amount[before].discard(n)
                if after > 0:
                    self.by_customer_amount[(item.customer_id, after)].add(n)
                    self.by_amount[after].add(n)

    # ------------------------------------------------------------------ the matching paths

    def _customers_of_payer(self, payment: IncomingPayment) -> set[CustomerId]:
        if payment.payer_account:
            found = self.customer_by_account.get(normalise_account(payment.payer_account))
            if found:
                return set(found)
        name = normalise_name(payment.payer_name)
        if not name:
            return set()
        exact = self.customer_by_name.get(name)
        if exact:
            return set(exact)
        words = frozenset(name.split())
        candidates: set[CustomerId] = set()
        for word in words:
            customers = self.customer_by_word.get(word, set())
            if len(customers) <= _NAME_TOKEN_MAX_CUSTOMERS:
                candidates |= customers
        result: set[CustomerId] = set()
        for customer in candidates:
            other = self.customer_words[customer]
            if other and len(words & other) / len(words | other) >= _NAME_FUZZY_MIN:
                result.add(customer)
        return result

    def _single(self, method: Method, confidence: float, n: int, payment: IncomingPayment, what: str) -> Match:
        """A match of ``payment`` to open item ``n``: partial, exact or over, or flagged."""
        item = self.items[n]
        remaining = self.remaining[n]
        if item.credited:
            return Match(
                "credited_invoice",
                CONF_FLAGGED,
                (),
                item.customer_id,
                f"invoice credited: invoice {item.number} has been credited; refund or reallocate the payment",
                payment.amount,
            )
        if remaining <= 0:
            return Match(
                "already_paid",
                CONF_FLAGGED,
                (),
                item.customer_id,
                f"invoice {item.number} is already paid; the payment is a credit on the customer until refunded",
                payment.amount,
            )
        amount = min(payment.amount, remaining)
        rest = payment.amount - amount
        if rest > 0:
            note = f"{what}; overpayment of {rest} becomes a credit on the customer"
        elif amount < remaining:
            note = f"{what}; partial payment, {remaining - amount} remains open"
        else:
            note = what
        return Match(method, confidence, ((item.invoice_id, amount),), item.customer_id, note, rest)

    def _by_kid(self, payment: IncomingPayment) -> list[Match]:
        kid = payment.kid.strip()
        if not kid or kid_method(kid) is None:
            return []
        found = self.by_kid.get(_kid_key(kid), [])
        matches = []
        for n in found:
            exact = self.remaining[n] == payment.amount
            confidence = CONF_KID if exact else CONF_KID_AMOUNT_DIFFERS
            matches.append(self._single("kid", confidence, n, payment, f"KID {kid}"))
        return matches

    def _by_text(self, payment: IncomingPayment, payer: set[CustomerId]) -> list[Match]:
        text = payment.text
        if not text:
            return []
        matches: list[Match] = []
        seen_kid: set[int] = set()
        numbers: list[int] = []
        for run in _DIGITS.findall(text):
            if len(run) >= 2 and kid_method(run) is not None:
                for n in self.by_kid.get(_kid_key(run), []):
                    if n not in seen_kid:
                        seen_kid.add(n)
                        matches.append(self._single("text_kid", CONF_TEXT_KID, n, payment, f"KID {run} in the text"))
        for token in _TOKEN.findall(text):
            for n in self.by_number.get(_number_key(token), []):
                if n not in numbers and n not in seen_kid:
                    numbers.append(n)
        if not numbers:
            return matches
        if len(numbers) == 1:
            n = numbers[0]
            item = self.items[n]
            if self.remaining[n] == payment.amount:
                confidence = CONF_TEXT_NUMBER
            elif item.customer_id in payer:
                confidence = CONF_TEXT_NUMBER_PAYER
            else:
                confidence = CONF_TEXT_NUMBER_WEAK
            matches.append(
                self._single("text_number", confidence, n, payment, f"invoice number {item.number} in the text")
            )
            return matches
        # Several invoice numbers in one message: one payment for all of them.
        live = [n for n in numbers if not self.items[n].credited and self.remaining[n] > 0]
        for n in numbers:
            if n not in live:
                matches.append(self._single("text_number", CONF_TEXT_NUMBER_WEAK, n, payment, "in the text"))
        if not live:
            return matches
        live.sort(key=lambda i: (self.items[i].due_date or date.max, i))
        total = sum((self.remaining[n] for n in live), _ZERO)
        customers = {self.items[n].customer_id for n in live}
        confidence = CONF_TEXT_NUMBER if total == payment.amount and len(customers) == 1 else CONF_TEXT_NUMBER_WEAK
        left = payment.amount
        allocations: list[tuple[InvoiceId, Decimal]] = []
        for n in live:
            if left <= 0:
                break
            amount = min(left, self.remaining[n])
            allocations.append((self.items[n].invoice_id, amount))
            left -= amount
        listed = ", ".join(self.items[n].number for n in live)
        note = f"invoice numbers {listed} in the text"
        if left > 0:
            note += f"; overpayment of {left} becomes a credit on the customer"
        elif total > payment.amount:
            note += f"; partial payment, {total - payment.amount} remains open"
        customer = customers.pop() if len(customers) == 1 else None
        matches.append(Match("text_number", confidence, tuple(allocations), customer, note, left))
        return matches

    def _by_amount(self, payment: IncomingPayment, payer: set[CustomerId]) -> list[Match]:
        matches: list[Match] = []
        for customer in payer:
            for n in sorted(self.by_customer_amount.get((customer, payment.amount), ())):
                item = self.items[n]
                matches.append(
                    Match(
                        "amount_payer",
                        CONF_AMOUNT_PAYER,
                        ((item.invoice_id, payment.amount),),
                        customer,
                        f"amount and payer match invoice {item.number}",
                    )
                )
        if matches:
            return matches
        anyone = self.by_amount.get(payment.amount, set())
        if len(anyone) == 1:
            n = next(iter(anyone))
            item = self.items[n]
            matches.append(
                Match(
                    "amount_only",
                    CONF_AMOUNT_ONLY,
                    ((item.invoice_id, payment.amount),),
                    item.customer_id,
                    f"only invoice {item.number} has this amount; the payer is not recognised",
                )
            )
        return matches

    def _by_subset(self, payment: IncomingPayment, payer: set[CustomerId]) -> list[Match]:
        matches: list[Match] = []
        for customer in payer:
            live = [
                n for n in self.by_customer.get(customer, []) if not self.items[n].credited and self.remaining[n] > 0
            ]
            for combo in subset_sums([self.remaining[n] for n in live[:SUBSET_MAX_ITEMS]], payment.amount, limit=3):
                chosen = [live[i] for i in combo]
                matches.append(
                    Match(
                        "several_invoices",
                        CONF_SUBSET,
                        tuple((self.items[n].invoice_id, self.remaining[n]) for n in chosen),
                        customer,
                        "the amount is the sum of invoices " + ", ".join(self.items[n].number for n in chosen),
                    )
                )
        return matches

    def match(self, payment: IncomingPayment, *, consume: bool = True) -> list[Match]:
        """The candidates for ``payment``, best first (empty when nothing fits)."""
        if payment.amount <= 0:
            return []
        candidates = self._by_kid(payment)
        if not candidates:
            payer = self._customers_of_payer(payment) if payment.payer_account or payment.payer_name else set()
            candidates = self._by_text(payment, payer)
            if not any(m.confidence >= CONF_TEXT_NUMBER for m in candidates):
                candidates += self._by_amount(payment, payer)
                if payer and not any(m.confidence >= CONF_AMOUNT_PAYER for m in candidates):
                    candidates += self._by_subset(payment, payer)
        ranked = rank(candidates)
        if consume and ranked and ranked[0].confidence >= self.threshold and ranked[0].allocations:
            self._consume(ranked[0])
        return ranked


def rank(candidates: Iterable[Match]) -> list[Match]:
    """Best first, duplicates (same allocations) merged; equally good different candidates capped at 0.45.

    >>> a = Match("amount_payer", 0.8, ((1, Decimal("5")),), 1)
    >>> b = Match("amount_payer", 0.8, ((2, Decimal("5")),), 1)
    >>> [(m.confidence, m.ambiguous) for m in rank([a, b])]
    [(0.45, True), (0.45, True)]
    """
    best: dict[tuple[tuple[InvoiceId, Decimal], ...] | str, Match] = {}
    for m in candidates:
        key: tuple[tuple[InvoiceId, Decimal], ...] | str = m.allocations or f"{m.method}:{m.note}"
        if key not in best or best[key].confidence < m.confidence:
            best[key] = m
    ordered = sorted(best.values(), key=lambda m: -m.confidence)
    if len(ordered) >= 2 and ordered[1].confidence >= ordered[0].confidence - 1e-9:
        top = ordered[0].confidence
        capped = [
            Match(
                m.method, min(m.confidence, CONF_AMBIGUOUS), m.allocations, m.customer_id, m.note, m.unallocated, True
            )
            if m.confidence >= top - 1e-9
            else m
            for m in ordered
        ]
        ordered = sorted(capped, key=lambda m: -m.confidence)
    return ordered


def subset_sums(amounts: Sequence[Decimal], target: Decimal, *, limit: int = 3) -> list[tuple[int, ...]]:
    """Index combinations of 2 to 5 ``amounts`` summing exactly to ``target`` (at most ``limit`` found).

    Meet in the middle: every pair is put in a table by its sum, then every single, pair and
    triple looks up its complement among pairs of higher indices, so combinations of up to five
    out of 25 items cost some thousands of look-ups instead of 68,000 sums.

    >>> subset_sums([Decimal(x) for x in ("100", "250", "40", "60")], Decimal("200"))
    [(0, 2, 3)]
    """
    n = len(amounts)
    found: list[tuple[int, ...]] = []
    seen: set[tuple[int, ...]] = set()
    pairs: dict[Decimal, list[tuple[int, int]]] = defaultdict(list)
    for i, j in combinations(range(n), 2):
        pairs[amounts[i] + amounts[j]].append((i, j))

    def add(combo: tuple[int, ...]) -> bool:
        if combo not in seen:
            seen.add(combo)
            found.append(combo)
        return len(found) >= limit

    for i, j in pairs.get(target, []):
        if add((i, j)):
            return found
    for size in (1, 2, 3):
        if size + 2 > SUBSET_MAX_COMBINATION:
            break
        for first in combinations(range(n), size):
            rest = target - sum((amounts[i] for i in first), Decimal(0))
            for i, j in pairs.get(rest, ()):
                if i > first[-1] and add((*first, i, j)):
                    return found
    return found


def match_payments(
    payments: Iterable[IncomingPayment], open_items: Iterable[OpenItem], *, threshold: float = DEFAULT_THRESHOLD
) -> list[list[Match]]:
    """Candidates for each payment, in order; auto-postable matches consume the open amounts they pay."""
    matcher = PaymentMatcher(open_items, threshold=threshold)
    return [matcher.match(p) for p in payments]


def auto_match(candidates: Sequence[Match], threshold: float = DEFAULT_THRESHOLD) -> Match | None:
    """The candidate to post without review: the best, when at or above ``threshold`` and not ambiguous."""
    if not candidates:
        return None
    best = candidates[0]
    if best.confidence < threshold or best.ambiguous or not best.allocations:
        return None
    if len(candidates) > 1 and candidates[1].confidence >= best.confidence:
        return None
    return best


__all__ = [
    "IncomingPayment",
    "Match",
    "OpenItem",
    "PaymentMatcher",
    "auto_match",
    "match_payments",
    "normalise_account",
    "normalise_name",
    "rank",
    "subset_sums",
]
