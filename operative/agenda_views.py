"""The operative meeting's agenda: the page and its PDF (each as the reader may read it, every
case shown in the access log), and the forms that fill it: an agency's picture of the area, a
group-level item, and for the coordinator a possible referral."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forms.render import pdf_response
from sspf_flow import access, accesslog
from sspf_flow.models import AccessAction

from . import services
from .agenda import agenda_for
from .forms import AreaPictureForm, GroupItemForm, PossibleReferralForm
from .models import GroupMeeting, GroupMeetingStatus
from .views import _form_page


def _meeting_for(user, pk):
    meeting = get_object_or_404(GroupMeeting.objects.select_related("group", "series"), pk=pk)
    if not access.sees_group(user, meeting.group):
        raise PermissionDenied
    return meeting


def _context(request, meeting):
    user, group = request.user, meeting.group
    agenda = agenda_for(user, meeting)
    planned = meeting.status == GroupMeetingStatus.PLANNED
    member = access.in_operative_group(user, group)
    coordinates = access.coordinates_group(user, group)
    return {
        "agenda": agenda,
        "meeting": meeting,
        "group": group,
        "coordinates": coordinates,
        "writes_picture": member and planned and meeting.starts_at > timezone.now(),
        "adds_item": member and planned,
        "raises_referral": coordinates and meeting.status != GroupMeetingStatus.CANCELLED,
    }


@login_required
def agenda_page(request, pk):
    meeting = _meeting_for(request.user, pk)
    context = _context(request, meeting)
    accesslog.record(request, context["agenda"].cases, _("operative agenda"))
    return TemplateResponse(request, "operative/agenda.html", context)


@login_required
def agenda_pdf(request, pk):
    meeting = _meeting_for(request.user, pk)
    context = _context(request, meeting)
    html = render_to_string("operative/agenda_print.html", context, request=request)

    def make():
        from weasyprint import HTML  # OSError here when the system's Pango library is missing

        return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

    return pdf_response(
        request,
        make,
        f"dagordning-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf",
        lambda: accesslog.record(
            request, context["agenda"].cases, _("operative agenda (PDF)"), AccessAction.DOWNLOAD
        ),
    )


def _back(meeting):
    return reverse("operative:agenda", args=[meeting.pk])


@login_required
def area_picture(request, pk):
    meeting = _meeting_for(request.user, pk)
    if not access.in_operative_group(request.user, meeting.group):
        raise PermissionDenied
    member = meeting.group.members.get(user=request.user)
    own = meeting.area_pictures.filter(agency_id=member.agency_id).first()

    def perform(data):
        services.write_area_picture(meeting, request.user, **data)
        return _back(meeting)

    form = AreaPictureForm(request.POST or None, instance=own)
    context = {"meeting": meeting, "group": meeting.group, "agency": member.agency}
    return _form_page(request, form, "operative/area_picture.html", context, perform)


@login_required
def group_item(request, pk):
    meeting = _meeting_for(request.user, pk)
    if not access.in_operative_group(request.user, meeting.group):
        raise PermissionDenied

    def perform(data):
        services.add_group_item(meeting, request.user, **data)
        return _back(meeting)

    form = GroupItemForm(request.POST or None, user=request.user, group=meeting.group)
    context = {"meeting": meeting, "group": meeting.group}
    return _form_page(request, form, "operative/group_item.html", context, perform)


@login_required
def possible_referral(request, pk):
    meeting = _meeting_for(request.user, pk)
    if not access.coordinates_group(request.user, meeting.group):
        raise PermissionDenied

    def perform(data):
        services.raise_possible_referral(meeting, request.user, **data)
        return _back(meeting)

    form = PossibleReferralForm(request.POST or None, municipality=meeting.group.municipality)
    context = {"meeting": meeting, "group": meeting.group}
    return _form_page(request, form, "operative/possible_referral.html", context, perform)
