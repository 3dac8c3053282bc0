"""``fakturaflyt saft``: SAF-T Financial 1.30 export and import (issue 10)."""

from __future__ import annotations

import typer

saft_app = typer.Typer(
    help="SAF-T Financial (Norwegian 1.30): export the books, import opening balances.", no_args_is_help=True
)
