"""Posting an accepted card charge: one voucher in series CARD (kortkjøp), a line per item.

:func:`voucher_lines` builds the voucher from the charge's lines and their coding
(:class:`~fakturaflyt.coding.models.CodingLine`) with the company's VAT codes; all amounts in NOK:

* **Expense** per line: the NOK value of the item's net amount and its share of shipping
  (the VAT base), on the line's account with department, project, VAT code and VAT base. When
  the VAT the shop charged is not deductible (foreign VAT such as German MwSt, or a code
  without deduction) it is part of the cost and added to the expense.
* **VAT** per line by the shared rules of :func:`fakturaflyt.ledger.vat_postings.vat_postings`:
  deductible domestic VAT (codes 1, 11, 12, 13) debited to the code's VAT account with the
  VAT charged; reverse charge and self-assessed import VAT (86, 81, 83, ...) debited to input
  and credited to output VAT at the code's rate on the base: net zero (without deduction the
  VAT is a cost). A line for the whole charge (no order report, a merchant that is no shop)
  carries the gross amount: with a deductible code its VAT is taken out of it at the code's rate.
* **Currency difference** (foreign charges valued at the Norges Bank reference rate, see
  "Currency" in the issue-9 contract): what was charged in NOK less the lines' value, to
  currency loss (paid more, default 8160) or gain (paid less, default 8060), CardSettings.
* **Card account** (default 2990) credited with the NOK charged.

A refund (a negative charge) posts the mirror. A foreign charge without an amount in NOK and
without a reference rate is refused (``FF-CARD-NO-RATE``). Foreign lines carry the charge's
currency, the amount in that currency and the exchange rate.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.cards.error_codes import CardCode, CardError
from fakturaflyt.cards.models import CardCharge, ChargeLine
from fakturaflyt.core.billing import split_exact
from fakturaflyt.core.errors import RuleViolation
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.vat_postings import SalesVatCode, SignedLine, charges_vat, vat_postings

CENT = Decimal("0.01")
SERIES = "CARD"
ZERO = Decimal(0)


def _q(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _parts(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` split exactly like ``weights`` (all of it on the first part when they are all zero)."""
    ws = [abs(w) for w in weights]
    if sum(ws) <= 0:
        return [total] + [ZERO] * (len(ws) - 1)
    return list(split_exact(total, ws))


def _values_nok(charge: CardCharge, lines: list[ChargeLine]) -> list[Decimal]:
    values = [ln.total_nok for ln in lines]
    if any(v is None for v in values):
        from fakturaflyt.cards.services import nok_totals

        values = nok_totals(charge, [ln.total for ln in lines])
    if any(v is None for v in values):
        raise CardError(
            CardCode.NO_RATE,
            f"The charge is in {charge.currency} without the amount charged in NOK, and there is no Norges Bank "
            f"rate for {charge.currency} on the card date: import the rates or a statement with the NOK amount.",
            "amount_nok",
        )
    return [v for v in values if v is not None]


def _charged_nok(charge: CardCharge, values: list[Decimal]) -> Decimal:
    charged: Decimal | None = charge.amount_nok
    if charged is None and charge.currency == "NOK":
        charged = charge.amount
    return charged if charged is not None else sum(values, ZERO)


def voucher_lines(charge: CardCharge) -> list[VoucherLine]:
    """The voucher lines of a coded charge (nothing is stored); raises :class:`CardError`."""
    from fakturaflyt.cards.services import settings_for
    from fakturaflyt.ledger.models import VatCode

    lines = list(charge.lines.select_related("coding_line", "order_line").order_by("line_no"))
    if not lines:
        raise CardError(CardCode.NO_LINES, "The charge has no lines to post.", "charge")
    settings = settings_for(charge.company)
    codes = {v.code: v for v in VatCode.objects.filter(company=charge.company)}
    values = _values_nok(charge, lines)
    charged = _charged_nok(charge, values)
    foreign = charge.currency != "NOK"
    rate = (charged / charge.amount) if foreign and charge.amount else None
    if foreign:
        from fakturaflyt.cards.services import reference_rate

        rate = reference_rate(charge) or rate

    def currency_fields(expense_nok: Decimal, total: Decimal, total_nok: Decimal) -> dict[str, Any]:
        """The line in the charge's currency: its share of the line total, at the rate used."""
        if not foreign or rate is None:
            return {}
        in_currency = _q(total * expense_nok / total_nok) if total_nok else _q(expense_nok / rate)
        return {
            "currency": charge.currency,
            "currency_amount": in_currency,
            "exchange_rate": rate.quantize(Decimal("0.000001")),
        }

    signed: list[SignedLine] = []
    vat_signed: list[SignedLine] = []
    for ln, total_nok in zip(lines, values, strict=True):
        row = ln.coding_line
        where = f"line {ln.line_no}"
        if row is None or not row.account:
            raise CardError(CardCode.NOT_CODED, f"Line {ln.line_no} «{ln.title[:60]}» has no account.", where)
        code = codes.get(row.vat_code) if row.vat_code else None
        if ln.order_line is None and not ln.vat and charges_vat(code):
            assert code is not None
            base = _q(total_nok * 100 / (100 + code.rate))
            vat_nok, ship_nok, net_nok = total_nok - base, ZERO, base
        else:
            net_nok, vat_nok, ship_nok = _parts(total_nok, [ln.net, ln.vat, ln.shipping_share])
        base = net_nok + ship_nok
        try:
            if charges_vat(code):
                result = vat_postings(code, base, charged_vat=vat_nok)
                expense = base
            else:
                result = vat_postings(code, base)
                expense = base + vat_nok + result.cost
        except SalesVatCode as exc:
            raise CardError(CardCode.POSTING, f"Line {ln.line_no}: {exc}", where) from None
        signed.append(
            SignedLine(
                VoucherLine(
                    row.account,
                    description=ln.title[:300],
                    vat_code=row.vat_code or None,
                    vat_base=base if row.vat_code else None,
                    department=row.department or None,
                    project=row.project or None,
                    **currency_fields(expense, ln.total, total_nok),
                ),
                expense,
            )
        )
        vat_signed += [
            SignedLine(VoucherLine(p.account, description=p.description, vat_code=p.vat_code), p.amount)
            for p in result.postings
        ]
    out = [s for s in signed + vat_signed if s.amount]
    difference = charged - sum((s.amount for s in out), ZERO)
    if difference:
        account = settings.currency_loss_account if difference > 0 else settings.currency_gain_account
        text = "Valutatap kortkjøp" if difference > 0 else "Valutagevinst kortkjøp"
        out.append(SignedLine(VoucherLine(account, description=text), difference))
    card_extra: dict[str, Any] = {}
    if foreign and charge.amount:
        card_extra = {
            "currency": charge.currency,
            "currency_amount": -charge.amount,
            "exchange_rate": (charged / charge.amount).quantize(Decimal("0.000001")),
        }
    holder = f" {charge.card_holder}" if charge.card_holder else ""
    out.append(
        SignedLine(
            VoucherLine(settings.card_account, description=f"{charge.merchant}{holder}"[:300], **card_extra), -charged
        )
    )
    return [s.voucher_line() for s in out]


def post_charge(charge: CardCharge, actor: Any) -> Any:
    """Post the charge; returns the :class:`~fakturaflyt.ledger.models.Voucher` (series CARD, source ``card``).

    Dated the card date (Europe/Oslo), described "Kortkjøp <merchant> <card holder>". Runs in
    the caller's transaction (:func:`fakturaflyt.cards.services.accept`) and links the voucher to
    the charge. Raises :class:`CardError` (``FF-CARD-POSTING`` with the ledger's problems).
    """
    from fakturaflyt.ledger.services import post_voucher

    with transaction.atomic():
        locked = CardCharge.objects.select_for_update(of=("self",)).select_related("company").get(pk=charge.pk)
        if locked.voucher_id is not None:
            raise CardError(CardCode.STATE, "The charge is posted already.", "charge")
        lines = voucher_lines(locked)
        description = f"Kortkjøp {locked.merchant} {locked.card_holder}".strip()
        try:
            voucher = post_voucher(
                locked.company,
                actor,
                voucher_date=timezone.localtime(locked.booked_at).date(),
                description=description[:300],
                lines=lines,
                series=SERIES,
                source="card",
                source_ref=str(locked.pk),
            )
        except RuleViolation as exc:
            raise CardError(
                CardCode.POSTING, "The charge cannot be posted: " + "; ".join(p.message for p in exc.problems)
            ) from exc
        locked.voucher = voucher
        locked.save(update_fields=["voucher", "updated_at"])
        charge.voucher = voucher
    return voucher


__all__ = ["SERIES", "post_charge", "voucher_lines"]
