"""``fakturaflyt export``: the voucher journal to accounting systems (issue 10)."""

from __future__ import annotations

import typer

export_app = typer.Typer(
    help="Export posted vouchers to an accounting system (CSV journal, Tripletex, Fiken, PowerOffice GO).",
    no_args_is_help=True,
)
