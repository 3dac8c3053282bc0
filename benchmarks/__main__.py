"""Run every benchmark: ``python -m benchmarks [NAME...]``.

Each benchmark module has ``run() -> list[tuple[str, str]]`` (label, figure). They run on a
fresh SQLite file under a temporary directory, or on ``DATABASE_URL`` when it is set
(the benchmark then creates and drops its own database ``<name>_bench``).
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import tempfile

BENCHMARKS = [
    "benchmarks.ledger_posting",
    "benchmarks.ehf",
    "benchmarks.intake",
    "benchmarks.pdf_extract",
    "benchmarks.coding",
    "benchmarks.matching",
    "benchmarks.payments_file",
    "benchmarks.invoicing",
    "benchmarks.bank_matching",
    "benchmarks.payment_prediction",
    "benchmarks.card_split",
    "benchmarks.card_import",
    "benchmarks.saft_export",
    "benchmarks.load",
]


def _prepare_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/{name or 'fakturaflyt'}_bench"
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name or "fakturaflyt"}_bench"')
            conn.execute(f'CREATE DATABASE "{name or "fakturaflyt"}_bench"')
    else:
        tmp = tempfile.mkdtemp(prefix="ff-bench-")
        os.environ["FAKTURAFLYT_VAR"] = tmp
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"


def main(names: list[str]) -> None:
    _prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    db = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(
        f"# Fakturaflyt benchmarks on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {db}"
    )
    for module_name in names or BENCHMARKS:
        module = importlib.import_module(module_name)
        print(f"\n## {module_name.split('.')[-1]}: {(module.__doc__ or '').strip().splitlines()[0]}")
        for label, figure in module.run():
            print(f"{label:<55} {figure}")


if __name__ == "__main__":
    main(sys.argv[1:])
