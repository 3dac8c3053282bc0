"""Property: every parser keeps its contract on mutated real files and on random input.

One test per target of :mod:`tests.fuzz.targets`; the profile (``fuzz-ci`` in CI, ``fuzz`` for
long runs) is chosen by ``HYPOTHESIS_PROFILE`` (see conftest.py and docs/fuzzing.md).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import for_target
from tests.fuzz.targets import TARGETS, check

PROFILE = "fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "fuzz-ci"


def _test_for(name: str):  # type: ignore[no-untyped-def]
    target = TARGETS[name]

    @settings(settings.get_profile(PROFILE))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        # The strategy is built inside the test so that collecting the suite reads no corpus file.
        check(target, data.draw(_strategy(name), label=name))

    return run


_STRATEGIES: dict[str, st.SearchStrategy[bytes]] = {}


def _strategy(name: str) -> st.SearchStrategy[bytes]:
    if name not in _STRATEGIES:
        target = TARGETS[name]
        _STRATEGIES[name] = for_target(target.kind, target.seed_inputs())
    return _STRATEGIES[name]


@pytest.mark.parametrize("name", sorted(n for n, t in TARGETS.items() if not t.django))
def test_core_parser_keeps_contract(name: str) -> None:
    _test_for(name)()


@pytest.mark.parametrize("name", sorted(n for n, t in TARGETS.items() if t.django))
def test_app_reader_keeps_contract(name: str, settings: object) -> None:  # settings: Django configured
    _test_for(name)()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seeds_keep_contract(name: str) -> None:
    """The unmodified seeds (real files, XXE and entity-bomb documents) are read or refused cleanly."""
    for seed in TARGETS[name].seed_inputs():
        check(TARGETS[name], seed)
