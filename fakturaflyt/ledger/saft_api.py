"""API of SAF-T Financial export and import (issue 10), mounted under ``/api/companies/{orgnr}/saft``."""

from ninja import Router

router = Router(tags=["saft"])
