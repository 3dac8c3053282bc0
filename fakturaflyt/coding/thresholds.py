"""The touchless policy of a company and the thresholds measured for it.

:func:`thresholds_for` gives the threshold per target that every confidence must reach for a
line to be coded without a human touch: none with mode ``off``, the fixed one with ``fixed``,
and with ``measured`` (the default) what :func:`refresh_thresholds` found over the recent
history (see :mod:`fakturaflyt.core.coding.threshold`). Re-exported by :mod:`.services`.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.coding.error_codes import CodingCode, CodingError
from fakturaflyt.coding.models import CODED_STATES, TARGETS, CodingLine, CodingSettings, TouchlessMode
from fakturaflyt.companies.models import Company
from fakturaflyt.core.coding.threshold import choose_threshold, precision_at
from fakturaflyt.ledger import audit

#: Thresholds are measured again after a confirmation at most this often (and by the nightly task).
THRESHOLD_REFRESH = timedelta(seconds=60)


def settings_for(company: Company) -> CodingSettings:
    """The company's coding settings (created with the defaults on first use)."""
    found, _ = CodingSettings.objects.get_or_create(company=company)
    return found


def thresholds_for(company: Company) -> dict[str, float | None]:
    """The touchless threshold per target: None = never touchless for that target.

    ``off``: all None; ``fixed``: the fixed threshold for every target; ``measured``: what
    :func:`refresh_thresholds` last found (None until there is enough history).
    """
    s = settings_for(company)
    if s.mode == TouchlessMode.OFF:
        return dict.fromkeys(TARGETS)
    if s.mode == TouchlessMode.FIXED:
        value = float(s.fixed_threshold) if s.fixed_threshold is not None else None
        return dict.fromkeys(TARGETS, value)
    measured = s.measured or {}
    result: dict[str, float | None] = {}
    for target in TARGETS:
        threshold = (measured.get(target) or {}).get("threshold")
        result[target] = float(threshold) if threshold is not None else None
    return result


def _history(company: Company, since: Any) -> dict[str, list[tuple[float, bool]]]:
    """Per target: (suggested confidence, suggestion == final coding) of the lines coded since ``since``."""
    fields = [f"suggestion__{t}__{k}" for t in TARGETS for k in ("value", "confidence")]
    rows = CodingLine.objects.filter(company=company, state__in=CODED_STATES, coded_at__gte=since).values(
        *TARGETS, *fields
    )
    history: dict[str, list[tuple[float, bool]]] = {t: [] for t in TARGETS}
    for row in rows.iterator(chunk_size=2000):
        for target in TARGETS:
            confidence = row[f"suggestion__{target}__confidence"]
            if confidence is None:
                continue
            suggested = str(row[f"suggestion__{target}__value"] or "")
            history[target].append((float(confidence), suggested == (row[target] or "")))
    return history


def refresh_thresholds(company: Company) -> CodingSettings:
    """Measure the touchless threshold per target over the coded lines of the last ``window_days``.

    Per target the pairs (suggested confidence, whether the suggestion was what was finally
    coded) go to :func:`~fakturaflyt.core.coding.threshold.choose_threshold`: the lowest
    confidence whose suggestions at or above it were right at least ``target_precision`` of the
    time, over at least ``min_rows`` of them. Stored per target: threshold, rows above it, their
    precision, and all rows measured.
    """
    with transaction.atomic():
        s = settings_for(company)
        s = CodingSettings.objects.select_for_update().get(pk=s.pk)
        history = _history(company, timezone.now() - timedelta(days=s.window_days))
        measured: dict[str, Any] = {}
        for target, pairs in history.items():
            threshold = choose_threshold(pairs, precision=float(s.target_precision), min_rows=s.min_rows)
            rows, precision = precision_at(pairs, threshold) if threshold is not None else (0, None)
            measured[target] = {
                "threshold": threshold,
                "rows": rows,
                "precision": round(precision, 4) if precision is not None else None,
                "measured": len(pairs),
            }
        s.measured = measured
        s.measured_at = timezone.now()
        s.save(update_fields=["measured", "measured_at"])
        return s


def maybe_refresh_thresholds(company: Company) -> None:
    s = settings_for(company)
    if s.mode == TouchlessMode.MEASURED and (
        s.measured_at is None or timezone.now() - s.measured_at > THRESHOLD_REFRESH
    ):
        refresh_thresholds(company)


def update_settings(company: Company, user: Any, **changes: Any) -> CodingSettings:
    """Change the touchless policy (``mode``, ``target_precision``, ``fixed_threshold``, ``window_days``, ``min_rows``)."""
    allowed = {"mode", "target_precision", "fixed_threshold", "window_days", "min_rows"}
    with transaction.atomic():
        s = CodingSettings.objects.select_for_update().get(pk=settings_for(company).pk)
        before = {k: _plain(getattr(s, k)) for k in sorted(allowed)}
        for name, value in changes.items():
            if name not in allowed:
                raise CodingError(CodingCode.BAD_SETTINGS, f"There is no coding setting {name!r}.", name)
            setattr(s, name, _clean_setting(name, value))
        if s.mode == TouchlessMode.FIXED and s.fixed_threshold is None:
            raise CodingError(
                CodingCode.BAD_SETTINGS, "A fixed threshold needs a value between 0 and 1.", "fixed_threshold"
            )
        s.save()
        after = {k: _plain(getattr(s, k)) for k in sorted(allowed)}
        audit.record(company, user, "coding.settings_changed", s, before=before, after=after)
    if s.mode == TouchlessMode.MEASURED:
        s = refresh_thresholds(company)
    return s


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _clean_setting(name: str, value: Any) -> Any:
    if name == "mode":
        if value not in TouchlessMode.values:
            raise CodingError(CodingCode.BAD_SETTINGS, f"Mode must be one of {', '.join(TouchlessMode.values)}.", name)
        return value
    if name in ("window_days", "min_rows"):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not 1 <= number <= 3650:
            raise CodingError(CodingCode.BAD_SETTINGS, f"{name} must be a whole number from 1 to 3650.", name)
        return number
    if value is None or value == "":
        if name == "fixed_threshold":
            return None
        raise CodingError(CodingCode.BAD_SETTINGS, f"{name} needs a value between 0 and 1.", name)
    try:
        number_d = Decimal(str(value))
    except ArithmeticError:
        number_d = Decimal(-1)
    if not Decimal(0) < number_d <= Decimal(1):
        raise CodingError(CodingCode.BAD_SETTINGS, f"{name} must be above 0 and at most 1 (for example 0.98).", name)
    return number_d.quantize(Decimal("0.0001"))


__all__ = [
    "THRESHOLD_REFRESH",
    "maybe_refresh_thresholds",
    "refresh_thresholds",
    "settings_for",
    "thresholds_for",
    "update_settings",
]
