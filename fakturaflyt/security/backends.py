"""The lock-out check in front of the password check (django-axes).

Axes refuses ``authenticate()`` without a request. A login without one is not a web login
(the test client's ``login()``, a shell, a management command): there is no address to count
and nobody guessing over the network, so it is let through to the password check unchanged.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
