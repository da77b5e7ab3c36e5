"""The printable consent form (PDF): blank boxes to tick before signing, or filled in from a
registered consent. It lists the agencies, the information categories, the purpose, the period
and the right to withdraw. For the case's coordinator; every print is in the access log."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .. import access, accesslog
from ..forms import ConsentForm
from ..models import AccessAction, Agency, InformationCategory
from .pdf import pdf_response


@login_required
def consent_form_pdf(request, number, pk=None):
    case = access.get_case_to_coordinate(request.user, number)
    consent = get_object_or_404(case.consents, pk=pk) if pk else None
    context = {
        "case": case,
        "youth": case.youth,
        "guardians": [g for g in case.youth.guardians.all() if g.has_custody],
        "consent": consent,
        "agencies": (
            [item.agency for item in consent.scope.select_related("agency")]
            if consent
            else Agency.objects.filter(municipality=case.municipality).order_by("name")
        ),
        "categories": consent.category_labels if consent else InformationCategory.labels,
        "purpose": consent.purpose if consent else ConsentForm.base_fields["purpose"].initial,
        "coordinator": case.coordinator or request.user,
    }
    html = render_to_string("sspf_flow/consent_form.html", context, request=request)

    def make():
        from weasyprint import HTML  # OSError here when the system's Pango library is missing

        return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

    suffix = f"-{consent.pk}" if consent else ""
    return pdf_response(
        request,
        make,
        f"{case.number}-samtycke{suffix}.pdf",
        lambda: accesslog.record(request, [case], _("consent form (PDF)"), AccessAction.DOWNLOAD),
    )
