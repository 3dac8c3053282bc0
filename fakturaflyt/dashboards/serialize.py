"""Figures as JSON-ready data: dataclasses to dicts, Decimal amounts as strings, dates as ISO 8601.

>>> from dataclasses import dataclass
>>> @dataclass
... class F:
...     amount: Decimal
...     on: date
...     rows: tuple[int, ...]
>>> jsonable(F(Decimal("12.50"), date(2026, 11, 1), (1, 2)))
{'amount': '12.50', 'on': '2026-11-01', 'rows': [1, 2]}
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fakturaflyt.dashboards.periods import OSLO


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(OSLO).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
