"""Where each role lands, and the administrator's hub, the one landing page that is not a list of
cases (the steering group lands on its report, ``reporting``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from notifications.models import Outbox, OutboxStatus
from sspf_flow import access
from sspf_flow.models import Agency, Intervention


def landing_url(user):
    """Each role's own work: case workers their overview (a coordinator's tasks by urgency, an
    agency's open actions and invitations), the log reviewer the log, the administrator the
    administration hub, the steering group its page."""
    if access.works_with_cases(user):
        return reverse("sspf:dashboard")
    if access.administers(user):
        return reverse("administration")
    if access.can_review_log(user):
        return reverse("log:index")
    if access.follows_statistics(user):
        return reverse("reporting:steering")
    return None


@login_required
def home(request):
    url = landing_url(request.user)
    if url:
        return redirect(url)
    return TemplateResponse(request, "casework/home.html", {})


@login_required
def administration(request):
    """The administrator's hub: where users and roles, agencies, the municipality's settings
    and deadlines, the catalogue of interventions, the form templates, the outbox and the
    access log are managed. Counts only:
    nothing here names a case or a young person."""
    if not access.administers(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "casework/administration.html",
        {
            "users": get_user_model().objects.filter(is_active=True).count(),
            "agencies": Agency.objects.count(),
            "interventions": Intervention.objects.filter(active=True).count(),
            "outbox_failed": Outbox.objects.filter(status=OutboxStatus.FAILED).count(),
            "can_edit_forms": access.can_edit_forms(request.user),
            "can_review_log": access.can_review_log(request.user),
        },
    )
