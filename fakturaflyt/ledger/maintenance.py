"""The single, narrow door through the immutability triggers.

``guard_open(reason)`` lets UPDATE/DELETE through on vouchers, postings and audit events
for the duration of a block. It exists for flushing test databases and, in time, for
purging material after the retention period of bokføringsloven § 13 (5 years). Business
code never uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


@contextmanager
def guard_open(reason: str, using: str = "default") -> Iterator[None]:
    conn = connections[using]
    with conn.cursor() as cur:
        cur.execute("INSERT INTO ff_ledger_guard (reason) VALUES (%s)", [reason[:100]])
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM ff_ledger_guard")
