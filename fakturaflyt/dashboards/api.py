"""API of the dashboards app (issue 10)."""

from ninja import Router

router = Router(tags=["dashboards"])
