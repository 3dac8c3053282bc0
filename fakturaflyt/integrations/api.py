"""API of the integrations app (issue 10)."""

from ninja import Router

router = Router(tags=["integrations"])
