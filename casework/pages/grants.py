"""Who gave or took which role of whom, and when: for the log's reviewers, beside the access
log, so that a role given to read cases (or an administrator's own) is seen."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from sspf_flow import access

PER_PAGE = 50


@login_required
def role_changes(request):
    if not access.can_review_log(request.user):
        raise PermissionDenied
    changes = access.role_changes_visible_to(request.user).select_related("actor", "user")
    page = Paginator(changes, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "casework/grant_log.html", {"page": page})
