"""The ``fakturaflyt`` command, run in-process with Typer's CliRunner against the test database."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.companies.demo import DEMO_ORGNR, DEMO_USERS
from fakturaflyt.companies.models import ApiToken, Company, Membership
from fakturaflyt.ledger.maintenance import guard_open
from fakturaflyt.ledger.models import AuditEvent

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


# KID: no database -------------------------------------------------------------------------------


def test_kid_make_mod11() -> None:
    result = run("kid", "make", "12345678", "--method", "mod11")
    assert result.exit_code == 0
    assert result.stdout == "123456785\n"


def test_kid_make_mod10_json_and_length() -> None:
    result = run("kid", "make", "12345678", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"kid": "123456782", "method": "mod10"}
    padded = run("kid", "make", "42", "--length", "10")
    assert padded.stdout == "0000000422\n"


def test_kid_make_refuses_a_dash_base_and_bad_input() -> None:
    dash = run("kid", "make", "6", "--method", "mod11", "--json")  # 6 * 2 = 12, remainder 10
    assert dash.exit_code == 1
    assert json.loads(dash.stdout)["problems"][0]["code"] == "FF-KID-DASH"
    assert run("kid", "make", "12a", "--method", "mod10").exit_code == 1
    assert run("kid", "make", "123", "--method", "mod12").exit_code == 2


def test_kid_check() -> None:
    ok = run("kid", "check", "123456785")
    assert ok.exit_code == 0
    assert "valid (mod11)" in ok.stdout
    assert json.loads(run("kid", "check", "123456782", "--json").stdout) == {
        "kid": "123456782",
        "valid": True,
        "method": "mod10",
    }


def test_kid_check_wrong_check_digit_exits_1() -> None:
    result = run("kid", "check", "123456786")
    assert result.exit_code == 1
    assert "FF-KID-CHECKDIGIT" in result.output
    as_json = run("kid", "check", "123456786", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["problems"][0]["code"] == "FF-KID-CHECKDIGIT"


# commands that use the database ---------------------------------------------------------------


@pytest.mark.django_db
def test_companies_list_json(make_company) -> None:
    make_company("923609016", "Beta AS")
    make_company("924753811", "Alfa AS")
    result = run("companies", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"orgnr": "924753811", "name": "Alfa AS"},
        {"orgnr": "923609016", "name": "Beta AS"},
    ]


@pytest.mark.django_db
def test_companies_list_json_empty() -> None:
    result = run("companies", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.django_db
def test_demo_is_idempotent() -> None:
    # when the demo is loaded twice
    first = run("demo", "--json")
    second = run("demo", "--json")
    # then both runs report the same company and users, and there is one of each
    assert first.exit_code == second.exit_code == 0
    out1, out2 = json.loads(first.stdout), json.loads(second.stdout)
    assert out1 == out2
    assert out1["orgnr"] == DEMO_ORGNR
    assert [u["email"] for u in out1["users"]] == [u.email for u in DEMO_USERS]
    assert Company.objects.count() == 1
    assert Membership.objects.filter(company__orgnr=DEMO_ORGNR).count() == len(DEMO_USERS)
    companies = json.loads(run("companies", "list", "--json").stdout)
    assert companies == [{"orgnr": DEMO_ORGNR, "name": out1["name"]}]


@pytest.mark.django_db
def test_token_create(user_factory, client) -> None:
    user = user_factory("ola@firma.test")
    result = run("token", "create", "--user", "ola@firma.test", "--name", "ci")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("ff_")
    stored = ApiToken.objects.get(user=user)
    assert stored.name == "ci" and stored.key_hash == ApiToken.hash_key(token)
    # and the token works
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "ola@firma.test"
    as_json = json.loads(run("token", "create", "--user", "ola@firma.test", "--json").stdout)
    assert as_json["user"] == "ola@firma.test" and as_json["token"].startswith("ff_")
    assert ApiToken.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_exits_2() -> None:
    result = run("token", "create", "--user", "nobody@firma.test")
    assert result.exit_code == 2
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_audit_verify_ok(make_company, post) -> None:
    post(make_company())
    result = run("audit", "verify")
    assert result.exit_code == 0
    assert "OK" in result.stdout


@pytest.mark.django_db
def test_audit_verify_exits_1_naming_the_tampered_event(make_company, post) -> None:
    # given two companies, one with an edited event
    a, b = make_company("924753811", "Alfa AS"), make_company("923609016", "Beta AS")
    for _ in range(3):
        post(a)
    post(b)
    event = AuditEvent.objects.get(company=a, seq=3)
    with guard_open("test: tamper"), connection.cursor() as cur:
        cur.execute("UPDATE ledger_auditevent SET action = 'voucher.deleted' WHERE id = %s", [event.pk])
    # when / then
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "FF-AUDIT-HASH" in result.stdout and "seq 3" in result.stdout and "event 3" in result.stdout
    report = json.loads(run("audit", "verify", "--json").stdout)
    assert report["ok"] is False
    by_orgnr = {c["orgnr"]: c for c in report["companies"]}
    assert by_orgnr["924753811"]["ok"] is False
    assert [(p["code"], p["location"]) for p in by_orgnr["924753811"]["problems"]] == [("FF-AUDIT-HASH", "seq 3")]
    assert by_orgnr["923609016"] == {"orgnr": "923609016", "name": "Beta AS", "events": 2, "ok": True, "problems": []}
    # and one company can be checked on its own
    assert run("audit", "verify", "--company", "923 609 016").exit_code == 0
    assert run("audit", "verify", "--company", "924753811").exit_code == 1
    assert run("audit", "verify", "--company", "987654325").exit_code == 2  # no such company here


@pytest.mark.django_db
def test_companies_create_seeds_the_books_and_the_first_admin(monkeypatch) -> None:
    from django.contrib.auth import authenticate

    from fakturaflyt.ledger.models import Account

    monkeypatch.delenv("FAKTURAFLYT_ADMIN_PASSWORD", raising=False)
    result = run(
        "companies", "create", "--orgnr", "924 753 811", "--name", "Alfa AS", "--admin", "kari@alfa.test", "--json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    company = Company.objects.get(orgnr="924753811")
    assert Account.objects.filter(company=company).count() > 50  # the chart of accounts is seeded
    m = Membership.objects.get(company=company)
    assert (m.user.username, m.role) == ("kari@alfa.test", "admin")
    assert out["password"] and authenticate(username="kari@alfa.test", password=out["password"]) == m.user
    # the same org.nr twice, and a wrong check digit
    assert run("companies", "create", "--orgnr", "924753811", "--name", "X", "--admin", "a@b.test").exit_code == 1
    assert run("companies", "create", "--orgnr", "924753812", "--name", "X", "--admin", "a@b.test").exit_code == 2


@pytest.mark.django_db
def test_companies_create_takes_the_password_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("FAKTURAFLYT_ADMIN_PASSWORD", "a long first password")
    result = run(
        "companies", "create", "--orgnr", "923609016", "--name", "Beta AS", "--admin", "ola@beta.test", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["password"] is None  # not printed: the operator chose it
    from django.contrib.auth import authenticate

    assert authenticate(username="ola@beta.test", password="a long first password") is not None
