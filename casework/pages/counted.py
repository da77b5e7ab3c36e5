"""What the steering group's statistics count that a case worker records on the case page:
whether a needs-assessed intervention from social services (biståndsbedömd insats) followed
the referral. Recorded by the coordinator, or by a social-services member an active consent
covers (``access.records_social_intervention``); any other reader of the case is refused."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic

from sspf_flow import access, accesslog, counting
from sspf_flow.models import AccessAction

from ..perform import PerformOrExplain
from .page_forms import SocialInterventionForm


class SocialInterventionView(PerformOrExplain, generic.FormView):
    form_class = SocialInterventionForm
    template_name = "casework/case_action.html"
    title = _("Record the needs-assessed intervention")

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = access.get_case_for(request.user, kwargs["number"])  # 404 unless a reader
        if not access.records_social_intervention(request.user, self.case):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.title)
        sight = access.sight(self.request.user, self.case)
        return super().get_context_data(case=self.case, title=self.title, sight=sight, **kwargs)

    def perform(self, form):
        value = form.cleaned_data["social_intervention"]
        counting.record_social_intervention(self.case, self.request.user, value)
        messages.success(self.request, _("The needs-assessed intervention is recorded."))

    def done(self):
        accesslog.record(self.request, [self.case], self.title, AccessAction.CHANGE)
        return redirect("sspf:case_detail", self.case.number)
