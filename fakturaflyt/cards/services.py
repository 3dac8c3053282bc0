"""Card actions: import a card statement or a shop's order report, match, split, code, accept (issue 9).

:func:`import_card_file` stores the received bytes first (DESIGN.md 3, nothing is lost), then in
**one transaction** reads the file (:mod:`.importer`) and adds what is new: card charges by
their statement reference, order lines by their row key, so a re-import adds nothing twice. A
file that cannot be read keeps the received file and the import marked *refused* with its
problems, and the error is raised. Then :func:`rematch` matches the open charges:

* a charge at a merchant that is no known shop (:func:`fakturaflyt.core.cards.shop_for_merchant`)
  becomes ONE line for the whole charge, coded from the merchant (method ``single``);
* a shop's charge is matched by :func:`fakturaflyt.core.cards.split.match_charges` (payment
  reference, else the shipments summing to it within the company's window) and split per
  item (:func:`split_charge`); *ambiguous* (two equally good sets) and *unmatched* (the order
  report has not been imported yet) charges wait for a person, nothing is guessed:
  :func:`choose_candidate`, :func:`assign_lines`, :func:`as_single_line`, :func:`ignore`.

A charge a person has touched (chosen, assigned, a line coded) is never re-split by a later
rematch. :func:`code_line` corrects a line: the engine learns at once and the open card lines
from the same shop or merchant are suggested again, so the next similar item shows it.
:func:`accept` confirms every line as shown and posts the voucher (series CARD,
:mod:`.posting`).

Lock order as in :mod:`fakturaflyt.coding.services`: the company's engine lock first, then the
database transaction with the charge row locked (``select_for_update(of=("self",))``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from fakturaflyt.cards import coding as card_coding
from fakturaflyt.cards import importer
from fakturaflyt.cards.error_codes import CardCode, CardError
from fakturaflyt.cards.models import (
    OPEN_STATUSES,
    CardCharge,
    CardImport,
    CardSettings,
    ChargeLine,
    ChargeStatus,
    ImportStatus,
    ShopOrderLine,
)
from fakturaflyt.coding import engine
from fakturaflyt.coding import services as coding_services
from fakturaflyt.coding.error_codes import CodingError
from fakturaflyt.coding.models import CODED_STATES, CodingLine, LineState
from fakturaflyt.coding.validation import validate
from fakturaflyt.companies.models import Company
from fakturaflyt.core.billing import split_exact
from fakturaflyt.core.cards import shop_for_merchant
from fakturaflyt.core.cards.split import allocate, group_lines, match_charges
from fakturaflyt.core.cards.statement import ColumnMapping
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.ledger import audit
from fakturaflyt.payables import storage

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
#: The largest card file received (web upload, API): a year of a big company's Amazon report is a few MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
NOT_IMPORTED = (
    "No order lines with this payment reference or amount: the order report for this charge has not been imported yet."
)

__all__ = [
    "ImportResult",
    "accept",
    "accept_many",
    "as_single_line",
    "assign_lines",
    "card_holders",
    "choose_candidate",
    "code_line",
    "ignore",
    "import_card_file",
    "inbox",
    "nok_totals",
    "receive_card_file",
    "rematch",
    "reopen",
    "run_import",
    "settings_for",
    "split_charge",
]


@dataclass
class ImportResult:
    """What one import did; matched/ambiguous/unmatched count the company's open charges after the re-match."""

    import_id: int
    filename: str
    kind: str
    format: str
    shop: str
    rows: int = 0
    added: int = 0
    duplicates: int = 0
    matched: int = 0
    ambiguous: int = 0
    unmatched: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def settings_for(company: Company) -> CardSettings:
    """The company's card settings (created with the defaults on first use)."""
    found: CardSettings = CardSettings.objects.get_or_create(company=company)[0]
    return found


def _local_day(moment: Any) -> date:
    day: date = timezone.localtime(moment).date()
    return day


def _q(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------- import


def receive_card_file(company: Company, data: bytes, actor: Any, *, filename: str = "") -> CardImport:
    """Store the received bytes and a queued import row (kept whatever the reading says)."""
    stored = storage.store(
        data, filename=filename or "kortfil", content_type=storage.sniff_content_type(data, filename)
    )
    imp: CardImport = CardImport.objects.create(
        company=company, file=stored, filename=filename[:255], imported_by=_user(actor)
    )
    return imp


def import_card_file(
    company: Company,
    data: bytes,
    actor: Any,
    *,
    filename: str = "",
    mapping: ColumnMapping | str | None = None,
) -> ImportResult:
    """Store, read and add a card statement or an order report, then :func:`rematch`; see the module docstring.

    Raises :class:`~fakturaflyt.core.errors.FakturaflytError` (``FF-CARD-UNKNOWN-FILE`` or the
    reader's ``FF-CARD-*`` naming line and column) when the file cannot be read; the received
    file and the refused import are kept.
    """
    imp = receive_card_file(company, data, actor, filename=filename)
    return run_import(imp, actor, data=data, mapping=mapping)


def run_import(
    imp: CardImport, actor: Any, *, data: bytes | None = None, mapping: ColumnMapping | str | None = None
) -> ImportResult:
    """Read a received file, add what is new, and match (a task may run this for big files)."""
    company = imp.company
    if data is None:
        data = storage.read(imp.file)
    try:
        with transaction.atomic():
            result = _import(imp, data, actor, mapping)
    except FakturaflytError as exc:
        imp.status = ImportStatus.FAILED
        imp.problems = [p.as_dict() for p in exc.problems]
        imp.save(update_fields=["status", "problems"])
        audit.record(company, actor, "card.import_refused", imp, file=imp.filename, problems=imp.problems)
        raise
    rematch(company, actor)
    counts = Counter(
        CardCharge.objects.filter(company=company, status__in=OPEN_STATUSES).values_list("status", flat=True)
    )
    result.matched = counts[ChargeStatus.MATCHED]
    result.ambiguous = counts[ChargeStatus.AMBIGUOUS]
    result.unmatched = counts[ChargeStatus.UNMATCHED]
    return result


def _import(imp: CardImport, data: bytes, actor: Any, mapping: ColumnMapping | str | None) -> ImportResult:
    company = imp.company
    read = importer.read_card_file(data, filename=imp.filename, mapping=mapping)
    if read.kind == importer.STATEMENT:
        added, duplicates = importer.store_charges(company, imp, read.transactions)
    else:
        added, duplicates = importer.store_order_lines(company, imp, read.shop, read.order_lines)
    result = ImportResult(
        imp.pk, imp.filename, read.kind, read.format, read.shop, rows=read.rows, added=added, duplicates=duplicates
    )
    imp.kind, imp.format, imp.shop = read.kind, read.format[:40], read.shop[:20]
    imp.status = ImportStatus.IMPORTED
    imp.rows, imp.added, imp.duplicates = result.rows, added, duplicates
    imp.problems = result.problems
    imp.save()
    audit.record(
        company,
        actor,
        "card.imported",
        imp,
        file=imp.filename,
        sha256=imp.file.sha256,
        **{k: v for k, v in asdict(result).items() if k in ("kind", "format", "shop", "rows", "added", "duplicates")},
    )
    return result


# --------------------------------------------------------------------------------------- matching


def _touched(charge_ids: Sequence[int]) -> set[int]:
    """Charges with a line a person (or the accept) has coded: never re-split automatically."""
    return set(
        ChargeLine.objects.filter(charge_id__in=list(charge_ids), coding_line__state__in=CODED_STATES).values_list(
            "charge_id", flat=True
        )
    )


def rematch(company: Company, actor: Any = None) -> dict[str, int]:
    """Match the company's open charges nobody has decided on yet; see the module docstring.

    Returns how many charges came out ``matched`` (split per item), ``single`` (one line at a
    merchant that is no shop), ``ambiguous`` and ``unmatched``.
    """
    counts = {"matched": 0, "ambiguous": 0, "unmatched": 0, "single": 0}
    window = settings_for(company).window_days
    with engine.locked(company), transaction.atomic():
        charges = list(
            CardCharge.objects.select_for_update(of=("self",))
            .filter(company=company, status__in=OPEN_STATUSES, decided_at__isnull=True)
            .select_related("company")
            .order_by("booked_at", "pk")
        )
        touched = _touched([c.pk for c in charges])
        charges = [c for c in charges if c.pk not in touched]
        books = card_coding.Books.load(company)
        pending: list[ChargeLine] = []  # suggested together at the end: one engine sync, one lock
        shop_charges: list[CardCharge] = []
        for charge in charges:
            if shop_for_merchant(charge.merchant) is not None:
                shop_charges.append(charge)
                continue
            counts["single"] += 1
            if charge.status == ChargeStatus.MATCHED and charge.match_method == "single" and charge.lines.exists():
                continue
            _split(charge, [], actor, method="single", note="", books=books, pending=pending)
        if shop_charges:
            _match_shop_charges(company, shop_charges, window, actor, counts, books, pending)
        if pending:
            card_coding.suggest(pending, books)
    return counts


def _match_shop_charges(
    company: Company,
    charges: list[CardCharge],
    window: int,
    actor: Any,
    counts: dict[str, int],
    books: card_coding.Books,
    pending: list[ChargeLine],
) -> None:
    ids = [c.pk for c in charges]
    pool = list(
        ShopOrderLine.objects.filter(company=company)
        .filter(Q(charge__isnull=True) | Q(charge_id__in=ids))
        .order_by("order_id", "source_row", "pk")
    )
    core = [importer.to_order_line(row) for row in pool]
    pk_of = {id(line): row.pk for line, row in zip(core, pool, strict=True)}
    by_key: dict[str, list[int]] = {}
    for line, row in zip(core, pool, strict=True):
        by_key.setdefault(line.group_key, []).append(row.pk)
    rows = {row.pk: row for row in pool}
    current: dict[int, list[int]] = {}
    for row in pool:
        if row.charge_id is not None:
            current.setdefault(row.charge_id, []).append(row.pk)
    results = match_charges([importer.to_transaction(c) for c in charges], core, window_days=window)
    plans: list[tuple[CardCharge, list[int], str, str]] = []
    for charge, match in zip(charges, results, strict=True):
        if match.status == "matched":
            counts["matched"] += 1
            wanted = sorted(pk_of[id(line)] for line in match.lines)
            if (
                charge.status == ChargeStatus.MATCHED
                and sorted(current.get(charge.pk, [])) == wanted
                and charge.lines.exists()
            ):
                if charge.match_note != match.reason:
                    charge.match_note = match.reason
                    charge.save(update_fields=["match_note", "updated_at"])
                continue
            _clear(charge)
            plans.append((charge, wanted, match.method, match.reason))
            continue
        counts[match.status] += 1
        _clear(charge)
        charge.status = match.status
        charge.match_method = ""
        charge.candidates = [sorted(pk for key in combo for pk in by_key.get(key, [])) for combo in match.candidates]
        if match.status == "unmatched":
            charge.match_note = NOT_IMPORTED if charge.amount > 0 else _refund_note(match.reason)
        else:
            charge.match_note = match.reason
        charge.confidence = None
        charge.save(update_fields=["status", "match_method", "candidates", "match_note", "confidence", "updated_at"])
    for charge, wanted, method, reason in plans:
        _split(charge, [rows[pk] for pk in wanted], actor, method=method, note=reason, books=books, pending=pending)


def _refund_note(reason: str) -> str:
    return "A refund: assign the returned items, or code it as one line." + (f" ({reason})" if reason else "")


# --------------------------------------------------------------------------------------- split


def _lock(charge: CardCharge) -> CardCharge:
    locked: CardCharge = CardCharge.objects.select_for_update(of=("self",)).select_related("company").get(pk=charge.pk)
    return locked


def _open(charge: CardCharge) -> CardCharge:
    locked = _lock(charge)
    if locked.status not in OPEN_STATUSES:
        raise CardError(
            CardCode.STATE,
            f"The charge {locked.merchant} {locked.amount} {locked.currency} is "
            f"{locked.get_status_display().lower()} and cannot be changed.",
            "charge",
        )
    return locked


def _clear(charge: CardCharge) -> None:
    """Remove the charge's split: its lines, their coding lines still waiting, and its claim on order lines."""
    lines = list(charge.lines.select_related("coding_line"))
    queued = [
        ln.coding_line_id for ln in lines if ln.coding_line is not None and ln.coding_line.state == LineState.QUEUED
    ]
    ChargeLine.objects.filter(charge=charge).delete()
    if queued:
        CodingLine.objects.filter(pk__in=queued, state=LineState.QUEUED).delete()
    ShopOrderLine.objects.filter(charge=charge).update(charge=None)


def reference_rate(charge: CardCharge) -> Decimal | None:
    """Norges Bank's reference rate (NOK per unit) for the charge's currency on its card date, or None."""
    from fakturaflyt.ledger.rates import rate_on

    return rate_on(charge.currency, _local_day(charge.booked_at))


def nok_totals(
    charge: CardCharge,
    totals: Sequence[Decimal],
    *,
    order_currency: str = "",
    order_totals: Sequence[Decimal] = (),
) -> list[Decimal | None]:
    """Each line's value in NOK (see "Currency" in the module docstring of :mod:`.posting`).

    NOK charges: the line totals, except when the items were ordered in another currency
    (``order_currency``, the lines' parts of the order amount in ``order_totals``, e.g. the
    shop charged NOK for an order in EUR): then the items are valued at the Norges Bank rate of
    that currency on the card date when one is known, and the difference to the NOK charged is
    a currency gain or loss at posting. Foreign charges: at the reference rate of the charge's
    currency when known; else the NOK charged spread over the lines pro rata; else unknown (None).
    """
    if charge.currency == "NOK":
        if order_currency and order_currency != "NOK" and len(order_totals) == len(totals):
            from fakturaflyt.ledger.rates import rate_on

            order_rate = rate_on(order_currency, _local_day(charge.booked_at))
            if order_rate is not None:
                return [_q(t * order_rate) for t in order_totals]
        return list(totals)
    rate = reference_rate(charge)
    if rate is not None:
        return [_q(t * rate) for t in totals]
    if charge.amount_nok is not None and totals:
        weights = [abs(t) for t in totals]
        return list(split_exact(charge.amount_nok, weights if sum(weights) > 0 else [Decimal(1)] * len(totals)))
    return [None] * len(totals)


def _split(
    charge: CardCharge,
    order_lines: Sequence[ShopOrderLine],
    actor: Any,
    *,
    method: str,
    note: str,
    books: card_coding.Books | None = None,
    pending: list[ChargeLine] | None = None,
) -> None:
    """(Re)build the charge's lines and their coding; the caller holds the locks.

    With ``pending`` the new lines are only added to it, for the caller to suggest many
    charges' lines at once (:func:`rematch`); else they are suggested here.
    """
    _clear(charge)
    order_lines = sorted(order_lines, key=lambda r: (r.order_id, r.source_row, r.pk))
    specs: list[tuple[ShopOrderLine | None, str, Decimal, Decimal, Decimal, Decimal]]
    order_currency, order_totals = "", []
    if order_lines:
        ShopOrderLine.objects.filter(pk__in=[r.pk for r in order_lines]).update(charge=charge)
        core_lines = [importer.to_order_line(r) for r in order_lines]
        parts = allocate(charge.amount, core_lines)
        currencies = {r.currency for r in order_lines}
        if len(currencies) == 1 and charge.currency not in currencies:
            # the shop charged another currency than it priced in: the items' parts of what it charged
            order_currency = currencies.pop()
            paid = sum(
                (g.payment_amount if g.payment_amount is not None else g.total for g in group_lines(core_lines)),
                Decimal(0),
            )
            order_totals = [p.total for p in allocate(paid, core_lines)]
        specs = [
            (row, row.title, p.net, p.vat, p.shipping_share, p.total) for row, p in zip(order_lines, parts, strict=True)
        ]
    else:
        zero = Decimal("0.00")
        specs = [(None, charge.merchant, charge.amount, zero, zero, charge.amount)]
    noks = nok_totals(charge, [s[5] for s in specs], order_currency=order_currency, order_totals=order_totals)
    lines = []
    for n, ((row, title, net, vat, shipping, total), total_nok) in enumerate(zip(specs, noks, strict=True), start=1):
        line = ChargeLine(
            charge=charge,
            line_no=n,
            order_line=row,
            title=(title or charge.merchant)[:500],
            net=net,
            vat=vat,
            shipping_share=shipping,
            total=total,
            total_nok=total_nok,
        )
        rule = card_coding.vat_rule(line)
        line.vat_rule = rule[1][:200] if rule else ""
        line.save()
        lines.append(line)
    books = books or card_coding.Books.load(charge.company)
    for line in lines:
        line.coding_line = card_coding.create_coding_line(charge, line, books)
        line.save(update_fields=["coding_line"])
    charge.status = ChargeStatus.MATCHED
    charge.match_method = method
    charge.match_note = note
    charge.candidates = []
    charge.save(update_fields=["status", "match_method", "match_note", "candidates", "updated_at"])
    if pending is not None:
        pending.extend(lines)
        return
    card_coding.suggest(lines, books)
    charge.refresh_from_db(fields=["confidence"])


def _order_lines_for(charge: CardCharge, ids: Sequence[int]) -> list[ShopOrderLine]:
    rows = list(ShopOrderLine.objects.filter(pk__in=list(ids)))
    if len(rows) != len(set(ids)):
        raise CardError(CardCode.WRONG_COMPANY, "Some of the order lines do not exist.", "order_lines")
    for row in rows:
        if row.company_id != charge.company_id:
            raise CardError(CardCode.WRONG_COMPANY, "The order line belongs to another company.", "order_lines")
        if row.charge_id not in (None, charge.pk):
            other = CardCharge.objects.filter(pk=row.charge_id).first()
            raise CardError(
                CardCode.STATE,
                f"Order line {row.order_id} «{row.title[:60]}» is already part of the charge {other}.",
                "order_lines",
            )
    return rows


def split_charge(charge: CardCharge, order_lines: Sequence[ShopOrderLine], actor: Any, *, method: str) -> CardCharge:
    """(Re)build the charge's lines from these order lines (none: one line for the whole charge) and code them.

    The lines sum exactly to the charge (:func:`fakturaflyt.core.cards.split.allocate`,
    shipping pro rata by net amount); each gets its VAT rule and a coding line suggested by
    the engine. The charge must be open.
    """
    with engine.locked(charge.company_id), transaction.atomic():
        locked = _open(charge)
        rows = _order_lines_for(locked, [r.pk for r in order_lines])
        _split(locked, rows, actor, method=method, note=locked.match_note if method != "manual" else "")
    return locked


def _decided(charge: CardCharge, actor: Any) -> None:
    charge.decided_by, charge.decided_at = _user(actor), timezone.now()
    charge.save(update_fields=["decided_by", "decided_at", "updated_at"])


def choose_candidate(charge: CardCharge, index: int, actor: Any) -> CardCharge:
    """An ambiguous charge: take its candidate number ``index`` (0 = the first) and split it."""
    with engine.locked(charge.company_id), transaction.atomic():
        locked = _open(charge)
        if locked.status != ChargeStatus.AMBIGUOUS:
            raise CardError(CardCode.STATE, "Only an ambiguous charge has candidates to choose from.", "charge")
        try:
            ids = [int(pk) for pk in locked.candidates[index]]
        except (IndexError, TypeError, ValueError):
            raise CardError(CardCode.CANDIDATE, f"The charge has no candidate {index + 1}.", "candidate") from None
        if index < 0:
            raise CardError(CardCode.CANDIDATE, f"The charge has no candidate {index + 1}.", "candidate")
        rows = _order_lines_for(locked, ids)
        _split(locked, rows, actor, method="manual", note=f"Candidate {index + 1} chosen by a person.")
        _decided(locked, actor)
        audit.record(locked.company, actor, "card.candidate_chosen", locked, candidate=index, order_lines=ids)
    return locked


def assign_lines(charge: CardCharge, order_line_ids: list[int], actor: Any) -> CardCharge:
    """Match the charge by hand to these order lines (of this company, not part of another charge) and split it."""
    if not order_line_ids:
        raise CardError(CardCode.NO_LINES, "Choose the order lines behind the charge.", "order_lines")
    with engine.locked(charge.company_id), transaction.atomic():
        locked = _open(charge)
        rows = _order_lines_for(locked, order_line_ids)
        _split(locked, rows, actor, method="manual", note="Order lines assigned by a person.")
        _decided(locked, actor)
        audit.record(locked.company, actor, "card.lines_assigned", locked, order_lines=sorted(order_line_ids))
    return locked


def as_single_line(charge: CardCharge, actor: Any) -> CardCharge:
    """Code the charge as one line for the whole amount (no order report behind it)."""
    with engine.locked(charge.company_id), transaction.atomic():
        locked = _open(charge)
        _split(locked, [], actor, method="single", note="Coded as one line by a person.")
        _decided(locked, actor)
        audit.record(locked.company, actor, "card.single_line", locked)
    return locked


# --------------------------------------------------------------------------------------- coding


def code_line(line: ChargeLine, actor: Any, coding: dict[str, str]) -> ChargeLine:
    """Confirm or correct one line's coding (any of account, vat_code, department, project).

    The engine learns it at once (:func:`fakturaflyt.coding.services.confirm_line`); the queued
    lines of the open charges from the same shop or merchant are suggested again, so the next
    similar item shows what was learnt. Raises :class:`CardError` or the coding's
    :class:`~fakturaflyt.coding.error_codes.CodingError` (naming the field).
    """
    line = ChargeLine.objects.select_related("charge__company", "coding_line", "order_line").get(pk=line.pk)
    charge = line.charge
    if charge.status not in OPEN_STATUSES:
        raise CardError(
            CardCode.STATE, f"The charge is {charge.get_status_display().lower()} and cannot be changed.", "charge"
        )
    if charge.status != ChargeStatus.MATCHED or line.coding_line is None:
        raise CardError(CardCode.NO_LINES, "Match or split the charge before coding its lines.", "charge")
    row = coding_services.confirm_line(line.coding_line, actor, coding)
    line.coding_line = row  # confirm_line suggested the similar open card lines again (cards.apps)
    card_coding.refresh_confidence([charge.pk])
    return line


def _coded_value(row: CodingLine, target: str) -> str:
    return str(getattr(row, target) or (row.suggestion.get(target) or {}).get("value") or "").strip()


def accept(charge: CardCharge, actor: Any) -> CardCharge:
    """Confirm every line's coding as shown and post the charge (voucher series CARD); status ``posted``.

    Refused with ``FF-CARD-NOT-CODED`` naming the line when a line lacks an account or VAT code
    (or its coding is not valid in the books), ``FF-CARD-STATE`` when the charge is posted,
    ignored or ambiguous, ``FF-CARD-NO-LINES`` when it is unmatched.
    """
    from fakturaflyt.cards.posting import post_charge

    company = charge.company
    with engine.locked(company), transaction.atomic():
        locked = _open(charge)
        if locked.status == ChargeStatus.AMBIGUOUS:
            raise CardError(CardCode.STATE, "Choose which shipments the charge paid before accepting it.", "charge")
        lines = list(locked.lines.select_related("coding_line", "order_line").order_by("line_no"))
        if locked.status == ChargeStatus.UNMATCHED or not lines:
            raise CardError(
                CardCode.NO_LINES,
                "The charge has no lines yet: assign its order lines, or code it as one line.",
                "charge",
            )
        queued = []
        for ln in lines:
            row = ln.coding_line
            where = f"line {ln.line_no}"
            if row is None:
                raise CardError(CardCode.NOT_CODED, f"Line {ln.line_no} «{ln.title[:60]}» has no coding.", where)
            coding = {t: _coded_value(row, t) for t in ("account", "vat_code", "department", "project")}
            for target, label in (("account", "an account"), ("vat_code", "a VAT code")):
                if not coding[target]:
                    raise CardError(
                        CardCode.NOT_CODED, f"Line {ln.line_no} «{ln.title[:60]}» has no {label[2:]} yet.", where
                    )
            try:
                validate(company, coding)
            except CodingError as exc:
                raise CardError(
                    CardCode.NOT_CODED, f"Line {ln.line_no} «{ln.title[:60]}»: {exc.message}", where
                ) from exc
            if row.state == LineState.QUEUED:
                queued.append(row.pk)
        if queued:
            coding_services.bulk_accept(company, actor, queued)
        still = CodingLine.objects.filter(pk__in=queued).exclude(state__in=CODED_STATES).first()
        if still is not None:
            raise CardError(CardCode.NOT_CODED, f"The line «{still.description[:60]}» could not be confirmed.", "lines")
        voucher = post_charge(locked, actor)
        locked.status = ChargeStatus.POSTED
        locked.decided_by, locked.decided_at = _user(actor), timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit.record(
            company,
            actor,
            "card.charge_accepted",
            locked,
            voucher=voucher.label if hasattr(voucher, "label") else voucher.pk,
            amount=str(locked.amount),
            currency=locked.currency,
            lines=len(lines),
        )
    return locked


def accept_many(company: Company, actor: Any, charge_ids: Sequence[int]) -> int:
    """Accept each named charge of the company that can be (one click for many); the others are skipped and logged."""
    done = 0
    for charge in CardCharge.objects.filter(company=company, pk__in=list(charge_ids)).order_by("booked_at", "pk"):
        try:
            accept(charge, actor)
        except (CardError, CodingError) as exc:
            logger.info("accept skipped card charge %s: %s", charge.pk, exc)
        else:
            done += 1
    return done


def ignore(charge: CardCharge, reason: str, actor: Any) -> CardCharge:
    """Leave a charge out (a private purchase, a duplicate on the statement), with the reason; its lines go."""
    if not reason.strip():
        raise CardError(CardCode.REASON, "Say why the charge is ignored.", "reason")
    with engine.locked(charge.company_id), transaction.atomic():
        locked = _open(charge)
        _clear(locked)
        locked.status = ChargeStatus.IGNORED
        locked.ignore_reason = reason.strip()[:300]
        locked.candidates, locked.confidence = [], None
        locked.decided_by, locked.decided_at = _user(actor), timezone.now()
        locked.save()
        audit.record(locked.company, actor, "card.charge_ignored", locked, reason=locked.ignore_reason)
    return locked


def reopen(charge: CardCharge, actor: Any) -> CardCharge:
    """An ignored charge back into matching."""
    with transaction.atomic():
        locked = _lock(charge)
        if locked.status != ChargeStatus.IGNORED:
            raise CardError(CardCode.STATE, "Only an ignored charge can be reopened.", "charge")
        locked.status = ChargeStatus.UNMATCHED
        locked.ignore_reason = ""
        locked.decided_by, locked.decided_at = None, None
        locked.save()
        audit.record(locked.company, actor, "card.charge_reopened", locked)
    rematch(locked.company, actor)
    locked.refresh_from_db()
    return locked


# --------------------------------------------------------------------------------------- reading


def inbox(
    company: Company, *, status: str | None = None, card_holder: str | None = None, q: str | None = None
) -> QuerySet[CardCharge]:
    """The company's charges, newest first, with their lines (order line and coding) prefetched.

    ``status``: one of the statuses, ``"open"`` (unmatched, ambiguous, matched) or None (all);
    ``card_holder``: exact; ``q``: in merchant, card holder, reference or an item's title.
    """
    qs = CardCharge.objects.filter(company=company)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if card_holder:
        qs = qs.filter(card_holder=card_holder)
    if q and q.strip():
        term = q.strip()
        matching = ChargeLine.objects.filter(charge__company=company, title__icontains=term).values("charge_id")
        qs = qs.filter(
            Q(merchant__icontains=term)
            | Q(card_holder__icontains=term)
            | Q(reference__icontains=term)
            | Q(external_id__icontains=term)
            | Q(pk__in=matching)
        )
    lines = ChargeLine.objects.select_related("order_line", "coding_line").order_by("line_no")
    return (
        qs.select_related("voucher", "decided_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-booked_at", "-pk")
    )


def card_holders(company: Company) -> list[str]:
    """The card holders of the company's charges, sorted."""
    names = CardCharge.objects.filter(company=company).exclude(card_holder="").values_list("card_holder", flat=True)
    return sorted(set(names), key=str.casefold)
