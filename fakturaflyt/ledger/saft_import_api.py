"""API of the SAF-T import (issue 10), mounted under ``/api/companies/{orgnr}/saft``."""

from ninja import Router

router = Router(tags=["saft"])
