"""The register extract's pages (GDPR art. 15), for a coordinator of the young person's
municipality only (``access.answers_register_requests``, ``access.extracts_for``): the requests
and the form that registers one, a request's page (what the extract covers, what to review,
the hand-over) and the extract as PDF. Every page that names the young person writes the access
log: one row per case of theirs and one about them without a case; the request, each print and
the hand-over are rows of their own, so the log's review shows them."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.render import pdf_response
from sspf_flow import access, accesslog
from sspf_flow.models import AccessAction, Case, JournalNote
from sspf_flow.refusals import TransitionRefused

from . import extract, register
from .models import HandedOverHow, ReceivedHow, RegisterRequest

LISTED = 50  # the latest requests the list shows


class RequestForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Personal identity number or case number"),
        max_length=30,
        help_text=gettext_lazy(
            "The young person is looked up among the municipality's young people; a person only "
            "in a programme (Top 5, SIG, Youngsters) is found by their personal identity number."
        ),
    )
    received_on = forms.DateField(
        label=gettext_lazy("Request received on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_how = forms.ChoiceField(
        label=gettext_lazy("How the request came in"),
        choices=ReceivedHow.choices,
        widget=forms.RadioSelect,
    )


class HandOverForm(forms.Form):
    how = forms.ChoiceField(
        label=gettext_lazy("Handed over"), choices=HandedOverHow.choices, widget=forms.RadioSelect
    )


def _explain(form, refused):
    for reason in refused.reasons:
        form.add_error(reason.field if reason.field in form.fields else None, reason)


def _coordinator_only(user):
    if not access.answers_register_requests(user):
        raise PermissionDenied


def _request_for(user, pk):
    """The request if the user answers it: 403 for anyone who answers none, 404 for another
    municipality's."""
    _coordinator_only(user)
    requests = access.register_requests_visible_to(user, RegisterRequest.objects.all())
    request = get_object_or_404(
        requests.select_related("youth__municipality", "registered_by", "handed_over_by"), pk=pk
    )
    if not access.extracts_for(user, request.youth):
        raise PermissionDenied
    return request


def log_person(http_request, youth_ids, what, action=AccessAction.VIEW):
    """The access log of a read of these register entries: one row per case of theirs (the
    lawful basis asked of the rules) and one about each entry without a case."""
    youth_ids = set(youth_ids)
    if not youth_ids:
        return
    cases = Case.objects.filter(youth_id__in=youth_ids).only("pk", "youth_id", "status")
    accesslog.record(http_request, list(cases), what, action)
    accesslog.record_people(http_request, youth_ids, what, action)


@login_required
def register_index(request):
    """The municipality's latest requests, and the form that registers a new one."""
    _coordinator_only(request.user)
    initial = {"received_on": timezone.localdate(), "number": request.GET.get("number", "")}
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        made = _register(request, form)
        if made is not None:
            return redirect("reporting:register_request", made.pk)
    requests = list(
        access.register_requests_visible_to(request.user, RegisterRequest.objects.all())
        .select_related("youth")
        .order_by("-received_on", "-pk")[:LISTED]
    )
    log_person(request, [r.youth_id for r in requests], _("register extract: the requests"))
    context = {"form": form, "requests": requests, "listed": LISTED}
    return TemplateResponse(request, "reporting/register/index.html", context)


def _register(request, form):
    data = form.cleaned_data
    youth = register.find_person(request.user, data["number"])
    if youth is None:
        form.add_error(
            "number",
            _(
                "No young person with this number is in the municipality's register. If nothing "
                "is stored about them, answer the request that no personal data is processed."
            ),
        )
        return None
    try:
        with transaction.atomic():
            made = register.register_request(
                request.user, youth, data["received_on"], data["received_how"]
            )
            log_person(
                request,
                [youth.pk],
                _("register extract: request registered"),
                AccessAction.CHANGE,
            )
    except TransitionRefused as refused:
        _explain(form, refused)
        return None
    return made


def _covered(request_row):
    """What the request page says the extract covers: the register entries, their cases' numbers
    and how many journal notes are confidential toward the guardians."""
    people = list(register.people_of(request_row.youth).values_list("pk", flat=True))
    cases = list(
        Case.objects.filter(youth_id__in=people)
        .order_by("referred_at", "pk")
        .values_list("number", flat=True)
    )
    confidential = JournalNote.objects.filter(
        case__youth_id__in=people, confidential_to_guardians=True
    ).count()
    return people, cases, confidential


@login_required
def register_request(request, pk):
    """One request: whom it is about, what the extract covers and what to review before it is
    handed over, the PDF, and (POST) the hand-over."""
    row = _request_for(request.user, pk)
    people, cases, confidential = _covered(row)
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                row = register.hand_over(request.user, row, form.cleaned_data["how"])
                how = row.get_handed_over_how_display()
                what = _("register extract handed over (%(how)s)") % {"how": how}
                log_person(request, people, what, AccessAction.EXPORT)
        except TransitionRefused as refused:
            _explain(form, refused)
        else:
            return redirect("reporting:register_request", row.pk)
    log_person(request, people, _("register extract: the request"))
    context = {
        "row": row,
        "youth": row.youth,
        "entries": len(people),
        "cases": cases,
        "confidential": confidential,
        "form": form,
    }
    return TemplateResponse(request, "reporting/register/request.html", context)


@login_required
def register_pdf(request, pk):
    """The extract as PDF: everything stored about the young person and who accessed it. Each
    print is logged as an export of every case of theirs and of them without a case."""
    row = _request_for(request.user, pk)
    people = list(register.people_of(row.youth).values_list("pk", flat=True))
    found = extract.gather(people)
    context = {"extract": found, "row": row, "today": timezone.localdate()}
    html = render_to_string("reporting/register/extract_print.html", context, request)

    def make():
        from weasyprint import HTML  # OSError here when the system's Pango library is missing

        return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

    def logged():
        register.note_printed(request.user, row)
        log_person(request, people, _("register extract (PDF)"), AccessAction.EXPORT)

    name = f"registerutdrag-{row.pk}-{context['today']:%Y-%m-%d}.pdf"
    return pdf_response(request, make, name, on_made=logged)
