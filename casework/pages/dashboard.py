"""The overviews where case workers land (a coordinator's most urgent tasks and what is
overdue; an agency's open actions and invitations) and each user's notification choices."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import generic

from notifications.models import Delivery, Preference, Topic
from sspf_flow import access, accesslog, handover

from ..perform import PerformOrExplain
from ..workflow import worklist
from . import overview
from .page_forms import HandOverForm

TASKS_SHOWN = 10  # the coordinator's most urgent tasks; the inbox has them all


@login_required
def dashboard(request):
    user = request.user
    shown = []
    if access.is_coordinator(user):
        data = overview.coordinator_overview(user)
        tasks = worklist.rows(worklist.tasks_of(user, worklist.INBOX)[: TASKS_SHOWN + 1])
        data["tasks"], data["more_tasks"] = tasks[:TASKS_SHOWN], len(tasks) > TASKS_SHOWN
        shown = [row.case for row in data["tasks"]]
        template = "casework/coordinator_dashboard.html"
    elif access.works_with_cases(user):
        data = overview.agency_overview(user)
        template = "casework/agency_dashboard.html"
    else:
        raise PermissionDenied
    cases = {case.pk: case for case in [*shown, *overview.cases_shown(data)]}
    accesslog.record(request, cases.values(), _("overview"))
    return TemplateResponse(request, template, data)


class PreferencesForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = dict(Preference.objects.filter(user=user).values_list("topic", "delivery"))
        for topic in Topic:
            self.fields[topic.value] = forms.ChoiceField(
                label=topic.label,
                choices=Delivery.choices,
                initial=chosen.get(topic.value, Delivery.IMMEDIATE),
            )

    def save(self, user):
        for topic in Topic:
            Preference.objects.update_or_create(
                user=user, topic=topic.value, defaults={"delivery": self.cleaned_data[topic.value]}
            )


@login_required
def preferences(request):
    if not access.chooses_notifications(request.user):
        raise PermissionDenied
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save(request.user)
        messages.success(request, _("Your choices are saved."))
        return redirect("sspf:preferences")
    return TemplateResponse(request, "casework/preferences.html", {"form": form})


class HandOverView(PerformOrExplain, generic.FormView):
    """Absence: every open case of one coordinator to a colleague at once; for coordinators.
    The page lists the municipality's coordinators, no case."""

    form_class = HandOverForm
    template_name = "casework/hand_over.html"

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        if not access.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        municipality_id = access.agency_of(self.request.user).municipality_id
        return {**super().get_form_kwargs(), "municipality_id": municipality_id}

    def perform(self, form):
        data = form.cleaned_data
        count = handover.hand_over(
            self.request.user, data["absent"], data["colleague"], data["reason"]
        )
        messages.success(
            self.request,
            ngettext(
                "%(count)d open case is handed over.",
                "%(count)d open cases are handed over.",
                count,
            )
            % {"count": count},
        )

    def done(self):
        return redirect("sspf:dashboard")
