"""The `fakturaflyt` command carries every sub-command of DESIGN.md section 5 built so far."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app


@pytest.mark.parametrize(
    ("command", "sub"),
    [
        ("invoices", "list"),
        ("billing", "run"),
        ("bank", "parse"),
        ("bank", "import"),
        ("dunning", "run"),
        ("cards", "split"),
        ("payments", "propose"),
    ],
)
def test_the_command_is_registered(command: str, sub: str) -> None:
    result = CliRunner().invoke(app, [command, sub, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
