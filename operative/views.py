"""The operative group's pages: the list of one's groups, a group (members, meetings, one's
calendar link), a meeting, and for the chair, the secretary and the coordinator the forms that
plan a series, move, cancel or hold a meeting. Every page asks ``access``; the calendar feed
asks for its secret token instead of a login."""

import hmac

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sspf_flow import access
from sspf_flow.refusals import TransitionRefused

from . import calendar, services
from .forms import MinutesForm, MoveForm, SeriesForm, explain
from .models import GroupMeeting, GroupMeetingStatus, GroupMember, OperativeGroup


def _allowed(rule, user, obj):
    """``obj`` if the access rule ``rule(user, obj)`` allows it; else 403."""
    if not rule(user, obj):
        raise PermissionDenied
    return obj


def _group_for(user, pk, rule=access.sees_group):
    """The group, if ``rule`` (by default: seeing the group) lets ``user`` open it."""
    return _allowed(rule, user, get_object_or_404(OperativeGroup, pk=pk))


def _meeting_for(user, pk):
    meeting = get_object_or_404(GroupMeeting.objects.select_related("group"), pk=pk)
    if not access.sees_group(user, meeting.group):
        raise PermissionDenied
    return meeting


@login_required
def group_list(request):
    groups = access.groups_visible_to(request.user, OperativeGroup.objects.all())
    if not access.has_operative_group(request.user):
        raise PermissionDenied
    return TemplateResponse(request, "operative/group_list.html", {"groups": groups})


@login_required
def group_detail(request, pk):
    group = _group_for(request.user, pk)
    now = timezone.now()
    meetings = group.meetings.order_by("starts_at")
    member = group.members.filter(user=request.user).first()
    context = {
        "group": group,
        "members": group.members.select_related("user", "agency"),
        "upcoming": meetings.filter(starts_at__gte=now)[:12],
        "past": meetings.filter(starts_at__lt=now).order_by("-starts_at")[:12],
        "member": member,
        "feed": member and request.build_absolute_uri(feed_path(member)),
        "plans": access.plans_group_meetings(request.user, group),
        "works_programmes": access.works_programmes(request.user, group),
        "reads_evaluation": access.reads_programme_evaluation(request.user, group),
    }
    return TemplateResponse(request, "operative/group_detail.html", context)


@login_required
def meeting_detail(request, pk):
    meeting = _meeting_for(request.user, pk)
    plans = access.plans_group_meetings(request.user, meeting.group)
    begun = meeting.starts_at <= timezone.now()
    context = {
        **minutes_context(meeting),
        "plans": plans,
        "planned": meeting.status == GroupMeetingStatus.PLANNED,
        "begun": begun,
        "records_commitments": plans and begun and meeting.status != GroupMeetingStatus.CANCELLED,
    }
    return TemplateResponse(request, "operative/meeting_detail.html", context)


def minutes_context(meeting):
    """What the minutes show (on the page and in the PDF): the text, who was present, the
    commitments made. No case: the minutes are written at the group level."""
    return {
        "meeting": meeting,
        "group": meeting.group,
        "present": meeting.present.select_related("user", "agency").order_by(
            "agency__name", "user__first_name"
        ),
        "commitments": meeting.commitments.select_related("agency").order_by("due", "pk"),
    }


def _form_page(request, form, template, context, perform):
    """GET shows ``form``; a valid POST runs ``perform(data)`` as one unit: a refusal writes
    nothing and shows every reason on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                done = perform(form.cleaned_data)
        except TransitionRefused as refused:
            explain(form, *(refused.reasons))
        else:
            return redirect(done)
    return TemplateResponse(request, template, {**context, "form": form})


def _planner(request, group):
    if not access.plans_group_meetings(request.user, group):
        raise PermissionDenied


@login_required
def plan_series(request, pk):
    group = _group_for(request.user, pk)
    _planner(request, group)

    def perform(data):
        services.plan_series(group, request.user, **data)
        return reverse("operative:group", args=[group.pk])

    form = SeriesForm(request.POST or None)
    return _form_page(request, form, "operative/plan_series.html", {"group": group}, perform)


@login_required
def move_meeting(request, pk):
    meeting = _meeting_for(request.user, pk)
    _planner(request, meeting.group)

    def perform(data):
        services.move_meeting(meeting, request.user, **data)
        return reverse("operative:meeting", args=[meeting.pk])

    initial = {"starts_at": timezone.localtime(meeting.starts_at), "place": meeting.place}
    form = MoveForm(request.POST or None, initial=initial)
    context = {"meeting": meeting, "group": meeting.group}
    return _form_page(request, form, "operative/move_meeting.html", context, perform)


@login_required
def cancel_meeting(request, pk):
    meeting = _meeting_for(request.user, pk)
    _planner(request, meeting.group)
    error = None
    if request.method == "POST":
        try:
            services.cancel_meeting(meeting, request.user)
        except TransitionRefused as refused:
            error = "; ".join(refused.reasons)
        else:
            return redirect("operative:meeting", meeting.pk)
    context = {"meeting": meeting, "group": meeting.group, "error": error}
    return TemplateResponse(request, "operative/cancel_meeting.html", context)


@login_required
def hold_meeting(request, pk):
    meeting = _meeting_for(request.user, pk)
    _planner(request, meeting.group)

    def perform(data):
        services.hold_meeting(meeting, request.user, **data)
        return reverse("operative:meeting", args=[meeting.pk])

    initial = {"minutes": meeting.minutes, "present": list(meeting.present.all())}
    form = MinutesForm(request.POST or None, group=meeting.group, initial=initial)
    context = {"meeting": meeting, "group": meeting.group}
    return _form_page(request, form, "operative/hold_meeting.html", context, perform)


@login_required
@require_POST
def renew_calendar(request, pk):
    group = _group_for(request.user, pk)
    member = get_object_or_404(GroupMember, group=group, user=request.user)
    services.renew_calendar_token(member, request.user)
    return redirect("operative:group", group.pk)


def feed_path(member):
    """The member's feed: their row's number, then the secret (``<pk>-<secret>.ics``)."""
    return reverse("operative:feed", args=[f"{member.pk}-{member.calendar_token}"])


def calendar_feed(request, token):
    """A member's calendar (no login: calendar programs cannot log in). The row is found by
    its number and the secret compared in constant time; a wrong or renewed secret, or a
    member no longer active, answers 404 like any missing page."""
    pk, _dash, secret = token.partition("-")
    member = (
        GroupMember.objects.select_related("group", "user")
        .filter(pk=int(pk) if pk.isdigit() else None, user__is_active=True)
        .first()
    )
    if member is None or not hmac.compare_digest(member.calendar_token.encode(), secret.encode()):
        raise Http404
    response = HttpResponse(calendar.feed(member), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
