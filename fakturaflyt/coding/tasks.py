"""Background work of the coding engine. On a Celery worker with a broker; in-process, at once, without one.

| task | when |
|---|---|
| ``coding.code_document`` | queued when a supplier document becomes ready for coding: its lines, suggested (touchless where confident) |
| ``coding.refit_models`` | nightly: every company with a learning log gets its model refitted and its thresholds measured |

Both are idempotent: the lines of a document are created once; a refit of the same log gives the same model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task(name="coding.code_document", acks_late=True)
def code_document(document_id: int) -> int:
    """Create and suggest the coding lines of one supplier document; returns how many lines it has (0 if none)."""
    from fakturaflyt.coding.services import lines_for_document
    from fakturaflyt.payables.models import DocumentState, SupplierDocument

    document = SupplierDocument.objects.select_related("company", "supplier").filter(pk=document_id).first()
    if document is None or document.state not in (DocumentState.READY_FOR_CODING, DocumentState.CODED):
        return 0
    lines = lines_for_document(document)
    code_from_order(document, lines)
    return len(lines)


def code_from_order(document: Any, lines: Sequence[Any]) -> int:
    """Match the document with its purchase order; within tolerance, code its queued lines from the order lines.

    "The invoice is coded from the PO lines": each still-queued coding line takes the coding of
    the order line its invoice line was paired with (confirmed by the system, so it is learnt).
    Returns how many lines were coded. Any failure is logged and never raised: purchasing must
    not break intake or coding.
    """
    from fakturaflyt.coding.error_codes import CodingError
    from fakturaflyt.coding.models import LineState
    from fakturaflyt.coding.services import confirm_line
    from fakturaflyt.purchasing.services import match_document, po_coding

    try:
        with transaction.atomic():  # a failure rolls back only the matching
            match = match_document(document)
        if match is None or not match.within_tolerance:
            return 0
        codings = po_coding(document)
    except Exception:
        logger.exception("matching supplier document %s with its purchase order failed", getattr(document, "pk", None))
        return 0
    done = 0
    for line in lines:
        coding = codings[line.line_no - 1] if 0 < line.line_no <= len(codings) else {}
        line.refresh_from_db(fields=["state"])
        if line.state != LineState.QUEUED or not coding.get("account"):
            continue
        try:
            confirm_line(line, None, coding)
            done += 1
        except CodingError as exc:
            logger.info("coding line %s not coded from its order line: %s", line.pk, exc.message)
        except Exception:
            logger.exception("coding line %s from its purchase order line failed", line.pk)
    return done


@shared_task(name="coding.refit_models")
def refit_models() -> dict[str, int]:
    """Refit the model and measure the thresholds of every company that has coded lines. Returns the newest event learnt, per org.nr."""
    from fakturaflyt.coding import engine
    from fakturaflyt.coding.models import LearnEvent
    from fakturaflyt.coding.services import refresh_thresholds
    from fakturaflyt.companies.models import Company

    done: dict[str, int] = {}
    ids = LearnEvent.objects.order_by().values_list("company_id", flat=True).distinct()
    for company in Company.objects.filter(pk__in=list(ids)).order_by("pk"):
        try:
            snapshot = engine.refit(company)
            refresh_thresholds(company)
        except Exception:  # one company's failure must not stop the others
            logger.exception("refitting the coding model of company %s failed", company.orgnr)
            continue
        done[company.orgnr] = snapshot.last_event_id
    return done


def queue_document(document_id: int) -> None:
    """Queue the coding of a document that became ready for coding; a failure is logged, never raised.

    Called on commit by the intake: a broken coding step must not break receiving invoices.
    """
    try:
        with transaction.atomic():  # eager: a failure rolls back only the coding, not the caller's work
            code_document.delay(document_id)
    except Exception:
        logger.exception("coding supplier document %s failed; it stays ready for coding", document_id)
