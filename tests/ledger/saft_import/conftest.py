"""Fixtures of the SAF-T import tests: the company of the tiny file (org.nr 888888888) and an accountant."""

from __future__ import annotations

from typing import Any

import pytest

from .builders import ORGNR


@pytest.fixture
def saft_company(make_company, intake_dirs) -> Any:
    return make_company(ORGNR, "Eksempel AS")


@pytest.fixture
def accountant(saft_company, user_factory) -> Any:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    user = user_factory("regnskap@eksempel.no")
    add_member(None, saft_company, user, Role.ACCOUNTANT)
    return user
