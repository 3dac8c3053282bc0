"""SAF-T Financial import of opening balances and the chart of accounts (issue 10)."""

from django.http import Http404


def import_page(request):
    raise Http404
