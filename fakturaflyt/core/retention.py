"""How long accounting material must be kept (oppbevaringstid), bokføringsloven § 13.

Bokføringsloven § 13 first paragraph: primary documentation (dokumentasjon av bokførte
opplysninger: received and issued invoices, vouchers, bank statements, and the other
material listed there) is kept for **five years after the end of the financial year**
(regnskapsåret) it belongs to. The clock does not start on the document's date but at the
end of its financial year: an invoice dated 3 January 2026 and one dated 30 December 2026
may both go on 1 January 2032 (calendar financial year).

§ 13 second paragraph and bokføringsforskriften chapter 7 let some material be kept for a
shorter time (for example, after 3 years and 6 months, certain specifications; material that
only documents a cash register's internal work). Fakturaflyt applies the five-year rule to
every accounting document it holds: the longer period is the safe side, and what may go
earlier is an operator's call with the accountant, never the system's.

Nothing is deleted automatically when the period is over: the retention report lists what
*may* be deleted, and an operator decides.

>>> from datetime import date
>>> retention_until(date(2026, 3, 1))
datetime.date(2031, 12, 31)
>>> deletable_from(date(2026, 12, 30))
datetime.date(2032, 1, 1)
>>> retention_until(date(2026, 3, 1), fiscal_year_end=(6, 30))   # financial year 1.7.2025-30.6.2026
datetime.date(2031, 6, 30)
>>> may_delete(date(2026, 3, 1), today=date(2031, 12, 31)), may_delete(date(2026, 3, 1), today=date(2032, 1, 1))
(False, True)
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

RETENTION_YEARS = 5
"""Bokføringsloven § 13 first paragraph: five years after the end of the financial year."""

CALENDAR_YEAR_END: tuple[int, int] = (12, 31)
"""(month, day) of the last day of the financial year; the calendar year unless the company has another
(regnskapsloven § 1-7: the financial year is the calendar year unless an exception applies)."""


def _day(year: int, month: int, day: int) -> date:
    """``date(year, month, day)``, with a year-end of 29 February falling back to the 28th in other years."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def fiscal_year_end_of(document_date: date, fiscal_year_end: tuple[int, int] = CALENDAR_YEAR_END) -> date:
    """The last day of the financial year ``document_date`` belongs to.

    >>> fiscal_year_end_of(date(2026, 7, 1), (6, 30)), fiscal_year_end_of(date(2026, 6, 30), (6, 30))
    (datetime.date(2027, 6, 30), datetime.date(2026, 6, 30))
    """
    month, day = fiscal_year_end
    end = _day(document_date.year, month, day)
    return end if document_date <= end else _day(document_date.year + 1, month, day)


def retention_until(document_date: date, fiscal_year_end: tuple[int, int] = CALENDAR_YEAR_END) -> date:
    """The last day a document dated ``document_date`` must still be kept (bokføringsloven § 13 first paragraph).

    That is the end of its financial year plus :data:`RETENTION_YEARS` years.
    """
    end = fiscal_year_end_of(document_date, fiscal_year_end)
    return _day(end.year + RETENTION_YEARS, end.month, fiscal_year_end[1])


def deletable_from(document_date: date, fiscal_year_end: tuple[int, int] = CALENDAR_YEAR_END) -> date:
    """The first day the document may be deleted: the day after :func:`retention_until`."""
    return retention_until(document_date, fiscal_year_end) + timedelta(days=1)


def may_delete(document_date: date, *, today: date, fiscal_year_end: tuple[int, int] = CALENDAR_YEAR_END) -> bool:
    """True when the retention period of a document dated ``document_date`` is over on ``today``."""
    return today > retention_until(document_date, fiscal_year_end)
