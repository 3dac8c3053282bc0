"""The monthly report (månedsrapport) as an A4 PDF: the month's key figures, 12-month charts and tables.

The figures are the dashboard's (:func:`.services.dashboard` on the month's last day, or today
for the current month), for the sections the role may see. Charts are inline SVG drawn on the
server (:mod:`.svg`); WeasyPrint renders the HTML with the same offline URL fetcher as the
invoice PDFs (``receivables.pdf``): no network, no files. Amounts are written the Norwegian way
(``1 234 567,50``).

Some figures describe *now*, not the month's end, because the system keeps only the current
state: approvals waiting, documents held up, card charges waiting, and which invoices are still
unpaid. The report says so next to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fakturaflyt.companies.roles import Perm
from fakturaflyt.dashboards import charts, services, svg
from fakturaflyt.dashboards.charts import Number
from fakturaflyt.dashboards.periods import OSLO, month_end

__all__ = ["KeyFigure", "filename", "key_figures", "render_html", "render_pdf"]


@dataclass(frozen=True)
class KeyFigure:
    section: str  # "ap", "ar", "cards"
    key: str
    label: str
    value: Number
    unit: str  # nok, count, days, pct
    now: bool = False  # describes the day the report is made, not the month
    part: bool = False  # a part of the figure above it (indented)


def key_figures(d: services.Dashboard) -> list[KeyFigure]:
    """The month's figures (the last month of ``d``), section by section."""
    rows: list[KeyFigure] = []
    p = d.payables
    if p is not None:
        rows += [
            KeyFigure("ap", "received", _("Invoices received"), p.channels.totals[-1], "count"),
            *(
                KeyFigure(
                    "ap",
                    f"received_{r.channel}",
                    _("of which %(channel)s") % {"channel": r.label},
                    r.counts[-1],
                    "count",
                    part=True,
                )
                for r in p.channels.rows
                if r.counts[-1]
            ),
            KeyFigure("ap", "posted", _("Invoices posted"), p.touchless.months[-1].posted, "count"),
            KeyFigure("ap", "touchless", _("Touchless rate"), p.touchless.months[-1].rate, "pct"),
            KeyFigure(
                "ap",
                "approval_avg",
                _("Days from receipt to approval, average"),
                p.approval_time.months[-1].average,
                "days",
            ),
            KeyFigure(
                "ap",
                "approval_p90",
                _("Days from receipt to approval, 90th percentile"),
                p.approval_time.months[-1].p90,
                "days",
            ),
            KeyFigure(
                "ap",
                "payment_avg",
                _("Days from receipt to payment, average"),
                p.payment_time.months[-1].average,
                "days",
            ),
            KeyFigure(
                "ap",
                "payment_p90",
                _("Days from receipt to payment, 90th percentile"),
                p.payment_time.months[-1].p90,
                "days",
            ),
            KeyFigure("ap", "paid", _("Invoices paid"), p.late.months[-1].paid, "count"),
            KeyFigure(
                "ap",
                "paid_late",
                _("of which paid after the due date"),
                p.late.months[-1].paid_late,
                "count",
                part=True,
            ),
            KeyFigure(
                "ap", "overdue_unpaid", _("Approved, unpaid, past due (NOK)"), p.late.overdue_amount, "nok", True
            ),
            KeyFigure(
                "ap",
                "waiting",
                _("Invoices waiting for approval"),
                sum(a.count for a in p.approvals_waiting),
                "count",
                True,
            ),
            KeyFigure("ap", "exceptions", _("Invoices held up"), p.exceptions.documents, "count", True),
        ]
    r = d.receivables
    if r is not None:
        m = r.months[-1]
        rows += [
            KeyFigure("ar", "invoiced", _("Invoiced (NOK)"), m.invoiced, "nok"),
            KeyFigure("ar", "credited", _("Credited (NOK)"), m.credited, "nok"),
            KeyFigure("ar", "paid", _("Paid by customers (NOK)"), m.paid, "nok"),
            KeyFigure("ar", "open_end", _("Open at month end (NOK)"), m.receivables_end, "nok"),
            KeyFigure("ar", "overdue_end", _("Overdue at month end (NOK)"), m.overdue_end, "nok"),
            KeyFigure("ar", "dso", _("DSO (days)"), m.dso, "days"),
            KeyFigure("ar", "cei", _("CEI (%)"), m.cei, "pct"),
            KeyFigure(
                "ar", "cash30", _("Expected in the 30 days after month end (NOK)"), r.expected_cash.amount, "nok"
            ),
        ]
    c = d.cards
    if c is not None:
        rows += [
            KeyFigure("cards", "waiting", _("Card charges waiting"), c.count, "count", True),
            KeyFigure("cards", "waiting_nok", _("Card charges waiting (NOK)"), c.amount, "nok", True),
        ]
    return rows


def _month_name(first: date) -> str:
    return format_date(first, "MMMM y", locale=translation.to_locale(translation.get_language() or "nb"))


def context(
    company: Any, first: date, perms: frozenset[Perm] | set[Perm], *, today: date | None = None
) -> dict[str, Any]:
    today = today or timezone.now().astimezone(OSLO).date()
    on = min(month_end(first), today)
    d = services.dashboard(company, on, perms)
    figures = key_figures(d)
    chart_list = [
        c
        for c in (*charts.ap_charts(d), *charts.ar_charts(d), *charts.card_charts(d))
        if c.key in {"ap-channels", "ap-touchless", "ap-cycle", "ar-months", "ar-aging", "ar-dso", "ar-cei"}
    ]
    return {
        "company": company,
        "first": first,
        "month": f"{first:%Y-%m}",
        "month_name": _month_name(first),
        "on": on,
        "made_at": timezone.now().astimezone(OSLO),
        "d": d,
        "figures": figures,
        "sections": [
            (key, title, [f for f in figures if f.section == key])
            for key, title in (
                ("ap", _("Purchases (accounts payable)")),
                ("ar", _("Sales (accounts receivable)")),
                ("cards", _("Cards")),
            )
            if any(f.section == key for f in figures)
        ],
        "charts": [(c, svg.render(c)) for c in chart_list],
    }


def render_html(
    company: Any,
    first: date,
    perms: frozenset[Perm] | set[Perm],
    *,
    today: date | None = None,
    ctx: dict[str, Any] | None = None,
) -> str:
    return render_to_string("dashboards/report.html", ctx or context(company, first, perms, today=today))


def render_pdf(
    company: Any,
    first: date,
    perms: frozenset[Perm] | set[Perm],
    *,
    today: date | None = None,
    ctx: dict[str, Any] | None = None,
) -> bytes:
    """The month's report as an A4 PDF (WeasyPrint, offline); ``ctx``: a :func:`context` already made."""
    from fakturaflyt.receivables.pdf import html_to_pdf

    return html_to_pdf(render_html(company, first, perms, today=today, ctx=ctx))


def filename(company: Any, first: date) -> str:
    """``manedsrapport-924753811-2026-11.pdf``."""
    return f"manedsrapport-{company.orgnr}-{first:%Y-%m}.pdf"
