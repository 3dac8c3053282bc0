"""The single, narrow door through the immutability triggers.

``guard_open(reason)`` lets UPDATE/DELETE through on vouchers, postings and audit events
for the duration of a block. It exists for flushing test databases and, in time, for
purging material after the retention period of bokføringsloven § 13 (5 years). Business
code never uses it.

The door is a row in ``ff_ledger_guard`` that the triggers look for. It is written inside
a transaction that ends with the block, so it is never committed: no other connection
sees it (the door is open only for the code inside the block), and if the block fails or
the process dies inside it, the row is rolled back together with whatever the block did,
instead of leaving the books open for good.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def guard_open(reason: str, using: str = "default") -> Iterator[None]:
    conn = connections[using]
    with transaction.atomic(using=using):
        with conn.cursor() as cur:
            cur.execute("INSERT INTO ff_ledger_guard (reason) VALUES (%s)", [reason[:100]])
        yield
        with conn.cursor() as cur:
            cur.execute("DELETE FROM ff_ledger_guard")
