"""Each company's coding model in this process: its learning log replayed, kept up to date cheaply.

The model of a company is its :class:`~.models.LearnEvent` log replayed in id order (see
:mod:`.models`), so it can only ever know that company's lines. Only each line's newest event
counts (:func:`effective`): a line corrected after it was coded is learnt once, with its final
coding; as the core cannot unlearn, such a correction makes the model rebuild. This module keeps one
:class:`~fakturaflyt.core.coding.model.CodingModel` per company in the process:

* **first use**: load the :class:`~.models.ModelSnapshot` (the weights and calibration a
  :func:`refit` saved), then *observe* the events up to the snapshot (evidence only, fast) and
  *learn* the events after it (weights trained too);
* **later calls**: one query tells the number and newest id of the company's events and the
  version of its rules and chart. New events (id above the last seen) are learnt; changed
  rules or chart are loaded into the model; if events vanished or the count does not add up
  (a rolled-back transaction whose event this process had learnt, an event committed late
  with a lower id by another process), the model is rebuilt from the log. So several worker
  processes stay consistent with each other and with the database;
* :func:`refit`: rebuild from scratch, training the weights on every event, and save the
  snapshot (the periodic task ``coding.refit_models``);
* :func:`forget`: drop the cached model (tests; a fresh process).

A lock per company serialises learning and suggesting within a process (gunicorn threads,
Celery threads); :func:`locked` holds it for a whole business action.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fakturaflyt.coding.models import TARGETS, CodingRule, LearnEvent, ModelSnapshot, RuleKind
from fakturaflyt.companies.models import Company
from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.core.coding.model import CodingModel
from fakturaflyt.core.coding.rules import CodingRule as CoreRule
from fakturaflyt.ledger.models import Account, AccountType

logger = logging.getLogger(__name__)

#: Events read per query while replaying a long history.
BATCH = 2000


@dataclass
class _Entry:
    """The cached model of one company and what it has seen."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    model: CodingModel | None = None
    last_event_id: int = 0
    events: int = 0
    rules_version: tuple[Any, ...] = ()


_entries: dict[int, _Entry] = {}
_entries_lock = threading.Lock()


def _entry(company_id: int) -> _Entry:
    with _entries_lock:
        entry = _entries.get(company_id)
        if entry is None:
            entry = _entries[company_id] = _Entry()
        return entry


def _company_id(company: Company | int) -> int:
    return company if isinstance(company, int) else int(company.pk)


# ------------------------------------------------------------------------------ rules and chart


def core_rules(company_id: int) -> list[CoreRule]:
    """The company's active rules as core rules: one per non-empty target; a supplier rule by name and org.nr."""
    found: list[CoreRule] = []
    rows = CodingRule.objects.filter(company_id=company_id, is_active=True).select_related("supplier")
    for row in rows.order_by("pk"):
        if row.kind == RuleKind.SUPPLIER:
            if row.supplier is None:
                continue
            # The name first: an explanation then reads "Regel: Telenor Norge AS → 6900", not the org.nr.
            patterns = [p for p in (row.supplier.name, row.supplier.orgnr, row.supplier.vat_id) if p]
            kind = "supplier"
        else:
            patterns = [row.keyword] if row.keyword.strip() else []
            kind = "keyword"
        for target in TARGETS:
            value = getattr(row, target)
            if value:
                found += [CoreRule(kind, pattern, target, value) for pattern in patterns]  # type: ignore[arg-type]
    return found


def chart(company_id: int) -> dict[str, str]:
    """The company's active expense accounts, number → name (the engine matches line words with the names)."""
    rows = Account.objects.filter(company_id=company_id, is_active=True, account_type=AccountType.EXPENSE)
    return dict(rows.order_by("number").values_list("number", "name"))


def _count(qs: QuerySet[Any], company_ref: Any) -> Subquery:
    return Subquery(
        qs.filter(company_id=company_ref).order_by().values("company_id").annotate(x=Count("pk")).values("x"),
        output_field=IntegerField(),
    )


def _max(qs: QuerySet[Any], company_ref: Any, column: str) -> Subquery:
    return Subquery(
        qs.filter(company_id=company_ref).order_by().values("company_id").annotate(x=Max(column)).values("x")
    )


def effective(events: QuerySet[LearnEvent]) -> QuerySet[LearnEvent]:
    """The events that count: for each line only its newest (a correction replaces what was learnt before)."""
    newer = LearnEvent.objects.filter(line_id=OuterRef("line_id"), id__gt=OuterRef("id"))
    return events.filter(~Exists(newer))


def _state(company_id: int) -> dict[str, Any] | None:
    """One query: the company's events (count, newest id) and the version of its rules and chart."""
    ref = OuterRef("pk")
    expense = Account.objects.filter(account_type=AccountType.EXPENSE, is_active=True)
    return (
        Company.objects.filter(pk=company_id)
        .annotate(
            ev_n=Coalesce(_count(effective(LearnEvent.objects.all()), ref), 0),
            ev_last=_max(LearnEvent.objects.all(), ref, "id"),
            rule_n=Coalesce(_count(CodingRule.objects.all(), ref), 0),
            rule_at=_max(CodingRule.objects.all(), ref, "updated_at"),
            acc_n=Coalesce(_count(expense, ref), 0),
            acc_last=_max(expense, ref, "id"),
        )
        .values("ev_n", "ev_last", "rule_n", "rule_at", "acc_n", "acc_last")
        .first()
    )


def _rules_version(state: dict[str, Any]) -> tuple[Any, ...]:
    return (state["rule_n"], state["rule_at"], state["acc_n"], state["acc_last"])


# ------------------------------------------------------------------------------------ replay


def _events(company_id: int, after: int, upto: int | None = None) -> Iterator[tuple[int, PurchaseLine, dict[str, str]]]:
    """The company's effective events with id > ``after`` (and ≤ ``upto``), in id order, read in batches."""
    while True:
        qs = effective(LearnEvent.objects.filter(company_id=company_id, id__gt=after))
        if upto is not None:
            qs = qs.filter(id__lte=upto)
        batch = list(qs.order_by("id").values_list("id", "line__line", "coding")[:BATCH])
        for event_id, line, coding in batch:
            yield event_id, PurchaseLine.from_json(line or {}), {t: str(v or "") for t, v in (coding or {}).items()}
        if len(batch) < BATCH:
            return
        after = batch[-1][0]


def _learn_new(entry: _Entry, company_id: int, upto: int | None) -> None:
    assert entry.model is not None
    for event_id, line, coding in _events(company_id, entry.last_event_id, upto):
        entry.model.learn(line, coding, train=True)
        entry.last_event_id = event_id
        entry.events += 1


def _build(entry: _Entry, company_id: int, state: dict[str, Any], *, use_snapshot: bool = True) -> None:
    """A fresh model: the snapshot's weights, its events observed, later events learnt."""
    model = CodingModel(core_rules(company_id), chart(company_id))
    entry.model, entry.last_event_id, entry.events = model, 0, 0
    entry.rules_version = _rules_version(state)
    snapshot = ModelSnapshot.objects.filter(company_id=company_id).first() if use_snapshot else None
    if snapshot is not None and snapshot.state:
        model.load(snapshot.state)
        for event_id, line, coding in _events(company_id, 0, snapshot.last_event_id):
            model.observe(line, coding)
            entry.last_event_id = event_id
            entry.events += 1
    _learn_new(entry, company_id, state.get("ev_last"))


def _sync(entry: _Entry, company_id: int) -> CodingModel:
    state = _state(company_id)
    if state is None:  # the company is gone
        entry.model = CodingModel()
        return entry.model
    ev_n, ev_last = int(state["ev_n"]), int(state["ev_last"] or 0)
    if entry.model is None or ev_last < entry.last_event_id or ev_n < entry.events:
        _build(entry, company_id, state)
    else:
        if _rules_version(state) != entry.rules_version:
            entry.model.set_rules(core_rules(company_id), chart(company_id))
            entry.rules_version = _rules_version(state)
        if ev_last > entry.last_event_id:
            _learn_new(entry, company_id, ev_last)
    if entry.events != ev_n:
        # A line coded again (its earlier event no longer counts), or an event committed late with
        # an id below one already seen: start again from the log.
        logger.info(
            "coding model of company %s out of step (%s of %s events); rebuilding", company_id, entry.events, ev_n
        )
        _build(entry, company_id, _state(company_id) or state)
    assert entry.model is not None
    return entry.model


# ------------------------------------------------------------------------------------ public


def model_for(company: Company | int) -> CodingModel:
    """The company's model, brought up to date with its learning log, rules and chart (one query when nothing changed).

    Hold :func:`locked` instead while suggesting and learning in one action.
    """
    company_id = _company_id(company)
    entry = _entry(company_id)
    with entry.lock:
        return _sync(entry, company_id)


@contextmanager
def locked(company: Company | int) -> Iterator[CodingModel]:
    """The company's up-to-date model, with this process's lock on it held for the block."""
    company_id = _company_id(company)
    entry = _entry(company_id)
    with entry.lock:
        yield _sync(entry, company_id)


def refit(company: Company | int) -> ModelSnapshot:
    """Rebuild the company's model from scratch (weights trained on every event) and save its snapshot."""
    company_id = _company_id(company)
    entry = _entry(company_id)
    with entry.lock:
        state = _state(company_id) or {"rule_n": 0, "rule_at": None, "acc_n": 0, "acc_last": None}
        _build(entry, company_id, state, use_snapshot=False)
        assert entry.model is not None
        snapshot, _ = ModelSnapshot.objects.update_or_create(
            company_id=company_id,
            defaults={
                "state": entry.model.state(),
                "last_event_id": entry.last_event_id,
                "refitted_at": timezone.now(),
            },
        )
        return snapshot


def forget(company: Company | int | None = None) -> None:
    """Drop the cached model of one company (or of all): the next use rebuilds it from the database."""
    with _entries_lock:
        if company is None:
            _entries.clear()
        else:
            _entries.pop(_company_id(company), None)


def cached_event_id(company: Company | int) -> int:
    """The id of the newest event the cached model has learnt (0 when none or not cached)."""
    entry = _entries.get(_company_id(company))
    return entry.last_event_id if entry is not None else 0


__all__ = ["cached_event_id", "chart", "core_rules", "forget", "locked", "model_for", "refit"]
