"""CSRF on every form (issue 11): every POST form carries the token, every POST-accepting view refuses a
request without it, the session-authenticated API too, and no view is exempt.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from .test_web_views import fill, web_patterns

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2] / "fakturaflyt"
EXEMPT_ALLOWED: set[str] = set()  # path relative to fakturaflyt/, with the reason in a comment


class Forms(HTMLParser):
    """POST forms of a page and whether each has a ``csrfmiddlewaretoken`` field."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._open: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._open = {"action": a.get("action"), "post": (a.get("method") or "").lower() == "post", "token": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and a.get("name") == "csrfmiddlewaretoken":
            self._open["token"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def test_every_post_form_carries_the_token(realm, client) -> None:
    client.force_login(realm.world.users["admin"])
    seen = 0
    wrong = []
    for route, name in web_patterns():
        url = fill(route, name, realm.a)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", "") or "pdf" in route:
            continue
        parser = Forms()
        parser.feed(response.content.decode("utf-8", "replace"))
        for form in parser.forms:
            if form["post"]:
                seen += 1
                if not form["token"]:
                    wrong.append(f"{name} {url}: a POST form to {form['action']} without csrfmiddlewaretoken")
    assert seen > 20  # the walk reached the pages with forms
    assert not wrong, "\n".join(wrong)


def test_a_post_without_the_token_is_refused_everywhere(realm) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(realm.world.users["admin"])
    wrong = []
    routes = [*web_patterns(), ("login/", "login"), ("logout/", "logout"), ("company/switch/", "switch_company")]
    for route, name in routes:
        url = fill(route, name, realm.a)
        response = client.post(url, {"text": "x", "reason": "x", "company": realm.a.company.pk})
        if response.status_code not in (403, 405):  # 405: the view takes no POST at all
            wrong.append(f"{name} {url}: {response.status_code} without a CSRF token")
    assert not wrong, "\n".join(wrong)


def test_the_api_with_a_session_cookie_needs_the_token(realm) -> None:
    """A bearer token cannot be sent by another site; the session cookie can, so the API checks CSRF for it."""
    from fakturaflyt.ledger.models import Voucher

    client = Client(enforce_csrf_checks=True)
    client.force_login(realm.world.users["admin"])
    before = Voucher.objects.filter(company=realm.a.company).count()
    body = {
        "date": "2026-03-01",
        "description": "cross-site",
        "lines": [{"account": "6300", "debit": "10.00"}, {"account": "1920", "credit": "10.00"}],
    }
    response = client.post(f"/api/companies/{realm.a.company.orgnr}/vouchers", body, content_type="application/json")
    assert response.status_code in (401, 403)
    assert Voucher.objects.filter(company=realm.a.company).count() == before


def test_no_view_is_csrf_exempt() -> None:
    found = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "csrf_exempt" in p.read_text(encoding="utf-8") and "core" not in p.parts
    }
    assert found <= EXEMPT_ALLOWED, (
        f"csrf_exempt without a reason in tests/authz/test_csrf.py: {found - EXEMPT_ALLOWED}"
    )
