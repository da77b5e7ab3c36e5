from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from sspf_flow import access

from ..workflow.flows import CaseFlow


@login_required
def home(request):
    """Case workers land in their inbox; everyone else on a page that says what they can do."""
    if access.works_with_cases(request.user):
        return redirect(CaseFlow.instance.reverse("inbox"))
    return render(request, "casework/home.html", {"roles": access.roles_of(request.user)})
