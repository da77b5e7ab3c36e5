"""Joint commitments' pages: the form that records one at a meeting (chair, secretary,
coordinator), the page where the responsible agency keeps its status, and the minutes as PDF
(the minutes text, who was present, the commitments made; no case, so no access log)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from forms.render import pdf_response
from sspf_flow import access

from . import commitments
from .forms import CommitmentForm, CommitmentUpdateForm
from .models import Commitment
from .views import _form_page, _meeting_for, minutes_context


@login_required
def commitment_new(request, pk):
    meeting = _meeting_for(request.user, pk)
    if not access.plans_group_meetings(request.user, meeting.group):
        raise PermissionDenied

    def perform(data):
        commitments.record_commitment(meeting, request.user, **data)
        return reverse("operative:meeting", args=[meeting.pk])

    form = CommitmentForm(request.POST or None, meeting=meeting)
    context = {"meeting": meeting, "group": meeting.group}
    return _form_page(request, form, "operative/commitment_new.html", context, perform)


@login_required
def commitment_update(request, pk):
    commitment = get_object_or_404(
        Commitment.objects.select_related("meeting__group", "agency"), pk=pk
    )
    group = commitment.meeting.group
    if not access.sees_group(request.user, group):
        raise PermissionDenied
    keeps = access.updates_commitment(request.user, commitment)
    if request.method == "POST" and not keeps:
        raise PermissionDenied

    def perform(data):
        commitments.update_commitment(commitment, request.user, **data)
        return reverse("operative:meeting", args=[commitment.meeting_id])

    # the form edits its own copy: a refused status is not shown as the commitment's
    own = Commitment.objects.get(pk=commitment.pk)
    form = CommitmentUpdateForm(request.POST or None, instance=own)
    context = {
        "commitment": commitment,
        "meeting": commitment.meeting,
        "group": group,
        "keeps": keeps,
    }
    return _form_page(request, form, "operative/commitment.html", context, perform)


@login_required
def minutes_pdf(request, pk):
    meeting = _meeting_for(request.user, pk)
    html = render_to_string("operative/minutes_print.html", minutes_context(meeting), request)

    def make():
        from weasyprint import HTML  # OSError here when the system's Pango library is missing

        return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

    day = timezone.localtime(meeting.starts_at)
    return pdf_response(request, make, f"minnesanteckningar-{day:%Y-%m-%d}.pdf")
