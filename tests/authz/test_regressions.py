"""Regression tests for the holes the generated matrix found (each also stays covered by the matrix)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_auditor_cannot_comment_through_the_api(realm, client) -> None:
    from fakturaflyt.approvals.models import Comment

    url = f"/api/companies/{realm.a.company.orgnr}/approvals/{realm.a.own_doc.pk}/comments"
    headers = {"Authorization": f"Bearer {realm.tokens['auditor']}"}
    response = client.post(url, {"text": "revisor was here"}, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "FF-ROLE-FORBIDS"
    assert not Comment.objects.filter(document=realm.a.own_doc).exists()
    # while an accountant may
    headers = {"Authorization": f"Bearer {realm.tokens['accountant']}"}
    response = client.post(url, {"text": "ok"}, content_type="application/json", headers=headers)
    assert response.status_code == 201


def test_an_auditor_cannot_comment_in_the_web_ui(realm, client) -> None:
    from django.urls import reverse

    from fakturaflyt.approvals.models import Comment

    client.force_login(realm.world.users["auditor"])
    response = client.post(reverse("approvals:comment", args=[realm.a.own_doc.pk]), {"text": "revisor was here"})
    assert response.status_code == 403
    assert not Comment.objects.filter(document=realm.a.own_doc).exists()


def test_an_auditor_is_not_offered_the_comment_form(realm, client) -> None:
    from django.urls import reverse

    page = reverse("payables:document", args=[realm.a.own_doc.pk])
    client.force_login(realm.world.users["auditor"])
    auditor_page = client.get(page).content.decode()
    assert "comments-card" in auditor_page  # the comments are shown
    assert "comment-form" not in auditor_page
    client.force_login(realm.world.users["accountant"])
    assert "comment-form" in client.get(page).content.decode()
