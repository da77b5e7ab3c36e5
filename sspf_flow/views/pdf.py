"""Every PDF the product prints is answered the same way: inline, with a file name, and a page
that explains when the server cannot make PDFs (WeasyPrint needs the system's Pango library)."""

from django.http import HttpResponse
from django.shortcuts import render


def pdf_response(request, make, filename, on_made=None):
    """``make()`` returns the PDF's bytes; ``on_made()`` (e.g. the access log) runs only when it
    was made."""
    try:
        pdf = make()
    except OSError:  # the system's Pango library is missing
        return render(request, "sspf_flow/pdf_unavailable.html", status=503)
    if on_made is not None:
        on_made()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
