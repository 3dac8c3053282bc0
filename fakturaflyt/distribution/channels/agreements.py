"""eFaktura (the online bank) and Vipps eFaktura: adapters that need an agreement and an API we do not have yet.

Both stay *not configured* until the company enters its agreement id in the invoice
settings. A dispatch on a channel that is not configured fails for good with
``FF-DIST-NOT-CONFIGURED`` and a message saying what to enter. With an agreement id the
adapter still refuses (``FF-DIST-NOT-IMPLEMENTED``): sending needs the bank's eFaktura
(Mastercard Payment Services) or Vipps API. It never pretends to have sent anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fakturaflyt.distribution.channels import PermanentFailure, SendResult
from fakturaflyt.distribution.error_codes import DistributionCode

if TYPE_CHECKING:
    from fakturaflyt.companies.models import Company
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.receivables.models import SalesInvoice


class _AgreementChannel:
    name = ""
    field = ""
    label = ""
    api = ""

    def agreement(self, company: Company) -> str:
        from fakturaflyt.receivables.models import InvoiceSettings

        found = InvoiceSettings.objects.filter(company=company).values_list(self.field, flat=True).first()
        return (found or "").strip()

    def is_configured(self, company: Company) -> bool:
        return bool(self.agreement(company))

    def not_configured_message(self) -> str:
        return _("%(channel)s is not configured: enter the company's agreement id in the invoice settings.") % {
            "channel": self.label
        }

    def send(self, dispatch: Dispatch, invoice: SalesInvoice) -> SendResult:
        if not self.is_configured(invoice.company):
            raise PermanentFailure(self.not_configured_message(), DistributionCode.NOT_CONFIGURED)
        raise PermanentFailure(
            _("%(channel)s sending is not implemented: it needs the %(api)s. Nothing was sent.")
            % {"channel": self.label, "api": self.api},
            DistributionCode.NOT_IMPLEMENTED,
        )


class EFakturaChannel(_AgreementChannel):
    name = "efaktura"
    field = "efaktura_agreement"
    label = "eFaktura"
    api = "bank's eFaktura API (Mastercard Payment Services)"


class VippsChannel(_AgreementChannel):
    name = "vipps"
    field = "vipps_agreement"
    label = "Vipps"
    api = "Vipps eFaktura API"
