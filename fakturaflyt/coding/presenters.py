"""What the coding pages show: the tabs, the choices for type-ahead, and each line as a row.

The views stay thin: they ask :mod:`.services` to do the work and these helpers to turn lines,
suggestions and measured thresholds into what the templates print. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fakturaflyt.coding.error_codes import CodingCode, CodingError
from fakturaflyt.coding.models import TARGETS, CodingLine, CodingSettings, LineState, TouchlessMode
from fakturaflyt.coding.reasons import reason_text
from fakturaflyt.companies.models import Company
from fakturaflyt.ledger.models import Account, Department, Project, VatCode, VatDirection

TARGET_LABELS: dict[str, str | Promise] = {
    "account": _("Account"),
    "vat_code": _("VAT code"),
    "department": _("Department"),
    "project": _("Project"),
}

#: Confidence from which a suggestion is shown as strong, and below which as weak.
HIGH, MEDIUM = 0.9, 0.6


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    states: tuple[str, ...]
    count: int = 0


TABS = (
    Tab("queued", _("To be coded"), (LineState.QUEUED,)),
    Tab("auto", _("Coded automatically"), (LineState.AUTO,)),
    Tab("coded", _("Coded"), (LineState.CONFIRMED, LineState.CORRECTED)),
)

SORTS: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    "newest": (_("Newest first"), ("-created_at", "-pk")),
    "confidence": (_("Least certain first"), ("confidence", "-created_at", "-pk")),
    "supplier": (_("Supplier"), ("supplier__name", "description", "-line_date", "-pk")),
    "date": (_("Date"), ("-line_date", "-created_at", "-pk")),
}


def tab_for(key: str | None) -> Tab:
    return next((t for t in TABS if t.key == key), TABS[0])


def tabs_with_counts(lines: QuerySet[CodingLine]) -> list[Tab]:
    counts: dict[str, int] = {}
    for state in lines.values_list("state", flat=True).order_by():
        counts[state] = counts.get(state, 0) + 1
    return [Tab(t.key, t.label, t.states, sum(counts.get(s, 0) for s in t.states)) for t in TABS]


def search(lines: QuerySet[CodingLine], q: str) -> QuerySet[CodingLine]:
    if not q:
        return lines
    return lines.filter(
        Q(supplier__name__icontains=q) | Q(description__icontains=q) | Q(account__startswith=q) | Q(source_ref=q)
    )


# ---------------------------------------------------------------- choices for type-ahead


def options(company: Company) -> dict[str, list[tuple[str, str]]]:
    """Per target, the company's active codes with their names, for the ``<datalist>`` and for checking input."""
    return {
        "account": list(
            Account.objects.filter(company=company, is_active=True).order_by("number").values_list("number", "name")
        ),
        "vat_code": list(
            VatCode.objects.filter(company=company, is_active=True)
            .exclude(direction=VatDirection.OUTPUT)
            .order_by("code")
            .values_list("code", "name")
        ),
        "department": list(
            Department.objects.filter(company=company, is_active=True).order_by("code").values_list("code", "name")
        ),
        "project": list(
            Project.objects.filter(company=company, is_active=True).order_by("code").values_list("code", "name")
        ),
    }


def to_code(value: str, known: Iterable[str]) -> str:
    """What was typed or picked ("6551", "6551 Datautstyr", "6551 - Datautstyr") as the code; unknown input as typed."""
    value = " ".join((value or "").split())
    codes = set(known)
    if not value or value in codes:
        return value
    first = value.split(" ", 1)[0].rstrip("-–:")
    return first if first in codes else value


# ---------------------------------------------------------------- rows


def confidence_level(confidence: float | None) -> str:
    if confidence is None:
        return "none"
    return "high" if confidence >= HIGH else "medium" if confidence >= MEDIUM else "low"


def percent(value: float | Decimal | None, digits: int = 0) -> str:
    """0.934 as "93 %" (Norwegian: a space before the sign, a decimal comma)."""
    if value is None:
        return ""
    return f"{number_format(round(float(value) * 100, digits), digits)}\u00a0%"


@dataclass
class Cell:
    """One target of one line: the value in the input, its name, the suggestion and its confidence."""

    target: str
    label: str | Promise
    value: str
    name: str
    suggested: str
    confidence: float | None
    level: str
    reasons: list[str]
    alternatives: list[tuple[str, str, str]]  # code, name, confidence as text
    error: str = ""

    @property
    def percent(self) -> str:
        return percent(self.confidence)

    @property
    def changed(self) -> bool:
        """The chosen value differs from what was suggested (a correction)."""
        return bool(self.suggested) and self.value != self.suggested


@dataclass
class Row:
    line: CodingLine
    cells: list[Cell]
    supplier: str = ""  # the supplier's name, else the name on the line (a card merchant)
    error: str = ""
    error_field: str = ""
    relearnt: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return confidence_level(self.line.confidence)


def _reason_sentences(suggestion: Mapping[str, Any], target: str, names: Mapping[str, str], supplier: str) -> list[str]:
    text = suggestion.get("text")
    if isinstance(text, list) and text:
        return [str(t) for t in text]
    # A suggestion stored without its sentences: word the structured reasons now.
    reasons = suggestion.get("reasons") or []
    return [reason_text(r, target, names, supplier=supplier) for r in reasons if isinstance(r, Mapping)]


def rows(
    lines: Iterable[CodingLine],
    names: Mapping[str, Mapping[str, str]],
    *,
    posted: Mapping[int, Mapping[str, str]] | None = None,
    errors: Mapping[int, tuple[str, str]] | None = None,
    relearnt: Iterable[int] = (),
) -> list[Row]:
    """The lines as table rows; ``posted`` keeps what was typed on a row whose save failed, ``errors`` says why."""
    posted, errors, relearnt = posted or {}, errors or {}, set(relearnt)
    result = []
    for line in lines:
        typed = posted.get(line.pk, {})
        error_field, error = errors.get(line.pk, ("", ""))
        supplier_name = line.supplier.name if line.supplier else str((line.line or {}).get("supplier_name") or "")
        cells = []
        for target in TARGETS:
            s = (line.suggestion or {}).get(target) or {}
            value = typed.get(target, getattr(line, target) or "")
            target_names = names.get(target, {})
            alternatives = [
                (str(a["value"]), target_names.get(str(a["value"]), ""), percent(a.get("probability")))
                for a in (s.get("alternatives") or [])
                if isinstance(a, Mapping)
                and a.get("value")
                and str(a["value"]) != str(s.get("value"))
                and float(a.get("probability") or 0) >= 0.005  # "0 %" tells nobody anything
            ]
            confidence = s.get("confidence")
            cells.append(
                Cell(
                    target=target,
                    label=TARGET_LABELS[target],
                    value=value,
                    name=target_names.get(value, ""),
                    suggested=str(s.get("value") or ""),
                    confidence=float(confidence) if confidence is not None else None,
                    level=confidence_level(confidence),
                    reasons=_reason_sentences(s, target, target_names, supplier_name),
                    alternatives=alternatives[:3],
                    error=error if error_field == target else "",
                )
            )
        result.append(
            Row(
                line,
                cells,
                supplier=supplier_name,
                error=error,
                error_field=error_field if error_field in TARGETS else "",
                relearnt=line.pk in relearnt,
            )
        )
    return result


# ---------------------------------------------------------------- the touchless threshold


@dataclass(frozen=True)
class ThresholdLine:
    target: str
    label: str | Promise
    threshold: str
    precision: str
    rows: int
    active: bool


def settings_of(company: Company) -> CodingSettings:
    found = CodingSettings.objects.filter(company=company).first()
    return found or CodingSettings(company=company)


def threshold_summary(company: Company, measured: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The header of the queue: from which confidence lines are coded without a human, and how well that went."""
    settings = settings_of(company)
    measured = settings.measured if measured is None else measured
    window = settings.window_days
    if settings.mode == TouchlessMode.OFF:
        return {
            "mode": "off",
            "headline": gettext("Automatic coding is off: every line comes to the queue."),
            "targets": [],
        }
    if settings.mode == TouchlessMode.FIXED:
        if settings.fixed_threshold is None:
            headline = gettext("Automatic coding is on, but no fixed threshold is set.")
        else:
            headline = gettext("Automatic coding from %(threshold)s confidence (fixed threshold).") % {
                "threshold": percent(settings.fixed_threshold)
            }
        return {"mode": "fixed", "headline": headline, "targets": []}
    targets = []
    for target in TARGETS:
        m = (measured or {}).get(target) or {}
        threshold = m.get("threshold")
        targets.append(
            ThresholdLine(
                target=target,
                label=TARGET_LABELS[target],
                threshold=percent(threshold) if threshold is not None else "",
                precision=percent(m.get("precision"), 1) if m.get("precision") is not None else "",
                rows=int(m.get("rows") or 0),
                active=threshold is not None,
            )
        )
    missing = [t for t in targets if not t.active]
    main = targets[0]
    if missing:
        # A line is coded without a human only when every target reaches its threshold.
        headline = gettext(
            "Not enough history yet (%(targets)s): every line comes to the queue until at least %(rows)s "
            "suggestions of each have been checked."
        ) % {"targets": ", ".join(str(t.label).lower() for t in missing), "rows": settings.min_rows}
    else:
        headline = gettext(
            "Automatic coding from %(threshold)s confidence (measured precision %(precision)s over %(rows)s lines, "
            "last %(days)s days)"
        ) % {"threshold": main.threshold, "precision": main.precision, "rows": main.rows, "days": window}
    return {"mode": "measured", "headline": headline, "targets": targets}


# ---------------------------------------------------------------- refusals in the user's language

_MESSAGES: dict[str, str | Promise] = {
    CodingCode.ACCOUNT_REQUIRED: _("Choose the account the line is posted to."),
    CodingCode.UNKNOWN_ACCOUNT: _("Account %(value)s is not in the chart of accounts."),
    CodingCode.INACTIVE_ACCOUNT: _("Account %(value)s is closed for posting."),
    CodingCode.UNKNOWN_VAT_CODE: _("VAT code %(value)s does not exist."),
    CodingCode.INACTIVE_VAT_CODE: _("VAT code %(value)s is not in use."),
    CodingCode.OUTPUT_VAT_CODE: _("VAT code %(value)s is for sales (output VAT); a purchase needs an input VAT code."),
    CodingCode.UNKNOWN_DEPARTMENT: _("Department %(value)s does not exist."),
    CodingCode.INACTIVE_DEPARTMENT: _("Department %(value)s is closed."),
    CodingCode.UNKNOWN_PROJECT: _("Project %(value)s does not exist."),
    CodingCode.INACTIVE_PROJECT: _("Project %(value)s is closed."),
}


def error_message(exc: CodingError, values: Mapping[str, Any]) -> str:
    """The service's refusal worded for the page (translated by its stable code; else its own message)."""
    template = _MESSAGES.get(exc.code)
    if template is None:
        return exc.message
    return str(template) % {"value": values.get(exc.field, "")}
