"""The demo company's company-card month: an Amazon Business report and a card statement (issue 9).

:func:`load_card_demo` imports the two files of :mod:`fakturaflyt.cards.demo_data` through the
same service as an uploaded file (:func:`fakturaflyt.cards.services.import_card_file`), so the
card inbox shows the real matching, split, VAT rules and coding. Then the accountant does what
an accountant would: corrects the department of the first headset (the engine learns it, and
the second headset, still open, is suggested that department), and accepts a few charges
(posted in voucher series CARD). The rest wait in the inbox: matched by amount, by a subset of
shipments, a gift-card part payment, a digital item, one ambiguous (two equal shipments), one
unmatched, and charges at Norwegian merchants coded as one line each, among them a refund.

Idempotent: a company that has card imports already is left as it is.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.utils import timezone

from fakturaflyt.cards import demo_data
from fakturaflyt.companies.models import Company

log = logging.getLogger(__name__)

#: Statement references of the charges the demo accepts (posted), and the one whose line is corrected.
ACCEPTED = ("DEMO-CARD-01", "DEMO-CARD-02", "DEMO-CARD-03", "DEMO-CARD-04", "DEMO-CARD-05")
CORRECTED = "DEMO-CARD-01"
LEARNT_DEPARTMENT = "400"  # Utvikling: the headsets are for the developers

# How the accountant codes what the demo accepts: (words in the item or merchant, account, VAT code or "" for
# the VAT rule's code). Amazon's items keep the VAT code of the rule (import, reverse charge, books).
_CODING: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("headset", "cable", "keyboard"), "6551", ""),
    (("paper", "toner", "post-it", "notebook"), "6800", ""),
    (("clean code", "refactoring", "programmer", "designing"), "6860", ""),
    (("software", "parallels", "microsoft"), "6553", ""),
    (("circle k",), "7000", "1"),
    (("sas ab",), "7140", "13"),
    (("scandic",), "7140", "13"),
    (("rema 1000",), "7350", "11"),
)


def _accountant(company: Company) -> Any:
    from fakturaflyt.companies.models import Membership
    from fakturaflyt.companies.roles import Role

    m = (
        Membership.objects.filter(company=company, role=Role.ACCOUNTANT, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


def _load_rates() -> None:
    """The demo exchange rates (made-up values), so foreign charges show a currency difference."""
    try:
        from fakturaflyt.ledger import rates
    except ImportError:  # pragma: no cover - the rates module ships with the cards app
        return
    load = getattr(rates, "load_demo_rates", None)
    path = getattr(rates, "DEMO_FILE", None)
    if load is not None and (path is None or path.exists()):
        load()


def _accountant_coding(text: str) -> tuple[str, str]:
    low = text.lower()
    for words, account, vat_code in _CODING:
        if any(w in low for w in words):
            return account, vat_code
    return "7790", "0"


def _shown(coding: Any, target: str) -> str:
    return str(getattr(coding, target) or (coding.suggestion.get(target) or {}).get("value") or "")


def _complete(line: Any, actor: Any, extra: dict[str, str] | None = None) -> None:
    """Code a line as the accountant does: the account by what the item is, the department the buyer
    entered, a Norwegian merchant's VAT code by what was bought (Amazon's items keep the VAT rule's code);
    the rest as the engine suggests. Only what differs from what is shown is sent (a correction)."""
    from fakturaflyt.cards import services

    account, vat_code = _accountant_coding(f"{line.title} {line.charge.merchant}")
    wanted = {"account": account, **({"vat_code": vat_code} if vat_code else {})}
    if line.order_line is not None and line.order_line.cost_center:
        wanted["department"] = line.order_line.cost_center
    wanted.update(extra or {})
    coding = line.coding_line
    if coding is not None:
        if not _shown(coding, "vat_code"):
            wanted.setdefault("vat_code", "0")
        wanted = {k: v for k, v in wanted.items() if v != _shown(coding, k)}
    if wanted:
        services.code_line(line, actor, wanted)


def load_card_demo(company: Company, actor: Any = None, *, today: date | None = None) -> None:
    """Import the demo's Amazon report and card statement once, correct one line, accept a few charges."""
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge, CardImport

    if CardImport.objects.filter(company=company).exists():
        return
    actor = actor or _accountant(company)
    today = today or timezone.localdate()
    _load_rates()
    report = demo_data.business_report(demo_data.report_rows(today))
    services.import_card_file(company, report, actor, filename=f"amazon-business-orders-{today:%Y%m}.csv")
    statement = demo_data.statement_csv(demo_data.statement_rows(today))
    services.import_card_file(company, statement, actor, filename=f"firmakort-{today:%Y%m}.csv")

    charges = {c.external_id: c for c in CardCharge.objects.filter(company=company)}
    first = charges.get(CORRECTED)
    if first is not None:
        headset = (
            first.lines.select_related("coding_line", "charge", "order_line").filter(title__icontains="headset").first()
        )
        if headset is not None:
            _complete(headset, actor, {"department": LEARNT_DEPARTMENT})
    for ref in ACCEPTED:
        charge = charges.get(ref)
        if charge is None:
            continue
        charge.refresh_from_db()
        if charge.status != "matched":
            log.warning("card demo: %s is %s, not accepted", ref, charge.status)
            continue
        for line in charge.lines.select_related("coding_line", "charge", "order_line"):
            if line.coding_line is None or line.coding_line.state == "queued":  # the corrected headset is done
                _complete(line, actor)
        services.accept(charge, actor)
