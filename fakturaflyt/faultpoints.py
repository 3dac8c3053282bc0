"""Fault injection for the crash tests in ``tests/faults`` (issue 11 point 3), and nothing else.

A few services call :func:`crash_point` at the moments where a dying process would hurt most
(a document stored but not yet read, a bank file half reconciled, invoice 3 of 6 issued, a
reminder made but not sent, a payment file written but the run not yet marked exported). In
production the environment variable is unset and a call costs one dict lookup on an empty dict.

The tests run an operation in a subprocess with::

    FAKTURAFLYT_CRASH_AT=billing.invoice.made@3       # the 3rd time the point is reached
    FAKTURAFLYT_CRASH_AT=payables.intake.queue        # the 1st time (same as @1)
    FAKTURAFLYT_CRASH_AT=a@2,b                        # several points
    FAKTURAFLYT_CRASH_MODE=exit | kill | hang         # default exit

``exit`` ends the process with ``os._exit(137)``: no ``finally`` blocks, no ``atexit``, no
transaction commit, no buffered output flushed; from the database's and the broker's view that
is the same as the ``SIGKILL`` (128 + 9) the kernel's OOM killer or ``kill -9`` would send.
``kill`` sends the process a real ``SIGKILL``. ``hang`` writes the point's name to the file
named by ``FAKTURAFLYT_CRASH_FLAG`` (when set) and sleeps, so that a test can kill a Celery
worker from outside at a known moment.

The points (``grep -rn crash_point fakturaflyt``):

| point | where |
|---|---|
| ``payables.intake.queue`` | ``payables.intake._queue``: the document is committed ``received``, its task not yet queued |
| ``payables.process.read`` | ``payables.processing.process_document``: the lease is taken, the reading not yet stored |
| ``banking.import.matching`` | ``banking.services.reconcile_entries``: entries stored, before each incoming entry is matched |
| ``billing.invoice.made`` | ``billing.services.run``: an invoice is issued and committed, before the next (and the sending) |
| ``dunning.notice.made`` | ``dunning.services._send_one``: the notice, letter and voucher are made, before the e-mail |
| ``payments.export.stored`` | ``payments.services.export_run``: the pain.001 file is stored, the run not yet marked exported |
"""

from __future__ import annotations

import os
import signal
import time

__all__ = ["EXIT_CODE", "arm", "crash_point"]

#: What a process killed by ``SIGKILL`` reports to a shell (128 + 9).
EXIT_CODE = 137


def _parse(spec: str) -> dict[str, int]:
    points: dict[str, int] = {}
    for item in spec.split(","):
        name, _, nth = item.strip().partition("@")
        if name:
            points[name] = int(nth) if nth.strip().isdecimal() else 1
    return points


_armed: dict[str, int] = _parse(os.environ.get("FAKTURAFLYT_CRASH_AT", ""))
_reached: dict[str, int] = {}


def arm(spec: str) -> None:
    """Arm points in this process (tests of this module); ``""`` disarms all."""
    _armed.clear()
    _armed.update(_parse(spec))
    _reached.clear()


def crash_point(name: str) -> None:
    """Die here when ``FAKTURAFLYT_CRASH_AT`` names this point and this is the chosen passage; else nothing."""
    nth = _armed.get(name)
    if nth is None:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] != nth:
        return
    mode = os.environ.get("FAKTURAFLYT_CRASH_MODE", "exit")
    if mode == "hang":
        flag = os.environ.get("FAKTURAFLYT_CRASH_FLAG")
        if flag:
            with open(flag, "w", encoding="utf-8") as out:
                out.write(name)
        while True:  # until the test kills the process
            time.sleep(1)
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(EXIT_CODE)
