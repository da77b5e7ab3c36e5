"""SIG's pages (seed 002): the group's SIG page (the figures, the cohorts, the police's
priority list with each person's stage and latest status), the forms that put a person on the
list and make a cohort, a person's page with the forms of each step, and a coach's own list.
The group's police and social services members see and keep everything
(``access.works_programmes``); a coach sees the people they coach and records their status
(``access.coaches``); everyone else gets 403. Every page that names someone is logged
(``accesslog.record_people``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.accesslog import record_people

from . import sig
from .models import SigCohort, SigEntry, SigStage, SigStatus
from .people import youth_for
from .sig_forms import (
    AnswerForm,
    CloseForm,
    CohortForm,
    EndCohortForm,
    ListForm,
    OfferForm,
    StatusForm,
    TakeInForm,
)
from .views import _allowed, _form_page, _group_for


def _entry_for(user, pk):
    entry = get_object_or_404(
        SigEntry.objects.select_related("group", "youth", "cohort", "coach"), pk=pk
    )
    return _allowed(access.reads_programme_person, user, entry)


def _with_latest_status(entries):
    """``entries`` with ``latest`` (their newest status note or None): two queries however
    many."""
    notes = Prefetch(
        "statuses", queryset=SigStatus.objects.order_by("-day", "-pk"), to_attr="notes"
    )
    rows = list(entries.select_related("youth", "cohort", "coach").prefetch_related(notes))
    for row in rows:
        row.latest = row.notes[0] if row.notes else None
    return rows


@login_required
def sig_list(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)
    entries = _with_latest_status(group.sigentry_entries.order_by("listed_on", "pk"))
    ongoing = Q(entries__joined_on__isnull=False, entries__closed_on__isnull=True)
    cohorts = group.sig_cohorts.select_related("coach").annotate(ongoing=Count("entries", ongoing))
    record_people(request, [e.youth_id for e in entries], _("SIG priority list"))
    context = {
        "group": group,
        "entries": entries,
        "cohorts": cohorts,
        "figures": sig.figures(group),
    }
    return TemplateResponse(request, "operative/sig/list.html", context)


@login_required
def sig_add(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)

    def perform(data):
        youth = youth_for(group.municipality, form)
        entry = sig.put_on_list(group, request.user, youth=youth, listed_on=data["listed_on"])
        return reverse("operative:sig_entry", args=[entry.pk])

    form = ListForm(request.POST or None, initial={"listed_on": timezone.localdate()})
    context = {"group": group, "title": _("Put a young person on the priority list")}
    return _form_page(request, form, "operative/sig/group_form.html", context, perform)


@login_required
def sig_cohort_new(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)

    def perform(data):
        sig.make_cohort(group, request.user, **data)
        return reverse("operative:sig_list", args=[group.pk])

    form = CohortForm(request.POST or None, group=group)
    context = {"group": group, "title": _("A new SIG cohort")}
    return _form_page(request, form, "operative/sig/group_form.html", context, perform)


@login_required
def sig_cohort_end(request, pk):
    cohort = get_object_or_404(SigCohort.objects.select_related("group"), pk=pk)
    _allowed(access.works_programmes, request.user, cohort.group)

    def perform(data):
        sig.end_cohort(cohort, request.user, **data)
        return reverse("operative:sig_list", args=[cohort.group_id])

    form = EndCohortForm(request.POST or None, cohort=cohort)
    title = format_lazy(_("End the cohort {name}"), name=cohort.name)
    context = {"group": cohort.group, "title": title}
    return _form_page(request, form, "operative/sig/group_form.html", context, perform)


@login_required
def sig_entry(request, pk):
    entry = _entry_for(request.user, pk)
    works = access.works_programmes(request.user, entry.group)
    record_people(request, [entry.youth_id], _("SIG person"))
    stage = entry.stage
    context = {
        "group": entry.group,
        "entry": entry,
        "works": works,
        "stage": stage,
        "notes": entry.statuses.select_related("written_by"),
        "offers": works and stage == SigStage.LISTED,
        "answers": works and stage == SigStage.OFFERED,
        "takes_in": works and stage == SigStage.ACCEPTED,
        "in_cohort": stage == SigStage.IN_COHORT,
        "closes": works and stage != SigStage.CLOSED,
    }
    return TemplateResponse(request, "operative/sig/entry.html", context)


def _step(request, pk, form_class, title, perform_step, *, coach_too=False):
    """A step's form for one person: for those who keep the list (and for their coach when
    ``coach_too``); the person's name on it is a logged read."""
    entry = _entry_for(request.user, pk)
    if not coach_too:
        _allowed(access.works_programmes, request.user, entry.group)
    record_people(request, [entry.youth_id], _("SIG person"))

    def perform(data):
        perform_step(entry, request.user, **data)
        return reverse("operative:sig_entry", args=[entry.pk])

    form = form_class(request.POST or None, entry=entry)
    context = {"group": entry.group, "entry": entry, "title": title}
    return _form_page(request, form, "operative/sig/step.html", context, perform)


@login_required
def sig_offer(request, pk):
    return _step(request, pk, OfferForm, _("The offer of SIG"), sig.record_offer)


@login_required
def sig_answer(request, pk):
    return _step(request, pk, AnswerForm, _("The answer to the offer"), sig.record_answer)


@login_required
def sig_take_in(request, pk):
    return _step(request, pk, TakeInForm, _("Take into a cohort"), sig.take_in)


@login_required
def sig_status(request, pk):
    title = _("A status note")
    return _step(request, pk, StatusForm, title, sig.record_status, coach_too=True)


@login_required
def sig_close(request, pk):
    return _step(request, pk, CloseForm, _("Close SIG for the person"), sig.close)


@login_required
def sig_coached(request):
    if not access.coaches_someone(request.user):
        raise PermissionDenied
    coached = access.coached_by(request.user, SigEntry.objects.all())
    entries = _with_latest_status(coached.order_by("closed_on", "youth__last_name", "pk"))
    record_people(request, [e.youth_id for e in entries], _("SIG persons coached"))
    return TemplateResponse(request, "operative/sig/coached.html", {"entries": entries})
