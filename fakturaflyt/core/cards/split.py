"""Match card charges to shop order lines and split each charge exactly over its items.

:func:`match_charges` works in two passes over the shipment groups (order lines sharing a
:attr:`~fakturaflyt.core.cards.orders.OrderLine.group_key`, i.e. one payment reference or one
shipment):

1. **Payment reference**: the charge's merchant reference (``AMZN MKTP DE*2X4AB12C3``) or its
   statement reference equals a group's Amazon Payment Reference ID: matched.
2. **Amount**: for the other charges, groups not taken in pass 1, in the order currency
   (the charge's currency, or NOK against ``amount_nok``) and charged between ``window_days``
   before and 1 day after the card date. A single group of exactly the charge's amount is
   looked up over the whole window; and a bounded subset-sum: combinations of 2 to
   ``max_combo`` groups among the ``max_candidates`` nearest in date (shipments of one order
   first), found by pair sums so it stays fast. A single group wins only when no
   combination also fits; the smallest combination wins; two equally small ones, or a group claimed by two charges, make the charges ``"ambiguous"``: a person
   decides, nothing is guessed.

Gift-card and split payments are flagged in ``reason``: a Payment Amount below the items'
total, or one item row appearing under several payment references.

:func:`allocate` spreads shipping pro rata to the items by net amount and scales the lines to
the charge, with largest-remainder rounding so the lines sum exactly to the charge, to the øre.

>>> from fakturaflyt.core.cards.orders import OrderLine
>>> lines = [OrderLine("1", "Headset", Decimal("60.00"), Decimal("0"), Decimal("10.00"), "EUR"),
...          OrderLine("1", "Paper", Decimal("30.00"), Decimal("0"), Decimal("0"), "EUR")]
>>> [str(s.total) for s in allocate(Decimal("100.00"), lines)]
['66.67', '33.33']
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations
from typing import Literal

from fakturaflyt.core.billing import split_exact
from fakturaflyt.core.cards.orders import ZERO, OrderLine
from fakturaflyt.core.cards.statement import CardTransaction

Status = Literal["matched", "ambiguous", "unmatched"]


@dataclass(frozen=True, slots=True)
class ShipmentGroup:
    """Order lines charged together (one payment reference or one shipment)."""

    key: str
    lines: tuple[OrderLine, ...]
    currency: str
    total: Decimal
    day: date | None
    payment_amount: Decimal | None
    order_id: str


@dataclass(frozen=True, slots=True)
class ChargeMatch:
    """The outcome for one charge: the lines behind it (empty unless matched) and why."""

    charge: CardTransaction
    status: Status
    lines: tuple[OrderLine, ...] = ()
    reason: str = ""
    method: str = ""  # "reference" | "amount" | "subset" | ""
    candidates: tuple[tuple[str, ...], ...] = field(default=())  # ambiguous: the competing group keys


@dataclass(frozen=True, slots=True)
class SplitLine:
    """One item's part of a charge: net + vat + shipping_share == total."""

    line: OrderLine
    net: Decimal
    vat: Decimal
    shipping_share: Decimal
    total: Decimal


def group_lines(lines: Iterable[OrderLine]) -> list[ShipmentGroup]:
    """Order lines grouped by their :attr:`OrderLine.group_key`, in first-seen order."""
    by_key: dict[str, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_key[line.group_key].append(line)
    groups = []
    for key, members in by_key.items():
        days = [d for d in (m.charge_date for m in members) if d is not None]
        amounts = [m.payment_amount for m in members if m.payment_amount is not None]
        groups.append(
            ShipmentGroup(
                key=key,
                lines=tuple(members),
                currency=members[0].currency,
                total=sum((m.total for m in members), ZERO),
                day=max(days) if days else None,
                payment_amount=amounts[0] if amounts else None,
                order_id=members[0].order_id,
            )
        )
    return groups


def _charge_amount(charge: CardTransaction, currency: str) -> Decimal | None:
    if charge.currency == currency:
        return charge.amount
    if currency == "NOK":
        return charge.amount_nok
    return None


def _flags(group: ShipmentGroup, shared: set[str]) -> list[str]:
    notes = []
    if group.payment_amount is not None and group.payment_amount < group.total:
        notes.append(
            f"gift card or split payment: the payment amount {group.payment_amount} is less than the items "
            f"{group.total} {group.currency}; the charge is spread over the items pro rata"
        )
    if group.key in shared:
        notes.append("split payment: items of this shipment appear under several payment references")
    instruments = {m.payment_instrument.lower() for m in group.lines}
    if any("gift" in i for i in instruments):
        notes.append("gift card used for this shipment")
    return notes


def _shared_keys(groups: Sequence[ShipmentGroup]) -> set[str]:
    """Keys of reference groups whose item rows also appear under another payment reference."""
    seen: dict[tuple[str, str, str, Decimal], set[str]] = defaultdict(set)
    for g in groups:
        if g.key.startswith("ref:"):
            for m in g.lines:
                seen[(m.order_id, m.item_id, m.title, m.quantity)].add(g.key)
    return {k for keys in seen.values() if len(keys) > 1 for k in keys}


def match_charges(
    charges: Sequence[CardTransaction],
    lines: Sequence[OrderLine],
    *,
    window_days: int = 7,
    max_candidates: int = 20,
    max_combo: int = 4,
) -> list[ChargeMatch]:
    """One :class:`ChargeMatch` per charge, in the order given (see the module docstring)."""
    groups = group_lines(lines)
    shared = _shared_keys(groups)
    by_ref = {g.key[4:]: g for g in groups if g.key.startswith("ref:")}
    results: dict[int, ChargeMatch] = {}
    taken: set[str] = set()
    for i, charge in enumerate(charges):
        for ref in (charge.merchant_payment_ref, charge.reference):
            group = by_ref.get(ref.upper()) if ref else None
            if group is None or group.key in taken:
                continue
            notes = _flags(group, shared)
            expected = group.payment_amount if group.payment_amount is not None else group.total
            amount = _charge_amount(charge, group.currency)
            if amount is not None and amount != expected:
                notes.append(f"the charge {amount} differs from the payment amount {expected} {group.currency}")
            taken.add(group.key)
            results[i] = ChargeMatch(charge, "matched", group.lines, "; ".join(notes), "reference")
            break

    pool = [g for g in groups if g.key not in taken and g.day is not None]
    by_amount: dict[tuple[str, Decimal], list[ShipmentGroup]] = defaultdict(list)
    for g in pool:
        by_amount[(g.currency, g.payment_amount if g.payment_amount is not None else g.total)].append(g)
    by_currency: dict[str, list[ShipmentGroup]] = defaultdict(list)
    for g in sorted(pool, key=lambda g: (g.day or date.min, g.key)):
        by_currency[g.currency].append(g)
    days = {c: [g.day or date.min for g in gs] for c, gs in by_currency.items()}
    window = timedelta(days=window_days)

    proposals: dict[int, list[tuple[ShipmentGroup, ...]]] = {}
    for i, charge in enumerate(charges):
        if i in results:
            continue
        day = charge.booked_at.date()
        found: list[tuple[ShipmentGroup, ...]] = []
        for currency in sorted(by_currency):
            amount = _charge_amount(charge, currency)
            if amount is None or amount <= 0:
                continue
            found += [
                (g,)
                for g in by_amount.get((currency, amount), ())
                if g.day and day - window <= g.day <= day + timedelta(1)
            ]
        if len(found) <= 1:  # a set of shipments summing to the charge competes with a single one
            for currency in sorted(by_currency):
                amount = _charge_amount(charge, currency)
                if amount is None or amount <= 0:
                    continue
                gs, ds = by_currency[currency], days[currency]
                lo, hi = bisect.bisect_left(ds, day - window), bisect.bisect_right(ds, day + timedelta(1))
                near = [g for g in gs[lo:hi] if ZERO < g.total < amount]
                found += _subset(near, amount, max_candidates, max_combo, day)
        proposals[i] = found

    claims: dict[str, int] = defaultdict(int)
    for found in proposals.values():
        if len(found) == 1:
            for g in found[0]:
                claims[g.key] += 1
    for i, found in proposals.items():
        charge = charges[i]
        if not found:
            results[i] = ChargeMatch(charge, "unmatched", reason="no order lines with this payment reference or amount")
        elif len(found) > 1:
            results[i] = ChargeMatch(
                charge,
                "ambiguous",
                reason=f"{len(found)} equally good sets of shipments sum to the charge",
                candidates=tuple(tuple(g.key for g in combo) for combo in found),
            )
        elif any(claims[g.key] > 1 for g in found[0]):
            results[i] = ChargeMatch(
                charge,
                "ambiguous",
                reason="another charge fits the same shipment",
                candidates=(tuple(g.key for g in found[0]),),
            )
        else:
            combo = found[0]
            notes = [n for g in combo for n in _flags(g, shared)]
            if len(combo) > 1:
                notes.insert(0, f"{len(combo)} shipments sum to the charge")
            results[i] = ChargeMatch(
                charge,
                "matched",
                tuple(m for g in combo for m in g.lines),
                "; ".join(notes),
                "amount" if len(combo) == 1 else "subset",
            )
    return [results[i] for i in range(len(charges))]


def _subset(
    near: list[ShipmentGroup], amount: Decimal, max_candidates: int, max_combo: int, day: date
) -> list[tuple[ShipmentGroup, ...]]:
    """The smallest combinations (2..max_combo groups) summing exactly to ``amount``."""
    if len(near) < 2:
        return []
    # Shipments of one order first (charged together most often), then nearest in date.
    orders: dict[str, int] = defaultdict(int)
    for g in near:
        orders[g.order_id] += 1
    near.sort(key=lambda g: (-(orders[g.order_id] > 1), abs(((g.day or day) - day).days), g.key))
    cand = near[:max_candidates]
    totals = [g.total for g in cand]
    pairs: dict[Decimal, list[tuple[int, int]]] = defaultdict(list)
    for a, b in combinations(range(len(cand)), 2):
        pairs[totals[a] + totals[b]].append((a, b))
    sizes: list[list[tuple[int, ...]]] = []
    sizes.append(sorted(pairs.get(amount, [])))
    if max_combo >= 3:
        three = {
            tuple(sorted((a, b, c)))
            for c in range(len(cand))
            for a, b in pairs.get(amount - totals[c], [])
            if c not in (a, b)
        }
        sizes.append(sorted(three))
    if max_combo >= 4:
        four = {
            tuple(sorted((a, b, c, d)))
            for (a, b) in (p for ps in pairs.values() for p in ps)
            for c, d in pairs.get(amount - totals[a] - totals[b], [])
            if len({a, b, c, d}) == 4
        }
        sizes.append(sorted(four))
    for combos in sizes:
        if combos:
            return [tuple(cand[k] for k in combo) for combo in combos]
    return []


def allocate(charge_amount: Decimal, lines: Sequence[OrderLine]) -> list[SplitLine]:
    """Split ``charge_amount`` over ``lines``: shipping pro rata by net, lines sum exactly to the charge.

    Shipping (and fees) of all lines is spread over the lines by net amount with
    largest-remainder rounding; then each line's net + VAT + shipping share is its weight in
    the charge (scaled with largest remainders when the charge differs from the lines, e.g.
    a gift card paid part); each line's total is split back into net, VAT and shipping.
    """
    if not lines:
        return []
    shipping = sum((line.shipping for line in lines), ZERO)
    nets = [max(line.net, ZERO) for line in lines]
    weights = nets if sum(nets) > 0 else [Decimal(1)] * len(lines)
    shares = split_exact(shipping, weights)
    parts = [(max(line.net, ZERO), max(line.vat, ZERO), max(s, ZERO)) for line, s in zip(lines, shares, strict=True)]
    natural = [n + v + s for n, v, s in parts]
    if sum(natural) == charge_amount:
        totals = natural
    else:
        totals = split_exact(charge_amount, natural if sum(natural) > 0 else [Decimal(1)] * len(lines))
    out = []
    for line, (n, v, s), t, nat in zip(lines, parts, totals, natural, strict=True):
        if t == nat:
            net, vat, ship = n, v, s
        elif nat > 0:
            net, vat, ship = split_exact(t, [n, v, s])
        else:
            net, vat, ship = t, ZERO, ZERO
        out.append(SplitLine(line, net, vat, ship, t))
    return out
