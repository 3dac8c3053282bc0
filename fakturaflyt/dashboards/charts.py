"""What the dashboard page and the monthly report draw: key-figure tiles and charts, made from the figures.

Nothing is computed here that is not already in the figures of :mod:`.services`; this module
only arranges them. A :class:`Chart` is drawn in the browser by the vendored uPlot (from its JSON,
see ``static/dashboards/dashboards.js``) and in the PDF as inline SVG (:mod:`.svg`), and is always
followed by a table with the same numbers, each linked to the list it counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from fakturaflyt.dashboards.periods import month_end
from fakturaflyt.dashboards.serialize import jsonable
from fakturaflyt.dashboards.services import Dashboard

__all__ = ["Chart", "Series", "Tile", "ap_charts", "ap_tiles", "ar_charts", "ar_tiles", "card_charts", "month_label"]

Number = Decimal | int | None
PALETTE = ("#1f5fa8", "#e07b00", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#6d4c41")
BUCKET_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#d84315", "#b71c1c")


def month_label(month: date) -> str:
    """``11.26`` for November 2026 (short, and the same in every language)."""
    return f"{month:%m.%y}"


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Number, ...]
    color: str
    urls: tuple[str, ...] = ()  # per point: the list behind that number ("" for none)
    drawn: bool = True  # False: in the table only (another unit than the chart's axis)
    unit: str = ""  # when it differs from the chart's


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "line"
    unit: str  # "nok", "count", "days", "pct"
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False  # bars: each series on top of the one before; else drawn over each other
    colors_by_point: tuple[str, ...] = ()  # a single bar series coloured per bar (aging)
    note: str = ""
    x_label: str = ""  # what the labels are (the legend's first entry): month, approver, status

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = jsonable(self)
        return data

    @property
    def rows(self) -> list[tuple[str, list[tuple[Number, str, str]]]]:
        """The table under the chart: one row per label, one (value, url, unit) per series."""
        return [
            (label, [(s.values[i], s.urls[i] if s.urls else "", s.unit or self.unit) for s in self.series])
            for i, label in enumerate(self.labels)
        ]


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: Number
    unit: str
    url: str = ""
    hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _p90(value: Decimal | None) -> str:
    if value is None:
        return ""
    return _("90th percentile: %(p90)s days") % {"p90": str(value).replace(".", ",")}


def _months(d: Dashboard) -> tuple[str, ...]:
    return tuple(month_label(m) for m in d.months)


# ---------------------------------------------------------------- AP


def ap_tiles(d: Dashboard) -> list[Tile]:
    p = d.payables
    if p is None:
        return []
    waiting = sum(a.count for a in p.approvals_waiting)
    return [
        Tile("received", _("Invoices received, 12 months"), p.channels.total, "count", p.channels.url),
        Tile(
            "touchless",
            _("Touchless rate, 12 months"),
            p.touchless.rate,
            "pct",
            p.touchless.url,
            _("%(touchless)s of %(posted)s posted invoices")
            % {"touchless": p.touchless.touchless, "posted": p.touchless.posted},
        ),
        Tile(
            "approval_avg",
            _("Receipt to approval, average"),
            p.approval_time.average,
            "days",
            p.approval_time.url,
            _p90(p.approval_time.p90),
        ),
        Tile(
            "payment_avg",
            _("Receipt to payment, average"),
            p.payment_time.average,
            "days",
            p.payment_time.url,
            _p90(p.payment_time.p90),
        ),
        Tile(
            "waiting",
            _("Invoices waiting for approval"),
            waiting,
            "count",
            p.approvals_waiting[0].url if p.approvals_waiting else "",
        ),
        Tile("exceptions", _("Invoices held up"), p.exceptions.documents, "count", p.channels.url),
        Tile(
            "overdue_unpaid",
            _("Approved, unpaid, past due"),
            p.late.overdue_amount,
            "nok",
            p.late.url,
            ngettext("%(n)s invoice", "%(n)s invoices", p.late.overdue_unpaid) % {"n": p.late.overdue_unpaid},
        ),
        Tile(
            "paid_late",
            _("Paid after the due date, 12 months"),
            p.late.late_share,
            "pct",
            p.late.url,
            _("%(late)s of %(paid)s paid invoices") % {"late": p.late.paid_late, "paid": p.late.paid},
        ),
    ]


def ap_charts(d: Dashboard) -> list[Chart]:
    p = d.payables
    if p is None:
        return []
    labels = _months(d)
    channel_rows = [r for r in p.channels.rows if r.total] or list(p.channels.rows[:1])
    url = p.channels.url
    touch = p.touchless
    late = p.late
    charts = [
        Chart(
            "ap-channels",
            _("Invoices received per channel"),
            "bar",
            "count",
            labels,
            tuple(
                Series(r.label, r.counts, PALETTE[i % len(PALETTE)], (url,) * len(labels))
                for i, r in enumerate(channel_rows)
            ),
            stacked=True,
            note=_("The inbox has no channel or date filter: the links open the whole inbox."),
            x_label=_("Month"),
        ),
        Chart(
            "ap-touchless",
            _("Touchless rate per month (%)"),
            "line",
            "pct",
            labels,
            (
                Series(
                    _("Touchless (%)"),
                    tuple(m.rate for m in touch.months),
                    PALETTE[2],
                    tuple(m.url for m in touch.months),
                ),
                Series(
                    _("Posted"),
                    tuple(m.posted for m in touch.months),
                    PALETTE[0],
                    tuple(m.url for m in touch.months),
                    False,
                    "count",
                ),
                Series(
                    _("Touchless"),
                    tuple(m.touchless for m in touch.months),
                    PALETTE[1],
                    tuple(m.url for m in touch.months),
                    False,
                    "count",
                ),
            ),
            x_label=_("Month"),
        ),
        Chart(
            "ap-cycle",
            _("Days from receipt to approval and to payment"),
            "line",
            "days",
            labels,
            (
                Series(_("To approval, average"), tuple(m.average for m in p.approval_time.months), PALETTE[0]),
                Series(_("To approval, 90th percentile"), tuple(m.p90 for m in p.approval_time.months), "#7fa7d6"),
                Series(_("To payment, average"), tuple(m.average for m in p.payment_time.months), PALETTE[1]),
                Series(_("To payment, 90th percentile"), tuple(m.p90 for m in p.payment_time.months), "#f0b266"),
            ),
            x_label=_("Month"),
        ),
        Chart(
            "ap-late",
            _("Supplier invoices paid on time and late"),
            "bar",
            "count",
            labels,
            (
                Series(
                    _("On time"),
                    tuple(m.paid - m.paid_late for m in late.months),
                    PALETTE[2],
                    (late.url,) * len(labels),
                ),
                Series(_("Late"), tuple(m.paid_late for m in late.months), PALETTE[4], (late.url,) * len(labels)),
            ),
            stacked=True,
            note=_("There is no list of paid supplier invoices by date: the links open the payment runs."),
            x_label=_("Month"),
        ),
    ]
    if p.approvals_waiting:
        waiting = p.approvals_waiting
        charts.append(
            Chart(
                "ap-approvers",
                _("Invoices waiting for approval per approver"),
                "bar",
                "count",
                tuple(a.name for a in waiting),
                (
                    Series(_("Waiting"), tuple(a.count for a in waiting), PALETTE[0], tuple(a.url for a in waiting)),
                    Series(
                        _("Past the deadline"),
                        tuple(a.overdue for a in waiting),
                        PALETTE[4],
                        tuple(a.url for a in waiting),
                    ),
                ),
                note=_("The approvals page lists every waiting invoice; it has no filter per approver."),
                x_label=_("Approver"),
            )
        )
    return charts


# ---------------------------------------------------------------- AR


def ar_tiles(d: Dashboard) -> list[Tile]:
    r = d.receivables
    if r is None:
        return []
    last = r.months[-1]
    # DSO and CEI of a month just begun say little (a few days' sales over a whole month's days):
    # the tiles show the last whole month; the charts show every month, the current one too.
    whole = last if d.on == month_end(d.on) or len(r.months) < 2 else r.months[-2]
    cash = r.expected_cash
    month = {"month": month_label(whole.month)}
    return [
        Tile("open", _("Open receivables"), r.open_total, "nok", r.expected_cash.url),
        Tile("overdue", _("Overdue"), r.overdue_total, "nok", r.overdue_url),
        Tile("dso", _("DSO %(month)s (days)") % month, whole.dso, "days", whole.url),
        Tile("cei", _("CEI %(month)s (%%)") % month, whole.cei, "pct", whole.url),
        Tile(
            "cash30",
            _("Expected in the next 30 days"),
            cash.amount,
            "nok",
            cash.url,
            ngettext(
                "%(n)s invoice, by the payment prediction", "%(n)s invoices, by the payment prediction", cash.count
            )
            % {"n": cash.count},
        ),
        Tile("invoiced", _("Invoiced this month"), last.invoiced, "nok", r.invoices_url),
    ]


def ar_charts(d: Dashboard) -> list[Chart]:
    r = d.receivables
    if r is None:
        return []
    labels = _months(d)
    urls = tuple(m.url for m in r.months)
    cash = r.expected_cash
    return [
        Chart(
            "ar-months",
            _("Invoiced, paid and overdue per month (NOK)"),
            "line",
            "nok",
            labels,
            (
                Series(_("Invoiced"), tuple(m.invoiced for m in r.months), PALETTE[0], (r.invoices_url,) * len(labels)),
                Series(
                    _("Paid by customers"), tuple(m.paid for m in r.months), PALETTE[2], (r.paid_url,) * len(labels)
                ),
                Series(_("Overdue at month end"), tuple(m.overdue_end for m in r.months), PALETTE[4], urls),
            ),
            note=_("The invoice list has no date filter: invoiced and paid link to the whole list."),
            x_label=_("Month"),
        ),
        Chart(
            "ar-aging",
            _("Open receivables by days past due (NOK)"),
            "bar",
            "nok",
            tuple(a.label for a in r.aging),
            (Series(_("Open"), tuple(a.amount for a in r.aging), PALETTE[0], tuple(a.url for a in r.aging)),),
            colors_by_point=BUCKET_COLOURS,
            x_label=_("Days past due"),
        ),
        Chart(
            "ar-dso",
            _("DSO per month (days)"),
            "line",
            "days",
            labels,
            (Series(_("DSO"), tuple(m.dso for m in r.months), PALETTE[0], urls),),
            x_label=_("Month"),
        ),
        Chart(
            "ar-cei",
            _("CEI per month (%)"),
            "line",
            "pct",
            labels,
            (Series(_("CEI"), tuple(m.cei for m in r.months), PALETTE[2], urls),),
            x_label=_("Month"),
        ),
        Chart(
            "ar-cash",
            _("Expected customer payments, next 30 days (NOK)"),
            "bar",
            "nok",
            tuple(f"{w.first:%d.%m}–{w.last:%d.%m}" for w in cash.weeks),
            (Series(_("Expected"), tuple(w.amount for w in cash.weeks), PALETTE[2], (cash.url,) * len(cash.weeks)),),
            x_label=_("Expected paid"),
        ),
    ]


# ---------------------------------------------------------------- cards


def card_charts(d: Dashboard) -> list[Chart]:
    c = d.cards
    if c is None:
        return []
    return [
        Chart(
            "cards-waiting",
            _("Card charges waiting, per status"),
            "bar",
            "count",
            tuple(r.label for r in c.rows),
            (
                Series(
                    pgettext("card charge", "Charges"),
                    tuple(r.count for r in c.rows),
                    PALETTE[0],
                    tuple(r.url for r in c.rows),
                ),
                Series(
                    _("NOK"), tuple(r.amount for r in c.rows), PALETTE[1], tuple(r.url for r in c.rows), False, "nok"
                ),
            ),
            x_label=_("Status"),
        )
    ]
