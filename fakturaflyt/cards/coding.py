"""Card charge lines → the coding engine (issue 9 point 3): one :class:`CodingLine` per charge line.

Each charge line becomes a purchase line for the engine (:class:`PurchaseLine`): the shop
(``supplier_id`` ``"shop:amazon"``) or the merchant, the item title, the shop's category,
the net amount, the buyer (the order's Amazon account user, else the card holder), the
buyer-entered project, the VAT rate, and as extra columns the buyer-entered GL code and cost
center, the category, the card holder and any of the company's active projects named in the
line. Card lines are never coded touchless: a person accepts each charge (one click).

After the engine's suggestion, per target:

* **VAT code**: the Norwegian rule for the item (:func:`fakturaflyt.core.cards.vat.vat_for_line`)
  decides, with confidence 1.0 and the rule's reason (a rule of law, not a habit);
* **account / department / project**: what the buyer entered in Amazon (GL code, cost center
  or department, project code) is suggested when it is valid in the company's books (an
  account number; an active department or project by code, or case-insensitively by name)
  *and* the company has not taught the engine otherwise for that entry: the engine's
  suggestion wins only when a person has coded card lines where a buyer entered the same
  value (:meth:`Books.taught_for`: the engine learnt that entry); habits of the buyer or the shop, the weekday
  or the month do not overrule an explicit entry, whatever their confidence. Once a person
  corrects such a line, the correction wins for the next item with the same entry;
* **project**: else an active project whose code or name appears in the item's title,
  category or entered project is suggested unless the engine learnt the project for such
  lines (evidence about this buyer, text or entered code, :data:`LEARNT_KINDS`).

The suggestion keeps the shape of :func:`fakturaflyt.coding.services.suggestion_json`
(``value``, ``confidence``, ``probability``, ``reasons``, ``alternatives``, ``text``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from fakturaflyt.cards.models import OPEN_STATUSES, CardCharge, ChargeLine, ShopOrderLine
from fakturaflyt.coding import engine
from fakturaflyt.coding import services as coding_services
from fakturaflyt.coding.models import TARGETS, CodingLine, LineSource, LineState
from fakturaflyt.coding.reasons import value_text
from fakturaflyt.core.coding.features import PurchaseLine, normalise_supplier
from fakturaflyt.core.coding.model import CodingModel
from fakturaflyt.ledger.models import Account, Department, Project

#: The confidence of a buyer-entered code valid in the books.
BUYER_CONFIDENCE = 0.9
#: Per target, the order-line columns where the buyer enters a code (the engine sees them as ``extra``).
ENTERED_COLUMNS = {"account": ("gl_code",), "department": ("cost_center", "department"), "project": ("project",)}
ENTRY_COLUMNS = frozenset(c for columns in ENTERED_COLUMNS.values() for c in columns)
#: The confidence of an active project named in the line.
PROJECT_TEXT_CONFIDENCE = 0.75
#: Evidence kinds that show the engine learnt the target for such lines (not the shop as a whole).
LEARNT_KINDS = frozenset(
    {
        "supplier+buyer",
        "supplier+text",
        "supplier+amount",
        "chain+buyer",
        "buyer",
        "buyer+bucket",
        "buyer+day",
        "extra",
        "extra+buyer",
        "word",
        "project",
        "po",
    }
)
#: Resuggested at most after a correction (the newest open card lines of the same shop or merchant).
RESUGGEST_LIMIT = 100


def supplier_of(charge: CardCharge, order_line: ShopOrderLine | None) -> tuple[str, str]:
    """``(supplier_id, supplier_name)`` for the engine: ``shop:<name>`` for a shop's item, else the merchant."""
    if order_line is not None:
        return f"shop:{order_line.shop}", order_line.shop.capitalize()
    name = _merchant_name(charge.merchant)
    return f"merchant:{normalise_supplier(name) or name.casefold()}"[:100], name


def _merchant_name(merchant: str) -> str:
    """The merchant text without its payment reference (``"PAYPAL *NETFLIX"`` keeps both words)."""
    text = re.sub(r"\*\s*[A-Z0-9-]{6,30}\b", "", merchant.upper()) if re.search(r"\*\s*\w*\d", merchant) else merchant
    return " ".join(text.split()) or merchant


# ------------------------------------------------------------------------------------ the books


@dataclass
class Books:
    """What the company's books allow, loaded once per action."""

    accounts: set[str] = field(default_factory=set)
    departments: dict[str, str] = field(default_factory=dict)  # code -> name (active)
    projects: dict[str, str] = field(default_factory=dict)  # code -> name (active)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``column=value`` (case-folded) of the buyer entries on card lines a person has coded.
    taught: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, company: Any) -> Books:
        taught: set[str] = set()
        coded = CodingLine.objects.filter(
            company=company,
            source__in=(LineSource.CARD, LineSource.AMAZON),
            state__in=(LineState.CONFIRMED, LineState.CORRECTED),
        )
        for extra in coded.values_list("line__extra", flat=True):
            for column, value in (extra or {}).items():
                if column in ENTRY_COLUMNS and str(value).strip():
                    taught.add(f"{column}={str(value).strip().casefold()}")
        return cls(
            accounts=set(Account.objects.filter(company=company, is_active=True).values_list("number", flat=True)),
            departments=dict(Department.objects.filter(company=company, is_active=True).values_list("code", "name")),
            projects=dict(Project.objects.filter(company=company, is_active=True).values_list("code", "name")),
            names=coding_services.names_for(company),
            taught=taught,
        )

    def taught_for(self, target: str, raw: str) -> bool:
        """Whether a person has coded card lines where the buyer entered this value for the target."""
        folded = raw.strip().casefold()
        return any(f"{column}={folded}" in self.taught for column in ENTERED_COLUMNS.get(target, ()))

    @staticmethod
    def _find(value: str, table: Mapping[str, str]) -> str:
        value = value.strip()
        if not value:
            return ""
        if value in table:
            return value
        folded = value.casefold()
        for code, name in table.items():
            if code.casefold() == folded or name.strip().casefold() == folded:
                return code
        return ""

    def account(self, value: str) -> str:
        value = value.strip()
        return value if value in self.accounts else ""

    def department(self, value: str) -> str:
        return self._find(value, self.departments)

    def project(self, value: str) -> str:
        return self._find(value, self.projects)

    def projects_named_in(self, *texts: str) -> list[str]:
        """Active projects whose code or name (as whole words) occurs in the texts."""
        haystack = " ".join(t for t in texts if t).casefold()
        if not haystack:
            return []
        found = []
        for code, name in self.projects.items():
            for needle in (code, name):
                needle = needle.strip().casefold()
                if len(needle) >= 3 and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
                    found.append(code)
                    break
        return found


# ------------------------------------------------------------------------------------ purchase line


def purchase_line(
    charge: CardCharge, line: ChargeLine, order_line: ShopOrderLine | None, books: Books | None = None
) -> PurchaseLine:
    """What the engine sees of one charge line (see the module docstring)."""
    supplier_id, supplier_name = supplier_of(charge, order_line)
    day = timezone.localdate(charge.booked_at)
    extra: dict[str, str] = {}
    buyer = charge.card_holder
    project_ref = ""
    description = line.title
    category = ""
    if order_line is not None:
        buyer = order_line.buyer or charge.card_holder
        project_ref = order_line.project
        category = order_line.category
        for column in ("gl_code", "cost_center", "department", "project", "category"):
            value = str(getattr(order_line, column) or "").strip()
            if value:
                extra[column] = value
    else:
        category = charge.merchant
    if charge.card_holder:
        extra["card_holder"] = charge.card_holder
    if books is not None and order_line is not None:
        named = books.projects_named_in(order_line.title, order_line.category, order_line.project)
        if named:
            extra["project_hint"] = named[0]
    vat_rate = None
    if line.net and line.vat:
        vat_rate = (line.vat / line.net * 100).quantize(Decimal("1"))
    return PurchaseLine(
        date=day,
        supplier_id=supplier_id,
        supplier_name=supplier_name,
        description=description[:300],
        invoice_text=category[:300],
        amount=line.net,
        currency=charge.currency,
        buyer=buyer,
        project_ref=project_ref,
        vat_rate=vat_rate,
        extra=tuple(sorted(extra.items())),
    )


def source_of(order_line: ShopOrderLine | None) -> str:
    return "amazon" if order_line is not None and order_line.shop == "amazon" else "card"  # LineSource


def source_ref(charge: CardCharge, order_line: ShopOrderLine | None) -> str:
    return f"charge:{charge.pk}:{order_line.pk if order_line is not None else 0}"


def create_coding_line(charge: CardCharge, line: ChargeLine, books: Books) -> CodingLine:
    """The line's :class:`CodingLine` (created and suggested without touchless coding, or the one already there)."""
    order_line = line.order_line
    return coding_services.add_line(
        charge.company,
        purchase_line(charge, line, order_line, books),
        source=source_of(order_line),
        source_ref=source_ref(charge, order_line),
        line_no=line.line_no,
        suggest=False,  # suggested with the card rules by :func:`suggest`
    )


# ------------------------------------------------------------------------------------ suggestion


def vat_rule(line: ChargeLine) -> tuple[str, str] | None:
    """``(code, reason)`` of the Norwegian VAT rule for the line's item; None for a line without an item."""
    if line.order_line is None:
        return None
    from fakturaflyt.cards.importer import to_order_line
    from fakturaflyt.core.cards.vat import is_foreign, vat_for_line

    core = to_order_line(line.order_line)
    decision = vat_for_line(core, foreign=is_foreign(line.order_line.shop, core))
    return decision.code, decision.reason


def _learnt(entry: Mapping[str, Any] | None) -> bool:
    """Whether a suggestion rests on learnt evidence about such lines (buyer, text, entered codes)."""
    if not entry:
        return False
    return any(
        r.get("kind") in LEARNT_KINDS and int(r.get("count") or 0) > 0 and r.get("label") == entry.get("value")
        for r in entry.get("reasons") or []
    )


def _entry(value: str, confidence: float, kind: str, key: str, text: str) -> dict[str, Any]:
    return {
        "value": value,
        "confidence": confidence,
        "probability": confidence,
        "reasons": [
            {"kind": kind, "key": key, "label": value, "count": 0, "total": 0, "weight": 1.0, "last_date": None}
        ],
        "alternatives": [],
        "text": [text],
    }


def _buyer_hints(order_line: ShopOrderLine | None, books: Books) -> dict[str, tuple[str, str]]:
    """Per target: (code, what the buyer wrote), for entries valid in the books."""
    hints: dict[str, tuple[str, str]] = {}
    if order_line is None:
        return hints
    if order_line.gl_code and books.account(order_line.gl_code):
        hints["account"] = (books.account(order_line.gl_code), order_line.gl_code)
    for raw in (order_line.cost_center, order_line.department):
        code = books.department(raw)
        if code:
            hints["department"] = (code, raw)
            break
    if order_line.project and books.project(order_line.project):
        hints["project"] = (books.project(order_line.project), order_line.project)
    return hints


def adjust(suggestion: dict[str, Any], line: ChargeLine, books: Books) -> dict[str, Any]:
    """The engine's suggestion with the VAT rule and the buyer's entries applied (see the module docstring)."""
    names = books.names
    rule = vat_rule(line)
    if rule is not None:
        code, reason = rule
        suggestion["vat_code"] = _entry(
            code, 1.0, "vat_rule", reason, f"{reason} → {value_text('vat_code', code, names.get('vat_code'))}"
        )
    order_line = line.order_line
    hints = _buyer_hints(order_line, books)
    if order_line is not None and "project" not in hints:
        named = books.projects_named_in(order_line.title, order_line.category, order_line.project)
        if named:
            hints["project"] = (named[0], "")
    for target, (code, raw) in hints.items():
        current = suggestion.get(target)
        value = (current or {}).get("value")
        confidence = float((current or {}).get("confidence") or 0.0)
        shown = value_text(target, code, names.get(target))
        if raw:
            text = f"Oppgitt av bestilleren i Amazon: «{raw}» → {shown}"
            kind, key, conf = "buyer_entered", raw, BUYER_CONFIDENCE
        else:
            text = f"Prosjektet er nevnt i varelinjen → {shown}"
            kind, key, conf = "project_named", code, PROJECT_TEXT_CONFIDENCE
        if current and value == code:
            current["confidence"] = max(confidence, conf)
            current.setdefault("reasons", []).insert(
                0, {"kind": kind, "key": key, "label": code, "count": 0, "total": 0, "weight": 1.0, "last_date": None}
            )
            current.setdefault("text", []).insert(0, text)
        elif not current or not value or not (books.taught_for(target, raw) if raw else _learnt(current)):
            suggestion[target] = _entry(code, conf, kind, key, text)
    return suggestion


def _lowest(suggestion: Mapping[str, Any]) -> float:
    return min(float((suggestion.get(t) or {}).get("confidence") or 0.0) for t in TARGETS)


def _suggest_row(row: CodingLine, line: ChargeLine, model: CodingModel, books: Books) -> None:
    purchase = PurchaseLine.from_json(row.line or {})
    suggestion = coding_services.suggestion_json(model.suggest(purchase), purchase, books.names)
    suggestion = adjust(suggestion, line, books)
    row.suggestion = suggestion
    row.confidence = _lowest(suggestion)
    row.suggested_at = timezone.now()
    for target in TARGETS:
        setattr(row, target, str((suggestion.get(target) or {}).get("value") or ""))
    row.save(update_fields=["suggestion", "confidence", "suggested_at", *TARGETS])


def suggest(lines: Sequence[ChargeLine], books: Books | None = None) -> None:
    """Suggest the coding of the charge lines whose coding line waits for a person (coded ones are left alone).

    ``books`` (of the lines' company) saves loading them again when the caller has them.
    """
    by_company: dict[int, list[ChargeLine]] = {}
    for line in lines:
        if line.coding_line_id is not None:
            by_company.setdefault(line.charge.company_id, []).append(line)
    for company_id, members in by_company.items():
        company = members[0].charge.company
        if books is None or len(by_company) > 1:
            books = Books.load(company)
        with engine.locked(company_id) as model, transaction.atomic():
            rows = {
                r.pk: r
                for r in CodingLine.objects.select_for_update(of=("self",)).filter(
                    pk__in=[m.coding_line_id for m in members], state=LineState.QUEUED
                )
            }
            for member in members:
                row = rows.get(member.coding_line_id or 0)
                if row is not None:
                    _suggest_row(row, member, model, books)
        refresh_confidence({m.charge_id for m in members})


def refresh_confidence(charge_ids: Iterable[int]) -> None:
    """Each charge's confidence: the lowest of its lines (None without lines)."""
    ids = list(charge_ids)
    lowest = dict(
        ChargeLine.objects.filter(charge_id__in=ids)
        .values("charge_id")
        .annotate(low=Min("coding_line__confidence"))
        .values_list("charge_id", "low")
    )
    for pk in ids:
        CardCharge.objects.filter(pk=pk).update(confidence=lowest.get(pk))


def _similar(line: Mapping[str, Any]) -> Q:
    """Lines like this one: the same buyer, the same category, or the same entry by the buyer."""
    extra = line.get("extra") or {}
    alike = Q(pk__in=[])
    if line.get("buyer"):
        alike |= Q(coding_line__line__buyer=line["buyer"])
    for column in ("category", *sorted(ENTRY_COLUMNS)):
        value = extra.get(column)
        if value:
            alike |= Q(**{f"coding_line__line__extra__{column}": value})
    return alike


def resuggest_similar(company: Any, line: Mapping[str, Any], *, exclude: Iterable[int] = ()) -> int:
    """Suggest again the queued lines of the company's open charges similar to ``line`` (a PurchaseLine as JSON).

    Similar: from the same shop or merchant and with the same buyer, category or buyer entry
    (the newest :data:`RESUGGEST_LIMIT`). So a correction shows at once on the next similar
    item, also one imported before it. Returns how many lines were suggested again.
    """
    supplier_id = str(line.get("supplier_id") or "")
    if not supplier_id:
        return 0
    lines = list(
        ChargeLine.objects.filter(
            _similar(line),
            charge__company=company,
            charge__status__in=OPEN_STATUSES,
            coding_line__state=LineState.QUEUED,
            coding_line__line__supplier_id=supplier_id,
        )
        .exclude(pk__in=list(exclude))
        .select_related("charge__company", "order_line")
        .order_by("-pk")[:RESUGGEST_LIMIT]
    )
    suggest(lines)
    return len(lines)


def resuggest_after_confirmation(row: CodingLine) -> int:
    """After a card line's coding was corrected: suggest again the similar open card lines.

    Registered in :data:`fakturaflyt.coding.services.RESUGGESTERS`, so it runs wherever the line
    was corrected (card inbox, coding queue, API), and the neighbours keep the card rules. A
    confirmation of the suggestion as it was changes nothing worth showing on the others (and
    accepting many charges must not suggest the whole inbox again each time).
    """
    if row.state != LineState.CORRECTED:
        return 0
    return resuggest_similar(row.company, row.line or {})


__all__ = [
    "BUYER_CONFIDENCE",
    "LEARNT_KINDS",
    "Books",
    "adjust",
    "create_coding_line",
    "purchase_line",
    "refresh_confidence",
    "resuggest_after_confirmation",
    "resuggest_similar",
    "source_ref",
    "suggest",
    "supplier_of",
    "vat_rule",
]
