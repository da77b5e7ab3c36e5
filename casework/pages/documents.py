"""A case's documents, for its coordinator; every print and download is in the access log: the
consent form (blank boxes to tick before signing, or filled in from a registered consent), the
signed consent form as uploaded, a filled-in form template, and the family's information."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from forms.models import FormVersion
from forms.render import pdf_response, render_pdf
from sspf_flow import access, accesslog
from sspf_flow.models import AccessAction, Agency, InformationCategory

from ..workflow.consent_form import ConsentForm, signed_form_type


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
        "network": list(consent.network_persons.all()) if consent else [],
        "purpose": consent.purpose if consent else ConsentForm.base_fields["purpose"].initial,
        "coordinator": case.coordinator or request.user,
    }
    html = render_to_string("casework/consent_form.html", context, request=request)

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


@login_required
def submission_pdf(request, number, pk):
    """A filled-in form as PDF, to print and sign (the coordinator's; it is in the access log)."""

    case = access.get_case_to_coordinate(request.user, number)
    submission = get_object_or_404(case.form_submissions.select_related("version__template"), pk=pk)
    version = submission.version
    return pdf_response(
        request,
        lambda: render_pdf(
            version.template.name,
            version.fields,
            submission.answers,
            subtitle=f"{case.number} · {submission.created_at:%Y-%m-%d}",
            footer=case.number,
        ),
        f"{case.number}-{version.template.kind}-{pk}.pdf",
        lambda: accesslog.record(request, [case], _("filled-in form (PDF)"), AccessAction.DOWNLOAD),
    )


@login_required
def information_pdf(request, number):
    """ "How a meeting works", the municipality's information to the young person and the
    guardians, printed to hand over (it names no one)."""

    case = access.get_case_to_coordinate(request.user, number)
    version = FormVersion.objects.published_for(case.municipality, "information")
    if version is None:
        raise Http404
    return pdf_response(
        request,
        lambda: render_pdf(version.template.name, version.fields, footer=case.number),
        f"{case.number}-information.pdf",
        lambda: accesslog.record(
            request, [case], _("information to the family (PDF)"), AccessAction.DOWNLOAD
        ),
    )


@login_required
def signed_consent_form(request, number, pk):
    """The signed consent form, for the case's coordinator; every download is logged."""
    case = access.get_case_to_coordinate(request.user, number)
    consent = get_object_or_404(case.consents.exclude(signed_form=""), pk=pk)
    kind = signed_form_type(consent.signed_form.open("rb"))
    accesslog.record(request, [case], _("signed consent form"), AccessAction.DOWNLOAD)
    return FileResponse(
        consent.signed_form.open("rb"),
        as_attachment=True,
        content_type=kind,
        filename=f"{case.number}-samtycke-{consent.pk}{mimetypes.guess_extension(kind) or ''}",
    )
