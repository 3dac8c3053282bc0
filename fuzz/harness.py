"""One atheris (libFuzzer) target: ``python fuzz/harness.py TARGET [libFuzzer args...]``; run by fuzz/run.py.

The input bytes go to the target of ``tests/fuzz/targets.py`` unchanged; an exception outside
the target's contract propagates, and libFuzzer saves the input as a crash.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")

import atheris  # noqa: E402


def main() -> None:
    name = sys.argv.pop(1)
    with atheris.instrument_imports(include=["fakturaflyt"]):
        from tests.fuzz.targets import TARGETS, check

        target = TARGETS[name]
        if target.django:
            import django

            django.setup()
        # import every module the target uses now, so instrumentation covers them
        for seed in target.seed_inputs()[:3]:
            try:
                check(target, seed, hang_seconds=60)
            except AssertionError:
                pass

    def test_one_input(data: bytes) -> None:
        check(target, data, hang_seconds=float("inf"))  # libFuzzer's -timeout handles hangs

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
