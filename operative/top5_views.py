"""Top 5's pages (seed 001, Bilaga 1), for the group's police and social services members only
(``access.works_programmes``; each read of the persons is logged, one row per person): the
list with the next selection meeting's date, a selection meeting recorded, a person added,
a person's page with their measures, taking them off the list. The evaluation, which names
no one, is also for the municipality's coordinators and steering group
(``access.reads_programme_evaluation``); its PDF is logged as an export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forms.render import pdf_response
from sspf_flow import access, accesslog
from sspf_flow.refusals import TransitionRefused, refuse_if

from . import top5, top5_evaluation, top5_guards
from .forms import explain
from .models import MOST_ON_THE_LIST, OperativeGroup, Top5Entry, Top5Measure
from .people import PersonForm, youth_for
from .top5_forms import EndForm, EntryForm, MeasureForm, MeasureUpdateForm, SelectionForm
from .views import _allowed, _form_page, _group_for


def _entry_for(user, pk):
    entry = get_object_or_404(
        Top5Entry.objects.select_related("group", "youth", "selection", "case"), pk=pk
    )
    _allowed(access.works_programmes, user, entry.group)
    return entry


def _with_counts(entries):
    return entries.select_related("youth", "selection").annotate(measure_count=Count("measures"))


@login_required
def top5_list(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)
    entries = group.top5entry_entries.order_by("added_at", "pk")
    current = list(_with_counts(entries.filter(ended_on__isnull=True)))
    earlier = list(_with_counts(entries.filter(ended_on__isnull=False)).order_by("-ended_on"))
    latest = group.top5_selections.first()
    accesslog.record_people(request, [e.youth_id for e in current + earlier], _("Top 5: the list"))
    context = {
        "group": group,
        "current": current,
        "earlier": earlier,
        "latest": latest,
        "late": latest is not None and latest.next_due < timezone.localdate(),
        "room": len(current) < MOST_ON_THE_LIST,
        "most": MOST_ON_THE_LIST,
    }
    return TemplateResponse(request, "operative/top5/list.html", context)


@login_required
def top5_selection_new(request, pk):
    group = _group_for(request.user, pk, access.works_programmes)

    def perform(data):
        top5.record_selection(group, request.user, **data)
        return reverse("operative:top5_list", args=[group.pk])

    form = SelectionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form_page(request, form, "operative/top5/selection.html", {"group": group}, perform)


@login_required
def top5_add(request, pk):
    """A person (``PersonForm``) and why, when and on which ground they are on the list: one
    page, one unit; a refusal (a sixth person, a consent that does not cover) writes nothing."""
    group = _group_for(request.user, pk, access.works_programmes)
    post = request.POST or None
    person = PersonForm(post, prefix="person")
    entry = EntryForm(post, group=group, initial={"selection": group.top5_selections.first()})
    if request.method == "POST" and person.is_valid() and entry.is_valid():
        data = dict(entry.cleaned_data)
        number = data.pop("case_number")
        try:
            with transaction.atomic():
                youth = youth_for(group.municipality, person)
                case = top5.case_numbered(group, number)
                refuse_if(top5_guards.case_found(number, case))
                top5.add_entry(group, request.user, youth, case=case, **data)
        except TransitionRefused as refused:
            explain(entry, *refused.reasons)
        else:
            return redirect("operative:top5_list", group.pk)
    context = {"group": group, "person": person, "form": entry}
    return TemplateResponse(request, "operative/top5/add.html", context)


@login_required
def top5_entry(request, pk):
    entry = _entry_for(request.user, pk)
    measures = entry.measures.select_related("agency")
    accesslog.record_people(request, [entry.youth_id], _("Top 5: a person's page"))
    form = MeasureForm(group=entry.group) if entry.ended_on is None else None
    context = {"entry": entry, "group": entry.group, "measures": measures, "form": form}
    return TemplateResponse(request, "operative/top5/entry.html", context)


@login_required
def top5_measure_new(request, pk):
    entry = _entry_for(request.user, pk)

    def perform(data):
        top5.add_measure(entry, request.user, **data)
        return reverse("operative:top5_entry", args=[entry.pk])

    form = MeasureForm(request.POST or None, group=entry.group)
    context = {"entry": entry, "group": entry.group}
    return _form_page(request, form, "operative/top5/measure_new.html", context, perform)


@login_required
def top5_measure(request, pk):
    measure = get_object_or_404(
        Top5Measure.objects.select_related("entry__group", "entry__youth", "agency"), pk=pk
    )
    entry = measure.entry
    if not access.works_programmes(request.user, entry.group):
        raise PermissionDenied
    accesslog.record_people(request, [entry.youth_id], _("Top 5: a measure"))

    def perform(data):
        top5.update_measure(measure, request.user, **data)
        return reverse("operative:top5_entry", args=[entry.pk])

    # the form edits its own copy: a refused status is not shown as the measure's
    form = MeasureUpdateForm(request.POST or None, instance=Top5Measure.objects.get(pk=measure.pk))
    context = {"measure": measure, "entry": entry, "group": entry.group}
    return _form_page(request, form, "operative/top5/measure.html", context, perform)


@login_required
def top5_end(request, pk):
    entry = _entry_for(request.user, pk)
    if entry.ended_on is not None:
        return redirect("operative:top5_entry", entry.pk)
    accesslog.record_people(request, [entry.youth_id], _("Top 5: taking off the list"))

    def perform(data):
        top5.end_entry(entry, request.user, **data)
        return reverse("operative:top5_list", args=[entry.group_id])

    form = EndForm(request.POST or None, entry=entry)
    context = {"entry": entry, "group": entry.group}
    return _form_page(request, form, "operative/top5/end.html", context, perform)


@login_required
def top5_evaluations(request):
    """The groups whose Top 5 evaluation the user reads: where the steering group and the
    coordinators find the evaluations (they name no one)."""
    groups = access.programme_evaluations_visible_to(request.user, OperativeGroup.objects.all())
    if not groups.exists():
        raise PermissionDenied
    return TemplateResponse(request, "operative/top5/evaluations.html", {"groups": groups})


def _evaluation(request, pk):
    group = _group_for(request.user, pk, access.reads_programme_evaluation)
    today = timezone.localdate()
    since = top5_evaluation.period_start(request.GET.get("from"), today)
    return group, {"group": group, **top5_evaluation.evaluation(group, since, today)}


@login_required
def top5_evaluation_page(request, pk):
    _group, context = _evaluation(request, pk)
    return TemplateResponse(request, "operative/top5/evaluation.html", context)


@login_required
def top5_evaluation_pdf(request, pk):
    group, context = _evaluation(request, pk)
    html = render_to_string("operative/top5/evaluation_print.html", context, request)

    def make():
        from weasyprint import HTML  # OSError here when the system's Pango library is missing

        return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

    def logged():
        accesslog.record_export(request, _("Top 5: the evaluation (PDF)"))

    name = f"top5-utvardering-{context['today']:%Y-%m-%d}.pdf"
    return pdf_response(request, make, name, on_made=logged)
