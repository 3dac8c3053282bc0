"""Shared steps of the browser tests."""

from __future__ import annotations


def log_in(page, base_url: str, user: tuple[str, str]) -> None:
    """Log in through the login form as ``(email, password)`` and wait for the start page."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", user[0])
    page.fill("#id_password", user[1])
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base_url}/")
