"""Youngsters' pages: the group's list, taking a young person up, a track's page (the person,
the talks, the measures, the outcome and what comes next), planning a talk or follow-up,
recording a held one with its measures, a measure's status, cancelling a talk and closing the
track. All only for the group's police and social services members
(``access.works_programmes``); each read of a named young person is logged
(``accesslog.record_people``)."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.accesslog import record_people
from sspf_flow.models import AgencyKind
from sspf_flow.refusals import TransitionRefused

from . import youngsters
from .forms import explain
from .models import (
    AgreedMeasure,
    ConcernTalk,
    GroupMember,
    TalkKind,
    TalkStatus,
    YoungstersTrack,
)
from .people import PersonForm, youth_for
from .views import _allowed, _form_page, _group_for
from .youngsters_forms import (
    CloseForm,
    HeldForm,
    MeasureFormSet,
    MeasureUpdateForm,
    TakeUpForm,
    TalkForm,
)

TRACK_READ = _("Youngsters: a young person's track")


def _track_for(request, pk):
    """The track, if the user works the group's programmes; the read is logged."""
    track = get_object_or_404(YoungstersTrack.objects.select_related("group", "youth"), pk=pk)
    _allowed(access.works_programmes, request.user, track.group)
    record_people(request, [track.youth_id], TRACK_READ)
    return track


def _planned(queryset):
    planned = ConcernTalk.objects.filter(status=TalkStatus.PLANNED).order_by("starts_at")
    return queryset.prefetch_related(Prefetch("talks", queryset=planned, to_attr="planned"))


@login_required
def track_list(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)
    tracks = list(_planned(group.youngsterstrack_entries.select_related("youth")))
    record_people(request, [t.youth_id for t in tracks], _("Youngsters: the group's list"))
    context = {
        "group": group,
        "open": [t for t in tracks if t.is_open],
        "closed": [t for t in tracks if not t.is_open],
    }
    return TemplateResponse(request, "operative/youngsters/list.html", context)


@login_required
def take_up(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)
    data = request.POST or None
    person, form = PersonForm(data, prefix="person"), TakeUpForm(data)
    if request.method == "POST" and all([person.is_valid(), form.is_valid()]):
        try:
            with transaction.atomic():
                youth = youth_for(group.municipality, person)
                track = youngsters.take_up(group, request.user, youth, **form.cleaned_data)
        except TransitionRefused as refused:
            explain(form, *refused.reasons)
        else:
            return redirect("operative:youngsters_track", track.pk)
    context = {"group": group, "person": person, "form": form}
    return TemplateResponse(request, "operative/youngsters/new.html", context)


def next_step(track, talks, now):
    """What the track's page says comes next, and the link to it (or None)."""
    if not track.is_open:
        return _("The track is closed."), None
    planned = [t for t in talks if t.status == TalkStatus.PLANNED]
    if planned:
        talk = planned[0]
        if talk.starts_at <= now:
            return _("Record the held meeting and the measures agreed."), reverse(
                "operative:youngsters_hold", args=[talk.pk]
            )
        return _("Hold the planned meeting; record it here once it has begun."), None
    if not any(t.status == TalkStatus.HELD for t in talks):
        return _("Plan the concern talk with the guardians and the young person."), reverse(
            "operative:youngsters_plan", args=[track.pk]
        )
    return _("Plan a follow-up meeting on the agreed measures, or close the track."), reverse(
        "operative:youngsters_plan", args=[track.pk]
    )


@login_required
def track_page(request, pk):
    track = _track_for(request, pk)
    members = GroupMember.objects.select_related("user", "agency")
    talks = list(
        track.talks.prefetch_related(
            Prefetch("participants", queryset=members), "measures", "followed_measures"
        )
    )
    step, link = next_step(track, talks, timezone.now())
    context = {
        "group": track.group,
        "track": track,
        "talks": talks,
        "measures": [m for t in talks for m in t.measures.all()],
        "step": step,
        "step_link": link,
        "planned": [t for t in talks if t.status == TalkStatus.PLANNED],
    }
    return TemplateResponse(request, "operative/youngsters/track.html", context)


@login_required
def plan_talk(request, pk):
    track = _track_for(request, pk)
    held = track.talks.filter(status=TalkStatus.HELD).exists()
    initial = {"kind": TalkKind.FOLLOW_UP if held else TalkKind.TALK}
    member = track.group.members.filter(user=request.user).first()
    if member is not None:
        initial["police" if member.agency.kind == AgencyKind.POLICE else "social_services"] = [
            member
        ]
    form = TalkForm(request.POST or None, group=track.group, initial=initial)

    def perform(_data):
        youngsters.plan_talk(track, request.user, **form.service_data())
        return reverse("operative:youngsters_track", args=[track.pk])

    context = {"group": track.group, "track": track}
    return _form_page(request, form, "operative/youngsters/plan.html", context, perform)


def _talk_for(request, pk):
    talk = get_object_or_404(ConcernTalk, pk=pk)
    talk.track = _track_for(request, talk.track_id)
    return talk


@login_required
def hold_talk(request, pk):
    talk = _talk_for(request, pk)
    track, data = talk.track, request.POST or None
    earlier = list(youngsters.open_measures(track, before=talk))
    form = HeldForm(data, earlier=earlier)
    day = timezone.localdate(talk.starts_at)
    measures = MeasureFormSet(data, prefix="measure", form_kwargs={"day": day})
    if request.method == "POST" and all([form.is_valid(), measures.is_valid()]):
        agreed = [m.cleaned_data for m in measures if m.has_changed()]
        try:
            with transaction.atomic():
                youngsters.hold_talk(
                    talk,
                    request.user,
                    guardians_present=form.cleaned_data["guardians_present"],
                    youth_present=form.cleaned_data["youth_present"],
                    record=form.cleaned_data["record"],
                    measures=agreed,
                    followed=form.followed(),
                )
        except TransitionRefused as refused:
            explain(form, *refused.reasons)
        else:
            return redirect("operative:youngsters_track", track.pk)
    context = {"group": track.group, "track": track, "talk": talk, "form": form}
    context.update(measures=measures, earlier=earlier)
    return TemplateResponse(request, "operative/youngsters/hold.html", context)


@login_required
def cancel_talk(request, pk):
    talk = _talk_for(request, pk)
    error = None
    if request.method == "POST":
        try:
            youngsters.cancel_talk(talk, request.user)
        except TransitionRefused as refused:
            error = "; ".join(refused.reasons)
        else:
            return redirect("operative:youngsters_track", talk.track_id)
    context = {"group": talk.track.group, "track": talk.track, "talk": talk, "error": error}
    return TemplateResponse(request, "operative/youngsters/cancel.html", context)


@login_required
def measure_page(request, pk):
    measure = get_object_or_404(AgreedMeasure.objects.select_related("talk"), pk=pk)
    track = _track_for(request, measure.talk.track_id)

    def perform(data):
        youngsters.update_measure(measure, request.user, **data)
        return reverse("operative:youngsters_track", args=[track.pk])

    form = MeasureUpdateForm(request.POST or None, instance=AgreedMeasure.objects.get(pk=pk))
    context = {"group": track.group, "track": track, "measure": measure}
    return _form_page(request, form, "operative/youngsters/measure.html", context, perform)


@login_required
def close_track(request, pk):
    track = _track_for(request, pk)

    def perform(data):
        youngsters.close_track(track, request.user, **data)
        return reverse("operative:youngsters_track", args=[track.pk])

    form = CloseForm(request.POST or None)
    context = {"group": track.group, "track": track}
    return _form_page(request, form, "operative/youngsters/close.html", context, perform)
