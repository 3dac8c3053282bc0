"""API of the search app (issue 10)."""

from ninja import Router

router = Router(tags=["search"])
