"""Anonymous consultations: the coordinator's list and form. Nothing here names a person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.utils import viewprop
from viewflow.views import ListModelView

from sspf_flow import access, records
from sspf_flow.models import ConcernCategory, Consultation, ConsultationOutcome

from . import columns
from .page_forms import ConsultationForm


class ConsultationListView(ListModelView):
    model = Consultation
    title = _("Consultations")
    columns = (
        "asked",
        "asking_agency",
        "age_band",
        "gender",
        "concern_list",
        "outcome",
        "not_sspf_reason",
        "next",
    )
    template_name = "casework/consultation_list.html"

    def has_view_permission(self, user, obj=None):
        return access.is_coordinator(user)

    @viewprop
    def queryset(self):
        return access.consultations_visible_to(self.request.user).select_related(
            "asking_agency", "became_case"
        )

    def asked(self, consultation):
        return columns.day(consultation.asked_on)

    asked.short_description = _("Date")
    asked.orderby_column = "asked_on"

    def concern_list(self, consultation):
        return ", ".join(
            str(ConcernCategory(c).label)
            for c in consultation.concerns
            if c in ConcernCategory.values
        )

    concern_list.short_description = _("Concerns")

    def next(self, consultation):
        from django.urls import reverse
        from django.utils.html import format_html

        if consultation.became_case:
            return consultation.became_case.number
        return format_html(
            '<a href="{}?consultation={}">{}</a>',
            reverse("sspf:new_referral"),
            consultation.pk,
            _("Make it a referral"),
        )

    next.short_description = _("Referral")

    def get_context_data(self, **kwargs):
        counts = dict(
            access.consultations_visible_to(self.request.user)
            .values_list("outcome")
            .annotate(n=Count("pk"))
        )
        return super().get_context_data(
            counts=[(label, counts.get(value, 0)) for value, label in ConsultationOutcome.choices],
            **kwargs,
        )


@method_decorator(login_required, name="dispatch")
class ConsultationCreateView(generic.FormView):
    form_class = ConsultationForm
    template_name = "casework/consultation_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not access.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        municipality = access.agency_of(self.request.user).municipality
        return {**super().get_form_kwargs(), "municipality": municipality}

    def form_valid(self, form):
        records.record_consultation(self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The consultation is recorded."))
        return redirect("sspf:consultations")
