"""The customer ledger pages: the overview with aging and DSO/CEI charts, and one customer's statement of account.

Read-only, behind ``view_receivables``; every query goes through the user's company (another
company's customer is a 404). The charts are inline SVG drawn here, on the server, with the
figures also in a table under each chart (``role="img"`` with a title and a description for
screen readers); no JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.money import format_nok
from fakturaflyt.core.receivables_metrics import BUCKETS, Aging
from fakturaflyt.receivables import ledger
from fakturaflyt.receivables.models import Customer
from fakturaflyt.receivables.views import today_in_oslo

BUCKET_COLOURS = dict(zip(BUCKETS, ("#2e7d32", "#f9a825", "#ef6c00", "#d84315", "#b71c1c"), strict=True))


def bucket_labels() -> dict[str, str]:
    return {
        "not_due": _("Not due"),
        "days_1_30": _("1-30 days"),
        "days_31_60": _("31-60 days"),
        "days_61_90": _("61-90 days"),
        "days_over_90": _("Over 90 days"),
    }


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def aging_chart(total: Aging) -> SafeString:
    """A bar per aging bucket (open NOK), with its amount over the bar."""
    labels = bucket_labels()
    pairs = total.as_pairs()
    width, height, top, bottom, left = 560, 220, 24, 40, 10
    peak = max((max(v, Decimal(0)) for _, v in pairs), default=Decimal(0)) or Decimal(1)
    slot = (width - 2 * left) / len(pairs)
    parts = []
    for i, (name, value) in enumerate(pairs):
        h = float(max(value, Decimal(0)) / peak) * (height - top - bottom)
        x = left + i * slot + slot * 0.15
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{BUCKET_COLOURS[name]}">'
            f"<title>{escape(labels[name])}: NOK {format_nok(value)}</title></rect>"
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="12">'
            f"{format_nok(value)}</text>"
            f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 18:.1f}" text-anchor="middle" font-size="12">'
            f"{escape(labels[name])}</text>"
        )
    title = escape(_("Open receivables by days past due"))
    desc = escape("; ".join(f"{labels[n]}: NOK {format_nok(v)}" for n, v in pairs))
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="aging-title aging-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="aging-title">{title}</title><desc id="aging-desc">{desc}</desc>'
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" stroke="#888"/>'
        f"{''.join(parts)}</svg>"
    )


def line_chart(key: str, title: str, unit: str, points: Sequence[tuple[date, Decimal | None]]) -> SafeString:
    """A small line chart of monthly values (a gap where a month has none)."""
    width, height, top, bottom, left, right = 360, 170, 16, 30, 40, 10
    values = [v for _, v in points if v is not None]
    peak = float(max(values, default=Decimal(1))) * 1.15 or 1.0
    step = (width - left - right) / max(len(points) - 1, 1)

    def y(v: Decimal) -> float:
        return top + (1 - float(v) / peak) * (height - top - bottom) if peak > 0 else height - bottom

    segments: list[list[str]] = [[]]
    dots = []
    labels = []
    for i, (month, v) in enumerate(points):
        x = left + i * step
        if i % 2 == len(points) % 2 or len(points) <= 6:
            labels.append(
                f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="10">{month:%m.%y}</text>'
            )
        if v is None:
            segments.append([])
            continue
        segments[-1].append(f"{x:.1f},{y(v):.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3"><title>{month:%m.%Y}: {v} {escape(unit)}</title></circle>'
        )
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="currentColor" stroke-width="2"/>' for s in segments if s
    )
    axis = (
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>'
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10">{peak:.0f}</text>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="10">0</text>'
    )
    desc = escape("; ".join(f"{m:%m.%Y}: {'-' if v is None else v}" for m, v in points))
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart chart-line" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{desc}</desc>'
        f"{axis}{lines}{''.join(dots)}{''.join(labels)}</svg>"
    )


@company_view(Perm.VIEW_RECEIVABLES)
def overview(request: HttpRequest) -> HttpResponse:
    company = request.membership.company  # type: ignore[attr-defined]
    on = _date(request.GET.get("on"), today_in_oslo())
    rows, total = ledger.overview(company, on)
    metrics = ledger.dso_cei(company, 12, on)
    labels = bucket_labels()
    return render(
        request,
        "receivables/ledger/overview.html",
        {
            "on": on,
            "rows": rows,
            "total": total,
            "buckets": [(name, labels[name]) for name in BUCKETS],
            "total_pairs": [(labels[n], v) for n, v in total.as_pairs()],
            "aging_svg": aging_chart(total),
            "metrics": metrics,
            "dso_svg": line_chart("dso", _("DSO per month (days)"), _("days"), [(m.month, m.dso) for m in metrics]),
            "cei_svg": line_chart("cei", _("CEI per month (%)"), "%", [(m.month, m.cei) for m in metrics]),
        },
    )


@company_view(Perm.VIEW_RECEIVABLES)
def customer_statement(request: HttpRequest, pk: int) -> HttpResponse:
    company = request.membership.company  # type: ignore[attr-defined]
    customer = get_object_or_404(Customer.objects.select_related("company"), company=company, pk=pk)
    today = today_in_oslo()
    date_to = _date(request.GET.get("to"), today)
    date_from = _date(request.GET.get("from"), date(date_to.year, 1, 1))
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    result = ledger.statement(customer, date_from, date_to)
    return render(
        request,
        "receivables/ledger/statement.html",
        {"customer": customer, "st": result, "labels": bucket_labels(), "date_from": date_from, "date_to": date_to},
    )
