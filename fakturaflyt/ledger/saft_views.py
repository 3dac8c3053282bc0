"""SAF-T Financial page: the export download (issue 10)."""

from django.http import Http404


def saft_page(request):
    raise Http404


def export_download(request):
    raise Http404
