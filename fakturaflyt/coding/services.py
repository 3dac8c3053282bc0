"""The coding (kontering) actions: add purchase lines, suggest their coding, confirm or correct it, learn.

One function per business action, each in one transaction (with the line row locked where two
requests could race on it) and, where it changes a coding, one audit event:

* :func:`add_line` / :func:`lines_for_document`: purchase lines in (idempotent), suggested at once;
* :func:`suggest_lines`: the engine's suggestion per target with its reasons; a line whose every
  target reaches the company's touchless threshold (:func:`thresholds_for`) is coded
  automatically (state ``auto``) and learnt, the rest wait in the :func:`queue`;
* :func:`confirm_line` / :func:`bulk_accept`: the accountant's coding, validated against the
  company's chart, VAT codes and dimensions; learnt at once, and the company's other queued
  lines from the same supplier are suggested again so the next similar line shows it;
* :func:`refresh_thresholds`: the touchless threshold per target, measured on recent history;
* :func:`suggest`: a suggestion without storing anything (the API's ``POST suggest``);
* rules and settings: :func:`add_rule`, :func:`delete_rule`, :func:`update_settings`.

Lock order: the process's engine lock of the company (:func:`.engine.locked`) first, then the
database transaction and its row locks, everywhere, so two threads cannot wait on each other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from fakturaflyt.coding import engine
from fakturaflyt.coding.documents import purchase_lines
from fakturaflyt.coding.error_codes import CodingCode, CodingError
from fakturaflyt.coding.models import (
    CODED_STATES,
    TARGETS,
    CodingLine,
    CodingRule,
    LearnEvent,
    LineSource,
    LineState,
    RuleKind,
)
from fakturaflyt.coding.reasons import reasons_text
from fakturaflyt.coding.thresholds import (
    maybe_refresh_thresholds,
    refresh_thresholds,
    settings_for,
    thresholds_for,
    update_settings,
)
from fakturaflyt.coding.validation import is_valid, validate
from fakturaflyt.companies.models import Company
from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.core.coding.learner import Suggestion
from fakturaflyt.core.coding.model import CodingModel
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.models import Account, Department, Project, VatCode

logger = logging.getLogger(__name__)

#: How many of the company's other queued lines from the same supplier are suggested again after a coding.
RESUGGEST_LIMIT = 200

CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------- rules


def add_rule(
    company: Company,
    user: Any,
    *,
    kind: str,
    keyword: str = "",
    supplier: Any = None,
    account: str = "",
    vat_code: str = "",
    department: str = "",
    project: str = "",
) -> CodingRule:
    """A supplier default coding or a keyword rule; its codes are validated like a confirmation's."""
    if kind not in RuleKind.values:
        raise CodingError(CodingCode.BAD_RULE, "A rule is a supplier rule or a keyword rule.", "kind")
    if kind == RuleKind.SUPPLIER:
        if supplier is None or supplier.company_id != company.pk:
            raise CodingError(CodingCode.BAD_RULE, "Choose one of the company's suppliers.", "supplier")
        keyword = ""
    elif not keyword.strip():
        raise CodingError(CodingCode.BAD_RULE, "Write the word the line text must contain.", "keyword")
    coding = {"account": account, "vat_code": vat_code, "department": department, "project": project}
    coding = {t: (v or "").strip() for t, v in coding.items()}
    if not any(coding.values()):
        raise CodingError(
            CodingCode.BAD_RULE, "A rule must set at least one of account, VAT code, department, project.", "account"
        )
    validate(company, coding, account_required=False)
    with transaction.atomic():
        rule = CodingRule.objects.create(
            company=company,
            kind=kind,
            keyword=keyword.strip()[:100],
            supplier=supplier if kind == RuleKind.SUPPLIER else None,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            **coding,
        )
        audit.record(company, user, "coding.rule_added", rule, after=_rule_data(rule))
    return rule


def set_rule_active(rule: CodingRule, user: Any, active: bool) -> CodingRule:
    """Take a rule out of use, or into use again (the engine reloads the company's rules on its next use)."""
    if rule.is_active == active:
        return rule
    with transaction.atomic():
        rule.is_active = active
        rule.save(update_fields=["is_active", "updated_at"])
        audit.record(
            rule.company,
            user,
            "coding.rule_activated" if active else "coding.rule_deactivated",
            rule,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return rule


def delete_rule(rule: CodingRule, user: Any) -> None:
    """Remove a rule (what was learnt from lines coded while it applied stays learnt)."""
    with transaction.atomic():
        data = _rule_data(rule)
        company = rule.company
        audit.record(company, user, "coding.rule_deleted", rule, before=data)
        rule.delete()


def _rule_data(rule: CodingRule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "keyword": rule.keyword,
        "supplier": rule.supplier_id,
        **{t: getattr(rule, t) for t in TARGETS},
    }


# ---------------------------------------------------------------------------------- add lines


def _quantize(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _existing(company: Company, source: str, source_ref: str, line_no: int, document: Any) -> CodingLine | None:
    if document is not None:
        return CodingLine.objects.filter(document=document, line_no=line_no).first()
    if source_ref:
        return CodingLine.objects.filter(company=company, source=source, source_ref=source_ref, line_no=line_no).first()
    return None


def _create_line(
    company: Company,
    line: PurchaseLine,
    *,
    source: str,
    source_ref: str,
    line_no: int,
    supplier: Any,
    document: Any,
) -> tuple[CodingLine, bool]:
    """(the line, whether it was created); an existing one (same document line or source reference) is returned."""
    if source not in LineSource.values:
        raise CodingError(CodingCode.BAD_LINE, f"Unknown source {source!r}.", "source")
    for other, label in ((supplier, "supplier"), (document, "document")):
        if other is not None and other.company_id != company.pk:
            raise CodingError(CodingCode.WRONG_COMPANY, f"The {label} belongs to another company.", label)
    found = _existing(company, source, source_ref, line_no, document)
    if found is not None:
        return found, False
    fields = {
        "line": line.as_json(),
        "supplier": supplier,
        "description": (line.description or line.invoice_text)[:300],
        "amount": _quantize(line.amount),
        "currency": (line.currency or "")[:3].upper(),
        "line_date": line.date,
    }
    try:
        with transaction.atomic():
            created = CodingLine.objects.create(
                company=company,
                source=source,
                source_ref=source_ref[:100],
                line_no=line_no,
                document=document,
                **fields,
            )
        return created, True
    except IntegrityError:  # another request added the same line a moment ago
        found = _existing(company, source, source_ref, line_no, document)
        if found is None:
            raise
        return found, False


def add_line(
    company: Company,
    line: PurchaseLine,
    *,
    source: str,
    source_ref: str = "",
    line_no: int = 1,
    supplier: Any = None,
    document: Any = None,
    touchless: bool = True,
    suggest: bool = True,
) -> CodingLine:
    """Add one purchase line to code and suggest its coding at once (coded touchless when confident enough).

    With ``touchless=False`` the line is only suggested and waits for a person; with
    ``suggest=False`` it is only stored, for the caller to suggest (the card app suggests many
    lines at once, with its own rules on top). Idempotent: the same document line, or the same
    ``(source, source_ref, line_no)``, is the line already there (returned as it is).
    """
    created, is_new = _create_line(
        company, line, source=source, source_ref=source_ref, line_no=line_no, supplier=supplier, document=document
    )
    if is_new and suggest:
        suggest_lines([created], touchless=touchless)
        created.refresh_from_db()
    return created


def lines_for_document(document: Any) -> list[CodingLine]:
    """The coding lines of a supplier document ready for coding, created and suggested on first call.

    One line per EHF invoice line, else per PDF table line, else one for the whole invoice.
    Idempotent: calling again returns the lines already there (and adds any missing).
    """
    from fakturaflyt.payables.models import DocumentState

    if document.state not in (DocumentState.READY_FOR_CODING, DocumentState.CODED):
        raise CodingError(
            CodingCode.NOT_READY,
            f"The document is {document.get_state_display().lower()}; only documents ready for coding are coded.",
            "document",
        )
    company = document.company
    created: list[CodingLine] = []
    for n, line in enumerate(purchase_lines(document), start=1):
        row, is_new = _create_line(
            company,
            line,
            source=LineSource.SUPPLIER_INVOICE,
            source_ref="",
            line_no=n,
            supplier=document.supplier,
            document=document,
        )
        if is_new:
            created.append(row)
    if created:
        suggest_lines(created)
    return list(CodingLine.objects.filter(document=document).select_related("supplier", "document").order_by("line_no"))


# ------------------------------------------------------------------------------------ suggest


def names_for(company: Company) -> dict[str, dict[str, str]]:
    """Per target: code → name (accounts, VAT codes, departments, projects), for the reasons' sentences."""
    return {
        "account": dict(Account.objects.filter(company=company).values_list("number", "name")),
        "vat_code": dict(VatCode.objects.filter(company=company).values_list("code", "name")),
        "department": dict(Department.objects.filter(company=company).values_list("code", "name")),
        "project": dict(Project.objects.filter(company=company).values_list("code", "name")),
    }


def suggestion_json(
    suggestions: Mapping[str, Suggestion], line: PurchaseLine, names: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """Per target: the suggestion as JSON plus ``text``, its reasons as Norwegian sentences."""
    result: dict[str, Any] = {}
    for target, s in suggestions.items():
        data = s.as_json()
        data["text"] = reasons_text(
            data["reasons"], target, names.get(target), supplier=line.supplier_name, buyer=line.buyer
        )
        result[target] = data
    return result


def _lowest(suggestion: Mapping[str, Any]) -> float:
    """The line's confidence: the lowest over the targets; a target without a suggestion counts as 0."""
    return min(float((suggestion.get(t) or {}).get("confidence") or 0.0) for t in TARGETS)


def _reaches(suggestion: Mapping[str, Any], thresholds: Mapping[str, float | None]) -> bool:
    for target in TARGETS:
        threshold = thresholds.get(target)
        entry = suggestion.get(target)
        if threshold is None or not entry:
            return False
        if round(float(entry["confidence"]), 3) < threshold:
            return False
    return True


def _suggested(suggestion: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What the learning log keeps of a suggestion: value and confidence per target."""
    return {
        t: {"value": e.get("value", ""), "confidence": e.get("confidence")}
        for t, e in suggestion.items()
        if t in TARGETS and isinstance(e, dict)
    }


def _suggest_one(
    row: CodingLine,
    model: CodingModel,
    names: Mapping[str, Mapping[str, str]],
    thresholds: Mapping[str, float | None] | None,
) -> bool:
    """Fill the row's suggestion and prefill its coding; code it touchless when ``thresholds`` allow. True if coded."""
    line = PurchaseLine.from_json(row.line or {})
    suggestion = suggestion_json(model.suggest(line), line, names)
    now = timezone.now()
    row.suggestion = suggestion
    row.confidence = _lowest(suggestion)
    row.suggested_at = now
    for target in TARGETS:
        setattr(row, target, str((suggestion.get(target) or {}).get("value") or ""))
    touchless = thresholds is not None and _reaches(suggestion, thresholds) and is_valid(row.company, row.coding())
    if touchless:
        row.state = LineState.AUTO
        row.coded_at = now
        row.coded_by = None
    row.save()
    if touchless:
        LearnEvent.objects.create(
            company_id=row.company_id, line=row, coding=row.coding(), suggested=_suggested(suggestion)
        )
        audit.record(row.company, None, "coding.auto", row, after={**row.coding(), "confidence": row.confidence})
        engine.model_for(row.company_id)  # learn it before the next line is suggested
        _document_coded(row, None)
    return touchless


def suggest_lines(lines: Iterable[CodingLine], *, touchless: bool = True) -> None:
    """Suggest the coding of queued lines (coded lines are left alone), in order; see the module docstring.

    With ``touchless`` (the default), a line whose every target reaches the company's threshold
    is coded automatically and learnt before the next line is suggested.
    """
    by_company: dict[int, list[int]] = {}
    for row in lines:
        by_company.setdefault(row.company_id, []).append(row.pk)
    for company_id, ids in by_company.items():
        company = Company.objects.get(pk=company_id)
        thresholds = thresholds_for(company) if touchless else None
        names = names_for(company)
        with engine.locked(company) as model, transaction.atomic():
            rows = {
                r.pk: r
                for r in CodingLine.objects.select_for_update(of=("self",))
                .select_related("company")
                .filter(pk__in=ids, state=LineState.QUEUED)
            }
            for pk in ids:
                if pk in rows:
                    # a touchless coding may have been learnt: take the model as it is now
                    _suggest_one(rows[pk], engine.model_for(company) if touchless else model, names, thresholds)


def suggest(company: Company, line: PurchaseLine) -> dict[str, Suggestion]:
    """The suggestion per target for a line, with reasons; nothing is stored."""
    with engine.locked(company) as model:
        return model.suggest(line)


def queue(company: Company) -> QuerySet[CodingLine]:
    """The company's lines waiting for a person, by date and supplier."""
    return (
        CodingLine.objects.filter(company=company, state=LineState.QUEUED)
        .select_related("supplier", "document")
        .order_by("line_date", "supplier__name", "pk")
    )


# ------------------------------------------------------------------------------------ confirm


def _final_coding(row: CodingLine, coding: Mapping[str, Any] | None) -> dict[str, str]:
    """The coding to store: the given values; a target left out (or None) keeps what is prefilled or suggested."""
    given = dict(coding or {})
    unknown = sorted(set(given) - set(TARGETS))
    if unknown:
        raise CodingError(CodingCode.UNKNOWN_TARGET, f"There is no coding field {unknown[0]!r}.", unknown[0])
    final: dict[str, str] = {}
    for target in TARGETS:
        value = given.get(target)
        if value is None:
            value = getattr(row, target) or (row.suggestion.get(target) or {}).get("value") or ""
        final[target] = str(value).strip()
    return final


def _document_coded(row: CodingLine, user: Any) -> None:
    """Mark the row's supplier document ``coded`` once none of its lines waits in the queue."""
    if row.document_id is None:
        return
    from fakturaflyt.payables.models import DocumentState, SupplierDocument

    if CodingLine.objects.filter(document_id=row.document_id, state=LineState.QUEUED).exists():
        return
    doc = SupplierDocument.objects.select_for_update(of=("self",)).filter(pk=row.document_id).first()
    if doc is None or doc.state != DocumentState.READY_FOR_CODING:
        return
    doc.state = DocumentState.CODED
    doc.save(update_fields=["state", "updated_at"])
    audit.record(
        doc.company,
        user,
        "document.coded",
        doc,
        before={"state": DocumentState.READY_FOR_CODING},
        after={"state": doc.state},
    )
    _route_for_approval(doc.pk)


def _route_for_approval(document_id: int) -> None:
    """Once the coding commits, send the coded document to approval (issue 6); a failure there is logged,
    never a failure of the coding."""

    def route() -> None:
        try:
            from fakturaflyt.approvals.services import submit_safely

            submit_safely(document_id)
        except Exception:
            logger.exception("approval routing of supplier document %s failed", document_id)

    transaction.on_commit(route)


#: Per line source, the app that suggests again the queued lines of that source after a confirmation,
#: because it adds its own rules to the engine's suggestion (the card app: the VAT rule for foreign
#: purchases, the buyer's GL code and cost center). Registered in the app's ``AppConfig.ready``.
RESUGGESTERS: dict[str, Callable[[CodingLine], object]] = {}


def _resuggest_same_supplier(row: CodingLine) -> None:
    """Suggest again the company's other queued lines from the same supplier, so they show what was just learnt."""
    special = RESUGGESTERS.get(row.source)
    if special is not None:
        special(row)
        return
    others = CodingLine.objects.filter(company_id=row.company_id, state=LineState.QUEUED).exclude(pk=row.pk)
    line = PurchaseLine.from_json(row.line or {})
    if row.supplier_id is not None:
        others = others.filter(supplier_id=row.supplier_id)
    elif line.supplier_id:
        others = others.filter(line__supplier_id=line.supplier_id)
    elif line.supplier_name:
        others = others.filter(line__supplier_name=line.supplier_name)
    else:
        return
    rows = list(others.order_by("-pk")[:RESUGGEST_LIMIT])
    if rows:
        suggest_lines(rows, touchless=False)


def confirm_line(line: CodingLine, user: Any, coding: Mapping[str, str] | None = None) -> CodingLine:
    """Confirm (or correct) a line's coding; ``coding=None`` accepts what is prefilled (the suggestion).

    Validated against the company's books (a :class:`CodingError` names the field). The line is
    ``confirmed`` when the coding equals the suggestion, else ``corrected``; the model learns it
    at once, and the company's other queued lines from the same supplier are suggested again. A
    coded line (also an automatic one) can be corrected again: a new learning event replaces
    what was learnt from it.
    """
    row = _confirm(line, user, coding)
    _resuggest_same_supplier(row)
    maybe_refresh_thresholds(line.company)
    row.refresh_from_db()
    return row


def _confirm(line: CodingLine, user: Any, coding: Mapping[str, str] | None) -> CodingLine:
    """One confirmation in one transaction: validate, store, learning event, audit event, learn."""
    company = line.company
    with engine.locked(company), transaction.atomic():
        row = CodingLine.objects.select_for_update(of=("self",)).select_related("company").filter(pk=line.pk).first()
        if row is None or row.company_id != company.pk:
            raise CodingError(CodingCode.WRONG_COMPANY, "The line does not exist in this company.", "line")
        final = _final_coding(row, coding)
        validate(company, final)
        before = {"state": row.state, **row.coding()}
        changed = row.state not in CODED_STATES or final != row.coding()
        if not changed and row.state != LineState.AUTO:
            return row  # the same coding again: nothing new to learn
        suggested = _suggested(row.suggestion or {})
        same = all(final[t] == str((suggested.get(t) or {}).get("value") or "") for t in TARGETS)
        for target, value in final.items():
            setattr(row, target, value)
        row.state = LineState.CONFIRMED if same else LineState.CORRECTED
        row.coded_by = user if getattr(user, "is_authenticated", False) else None
        row.coded_at = timezone.now()
        row.save()
        if changed:  # an automatic coding confirmed as it is was learnt already
            LearnEvent.objects.create(company=company, line=row, coding=final, suggested=suggested)
        action = "coding.confirmed" if same else "coding.corrected"
        audit.record(company, user, action, row, before=before, after={"state": row.state, **final})
        engine.model_for(company)  # learn it now
        _document_coded(row, user)
        return row


def bulk_accept(company: Company, user: Any, line_ids: Sequence[int]) -> int:
    """Accept the suggestion of each of the company's queued lines named; lines that do not validate are skipped.

    Returns how many were coded. Each line is its own confirmation (and transaction); the
    remaining queued lines of the suppliers concerned are suggested again once, at the end.
    """
    done: list[CodingLine] = []
    rows = CodingLine.objects.filter(company=company, state=LineState.QUEUED, pk__in=list(line_ids)).order_by("pk")
    for row in rows.select_related("company"):
        try:
            done.append(_confirm(row, user, None))
        except CodingError as exc:
            logger.info("bulk accept skipped coding line %s: %s", row.pk, exc.message)
    seen: set[Any] = set()
    for row in done:
        key = row.supplier_id or (row.line or {}).get("supplier_id") or (row.line or {}).get("supplier_name")
        if key not in seen:
            seen.add(key)
            _resuggest_same_supplier(row)
    if done:
        maybe_refresh_thresholds(company)
    return len(done)


__all__ = [
    "RESUGGESTERS",
    "RESUGGEST_LIMIT",
    "CodingError",
    "add_line",
    "add_rule",
    "bulk_accept",
    "confirm_line",
    "delete_rule",
    "lines_for_document",
    "names_for",
    "purchase_lines",
    "queue",
    "refresh_thresholds",
    "settings_for",
    "suggest",
    "suggest_lines",
    "suggestion_json",
    "thresholds_for",
    "update_settings",
]
