"""Fixtures for the web pages: plain static storage (no manifest in tests), users in roles, logged-in clients."""

from __future__ import annotations

import pytest


@pytest.fixture
def member(user_factory):
    """Factory: a new user with ``role`` in ``company`` (extra keyword arguments go to add_member)."""
    from fakturaflyt.companies.services import add_member

    counter = {"n": 0}

    def make(company, role, **kwargs):
        counter["n"] += 1
        user = user_factory(f"{role}{counter['n']}@example.test")
        add_member(None, company, user, role, **kwargs)
        return user

    return make


@pytest.fixture
def login(client):
    """Log ``user`` into the test client (language nb unless told) and return the client."""

    def do(user, language: str = "nb"):
        from django.conf import settings

        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return do
