"""Hypothesis profiles for the fuzz tests only (the rest of the suite keeps its own settings).

* ``fuzz-ci`` (default): few examples per target, derandomized and without an example database,
  so a CI run is the same every time and never flakes; the whole directory stays well under a minute.
* ``fuzz``: ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz`` without atheris): ``FUZZ_EXAMPLES`` examples
  per target (default 2000), random, with the local example database so a failure found once is
  tried first next time.

The profiles are applied by a decorator on each fuzz test (:data:`FUZZ_SETTINGS`), never with
``settings.load_profile``, which would change every other hypothesis test in the same run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "fuzz-ci",
    max_examples=int(os.environ.get("FUZZ_CI_EXAMPLES", "40")),
    derandomize=True,
    database=None,
    deadline=None,  # time is checked by the test itself (CI machines stall); see HANG_SECONDS
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
    derandomize=False,
    deadline=None,
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
